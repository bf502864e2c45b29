"""Engagement figures about response: the public's likes, views and shares, the organizers'
replies, and the judges' progress."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from contest.contests.model import Contest
from contest.core.clock import from_db, to_db
from contest.core.db import Database
from contest.entries.text import normalize_tag
from contest.gallery.views import arrivals_by_source, shares_by_network
from contest.judging.panel import entry_coverage, panel_progress
from contest.voting.tallies import ENTRY_LIKES, ENTRY_PICKS

TOP_ENTRIES = 5
TOP_HASHTAGS = 10
OLDEST_WAITING = 10
REPLY_WITHIN = timedelta(days=1)


@dataclass(frozen=True)
class Count:
    """A named count: a category, department, hashtag or network."""

    name: str
    count: int


@dataclass(frozen=True)
class RankedEntry:
    """An approved entry with its counted likes, Library picks and views."""

    id: int
    title: str
    likes: int
    picks: int
    views: int


@dataclass(frozen=True)
class NetworkShares:
    """Share-button clicks on one network, and visits that arrived through its links."""

    network: str
    clicks: int
    arrivals: int


@dataclass(frozen=True)
class PublicFigures:
    """The public's response: likes, voters, views, shares, favourites and Library picks.

    A view is one browser opening an entry's page on a day, staff and bots apart (see
    ``contest.gallery.views``)."""

    likes: int  # People's Choice likes: not organizers' picks, not voided
    voters: int
    picks: int
    views: int
    shares: int
    networks: tuple[NetworkShares, ...]
    arrival_sources: tuple[Count, ...]  # arrivals from outside per source, most first
    top_entries: tuple[RankedEntry, ...]
    top_hashtags: tuple[Count, ...]  # besides the contest's own, which every entry carries
    official_hashtag: str
    picked_entries: tuple[RankedEntry, ...]


@dataclass(frozen=True)
class WaitingEntry:
    """An approved entry still without an organizer's reply, public since ``approved_at``."""

    id: int
    title: str
    approved_at: datetime


@dataclass(frozen=True)
class ReplyFigures:
    """How the organizers answered approved entries.

    The headline is the library's own measure (the one its survey quotes): approved entries
    with a staff reply within 24 hours of their submission, over the approved entries whose
    first 24 hours have passed. Entries still inside their first 24 hours are counted apart
    (with those of them already answered), so a partial day never reads as 100%.

    The second figure times the same from each entry's approval (``moderated_at``, for an
    approved entry its latest approval), when it became public and organizers could reply on
    its page: replied within 24 hours of approval, over entries approved 24 hours ago or more.
    The median and the waiting list are timed from approval too.
    """

    entries: int
    answered: int
    day_passed: int  # approved entries submitted 24 hours ago or more
    answered_within_day: int  # of those, a reply within 24 hours of submission
    in_first_day: int  # approved entries submitted less than 24 hours ago
    in_first_day_answered: int  # of those, already answered
    approval_day_passed: int  # approved entries approved 24 hours ago or more
    answered_within_day_of_approval: int  # of those, a reply within 24 hours of approval
    median_first_reply: timedelta | None  # from approval
    waiting: int
    oldest_waiting: tuple[WaitingEntry, ...]

    @property
    def share_within_day(self) -> float | None:
        """The headline: of entries whose first 24 hours have passed, the share answered
        within 24 hours of submission; None before any."""
        return self.answered_within_day / self.day_passed if self.day_passed else None

    @property
    def share_within_day_of_approval(self) -> float | None:
        """Of entries approved 24 hours ago or more, the share answered within 24 hours of
        approval; None before any."""
        passed = self.approval_day_passed
        return self.answered_within_day_of_approval / passed if passed else None


@dataclass(frozen=True)
class JudgeProgress:
    """One judge's progress through their queue."""

    name: str
    scored: int
    total: int


