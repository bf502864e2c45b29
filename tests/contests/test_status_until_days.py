"""How far away a date is, on a contest's status line: days stay days in every language (11 days
is ``11 天後``, never rounded to ``2 週後``), the rule ``describe_until`` keeps in English."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contest.contests.phases import Phase, status_line
from contest.i18n import relative_time, using_locale
from tests.factories import schedule_for

NOW = datetime(2026, 5, 12, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
AWAY = {"11 days": 11 * DAY, "1 day": DAY, "3 hours": 3 * HOUR, "45 days": 45 * DAY}
SAID = {
    "en": dict(zip(AWAY, ("in 11 days", "in 1 day", "in 3 hours", "in 45 days"), strict=True)),
    "zh_Hant": dict(zip(AWAY, ("11 天後", "1 天後", "3 小時後", "45 天後"), strict=True)),
    "zh_Hans": dict(zip(AWAY, ("11 天后", "1 天后", "3 小时后", "45 天后"), strict=True)),
}


@pytest.mark.parametrize("locale", list(SAID))
@pytest.mark.parametrize("away", list(AWAY))
def test_the_time_until_submissions_open_is_counted_in_days(locale: str, away: str) -> None:
    plan = schedule_for(Phase.SUBMISSIONS, NOW)
    with using_locale(locale):
        line = str(status_line(plan, plan.submissions_open - AWAY[away], "Asia/Hong_Kong"))
    expected = f"Submissions open {SAID[locale][away]} (" if locale == "en" else SAID[locale][away]
    assert line.startswith(expected)
    assert "週" not in line and "周" not in line and "week" not in line


def test_english_reads_the_same_as_before() -> None:
    plan = schedule_for(Phase.SUBMISSIONS, NOW)
    line = status_line(plan, plan.submissions_close - 11 * DAY, "Asia/Hong_Kong")
    assert str(line).startswith("Submissions close in 11 days (")
    assert line == str(line)  # its English value is what is shown in English


@pytest.mark.parametrize(
    ("locale", "seconds", "said"),
    [
        ("en", 11 * 86400, "in 11 days"),
        ("en", -11 * 86400, "11 days ago"),
        ("en", 45 * 86400, "in 45 days"),
        ("en", 3 * 3600, "in 3 hours"),
        ("zh_Hant", 11 * 86400, "11 天後"),
        ("zh_Hant", 30 * 86400, "30 天後"),
        ("zh_Hant", 86400, "1 天後"),
        ("zh_Hans", 11 * 86400 + 20 * 3600, "11天后"),
        ("zh_Hans", -45 * 86400, "45天前"),
        ("zh_Hans", 3 * 3600, "3小时后"),
    ],
)
def test_relative_time_writes_whole_days_never_weeks(locale: str, seconds: int, said: str) -> None:
    assert relative_time(seconds, locale=locale) == said
