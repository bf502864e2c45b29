"""Likes for People's Choice: one per voter per entry, kept by the schema, logged append-only."""

from __future__ import annotations

import hashlib
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.clock import to_db
from contest.core.db import Database
from contest.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    NotSignedIn,
    RateLimited,
    ValidationError,
)

PEOPLES_CHOICE_RULE = "the most likes; a tie goes to the photo that reached its total first"
MAX_VOID_REASON = 300


@dataclass(frozen=True)
class Voter:
    """Who is liking: a stable key, and whether it counts for People's Choice."""

    key: str
    kind: str  # "vote" counts for People's Choice; "pick" is an organizer's Library pick
    user_id: int | None
    address: str
    signature: str = ""  # a short hash of the browser's User-Agent, for spotting bursts


@dataclass(frozen=True)
class LikeState:
    """An entry's like state for one voter after a like or unlike."""

    liked: bool
    count: int
    #: Whether this click changed anything (a repeated like or unlike does not).
    changed: bool = field(default=False, compare=False)


def voter_for(
    contest: Contest,
    user: User | None,
    *,
    browser_id: str,
    address: str,
    email_voter: str | None = None,
    user_email_key: str | None = None,
    signature: str = "",
) -> Voter:
    """The voter behind a request, by the contest's voting mode.

    In email mode a signed-in person votes under their mailbox's key, so signing in and
    following an email link cannot make them two voters.
    """
    mode = contest.settings.voting_mode
    if user is not None:
        kind = "pick" if user.is_organizer else "vote"
        key = user_email_key if mode == "email" and user_email_key else f"user:{user.id}"
        return Voter(key, kind, user.id, address, signature)
    if mode == "email" and email_voter:
        return Voter(email_voter, "vote", None, address, signature)
    if mode == "device" and browser_id:
        digest = hashlib.sha256(browser_id.encode()).hexdigest()[:32]
        return Voter(f"device:{digest}", "vote", None, address, signature)
    if mode == "email":
        raise NotSignedIn("Confirm your email address (or sign in) to like photos.")
    raise NotSignedIn("Sign in to like photos in this contest.")


def ensure_voting_open(contest: Contest, now: datetime) -> None:
    """Refuse a like or unlike outside the voting phase."""
    if not contest.schedule.voting_is_open(now):
        if now < contest.schedule.voting_open:
            raise Conflict("Voting has not opened yet.")
        raise Conflict("Voting has closed.")


#: An entry's People's Choice likes and its Library picks, as subqueries of a query on
#: ``entries``: one definition of what counts, for the gallery, the dashboard and the report.
ENTRY_LIKES = "(SELECT count(*) FROM counted_likes WHERE counted_likes.entry_id = entries.id)"
ENTRY_PICKS = (
    "(SELECT count(*) FROM likes WHERE likes.entry_id = entries.id AND likes.kind = 'pick')"
)
#: A voter's standing People's Choice likes of one entry (organizers' picks and voids apart).
VOTE_COUNT = "SELECT count(*) FROM counted_likes WHERE entry_id = ?"
#: After a like, in one statement: whether the voter's like stands, and the entry's count.
LIKE_STATE = (
    "SELECT (SELECT voided_at IS NULL FROM likes WHERE entry_id = ? AND voter = ?),"
    " (SELECT count(*) FROM counted_likes WHERE entry_id = ?)"
)


def _approved_entry(
    connection: sqlite3.Connection, contest_id: int, entry_id: int
) -> tuple[int | None, str | None]:
    """The author and their email of an approved entry of the contest; NotFound otherwise."""
    entry = connection.execute(
        "SELECT entries.participant_id, users.email FROM entries"
        " LEFT JOIN users ON users.id = entries.participant_id"
        " WHERE entries.id = ? AND entries.contest_id = ? AND entries.status = 'approved'",
        (entry_id, contest_id),
    ).fetchone()
    if entry is None:
        raise NotFound("There is no such photo in this contest.")
    return entry[0], entry[1]


def _log(
    connection: sqlite3.Connection,
    *,
    entry_id: int,
    voter: str,
    kind: str,
    action: str,
    address: str,
    at: str,
    reason: str | None = None,
    actor_id: int | None = None,
) -> None:
    """Append one like, unlike or void to the log (the tallies are replayed from it)."""
    connection.execute(
        "INSERT INTO like_events (entry_id, voter, kind, action, address, reason, actor_id, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (entry_id, voter, kind, action, address, reason, actor_id, at),
    )


@dataclass(frozen=True)
class LikeRequest:
    """One like to store, with what the checks inside the write need."""

    contest_id: int
    entry_id: int
    voter: Voter
    now: datetime
    #: The voter key an author's account email would vote under (email mode), if any.
    author_key: Callable[[str], str | None] | None = None
    #: Likes one network address may give per hour as device voters; None for no limit.
    address_budget: int | None = None
    #: The hash of the session the voter was recognised by, when that came from a cache: the
    #: write checks that it still stands, so no revocation is missed.
    session_hash: str | None = None
    #: The account's role as the cache had it (counts shown and picks depend on it).
    role: str | None = None
    #: "like", or "unlike" to take it back: both go through one queue, so one voter's clicks
    #: are stored in the order they came.
    action: str = "like"


