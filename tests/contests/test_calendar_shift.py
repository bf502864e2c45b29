"""Moving a whole calendar: by days or by a year, on the contest's own wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from contest.contests import calendar_shift
from contest.contests.phases import Schedule

BERLIN = ZoneInfo("Europe/Berlin")


def berlin_schedule(start: datetime) -> Schedule:
    """A calendar whose every date is ``start`` plus whole days, at 18:00 in Berlin."""
    day = timedelta(days=1)
    return Schedule(
        submissions_open=start,
        submissions_close=start + 14 * day,
        judging_open=start + 15 * day,
        judging_close=start + 21 * day,
        voting_open=start + 15 * day,
        voting_close=start + 21 * day,
        results_at=start + 22 * day,
    )


def local(schedule: Schedule, tz: ZoneInfo) -> list[str]:
    return [
        getattr(schedule, name).astimezone(tz).strftime("%Y-%m-%d %H:%M")
        for name in (
            "submissions_open",
            "submissions_close",
            "judging_open",
            "judging_close",
            "voting_open",
            "voting_close",
            "results_at",
        )
    ]


def test_moving_by_days_keeps_the_local_time_across_daylight_saving() -> None:
    # Berlin moves its clocks on 29 March 2026: 18:00 stays 18:00, one hour earlier in UTC.
    schedule = berlin_schedule(datetime(2026, 3, 20, 18, 0, tzinfo=BERLIN))
    moved = calendar_shift.shift_by_days(schedule, 7, "Europe/Berlin")
    assert local(moved, BERLIN) == [
        "2026-03-27 18:00",
        "2026-04-10 18:00",
        "2026-04-11 18:00",
        "2026-04-17 18:00",
        "2026-04-11 18:00",
        "2026-04-17 18:00",
        "2026-04-18 18:00",
    ]
    assert moved.submissions_open.astimezone(UTC) == datetime(2026, 3, 27, 17, 0, tzinfo=UTC)
    assert moved.submissions_close.astimezone(UTC) == datetime(2026, 4, 10, 16, 0, tzinfo=UTC)


def test_moving_back_by_days_moves_every_date_earlier() -> None:
    schedule = berlin_schedule(datetime(2026, 5, 4, 18, 0, tzinfo=BERLIN))
    moved = calendar_shift.shift_by_days(schedule, -3, "Europe/Berlin")
    assert local(moved, BERLIN)[0] == "2026-05-01 18:00"
    assert local(moved, BERLIN)[-1] == "2026-05-23 18:00"


def test_a_year_later_keeps_the_local_date_and_time_not_the_weekday() -> None:
    new_york = ZoneInfo("America/New_York")
    schedule = berlin_schedule(datetime(2026, 3, 2, 9, 30, tzinfo=new_york))
    moved = calendar_shift.shift_by_a_year(schedule, "America/New_York")
    assert local(moved, new_york) == [
        "2027-03-02 09:30",
        "2027-03-16 09:30",  # after New York's change to summer time: still 09:30
        "2027-03-17 09:30",
        "2027-03-23 09:30",
        "2027-03-17 09:30",
        "2027-03-23 09:30",
        "2027-03-24 09:30",
    ]


def test_a_year_after_29_february_is_28_february() -> None:
    moment = datetime(2028, 2, 29, 12, 0, tzinfo=BERLIN)
    assert calendar_shift.next_year(moment) == datetime(2029, 2, 28, 12, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("typed", "days"), [("7", 7), (" -7 ", -7), ("+3", 3), ("365", 365), ("\u221214", -14)]
)
def test_a_number_of_days_is_read_as_typed(typed: str, days: int) -> None:
    assert calendar_shift.parse_shift_days(typed) == days


@pytest.mark.parametrize("typed", ["0", "366", "-366", "", "a week", "1.5", "7 days"])
def test_no_move_too_far_or_nothing_or_not_a_number(typed: str) -> None:
    with pytest.raises(ValueError, match="from -365 to 365, not 0"):
        calendar_shift.parse_shift_days(typed)


def test_a_calendar_moved_beyond_2200_is_refused() -> None:
    schedule = berlin_schedule(datetime(2200, 11, 1, 18, 0, tzinfo=BERLIN))
    assert calendar_shift.shift_problem(schedule) is None
    moved = calendar_shift.shift_by_days(schedule, 60, "Europe/Berlin")
    assert calendar_shift.shift_problem(moved) == (
        "The moved calendar would not work:"
        " The dates would leave the years 2000 to 2200; move them less far."
    )


@pytest.mark.parametrize(
    ("title", "copied"),
    [
        ("Spring Light 2026", "Spring Light 2027"),
        ("Library Photo Contest 2099", "Library Photo Contest 2100"),
        ("Spring Light", "Spring Light"),
        ("Route 66", "Route 66"),
        ("Class of 12026", "Class of 12026"),
    ],
)
def test_a_copy_counts_on_a_year_at_the_end_of_the_title(title: str, copied: str) -> None:
    assert calendar_shift.next_title(title) == copied
