"""A photo whose master cannot be its stripped source, for tests of the master job."""

from __future__ import annotations

import io

from PIL import Image

from tests.factories import photo_bytes


def turned_photo(seed: int) -> bytes:
    """A JPEG whose EXIF says "turn me", so its master differs from its stripped source."""
    image = Image.open(io.BytesIO(photo_bytes(seed, size=(120, 80))))
    tags = Image.Exif()
    tags[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=tags)
    return buffer.getvalue()
