"""The report's tables per contest-local day: likes, views and shares per entry, and the
dashboard's daily charts as one table."""

from __future__ import annotations

from collections import defaultdict

from contest.core.db import Database, Row
from contest.core.local_days import per_local_day
from contest.engagement.report_scope import Scope, Table
from contest.engagement.series import daily_series

LIKE_COLUMNS = (
    "entry_id",
    "day",
    "likes",
    "unlikes",
    "voids",
    "net_counted_likes",
    "standing_likes_cast",
)
VIEW_COLUMNS = ("entry_id", "day", "views")
SHARE_COLUMNS = ("entry_id", "day", "network", "clicks")
DAILY_COLUMNS = ("day", "entries", "likes", "views", "share_clicks")


async def _per_local_day(
    db: Database, scope: Scope, rows_from: str, keys: str, *, at: str, params: tuple[object, ...]
) -> list[Row]:
    """Counts per ``keys`` and contest-local day (see contest/local_days.py)."""
    return await per_local_day(
        db,
        tz_name=scope.contest.settings.timezone,
        rows_from=rows_from,
        params=params,
        at=at,
        keys=keys,
    )


async def likes_by_day(db: Database, scope: Scope) -> Table:
    """People's Choice likes per entry per local day from the append-only log (picks aside),
    and the dashboard's count: likes still standing, on the day they were cast, on approved
    entries (empty for others), so that the column's daily sums redraw the likes chart."""
    counts: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    approved: set[int] = set()  # every like has its event, so the log names them all
    for row in await _per_local_day(
        db,
        scope,
        "FROM like_events JOIN entries ON entries.id = like_events.entry_id"
        " WHERE entries.contest_id = ? AND (entries.status = 'approved' OR ?)"
        " AND like_events.kind = 'vote'",
        "like_events.entry_id, like_events.action, entries.status",
        at="like_events.at",
        params=(scope.contest.id, scope.every_status),
    ):
        counts[(row["entry_id"], row["day"])][row["action"]] += row["n"]
        if row["status"] == "approved":
            approved.add(row["entry_id"])
    standing: dict[tuple[int, str], int] = {
        (row["entry_id"], row["day"]): row["n"]
        for row in await _per_local_day(
            db,
            scope,
            "FROM counted_likes JOIN entries ON entries.id = counted_likes.entry_id"
            " WHERE entries.contest_id = ? AND entries.status = 'approved'",
            "counted_likes.entry_id",
            at="counted_likes.created_at",
            params=(scope.contest.id,),
        )
    }
    for key in standing:
        counts.setdefault(key, defaultdict(int))
    return Table(
        "likes_by_day",
        LIKE_COLUMNS,
        tuple(
            (
                entry_id,
                day,
                actions["like"],
                actions["unlike"],
                actions["void"],
                actions["like"] - actions["unlike"] - actions["void"],
                standing.get((entry_id, day), 0) if entry_id in approved else None,
            )
            for (entry_id, day), actions in sorted(counts.items())
        ),
    )


async def views(db: Database, scope: Scope) -> Table:
    """Counted views per entry per day (stored by the contest-local day already)."""
    rows = await db.fetch_all(
        "SELECT entry_views.entry_id, entry_views.day, count(*) AS views"
        " FROM entry_views JOIN entries ON entries.id = entry_views.entry_id"
        " WHERE entries.contest_id = ? AND (entries.status = 'approved' OR ?)"
        " GROUP BY entry_views.entry_id, entry_views.day"
        " ORDER BY entry_views.entry_id, entry_views.day",
        (scope.contest.id, scope.every_status),
    )
    return Table(
        "views", VIEW_COLUMNS, tuple((row["entry_id"], row["day"], row["views"]) for row in rows)
    )


async def shares(db: Database, scope: Scope) -> Table:
    """Share-button clicks per entry per local day per network."""
    rows = await _per_local_day(
        db,
        scope,
        "FROM share_clicks JOIN entries ON entries.id = share_clicks.entry_id"
        " WHERE entries.contest_id = ? AND (entries.status = 'approved' OR ?)",
        "share_clicks.entry_id, share_clicks.network",
        at="share_clicks.at",
        params=(scope.contest.id, scope.every_status),
    )
    return Table(
        "shares",
        SHARE_COLUMNS,
        tuple(sorted((row["entry_id"], row["day"], row["network"], row["n"]) for row in rows)),
    )


async def daily(db: Database, scope: Scope) -> Table:
    """The dashboard's daily charts as one table: the very numbers drawn, day by day (for
    publication, of approved entries only, as every publication table)."""
    series = await daily_series(db, scope.contest, now=scope.now, approved_only=scope.publication)
    return Table(
        "daily",
        DAILY_COLUMNS,
        tuple(
            (entries.day.isoformat(), entries.count, likes.count, views.count, shares.count)
            for entries, likes, views, shares in zip(
                series.entries, series.likes, series.views, series.shares, strict=True
            )
        ),
    )
