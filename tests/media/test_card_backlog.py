"""Share cards drawn ahead by the media worker: every approved entry gets its card once, and a
card drawn for words or a photo that changed meanwhile is not kept."""

from __future__ import annotations

import anyio
import pytest

from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.entries import store as entry_store
from contest.media.card_backlog import draw_all_missing_cards, draw_missing_cards
from tests.factories import add_account, add_contest, add_entry, photo_bytes
from tests.media.test_share_card_store import _card_of

pytestmark = pytest.mark.anyio

LIMITER = anyio.CapacityLimiter(1)


async def _entries(db: Database, passwords: Passwords, storage: LocalStorage) -> dict[str, int]:
    contest = await add_contest(db, "judging_and_voting")
    organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    ann = await add_account(db, passwords, email="ann@uni.edu", name="Ann Lee")
    ids = {}
    for number, status in enumerate(("approved", "approved", "approved", "pending", "rejected")):
        ids[f"{status}-{number}"] = await add_entry(
            db,
            storage,
            contest,
            ann,
            title=f"Photo number {number}",
            status=status,
            photo=photo_bytes(number),
            moderator=organizer,
        )
    return ids


async def _cards(db: Database) -> dict[int, str | None]:
    rows = await db.fetch_all("SELECT id, share_card_key FROM entries ORDER BY id")
    return {row["id"]: row["share_card_key"] for row in rows}


async def test_every_approved_entry_gets_its_card_and_only_once(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    ids = await _entries(db, passwords, storage)
    assert set((await _cards(db)).values()) == {None}
    await draw_all_missing_cards(db, storage, limiter=LIMITER)
    cards = await _cards(db)
    for name, entry_id in ids.items():
        key = cards[entry_id]
        if name.startswith("approved"):
            assert key and storage.read(key)[:2] == b"\xff\xd8", name
        else:
            assert key is None, name  # nobody shares a photo that is not shown
    assert await draw_missing_cards(db, storage, limiter=LIMITER) is None  # nothing left
    await draw_all_missing_cards(db, storage, limiter=LIMITER)
    assert await _cards(db) == cards


async def test_batches_move_on_past_the_entries_looked_at(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    ids = await _entries(db, passwords, storage)
    first = await draw_missing_cards(db, storage, limiter=LIMITER, batch=2)
    assert first == ids["approved-1"]
    cards = await _cards(db)
    assert cards[ids["approved-0"]] and cards[ids["approved-1"]]
    assert cards[ids["approved-2"]] is None
    assert await draw_missing_cards(db, storage, limiter=LIMITER, after=first) == ids["approved-2"]


async def test_a_card_drawn_for_an_old_title_is_not_kept(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    ids = await _entries(db, passwords, storage)
    entry = await entry_store.get_entry(db, ids["approved-0"])  # read, then retitled meanwhile
    async with db.transaction() as tx:
        await tx.execute("UPDATE entries SET title = 'A new title' WHERE id = ?", (entry["id"],))
    key = await _card_of(db, storage, entry)
    assert not storage.exists(key)
    assert (await _cards(db))[entry["id"]] is None  # drawn again, with the new title, later
