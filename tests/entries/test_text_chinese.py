"""Chinese words people type: titles counted by display width, Chinese placeholders, #夜读."""
# ruff: noqa: RUF001 -- full-width letters and punctuation are what these tests type

import pytest

from contest.core.forms import FormValues
from contest.entries.text import (
    ALT_TEXT_MAX,
    DESCRIPTION_MAX,
    TITLE_MAX,
    EntryText,
    check_entry_text,
    default_alt_text,
    display_width,
    parse_hashtags,
    title_error,
)

PLACEHOLDER = (
    "“{}” looks like a placeholder or a camera file name. Give the photo a title that says what"
    " it shows, such as “Lamplight on the reading room”."
)


def check(**fields: str) -> tuple[EntryText | None, dict[str, str]]:
    """A Chinese entry form with some fields changed, checked with the official tag #Lib."""
    form = {"title": "夜读", "description": "图书馆的灯光。", "alt_text": "", "hashtags": ""}
    return check_entry_text(
        FormValues.of(form | fields), official_hashtag="Lib", description_required=True
    )


def test_wide_characters_count_two_columns() -> None:
    assert display_width("夜读") == 4 and display_width("ab") == 2
    assert display_width("Ｎｉｇｈｔ") == 10 and display_width("夜 read") == 7


@pytest.mark.parametrize(
    "title", ["夜读", "夜讀", "图书馆的猫", "照片墙", "未命名的夜晚", "標題黨"]
)
def test_short_chinese_titles_that_say_something_pass(title: str) -> None:
    assert title_error(title) is None


def test_one_chinese_character_is_too_short_and_the_message_says_two_will_do() -> None:
    assert title_error("夜") == (
        "Use a title of at least 3 characters, or two Chinese characters, that says what the"
        " photo shows."
    )
    assert title_error("ab") == (
        "Use a title of at least 3 characters that says what the photo shows."
    )


def test_the_title_limit_is_counted_in_columns() -> None:
    assert title_error("夜" * (TITLE_MAX // 2)) is None
    assert title_error("夜" * (TITLE_MAX // 2 + 1)) == (
        "Keep the title under 80 characters (it is 82; a Chinese character counts as two)."
    )


@pytest.mark.parametrize(
    "title",
    ["无标题", "無標題", "未命名", "圖片", "图片 1", "照片2", "截圖", "新建文件夹", "无题", "測試"],
)
def test_chinese_placeholder_titles_are_refused_like_camera_names(title: str) -> None:
    assert title_error(title) == PLACEHOLDER.format(title)


@pytest.mark.parametrize(
    "title",
    [
        "微信图片_20240512123456",
        "QQ图片20240512",
        "屏幕截图 2024-05-12 123456",
        "螢幕截圖 2024-05-12 下午3.15.20",
        "截屏2024-05-12 下午3.15.20",
    ],
)
def test_chinese_app_and_screenshot_file_names_are_refused(title: str) -> None:
    assert title_error(title) == PLACEHOLDER.format(title)


@pytest.mark.parametrize(
    "title", ["ＩＭＧ＿１２３４", "mmexport1715500000000", "wx_camera_1715500000"]
)
def test_full_width_and_wechat_camera_names_are_refused(title: str) -> None:
    assert "looks like a camera file name." in str(title_error(title))


def test_a_chinese_placeholder_is_reported_on_the_title_field() -> None:
    assert check(title="无标题") == (None, {"title": PLACEHOLDER.format("无标题")})


def test_chinese_hashtags_from_field_and_description() -> None:
    tags, problem = parse_hashtags(
        "#夜读，读书、＃图书馆", "在图书馆#晚安#很开心 C#code", official="Lib"
    )
    assert (tags, problem) == (["lib", "夜读", "读书", "图书馆", "晚安"], None)


def test_a_chinese_entry_with_a_hashtag_is_accepted_whole() -> None:
    text, errors = check(hashtags="#夜读", description="在图书馆读到深夜。#夜读 #图书馆")
    assert errors == {}
    assert text == EntryText(
        "夜读", "在图书馆读到深夜。#夜读 #图书馆", "在图书馆读到深夜。", ("lib", "夜读", "图书馆")
    )


def test_weibo_style_tags_inside_a_sentence_are_read_as_words() -> None:
    description = "在图书馆#夜读#很开心。#晚安，#图书馆！"
    assert default_alt_text("夜读", description) == "在图书馆夜读很开心。"


def test_a_chinese_hashtag_is_limited_to_twenty_characters() -> None:
    assert parse_hashtags("夜" * 20, "", official="Lib") == (["lib", "夜" * 20], None)
    assert parse_hashtags("夜" * 21, "", official="Lib")[1] == (
        f"“{'夜' * 21}” is not a hashtag: use letters, digits and _ only, up to 40 characters"
        " (a Chinese character counts as two)."
    )


def test_description_and_alt_text_limits_are_counted_in_columns() -> None:
    assert check(description="夜" * (DESCRIPTION_MAX // 2))[1] == {}
    assert check(description="夜" * (DESCRIPTION_MAX // 2 + 1))[1] == {
        "description": (
            "Keep the description under 1000 characters (it is 1002; a Chinese character"
            " counts as two)."
        )
    }
    assert check(alt_text="夜" * (ALT_TEXT_MAX // 2))[1] == {}
    assert check(alt_text="夜" * (ALT_TEXT_MAX // 2 + 1))[1] == {
        "alt_text": "Keep the alt text under 300 characters (a Chinese character counts as two)."
    }


def test_alt_text_taken_from_a_long_chinese_description_fits_its_limit() -> None:
    text, errors = check(description="读" * 400)
    assert errors == {} and text is not None
    assert text.alt_text == "读" * (ALT_TEXT_MAX // 2)
