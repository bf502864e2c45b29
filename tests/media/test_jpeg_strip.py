"""Lossless JPEG metadata removal: private segments go, the pixels stay identical."""

from __future__ import annotations

import struct
from io import BytesIO

import pytest
from PIL import Image, ImageCms, ImageDraw

from contest.media.jpeg_strip import strip_metadata

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
