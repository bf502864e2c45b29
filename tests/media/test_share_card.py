"""Share cards and the winners collage: exact sizes, clean JPEGs, text that always fits."""

import io
import random

import pytest
from PIL import Image, ImageDraw

from contest.media import text
from contest.media.collage import COLLAGE_SIZE, MAX_PHOTOS, cells, make_winners_collage
from contest.media.share_card import CARD_SIZE, MAX_CARD_BYTES, make_share_card
from contest.media.text import drawable, ellipsize, load_fonts, wrap

CJK_AND_EMOJI = "東京大学図書館の夜景 🌅✨ Night at the library 📚"


def photo(width: int, height: int, *, exif: bool = False) -> bytes:
    """A JPEG with shapes on a gradient (and, if asked, EXIF with a GPS position)."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    ImageDraw.Draw(image).ellipse((width // 4, height // 4, width // 2, height // 2), "orange")
    buffer = io.BytesIO()
    if exif:
        tags = Image.Exif()
        tags[0x010F] = "PhoneMaker"
        tags.get_ifd(0x8825)[2] = (22.0, 17.0, 1.0)
        image.save(buffer, "JPEG", exif=tags, comment=b"secret")
    else:
        image.save(buffer, "JPEG")
    return buffer.getvalue()


def noise(width: int, height: int, seed: int = 7) -> bytes:
    """A JPEG of random pixels: the hardest photo to compress."""
    data = random.Random(seed).randbytes(width * height * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), data).save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def card(data: bytes, title: str = "Lamplight on the reading room") -> Image.Image:
    out = make_share_card(
        data, title=title, hashtag="DayAndNightAtTheLibrary", contest_title="Day & Night"
    )
    image = Image.open(io.BytesIO(out))
    image.load()
    return image


@pytest.mark.parametrize(
    "size", [(1600, 1067), (1200, 1600), (1000, 1000), (4000, 600), (600, 4000), (8, 5), (1, 1)]
)
def test_card_is_exactly_1200_by_630_whatever_the_photo_shape(size: tuple[int, int]) -> None:
    image = card(photo(*size))
    assert image.size == CARD_SIZE
    assert image.format == "JPEG"
    assert image.mode == "RGB"


def test_card_is_progressive_and_carries_no_metadata() -> None:
    source = photo(1600, 1200, exif=True)
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(0x8825)
    image = card(source)
    assert image.info.get("progressive") or image.info.get("progression")
    assert "exif" not in image.info
    assert not image.getexif()
    assert not image.info.get("comment")
    assert "icc_profile" not in image.info


@pytest.mark.parametrize(
    "title",
    [
        "A" * 200,
        "word " * 40,
        "Supercalifragilisticexpialidocious" * 6,
        CJK_AND_EMOJI,
        "🌅🌃📚",
        "مكتبة في الليل",
        "",
    ],
)
def test_any_title_makes_a_card(title: str) -> None:
    assert card(photo(1600, 1067), title).size == CARD_SIZE
    assert card(photo(900, 1600), title).size == CARD_SIZE


def test_card_stays_small_enough_for_whatsapp_even_for_noise() -> None:
    out = make_share_card(noise(1600, 1067), title="Static", hashtag="x", contest_title="y")
    assert len(out) <= MAX_CARD_BYTES


def test_long_titles_wrap_to_two_lines_that_fit_and_end_with_an_ellipsis() -> None:
    font = load_fonts(40)
    lines, cut = wrap("The quiet reading room at night " * 10, font, 500, 2)
    assert cut and len(lines) == 2
    assert lines[-1].endswith("…")
    assert all(font.getlength(line) <= 500 for line in lines)


def test_a_word_longer_than_the_line_is_broken_inside() -> None:
    font = load_fonts(40)
    lines, cut = wrap("Pneumonoultramicroscopicsilicovolcanoconiosis", font, 300, 2)
    assert len(lines) == 2 and cut
    assert all(font.getlength(line) <= 300 for line in lines)


def test_cjk_text_breaks_between_characters() -> None:
    font = load_fonts(40)
    text = drawable("图书馆的夜晚图书馆的夜晚图书馆的夜晚", font) or "ab" * 30
    lines, _ = wrap(text, font, 200, 2)
    assert all(font.getlength(line) <= 200 for line in lines)


def test_characters_the_font_lacks_are_dropped_rather_than_drawn_as_boxes() -> None:
    font = load_fonts(30)
    assert drawable("Library 🦜 nights", font) == "Library nights"
    assert ellipsize("short", font, 1000) == "short"


def test_missing_fonts_fall_back_to_pillows_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text, "BOLD_FONTS", ("no-such-font.ttf",))
    monkeypatch.setattr(text, "REGULAR_FONTS", ("no-such-font-either.ttf",))
    assert card(photo(1600, 1067), "Still a card").size == CARD_SIZE


@pytest.mark.parametrize("count", range(1, MAX_PHOTOS + 2))
def test_collage_is_a_1080_square_for_any_number_of_winners(count: int) -> None:
    photos = [(photo(1200 + 100 * i, 900), f"Award {i} · Title {i}") for i in range(count)]
    out = make_winners_collage(photos, contest_title="Day & Night at the Library")
    image = Image.open(io.BytesIO(out))
    assert image.size == COLLAGE_SIZE and image.format == "JPEG"
    assert "exif" not in image.info


def test_collage_needs_a_photo() -> None:
    with pytest.raises(ValueError, match="at least one"):
        make_winners_collage([], contest_title="Empty")


@pytest.mark.parametrize("count", range(1, MAX_PHOTOS + 1))
def test_collage_cells_fill_the_area_without_overlapping(count: int) -> None:
    area = (36, 150, 1044, 1044)
    boxes = cells(count, area)
    assert len(boxes) == count
    for index, (left, top, right, bottom) in enumerate(boxes):
        assert area[0] <= left < right <= area[2] and area[1] <= top < bottom <= area[3]
        for other in boxes[index + 1 :]:
            assert right <= other[0] or other[2] <= left or bottom <= other[1] or other[3] <= top
