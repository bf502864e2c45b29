"""The photo pipeline: accepted formats, upright and private output, clear refusals."""

from __future__ import annotations

import hashlib
import struct
import warnings
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

import pillow_heif
import pytest
from PIL import Image, ImageCms, ImageDraw, ImageFilter

from contest.media.images import (
    ACCEPTED_LABEL,
    DISPLAY_EDGE,
    THUMB_EDGE,
    Derivative,
    ImageRejected,
    ProcessedPhoto,
    hamming_distance,
    make_master,
    process_photo,
    psnr,
)

RED = (230, 20, 20)
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
    b'xmp:CreatorTool="SECRET-XMP-TOOL"/></rdf:RDF></x:xmpmeta>'
)
PRIVATE = (b"Exif", b"http://ns.adobe.com/xap", b"SECRET", b"ICC_PROFILE", b"Photoshop 3.0", b"MPF")
P3_COLORANTS = {
    b"rXYZ": (0.515102, 0.241182, -0.00105),
    b"gXYZ": (0.291965, 0.692236, 0.041885),
    b"bXYZ": (0.157153, 0.066582, 0.784378),
}
#: The transpose that stores an upright picture so that an EXIF orientation undoes it.
STORED_AS = {6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


def scene(size: tuple[int, int] = (640, 480), seed: int = 0) -> Image.Image:
    """A deterministic photo-like picture: gradients, shapes, soft edges."""
    width, height = size
    im = Image.merge(
        "RGB",
        [
            Image.linear_gradient("L").resize(size),
            Image.radial_gradient("L").resize(size),
            Image.linear_gradient("L").rotate(90 + seed * 37).resize(size),
        ],
    )
    draw = ImageDraw.Draw(im)
    for index in range(12):
        k = (index * 7919 + seed * 104729) % 997
        x, y = k * width // 997, (k * 31 % 997) * height // 997
        colour = ((k * 3) % 256, (k * 5) % 256, (k * 11) % 256)
        draw.ellipse((x, y, x + width // 5, y + height // 6), fill=colour)
    return im.filter(ImageFilter.GaussianBlur(1))


def marked(size: tuple[int, int] = (640, 480)) -> Image.Image:
    """An upright picture with a red block in its top-left corner only."""
    im = Image.new("RGB", size, (235, 235, 235))
    ImageDraw.Draw(im).rectangle((0, 0, size[0] // 4, size[1] // 4), fill=RED)
    return im


def encode(im: Image.Image, fmt: str, **options: object) -> bytes:
    """``im`` saved in a format (HEIF through pillow-heif)."""
    if fmt == "HEIF":
        pillow_heif.register_heif_opener()
    out = BytesIO()
    im.save(out, format=fmt, **options)
    return out.getvalue()


def phone_exif(orientation: int = 1, **tags: object) -> Image.Exif:
    """EXIF as a phone writes it, GPS included."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = tags.get("make", "Apple")
    exif[0x0110] = tags.get("model", "iPhone 15")
    exif[0x8769] = {0x9003: tags.get("taken", "2026:03:01 21:15:07")}
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.88), 3: "E", 0x12: "SECRET-GPS-DATUM"}
    return exif


def display_p3_icc() -> bytes:
    """An ICC profile with Display P3 primaries (lcms's sRGB with its colorants replaced)."""
    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    icc[84:100] = bytes(16)
    (count,) = struct.unpack_from(">I", icc, 128)
    for index in range(count):
        signature, offset, _ = struct.unpack_from(">4sII", icc, 132 + 12 * index)
        if signature in P3_COLORANTS:
            values = P3_COLORANTS[signature]
            icc[offset + 8 : offset + 20] = struct.pack(">3i", *(round(v * 65536) for v in values))
    return bytes(icc)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims another size (a decompression bomb's calling card)."""
    data = bytearray(encode(Image.new("L", (1, 1)), "PNG"))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def opened(data: bytes) -> Image.Image:
    """A decoded JPEG output."""
    im = Image.open(BytesIO(data))
    assert im.format == "JPEG"
    im.load()
    return im


def outputs(photo: ProcessedPhoto) -> dict[str, bytes]:
    """Every file a processed photo would store, its master made if deferred."""
    master = photo.master or make_master(photo.source or b"", photo.orientation)
    files = {"display": photo.display.data, "thumbnail": photo.thumbnail.data, "master": master}
    if photo.source is not None:
        files["source"] = photo.source
    return files


def is_red(pixel: object) -> bool:
    """Whether a pixel is clearly the red marker."""
    assert isinstance(pixel, tuple)
    red, green, blue = pixel[:3]
    return bool(red > 180 and green < 80 and blue < 80)


def red_corners(im: Image.Image) -> list[str]:
    """Which corners of ``im`` show the red marker."""
    w, h = im.width - 1, im.height - 1
    corners = {"top-left": (w // 20, h // 20), "top-right": (w - w // 20, h // 20)}
    corners |= {"bottom-left": (w // 20, h - h // 20), "bottom-right": (w - w // 20, h - h // 20)}
    return [name for name, xy in corners.items() if is_red(im.convert("RGB").getpixel(xy))]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_each_accepted_format_gives_progressive_derivatives(fmt: str) -> None:
    data = encode(scene(), fmt, quality=90) if fmt != "PNG" else encode(scene(), "PNG")
    photo = process_photo(data)
    assert (photo.format, photo.width, photo.height) == (fmt, 640, 480)
    for derivative in (photo.display, photo.thumbnail):
        im = opened(derivative.data)
        assert im.info.get("progressive") == 1
        assert im.mode == "RGB"
        assert im.size == (derivative.width, derivative.height)
    assert photo.display.width == 640
    assert (photo.thumbnail.width, photo.thumbnail.height) == (400, 300)
    assert photo.original_sha256 == hashlib.sha256(data).hexdigest()
    assert psnr(opened(photo.display.data), scene()) > 30


def test_jpeg_master_is_deferred_to_a_stripped_source() -> None:
    data = encode(scene(), "JPEG", exif=phone_exif(6))
    photo = process_photo(data)
    assert photo.master is None
    assert photo.source is not None and photo.source.startswith(b"\xff\xd8")
    assert photo.orientation == 6
    assert (photo.width, photo.height) == (480, 640)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "HEIF"])
def test_other_formats_return_the_master_directly(fmt: str) -> None:
    photo = process_photo(encode(scene(), fmt, quality=90))
    assert photo.source is None and photo.orientation == 1
    assert photo.master is not None
    master = opened(photo.master)
    assert master.size == (640, 480)
    assert "progressive" not in master.info


@pytest.mark.parametrize("orientation", [6, 8])
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_rotated_photos_come_out_upright(fmt: str, orientation: int) -> None:
    stored = marked().transpose(STORED_AS[orientation])
    assert red_corners(stored) != ["top-left"]
    options = {"exif": phone_exif(orientation).tobytes()}
    photo = process_photo(encode(stored, fmt, quality=95, **options))
    assert (photo.width, photo.height) == (640, 480)
    for name, data in outputs(photo).items():
        if name == "source":
            continue
        im = opened(data)
        assert im.width > im.height, name
        assert red_corners(im) == ["top-left"], name


@pytest.mark.parametrize("orientation", [6, 8])
def test_large_rotated_jpeg_uses_a_reduced_decode_and_comes_out_upright(orientation: int) -> None:
    stored = marked((3400, 2000)).transpose(STORED_AS[orientation])
    photo = process_photo(encode(stored, "JPEG", quality=80, exif=phone_exif(orientation)))
    assert (photo.width, photo.height) == (3400, 2000)
    assert (photo.display.width, photo.display.height) == (1600, 941)
    assert (photo.thumbnail.width, photo.thumbnail.height) == (400, 235)
    for name, data in outputs(photo).items():
        if name != "source":
            assert red_corners(opened(data)) == ["top-left"], name
    assert opened(outputs(photo)["master"]).size == (3400, 2000)


def test_gps_xmp_iptc_comment_and_trailer_are_in_no_output() -> None:
    iptc = b"\xff\xed\x00\x1cPhotoshop 3.0\x008BIM\x04\x04SECRET"
    primary = encode(
        scene(),
        "JPEG",
        exif=phone_exif(6),
        xmp=XMP,
        comment=b"SECRET-COMMENT",
        extra=iptc,
        icc_profile=display_p3_icc(),
    )
    trailer = encode(scene((160, 120)), "JPEG", exif=phone_exif(1)) + b"SECRET-TRAILER"
    data = primary + trailer
    for secret in (b"Exif", b"http://ns.adobe.com/xap", b"SECRET-COMMENT", b"SECRET-GPS-DATUM"):
        assert secret in data
    photo = process_photo(data)
    for name, output in outputs(photo).items():
        allowed = (b"ICC_PROFILE",) if name == "source" else ()
        for secret in PRIVATE:
            assert secret in allowed or secret not in output, (name, secret)
        im = Image.open(BytesIO(output))
        assert not im.getexif().get_ifd(0x8825), name
        assert "comment" not in im.info and "xmp" not in im.info, name


def test_phone_mpo_with_exif_in_both_images_is_a_clean_jpeg() -> None:
    out = BytesIO()
    scene().save(
        out,
        "MPO",
        save_all=True,
        append_images=[scene((160, 120), seed=3)],
        exif=phone_exif(8),
        comment=b"SECRET-COMMENT",
    )
    photo = process_photo(out.getvalue())
    assert photo.format == "JPEG"
    assert (photo.width, photo.height, photo.orientation) == (480, 640, 8)
    for name, output in outputs(photo).items():
        for secret in PRIVATE:
            assert secret not in output, (name, secret)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "HEIF"])
def test_metadata_is_dropped_from_every_format(fmt: str) -> None:
    options = {"exif": phone_exif(1).tobytes(), "icc_profile": display_p3_icc(), "xmp": XMP}
    photo = process_photo(encode(scene(), fmt, quality=90, **options))
    assert photo.camera == "Apple iPhone 15"
    for name, output in outputs(photo).items():
        for secret in PRIVATE:
            assert secret not in output, (name, secret)


def test_capture_date_and_camera_are_extracted() -> None:
    photo = process_photo(encode(scene(), "JPEG", exif=phone_exif(1)))
    assert photo.captured_at == "2026-03-01T21:15:07"
    assert photo.camera == "Apple iPhone 15"


@pytest.mark.parametrize(
    ("make", "model", "camera"),
    [
        ("Canon", "Canon EOS R5", "Canon EOS R5"),
        ("NIKON CORPORATION", "NIKON D850", "NIKON D850"),
        ("OLYMPUS IMAGING CORP.  ", "E-M5\x00\x00", "OLYMPUS E-M5"),
        ("Google", "Pixel 8", "Google Pixel 8"),
        ("", "", None),
    ],
)
def test_camera_name_is_tidied(make: str, model: str, camera: str | None) -> None:
    photo = process_photo(encode(scene(), "JPEG", exif=phone_exif(1, make=make, model=model)))
    assert photo.camera == camera


def test_capture_date_falls_back_to_datetime_and_ignores_nonsense() -> None:
    exif = Image.Exif()
    exif[0x0132] = "2025:12:24 18:00:00"
    assert process_photo(encode(scene(), "JPEG", exif=exif)).captured_at == "2025-12-24T18:00:00"
    nonsense = phone_exif(1, taken="0000:00:00 00:00:00")
    assert process_photo(encode(scene(), "JPEG", exif=nonsense)).captured_at is None
    bare = process_photo(encode(scene(), "PNG"))
    assert (bare.captured_at, bare.camera) == (None, None)


@pytest.mark.parametrize(
    ("data", "max_pixels"),
    [
        pytest.param(png_claiming(20_000, 20_000), None, id="over-pillow-error-threshold"),
        pytest.param(png_claiming(12_000, 10_000), None, id="over-pillow-warning-threshold"),
        pytest.param(png_claiming(10_000, 6_000), None, id="60mp-below-pillow-threshold"),
        pytest.param(png_claiming(1_000, 1_000), 999_999, id="custom-cap"),
    ],
)
def test_decompression_bombs_are_refused(data: bytes, max_pixels: int | None) -> None:
    with pytest.raises(ImageRejected, match="too many pixels"):
        process_photo(data) if max_pixels is None else process_photo(data, max_pixels=max_pixels)


def test_bomb_is_refused_even_when_pillow_only_warns() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with pytest.raises(ImageRejected, match=r"too many pixels \(12000 x 10000\)"):
            process_photo(png_claiming(12_000, 10_000))


def damaged(fmt: str) -> bytes:
    """A photo cut off half-way."""
    data = encode(scene(), fmt, quality=90)
    return data[: len(data) // 2]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_truncated_photos_are_refused_as_damaged(fmt: str) -> None:
    with pytest.raises(ImageRejected, match="incomplete or damaged"):
        process_photo(damaged(fmt))


def test_truncated_jpeg_header_is_refused_as_damaged() -> None:
    with pytest.raises(ImageRejected, match="incomplete or damaged"):
        process_photo(encode(scene(), "JPEG")[:60])


def test_zero_bytes_are_refused_naming_the_accepted_formats() -> None:
    with pytest.raises(ImageRejected, match="empty") as refused:
        process_photo(b"")
    assert ACCEPTED_LABEL in str(refused.value)


@pytest.mark.parametrize(
    ("data", "named"),
    [
        pytest.param(b"Dear organisers, here is my photo!\n", "not a photo", id="text-named-jpg"),
        pytest.param(encode(scene(), "GIF"), "GIF images", id="gif"),
        pytest.param(encode(scene(), "TIFF"), "TIFF images", id="tiff"),
        pytest.param(encode(scene(), "BMP"), "BMP images", id="bmp"),
        pytest.param(encode(scene(), "AVIF", quality=60), "AVIF images", id="avif"),
    ],
)
def test_other_files_are_refused_naming_the_accepted_formats(data: bytes, named: str) -> None:
    with pytest.raises(ImageRejected) as refused:
        process_photo(data)
    assert named in refused.value.message
    assert ACCEPTED_LABEL in refused.value.message


def test_cmyk_jpeg_becomes_rgb() -> None:
    cmyk = Image.new("CMYK", (320, 240), (0, 255, 255, 0))
    photo = process_photo(encode(cmyk, "JPEG", quality=95))
    for name, data in outputs(photo).items():
        if name == "source":
            continue
        im = opened(data)
        assert im.mode == "RGB"
        assert is_red(im.getpixel((160, 120)))


def test_transparent_png_is_flattened_onto_white() -> None:
    rgba = Image.new("RGBA", (320, 240), (0, 0, 255, 0))
    rgba.paste((200, 0, 0, 255), (0, 0, 80, 60))
    photo = process_photo(encode(rgba, "PNG"))
    master = opened(photo.master or b"")
    assert all(value > 245 for value in master.getpixel((300, 200)))  # type: ignore[union-attr]
    assert red_corners(master) == ["top-left"]


@pytest.mark.parametrize("mode", ["LA", "P", "1"])
def test_other_png_modes_are_converted(mode: str) -> None:
    im = marked((320, 240)).convert("RGBA").convert(mode)
    if mode == "P":
        im.info["transparency"] = 0
    photo = process_photo(encode(im, "PNG"))
    assert opened(photo.display.data).mode in ("RGB", "L")


def test_sixteen_bit_png_is_scaled_not_clipped() -> None:
    grey = Image.new("I;16", (320, 240), 40_000)
    photo = process_photo(encode(grey, "PNG"))
    value = opened(photo.master or b"").convert("L").getpixel((160, 120))
    assert isinstance(value, int) and abs(value - 40_000 / 257) <= 2


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_display_p3_photo_is_converted_to_srgb(fmt: str) -> None:
    colour = (180, 120, 100)  # in P3; about (190, 117, 96) in sRGB
    im = Image.new("RGB", (2400, 1800), colour)
    photo = process_photo(encode(im, fmt, quality=98, icc_profile=display_p3_icc()))
    for name, data in outputs(photo).items():
        if name == "source":
            continue
        red, green, blue = opened(data).getpixel((100, 100))  # type: ignore[misc]
        assert red >= 186 and green <= 119 and blue <= 99, name
        assert b"ICC_PROFILE" not in data


def test_srgb_tagged_photo_keeps_its_colours() -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    im = Image.new("RGB", (320, 240), (180, 120, 100))
    photo = process_photo(encode(im, "PNG", icc_profile=srgb))
    pixel = opened(photo.master or b"").getpixel((10, 10))
    assert isinstance(pixel, tuple)
    assert all(abs(a - b) <= 2 for a, b in zip(pixel, (180, 120, 100), strict=True))


def test_small_photos_are_never_upscaled() -> None:
    photo = process_photo(encode(scene((300, 200)), "JPEG"))
    assert photo.display == Derivative(photo.display.data, 300, 200)
    assert (photo.thumbnail.width, photo.thumbnail.height) == (300, 200)
    assert opened(outputs(photo)["master"]).size == (300, 200)


def test_derivatives_fit_their_long_edge() -> None:
    photo = process_photo(encode(scene((2000, 3000)), "PNG"))
    assert (photo.display.width, photo.display.height) == (1067, DISPLAY_EDGE)
    assert (photo.thumbnail.width, photo.thumbnail.height) == (267, THUMB_EDGE)


def test_make_master_keeps_an_upright_srgb_source_unchanged() -> None:
    photo = process_photo(encode(scene(), "JPEG", exif=phone_exif(1)))
    assert photo.source is not None
    assert make_master(photo.source, 1) is photo.source


def test_make_master_reencodes_a_rotated_source_as_baseline() -> None:
    photo = process_photo(encode(scene(), "JPEG", exif=phone_exif(6)))
    master = opened(make_master(photo.source or b"", photo.orientation))
    assert master.size == (480, 640)
    assert "progressive" not in master.info


def test_jpeg_our_parser_refuses_still_gets_its_master_at_once() -> None:
    data = encode(scene(), "JPEG", exif=phone_exif(6))
    dqt = data.index(b"\xff\xdb")
    photo = process_photo(data[:dqt] + b"\x00\x00" + data[dqt:])  # libjpeg skips the stray bytes
    assert photo.source is None and photo.orientation == 1
    assert photo.master is not None and b"Exif" not in photo.master
    assert opened(photo.master).size == (480, 640)


def test_dhash_matches_a_recompressed_copy_but_not_another_photo() -> None:
    original = process_photo(encode(scene((1200, 900)), "PNG"))
    copy = scene((1200, 900)).resize((700, 525), Image.Resampling.BILINEAR)
    recompressed = process_photo(encode(copy, "JPEG", quality=60))
    other = process_photo(encode(scene((1200, 900), seed=5), "PNG"))
    assert hamming_distance(original.dhash, recompressed.dhash) <= 4
    assert hamming_distance(original.dhash, other.dhash) >= 16
    assert 0 <= original.dhash < 2**64


def test_hamming_distance_counts_differing_bits() -> None:
    assert hamming_distance(0b1011, 0b0001) == 2
    assert hamming_distance(2**64 - 1, 0) == 64


def test_psnr_is_infinite_for_identical_images_and_refuses_other_sizes() -> None:
    assert psnr(scene(), scene()) == float("inf")
    with pytest.raises(ValueError):
        psnr(scene(), scene((64, 48)))


def test_processing_installs_no_warning_filters() -> None:
    before = list(warnings.filters)
    process_photo(encode(scene(), "JPEG", exif=phone_exif(6)))
    with pytest.raises(ImageRejected):
        process_photo(png_claiming(12_000, 10_000))
    assert warnings.filters == before


def test_concurrent_processing_matches_sequential() -> None:
    uploads = [encode(scene(seed=seed), "JPEG", exif=phone_exif(6)) for seed in range(4)]
    uploads.append(encode(scene(), "HEIF", quality=80))
    process: Callable[[bytes], ProcessedPhoto] = process_photo
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(process, uploads * 2))
    assert parallel == [process_photo(data) for data in uploads * 2]
