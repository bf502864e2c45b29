"""Mixed scripts on share cards and winners collages: Chinese is drawn, not dropped.

These need a CJK font (Debian: ``apt-get install fonts-noto-cjk``); without one they are
skipped, unless CONTEST_REQUIRE_CJK_FONT=1 (CI), which makes a missing font a failure.
"""

from __future__ import annotations

import io
import os
import time

import pytest
from PIL import Image, ImageChops, ImageDraw

from contest.media import text
from contest.media.collage import make_winners_collage
from contest.media.share_card import CARD_SIZE, make_share_card
from contest.media.text import draw_text, drawable, load_fonts, wrap
from contest.media.winners_card import make_winners_card
from tests.media.test_share_card import photo

#: "Night" in Georgian: DejaVu has it, Noto Sans CJK does not, so no single font draws a title
#: that mixes it with Chinese.
GEORGIAN = "ღამე"
#: Pixels whose brightness changes more than this are ink, not JPEG noise.
INK = 80


@pytest.fixture(autouse=True)
def cjk_font() -> None:
    """Skip (or, with CONTEST_REQUIRE_CJK_FONT=1, fail) when no installed font has Chinese."""
    if load_fonts(40).font_of("夜") is None or load_fonts(40).font_of("讀") is None:
        reason = "no CJK font is installed (sudo apt-get install fonts-noto-cjk)"
        if os.environ.get("CONTEST_REQUIRE_CJK_FONT") == "1":
            pytest.fail(f"CONTEST_REQUIRE_CJK_FONT=1 but {reason}")
        pytest.skip(reason)


def decoded(jpeg: bytes) -> Image.Image:
    """A JPEG decoded to greyscale."""
    image = Image.open(io.BytesIO(jpeg))
    image.load()
    return image.convert("L")


def ink_box(with_text: bytes, without: bytes) -> tuple[tuple[int, int, int, int] | None, int]:
    """Where two JPEGs differ by more than noise, and in how many pixels."""
    difference = ImageChops.difference(decoded(with_text), decoded(without))
    mask = difference.point(lambda value: 255 if value > INK else 0)
    return mask.getbbox(), int(mask.histogram()[255])


def share_card(title: str, size: tuple[int, int] = (1600, 1067)) -> bytes:
    return make_share_card(photo(*size), title=title, hashtag="", contest_title="Day & Night")


@pytest.mark.parametrize("chinese", ["夜读", "夜讀"], ids=["simplified", "traditional"])
@pytest.mark.parametrize("before", ["Night reading", f"{GEORGIAN} Night reading"])
def test_a_mixed_title_draws_its_chinese_in_the_title_band(chinese: str, before: str) -> None:
    box, count = ink_box(share_card(f"{before} {chinese}"), share_card(before))
    assert box is not None, "the Chinese was dropped from the card"
    left, top, right, bottom = box
    english_end = 40 + load_fonts(54).getlength(before)
    assert left >= english_end  # drawn after the English, which did not move
    assert right - left >= 54 * 1.5 and bottom - top >= 54 // 2  # two glyphs' worth of ink
    assert top >= 470 and bottom <= 566  # in the title's line of the band, above the hashtag
    assert count > 400


@pytest.mark.parametrize("chinese", ["夜读", "夜讀"], ids=["simplified", "traditional"])
def test_a_portrait_card_draws_chinese_in_its_title_column(chinese: str) -> None:
    box, count = ink_box(
        share_card(f"Night {chinese}", (900, 1600)), share_card("Night", (900, 1600))
    )
    assert box is not None and count > 400
    assert box[0] > CARD_SIZE[0] // 2  # the title column, right of the photo


@pytest.mark.parametrize("chinese", ["夜读", "夜讀"], ids=["simplified", "traditional"])
def test_the_winners_collage_and_card_draw_chinese_award_labels(chinese: str) -> None:
    for make, height in ((make_winners_collage, 1080), (make_winners_card, 630)):
        first = photo(1200, 900)
        drawn = make([(first, f"Champion · {GEORGIAN} {chinese}")], contest_title="Day & Night")
        plain = make([(first, f"Champion · {GEORGIAN}")], contest_title="Day & Night")
        box, count = ink_box(drawn, plain)
        assert box is not None, f"{make.__name__} dropped the Chinese"
        assert box[1] > height - 36 - 70 and count > 200  # in the label strip of the cell


def test_a_chinese_contest_title_is_drawn_above_the_collage() -> None:
    first = [(photo(1200, 900), "Champion")]

    def title_ink(contest_title: str) -> int:
        """Bright pixels in the title's line under "WINNERS" (the title is centred)."""
        header = decoded(make_winners_collage(first, contest_title=contest_title))
        return int(
            header.crop((0, 70, 1080, 140)).point(lambda v: 255 if v > 128 else 0).histogram()[255]
        )

    assert title_ink(f"{GEORGIAN} 夜讀") - title_ink(GEORGIAN) > 400


def test_each_character_is_drawn_with_the_first_font_that_has_it() -> None:
    fonts = load_fonts(40)
    runs = fonts.runs(f"{GEORGIAN} Night 夜读 and 夜讀!")
    assert [run for run, _ in runs] == [f"{GEORGIAN} Night ", "夜读 ", "and ", "夜讀", "!"]
    latin, cjk = runs[0][1], runs[1][1]
    assert latin is fonts.fonts[0] and cjk is not latin
    assert [font for _, font in runs] == [latin, cjk, latin, cjk, latin]
    assert fonts.getlength("Night 夜读") == pytest.approx(
        latin.getlength("Night ") + cjk.getlength("夜读")
    )


def test_only_characters_no_font_has_are_dropped() -> None:
    fonts = load_fonts(30)
    assert drawable(f"夜读 🦜 {GEORGIAN} night", fonts) == f"夜读 {GEORGIAN} night"


def test_mixed_lines_wrap_within_the_width_measured_run_by_run() -> None:
    fonts = load_fonts(46)
    lines, cut = wrap(f"Night reading 夜读 {GEORGIAN} " * 6, fonts, 500, 2)
    assert cut and len(lines) == 2 and lines[-1].endswith("…")
    assert all(0 < fonts.getlength(line) <= 500 for line in lines)
    assert "夜" in lines[0]


def test_runs_share_one_baseline() -> None:
    fonts = load_fonts(54)
    canvas = Image.new("L", (400, 100))
    draw_text(ImageDraw.Draw(canvas), (0, 10), "Hx夜", fonts, (255,))
    latin = canvas.crop((0, 0, int(fonts.getlength("Hx")), 100)).getbbox()
    chinese = canvas.crop((int(fonts.getlength("Hx")), 0, 400, 100)).getbbox()
    assert latin is not None and chinese is not None
    assert abs(latin[3] - chinese[3]) <= 6  # both stand on the line (CJK dips a little)


def test_glyph_checks_are_kept_per_font_file_so_a_second_card_is_quick() -> None:
    title = "图书馆的夜晚 Night reading 夜讀"
    share_card(title)
    checked = text._file_has.cache_info().misses
    started = time.perf_counter()
    share_card(title)
    elapsed = time.perf_counter() - started
    assert text._file_has.cache_info().misses == checked
    assert elapsed < 1.0
