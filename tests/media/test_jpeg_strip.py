"""Lossless JPEG metadata removal: private segments go, the pixels stay identical."""

from __future__ import annotations

import functools
import struct
from collections.abc import Callable
from io import BytesIO

import pytest
from PIL import Image, ImageCms, ImageDraw

from contest.media.jpeg_strip import APP14, strip_metadata

XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
    b'xmp:CreatorTool="SECRET-XMP-TOOL"/></rdf:RDF></x:xmpmeta>'
)


def segment(marker: int, payload: bytes) -> bytes:
    """A length-prefixed JPEG segment."""
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def picture(size: tuple[int, int] = (96, 64), mode: str = "RGB") -> Image.Image:
    """A small picture with edges and colours, so the scans carry real data."""
    im = Image.new("RGB", size, (30, 90, 160))
    draw = ImageDraw.Draw(im)
    for step in range(0, size[0], 7):
        draw.line(
            (step, 0, size[0] - step, size[1]), fill=(step * 2 % 256, 200, 255 - step), width=2
        )
    draw.ellipse((10, 10, size[0] // 2, size[1] // 2), fill=(250, 240, 10))
    im = Image.merge("RGB", [*im.split()[:2], Image.effect_noise(size, 40)])
    return im.convert(mode)


def jpeg(im: Image.Image | None = None, **options: object) -> bytes:
    """``im`` (a default picture) saved as JPEG with Pillow's options."""
    out = BytesIO()
    (im or picture()).save(out, "JPEG", quality=90, **options)
    return out.getvalue()


def gps_exif() -> bytes:
    """EXIF with a camera, a GPS position and a recognisable map datum."""
    exif = Image.Exif()
    exif[0x010F] = "SECRET-MAKE"
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.88), 0x12: "SECRET-GPS-DATUM"}
    return exif.tobytes()


def pixels(data: bytes) -> bytes:
    """The decoded pixels of a JPEG."""
    with Image.open(BytesIO(data)) as im:
        return im.tobytes()


def with_segments_after_header(data: bytes, *segments: bytes) -> bytes:
    """``data`` with extra segments inserted right after SOI (and its APP0, if any)."""
    at = 2 + (4 + int.from_bytes(data[4:6], "big") - 2 if data[2:4] == b"\xff\xe0" else 0)
    return data[:at] + b"".join(segments) + data[at:]


def test_exif_xmp_iptc_and_comment_are_removed() -> None:
    iptc = segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0bSECRET-IPTC")
    original = jpeg(exif=gps_exif(), xmp=XMP, comment=b"SECRET-COMMENT", extra=iptc)
    for secret in (b"Exif", b"SECRET-GPS-DATUM", b"http://ns.adobe.com/xap", b"SECRET-COMMENT"):
        assert secret in original
    stripped = strip_metadata(original)
    for secret in (b"Exif", b"SECRET", b"http://ns.adobe.com/xap", b"Photoshop 3.0", b"8BIM"):
        assert secret not in stripped
    assert b"\xff\xfe" not in stripped.split(b"\xff\xda")[0]  # no COM segment in the header


def test_stripped_jpeg_decodes_to_identical_pixels() -> None:
    variants = [
        jpeg(exif=gps_exif()),
        jpeg(progressive=True, exif=gps_exif(), comment=b"note"),
        jpeg(subsampling=0, xmp=XMP),
        jpeg(picture(mode="L"), comment=b"grey"),
        jpeg(picture(mode="CMYK"), exif=gps_exif()),
        jpeg(picture((333, 211)), restart_marker_blocks=2, exif=gps_exif()),
    ]
    for original in variants:
        assert pixels(strip_metadata(original)) == pixels(original)


def test_progressive_scans_and_their_tables_are_all_kept() -> None:
    original = jpeg(progressive=True, comment=b"between")
    stripped = strip_metadata(original)
    assert stripped.count(b"\xff\xda") == original.count(b"\xff\xda") > 1
    assert stripped.count(b"\xff\xc4") == original.count(b"\xff\xc4") > 1
    assert pixels(stripped) == pixels(original)


def test_restart_markers_inside_scan_data_are_kept() -> None:
    original = jpeg(picture((333, 211)), restart_marker_blocks=1)
    stripped = strip_metadata(original)
    assert stripped == original  # nothing to remove but the APP0 stays the same
    assert sum(stripped.count(bytes((0xFF, rst))) for rst in range(0xD0, 0xD8)) > 8


def test_icc_profile_and_adobe_segment_are_kept() -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = jpeg(picture(mode="CMYK"), icc_profile=icc, exif=gps_exif())
    stripped = strip_metadata(original)
    assert b"Adobe" in stripped
    with Image.open(BytesIO(stripped)) as im:
        assert im.info["icc_profile"] == icc
    assert pixels(stripped) == pixels(original)


