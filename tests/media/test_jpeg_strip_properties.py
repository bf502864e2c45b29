"""Properties of the lossless JPEG stripper, on JPEGs and bytes that Hypothesis makes up.

For any JPEG Pillow writes (any size, quality, subsampling, baseline or progressive, with
restart markers or not), loaded with metadata (EXIF with GPS, XMP, IPTC, comments, ICC,
FlashPix, a JFIF thumbnail, JFXX, Adobe and non-Adobe APP14, other APPn, a trailer after EOI),
``strip_metadata`` keeps every decoding segment and every scan byte for byte (the pixels
decode identically) and keeps of the metadata only the JFIF header without its thumbnail, the
ICC profile and the Adobe segment. On any other bytes it answers a JPEG or ValueError.
"""

from __future__ import annotations

import contextlib
import re
import signal
import struct
import warnings
from collections.abc import Iterator
from io import BytesIO
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageCms, ImageDraw

from contest.media.jpeg_strip import strip_metadata

SETTINGS = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
SOI, EOI, SOS, APP0, APP2, APP14, COM = 0xD8, 0xD9, 0xDA, 0xE0, 0xE2, 0xEE, 0xFE
#: What the decoder needs (DHT, DAC, DQT, DRI, DNL, every SOFn): kept byte for byte.
DECODING = {0xC4, 0xCC, 0xDB, 0xDC, 0xDD} | {
    m for m in range(0xC0, 0xD0) if m not in (0xC4, 0xC8, 0xCC)
}
END_OF_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
SECRET = b"SECRET"
ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def segment(marker: int, payload: bytes) -> bytes:
    """A length-prefixed JPEG segment."""
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def walk(data: bytes) -> tuple[list[tuple[int | str, bytes]], int]:
    """The segments of a JPEG in order, each scan's entropy-coded data as ("scan", bytes),
    and the offset just after EOI. Written apart from the module, as the tests read JPEGs."""
    assert data[:2] == b"\xff\xd8"
    pos, found = 2, []
    while True:
        assert data[pos] == 0xFF, f"no marker at {pos}"
        while data[pos] == 0xFF:
            pos += 1
        marker, pos = data[pos], pos + 1
        if marker == EOI:
            found.append((EOI, b""))
            return found, pos
        length = int.from_bytes(data[pos : pos + 2], "big")
        found.append((marker, data[pos - 2 : pos + length]))
        pos += length
        if marker == SOS:
            end = END_OF_SCAN.search(data, pos)
            assert end is not None
            found.append(("scan", data[pos : end.start()]))
            pos = end.start()


