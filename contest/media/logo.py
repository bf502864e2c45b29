"""The library's logo: an uploaded PNG, JPEG or WebP made into a small clean PNG and stored."""

from __future__ import annotations

import json
import logging
import re
import struct
from dataclasses import asdict, dataclass
from io import BytesIO

import anyio.to_thread
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from contest.core.db import Database
from contest.core.errors import ValidationError
from contest.core.storage import Storage
from contest.i18n import N_, Message
from contest.media import decoding, photos
from contest.media.decoding import DecodingFailed

log = logging.getLogger("contest")

LOGO_FORMATS = ("PNG", "JPEG", "WEBP")
LOGO_LABEL = N_("PNG, JPEG or WebP")
#: A logo file is small; a bigger upload is a photo or a mistake.
MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_PIXELS = 25_000_000
#: The stored logo fits this box: the header shows it 40 px high, so this is sharp at 3x.
MAX_WIDTH = 720
MAX_HEIGHT = 120
FIELD = "logo"
#: The ``settings`` key of the logo (read by ``accounts.brand``): its key and size as JSON.
LOGO_SETTING = "brand_logo"
_DAMAGED = N_("The logo file is damaged or incomplete, so it cannot be read; export it again.")
_READ_ERRORS = (OSError, ValueError, SyntaxError, EOFError, struct.error, IndexError)
_ACCEPTED_SIGNATURE = re.compile(rb"\xff\xd8\xff|\x89PNG\r\n\x1a\n|RIFF....WEBP", re.S)
_SVG = re.compile(rb"^\s*(?:<\?xml|<svg|<!DOCTYPE svg)", re.IGNORECASE)


class LogoRejected(Exception):
    """An upload that cannot be the logo; the message is shown to the organizer."""


@dataclass(frozen=True)
class ProcessedLogo:
    """The logo as it is stored: a metadata-free sRGB PNG (transparency kept)."""

    data: bytes
    width: int
    height: int


def _to_srgb(im: Image.Image) -> Image.Image:
    """``im`` as RGBA in sRGB (an embedded profile converted, an unreadable one ignored)."""
    icc = im.info.get("icc_profile")
    rgba = im.convert("RGBA")
    if not icc:
        return rgba
    try:
        profile = ImageCms.ImageCmsProfile(BytesIO(icc))
        rgb = ImageCms.profileToProfile(
            rgba.convert("RGB"), profile, ImageCms.createProfile("sRGB"), outputMode="RGB"
        )
    except (OSError, ImageCms.PyCMSError):
        return rgba
    assert rgb is not None  # profileToProfile returns the image unless inPlace
    rgb.putalpha(rgba.getchannel("A"))
    return rgb


def _refusal(data: bytes) -> Message:
    """The message for a file that is not a logo in an accepted format."""
    if _SVG.match(data[:256]):
        return N_(
            "SVG images are not accepted (they can carry scripts). Upload a %(formats)s image.",
            formats=LOGO_LABEL,
        )
    if _ACCEPTED_SIGNATURE.match(data):
        return _DAMAGED
    return N_(
        "This file is not an image in a format we accept. Upload a %(formats)s image.",
        formats=LOGO_LABEL,
    )


def process_logo(data: bytes) -> ProcessedLogo:
    """Check, orient, clean and shrink an uploaded logo; LogoRejected if it is not usable."""
    if not data:
        raise LogoRejected(
            N_(
                "Choose a %(formats)s image for the logo (the file was empty).",
                formats=LOGO_LABEL,
            )
        )
    if len(data) > MAX_LOGO_BYTES:
        megabytes = f"{len(data) / 1024 / 1024:.1f}"
        raise LogoRejected(
            N_(
                "The logo file is %(size)s MB; upload one of at most %(maximum)d MB.",
                size=megabytes,
                maximum=MAX_LOGO_BYTES // 1024 // 1024,
            )
        )
    try:
        with Image.open(BytesIO(data), formats=LOGO_FORMATS) as im:
            if im.width * im.height > MAX_LOGO_PIXELS:
                raise LogoRejected(
                    N_(
                        "The logo has too many pixels (%(width)d x %(height)d); upload a smaller"
                        " copy.",
                        width=im.width,
                        height=im.height,
                    )
                )
            im.load()
            logo = _to_srgb(ImageOps.exif_transpose(im))
    except UnidentifiedImageError as error:
        raise LogoRejected(_refusal(data)) from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise LogoRejected(N_("The logo has too many pixels; upload a smaller copy.")) from error
    except _READ_ERRORS as error:
        raise LogoRejected(_DAMAGED) from error
    logo.thumbnail((MAX_WIDTH, MAX_HEIGHT), Image.Resampling.LANCZOS)
    out = BytesIO()
    logo.save(out, format="PNG", optimize=True)  # a new file: no EXIF, XMP, text or profile
    return ProcessedLogo(out.getvalue(), logo.width, logo.height)


@dataclass(frozen=True)
class StoredLogo:
    """A logo in storage: its key and size."""

    key: str
    width: int
    height: int


async def _store_setting(db: Database, logo: StoredLogo | None) -> str | None:
    """Record the logo in the settings (None removes it); the key of the one it replaced."""
    async with db.transaction() as tx:
        old = await tx.fetch_value("SELECT value FROM settings WHERE key = ?", (LOGO_SETTING,))
        if logo is None:
            await tx.execute("DELETE FROM settings WHERE key = ?", (LOGO_SETTING,))
        else:
            await tx.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (LOGO_SETTING, json.dumps(asdict(logo))),
            )
    try:
        key = json.loads(str(old))["key"] if old else None
    except (ValueError, TypeError, KeyError):
        return None
    return str(key) if key and (logo is None or key != logo.key) else None


async def save_logo(
    db: Database, storage: Storage, data: bytes, *, limiter: anyio.CapacityLimiter
) -> StoredLogo:
    """Make an uploaded image the library's logo (the old one's file goes); ValidationError
    (on ``logo``) if it cannot be one, with nothing changed."""
    logo = await upload_logo(storage, data, limiter=limiter)
    old = await _store_setting(db, logo)
    if old:
        await photos.release_files(db, storage, [old])
    return logo


async def remove_logo(db: Database, storage: Storage) -> None:
    """Take the logo away (the header shows the site's name again) and delete its file."""
    old = await _store_setting(db, None)
    if old:
        await photos.release_files(db, storage, [old])


async def upload_logo(
    storage: Storage, data: bytes, *, limiter: anyio.CapacityLimiter
) -> StoredLogo:
    """Process an uploaded logo in a worker process, then store it off the event loop;
    ValidationError (on ``logo``) if it is refused or could not be processed."""
    try:
        logo = await decoding.run(process_logo, data, limiter=limiter)
    except LogoRejected as rejected:
        raise ValidationError({FIELD: rejected.args[0]}) from rejected
    except DecodingFailed as failed:
        log.warning("a logo of %s bytes could not be processed: %s", len(data), failed)
        raise ValidationError(
            {FIELD: N_("This logo could not be processed; it may be damaged.")}
        ) from failed
    key = await anyio.to_thread.run_sync(storage.put, logo.data, "png")
    return StoredLogo(key=key, width=logo.width, height=logo.height)
