"""Photo files: decoding and re-encoding images safely, stripping JPEG metadata, storing
photos by content hash, full-size masters, share cards and collages.

May import ``contest.core``.
"""