def pixels(data: bytes) -> tuple[str, tuple[int, int], bytes]:
    """What a JPEG decodes to (Pillow warns of the made-up MPF segment: it is meant to go)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Image appears to be a malformed MPO", UserWarning)
        with Image.open(BytesIO(data)) as im:
            im.load()
            return im.mode, im.size, im.tobytes()


@contextlib.contextmanager
def time_limit(seconds: float = 5.0) -> Iterator[None]:
    """Fail instead of hanging if the stripper loops (its inputs here are a few KB)."""

    def expired(*_: Any) -> None:
        raise AssertionError(f"strip_metadata ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def gps_exif(secret: bytes) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SECRET-MAKE"
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.88), 0x12: (SECRET + secret).decode("latin-1")}
    return exif.tobytes()


# The metadata segments Pillow cannot write, made by hand: (segment, kept?)
def hand_made(kind: str, noise: bytes) -> bytes:
    body = SECRET + b"-" + kind.encode() + b"-" + noise
    return {
        "iptc": segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0b" + body),
        "flashpix": segment(APP2, b"FPXR\x00" + body),
        "mpf": segment(APP2, b"MPF\x00II*\x00" + body),
        "jfxx": segment(APP0, b"JFXX\x00\x13" + body),
        "app1-other": segment(0xE1, b"Other\x00" + body),
        "ducky": segment(0xEC, b"Ducky" + body),
        "not-adobe-app14": segment(APP14, b"Adobf" + body),
        "app15": segment(0xEF, body),
        "comment": segment(COM, body),
    }[kind]


HAND_MADE = ["iptc", "flashpix", "mpf", "jfxx", "app1-other", "ducky", "not-adobe-app14", "app15"]


def adobe(transform: int) -> bytes:
    """An Adobe APP14 (version 100, no flags, the colour transform); the decoder reads it."""
    return segment(APP14, b"Adobe" + struct.pack(">HHHB", 100, 0, 0, transform))


def jfif_with_thumbnail(noise: bytes) -> bytes:
    thumb = (SECRET + noise + bytes(12))[:12]  # a 2x2 RGB thumbnail
    return segment(APP0, b"JFIF\x00\x01\x02\x00\x00\x48\x00\x48\x02\x02" + thumb)


@st.composite
def loaded_jpegs(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """(a JPEG laden with metadata, the same JPEG with none of it), both as Pillow reads them."""
    mode = draw(st.sampled_from(["RGB", "RGB", "L", "CMYK"]))
    size = (draw(st.integers(1, 48)), draw(st.integers(1, 48)))
    colour = draw(st.integers(0, 255))
    im = Image.new("RGB", size, (colour, 255 - colour, colour // 2))
    canvas = ImageDraw.Draw(im)
    for _ in range(draw(st.integers(0, 4))):
        x, y = draw(st.integers(0, size[0])), draw(st.integers(0, size[1]))
        canvas.rectangle((0, 0, x, y), fill=(draw(st.integers(0, 255)), 20, 200))
    im = im.convert(mode)
    noise = draw(st.binary(max_size=30))
    options: dict[str, Any] = {
        "quality": draw(st.integers(1, 100)),
        "progressive": draw(st.booleans()),
        "optimize": draw(st.booleans()),
    }
    if mode != "L":
        options["subsampling"] = draw(st.sampled_from([0, 1, 2]))
    if draw(st.booleans()):
        options["restart_marker_blocks"] = draw(st.integers(1, 4))
    if draw(st.booleans()):
        options["exif"] = gps_exif(noise)
    if draw(st.booleans()):
        options["icc_profile"] = ICC
    if draw(st.booleans()):
        options["xmp"] = b"<x:xmpmeta>" + SECRET + b"-XMP</x:xmpmeta>"
    if draw(st.booleans()):
        options["comment"] = SECRET + b"-COMMENT"
    extra = b"".join(hand_made(kind, noise) for kind in draw(st.lists(st.sampled_from(HAND_MADE))))
    if mode != "CMYK" and draw(st.booleans()):  # Pillow writes CMYK's own Adobe segment
        extra += adobe(0 if mode == "L" else 1)
    options["extra"] = extra
    out = BytesIO()
    im.save(out, "JPEG", **options)
    data = out.getvalue()

    segments, end = walk(data)
    if data[2:4] == b"\xff\xe0" and draw(st.booleans()):  # a JFIF header with a thumbnail
        data = data[:2] + jfif_with_thumbnail(noise) + data[2 + len(segments[0][1]) :]
        segments, end = walk(data)
    # A comment or private segment before a random decoding segment, or between scans.
    for _ in range(draw(st.integers(0, 3))):
        at = draw(
            st.sampled_from([i for i, (m, _) in enumerate(segments) if m in DECODING | {SOS}])
        )
        offset = data.index(segments[at][1], 2)
        kind = draw(st.sampled_from(["comment", *HAND_MADE]))
        data = data[:offset] + hand_made(kind, noise) + data[offset:]
        segments, end = walk(data)
    if draw(st.booleans()):  # a trailer: another JPEG, EXIF and all, or anything at all
        data += draw(st.sampled_from([b"", data, SECRET + b"-TRAILER" + noise]))
    return data, data[:end]


def check_stripped(original: bytes, stripped: bytes) -> None:
    """What the stripper promises of a well-formed JPEG's stripped copy."""
    before, _ = walk(original)
    after, end = walk(stripped)
    assert end == len(stripped), "nothing may follow EOI"
    # Every decoding segment and every scan, byte for byte and in order.
    assert [s for s in after if s[0] in DECODING or s[0] in (SOS, "scan")] == [
        s for s in before if s[0] in DECODING or s[0] in (SOS, "scan")
    ]
    # Of the metadata, only the JFIF header (thumbnail cut), ICC and Adobe segments stay.
    for marker, data in after:
        if marker in DECODING or marker in (SOS, "scan", EOI):
            continue
        if marker == APP0:
            assert data[4:9] == b"JFIF\x00"
            assert len(data) == 18 and data[2:4] == b"\x00\x10" and data[16:18] == b"\x00\x00"
        elif marker == APP2:
            assert data[4:16] == b"ICC_PROFILE\x00"
        elif marker == APP14:
            assert data[4:9] == b"Adobe"
        else:
            raise AssertionError(f"metadata segment 0xFF{marker:02X} was kept")
    kept = [(m, d) for m, d in before if m in (APP2, APP14) and d[4:9] in (b"ICC_P", b"Adobe")]
    assert [(m, d) for m, d in after if m in (APP2, APP14)] == kept
    assert sum(1 for m, _ in after if m == APP0) <= 1
    assert SECRET not in stripped
    for marker in (b"Exif\x00\x00", b"http://ns.adobe.com/xap", b"8BIM", b"FPXR", b"MPF\x00"):
        assert marker not in stripped


