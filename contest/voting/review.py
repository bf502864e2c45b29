"""Spotting likes that look organised, so organizers can look closer and void them with a reason.

Flags are hints, never verdicts: a campus shares one public address and a class may like a
friend's photo together. Nothing here blocks a like; organizers decide.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from contest.core.clock import from_db
from contest.core.db import Database, Row

BURST_WINDOW = timedelta(minutes=10)
BURST_SIZE = 20  # likes on one entry inside the window
ADDRESS_VOTERS = 15  # different voters on one entry from one address
SIGNATURE_VOTERS = 5  # different voters on one entry from one address with one browser
NEW_ACCOUNT_AGE = timedelta(days=1)


@dataclass
class Suspicion:
    """An entry whose likes look unusual, with the reasons and the likes concerned."""

    entry_id: int
    title: str
    reasons: list[str] = field(default_factory=list)
    likes: list[Row] = field(default_factory=list)


def _bursts(rows: list[Row]) -> list[str]:
    moments = sorted(from_db(row["created_at"]) for row in rows)
    start = 0
    for end, moment in enumerate(moments):
        while moment - moments[start] > BURST_WINDOW:
            start += 1
        if end - start + 1 >= BURST_SIZE:
            return [
                f"{end - start + 1} likes within {int(BURST_WINDOW.total_seconds() // 60)} minutes"
            ]
    return []


def _shared_addresses(rows: list[Row]) -> list[str]:
    voters_by_address: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        voters_by_address[row["address"]].add(row["voter"])
    return [
        f"{len(voters)} voters from one network address"
        for voters in voters_by_address.values()
        if len(voters) >= ADDRESS_VOTERS
    ]


def _shared_signatures(rows: list[Row]) -> list[str]:
    voters_by_signature: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        if row["signature"]:
            voters_by_signature[(row["address"], row["signature"])].add(row["voter"])
    return [
        f"{len(voters)} voters with one browser signature on one address"
        for voters in voters_by_signature.values()
        if len(voters) >= SIGNATURE_VOTERS
    ]


def _fresh_single_purpose(rows: list[Row], single_purpose: set[str]) -> list[str]:
    fresh = [
        row
        for row in rows
        if row["voter"] in single_purpose
        and row["account_created_at"]
        and from_db(row["created_at"]) - from_db(row["account_created_at"]) < NEW_ACCOUNT_AGE
    ]
    if len(fresh) >= 3:
        return [f"{len(fresh)} brand-new accounts that liked only this photo"]
    return []


async def suspicious_entries(db: Database, contest_id: int) -> list[Suspicion]:
    """Entries whose counted likes show bursts, shared addresses or brand-new accounts."""
    rows = await db.fetch_all(
        "SELECT likes.*, entries.title, users.created_at AS account_created_at"
        " FROM counted_likes AS likes JOIN entries ON entries.id = likes.entry_id"
        " LEFT JOIN users ON users.id = likes.user_id"
        " WHERE entries.contest_id = ? ORDER BY likes.entry_id, likes.created_at",
        (contest_id,),
    )
    per_voter: dict[str, int] = defaultdict(int)
    for row in rows:
        per_voter[row["voter"]] += 1
    single_purpose = {voter for voter, count in per_voter.items() if count == 1}
    by_entry: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        by_entry[row["entry_id"]].append(row)
    found = []
    for entry_id, entry_likes in by_entry.items():
        reasons = (
            _bursts(entry_likes)
            + _shared_addresses(entry_likes)
            + _shared_signatures(entry_likes)
            + _fresh_single_purpose(entry_likes, single_purpose)
        )
        if reasons:
            found.append(Suspicion(entry_id, entry_likes[0]["title"], reasons, entry_likes))
    return found


async def voided_likes(db: Database, contest_id: int) -> list[Row]:
    """Likes organizers voided, with their reasons, newest first."""
    return await db.fetch_all(
        "SELECT likes.*, entries.title FROM likes JOIN entries ON entries.id = likes.entry_id"
        " WHERE entries.contest_id = ? AND likes.voided_at IS NOT NULL"
        " ORDER BY likes.voided_at DESC",
        (contest_id,),
    )


def describe_voter(voter: str) -> str:
    """A voter key as organizers read it, without exposing more than the kind of voter."""
    kind, _, rest = voter.partition(":")
    if kind == "user":
        return f"account #{rest}"
    return f"{'email' if kind == 'email' else 'browser'} {rest[:8]}…"