class SessionChanged(Exception):
    """The session a like came with has ended or its account changed: look it up afresh."""


def _session_stands(connection: sqlite3.Connection, request: LikeRequest, at: str) -> bool:
    """Whether the like's session is live, its account enabled, and its role as assumed."""
    row = connection.execute(
        "SELECT users.role FROM sessions JOIN users ON users.id = sessions.user_id"
        " WHERE sessions.token_hash = ? AND sessions.user_id = ? AND sessions.expires_at > ?"
        " AND users.disabled_at IS NULL",
        (request.session_hash, request.voter.user_id, at),
    ).fetchone()
    return row is not None and row[0] == request.role


def apply_like(connection: sqlite3.Connection, request: LikeRequest) -> LikeState:
    """Check and store one like on the writer's thread, inside the caller's transaction.

    The entry's standing, the author and the address budget are read inside the write, so a
    moderation or another like in between cannot slip past them.
    """
    voter, entry_id, at = request.voter, request.entry_id, to_db(request.now)
    author, author_email = _approved_entry(connection, request.contest_id, entry_id)
    if (author is not None and voter.user_id == author) or (
        request.author_key is not None
        and author_email is not None
        and voter.key == request.author_key(author_email)
    ):
        raise Forbidden("You cannot like your own photo.")
    if request.address_budget is not None and voter.key.startswith("device:"):
        (recent,) = connection.execute(
            "SELECT count(*) FROM likes WHERE address = ? AND created_at > ?",
            (voter.address, to_db(request.now - timedelta(hours=1))),
        ).fetchone()
        if recent >= request.address_budget:
            raise RateLimited(
                3600, "Too many likes from your network in the last hour. Please try later."
            )
    added = connection.execute(
        "INSERT INTO likes (entry_id, voter, kind, user_id, address, signature, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (entry_id, voter) DO NOTHING",
        (entry_id, voter.key, voter.kind, voter.user_id, voter.address, voter.signature, at),
    ).rowcount
    if added:
        _log(
            connection,
            entry_id=entry_id,
            voter=voter.key,
            kind=voter.kind,
            action="like",
            address=voter.address,
            at=at,
        )
    liked, count = connection.execute(LIKE_STATE, (entry_id, voter.key, entry_id)).fetchone()
    return LikeState(liked=bool(liked), count=int(count), changed=bool(added))


def _apply_one(connection: sqlite3.Connection, request: LikeRequest) -> LikeState:
    """One like or unlike, after checking that a session taken from a cache still stands."""
    at = to_db(request.now)
    if request.session_hash is not None and not _session_stands(connection, request, at):
        raise SessionChanged()
    apply = apply_unlike if request.action == "unlike" else apply_like
    return apply(connection, request)


def apply_likes(
    connection: sqlite3.Connection, requests: list[LikeRequest]
) -> list[LikeState | Exception]:
    """Store a batch of likes in one transaction; each one stands or falls on its own."""
    outcomes: list[LikeState | Exception] = []
    for request in requests:
        connection.execute("SAVEPOINT one_like")
        try:
            outcomes.append(_apply_one(connection, request))
        except Exception as error:  # refused or failed: undo this like alone, keep the batch
            connection.execute("ROLLBACK TO one_like")
            outcomes.append(error)
        connection.execute("RELEASE one_like")
    return outcomes


def click_request(
    contest: Contest,
    *,
    entry_id: int,
    voter: Voter,
    now: datetime,
    action: str = "like",
    author_key: Callable[[str], str | None] | None = None,
    address_budget: int | None = None,
    session_hash: str | None = None,
    role: str | None = None,
) -> LikeRequest:
    """A like (or, with ``action="unlike"``, taking one back) to store; Conflict outside the
    voting phase. ``author_key`` gives the voter key an author's account email would have
    (their mailbox, in email mode), so an author cannot like their own photo through an
    emailed link either; the web's likes go through the group commit (like_writer.py)."""
    ensure_voting_open(contest, now)
    return LikeRequest(
        contest.id, entry_id, voter, now, author_key, address_budget, session_hash, role, action
    )


async def like(
    db: Database, *, contest: Contest, entry_id: int, voter: Voter, now: datetime
) -> LikeState:
    """Like an entry on its own (the demo and tests); a repeat changes nothing."""
    request = click_request(contest, entry_id=entry_id, voter=voter, now=now)
    return await db.write_in_thread(lambda connection: apply_like(connection, request))


async def unlike(
    db: Database, *, contest: Contest, entry_id: int, voter: Voter, now: datetime
) -> LikeState:
    """Take a like back while voting is open (a voided like stays voided)."""
    request = click_request(contest, entry_id=entry_id, voter=voter, now=now, action="unlike")
    return await db.write_in_thread(lambda connection: apply_unlike(connection, request))


