"""Full-size masters made in the background: a failure keeps the original and is retried, and
deleting or replacing a photo wins every race with the job."""

from __future__ import annotations

import errno
from datetime import timedelta
from pathlib import Path

import anyio
import anyio.from_thread
import pytest

from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.db import Database, Row
from contest.core.security import Passwords
from contest.core.storage import LocalStorage, key_for
from contest.entries import store as entry_store
from contest.entries.text import EntryText
from contest.media import masters
from contest.media.masters import complete_pending_masters, pending_masters, retry_delay
from contest.media.photos import process_upload
from tests.factories import START, add_account, add_contest, add_entry
from tests.media.turned import turned_photo

pytestmark = pytest.mark.anyio
NOW = START
TEXT = EntryText("Lamplight", "Quiet evening.", "Quiet evening.", ())


class FullDisk(LocalStorage):
    """Storage whose disk fills up on demand: writing a new file fails with ENOSPC."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.full = False

    def put(self, data: bytes, extension: str = "jpg") -> str:
        if self.full and not self.exists(key_for(data, extension)):
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().put(data, extension)


async def make(
    db: Database, storage: LocalStorage, **kw: object
) -> tuple[Contest, User, User, int]:
    contest = await add_contest(db, "submissions")
    author = await add_account(db, Passwords(fast=True), email="pat@uni.edu")
    organizer = await add_account(
        db, Passwords(fast=True), email="org@uni.edu", name="Org", role="organizer"
    )
    entry_id = await add_entry(
        db, storage, contest, author, status="pending", photo=turned_photo(3)
    )
    return contest, author, organizer, entry_id


async def entry(db: Database, entry_id: int) -> Row:
    return await entry_store.get_entry(db, entry_id)


def keys_of(row: Row) -> set[str]:
    return {
        row[column]
        for column in ("thumb_key", "display_key", "master_key", "source_key", "share_card_key")
        if row[column]
    }


async def run_job(db: Database, storage: LocalStorage, now: object = NOW) -> int:
    return await complete_pending_masters(
        db,
        storage,
        limiter=anyio.CapacityLimiter(1),
        now=now,  # type: ignore[arg-type]
    )


# --- 1. a full disk never costs the original -----------------------------------------------


async def test_a_failed_master_keeps_its_source_and_is_retried_after_a_backoff(
    db: Database, tmp_path: Path
) -> None:
    storage = FullDisk(tmp_path / "media")
    _, _, _, entry_id = await make(db, storage)
    before = await entry(db, entry_id)
    source = before["source_key"]
    assert source and before["master_key"] is None
    storage.full = True

    await run_job(db, storage)

    after = await entry(db, entry_id)
    assert after["source_key"] == source and storage.exists(source)
    assert after["master_key"] is None  # above all, not the display image
    assert after["master_attempts"] == 1
    assert after["master_retry_at"] == "2026-03-02T09:01:00Z"
    assert set(storage.all_keys()) == keys_of(before)
    [pending] = await pending_masters(db)
    assert pending.entry_id == entry_id and pending.attempts == 1 and pending.failing
    assert pending.next_try == NOW + retry_delay(1)
    assert "No space left" in (pending.error or "")

    # Still failing: the wait doubles, the source still stays.
    await run_job(db, storage, NOW + retry_delay(1))
    again = await entry(db, entry_id)
    assert again["master_attempts"] == 2 and again["source_key"] == source
    assert storage.exists(source)

    # The disk has room again, but the next try is not due yet: nothing happens.
    storage.full = False
    due = NOW + retry_delay(1) + retry_delay(2)
    await run_job(db, storage, due - timedelta(seconds=1))
    assert (await entry(db, entry_id))["master_key"] is None

    # Once due, the master is made, recorded, and the source goes.
    await run_job(db, storage, due)
    done = await entry(db, entry_id)
    assert done["master_key"] and done["master_key"] not in (source, before["display_key"])
    assert done["source_key"] is None and not storage.exists(source)
    assert done["master_attempts"] == 0 and done["master_retry_at"] is None
    assert set(storage.all_keys()) == keys_of(done)
    assert await pending_masters(db) == []


async def test_waiting_masters_are_listed_for_organizers(
    db: Database, storage: LocalStorage
) -> None:
    contest, _, _, entry_id = await make(db, storage)
    [pending] = await pending_masters(db)
    assert pending.entry_id == entry_id and pending.contest_id == contest.id
    assert pending.title == "Morning in the reading room"
    assert pending.attempts == 0 and not pending.failing and pending.error is None
    assert await pending_masters(db, contest_id=contest.id + 1) == []


def test_the_wait_between_tries_grows_and_has_a_ceiling() -> None:
    delays = [retry_delay(attempt) for attempt in range(1, 20)]
    assert delays[0] == timedelta(minutes=1)
    assert delays == sorted(delays) and delays[1] == 2 * delays[0]
    assert delays[-1] == timedelta(hours=6)


# --- 2. deleting or replacing a photo wins every race with the job -------------------------


def during_the_job(monkeypatch: pytest.MonkeyPatch, work: object) -> None:
    """Run ``work`` (async, on the event loop) after the job read the row and made the master,
    before it records it."""
    real = masters.make_master

    def wrapped(source: bytes, orientation: int) -> bytes:
        master = real(source, orientation)
        anyio.from_thread.run(work)  # type: ignore[arg-type]
        return master

    monkeypatch.setattr(masters, "make_master", wrapped)


async def test_an_entry_deleted_while_its_master_is_made_leaves_no_file(
    db: Database, storage: LocalStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, organizer, entry_id = await make(db, storage)
    row = await entry(db, entry_id)

    async def delete() -> None:
        await entry_store.delete_entry(db, storage, entry=row, user=organizer)

    during_the_job(monkeypatch, delete)
    await run_job(db, storage)
    assert await db.fetch_value("SELECT count(*) FROM entries") == 0
    assert storage.all_keys() == []


async def test_a_photo_replaced_while_its_master_is_made_leaves_no_file(
    db: Database, storage: LocalStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    contest, author, _, entry_id = await make(db, storage)
    row = await entry(db, entry_id)
    new_photo = await process_upload(storage, turned_photo(9), limiter=anyio.CapacityLimiter(1))
    choices = entry_store.Choices(None, "contest")

    async def replace() -> None:
        await entry_store.update_entry(
            db, storage, entry=row, contest=contest, user=author, text=TEXT,
            choices=choices, photo=new_photo, now=NOW,
        )  # fmt: skip

    during_the_job(monkeypatch, replace)
    await run_job(db, storage)
    now_row = await entry(db, entry_id)
    assert now_row["source_key"] == new_photo.source_key and now_row["master_key"] is None
    assert set(storage.all_keys()) == keys_of(now_row)

    monkeypatch.undo()
    await run_job(db, storage)
    done = await entry(db, entry_id)
    assert done["master_key"] and done["source_key"] is None
    assert set(storage.all_keys()) == keys_of(done)


async def test_deleting_with_a_row_read_before_the_master_was_made_removes_the_master(
    db: Database, storage: LocalStorage
) -> None:
    _, _, organizer, entry_id = await make(db, storage)
    read_before = await entry(db, entry_id)  # the page's copy, read before the job ran
    await run_job(db, storage)
    assert (await entry(db, entry_id))["master_key"]
    await entry_store.delete_entry(db, storage, entry=read_before, user=organizer)
    assert storage.all_keys() == []


async def test_replacing_with_a_row_read_before_the_master_was_made_removes_the_master(
    db: Database, storage: LocalStorage
) -> None:
    contest, author, _, entry_id = await make(db, storage)
    read_before = await entry(db, entry_id)
    await run_job(db, storage)
    new_photo = await process_upload(storage, turned_photo(9), limiter=anyio.CapacityLimiter(1))
    await entry_store.update_entry(
        db, storage, entry=read_before, contest=contest, user=author, text=TEXT,
        choices=entry_store.Choices(None, "contest"), photo=new_photo, now=NOW,
    )  # fmt: skip
    assert set(storage.all_keys()) == keys_of(await entry(db, entry_id))


async def test_a_failure_for_an_entry_deleted_meanwhile_records_nothing(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = FullDisk(tmp_path / "media")
    _, _, organizer, entry_id = await make(db, storage)
    row = await entry(db, entry_id)

    async def delete() -> None:
        await entry_store.delete_entry(db, storage, entry=row, user=organizer)
        storage.full = True

    during_the_job(monkeypatch, delete)
    await run_job(db, storage)
    assert await pending_masters(db) == []
    assert storage.all_keys() == []
