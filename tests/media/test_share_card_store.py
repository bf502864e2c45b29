"""An entry's share card: drawn once in a decoding worker, kept, and never left behind."""

from __future__ import annotations

import anyio
import pytest

from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.entries import store as entry_store
from contest.media import decoding, photos
from tests.factories import add_account, add_contest, add_entry

pytestmark = pytest.mark.anyio


async def _entry(db: Database, passwords: Passwords, storage: LocalStorage) -> int:
    contest = await add_contest(db, "judging_and_voting")
    organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    ann = await add_account(db, passwords, email="ann@uni.edu", name="Ann Lee")
    return await add_entry(db, storage, contest, ann, moderator=organizer)


async def _card(db: Database, storage: LocalStorage, entry_id: int) -> str:
    entry = await entry_store.get_entry(db, entry_id)
    return await _card_of(db, storage, entry)


async def _card_of(db: Database, storage: LocalStorage, entry: object) -> str:
    return await photos.share_card_of(
        db,
        storage,
        entry,  # type: ignore[arg-type]
        hashtag="LibraryLight",
        contest_title="Light at the Library",
        limiter=anyio.CapacityLimiter(1),
    )


async def test_a_card_is_drawn_once_and_recorded_on_the_entry(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    entry_id = await _entry(db, passwords, storage)
    key = await _card(db, storage, entry_id)
    assert storage.read(key)[:2] == b"\xff\xd8"
    recorded = await db.fetch_value("SELECT share_card_key FROM entries WHERE id = ?", (entry_id,))
    assert recorded == key
    assert await _card(db, storage, entry_id) == key


async def test_a_card_drawn_while_its_entry_is_deleted_is_not_kept(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    entry_id = await _entry(db, passwords, storage)
    entry = await entry_store.get_entry(db, entry_id)  # the page read it, then it went
    async with db.transaction() as tx:  # deleted by someone else meanwhile (files stay shared)
        await tx.execute("DELETE FROM entries WHERE id = ?", (entry_id,))
    key = await _card_of(db, storage, entry)
    assert not storage.exists(key)


async def test_a_card_that_cannot_be_drawn_falls_back_to_the_photo_and_records_nothing(
    db: Database, passwords: Passwords, storage: LocalStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry_id = await _entry(db, passwords, storage)

    async def crashed(*args: object, **kwargs: object) -> bytes:
        raise decoding.DecodingFailed("the worker was killed by SIGKILL")

    monkeypatch.setattr(decoding, "run", crashed)
    entry = await entry_store.get_entry(db, entry_id)
    assert await _card(db, storage, entry_id) == entry["display_key"]
    assert await db.fetch_value("SELECT share_card_key FROM entries") is None
