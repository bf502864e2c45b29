"""Lossless removal of metadata from a JPEG: segment surgery, the pixels are never decoded."""

from __future__ import annotations

import re

SOI = 0xD8
EOI = 0xD9
SOS = 0xDA
APP0 = 0xE0
APP2 = 0xE2
APP14 = 0xEE
COM = 0xFE

#: Segments the decoder needs: DHT, DAC, DQT, DRI, DNL and every SOFn (C4, C8 and CC are not SOF).
_DECODING_MARKERS = frozenset(
    {0xC4, 0xCC, 0xDB, 0xDC, 0xDD} | {m for m in range(0xC0, 0xD0) if m not in (0xC4, 0xC8, 0xCC)}
)
_ICC_SIGNATURE = b"ICC_PROFILE\x00"
_JFIF_SIGNATURE = b"JFIF\x00"
_ADOBE_SIGNATURE = b"Adobe"
#: The end of a scan's entropy-coded data: a marker that is neither a stuffed 0xFF00,
#: a restart marker RST0-RST7 nor a fill byte.
_END_OF_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def strip_metadata(jpeg: bytes) -> bytes:
    """The same JPEG without EXIF, XMP, IPTC, comments or trailers; ValueError if malformed."""
    if not jpeg.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG: missing SOI marker")
    view = memoryview(jpeg)  # slices of a view are not copies: the scans can be megabytes
    kept: list[bytes | memoryview] = [view[:2]]
    pos = 2
    while True:
        pos, marker = _next_marker(jpeg, pos)
        if marker == EOI:
            kept.append(b"\xff\xd9")
            return b"".join(kept)
        if marker == SOI or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            raise ValueError(f"unexpected marker 0xFF{marker:02X} at offset {pos - 2}")
        end = _segment_end(jpeg, pos)
        segment = _kept_segment(marker, jpeg[pos - 2 : end])
        if segment is not None:
            kept.append(segment)
        if marker == SOS:
            scan_end = _scan_end(jpeg, end)
            kept.append(view[end:scan_end])
            end = scan_end
        pos = end


def _next_marker(jpeg: bytes, pos: int) -> tuple[int, int]:
    """The position just after the next marker at ``pos`` (fill bytes skipped) and its code."""
    if pos >= len(jpeg) or jpeg[pos] != 0xFF:
        raise ValueError(f"expected a marker at offset {pos}")
    while pos < len(jpeg) and jpeg[pos] == 0xFF:
        pos += 1
    if pos >= len(jpeg):
        raise ValueError("truncated JPEG: no EOI marker")
    return pos + 1, jpeg[pos]


def _segment_end(jpeg: bytes, pos: int) -> int:
    """The end of the length-prefixed segment whose length field starts at ``pos``."""
    if pos + 2 > len(jpeg):
        raise ValueError("truncated JPEG segment")
    length = int.from_bytes(jpeg[pos : pos + 2], "big")
    if length < 2 or pos + length > len(jpeg):
        raise ValueError(f"bad segment length {length} at offset {pos}")
    return pos + length


def _scan_end(jpeg: bytes, pos: int) -> int:
    """The offset of the marker that ends the entropy-coded data starting at ``pos``."""
    found = _END_OF_SCAN.search(jpeg, pos)
    if found is None:
        raise ValueError("truncated JPEG: scan data without an end")
    return found.start()


def _kept_segment(marker: int, segment: bytes) -> bytes | None:
    """The segment to write (possibly trimmed) or None to drop it; ValueError if unknown."""
    payload = segment[4:]
    if marker in _DECODING_MARKERS or marker == SOS:
        return segment
    if marker == APP0:
        return _jfif_without_thumbnail(segment) if payload.startswith(_JFIF_SIGNATURE) else None
    if marker == APP2:
        return segment if payload.startswith(_ICC_SIGNATURE) else None
    if marker == APP14:
        return segment if payload.startswith(_ADOBE_SIGNATURE) else None
    if 0xE0 <= marker <= 0xEF or marker == COM:
        return None
    raise ValueError(f"unsupported JPEG marker 0xFF{marker:02X}")


def _jfif_without_thumbnail(segment: bytes) -> bytes:
    """A JFIF APP0 segment with any embedded thumbnail removed (it may show the unedited photo)."""
    if len(segment) < 18:
        raise ValueError("truncated JFIF segment")
    header = bytearray(segment[:18])
    header[2:4] = (16).to_bytes(2, "big")
    header[16:18] = b"\x00\x00"
    return bytes(header)