def mpo(**options: object) -> bytes:
    """A two-image MPO, as phones write: both images carry the EXIF (GPS included)."""
    out = BytesIO()
    picture().save(out, "MPO", save_all=True, append_images=[picture((40, 30))], **options)
    return out.getvalue()


def test_mpf_segment_and_everything_after_the_first_eoi_are_dropped() -> None:
    original = mpo(exif=gps_exif(), comment=b"SECRET-COMMENT")
    assert original.count(b"SECRET-GPS-DATUM") == 2
    stripped = strip_metadata(original)
    assert b"MPF" not in stripped
    assert b"SECRET" not in stripped
    assert stripped.endswith(b"\xff\xd9")
    assert stripped.count(b"\xff\xd8") == 1
    assert pixels(stripped) == pixels(original)


def test_any_trailer_after_eoi_is_dropped() -> None:
    trailer = jpeg(picture((40, 30)), exif=gps_exif()) + b"SECRET-TRAILER"
    plain = jpeg()
    stripped = strip_metadata(plain + trailer)
    assert stripped == strip_metadata(plain)
    assert b"SECRET" not in stripped


def test_jfif_thumbnail_and_jfxx_extension_are_removed() -> None:
    thumb = bytes(range(256))[: 3 * 4 * 3]
    jfif = segment(0xE0, b"JFIF\x00\x01\x02\x00\x00\x48\x00\x48\x04\x03" + thumb)
    jfxx = segment(0xE0, b"JFXX\x00\x13" + b"SECRET-JFXX-THUMB")
    plain = jpeg()
    assert plain[2:4] == b"\xff\xe0"
    original = plain[:2] + jfif + jfxx + plain[2 + 2 + int.from_bytes(plain[4:6], "big") :]
    stripped = strip_metadata(original)
    assert stripped[2:20] == segment(0xE0, b"JFIF\x00\x01\x02\x00\x00\x48\x00\x48\x00\x00")
    assert thumb not in stripped
    assert b"JFXX" not in stripped
    assert pixels(stripped) == pixels(original)


def test_fill_bytes_before_a_marker_are_tolerated() -> None:
    plain = jpeg()
    dqt = plain.index(b"\xff\xdb")
    original = plain[:dqt] + b"\xff\xff\xff" + plain[dqt:]
    assert pixels(strip_metadata(original)) == pixels(plain)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: b"GIF89a" + data, id="not-a-jpeg"),
        pytest.param(lambda data: data[: len(data) // 2], id="truncated-scan"),
        pytest.param(lambda data: data[:40], id="truncated-segment"),
        pytest.param(lambda data: data[:-2], id="missing-eoi"),
        pytest.param(lambda data: data[:2] + b"\xff\xdb\x00\x01" + data[2:], id="bad-length"),
        pytest.param(lambda data: data[:2] + b"\x00\x00" + data[2:], id="garbage-between"),
        pytest.param(lambda data: data[:2] + segment(0xF3, b"??") + data[2:], id="unknown-marker"),
    ],
)
def test_malformed_input_raises_value_error(damage: object) -> None:
    assert callable(damage)
    with pytest.raises(ValueError):
        strip_metadata(damage(jpeg()))


@functools.cache
def plain_jpeg() -> bytes:
    """One default JPEG (each ``jpeg()`` draws new noise), with its 18-byte JFIF header."""
    return jpeg()