def apply_unlike(connection: sqlite3.Connection, request: LikeRequest) -> LikeState:
    """Take one like back on the writer's thread, inside the caller's transaction."""
    voter, entry_id, at = request.voter, request.entry_id, to_db(request.now)
    _approved_entry(connection, request.contest_id, entry_id)
    removed = connection.execute(
        "DELETE FROM likes WHERE entry_id = ? AND voter = ? AND voided_at IS NULL RETURNING kind",
        (entry_id, voter.key),
    ).fetchall()
    if removed:
        _log(
            connection,
            entry_id=entry_id,
            voter=voter.key,
            kind=removed[0][0],
            action="unlike",
            address=voter.address,
            at=at,
        )
    (count,) = connection.execute(VOTE_COUNT, (entry_id,)).fetchone()
    return LikeState(liked=False, count=int(count), changed=bool(removed))


async def void_like(
    db: Database,
    *,
    contest: Contest,
    entry_id: int,
    voter_key: str,
    reason: str,
    actor: User,
    now: datetime,
) -> None:
    """An organizer voids a suspicious like, with a recorded reason."""
    reason = " ".join(reason.split())
    if not reason or len(reason) > MAX_VOID_REASON:
        raise ValidationError({"reason": "Give a short reason for voiding the like."})
    at = to_db(now)

    def void(connection: sqlite3.Connection) -> None:
        _approved_entry(connection, contest.id, entry_id)
        changed = connection.execute(
            "UPDATE likes SET voided_at = ?, void_reason = ? WHERE entry_id = ? AND voter = ?"
            " AND voided_at IS NULL AND kind = 'vote'",
            (at, reason, entry_id, voter_key),
        ).rowcount
        if not changed:
            raise NotFound("That like is not there (or was already voided).")
        _log(
            connection,
            entry_id=entry_id,
            voter=voter_key,
            kind="vote",
            action="void",
            address="",
            at=at,
            reason=reason,
            actor_id=actor.id,
        )

    await db.write_in_thread(void)


async def liked_by(db: Database, voter_key: str, entry_ids: list[int]) -> set[int]:
    """Which of these entries the voter currently likes."""
    if not entry_ids:
        return set()
    marks = ", ".join("?" * len(entry_ids))
    rows = await db.fetch_all(
        f"SELECT entry_id FROM likes WHERE voter = ? AND voided_at IS NULL"  # noqa: S608
        f" AND entry_id IN ({marks})",
        (voter_key, *entry_ids),
    )
    return {row["entry_id"] for row in rows}


async def tallies(db: Database, contest_id: int) -> dict[int, int]:
    """People's Choice likes per approved entry of the contest (entries with none included)."""
    rows = await db.fetch_all(
        "SELECT entries.id, count(likes.voter) AS likes FROM entries"
        " LEFT JOIN counted_likes AS likes ON likes.entry_id = entries.id"
        " WHERE entries.contest_id = ? AND entries.status = 'approved' GROUP BY entries.id",
        (contest_id,),
    )
    return {row["id"]: row["likes"] for row in rows}


async def tallies_from_log(db: Database, contest_id: int) -> dict[int, int]:
    """The same tallies rebuilt by replaying the append-only log: they must always match."""
    events = await db.fetch_all(
        "SELECT like_events.* FROM like_events JOIN entries ON entries.id = like_events.entry_id"
        " WHERE entries.contest_id = ? AND entries.status = 'approved' ORDER BY like_events.id",
        (contest_id,),
    )
    state: dict[tuple[int, str], str] = {}
    for event in events:
        if event["kind"] != "vote":
            continue
        key = (event["entry_id"], event["voter"])
        if event["action"] == "like":
            state[key] = "counted"
        elif event["action"] == "unlike":
            state.pop(key, None)
        else:
            state[key] = "voided"
    counts: dict[int, int] = defaultdict(int)
    for entry_id in await tallies(db, contest_id):
        counts[entry_id] = 0
    for (entry_id, _), status in state.items():
        if status == "counted":
            counts[entry_id] += 1
    return dict(counts)


async def peoples_choice(db: Database, contest_id: int) -> int | None:
    """The entry with the most likes; a tie goes to the one that reached its total first.

    An entry reached its total when the last of its counted likes was given: the log's event
    ids order likes exactly, even several in one second.
    """
    rows = await db.fetch_all(
        "SELECT likes.entry_id, count(DISTINCT likes.voter) AS likes, max(events.id) AS reached"
        " FROM counted_likes AS likes JOIN entries ON entries.id = likes.entry_id"
        " JOIN like_events AS events ON events.entry_id = likes.entry_id"
        "  AND events.voter = likes.voter AND events.action = 'like'"
        " WHERE entries.contest_id = ? AND entries.status = 'approved' GROUP BY likes.entry_id"
        " ORDER BY likes DESC, reached, likes.entry_id LIMIT 1",
        (contest_id,),
    )
    return rows[0]["entry_id"] if rows else None
