"""Files nothing refers to, and temporaries a crash left, are removed once they are old enough."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import anyio
import pytest

from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.media import photos
from contest.media.photos import keep_upload, process_upload
from tests.factories import START, add_account, add_contest, add_entry, photo_bytes

pytestmark = pytest.mark.anyio
TWO_HOURS_AGO = time.time() - 2 * 3600


def age(path: Path, when: float = TWO_HOURS_AGO) -> None:
    os.utime(path, (when, when))


def age_everything(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            age(path, time.time() - 2 * 3600)


async def test_old_unreferenced_files_and_temporaries_go_and_everything_in_use_stays(
    db: Database, storage: LocalStorage, caplog: pytest.LogCaptureFixture
) -> None:
    contest = await add_contest(db, "submissions")
    author = await add_account(db, Passwords(fast=True), email="pat@uni.edu")
    entry_id = await add_entry(db, storage, contest, author, status="pending")
    held = await process_upload(storage, photo_bytes(40), limiter=anyio.CapacityLimiter(1))
    await keep_upload(db, photo=held, user_id=author.id, now=START)
    card = storage.put(photo_bytes(41))
    async with db.transaction() as tx:
        await tx.execute("UPDATE entries SET share_card_key = ? WHERE id = ?", (card, entry_id))
    orphan = storage.put(photo_bytes(42))
    temporary = storage.path(orphan).parent / ".incoming-abc123"
    temporary.write_bytes(b"half a photo")
    in_use = set(storage.all_keys()) - {orphan}
    age_everything(storage.root)
    fresh_orphan = storage.put(photo_bytes(43))  # an upload on its way to a form: too young
    fresh_temporary = storage.path(orphan).parent / ".incoming-def456"
    fresh_temporary.write_bytes(b"being written")

    with caplog.at_level(logging.INFO, logger="contest"):
        removed = await photos.sweep_unreferenced_files(db, storage)

    assert sorted(removed) == sorted([orphan, str(temporary.relative_to(storage.root))])
    assert set(storage.all_keys()) == in_use | {fresh_orphan}
    assert not temporary.exists() and fresh_temporary.exists()
    assert orphan in caplog.text
    assert await photos.sweep_unreferenced_files(db, storage) == []


async def test_a_file_stored_again_is_young_again(storage: LocalStorage) -> None:
    """Content-addressed: a new upload of an old orphan's photo reuses the file, which must
    not then be swept before the new entry refers to it."""
    key = storage.put(photo_bytes(7))
    age(storage.path(key))
    assert storage.put(photo_bytes(7)) == key
    assert storage.path(key).stat().st_mtime > time.time() - 60
