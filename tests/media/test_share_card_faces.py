"""Chinese on cards in the regional face of its script: Traditional (Hong Kong) glyphs for a
title only Traditional Chinese writes, Simplified (mainland) glyphs otherwise."""

from __future__ import annotations

import pytest
from PIL import ImageFont

from contest.i18n import N_, using_locale
from contest.media import text
from contest.media.share_card import make_share_card
from contest.media.text import chinese_script, fit_title, load_fonts
from contest.media.winners_card import card_version
from tests.factories import photo_bytes

TRADITIONAL = "夜讀圖書館"
SIMPLIFIED = "夜读图书馆"


def face_of(fonts: text.Fonts, char: str) -> str:
    font = fonts.font_of(char)
    assert isinstance(font, ImageFont.FreeTypeFont)
    return str(font.getname()[0])


def noto_cjk_installed() -> bool:
    return text._font_source("NotoSansCJK-Bold.ttc#SC") is not None


needs_noto_cjk = pytest.mark.skipif(not noto_cjk_installed(), reason="fonts-noto-cjk is missing")


@pytest.mark.parametrize(
    ("title", "script"),
    [
        (TRADITIONAL, "Hant"),
        (SIMPLIFIED, "Hans"),
        ("夜", "Hans"),  # written the same in both: Simplified will do
        ("Night at the library", "Hans"),
        ("Night 讀書", "Hant"),
    ],
)
def test_the_script_of_a_title_is_read_from_its_characters(title: str, script: str) -> None:
    assert chinese_script(title) == script


@needs_noto_cjk
def test_a_traditional_title_is_drawn_with_the_hong_kong_face_a_simplified_one_with_sc() -> None:
    traditional = fit_title(TRADITIONAL, 900, (54, 46))
    simplified = fit_title(SIMPLIFIED, 900, (54, 46))
    assert {face_of(traditional.font, char) for char in TRADITIONAL} == {"Noto Sans CJK HK"}
    assert {face_of(simplified.font, char) for char in SIMPLIFIED} == {"Noto Sans CJK SC"}
    regular = load_fonts(28, bold=False, script="Hant")
    assert face_of(regular, "館") == "Noto Sans CJK HK"
    assert face_of(regular, "L") == "DejaVu Sans"  # Latin still first


@needs_noto_cjk
def test_the_faces_are_found_by_name_in_the_collection() -> None:
    for region in ("SC", "HK", "TC"):
        found = text._font_source(f"NotoSansCJK-Regular.ttc#{region}")
        assert found is not None
        path, index = found
        assert ImageFont.truetype(path, 20, index=index).getname()[0] == f"Noto Sans CJK {region}"
    assert text._font_source("NotoSansCJK-Regular.ttc#XX") is None


@needs_noto_cjk
def test_a_card_differs_by_the_face_of_its_script() -> None:
    photo = photo_bytes(3, size=(640, 400))
    in_hong_kong_face = make_share_card(photo, title="夜讀", hashtag="x", contest_title="館")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(text, "CJK_FACES", {"Hans": "#SC", "Hant": "#SC"})
        in_mainland_face = make_share_card(photo, title="夜讀", hashtag="x", contest_title="館")
    assert in_hong_kong_face != in_mainland_face


def test_the_winners_card_is_versioned_by_the_language_of_its_words() -> None:
    winners = [{"award": N_("Champion"), "entry_id": 1, "display_key": "k", "title": "夜讀"}]
    english = card_version("Light at the Library", winners)
    with using_locale("zh_Hant"):
        chinese = card_version("Light at the Library", winners)
    assert english != chinese
