"""Link-preview cards: 1200x630 JPEGs for Facebook, WhatsApp, X, Weibo and LINE.

The whole photo sits on a blurred, darkened enlargement of itself; the title, the hashtag and the
contest's name sit beside it (portrait and square photos) or in a band below it (landscape).
Pure functions: bytes in, bytes out. Words in any mix of scripts are laid out and drawn by
``media.text`` (each character in the first font that has it), as on the winners collage;
``media.photos.share_card_of`` draws an entry's card in a decoding worker, stores and records it;
the album's export (``gallery.album``) reuses the cards kept and keeps the ones it draws.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageOps

from contest.core.storage import Storage
from contest.media.text import (
    TextBlock,
    chinese_script,
    draw_lines,
    draw_text,
    drawable,
    ellipsize,
    fit_title,
    load_fonts,
)

CARD_SIZE = (1200, 630)
#: WhatsApp drops preview images much above 300 kB; lower the quality until the card fits.
MAX_CARD_BYTES = 300_000
QUALITIES = (85, 75, 65, 55)
TITLE_SIZES = (54, 46, 40)
META_SIZE = 28
META_LINE = 38
MARGIN = 40
WHITE = (255, 255, 255)
ACCENT = (255, 209, 102)
MUTED = (222, 222, 222)

Box = tuple[int, int, int, int]


def open_photo(data: bytes, size: tuple[int, int]) -> Image.Image:
    """Decode a photo upright in RGB, no larger than needed for the size (JPEG draft mode)."""
    with Image.open(io.BytesIO(data), formats=("JPEG", "PNG", "WEBP")) as image:
        image.draft("RGB", size)
        upright = ImageOps.exif_transpose(image)
        return upright.convert("RGB")


def encode_jpeg(image: Image.Image, qualities: Sequence[int], max_bytes: int) -> bytes:
    """A progressive JPEG without metadata, at the best quality that stays under the budget."""
    image.info.clear()
    data = b""
    for quality in qualities:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True, comment=b"")
        data = buffer.getvalue()
        if len(data) <= max_bytes:
            break
    return data


def _backdrop(photo: Image.Image) -> Image.Image:
    """The photo enlarged to cover the card, blurred and darkened (it is blurred anyway, so it
    is shrunk and enlarged with the quick filters)."""
    small = ImageOps.fit(photo, (CARD_SIZE[0] // 4, CARD_SIZE[1] // 4), Image.Resampling.BOX)
    blurred = small.filter(ImageFilter.GaussianBlur(8)).resize(CARD_SIZE, Image.Resampling.BILINEAR)
    return ImageEnhance.Brightness(blurred).enhance(0.5)


def _place_photo(card: Image.Image, photo: Image.Image, box: Box) -> Box:
    """Paste the whole photo, as large as fits and centred in the box, on a soft shadow."""
    left, top, right, bottom = box
    fitted = _contain(photo, (right - left, bottom - top))
    x = left + (right - left - fitted.width) // 2
    y = top + (bottom - top - fitted.height) // 2
    # The soft shadow is drawn and blurred at a quarter of the size: a blur looks the same.
    step = 4
    shadow = Image.new("L", (CARD_SIZE[0] // step, CARD_SIZE[1] // step), 0)
    ImageDraw.Draw(shadow).rectangle(
        (
            (x + 4) // step,
            (y + 10) // step,
            (x + fitted.width + 4) // step,
            (y + fitted.height + 10) // step,
        ),
        170,
    )
    soft = shadow.filter(ImageFilter.GaussianBlur(12 / step))
    card.paste((0, 0, 0), (0, 0), soft.resize(CARD_SIZE, Image.Resampling.BILINEAR))
    card.paste(fitted, (x, y))
    return (x, y, x + fitted.width, y + fitted.height)


def _contain(photo: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The photo as large as fits the size, sharp (Lanczos, after a quick halving of a much
    larger photo: ``reducing_gap``)."""
    scale = min(size[0] / photo.width, size[1] / photo.height)
    target = (max(1, round(photo.width * scale)), max(1, round(photo.height * scale)))
    return photo.resize(target, Image.Resampling.LANCZOS, reducing_gap=2.0)


def _meta(
    draw: ImageDraw.ImageDraw,
    hashtag: str,
    contest_title: str,
    at: Box,
    *,
    stacked: bool,
    script: str,
) -> None:
    """``#hashtag · Contest name`` on one line (or two, stacked), shortened to fit."""
    x, y, right, _ = at
    tag = hashtag.strip().lstrip("#")
    if tag:
        tag_fonts = load_fonts(META_SIZE, script=script)
        tag = ellipsize(drawable(f"#{tag}", tag_fonts), tag_fonts, right - x)
        draw_text(draw, (x, y), tag, tag_fonts, ACCENT)
        if stacked:
            y += META_LINE
        else:
            x += int(tag_fonts.getlength(tag)) + META_SIZE // 2
            draw_text(draw, (x, y), "·", tag_fonts, MUTED)
            x += int(tag_fonts.getlength("·")) + META_SIZE // 2
    name_fonts = load_fonts(META_SIZE, bold=False, script=script)
    if right - x > META_SIZE * 2:
        name = ellipsize(drawable(contest_title, name_fonts), name_fonts, right - x)
        draw_text(draw, (x, y), name, name_fonts, MUTED)