@dataclass(frozen=True)
class JudgingFigures:
    """Judging progress: entries with enough judges, reviews given, each judge's progress."""

    entries: int
    complete: int  # entries scored by at least min_judges judges
    min_judges: int
    reviews: int
    judges: tuple[JudgeProgress, ...]

    @property
    def share_complete(self) -> float | None:
        """The share of approved entries with enough judges; None without entries."""
        return self.complete / self.entries if self.entries else None


_RANKED = (
    "SELECT entries.id, entries.title,"  # noqa: S608 - fixed SQL
    f" {ENTRY_LIKES} AS likes, {ENTRY_PICKS} AS picks,"
    " (SELECT count(*) FROM entry_views WHERE entry_views.entry_id = entries.id) AS views"
    " FROM entries WHERE entries.contest_id = ? AND entries.status = 'approved'"
)


async def _ranked(db: Database, sql: str, params: tuple[object, ...]) -> tuple[RankedEntry, ...]:
    rows = await db.fetch_all(sql, params)
    return tuple(
        RankedEntry(row["id"], row["title"], row["likes"], row["picks"], row["views"])
        for row in rows
    )


async def public_figures(db: Database, contest: Contest) -> PublicFigures:
    """Likes and voters on approved entries, Library picks, views, shares and hashtags."""
    contest_id = contest.id
    official = normalize_tag(contest.settings.hashtag)
    totals = await db.fetch_one(
        "SELECT count(*) AS likes, count(DISTINCT counted_likes.voter) AS voters,"
        " (SELECT count(*) FROM likes JOIN entries ON entries.id = likes.entry_id"
        "   WHERE entries.contest_id = ? AND entries.status = 'approved'"
        "   AND likes.kind = 'pick') AS picks"
        " FROM counted_likes JOIN entries ON entries.id = counted_likes.entry_id"
        " WHERE entries.contest_id = ? AND entries.status = 'approved'",
        (contest_id, contest_id),
    )
    assert totals is not None
    views = await db.fetch_value(
        "SELECT count(*) FROM entry_views JOIN entries ON entries.id = entry_views.entry_id"
        " WHERE entries.contest_id = ?",
        (contest_id,),
    )
    networks = tuple(
        NetworkShares(label, clicks, arrivals)
        for label, clicks, arrivals in await shares_by_network(db, contest_id)
    )
    top = await _ranked(
        db,
        f"{_RANKED} ORDER BY likes DESC, views DESC, entries.id LIMIT ?",
        (contest_id, TOP_ENTRIES),
    )
    picked = await _ranked(
        db,
        f"{_RANKED} AND EXISTS (SELECT 1 FROM likes WHERE likes.entry_id = entries.id"  # noqa: S608
        " AND likes.kind = 'pick') ORDER BY picks DESC, entries.id",
        (contest_id,),
    )
    hashtags = await db.fetch_all(
        "SELECT entry_hashtags.tag, count(*) AS n FROM entry_hashtags"
        " JOIN entries ON entries.id = entry_hashtags.entry_id"
        " WHERE entries.contest_id = ? AND entries.status = 'approved' AND entry_hashtags.tag != ?"
        " GROUP BY entry_hashtags.tag ORDER BY n DESC, entry_hashtags.tag LIMIT ?",
        (contest_id, official, TOP_HASHTAGS),
    )
    return PublicFigures(
        likes=totals["likes"],
        voters=totals["voters"],
        picks=totals["picks"],
        views=int(views),
        shares=sum(network.clicks for network in networks),
        networks=networks,
        arrival_sources=tuple(
            Count(name, n) for name, n in await arrivals_by_source(db, contest_id)
        ),
        top_entries=tuple(e for e in top if e.likes or e.views or e.picks),
        top_hashtags=tuple(Count(row["tag"], row["n"]) for row in hashtags),
        official_hashtag=contest.settings.hashtag,
        picked_entries=picked,
    )


