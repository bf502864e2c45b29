"""What the public sees: approved entries in a fair order, one entry's page, hashtag pages."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from contest.contests.model import Contest
from contest.core.db import Database, Row
from contest.core.errors import NotFound
from contest.entries.text import normalize_tag
from contest.i18n import N_
from contest.voting.tallies import ENTRY_LIKES, ENTRY_NETWORK, ENTRY_OUTSIDE_LIKES, ENTRY_PICKS

PAGE_SIZE = 24
SORTS = ("shuffled", "newest", "likes")

_PUBLIC_COLUMNS = (
    "entries.id, entries.contest_id, entries.participant_id, entries.title,"
    " entries.description, entries.alt_text,"
    " entries.category_id, entries.created_at, entries.credit, entries.share_card_key,"
    " entries.thumb_key, entries.thumb_width, entries.thumb_height,"
    " entries.display_key, entries.display_width, entries.display_height,"
    " users.display_name AS author_name, users.department AS author_department,"
    " categories.name AS category_name,"
    f" {ENTRY_LIKES} AS like_count, {ENTRY_PICKS} AS pick_count,"
    f" {ENTRY_OUTSIDE_LIKES} AS outside_likes, {ENTRY_NETWORK} AS outside_network"
)
_PUBLIC_FROM = (
    " FROM entries JOIN users ON users.id = entries.participant_id"
    " LEFT JOIN categories ON categories.id = entries.category_id"
    " WHERE entries.status = 'approved'"
)


@dataclass(frozen=True)
class Page:
    """One page of a gallery."""

    entries: list[Row]
    number: int
    count: int  # pages in all
    total: int  # entries in all


def credit(row: Row) -> str:
    """How the author is named in public: their display name, or initials if they chose so."""
    name = str(row["author_name"])
    if row["credit"] == "initials":
        return "".join(f"{part[0].upper()}." for part in name.split() if part)
    return name


def default_sort(contest: Contest, now: datetime) -> str:
    """Shuffled while people vote (no early-bird or alphabetical advantage), newest otherwise."""
    return "newest" if contest.schedule.results_are_out(now) else "shuffled"


def allowed_sorts(contest: Contest, now: datetime) -> tuple[str, ...]:
    """Orders a visitor may pick: most-liked only once results are out."""
    return SORTS if contest.schedule.results_are_out(now) else ("shuffled", "newest")


#: Visitors are spread over at least this many shuffled orders (one per entry in larger contests).
ORDER_SLOTS = 64


def _shuffle_key(seed: str, entry_id: int) -> str:
    return hashlib.sha256(f"{seed}:{entry_id}".encode()).hexdigest()


def order_slots(count: int) -> int:
    """How many orders the visitors of a gallery of ``count`` entries are spread over.

    A multiple of the entry count (and at least ``ORDER_SLOTS``): every entry is then the first
    one, and on page one, and at each other place, for exactly the same share of visitors.
    """
    if count <= 0:
        return 1
    return count * -(-ORDER_SLOTS // count)


def visitor_slot(seed: str, slots: int) -> int:
    """The order a visitor sees, from their stable seed (their browser id)."""
    return int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big") % slots


def base_shuffle(rows: list[Row], *, contest_id: int) -> list[Row]:
    """The contest's one shuffle, which every visitor's order is a rotation of."""
    return sorted(rows, key=lambda row: _shuffle_key(f"contest:{contest_id}", row["id"]))


def rotate(shuffled: list[Row], slot: int, slots: int) -> list[Row]:
    """One visitor's order: the shuffle started at a point set by their slot.

    The starting points are spread evenly, so each entry comes first (and on page one, and at
    every other place) for the same share of visitors, which independent shuffles would only
    give on average; and a handful of orders can be cached for every visitor.
    """
    start = slot * len(shuffled) // slots
    return shuffled[start:] + shuffled[:start]


def visitor_order(shuffled: list[Row], seed: str) -> list[Row]:
    """A visitor's order: the contest's shuffle rotated to the visitor's own starting place."""
    slots = order_slots(len(shuffled))
    return rotate(shuffled, visitor_slot(seed, slots), slots)


def order(rows: list[Row], *, sort: str, contest_id: int, seed: str) -> list[Row]:
    """Entries in the chosen order; "shuffled" is stable for one visitor's seed."""
    if sort == "likes":
        return sorted(rows, key=lambda row: (-row["like_count"], row["id"]))
    if sort == "newest":
        return sorted(rows, key=lambda row: row["id"], reverse=True)
    return visitor_order(base_shuffle(rows, contest_id=contest_id), seed)


async def contest_entries(
    db: Database, contest: Contest, *, category_id: int | None = None, tag: str | None = None
) -> list[Row]:
    """The contest's approved entries, optionally in one category or with one hashtag."""
    sql = f"SELECT {_PUBLIC_COLUMNS}{_PUBLIC_FROM} AND entries.contest_id = ?"
    params: list[object] = [contest.id]
    if category_id is not None:
        sql += " AND entries.category_id = ?"
        params.append(category_id)
    if tag:
        sql += " AND entries.id IN (SELECT entry_id FROM entry_hashtags WHERE tag = ?)"
        params.append(normalize_tag(tag))
    return await db.fetch_all(sql, params)


def paginate(rows: list[Row], number: int, size: int = PAGE_SIZE) -> Page:
    """One page of rows (the last page if the number is past the end)."""
    count = max(1, -(-len(rows) // size))
    number = min(max(1, number), count)
    start = (number - 1) * size
    return Page(rows[start : start + size], number, count, len(rows))


async def public_entry(db: Database, entry_id: int) -> Row:
    """An approved entry with what its public page shows; NotFound otherwise."""
    row = await db.fetch_one(
        f"SELECT {_PUBLIC_COLUMNS}{_PUBLIC_FROM} AND entries.id = ?",
        (entry_id,),
    )
    if row is None:
        raise NotFound(N_("This photo is not on show (it may be waiting for review or withdrawn)."))
    return row


def neighbours(ordered: list[Row], entry_id: int) -> tuple[Row | None, Row | None]:
    """The entries before and after one in the visitor's order, for swiping through."""
    ids = [row["id"] for row in ordered]
    if entry_id not in ids:
        return None, None
    index = ids.index(entry_id)
    before = ordered[index - 1] if index > 0 else None
    after = ordered[index + 1] if index + 1 < len(ordered) else None
    return before, after


async def tag_entries(db: Database, tag: str) -> list[Row]:
    """Approved entries of published contests with a hashtag, newest first."""
    return await db.fetch_all(
        f"SELECT {_PUBLIC_COLUMNS},"  # noqa: S608
        " (SELECT judging_close FROM contests WHERE contests.id = entries.contest_id)"
        f"   AS judging_close{_PUBLIC_FROM}"
        " AND entries.contest_id IN (SELECT id FROM contests WHERE is_published = 1)"
        " AND entries.id IN (SELECT entry_id FROM entry_hashtags WHERE tag = ?)"
        " ORDER BY entries.id DESC LIMIT 500",
        (normalize_tag(tag),),
    )
