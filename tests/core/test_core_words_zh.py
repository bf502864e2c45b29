"""The core's sentences (time until a moment, a CSV file's refusals) read in the current
locale, their numbers as parameters and their plurals by the language's own rules."""
# ruff: noqa: RUF001 -- Chinese sentences use full-width punctuation

from datetime import UTC, datetime, timedelta

import pytest

from contest.core import csv_files
from contest.core.clock import describe_until
from contest.core.csv_files import ImportRefused, Problem
from contest.core.errors import ValidationError
from contest.i18n import shown, using_locale

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_time_until_a_moment_is_english_as_before_and_chinese_where_shown() -> None:
    in_three_days = describe_until(NOW, NOW + timedelta(days=3, hours=2))
    assert in_three_days == "in 3 days"
    assert describe_until(NOW, NOW + timedelta(hours=1, minutes=5)) == "in 1 hour"
    assert describe_until(NOW, NOW) == "now"
    with using_locale("zh_Hant"):
        assert shown(in_three_days) == "3 天後"
    with using_locale("zh_Hans"):
        assert shown(describe_until(NOW, NOW + timedelta(seconds=30))) == "不到一分钟后"


def test_a_refused_import_counts_its_lines_in_each_language() -> None:
    refused = ImportRefused([Problem(2, "x", "bad"), Problem(5, "y", "bad")], field="file")
    message = refused.errors["file"]
    assert message.startswith("Nothing was imported: 2 lines of the file need another look")
    with using_locale("zh_Hant"):
        assert shown(message) == "沒有匯入任何資料：檔案中有 2 行需要再檢查（見下表）。"


def test_a_line_that_is_not_utf8_is_named_by_number_in_chinese() -> None:
    with pytest.raises(ValidationError) as refused:
        csv_files.decode(b"ok\n\xff\xfe bad\n", field="file", too_big="", max_bytes=1000)
    with using_locale("zh_Hans"):
        assert shown(refused.value.errors["file"]) == (
            "第 2 行不是 UTF-8 文本。请另存为“CSV UTF-8”后重新上传。"
        )
