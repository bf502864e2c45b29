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
from datetime import datetime

from contest.contests.model import Contest
from contest.core.clock import to_db
from contest.core.db import Database
from contest.core.errors import NotFound
from contest.engagement import report_daily
from contest.engagement.figures import FIRST_TIME
from contest.engagement.report_scope import Cell, Scope, Table
from contest.engagement.response import judge_progress, seconds_since_approval
from contest.entries.text import without_emails
from contest.i18n import N_
from contest.judging import result_exports, results
from contest.voting.tallies import ENTRY_LIKES, ENTRY_PICKS

__all__ = ["TABLES", "Cell", "Table", "build_table"]

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
#: What the publication variant leaves out of the participants table: who they are, and how
#: many entries they sent (beside the approved count, it would tell how many were turned down).
PUBLICATION_OMITS = ("id", "display_name", "email", "entries_submitted")
REPLY_COLUMNS = (
    "entry_id",
    "reply_id",
    "organizer",
    "replied_at",
    "hours_since_submission",
    "hours_since_approval",
    "body",
)
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


async def _entries(db: Database, scope: Scope) -> Table:
    contest_id = scope.contest.id
    rows = await db.fetch_all(
        "SELECT entries.id, entries.title, entries.status, entries.credit,"  # noqa: S608 - fixed SQL
        " entries.created_at, entries.moderated_at, categories.name AS category,"
        " users.display_name AS author_name, users.affiliation, users.department,"
        f" {ENTRY_LIKES} AS counted_likes, {ENTRY_PICKS} AS library_picks,"
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
        " ORDER BY entry_hashtags.entry_id, entry_hashtags.position",
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


async def _participants(db: Database, scope: Scope) -> Table:
    """Everyone who entered the contest; a first contest as on the dashboard: no entry in any
    contest whose submissions opened before this one's. For publication: only people with an
    approved entry, unnumbered, with their approved entries only, and their affiliation and
    department only once names show."""
    rows = await db.fetch_all(
        "SELECT users.id, users.display_name, users.email, users.affiliation, users.department,"  # noqa: S608
        " count(*) AS submitted, sum(entries.status = 'approved') AS approved,"
        f" {FIRST_TIME} AS first_time"
        " FROM entries JOIN users ON users.id = entries.participant_id"
        " WHERE entries.contest_id = ? GROUP BY users.id"
        " HAVING sum(entries.status = 'approved') > 0 OR ? ORDER BY users.id",
        (to_db(scope.contest.schedule.submissions_open), scope.contest.id, scope.every_status),
    )
    named = scope.names_shown()
    omitted = PUBLICATION_OMITS if scope.publication else ()
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


async def _replies(db: Database, scope: Scope) -> Table:
    """Organizers' replies and how soon after the entry's submission and its approval they
    came, as the dashboard times them (hours since approval are empty for an entry not
    approved; for publication, without email addresses)."""
    rows = await db.fetch_all(
        "SELECT replies.entry_id, replies.id, users.display_name AS organizer,"  # noqa: S608
        " replies.created_at, entries.status, replies.body,"
        " CAST(strftime('%s', replies.created_at) AS INTEGER)"
        "   - CAST(strftime('%s', entries.created_at) AS INTEGER) AS since_submission,"
        f" {seconds_since_approval('replies.created_at')} AS delay"
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
                round(row["since_submission"] / 3600, 1),
                round(row["delay"] / 3600, 1) if row["status"] == "approved" else None,
                without_emails(row["body"]) if scope.publication else row["body"],
            )
            for row in rows
        ),
    )


async def _judging(db: Database, scope: Scope) -> Table:
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
                result_exports.rounded(standing.result.final),
                result_exports.rounded(standing.result.raw_mean),
                "; ".join(awards.get(standing.entry["id"], [])),
            )
            for standing in computed.standings
        ),
    )


async def _judging_progress(db: Database, scope: Scope) -> Table:
    """Each judge's entries scored and queue, as on the dashboard; for publication the judges
    are "Judge 1", "Judge 2" ... in the panel's order."""
    judges = await judge_progress(db, scope.contest)
    return Table(
        "judging_progress",
        JUDGE_PROGRESS_COLUMNS,
        tuple(
            (f"Judge {number}" if scope.publication else judge.name, judge.scored, judge.total)
            for number, judge in enumerate(judges, start=1)
        ),
    )


_BUILDERS: dict[str, Callable[[Database, Scope], Awaitable[Table]]] = {
    "daily": report_daily.daily,
    "entries": _entries,
    "participants": _participants,
    "likes_by_day": report_daily.likes_by_day,
    "views": report_daily.views,
    "shares": report_daily.shares,
    "replies": _replies,
    "judging_progress": _judging_progress,
    "judging": _judging,
}
#: The tables by name, with the name a person reads on the report's download list.
TABLES: dict[str, str] = {
    "daily": N_("Daily"),
    "entries": N_("Entries"),
    "participants": N_("Participants"),
    "likes_by_day": N_("Likes by day"),
    "views": N_("Views"),
    "shares": N_("Shares"),
    "replies": N_("Replies"),
    "judging_progress": N_("Judging progress"),
    "judging": N_("Judging"),
}


async def build_table(
    db: Database, contest: Contest, name: str, *, publication: bool, now: datetime
) -> Table:
    """One report table by name; NotFound for a name that is not one of ``TABLES``."""
    builder = _BUILDERS.get(name)
    if builder is None:
        # The name from the address is not echoed back: the page lists the real ones.
        raise NotFound(
            N_(
                "There is no such report table. The tables are: %(tables)s.",
                tables=", ".join(TABLES),
            )
        )
    return await builder(db, Scope(contest, publication, now))
