"""Daily series for the engagement dashboard: entries, likes, views and shares per local day."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from contest.clock import zone
from contest.contests import Contest
from contest.db import Database
from contest.local_days import per_local_day
from contest.views import views_by_day


@dataclass(frozen=True)
class DayCount:
    """How many of something happened on one day (in the contest's time zone)."""

    day: date
    count: int


@dataclass(frozen=True)
class Series:
    """The four daily series over one common span of days, quiet days as 0 (empty: no data)."""

    entries: tuple[DayCount, ...]
    likes: tuple[DayCount, ...]
    views: tuple[DayCount, ...]
    shares: tuple[DayCount, ...]


def fill_days(
    counts: Mapping[date, int], first: date | None = None, last: date | None = None
) -> tuple[DayCount, ...]:
    """Counts per day from ``first`` to ``last`` (by default the first and last day counted),
    stretched to any day counted outside them, days without any given as 0."""
    if not counts and (first is None or last is None):
        return ()
    first = min([*counts, *([first] if first else [])])
    last = max([*counts, *([last] if last else [])])
    days = (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    return tuple(DayCount(day, counts.get(day, 0)) for day in days)


def span(contest: Contest, now: datetime) -> tuple[date, date]:
    """The days every daily series covers: from the day submissions opened to today, or to the
    contest's last day (the later of voting's close and the results) once that has passed."""
    local = zone(contest.settings.timezone)
    schedule = contest.schedule
    first = schedule.submissions_open.astimezone(local).date()
    ends = max(schedule.voting_close, schedule.results_at).astimezone(local).date()
    return first, max(first, min(now.astimezone(local).date(), ends))


async def _counts(db: Database, contest: Contest, rows_from: str, at: str) -> dict[date, int]:
    """Rows of the contest per local day (``rows_from`` binds the contest id once)."""
    rows = await per_local_day(
        db, tz_name=contest.settings.timezone, rows_from=rows_from, params=(contest.id,), at=at
    )
    return {date.fromisoformat(row["day"]): row["n"] for row in rows}


async def daily_series(db: Database, contest: Contest, *, now: datetime) -> Series:
    """Entries submitted, likes given (those that still count), entry views and share clicks,
    all over the same days (see ``span``); a day with activity outside it widens it rather
    than go missing. Nothing at all yet gives empty series, which pages show as "no data yet"."""
    entries = await _counts(db, contest, "FROM entries WHERE contest_id = ?", "created_at")
    likes = await _counts(
        db,
        contest,
        "FROM counted_likes JOIN entries ON entries.id = counted_likes.entry_id"
        " WHERE entries.contest_id = ? AND entries.status = 'approved'",
        "counted_likes.created_at",
    )
    shares = await _counts(
        db,
        contest,
        "FROM share_clicks JOIN entries ON entries.id = share_clicks.entry_id"
        " WHERE entries.contest_id = ?",
        "share_clicks.at",
    )
    # Views are stored per local day already.
    views = {date.fromisoformat(day): n for day, n in await views_by_day(db, contest.id)}
    counted = [entries, likes, views, shares]
    if not any(counted):
        return Series((), (), (), ())
    first, last = span(contest, now)
    every = [*entries, *likes, *views, *shares]
    first, last = min(first, *every), max(last, *every)
    return Series(*(fill_days(counts, first, last) for counts in counted))
