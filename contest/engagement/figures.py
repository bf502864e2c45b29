"""A contest's engagement figures for organizers: entries, people, public and staff response.

Every figure is read from the tables the rest of the platform writes; nothing is stored twice.
Shares and medians are None when there is nothing to divide, so pages can say "no data yet".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from contest.accounts.users import AFFILIATIONS
from contest.contests.model import Contest
from contest.core.clock import to_db
from contest.core.db import Database
from contest.engagement.response import (
    Count,
    JudgingFigures,
    PublicFigures,
    ReplyFigures,
    judging_figures,
    public_figures,
    reply_figures,
)
from contest.engagement.series import Series, daily_series
from contest.i18n import N_
from contest.judging.results import published_at
from contest.voting.tallies import ENTRY_LIKES, ENTRY_OUTSIDE_LIKES, counts_outside

#: SQL true when ``users.id`` entered no contest whose submissions opened before ``?`` (the
#: contest's own opening): the one meaning of "first-time participant", here and in downloads.
FIRST_TIME = (
    "NOT EXISTS (SELECT 1 FROM entries AS earlier"
    " JOIN contests ON contests.id = earlier.contest_id"
    " WHERE earlier.participant_id = users.id AND contests.submissions_open < ?)"
)
NO_DEPARTMENT = N_("Not given")
NO_CATEGORY = N_("No category")


@dataclass(frozen=True)
class CategoryCount:
    """Entries in one category: all of them, and those approved."""

    name: str
    total: int
    approved: int


@dataclass(frozen=True)
class EntryFigures:
    """Entries by status and by category."""

    total: int
    approved: int
    pending: int
    rejected: int
    withdrawn: int
    by_category: tuple[CategoryCount, ...]


@dataclass(frozen=True)
class ParticipantFigures:
    """Who took part: by affiliation and department, how often, and who is new."""

    total: int
    by_affiliation: tuple[Count, ...]  # every affiliation, in AFFILIATIONS order
    by_department: tuple[Count, ...]  # most participants first
    entries_per_participant: float | None
    entry_spread: tuple[tuple[int, int], ...]  # (entries, participants with that many)
    first_time: int  # no entry in any contest that opened before this one
    earlier_contests: int

    @property
    def returning(self) -> int:
        """Participants who had entered an earlier contest."""
        return self.total - self.first_time


@dataclass(frozen=True)
class Winner:
    """A decided award of published results, with its entry's People's Choice likes."""

    award: str  # "champion" or "peoples_choice"
    entry_id: int
    title: str
    likes: int
    outside_likes: int | None = None  # its latest reading on the other network, if any


@dataclass(frozen=True)
class Engagement:
    """Everything on the dashboard and in the report, as of ``now``."""

    timezone: str
    now: datetime
    entries: EntryFigures
    participants: ParticipantFigures
    public: PublicFigures
    replies: ReplyFigures
    judging: JudgingFigures
    series: Series
    winners: tuple[Winner, ...]  # empty until results are published
    outside_network: str = ""  # the network People's Choice counts on; "" for this site

    def winner(self, award: str) -> Winner | None:
        """The published winner of that award, if any."""
        return next((w for w in self.winners if w.award == award), None)


async def entry_figures(db: Database, contest_id: int) -> EntryFigures:
    """Entries by status, and per category (entries without one last, as NO_CATEGORY)."""
    by_status = {
        row["status"]: row["n"]
        for row in await db.fetch_all(
            "SELECT status, count(*) AS n FROM entries WHERE contest_id = ? GROUP BY status",
            (contest_id,),
        )
    }
    categories = await db.fetch_all(
        "SELECT categories.name, count(entries.id) AS total,"
        " coalesce(sum(entries.status = 'approved'), 0) AS approved"
        " FROM categories LEFT JOIN entries ON entries.category_id = categories.id"
        " WHERE categories.contest_id = ? GROUP BY categories.id ORDER BY categories.position",
        (contest_id,),
    )
    loose = await db.fetch_one(
        "SELECT count(*) AS total, coalesce(sum(status = 'approved'), 0) AS approved"
        " FROM entries WHERE contest_id = ? AND category_id IS NULL",
        (contest_id,),
    )
    by_category = [CategoryCount(r["name"], r["total"], r["approved"]) for r in categories]
    if loose is not None and loose["total"]:
        by_category.append(CategoryCount(NO_CATEGORY, loose["total"], loose["approved"]))
    return EntryFigures(
        total=sum(by_status.values()),
        approved=by_status.get("approved", 0),
        pending=by_status.get("pending", 0),
        rejected=by_status.get("rejected", 0),
        withdrawn=by_status.get("withdrawn", 0),
        by_category=tuple(by_category),
    )


async def participant_figures(db: Database, contest: Contest) -> ParticipantFigures:
    """Authors of any entry: affiliation, department, entries each, and first-timers."""
    people = await db.fetch_all(
        "SELECT users.id, users.affiliation, users.department, count(*) AS entries,"  # noqa: S608
        f" {FIRST_TIME} AS first_time"
        " FROM entries JOIN users ON users.id = entries.participant_id"
        " WHERE entries.contest_id = ? GROUP BY users.id",
        (to_db(contest.schedule.submissions_open), contest.id),
    )
    earlier = await db.fetch_value(
        "SELECT count(*) FROM contests WHERE submissions_open < ?",
        (to_db(contest.schedule.submissions_open),),
    )
    affiliations = Counter(row["affiliation"] for row in people)
    departments = Counter(row["department"].strip() or NO_DEPARTMENT for row in people)
    spread = Counter(row["entries"] for row in people)
    total_entries = sum(row["entries"] for row in people)
    return ParticipantFigures(
        total=len(people),
        by_affiliation=tuple(Count(a, affiliations[a]) for a in AFFILIATIONS),
        by_department=tuple(
            Count(name, n) for name, n in sorted(departments.items(), key=lambda d: (-d[1], d[0]))
        ),
        entries_per_participant=total_entries / len(people) if people else None,
        entry_spread=tuple(sorted(spread.items())),
        first_time=sum(1 for row in people if row["first_time"]),
        earlier_contests=int(earlier),
    )


async def winners(db: Database, contest_id: int) -> tuple[Winner, ...]:
    """The champion and People's Choice of published results, with their likes."""
    if await published_at(db, contest_id) is None:
        return ()
    rows = await db.fetch_all(
        "SELECT awards.award, entries.id, entries.title,"  # noqa: S608 - fixed SQL
        f" {ENTRY_LIKES} AS likes, {ENTRY_OUTSIDE_LIKES} AS outside_likes"
        " FROM awards JOIN entries ON entries.id = awards.entry_id"
        " WHERE awards.contest_id = ? AND awards.award IN ('champion', 'peoples_choice')"
        " ORDER BY awards.award",
        (contest_id,),
    )
    return tuple(
        Winner(r["award"], r["id"], r["title"], r["likes"], r["outside_likes"]) for r in rows
    )


async def engagement(db: Database, contest: Contest, *, now: datetime) -> Engagement:
    """Every engagement figure of the contest as of ``now``."""
    return Engagement(
        timezone=contest.settings.timezone,
        now=now,
        entries=await entry_figures(db, contest.id),
        participants=await participant_figures(db, contest),
        public=await public_figures(db, contest),
        replies=await reply_figures(db, contest.id, now=now),
        judging=await judging_figures(db, contest),
        series=await daily_series(db, contest, now=now),
        winners=await winners(db, contest.id),
        outside_network=contest.settings.external_network
        if counts_outside(contest.settings)
        else "",
    )