def _side_layout(
    card: Image.Image, photo: Image.Image, title: str, script: str
) -> tuple[TextBlock, Box]:
    """Portrait and square photos: photo on the left, words in a column on the right."""
    width, height = CARD_SIZE
    photo_box = _place_photo(card, photo, (MARGIN, MARGIN, width // 2, height - MARGIN))
    left = photo_box[2] + MARGIN + 8
    shade = Image.linear_gradient("L").rotate(90).resize((width - photo_box[2], height))
    card.paste((0, 0, 0), (photo_box[2], 0), shade.point(lambda value: value * 150 // 255))
    block = fit_title(title, width - MARGIN - left, TITLE_SIZES, script=script)
    top = (height - block.height - 2 * META_LINE) // 2
    return block, (left, top, width - MARGIN, height - MARGIN)


def _band_layout(
    card: Image.Image, photo: Image.Image, title: str, script: str
) -> tuple[TextBlock, Box]:
    """Landscape photos: photo above, words in a dark band across the bottom."""
    width, height = CARD_SIZE
    block = fit_title(title, width - 2 * MARGIN, TITLE_SIZES, script=script)
    band_top = height - (block.height + META_LINE + 56)
    _place_photo(card, photo, (MARGIN, 28, width - MARGIN, band_top - 16))
    ImageDraw.Draw(card, "RGBA").rectangle((0, band_top, width, height), fill=(0, 0, 0, 150))
    return block, (MARGIN, band_top + 18, width - MARGIN, height)


#: The largest a photo is drawn on a card: landscape photos above the band (whose title takes
#: at least one line), others in the left half.
BAND_PHOTO = (CARD_SIZE[0] - 2 * MARGIN, CARD_SIZE[1] - 143 - 44)
SIDE_PHOTO = (CARD_SIZE[0] // 2 - MARGIN, CARD_SIZE[1] - 2 * MARGIN)
#: The EXIF orientation tag, and its values that turn a photo a quarter.
ORIENTATION = 0x0112
TURNED = (5, 6, 7, 8)


def _photo_bound(photo_jpeg: bytes) -> tuple[int, int]:
    """The size a photo needs to be decoded at for its card (a JPEG decodes at a half or a
    quarter of its size for a fraction of the work when that is enough)."""
    with Image.open(io.BytesIO(photo_jpeg), formats=("JPEG", "PNG", "WEBP")) as image:
        width, height = image.size
        if image.getexif().get(ORIENTATION, 1) in TURNED:  # drawn upright: sides swap
            width, height = height, width
    box = BAND_PHOTO if width >= height * 1.2 else SIDE_PHOTO
    scale = min(1.0, box[0] / width, box[1] / height)
    return (max(1, round(width * scale)), max(1, round(height * scale)))


def make_share_card(photo_jpeg: bytes, *, title: str, hashtag: str, contest_title: str) -> bytes:
    """A 1200x630 progressive JPEG of the photo with its title, hashtag and contest; no metadata.
    Chinese is drawn in the regional face of its script (Traditional when any of the words
    has characters only Traditional writes, see ``media.text.chinese_script``)."""
    script = chinese_script(f"{title} {hashtag} {contest_title}")
    photo = open_photo(photo_jpeg, _photo_bound(photo_jpeg))
    card = _backdrop(photo)
    landscape = photo.width >= photo.height * 1.2
    layout = _band_layout if landscape else _side_layout
    block, (x, y, right, bottom) = layout(card, photo, title, script)
    draw = ImageDraw.Draw(card, "RGBA")
    draw_lines(draw, block, x, y)
    meta_top = y + block.height + (12 if block.lines else 0)
    meta_box = (x, meta_top, right, bottom)
    _meta(draw, hashtag, contest_title, meta_box, stacked=not landscape, script=script)
    return encode_jpeg(card, QUALITIES, MAX_CARD_BYTES)


def card_for(photo_jpeg: bytes, title: str, hashtag: str, contest_title: str) -> bytes:
    """``make_share_card`` with its arguments in order, for a decoding worker to run."""
    return make_share_card(photo_jpeg, title=title, hashtag=hashtag, contest_title=contest_title)


def card_from_storage(
    storage: Storage, photo_key: str, title: str, hashtag: str, contest_title: str
) -> bytes:
    """``card_for`` of a stored display image: a worker process reads the photo itself, from
    the folder or the bucket, so only a key travels to it (the album draws many at once)."""
    return card_for(storage.read(photo_key), title, hashtag, contest_title)
