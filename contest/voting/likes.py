"""Likes for People's Choice: one per voter per entry, kept by the schema, logged append-only."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.clock import to_db
from contest.core.db import Connection, Database
from contest.core.errors import Conflict, Forbidden, NotFound, NotSignedIn, ValidationError
from contest.i18n import N_
from contest.voting import pace

MAX_VOID_REASON = 300
NO_SUCH_PHOTO = N_("There is no such photo in this contest.")
OWN_PHOTO = N_("You cannot like your own photo.")
UNCONFIRMED = N_(
    "Confirm your email address to like photos: follow the link we mailed you (your account page"
    " can send it again)."
)


@dataclass(frozen=True)
class Voter:
    """Who is liking: a stable key, and whether it counts for People's Choice."""

    key: str
    kind: str  # "vote" counts for People's Choice; "pick" is an organizer's Library pick
    user_id: int | None
    address: str
    signature: str = ""  # a short hash of the browser's User-Agent, for spotting bursts
    #: Other keys the same person liked under before (``user:ID`` before accounts voted by
    #: mailbox): their likes become this key's, so nobody counts twice.
    aliases: tuple[str, ...] = ()
    #: This browser's device key, if it has one: a person's likes claim their browser, and
    #: that browser's anonymous likes, in device voting, are theirs.
    device: str | None = None
    #: False for an account that has not confirmed its address (checked again in the write).
    verified: bool = True


@dataclass(frozen=True)
class LikeState:
    """An entry's like state for one voter after a like or unlike."""

    liked: bool
    count: int
    #: Whether this click changed anything (a repeated like or unlike does not).
    changed: bool = field(default=False, compare=False)


def device_key(browser_id: str) -> str:
    """A browser's voter key in device voting (a hash, so the cookie itself is never stored)."""
    return f"device:{hashlib.sha256(browser_id.encode()).hexdigest()[:32]}"


CAMPUS_TO_VOTE = N_("Sign in with your campus account to like photos in this contest.")


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
    """The voter behind a request: one key per person, whatever the contest's voting mode.

    A signed-in person votes under their mailbox's key (``user_email_key``; ``user:ID`` if
    there is none), which is also the key of an email link to that mailbox: signing in,
    following a link, or the organizers changing the mode cannot make them two voters. A
    verified email voter or a signed-in person supersedes their browser in device voting
    (an account that has not confirmed its address votes there as its browser). Accounts
    mode asks for an account; email mode for an account or a verified link. A contest asking
    for campus sign-in to vote takes only accounts linked to the campus, in every mode.
    """
    mode = contest.settings.voting_mode
    device = device_key(browser_id) if browser_id else None
    if contest.settings.campus_for_voting and not (
        user is not None and (user.campus or user.is_organizer)
    ):
        # One student or staff member, one voter: only the campus can say so (organizers'
        # picks are not votes).
        raise NotSignedIn(CAMPUS_TO_VOTE)
    if user is not None and not (mode == "device" and device and not user.email_verified):
        kind = "pick" if user.is_organizer else "vote"
        account = f"user:{user.id}"
        key = user_email_key or account
        return Voter(
            key,
            kind,
            user.id,
            address,
            signature,
            aliases=(account,) if key != account else (),
            device=device,
            verified=user.email_verified,
        )
    if email_voter and mode in ("email", "device"):
        return Voter(email_voter, "vote", None, address, signature, device=device)
    if mode == "device" and device:
        return Voter(device, "vote", None, address, signature, device=device)
    if mode == "email":
        raise NotSignedIn(N_("Confirm your email address (or sign in) to like photos."))
    raise NotSignedIn(N_("Sign in to like photos in this contest."))


def ensure_voting_open(contest: Contest, now: datetime) -> None:
    """Refuse a like or unlike outside the voting phase."""
    if not contest.schedule.voting_is_open(now):
        if now < contest.schedule.voting_open:
            raise Conflict(N_("Voting has not opened yet."))
        raise Conflict(N_("Voting has closed."))


#: A voter's standing People's Choice likes of one entry (organizers' picks and voids apart).
VOTE_COUNT = "SELECT count(*) FROM counted_likes WHERE entry_id = ?"
#: After a like, in one statement: whether the voter's like stands, and the entry's count.
LIKE_STATE = (
    "SELECT (SELECT voided_at IS NULL FROM likes WHERE entry_id = ? AND voter = ?),"
    " (SELECT count(*) FROM counted_likes WHERE entry_id = ?)"
)

