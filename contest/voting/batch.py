"""A batch of likes stored in one transaction, each standing or falling on its own.

Most clicks in a busy vote are plain likes by signed-in people or email voters: their checks
(session, entry, confirmed address, browser, own photo) are reads, and their writes are two
inserts. Such likes are checked together by one statement and stored by two more, whatever
their number, instead of eight statements each: on PostgreSQL each statement is a round trip,
so this is most of a like's cost. Everything else (an unlike, an anonymous browser's like
with its pace, a person's first like from a browser or under an older key, whose earlier likes
must be gathered) is stored one at a time, in the order the clicks came.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from contest.core.clock import to_db
from contest.core.db import Connection, Row
from contest.core.errors import Forbidden, NotFound
from contest.voting import pace
from contest.voting.likes import (
    NO_SUCH_PHOTO,
    OWN_PHOTO,
    UNCONFIRMED,
    LikeRequest,
    LikeState,
    SessionChanged,
    apply_one,
    is_own_photo,
    must_confirm,
)

Outcome = LikeState | Exception

#: What the checks of plain likes read, for all of them in one statement (the likes passed as
#: one JSON array, so the statement's text, prepared once, fits any number of them; each like
#: is parsed once, by ``json``, and its fields read from that). Each fact
#: is a lookup by key, so the plan stays one index probe per like however large the tables:
#: a join here would let PostgreSQL, which cannot tell how many likes the array holds, hash
#: every approved entry of the site instead (and ``LIMIT 1`` would let it scan all likes for
#: the first of a key it expects to be common).
FACTS = """
WITH item AS MATERIALIZED (SELECT json(value) AS fields FROM json_each(?)),
asked AS MATERIALIZED (
    SELECT CAST(json_extract(fields, '$.place') AS BIGINT) AS place,
        CAST(json_extract(fields, '$.contest') AS BIGINT) AS contest_id,
        CAST(json_extract(fields, '$.entry') AS BIGINT) AS entry_id,
        json_extract(fields, '$.voter') AS voter,
        CAST(json_extract(fields, '$.user') AS BIGINT) AS user_id,
        json_extract(fields, '$.session') AS session_hash,
        json_extract(fields, '$.device') AS device,
        json_extract(fields, '$.alias') AS alias,
        json_extract(fields, '$.at') AS at
    FROM item
)
SELECT asked.place,
    (SELECT users.role FROM sessions JOIN users ON users.id = sessions.user_id
        WHERE sessions.token_hash = asked.session_hash AND sessions.user_id = asked.user_id
        AND sessions.expires_at > asked.at AND users.disabled_at IS NULL) AS session_role,
    (SELECT entries.contest_id = asked.contest_id AND entries.status = 'approved'
        FROM entries WHERE entries.id = asked.entry_id) AS approved,
    (SELECT entries.participant_id FROM entries WHERE entries.id = asked.entry_id) AS author,
    (SELECT users.email FROM entries JOIN users ON users.id = entries.participant_id
        WHERE entries.id = asked.entry_id) AS author_email,
    (SELECT users.email_verified_at IS NOT NULL FROM users
        WHERE users.id = asked.user_id) AS confirmed,
    (SELECT devices.person FROM devices WHERE devices.device = asked.device) AS device_person,
    (SELECT count(*) FROM likes
        WHERE likes.voter = asked.alias AND likes.voided_at IS NULL) AS alias_likes,
    (SELECT likes.voided_at IS NULL FROM likes
        WHERE likes.entry_id = asked.entry_id AND likes.voter = asked.voter) AS standing
FROM asked
"""

#: New likes (a JSON array of them, as ``_insert`` writes it), stored and logged in order.
STORE_NEW_LIKES = """
WITH item AS MATERIALIZED (SELECT json(value) AS fields FROM json_each(?))
INSERT INTO likes (entry_id, voter, kind, user_id, address, signature, created_at)
SELECT CAST(json_extract(fields, '$.entry') AS BIGINT), json_extract(fields, '$.voter'),
    json_extract(fields, '$.kind'), CAST(json_extract(fields, '$.user') AS BIGINT),
    json_extract(fields, '$.address'), json_extract(fields, '$.signature'),
    json_extract(fields, '$.at')
