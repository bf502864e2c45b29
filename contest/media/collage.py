"""The winners collage: one square 1080x1080 JPEG for Instagram and friends.

Pure function: photos' bytes in, JPEG bytes out. The first photo is the top award, so layouts
give it the widest cell.
"""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageOps

from contest.i18n import N_
from contest.media.share_card import ACCENT, WHITE, Box, encode_jpeg, open_photo
from contest.media.text import (
    chinese_script,
    draw_text,
    drawable,
    ellipsize,
    fit_title,
    load_fonts,
)

COLLAGE_SIZE = (1080, 1080)
MAX_PHOTOS = 6
#: Photos per row, top to bottom, for each number of winners.
ROWS = {1: (1,), 2: (2,), 3: (1, 2), 4: (2, 2), 5: (2, 3), 6: (3, 3)}
MARGIN = 36
GUTTER = 12
HEADER_SIZES = (48, 42, 36)
KICKER = "WINNERS"
#: The kicker in the language a collage or card is drawn for (``str()`` in that locale).
KICKER_WORDS = N_("WINNERS")
KICKER_SIZE = 24
BACKGROUND = (20, 20, 22)
MAX_COLLAGE_BYTES = 1_500_000
QUALITIES = (90, 82, 74)


def cells(count: int, area: Box, layouts: dict[int, tuple[int, ...]] = ROWS) -> list[Box]:
    """The boxes of the grid for that many photos, row by row, inside the area (``layouts``
    gives the photos per row for each count)."""
    left, top, right, bottom = area
    rows = layouts[count]
    row_height = (bottom - top - GUTTER * (len(rows) - 1)) // len(rows)
    boxes: list[Box] = []
    for row, columns in enumerate(rows):
        y = top + row * (row_height + GUTTER)
        width = (right - left - GUTTER * (columns - 1)) // columns
        for column in range(columns):
            x = left + column * (width + GUTTER)
            boxes.append((x, y, x + width, y + row_height))
    return boxes


def _header(
    canvas: Image.Image,
    contest_title: str,
    sizes: tuple[int, ...] = HEADER_SIZES,
    lines: int = 2,
    *,
    kicker: str = KICKER,
    script: str = "Hans",
) -> int:
    """Draw the kicker ("WINNERS") and the contest title centred at the top; return where the
    grid starts."""
    width = canvas.width
    draw = ImageDraw.Draw(canvas)
    kicker_fonts = load_fonts(KICKER_SIZE, script=script)
    kicker = drawable(kicker, kicker_fonts)
    kicker_width = int(kicker_fonts.getlength(kicker))
    draw_text(draw, ((width - kicker_width) // 2, MARGIN), kicker, kicker_fonts, ACCENT)
    block = fit_title(contest_title, width - 2 * MARGIN, sizes, max_lines=lines, script=script)
    y = MARGIN + KICKER_SIZE + 14
    for index, line in enumerate(block.lines):
        line_width = int(block.font.getlength(line))
        top = y + index * block.line_height
        draw_text(draw, ((width - line_width) // 2, top), line, block.font, WHITE)
    return y + max(block.height, block.line_height) + 18


def _label(canvas: Image.Image, box: Box, text: str, script: str) -> None:
    """The award label in a dark strip along the bottom of a cell."""
    left, _, right, bottom = box
    size = max(20, min(32, (right - left) // 16))
    fonts = load_fonts(size, script=script)
    line = ellipsize(drawable(text, fonts), fonts, right - left - size)
    strip_top = bottom - int(size * 1.9)
    draw = ImageDraw.Draw(canvas, "RGBA")
    draw.rectangle((left, strip_top, right, bottom), fill=(0, 0, 0, 165))
    draw_text(draw, (left + size // 2, strip_top + int(size * 0.4)), line, fonts, WHITE)


def _cell(canvas: Image.Image, box: Box, photo: bytes, label: str, script: str) -> None:
    """One winner: the photo cover-cropped to the cell, its label on top."""
    left, top, right, bottom = box
    size = (right - left, bottom - top)
    image = ImageOps.fit(open_photo(photo, size), size, Image.Resampling.LANCZOS)
    canvas.paste(image, (left, top))
    if label.strip():
        _label(canvas, box, label, script)


def draw_collage(
    photos: list[tuple[bytes, str]],
    *,
    contest_title: str,
    size: tuple[int, int] = COLLAGE_SIZE,
    layouts: dict[int, tuple[int, ...]] = ROWS,
    header_sizes: tuple[int, ...] = HEADER_SIZES,
    header_lines: int = 2,
    kicker: str = KICKER,
) -> Image.Image:
    """Up to six winners' photos with their award labels under the kicker ("WINNERS") and the
    contest's title, on a canvas of that size, laid out in rows as ``layouts`` says; Chinese in
    the face of its script (see ``media.text.chinese_script``)."""
    if not photos:
        raise ValueError("a collage needs at least one photo")
    chosen = photos[:MAX_PHOTOS]
    script = chinese_script(" ".join([contest_title, kicker, *(label for _, label in chosen)]))
    canvas = Image.new("RGB", size, BACKGROUND)
    grid_top = _header(
        canvas, contest_title, header_sizes, header_lines, kicker=kicker, script=script
    )
    area = (MARGIN, grid_top, size[0] - MARGIN, size[1] - MARGIN)
    for box, (photo, label) in zip(cells(len(chosen), area, layouts), chosen, strict=True):
        _cell(canvas, box, photo, label, script)
    return canvas


def make_winners_collage(
    photos: list[tuple[bytes, str]], *, contest_title: str, kicker: str = KICKER
) -> bytes:
    """A 1080x1080 JPEG grid of up to six winners' photos with their award labels."""
    canvas = draw_collage(photos, contest_title=contest_title, kicker=kicker)
    return encode_jpeg(canvas, QUALITIES, MAX_COLLAGE_BYTES)
