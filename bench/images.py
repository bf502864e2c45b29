"""Benchmark the photo pipeline on one core: speed, output quality and peak memory.

Run: .venv/bin/python bench/images.py   (the last line printed is a JSON summary)
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import struct
import sys
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pillow_heif
from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageFilter, ImageOps

from contest.media import images

RUNS = 7
#: Display P3 colorants (D50-adapted), as in Apple's profile.
P3_COLORANTS = {
    b"rXYZ": (0.515102, 0.241182, -0.00105),
    b"gXYZ": (0.291965, 0.692236, 0.041885),
    b"bXYZ": (0.157153, 0.066582, 0.784378),
}


def photo_like(size: tuple[int, int], seed: int = 1) -> Image.Image:
    """A synthetic photo: smooth light, muted objects with hard edges, grain and lens blur."""
    rnd = random.Random(seed)
    width, height = size
    sky = Image.linear_gradient("L").resize(size)
    glow = Image.radial_gradient("L").resize(size)
    base = Image.merge(
        "RGB",
        [
            ImageChops.multiply(sky, glow).point(lambda v: 40 + v * 0.7),
            sky.point(lambda v: 50 + v * 0.6),
            glow.point(lambda v: 70 + v * 0.5),
        ],
    )
    draw = ImageDraw.Draw(base)
    for _ in range(160):
        x, y, s = (
            rnd.randrange(width),
            rnd.randrange(height),
            rnd.randrange(width // 50, width // 6),
        )
        lum = rnd.randrange(20, 235)
        colour = tuple(max(0, min(255, lum + rnd.randrange(-45, 46))) for _ in range(3))
        kind = rnd.randrange(3)
        if kind == 0:
            draw.ellipse((x, y, x + s, y + s * 2 // 3), fill=colour)
        elif kind == 1:
            draw.rectangle((x, y, x + s, y + s // 2), fill=colour)
        else:
            end = (x + s, y + rnd.randrange(-s, s))
            draw.line((x, y, *end), fill=colour, width=rnd.randrange(2, 14))
    grain = Image.effect_noise(size, 6)  # luma grain; phones leave little colour noise
    img = ImageChops.add(base, Image.merge("RGB", [grain] * 3), 1, -128)
    chroma = Image.merge("RGB", [Image.effect_noise(size, 2) for _ in range(3)])
    return ImageChops.add(img, chroma, 1, -128).filter(ImageFilter.GaussianBlur(0.7))


def camera_exif(orientation: int) -> Image.Exif:
    """EXIF as a phone writes it: orientation, camera, capture time and a GPS position."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 15"
    exif[0x8769] = {0x9003: "2026:03:01 21:15:07"}
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.88), 3: "E", 4: (2.0, 17.0, 40.2)}
    return exif


def display_p3_icc() -> bytes:
    """An ICC profile with Display P3 primaries (lcms's sRGB with its colorants replaced)."""
    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    icc[84:100] = bytes(16)  # no profile ID: it would no longer match
    (count,) = struct.unpack_from(">I", icc, 128)
    for index in range(count):
        signature, offset, _ = struct.unpack_from(">4sII", icc, 132 + 12 * index)
        if signature in P3_COLORANTS:
            values = P3_COLORANTS[signature]
            icc[offset + 8 : offset + 20] = struct.pack(">3i", *(round(v * 65536) for v in values))
    return bytes(icc)


def median_ms(func: Callable[[], object]) -> float:
    """Median wall time of ``func`` in milliseconds, after one warm-up run."""
    func()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def jpeg_save(im: Image.Image, **options: object) -> bytes:
    """``im`` encoded as JPEG."""
    out = BytesIO()
    im.save(out, "JPEG", **options)
    return out.getvalue()


