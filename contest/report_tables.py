"""The tables behind a contest's engagement report: columns and rows, ready for CSV or JSON.

Organizers get every entry, whatever its status, and the participants' names and emails. The
publication variant keeps approved entries only, keeps only participants with an approved entry
and drops their ids, names and emails, and names authors as the public pages do: only once
judging has closed, by the credit each author chose (affiliations and departments, which could
point at an author, follow the same rule). No table says which judge scored what.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from contest import results
from contest.clock import from_db, to_db, zone
from contest.contests import Contest
from contest.db import Database, Row
from contest.entry_text import without_emails
from contest.errors import NotFound
from contest.engagement import FIRST_TIME
from contest.engagement_response import APPROVED_AT, judging_figures
from contest.engagement_series import daily_series
from contest.gallery import credit

Cell = str | int | float | None

ENTRY_COLUMNS = (
    "id",
    "title",
    "category",
    "hashtags",
    "status",
    "author",
    "author_affiliation",
    "author_department",
    "submitted_at",
    "decided_at",
    "counted_likes",
    "library_picks",
    "views",
    "share_clicks",
    "first_reply_at",
)
PARTICIPANT_COLUMNS = (
    "id",
    "display_name",
    "email",
    "affiliation",
    "department",
    "entries_submitted",
    "entries_approved",
    "first_contest",
)
#: What the publication variant leaves out of the participants table.
PERSONAL_COLUMNS = ("id", "display_name", "email")
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
REPLY_COLUMNS = ("entry_id", "reply_id", "organizer", "replied_at", "hours_since_approval", "body")
DAILY_COLUMNS = ("day", "entries", "likes", "views", "share_clicks")
JUDGE_PROGRESS_COLUMNS = ("judge", "scored", "in_queue")
JUDGING_COLUMNS = (
    "rank",
    "entry_id",
    "title",
    "author",
    "category",
    "judges",
    "score",
    "raw_mean",
    "award",
)


@dataclass(frozen=True)
class Table:
    """One report table: its name, its column names, and rows of cells in column order."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def records(self) -> list[dict[str, Cell]]:
        """The rows as dictionaries keyed by column name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class _Scope:
    """Which contest, for whom, and when: what every table builder needs."""

    contest: Contest
    publication: bool
    now: datetime

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.contest.settings.timezone)

    @property
    def every_status(self) -> int:
        """The ``?`` of ``(entries.status = 'approved' OR ?)``: publication keeps approved ones."""
        return int(not self.publication)

    def local(self, stored: str | None) -> str | None:
        """A stored UTC time as ISO 8601 in the contest's time zone, with its offset."""
        return None if stored is None else from_db(stored).astimezone(self.zone).isoformat()

    def day(self, stored: str) -> str:
        """The contest-local date of a stored UTC time."""
        return from_db(stored).astimezone(self.zone).date().isoformat()

    def local_days(self, first: str, last: str) -> tuple[str, list[str]]:
        """``WITH local_days(day, starts, ends)``: the local days from ``first``'s to ``last``'s."""
        day, end = date.fromisoformat(self.day(first)), date.fromisoformat(self.day(last))
        params: list[str] = []
        while day <= end:
            following = day + timedelta(days=1)
            params += [
                day.isoformat(),
                to_db(datetime.combine(day, time(), tzinfo=self.zone)),
                to_db(datetime.combine(following, time(), tzinfo=self.zone)),
            ]
            day = following
        values = ", ".join(["(?, ?, ?)"] * (len(params) // 3))
        return f"WITH local_days(day, starts, ends) AS (VALUES {values}) ", params

    def names_shown(self) -> bool:
        """Whether author names (and what identifies them) may appear in this variant."""
        return not self.publication or self.contest.names_authors(self.now)

    def author(self, row: Row) -> str | None:
        """The author as organizers know them, or as credited in public (once names show)."""
        if not self.publication:
            return str(row["author_name"])
        return credit(row) if self.names_shown() else None


async def _entries(db: Database, scope: _Scope) -> Table:
    contest_id = scope.contest.id
    rows = await db.fetch_all(
        "SELECT entries.id, entries.title, entries.status, entries.credit,"
        " entries.created_at, entries.moderated_at, categories.name AS category,"
        " users.display_name AS author_name, users.affiliation, users.department,"
        " (SELECT count(*) FROM likes WHERE likes.entry_id = entries.id"
        "   AND likes.kind = 'vote' AND likes.voided_at IS NULL) AS counted_likes,"
        " (SELECT count(*) FROM likes WHERE likes.entry_id = entries.id"
        "   AND likes.kind = 'pick') AS library_picks,"
        " (SELECT count(*) FROM entry_views WHERE entry_views.entry_id = entries.id) AS views,"
        " (SELECT count(*) FROM share_clicks WHERE share_clicks.entry_id = entries.id)"
        "   AS share_clicks,"
        " (SELECT min(created_at) FROM replies WHERE replies.entry_id = entries.id)"
        "   AS first_reply_at"
        " FROM entries JOIN users ON users.id = entries.participant_id"
        " LEFT JOIN categories ON categories.id = entries.category_id"
        " WHERE entries.contest_id = ? AND (entries.status = 'approved' OR ?)"
        " ORDER BY entries.id",
        (contest_id, scope.every_status),
    )
    tags: dict[int, list[str]] = defaultdict(list)
    for tag in await db.fetch_all(
        "SELECT entry_hashtags.entry_id, entry_hashtags.tag FROM entry_hashtags"
        " JOIN entries ON entries.id = entry_hashtags.entry_id WHERE entries.contest_id = ?"
        " ORDER BY entry_hashtags.rowid",
        (contest_id,),
    ):
        tags[tag["entry_id"]].append(f"#{tag['tag']}")
    named = scope.names_shown()
    return Table(
        "entries",
        ENTRY_COLUMNS,
        tuple(
            (
                row["id"],
                row["title"],
                row["category"],
                " ".join(tags.get(row["id"], [])),
                row["status"],
                scope.author(row),
                row["affiliation"] if named else None,
                row["department"] if named else None,
                scope.local(row["created_at"]),
                scope.local(row["moderated_at"] if row["status"] != "pending" else None),
                row["counted_likes"],
                row["library_picks"],
                row["views"],
                row["share_clicks"],
                scope.local(row["first_reply_at"]),
            )
            for row in rows
        ),
    )


async def _participants(db: Database, scope: _Scope) -> Table:
    """Everyone who entered the contest; a first contest as on the dashboard: no entry in any
    contest whose submissions opened before this one's. For publication: only people with an
    approved entry, unnumbered, and their affiliation and department only once names show."""
    rows = await db.fetch_all(
        "SELECT users.id, users.display_name, users.email, users.affiliation, users.department,"
        " count(*) AS submitted, sum(entries.status = 'approved') AS approved,"
        f" {FIRST_TIME} AS first_time"  # noqa: S608
        " FROM entries JOIN users ON users.id = entries.participant_id"
        " WHERE entries.contest_id = ? GROUP BY users.id"
        " HAVING sum(entries.status = 'approved') > 0 OR ? ORDER BY users.id",
        (to_db(scope.contest.schedule.submissions_open), scope.contest.id, scope.every_status),
    )
    named = scope.names_shown()
    omitted = PERSONAL_COLUMNS if scope.publication else ()
    columns = tuple(column for column in PARTICIPANT_COLUMNS if column not in omitted)
    full = (
        (
            row["id"],
            row["display_name"],
            row["email"],
            row["affiliation"] if named else None,
            row["department"] if named else None,
            row["submitted"],
            row["approved"],
            "yes" if row["first_time"] else "no",
        )
        for row in rows
    )
    keep = [PARTICIPANT_COLUMNS.index(column) for column in columns]
    return Table("participants", columns, tuple(tuple(cells[i] for i in keep) for cells in full))


def _local_day(at: str) -> str:
    """The contest-local day of the row's ``at`` column, from a ``local_days`` clause."""
    return f"(SELECT day FROM local_days WHERE starts <= {at} AND {at} < ends)"


async def _per_local_day(
    db: Database,
    scope: _Scope,
    source: str,
    keys: str,
    *,
    at: str = "at",
    where: str = "(entries.status = 'approved' OR ?)",
) -> list[Row]:
    """Counts of a table's rows per ``keys`` (fixed column names) and contest-local day of its
    ``at`` column, for the entries ``where`` picks (by default: those of the variant)."""
    # SQLite knows no time zones, so the local days come in as a list of UTC spans and each
    # row finds its day there: twelve thousand likes group in SQL in ~15 ms, where parsing
    # each time in Python took ~120 ms.
    from_entries = (
        f" FROM {source} JOIN entries ON entries.id = {source}.entry_id"
        f" WHERE entries.contest_id = ? AND {where}"
    )
    scoped = (scope.contest.id, scope.every_status) if "?" in where else (scope.contest.id,)
    span = await db.fetch_one(
        f"SELECT min({at}) AS first, max({at}) AS last{from_entries}",  # noqa: S608
        scoped,
    )
    if span is None or span["first"] is None:
        return []
    days, params = scope.local_days(span["first"], span["last"])
    return await db.fetch_all(
        f"{days}SELECT {keys}, {_local_day(at)} AS day, count(*) AS n{from_entries}"
        f" GROUP BY {keys}, day",
        (*params, *scoped),
    )


async def _likes_by_day(db: Database, scope: _Scope) -> Table:
    """People's Choice likes per entry per local day from the append-only log (picks aside),
    and the dashboard's count: likes still standing, on the day they were cast, on approved
    entries (empty for others), so that the column's daily sums redraw the likes chart."""
    counts: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in await _per_local_day(
        db, scope, "like_events", "like_events.entry_id, like_events.kind, like_events.action"
    ):
        if row["kind"] == "vote":
            counts[(row["entry_id"], row["day"])][row["action"]] += row["n"]
    standing: dict[tuple[int, str], int] = {
        (row["entry_id"], row["day"]): row["n"]
        for row in await _per_local_day(
            db,
            scope,
            "likes",
            "likes.entry_id",
            at="likes.created_at",
            where="entries.status = 'approved' AND likes.kind = 'vote' AND likes.voided_at IS NULL",
        )
    }
    approved = {
        row["id"]
        for row in await db.fetch_all(
            "SELECT id FROM entries WHERE contest_id = ? AND status = 'approved'",
            (scope.contest.id,),
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


async def _views(db: Database, scope: _Scope) -> Table:
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


async def _shares(db: Database, scope: _Scope) -> Table:
    """Share-button clicks per entry per local day per network."""
    rows = await _per_local_day(db, scope, "share_clicks", "share_clicks.entry_id, network")
    return Table(
        "shares",
        SHARE_COLUMNS,
        tuple(sorted((row["entry_id"], row["day"], row["network"], row["n"]) for row in rows)),
    )


async def _replies(db: Database, scope: _Scope) -> Table:
    """Organizers' replies and how soon after approval they came, as on the dashboard (hours
    are empty for an entry not approved; for publication, without email addresses)."""
    rows = await db.fetch_all(
        "SELECT replies.entry_id, replies.id, users.display_name AS organizer,"
        f" replies.created_at, {APPROVED_AT} AS approved_at, entries.status, replies.body"  # noqa: S608
        " FROM replies JOIN entries ON entries.id = replies.entry_id"
        " LEFT JOIN users ON users.id = replies.author_id"
        " WHERE entries.contest_id = ? AND (entries.status = 'approved' OR ?)"
        " ORDER BY replies.entry_id, replies.id",
        (scope.contest.id, scope.every_status),
    )
    return Table(
        "replies",
        REPLY_COLUMNS,
        tuple(
            (
                row["entry_id"],
                row["id"],
                row["organizer"],
                scope.local(row["created_at"]),
                _hours_between(row["approved_at"], row["created_at"])
                if row["status"] == "approved"
                else None,
                without_emails(row["body"]) if scope.publication else row["body"],
            )
            for row in rows
        ),
    )


def _hours_between(start: str, end: str) -> float:
    """Hours from start to end, 0 for a reply before a re-approval (as the dashboard counts)."""
    return round(max(0.0, (from_db(end) - from_db(start)).total_seconds()) / 3600, 1)


async def _judging(db: Database, scope: _Scope) -> Table:
    """The ranking and awards once published (for publication: once announced too)."""
    contest = scope.contest
    published = await results.published_at(db, contest.id) is not None
    if not published or (scope.publication and not contest.schedule.results_are_out(scope.now)):
        return Table("judging", JUDGING_COLUMNS, ())
    computed = await results.compute(db, contest)
    awards: dict[int, list[str]] = defaultdict(list)
    for award in computed.awards:
        if award.entry_id is not None:
            awards[award.entry_id].append(award.label)
    return Table(
        "judging",
        JUDGING_COLUMNS,
        tuple(
            (
                standing.result.rank,
                standing.entry["id"],
                standing.entry["title"],
                scope.author(standing.entry),
                standing.entry["category_name"],
                standing.result.judges,
                _rounded(standing.result.final),
                _rounded(standing.result.raw_mean),
                "; ".join(awards.get(standing.entry["id"], [])),
            )
            for standing in computed.standings
        ),
    )


async def _daily(db: Database, scope: _Scope) -> Table:
    """The dashboard's daily charts as one table: the very numbers drawn, day by day."""
    series = await daily_series(db, scope.contest, now=scope.now)
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


async def _judging_progress(db: Database, scope: _Scope) -> Table:
    """Each judge's entries scored and queue, as on the dashboard; for publication the judges
    are "Judge 1", "Judge 2" ... in the panel's order."""
    judges = (await judging_figures(db, scope.contest)).judges
    return Table(
        "judging_progress",
        JUDGE_PROGRESS_COLUMNS,
        tuple(
            (f"Judge {number}" if scope.publication else judge.name, judge.scored, judge.total)
            for number, judge in enumerate(judges, start=1)
        ),
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


_BUILDERS: dict[str, Callable[[Database, _Scope], Awaitable[Table]]] = {
    "daily": _daily,
    "entries": _entries,
    "participants": _participants,
    "likes_by_day": _likes_by_day,
    "views": _views,
    "shares": _shares,
    "replies": _replies,
    "judging_progress": _judging_progress,
    "judging": _judging,
}
TABLES = tuple(_BUILDERS)


async def build_table(
    db: Database, contest: Contest, name: str, *, publication: bool, now: datetime
) -> Table:
    """One report table by name; NotFound for a name that is not one of ``TABLES``."""
    builder = _BUILDERS.get(name)
    if builder is None:
        # The name from the address is not echoed back: the page lists the real ones.
        raise NotFound(f"There is no such report table. The tables are: {', '.join(TABLES)}.")
    return await builder(db, _Scope(contest, publication, now))


async def build_all(
    db: Database, contest: Contest, *, publication: bool, now: datetime
) -> list[Table]:
    """Every report table, in the order of ``TABLES``."""
    scope = _Scope(contest, publication, now)
    return [await builder(db, scope) for builder in _BUILDERS.values()]