#: One like, as stored (entry, voter key, kind, account, address, signature, when).
STORE_LIKE = (
    "INSERT INTO likes (entry_id, voter, kind, user_id, address, signature, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
#: One line of the like log (entry, voter key, kind, action, address, reason, actor, when).
LOG_EVENT = (
    "INSERT INTO like_events (entry_id, voter, kind, action, address, reason, actor_id, at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _approved_entry(
    connection: Connection, contest_id: int, entry_id: int
) -> tuple[int | None, str | None]:
    """The author and their email of an approved entry of the contest; NotFound otherwise."""
    entry = connection.execute(
        "SELECT entries.participant_id, users.email FROM entries"
        " LEFT JOIN users ON users.id = entries.participant_id"
        " WHERE entries.id = ? AND entries.contest_id = ? AND entries.status = 'approved'",
        (entry_id, contest_id),
    ).fetchone()
    if entry is None:
        raise NotFound(NO_SUCH_PHOTO)
    return entry[0], entry[1]


def _log(
    connection: Connection,
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
    connection.execute(LOG_EVENT, (entry_id, voter, kind, action, address, reason, actor_id, at))


@dataclass(frozen=True)
class LikeRequest:
    """One like to store, with what the checks inside the write need."""

    contest_id: int
    entry_id: int
    voter: Voter
    now: datetime
    #: The voter key an author's account email would vote under (email mode), if any.
    author_key: Callable[[str], str | None] | None = None
    #: What device voters (anonymous browsers) may do, from this address; None: no limits.
    device_limits: pace.DeviceLimits | None = None
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


def _session_stands(connection: Connection, request: LikeRequest, at: str) -> bool:
    """Whether the like's session is live, its account enabled, and its role as assumed."""
    row = connection.execute(
        "SELECT users.role FROM sessions JOIN users ON users.id = sessions.user_id"
        " WHERE sessions.token_hash = ? AND sessions.user_id = ? AND sessions.expires_at > ?"
        " AND users.disabled_at IS NULL",
        (request.session_hash, request.voter.user_id, at),
    ).fetchone()
    return row is not None and row[0] == request.role


def _absorb(connection: Connection, old: str, voter: Voter, at: str) -> None:
    """Make the standing likes given under ``old`` the person's (``voter.key``): moved, or
    dropped where the person already likes that entry. Logged, so replays agree."""
    rows = connection.execute(
        "SELECT entry_id, kind, address FROM likes WHERE voter = ? AND voided_at IS NULL", (old,)
    ).fetchall()
    for entry_id, kind, address in rows:
        taken = connection.execute(
            "SELECT 1 FROM likes WHERE entry_id = ? AND voter = ?", (entry_id, voter.key)
        ).fetchone()
        if taken:
            connection.execute(
                "DELETE FROM likes WHERE entry_id = ? AND voter = ?", (entry_id, old)
            )
        else:
            connection.execute(
                "UPDATE likes SET voter = ? WHERE entry_id = ? AND voter = ?",
                (voter.key, entry_id, old),
            )
        common = {"entry_id": entry_id, "kind": kind, "address": address, "at": at}
        _log(
            connection, voter=old, action="unlike", reason="same person as another voter", **common
        )
        if not taken:
            _log(
                connection,
                voter=voter.key,
                action="like",
                reason="moved from another key",
                **common,
            )


def _person(connection: Connection, voter: Voter, at: str) -> Voter:
    """The voter as the person behind the click: a browser a person used votes as them, and
    a person's click claims their browser and gathers what they liked under other keys."""
    if voter.key.startswith("device:"):
        row = connection.execute(
            "SELECT person FROM devices WHERE device = ?", (voter.key,)
        ).fetchone()
        return replace(voter, key=row[0]) if row is not None and row[0] else voter
    if voter.device is not None and voter.kind == "vote":
        claimed = connection.execute(
            "INSERT INTO devices (device, address, first_at, person) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (device) DO UPDATE SET person = excluded.person"
            " WHERE devices.person IS NOT excluded.person",
            (voter.device, voter.address, at, voter.key),
        ).rowcount
        if claimed:
            _absorb(connection, voter.device, voter, at)
    for alias in voter.aliases:
        _absorb(connection, alias, voter, at)
    return voter


def is_own_photo(
    request: LikeRequest, voter: Voter, author: int | None, author_email: str | None
) -> bool:
    """Whether the voter is the photo's author: by account, or by the key their account's
    email would vote under."""
    return (author is not None and voter.user_id == author) or (
        request.author_key is not None
        and author_email is not None
        and voter.key == request.author_key(author_email)
    )


def must_confirm(voter: Voter) -> bool:
    """Whether the like waits on the account confirming its address (read in the write)."""
    return not voter.verified and voter.user_id is not None and voter.kind == "vote"


def _refuse_unconfirmed(connection: Connection, voter: Voter) -> None:
    """An account's like counts only once its address is confirmed (read afresh: the session
    cache may not know yet)."""
    if not must_confirm(voter):
        return
    (confirmed,) = connection.execute(
        "SELECT email_verified_at IS NOT NULL FROM users WHERE id = ?", (voter.user_id,)
    ).fetchone() or (False,)
    if not confirmed:
        raise Forbidden(UNCONFIRMED)


def apply_like(connection: Connection, request: LikeRequest) -> LikeState:
    """Check and store one like on the writer's thread, inside the caller's transaction.

    The entry's standing, the author, the voter's person and the device pace are read inside
    the write, so a moderation or another like in between cannot slip past them.
    """
    entry_id, at = request.entry_id, to_db(request.now)
    author, author_email = _approved_entry(connection, request.contest_id, entry_id)
    _refuse_unconfirmed(connection, request.voter)
    voter = _person(connection, request.voter, at)
    if is_own_photo(request, voter, author, author_email):
        raise Forbidden(OWN_PHOTO)
    if request.device_limits is not None and voter.key.startswith("device:"):
        pace.keep_device_pace(
            connection,
            device=voter.key,
            address=voter.address,
            limits=request.device_limits,
            now=request.now,
        )
    added = connection.execute(
        f"{STORE_LIKE} ON CONFLICT (entry_id, voter) DO NOTHING",
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


def apply_one(connection: Connection, request: LikeRequest) -> LikeState:
    """One like or unlike, after checking that a session taken from a cache still stands."""
    at = to_db(request.now)
    if request.session_hash is not None and not _session_stands(connection, request, at):
        raise SessionChanged()
    apply = apply_unlike if request.action == "unlike" else apply_like
    return apply(connection, request)


def click_request(
    contest: Contest,
    *,
    entry_id: int,
    voter: Voter,
    now: datetime,
    action: str = "like",
    author_key: Callable[[str], str | None] | None = None,
    device_limits: pace.DeviceLimits | None = None,
    session_hash: str | None = None,
    role: str | None = None,
) -> LikeRequest:
    """A like (or, with ``action="unlike"``, taking one back) to store; Conflict outside the
    voting phase. ``author_key`` gives the voter key an author's account email would have
    (their mailbox, in email mode), so an author cannot like their own photo through an
    emailed link either; the web's likes go through the group commit (like_writer.py)."""
    ensure_voting_open(contest, now)
    return LikeRequest(
        contest.id, entry_id, voter, now, author_key, device_limits, session_hash, role, action
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


def apply_unlike(connection: Connection, request: LikeRequest) -> LikeState:
    """Take one like back on the writer's thread, inside the caller's transaction."""
    entry_id, at = request.entry_id, to_db(request.now)
    _approved_entry(connection, request.contest_id, entry_id)
    voter = _person(connection, request.voter, at)
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
        raise ValidationError({"reason": N_("Give a short reason for voiding the like.")})
    at = to_db(now)

    def void(connection: Connection) -> None:
        _approved_entry(connection, contest.id, entry_id)
        changed = connection.execute(
            "UPDATE likes SET voided_at = ?, void_reason = ? WHERE entry_id = ? AND voter = ?"
            " AND voided_at IS NULL AND kind = 'vote'",
            (at, reason, entry_id, voter_key),
        ).rowcount
        if not changed:
            raise NotFound(N_("That like is not there (or was already voided)."))
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