FROM item
"""
LOG_NEW_LIKES = """
WITH item AS MATERIALIZED (SELECT json(value) AS fields FROM json_each(?))
INSERT INTO like_events (entry_id, voter, kind, action, address, at)
SELECT CAST(json_extract(fields, '$.entry') AS BIGINT), json_extract(fields, '$.voter'),
    json_extract(fields, '$.kind'), 'like', json_extract(fields, '$.address'),
    json_extract(fields, '$.at')
FROM item
"""

#: The counted likes of each entry named (a JSON array of entry ids).
COUNTS = """
SELECT CAST(value AS BIGINT) AS entry_id,
    (SELECT count(*) FROM counted_likes
        WHERE counted_likes.entry_id = CAST(value AS BIGINT)) AS likes
FROM json_each(?)
"""


def apply_likes(connection: Connection, requests: Sequence[LikeRequest]) -> list[Outcome]:
    """Store a batch of likes in one transaction; each one stands or falls on its own, and
    one voter's clicks take effect in the order they came."""
    outcomes: dict[int, Outcome] = {}
    together: list[int] = []
    for place, request in enumerate(requests):
        if _plain(request):
            together.append(place)
            continue
        _store_together(connection, requests, together, outcomes)
        together = []
        outcomes[place] = store_alone(connection, request)
    _store_together(connection, requests, together, outcomes)
    return [outcomes[place] for place in range(len(requests))]


def store_alone(connection: Connection, request: LikeRequest) -> Outcome:
    """One like or unlike, undone alone if refused or failed (a refused pace is recorded)."""
    connection.execute("SAVEPOINT one_like")
    try:
        outcome: Outcome = apply_one(connection, request)
    except Exception as error:  # refused or failed: undo this like alone, keep the batch
        connection.execute("ROLLBACK TO one_like")
        if isinstance(error, pace.LikeRefused):
            _record_refusal(connection, request, error.rule)
        outcome = error
    connection.execute("RELEASE one_like")
    return outcome


def _plain(request: LikeRequest) -> bool:
    """A like whose checks are all reads, unless a read shows otherwise (see ``_decide``)."""
    voter = request.voter
    return (
        request.action == "like" and not voter.key.startswith("device:") and len(voter.aliases) <= 1
    )


@dataclass(frozen=True)
class _Checked:
    """What becomes of one plain like once its facts are read."""

    refusal: Exception | None = None
    #: Already there (standing, or voided by an organizer): nothing to store.
    already: bool | None = None
    #: To be stored now.
    store: bool = False
    #: Earlier likes to gather first: it takes the one-at-a-time path after all.
    alone: bool = False


def _store_together(
    connection: Connection,
    requests: Sequence[LikeRequest],
    places: list[int],
    outcomes: dict[int, Outcome],
) -> None:
    """Check and store the plain likes at ``places`` together, or, if that fails, one by
    one; those that must gather earlier likes go one by one after the others."""
    if not places:
        return
    connection.execute("SAVEPOINT likes_together")
    try:
        found = _store_checked(connection, requests, places)
    except Exception:  # a statement failed: find which like it was by storing each alone
        connection.execute("ROLLBACK TO likes_together")
        found = {}
    connection.execute("RELEASE likes_together")
    outcomes.update(found)
    for place in places:
        if place not in found:
            outcomes[place] = store_alone(connection, requests[place])