#: When an approved entry became public: its (latest) approval, or its submission if unknown.
APPROVED_AT = "coalesce(entries.moderated_at, entries.created_at)"


def seconds_since_approval(at: str) -> str:
    """SQL for the seconds from an entry's approval to the moment ``at`` (a fixed column
    expression). A reply written before a re-approval (the entry was edited and approved
    again) answered the entry at once, as far as the clock of its latest approval goes: 0."""
    return (
        f"max(0, CAST(strftime('%s', {at}) AS INTEGER)"
        f" - CAST(strftime('%s', {APPROVED_AT}) AS INTEGER))"
    )


#: Seconds from an entry's submission to its first reply (NULL without a reply).
SECONDS_SINCE_SUBMISSION = (
    "CAST(strftime('%s', min(replies.created_at)) AS INTEGER)"
    " - CAST(strftime('%s', entries.created_at) AS INTEGER)"
)


async def reply_figures(db: Database, contest_id: int, *, now: datetime) -> ReplyFigures:
    """Replies to approved entries within a day of submission (the headline) and of approval,
    the median time to a first reply, and the entries still waiting, as of ``now``."""
    rows = await db.fetch_all(
        f"SELECT entries.id, entries.title, entries.created_at, {APPROVED_AT} AS approved_at,"  # noqa: S608
        f" {seconds_since_approval('min(replies.created_at)')} AS delay,"
        f" {SECONDS_SINCE_SUBMISSION} AS since_submission"
        " FROM entries LEFT JOIN replies ON replies.entry_id = entries.id"
        " WHERE entries.contest_id = ? AND entries.status = 'approved'"
        " GROUP BY entries.id ORDER BY approved_at, entries.id",
        (contest_id,),
    )
    limit = REPLY_WITHIN.total_seconds()
    day_ago = to_db(now - REPLY_WITHIN)
    answered = [row for row in rows if row["delay"] is not None]
    waiting = [row for row in rows if row["delay"] is None]
    passed = [row for row in rows if row["created_at"] <= day_ago]
    fresh = [row for row in rows if row["created_at"] > day_ago]
    approval_passed = [row for row in rows if row["approved_at"] <= day_ago]
    delays = [row["delay"] for row in answered]
    return ReplyFigures(
        entries=len(rows),
        answered=len(answered),
        day_passed=len(passed),
        answered_within_day=sum(
            1
            for r in passed
            if r["since_submission"] is not None and r["since_submission"] <= limit
        ),
        in_first_day=len(fresh),
        in_first_day_answered=sum(1 for row in fresh if row["delay"] is not None),
        approval_day_passed=len(approval_passed),
        answered_within_day_of_approval=sum(
            1 for r in approval_passed if r["delay"] is not None and r["delay"] <= limit
        ),
        median_first_reply=timedelta(seconds=statistics.median(delays)) if delays else None,
        waiting=len(waiting),
        oldest_waiting=tuple(
            WaitingEntry(row["id"], row["title"], from_db(row["approved_at"]))
            for row in waiting[:OLDEST_WAITING]
        ),
    )


async def judging_figures(db: Database, contest: Contest) -> JudgingFigures:
    """Approved entries scored by enough judges, reviews given, and each judge's progress."""
    minimum = contest.settings.min_judges_per_entry
    reviews = [row["reviews"] for row in await entry_coverage(db, contest)]
    return JudgingFigures(
        entries=len(reviews),
        complete=sum(1 for n in reviews if n >= minimum),
        min_judges=minimum,
        reviews=sum(reviews),
        judges=await judge_progress(db, contest),
    )


async def judge_progress(db: Database, contest: Contest) -> tuple[JudgeProgress, ...]:
    """Each judge on the panel with the entries they scored and have in their queue."""
    return tuple(
        JudgeProgress(judge["display_name"], progress.scored, progress.total)
        for judge, progress in await panel_progress(db, contest)
    )
