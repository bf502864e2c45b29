"""Daily series for the engagement dashboard: entries, likes, views and shares per local day."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from contest.contests.model import Contest
from contest.core.clock import zone
from contest.core.db import Database
from contest.core.local_days import per_local_day
from contest.gallery.views import views_by_day


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


def fill_days(counts: Mapping[date, int], first: date, last: date) -> tuple[DayCount, ...]:
    """Counts per day from ``first`` to ``last``, days without any given as 0."""
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


async def _counts(
    db: Database, rows_from: str, at: str, contest: Contest, params: tuple[int, ...]
) -> dict[date, int]:
    """Rows per day in the contest's time zone (``rows_from`` binds ``params``)."""
    rows = await per_local_day(
        db, tz_name=contest.settings.timezone, rows_from=rows_from, params=params, at=at
    )
    return {date.fromisoformat(row["day"]): row["n"] for row in rows}


async def daily_series(
    db: Database, contest: Contest, *, now: datetime, approved_only: bool = False
) -> Series:
    """Entries submitted, likes given (those that still count), entry views and share clicks,
    all over the same days (see ``span``); a day with activity outside it widens it rather
    than go missing. Nothing at all yet gives empty series, which pages show as "no data yet".
    ``approved_only`` leaves out entries not approved, and their views and shares (for
    publication); likes count on approved entries only in any case, as People's Choice does."""
    params = (contest.id, int(not approved_only))
    entries = await _counts(
        db,
        "FROM entries WHERE contest_id = ? AND (status = 'approved' OR ?)",
        "created_at",
        contest,
        params,
    )
    likes = await _counts(
        db,
        "FROM counted_likes JOIN entries ON entries.id = counted_likes.entry_id"
        " WHERE entries.contest_id = ? AND entries.status = 'approved'",
        "counted_likes.created_at",
        contest,
        (contest.id,),
    )
    shares = await _counts(
        db,
        "FROM share_clicks JOIN entries ON entries.id = share_clicks.entry_id"
        " WHERE entries.contest_id = ? AND (entries.status = 'approved' OR ?)",
        "share_clicks.at",
        contest,
        params,
    )
    # Views are stored per local day already.
    views = {
        date.fromisoformat(day): n
        for day, n in await views_by_day(db, contest.id, approved_only=approved_only)
    }
    counted = [entries, likes, views, shares]
    if not any(counted):
        return Series((), (), (), ())
    first, last = span(contest, now)
    every = [*entries, *likes, *views, *shares]
    first, last = min(first, *every), max(last, *every)
    return Series(*(fill_days(counts, first, last) for counts in counted))
