"""The demo contests that ``contest demo`` seeds, with their photos and engagement.

Used by the command line only, never by tests as fixtures; may import any domain package.
"""