def _store_checked(
    connection: Connection, requests: Sequence[LikeRequest], places: list[int]
) -> dict[int, Outcome]:
    """Read the facts, decide each like, store those that stand; the outcomes decided here
    (those that must go alone are left out)."""
    facts = {
        row["place"]: row
        for row in connection.execute(FACTS, (_asked(requests, places),)).fetchall()
    }
    decided: dict[int, _Checked] = {}
    new: set[tuple[int, str]] = set()
    for place in places:
        request = requests[place]
        checked = _decide(request, facts[place], new)
        if checked.store:
            new.add((request.entry_id, request.voter.key))
        decided[place] = checked
    stored = [requests[place] for place in places if decided[place].store]
    _insert(connection, stored)
    counts = _counts(connection, {requests[place].entry_id for place in places})
    outcomes: dict[int, Outcome] = {}
    for place, checked in decided.items():
        if checked.refusal is not None:
            outcomes[place] = checked.refusal
        elif not checked.alone:
            liked = checked.store or bool(checked.already)
            count = counts[requests[place].entry_id]
            outcomes[place] = LikeState(liked=liked, count=count, changed=checked.store)
    return outcomes


def _asked(requests: Sequence[LikeRequest], places: list[int]) -> str:
    """The likes' keys for ``FACTS``, as one JSON array."""
    return json.dumps(
        [
            {
                "place": place,
                "contest": request.contest_id,
                "entry": request.entry_id,
                "voter": request.voter.key,
                "user": request.voter.user_id,
                "session": request.session_hash,
                "device": request.voter.device,
                "alias": next(iter(request.voter.aliases), None),
                "at": to_db(request.now),
            }
            for place in places
            for request in (requests[place],)
        ]
    )


def _decide(request: LikeRequest, facts: Row, new: set[tuple[int, str]]) -> _Checked:
    """One plain like's fate, from its facts, in the order ``apply_like`` checks them."""
    voter = request.voter
    role = facts["session_role"]  # None: the session ended, or its account was disabled
    if request.session_hash is not None and (role is None or role != request.role):
        return _Checked(refusal=SessionChanged())
    if not facts["approved"]:
        return _Checked(refusal=NotFound(NO_SUCH_PHOTO))
    if must_confirm(voter) and not facts["confirmed"]:
        return _Checked(refusal=Forbidden(UNCONFIRMED))
    claims_browser = (
        voter.device is not None and voter.kind == "vote" and facts["device_person"] != voter.key
    )
    if claims_browser or facts["alias_likes"]:
        return _Checked(alone=True)  # earlier likes to gather first: apply_like does that
    if is_own_photo(request, voter, facts["author"], facts["author_email"]):
        return _Checked(refusal=Forbidden(OWN_PHOTO))
    if (request.entry_id, voter.key) in new:
        return _Checked(already=True)  # a click repeated within the batch
    if facts["standing"] is not None:
        return _Checked(already=bool(facts["standing"]))
    return _Checked(store=True)


def _insert(connection: Connection, stored: list[LikeRequest]) -> None:
    """Store new likes and log them, each by one statement (a like already there fails the
    statement: the caller then stores each alone)."""
    if not stored:
        return
    new = json.dumps(
        [
            {
                "entry": request.entry_id,
                "voter": request.voter.key,
                "kind": request.voter.kind,
                "user": request.voter.user_id,
                "address": request.voter.address,
                "signature": request.voter.signature,
                "at": to_db(request.now),
            }
            for request in stored
        ]
    )
    connection.execute(STORE_NEW_LIKES, (new,))
    connection.execute(LOG_NEW_LIKES, (new,))


def _counts(connection: Connection, entries: set[int]) -> dict[int, int]:
    rows = connection.execute(COUNTS, (json.dumps(sorted(entries)),)).fetchall()
    return {int(row["entry_id"]): int(row["likes"]) for row in rows}


def _record_refusal(connection: Connection, request: LikeRequest, rule: str) -> None:
    """Keep a refused like's who, where and why, for the like review (nothing else of it)."""
    connection.execute(
        "INSERT INTO like_refusals (contest_id, entry_id, voter, address, rule, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            request.contest_id,
            request.entry_id,
            request.voter.key,
            request.voter.address,
            rule,
            to_db(request.now),
        ),
    )
