"""Spotting likes that look organised, so organizers can look closer and void them with a reason.

Flags are hints, never verdicts: a campus shares one public address and a class may like a
friend's photo together. Nothing here blocks a like; organizers decide, and may void a whole
cluster (same network within an hour, same browser signature, brand-new accounts) with one
reason. The likes the pace rules refused are listed per address with the rule that applied.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from contest.core.clock import from_db
from contest.core.db import Database, Row
from contest.i18n import N_, Nn_
from contest.voting.pace import REFUSAL_RULES

BURST_WINDOW = timedelta(minutes=10)
BURST_SIZE = 20  # likes on one entry inside the window
ADDRESS_VOTERS = 15  # different voters on one entry from one address
SIGNATURE_VOTERS = 5  # different voters on one entry from one address with one browser
NEW_ACCOUNT_AGE = timedelta(days=1)


@dataclass
class Cluster:
    """Likes of one entry that share something unusual: why, and which likes (organizers
    may void the whole cluster with one reason)."""

    reason: str
    likes: list[Row]


@dataclass
class Suspicion:
    """An entry whose likes look unusual, with its clusters and all its likes."""

    entry_id: int
    title: str
    clusters: list[Cluster] = field(default_factory=list)
    likes: list[Row] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        """Why the entry is flagged, one line per cluster."""
        return [cluster.reason for cluster in self.clusters]


def _bursts(rows: list[Row]) -> list[Cluster]:
    ordered = sorted(rows, key=lambda row: from_db(row["created_at"]))
    moments = [from_db(row["created_at"]) for row in ordered]
    start, best = 0, (0, 0)
    for end, moment in enumerate(moments):
        while moment - moments[start] > BURST_WINDOW:
            start += 1
        if end - start + 1 > best[1] - best[0]:
            best = (start, end + 1)
    size = best[1] - best[0]
    if size < BURST_SIZE:
        return []
    minutes = int(BURST_WINDOW.total_seconds() // 60)
    # At least BURST_SIZE likes, so always the plural.
    reason = N_("%(count)d likes within %(minutes)d minutes", count=size, minutes=minutes)
    return [Cluster(reason, ordered[best[0] : best[1]])]


def _grouped(rows: list[Row], key: Callable[[Row], object | None]) -> list[list[Row]]:
    """The rows in groups of equal ``key`` (rows whose key is None left out)."""
    groups: dict[object, list[Row]] = defaultdict(list)
    for row in rows:
        if (value := key(row)) is not None:
            groups[value].append(row)
    return list(groups.values())


def _voters(rows: list[Row]) -> int:
    return len({row["voter"] for row in rows})


def _shared_addresses(rows: list[Row]) -> list[Cluster]:
    """Many voters from one network address within one hour."""
    return [
        Cluster(
            Nn_(
                "%(count)d voter from one network address within an hour",
                "%(count)d voters from one network address within an hour",
                _voters(group),
            ),
            group,
        )
        for group in _grouped(rows, lambda row: (row["address"], row["created_at"][:13]))
        if _voters(group) >= ADDRESS_VOTERS
    ]


def _shared_signatures(rows: list[Row]) -> list[Cluster]:
    """Many voters from one address whose browsers look exactly alike."""
    return [
        Cluster(
            Nn_(
                "%(count)d voter with one browser signature on one address",
                "%(count)d voters with one browser signature on one address",
                _voters(group),
            ),
            group,
        )
        for group in _grouped(
            rows, lambda row: (row["address"], row["signature"]) if row["signature"] else None
        )
        if _voters(group) >= SIGNATURE_VOTERS
    ]


def _fresh_single_purpose(rows: list[Row], single_purpose: set[str]) -> list[Cluster]:
    fresh = [
        row
        for row in rows
        if row["voter"] in single_purpose
        and row["account_created_at"]
        and from_db(row["created_at"]) - from_db(row["account_created_at"]) < NEW_ACCOUNT_AGE
    ]
    if len(fresh) >= 3:
        reason = Nn_(
            "%(count)d brand-new account that liked only this photo",
            "%(count)d brand-new accounts that liked only this photo",
            len(fresh),
        )
        return [Cluster(reason, fresh)]
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
        clusters = (
            _bursts(entry_likes)
            + _shared_addresses(entry_likes)
            + _shared_signatures(entry_likes)
            + _fresh_single_purpose(entry_likes, single_purpose)
        )
        if clusters:
            found.append(Suspicion(entry_id, entry_likes[0]["title"], clusters, entry_likes))
    return found


@dataclass(frozen=True)
class Refusals:
    """Likes the pace rules refused from one address under one rule, and why."""

    address: str
    rule: str
    explanation: str
    count: int
    first_at: str
    last_at: str


async def refusals(db: Database, contest_id: int) -> list[Refusals]:
    """The contest's refused likes, per address and rule, most first (see
    ``pace.REFUSAL_RULES``)."""
    rows = await db.fetch_all(
        "SELECT address, rule, count(*) AS count, min(at) AS first_at, max(at) AS last_at"
        " FROM like_refusals WHERE contest_id = ? GROUP BY address, rule"
        " ORDER BY count(*) DESC, address",
        (contest_id,),
    )
    return [
        Refusals(
            row["address"],
            row["rule"],
            REFUSAL_RULES.get(row["rule"], row["rule"]),
            row["count"],
            row["first_at"],
            row["last_at"],
        )
        for row in rows
    ]


async def voided_likes(db: Database, contest_id: int) -> list[Row]:
    """Likes organizers voided, with their reasons, newest first."""
    return await db.fetch_all(
        "SELECT likes.*, entries.title FROM likes JOIN entries ON entries.id = likes.entry_id"
        " WHERE entries.contest_id = ? AND likes.voided_at IS NOT NULL"
        " ORDER BY likes.voided_at DESC",
        (contest_id,),
    )


def describe_voter(voter: str) -> str:
    """A voter key as organizers read it, without exposing more than the kind of voter (a
    person's key is their mailbox's hash: an account or an email link, never the address)."""
    kind, _, rest = voter.partition(":")
    if kind == "user":
        return N_("account #%(number)s", number=rest)
    if kind == "email":
        return N_("person %(key)s…", key=rest[:8])
    return N_("browser %(key)s…", key=rest[:8])
