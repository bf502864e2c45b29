"""The library's logo: only PNG, JPEG and WebP, capped, cleaned, stored as a small PNG."""

import io
from datetime import timedelta

import anyio
import pytest
from PIL import Image

from contest.core.db import Database
from contest.core.errors import ValidationError
from contest.core.storage import LocalStorage
from contest.media import logo
from contest.media.photos import sweep_unreferenced_files
from tests.factories import photo_bytes


def _png(size: tuple[int, int] = (400, 100), *, transparent: bool = True, **info: str) -> bytes:
    image = Image.new("RGBA", size, (200, 30, 60, 0 if transparent else 255))
    image.paste((200, 30, 60, 255), (10, 10, 60, 60))
    out = io.BytesIO()
    pnginfo = None
    if info:
        from PIL.PngImagePlugin import PngInfo

        pnginfo = PngInfo()
        for key, value in info.items():
            pnginfo.add_text(key, value)
    image.save(out, "PNG", pnginfo=pnginfo)
    return out.getvalue()


def test_a_png_logo_keeps_its_transparency_and_loses_its_text_chunks() -> None:
    made = logo.process_logo(_png(Author="Jane, 22.3N 114.1E"))
    with Image.open(io.BytesIO(made.data)) as im:
        assert im.format == "PNG"
        assert im.mode == "RGBA"
        corner = im.getpixel((0, 0))
        assert isinstance(corner, tuple) and corner[3] == 0
        assert "Author" not in im.info
    assert b"22.3N" not in made.data


def test_a_big_logo_is_shrunk_to_fit_the_header_box() -> None:
    made = logo.process_logo(_png((4000, 1000)))
    assert (made.width, made.height) == (480, 120)


def test_a_jpeg_logo_loses_its_exif() -> None:
    image = Image.open(io.BytesIO(photo_bytes(3, size=(300, 100))))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    made = logo.process_logo(out.getvalue())
    assert b"SecretCam" not in made.data
    assert (made.width, made.height) == (300, 100)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
        (b'<?xml version="1.0"?><svg/>', "SVG"),
        (b"GIF89a" + b"\0" * 40, "PNG, JPEG or WebP"),
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 30, "damaged"),
    ],
)
def test_anything_but_a_png_jpeg_or_webp_is_refused_with_a_reason(data: bytes, said: str) -> None:
    with pytest.raises(logo.LogoRejected) as refused:
        logo.process_logo(data)
    assert said in str(refused.value)


def test_a_logo_file_over_the_size_cap_is_refused_before_it_is_opened() -> None:
    with pytest.raises(logo.LogoRejected) as refused:
        logo.process_logo(b"\x89PNG" + b"\0" * logo.MAX_LOGO_BYTES)
    assert "at most 2 MB" in str(refused.value)


@pytest.mark.anyio
async def test_a_saved_logo_is_stored_named_by_its_hash_and_survives_the_sweep(
    db: Database, storage: LocalStorage
) -> None:
    limiter = anyio.CapacityLimiter(1)
    first = await logo.save_logo(db, storage, _png(), limiter=limiter)
    assert first.key.endswith(".png")
    assert storage.exists(first.key)
    assert await sweep_unreferenced_files(db, storage, min_age=timedelta()) == []
    second = await logo.save_logo(db, storage, _png(transparent=False), limiter=limiter)
    assert storage.exists(second.key)
    assert not storage.exists(first.key)
    await logo.remove_logo(db, storage)
    assert not storage.exists(second.key)
    assert await db.fetch_value("SELECT value FROM settings WHERE key = 'brand_logo'") is None


@pytest.mark.anyio
async def test_a_refused_logo_stores_nothing(db: Database, storage: LocalStorage) -> None:
    with pytest.raises(ValidationError) as refused:
        await logo.save_logo(db, storage, b"<svg/>", limiter=anyio.CapacityLimiter(1))
    assert "SVG" in refused.value.errors["logo"]
    assert storage.all_keys() == []
    assert await db.fetch_all("SELECT * FROM settings") == []