@SETTINGS
@given(loaded_jpegs())
def test_stripping_keeps_the_image_data_and_drops_the_metadata(
    jpegs: tuple[bytes, bytes],
) -> None:
    original, first_image = jpegs
    with time_limit():
        stripped = strip_metadata(original)
    check_stripped(original, stripped)
    assert pixels(stripped) == pixels(first_image)
    with Image.open(BytesIO(stripped)) as im:
        assert not im.getexif()
        assert "comment" not in im.info and "xmp" not in im.info and "exif" not in im.info
        if b"ICC_PROFILE\x00" in first_image:
            assert im.info["icc_profile"] == ICC
    assert strip_metadata(stripped) == stripped  # nothing left to strip


def damaged(data: bytes, cut: int, flips: list[tuple[int, int]], inserted: bytes) -> bytes:
    """``data`` with bytes replaced, random bytes inserted and then cut short."""
    buffer = bytearray(data)
    for at, value in flips:
        buffer[at % len(buffer)] = value
    at = flips[0][0] % len(buffer) if flips else len(buffer) // 2
    buffer[at:at] = inserted
    return bytes(buffer[: max(cut, 0)]) if cut < len(buffer) else bytes(buffer)


def answers_a_jpeg_or_value_error(data: bytes) -> None:
    """The stripper's whole contract on any input: a JPEG it would keep as is, or ValueError."""
    try:
        with time_limit():
            stripped = strip_metadata(data)
    except ValueError:
        return
    assert stripped.startswith(b"\xff\xd8") and stripped.endswith(b"\xff\xd9")
    assert len(stripped) <= len(data)
    assert strip_metadata(stripped) == stripped


@SETTINGS
@given(
    loaded_jpegs(),
    st.integers(0, 6000),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=4),
    st.binary(max_size=12),
)
def test_damaged_jpegs_give_a_jpeg_or_value_error(
    jpegs: tuple[bytes, bytes], cut: int, flips: list[tuple[int, int]], inserted: bytes
) -> None:
    answers_a_jpeg_or_value_error(damaged(jpegs[0], cut, flips, inserted))


#: Byte streams that look like JPEGs: SOI, then markers, segments with honest or lying
#: lengths, scan data, fill bytes, EOI, garbage.
pieces = st.one_of(
    st.tuples(st.integers(0, 255), st.binary(max_size=20)).map(lambda t: segment(*t)),
    st.tuples(st.integers(0, 255), st.integers(0, 0xFFFF), st.binary(max_size=20)).map(
        lambda t: bytes((0xFF, t[0])) + struct.pack(">H", t[1]) + t[2]
    ),
    st.sampled_from(
        [b"\xff", b"\xff\xd9", b"\xff\xd8", b"\xff\x00", b"\xff\xd0", b"\xff\x01", b"\xff\xda"]
    ),
    st.binary(max_size=10),
)
jpeg_like = st.lists(pieces, max_size=12).map(lambda parts: b"\xff\xd8" + b"".join(parts))


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(st.binary(max_size=2000), jpeg_like))
@example(b"")
@example(b"\xff")
@example(b"\xff\xd8")
@example(b"\xff\xd8\xff")
@example(b"\xff\xd8\xff\xff\xff")
@example(b"\xff\xd8\xff\xd9")
@example(b"\xff\xd8\xff\xe0\x00\x02\xff\xd9")
@example(b"\xff\xd8\xff\xe0\x00\x07JFIF\x00\xff\xd9")
@example(b"\xff\xd8\xff\xda\x00\x02\xff\xd9")
@example(b"\xff\xd8\xff\xda\x00\x02\xff\x00\xff\xd0")
@example(b"\xff\xd8\xff\xda\x00\x02\xff\xff\xff\xd9")
@example(b"\xff\xd8\xff\xc0\xff\xff")
def test_any_bytes_give_a_jpeg_or_value_error(data: bytes) -> None:
    answers_a_jpeg_or_value_error(data)
