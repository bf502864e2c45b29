"""Daily series for the engagement dashboard: entries, likes, views and shares per local day.

Timestamps are stored in UTC; SQLite knows no IANA time zones, so the database counts per UTC
quarter hour and each quarter is placed on its day in the contest's zone here. Every zone's offset
today is a whole number of quarter hours (Nepal's +5:45 included), so no count lands on the wrong
day, and a month of activity is at most a few thousand rows to place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from contest.clock import zone
from contest.contests import Contest
from contest.db import Database


def _quarter(column: str) -> str:
    """SQL for the UTC quarter hour of a stored timestamp: ``2026-03-05T15:30``."""
    return (
        f"substr({column}, 1, 14)"
        f" || printf('%02d', CAST(substr({column}, 15, 2) AS INTEGER) / 15 * 15) AS quarter"
    )


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


async def _per_local_day(db: Database, sql: str, contest_id: int, tz_name: str) -> Counter[date]:
    """Run a query yielding (UTC quarter hour, count) rows and total the counts per local day."""
    local = zone(tz_name)
    counts: Counter[date] = Counter()
    for row in await db.fetch_all(sql, (contest_id,)):
        moment = datetime.fromisoformat(f"{row['quarter']}:00+00:00")
        counts[moment.astimezone(local).date()] += row["n"]
    return counts


async def daily_series(db: Database, contest: Contest, *, now: datetime) -> Series:
    """Entries submitted, likes given (those that still count), entry views and share clicks,
    all over the same days (see ``span``); a day with activity outside it widens it rather
    than go missing. Nothing at all yet gives empty series, which pages show as "no data yet"."""
    contest_id, tz_name = contest.id, contest.settings.timezone
    entries = await _per_local_day(
        db,
        f"SELECT {_quarter('created_at')}, count(*) AS n FROM entries"  # noqa: S608
        " WHERE contest_id = ? GROUP BY quarter",
        contest_id,
        tz_name,
    )
    likes = await _per_local_day(
        db,
        f"SELECT {_quarter('likes.created_at')}, count(*) AS n FROM likes"  # noqa: S608
        " JOIN entries ON entries.id = likes.entry_id WHERE entries.contest_id = ?"
        " AND entries.status = 'approved' AND likes.kind = 'vote' AND likes.voided_at IS NULL"
        " GROUP BY quarter",
        contest_id,
        tz_name,
    )
    shares = await _per_local_day(
        db,
        f"SELECT {_quarter('share_clicks.at')}, count(*) AS n FROM share_clicks"  # noqa: S608
        " JOIN entries ON entries.id = share_clicks.entry_id WHERE entries.contest_id = ?"
        " GROUP BY quarter",
        contest_id,
        tz_name,
    )
    # Views are stored per local day already (see contest/views.py).
    views = {
        date.fromisoformat(row["day"]): row["n"]
        for row in await db.fetch_all(
            "SELECT entry_views.day, count(*) AS n FROM entry_views"
            " JOIN entries ON entries.id = entry_views.entry_id WHERE entries.contest_id = ?"
            " GROUP BY entry_views.day",
            (contest_id,),
        )
    }
    counted = [entries, likes, views, shares]
    if not any(counted):
        return Series((), (), (), ())
    first, last = span(contest, now)
    every = [*entries, *likes, *views, *shares]
    first, last = min(first, *every), max(last, *every)
    return Series(*(fill_days(counts, first, last) for counts in counted))
