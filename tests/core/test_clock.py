"""Dates as people read them: stored UTC moments in a zone, camera dates as written."""

from datetime import UTC, date, datetime

import pytest

from contest.core.clock import format_calendar_date, format_local

#: Half past five in the afternoon in UTC: half past one at night, the next day, in Hong Kong.
NEAR_MIDNIGHT = datetime(2026, 5, 14, 17, 30, tzinfo=UTC)
HONG_KONG = "Asia/Hong_Kong"


@pytest.mark.parametrize(
    "stored", ["2026-05-14T17:30:00Z", "2026-05-14T17:30:00+00:00", "2026-05-15T01:30:00+08:00"]
)
def test_stored_text_is_read_as_the_moment_it_names(stored: str) -> None:
    assert format_local(stored, HONG_KONG) == "15 May 01:30"
    assert format_local(stored, "UTC") == "14 May 17:30"


def test_date_only_writes_the_local_day() -> None:
    assert format_local("2026-05-14T17:30:00Z", HONG_KONG, date_only=True) == "15 May"
    assert format_local(NEAR_MIDNIGHT, HONG_KONG, date_only=True, with_year=True) == "15 May 2026"


def test_the_year_is_written_when_the_moment_is_in_another_year_where_it_is_read() -> None:
    new_year = datetime(2026, 12, 31, 17, 0, tzinfo=UTC)  # 1 January 2027 in Hong Kong
    new_years_eve = datetime(2026, 12, 31, 15, 0, tzinfo=UTC)  # still 2026 there
    assert format_local(NEAR_MIDNIGHT, HONG_KONG, now=new_years_eve) == "15 May 01:30"
    assert format_local(NEAR_MIDNIGHT, HONG_KONG, now=new_year) == "15 May 2026 01:30"
    assert format_local(new_year, HONG_KONG, now=NEAR_MIDNIGHT) == "1 Jan 2027 01:00"
    assert format_local(new_year, "UTC", now=NEAR_MIDNIGHT) == "31 Dec 17:00"
    assert format_local(new_year, HONG_KONG, with_year=True) == "1 Jan 2027 01:00"


def test_text_without_a_zone_is_not_guessed_to_be_utc() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        format_local("2026-05-14T23:30:00", HONG_KONG)


def test_a_calendar_date_is_written_as_given_never_converted() -> None:
    assert format_calendar_date("2026-05-14T23:30:00") == "14 May"  # a camera's local time
    assert format_calendar_date("2026-05-15") == "15 May"  # a day counted in a contest's zone
    assert format_calendar_date(date(2019, 7, 4), now=NEAR_MIDNIGHT) == "4 Jul 2019"
    assert format_calendar_date("2026-05-14T23:30:00", now=NEAR_MIDNIGHT) == "14 May"