def naive_derivatives(data: bytes) -> tuple[bytes, bytes]:
    """The obvious Pillow pipeline: full decode and rotation, each size made from the full image."""
    with Image.open(BytesIO(data)) as im:
        upright = ImageOps.exif_transpose(im)
    derivatives = []
    for edge, quality, subsampling in (
        (images.DISPLAY_EDGE, images.DISPLAY_QUALITY, images.DISPLAY_SUBSAMPLING),
        (images.THUMB_EDGE, images.THUMB_QUALITY, images.THUMB_SUBSAMPLING),
    ):
        scale = edge / max(upright.size)
        size = (round(upright.width * scale), round(upright.height * scale))
        small = upright.resize(size, Image.Resampling.LANCZOS)
        derivatives.append(
            jpeg_save(small, quality=quality, subsampling=subsampling, progressive=True)
        )
    return derivatives[0], derivatives[1]


def display_psnr(data: bytes, display: bytes) -> float:
    """PSNR of our display copy against full decode + rotation + Lanczos to the same size."""
    ours = Image.open(BytesIO(display))
    with Image.open(BytesIO(data)) as im:
        reference = ImageOps.exif_transpose(im).resize(ours.size, Image.Resampling.LANCZOS)
    return images.psnr(reference, ours)


def main() -> None:
    """Build the test photos, time each path and print the figures."""
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    pillow_heif.register_heif_opener()
    print(f"pinned to cpu {cpu}; median of {RUNS} runs after a warm-up")

    jpeg = jpeg_save(photo_like((4000, 3000)), quality=92, exif=camera_exif(6))
    heic_out = BytesIO()
    photo_like((4032, 3024), seed=2).save(
        heic_out, format="HEIF", quality=60, icc_profile=display_p3_icc()
    )
    heic = heic_out.getvalue()
    png_image = photo_like((3000, 2000), seed=3).convert("RGBA")
    png_image.paste((0, 0, 0, 0), (0, 0, 600, 400))
    png_out = BytesIO()
    png_image.save(png_out, "PNG")
    png = png_out.getvalue()
    for name, blob in (("jpeg", jpeg), ("heic", heic), ("png", png)):
        print(f"input {name}: {len(blob) / 1e6:.2f} MB")

    processed = images.process_photo(jpeg)
    assert processed.source is not None and processed.master is None
    jpeg_ms = median_ms(lambda: images.process_photo(jpeg))
    naive_ms = median_ms(lambda: naive_derivatives(jpeg))
    master_ms = median_ms(lambda: images.make_master(processed.source or b"", 6))
    heic_ms = median_ms(lambda: images.process_photo(heic))
    png_ms = median_ms(lambda: images.process_photo(png))
    psnr_db = display_psnr(jpeg, processed.display.data)
    naive_psnr = display_psnr(jpeg, naive_derivatives(jpeg)[0])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"jpeg 12 MP process_photo: {jpeg_ms:.1f} ms (target <= 100)")
    print(f"jpeg naive pipeline:      {naive_ms:.1f} ms; naive/ours = {naive_ms / jpeg_ms:.2f}x")
    print(f"jpeg deferred make_master: {master_ms:.1f} ms (off the request path)")
    print(f"heic 12 MP process_photo: {heic_ms:.1f} ms (target <= 1000)")
    print(f"png 6 MP RGBA process_photo: {png_ms:.1f} ms")
    print(f"display PSNR vs Lanczos reference: {psnr_db:.2f} dB (naive: {naive_psnr:.2f} dB)")
    print(
        f"display {processed.display.width}x{processed.display.height}"
        f" {len(processed.display.data) / 1000:.0f} kB,"
        f" thumbnail {processed.thumbnail.width}x{processed.thumbnail.height}"
        f" {len(processed.thumbnail.data) / 1000:.0f} kB"
    )
    print(f"peak RSS: {peak_mb:.0f} MB")
    summary = {
        "jpeg_12mp_ms": round(jpeg_ms, 1),
        "jpeg_ratio_vs_naive": round(naive_ms / jpeg_ms, 2),
        "jpeg_psnr_db": round(psnr_db, 2),
        "heic_ms": round(heic_ms, 1),
        "png_ms": round(png_ms, 1),
        "peak_rss_mb": round(peak_mb, 1),
        "jpeg_master_ms": round(master_ms, 1),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