def inserted(*segments: bytes) -> bytes:
    """``plain_jpeg()`` with ``segments`` right after its JFIF header, at offset 20."""
    return with_segments_after_header(plain_jpeg(), *segments)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(lambda: b"", "not a JPEG: missing SOI marker", id="empty"),
        pytest.param(lambda: b"GIF89a" + plain_jpeg(), "not a JPEG: missing SOI marker", id="gif"),
        pytest.param(lambda: b"\xff", "not a JPEG: missing SOI marker", id="half-soi"),
        pytest.param(
            lambda: plain_jpeg()[:2] + b"\x00\x00" + plain_jpeg()[2:],
            "expected a marker at offset 2",
            id="garbage-after-soi",
        ),
        pytest.param(
            lambda: b"\xff\xd8" + segment(0xFE, b"note"),
            "expected a marker at offset 10",
            id="ends-after-a-segment",
        ),
        pytest.param(
            lambda: b"\xff\xd8\xff\xff", "truncated JPEG: no EOI marker", id="ends-in-fill-bytes"
        ),
        pytest.param(lambda: b"\xff\xd8\xff\xdb", "truncated JPEG segment", id="no-length"),
        pytest.param(lambda: b"\xff\xd8\xff\xdb\x00", "truncated JPEG segment", id="half-length"),
        pytest.param(
            lambda: b"\xff\xd8\xff\xfe\x00\x00", "bad segment length 0 at offset 4", id="length-0"
        ),
        pytest.param(
            lambda: b"\xff\xd8\xff\xfe\x00\x01\xff\xd9",
            "bad segment length 1 at offset 4",
            id="length-1",
        ),
        pytest.param(
            lambda: b"\xff\xd8\xff\xfe\x00\x10abc",
            "bad segment length 16 at offset 4",
            id="length-past-the-end",
        ),
        pytest.param(
            lambda: b"\xff\xd8\xff\xfe\x00\x05ab",
            "bad segment length 5 at offset 4",
            id="length-one-past-the-end",
        ),
        pytest.param(
            lambda: plain_jpeg()[: len(plain_jpeg()) // 2],
            "truncated JPEG: scan data without an end",
            id="truncated-scan",
        ),
        pytest.param(
            lambda: plain_jpeg()[:-2], "truncated JPEG: scan data without an end", id="missing-eoi"
        ),
        pytest.param(
            lambda: b"\xff\xd8\xff\xd8", "unexpected marker 0xFFD8 at offset 2", id="second-soi"
        ),
        pytest.param(
            lambda: inserted(b"\xff\xd0"), "unexpected marker 0xFFD0 at offset 20", id="rst0"
        ),
        pytest.param(
            lambda: inserted(b"\xff\xd7"), "unexpected marker 0xFFD7 at offset 20", id="rst7"
        ),
        pytest.param(
            lambda: inserted(b"\xff\xff\x01"), "unexpected marker 0xFF01 at offset 21", id="tem"
        ),
        pytest.param(
            lambda: inserted(segment(0x02, b"??")),
            "unsupported JPEG marker 0xFF02",
            id="reserved-02",
        ),
        pytest.param(
            lambda: inserted(segment(0xF0, b"??")), "unsupported JPEG marker 0xFFF0", id="jpg0"
        ),
        pytest.param(
            lambda: inserted(segment(0xF3, b"??")), "unsupported JPEG marker 0xFFF3", id="jpg3"
        ),
        pytest.param(
            lambda: inserted(segment(0xE0, b"JFIF\x00\x01\x02")),
            "truncated JFIF segment",
            id="short-jfif",
        ),
    ],
)
def test_each_malformation_is_refused_by_the_check_that_finds_it(
    data: Callable[[], bytes], reason: str
) -> None:
    with pytest.raises(ValueError) as refused:
        strip_metadata(data())
    assert str(refused.value) == reason


def test_segments_of_length_two_and_ones_ending_at_the_last_byte_are_well_formed() -> None:
    empty_comment = segment(0xFE, b"")
    assert empty_comment == b"\xff\xfe\x00\x02"
    assert strip_metadata(inserted(empty_comment)) == strip_metadata(plain_jpeg())
    # A segment that ends at the very last byte is whole; what is missing is the next marker.
    with pytest.raises(ValueError, match=r"^expected a marker at offset 6$"):
        strip_metadata(b"\xff\xd8" + empty_comment)


def test_only_an_adobe_app14_segment_is_kept_and_byte_for_byte() -> None:
    adobe = segment(APP14, b"Adobe\x00\x64\x00\x00\x00\x00\x01")
    ducky = segment(APP14, b"Ducky SECRET-APP14")
    plain = strip_metadata(plain_jpeg())
    stripped = strip_metadata(inserted(ducky, adobe))
    assert stripped == plain[:20] + adobe + plain[20:]  # after the JFIF header, in place
    assert b"Ducky" not in stripped and b"SECRET" not in stripped
    assert strip_metadata(inserted(ducky)) == plain


def test_only_an_icc_app2_segment_is_kept_and_other_app_segments_are_dropped() -> None:
    icc = segment(0xE2, b"ICC_PROFILE\x00\x01\x01")
    flashpix = segment(0xE2, b"FPXR\x00SECRET-FLASHPIX")
    others = [segment(marker, b"SECRET-APP") for marker in range(0xE1, 0xF0) if marker != 0xE2]
    plain = strip_metadata(plain_jpeg())
    assert strip_metadata(inserted(flashpix, *others)) == plain
    assert strip_metadata(inserted(flashpix, icc, *others)) == plain[:20] + icc + plain[20:]


def test_a_jfif_header_without_a_thumbnail_is_kept_as_it_is() -> None:
    plain = plain_jpeg()
    header = plain[2:20]
    assert header[:4] == b"\xff\xe0\x00\x10" and header[4:9] == b"JFIF\x00"
    assert strip_metadata(plain)[2:20] == header
