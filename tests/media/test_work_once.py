"""Background work is done once however many workers share the database (issue #18): two
workers, each with its own connection to the same database (as two processes or hosts have),
run the same round at the same moment, and every master, card, mail and sweep happens once.
A claim whose worker died is left alone until it runs out, then taken by another."""

from __future__ import annotations

import asyncio
import os
import smtplib
import socket
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import anyio
import pytest

from contest.core import claims, outbox
from contest.core.clock import to_db
from contest.core.db import Database
from contest.core.outbox import SmtpSettings
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.media.card_backlog import draw_all_missing_cards
from contest.media.masters import complete_pending_masters, next_master_try
from contest.media.photos import (
    file_sweep_lease,
    keep_upload,
    process_upload,
    sweep_expired_uploads_once,
    sweep_unreferenced_files_once,
)
from tests.conftest import FakeClock
from tests.core.test_outbox import FakeSMTP
from tests.factories import START, add_account, add_contest, add_entry, photo_bytes
from tests.media.turned import turned_photo

pytestmark = pytest.mark.anyio

WORKER_A = "host-a:101:aaaa"
WORKER_B = "host-b:202:bbbb"
CRASHED = "host-c:303:dead"
HOUR = timedelta(hours=1)
TITLES = (
    "Lamplight",
    "Quiet stacks",
    "Morning desk",
    "Rainy window",
    "Night study",
    "Empty chairs",
    "Old atlas",
    "Stairwell glow",
)


class CountingStorage(LocalStorage):
    """The real folder, counting the files each worker writes and the listings it makes."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.puts: list[str] = []
        self.listings = 0

    def put(self, data: bytes, extension: str = "jpg") -> str:
        key = super().put(data, extension)
        self.puts.append(key)
        return key

    def stale_keys(self, *, before: float) -> list[str]:
        self.listings += 1
        return super().stale_keys(before=before)


class BrokenDisk(LocalStorage):
    """A folder that refuses every new file."""

    def put(self, data: bytes, extension: str = "jpg") -> str:
        raise OSError(28, "No space left on device")


class SlowSMTP(FakeSMTP):
    """The fake server, taking a moment per message so two delivery rounds overlap."""

    def send_message(self, message: EmailMessage, to_addrs: list[str]) -> None:
        time.sleep(0.002)
        super().send_message(message, to_addrs)


@pytest.fixture
async def other_db(
    db: Database, tmp_path: Path, database_url: str | None
) -> AsyncIterator[Database]:
    """A second worker's own connection to the test's database."""
    database = await Database.open(database_url or tmp_path / "test.db")
    yield database
    await database.close()


async def pending_entries(db: Database, storage: LocalStorage, count: int) -> list[int]:
    """``count`` entries whose full-size master is still to be made."""
    contest = await add_contest(db, "submissions")
    author = await add_account(db, Passwords(fast=True), email="pat@uni.edu")
    ids = [
        await add_entry(
            db,
            storage,
            contest,
            author,
            title=TITLES[n],
            status="pending",
            photo=turned_photo(n),
        )
        for n in range(count)
    ]
    missing = await db.fetch_value("SELECT count(*) FROM entries WHERE master_key IS NULL")
    assert missing == count
    return ids


async def make_masters(db: Database, storage: LocalStorage, *, holder: str, now: object) -> None:
    """One worker's media round: masters batch after batch while it finds any to make."""
    while await complete_pending_masters(
        db,
        storage,
        limiter=anyio.CapacityLimiter(2),
        now=now,  # type: ignore[arg-type]
        holder=holder,
        batch=3,
    ):
        pass


async def masters_by_entry(db: Database) -> dict[int, str | None]:
    rows = await db.fetch_all("SELECT id, master_key FROM entries ORDER BY id")
    return {row["id"]: row["master_key"] for row in rows}


# --- masters ---------------------------------------------------------------------------------


async def test_two_workers_make_every_master_exactly_once(
    db: Database, other_db: Database, tmp_path: Path
) -> None:
    ids = await pending_entries(db, LocalStorage(tmp_path / "media"), 8)
    first, second = CountingStorage(tmp_path / "media"), CountingStorage(tmp_path / "media")

    await asyncio.gather(
        make_masters(db, first, holder=WORKER_A, now=START),
        make_masters(other_db, second, holder=WORKER_B, now=START),
    )

    masters = await masters_by_entry(db)
    assert all(masters[entry_id] for entry_id in ids)
    made = first.puts + second.puts
    assert sorted(made) == sorted(
        key for key in masters.values() if key
    )  # one file written per master, no more
    assert all(first.exists(key) for key in made)
    left = await db.fetch_value(
        "SELECT count(*) FROM entries WHERE source_key IS NOT NULL OR master_claimed_by IS NOT NULL"
    )
    assert left == 0  # every source released, every claim lifted


async def test_a_crashed_workers_claim_is_left_alone_until_it_runs_out(
    db: Database, tmp_path: Path, clock: FakeClock
) -> None:
    storage = CountingStorage(tmp_path / "media")
    stuck, other = await pending_entries(db, storage, 2)
    until = clock() + timedelta(minutes=10)
    async with db.transaction() as tx:  # a worker died while making this master
        await tx.execute(
            "UPDATE entries SET master_claimed_by = ?, master_claimed_until = ? WHERE id = ?",
            (CRASHED, to_db(until), stuck),
        )
    storage.puts.clear()

    await make_masters(db, storage, holder=WORKER_A, now=clock())
    masters = await masters_by_entry(db)
    assert masters[stuck] is None and masters[other] is not None
    assert storage.puts == [masters[other]]
    assert await next_master_try(db) == until  # the worker looks again when the claim runs out

    clock.advance(minutes=10)
    await make_masters(db, storage, holder=WORKER_A, now=clock())
    made = await db.fetch_one(
        "SELECT master_key, master_claimed_by FROM entries WHERE id = ?", (stuck,)
    )
    assert made is not None and made["master_key"] is not None
    assert made["master_claimed_by"] is None
    assert await next_master_try(db) is None


async def test_a_failed_master_lifts_its_claim_and_waits_for_its_retry(
    db: Database, tmp_path: Path, clock: FakeClock
) -> None:
    (entry_id,) = await pending_entries(db, LocalStorage(tmp_path / "media"), 1)

    assert await complete_pending_masters(
        db, BrokenDisk(tmp_path / "media"), limiter=anyio.CapacityLimiter(1), now=clock(),
        holder=WORKER_A,
    ) == 1  # fmt: skip

    row = await db.fetch_one(
        "SELECT master_attempts, master_retry_at, master_claimed_by FROM entries WHERE id = ?",
        (entry_id,),
    )
    assert row is not None
    assert (row["master_attempts"], row["master_claimed_by"]) == (1, None)
    assert await next_master_try(db) == clock() + timedelta(minutes=1)
    assert await complete_pending_masters(  # not due yet, for any worker
        db, LocalStorage(tmp_path / "media"), limiter=anyio.CapacityLimiter(1), now=clock(),
        holder=WORKER_B,
    ) == 0  # fmt: skip


# --- leases ----------------------------------------------------------------------------------


async def test_a_lease_has_one_holder_until_it_runs_out(db: Database, clock: FakeClock) -> None:
    assert await claims.take_lease(db, "round", now=clock(), lasting=HOUR, holder=CRASHED)
    assert not await claims.take_lease(db, "round", now=clock(), lasting=HOUR, holder=WORKER_A)
    await claims.release_lease(db, "round", holder=WORKER_A)  # not WORKER_A's to give up
    clock.advance(minutes=59)
    assert not await claims.take_lease(db, "round", now=clock(), lasting=HOUR, holder=WORKER_A)
    assert await claims.take_lease(db, "round", now=clock(), lasting=HOUR, holder=CRASHED)

    clock.advance(hours=1)  # its holder is gone: the lease runs out
    assert await claims.take_lease(db, "round", now=clock(), lasting=HOUR, holder=WORKER_A)
    assert not await claims.take_lease(db, "round", now=clock(), lasting=HOUR, holder=WORKER_B)
    await claims.release_lease(db, "round", holder=WORKER_A)
    assert await claims.take_lease(db, "round", now=clock(), lasting=HOUR, holder=WORKER_B)


def test_each_process_holds_claims_under_a_name_of_its_own() -> None:
    holder = claims.this_process()
    assert holder.startswith(f"{socket.gethostname()}:{os.getpid()}:")
    assert claims.this_process() == holder


# --- share cards -----------------------------------------------------------------------------


async def test_two_workers_draw_each_missing_card_once(
    db: Database, other_db: Database, tmp_path: Path, clock: FakeClock
) -> None:
    storage = LocalStorage(tmp_path / "media")
    contest = await add_contest(db, "judging_and_voting")
    passwords = Passwords(fast=True)
    organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    author = await add_account(db, passwords, email="ann@uni.edu", name="Ann Lee")
    for n in range(4):
        await add_entry(
            db, storage, contest, author, title=TITLES[n], photo=photo_bytes(n),
            moderator=organizer,
        )  # fmt: skip
    first, second = CountingStorage(storage.root), CountingStorage(storage.root)
    limiter = anyio.CapacityLimiter(2)

    drawn = await asyncio.gather(
        draw_all_missing_cards(db, first, limiter=limiter, clock=clock, holder=WORKER_A),
        draw_all_missing_cards(other_db, second, limiter=limiter, clock=clock, holder=WORKER_B),
    )

    cards = [row[0] for row in await db.fetch_all("SELECT share_card_key FROM entries")]
    assert all(cards) and len(set(cards)) == 4
    assert sorted(first.puts + second.puts) == sorted(cards)
    assert True in drawn
    assert await db.fetch_value("SELECT count(*) FROM leases") == 0  # given up after the round


# --- sweeps ----------------------------------------------------------------------------------


def age_everything(root: Path) -> None:
    two_hours_ago = time.time() - 2 * 3600
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (two_hours_ago, two_hours_ago))


async def test_two_workers_sweep_a_shared_folder_once_an_hour(
    db: Database, other_db: Database, tmp_path: Path, clock: FakeClock
) -> None:
    first, second = CountingStorage(tmp_path / "media"), CountingStorage(tmp_path / "media")
    orphan = first.put(photo_bytes(7))
    age_everything(first.root)

    swept = await asyncio.gather(
        sweep_unreferenced_files_once(db, first, now=clock(), every=HOUR, holder=WORKER_A),
        sweep_unreferenced_files_once(other_db, second, now=clock(), every=HOUR, holder=WORKER_B),
    )

    assert sorted(swept, key=lambda result: result is None) == [[orphan], None]
    assert first.listings + second.listings == 1
    assert not first.exists(orphan)
    clock.advance(minutes=50)
    holder_of_none = WORKER_B if swept[1] is None else WORKER_A
    assert (
        await sweep_unreferenced_files_once(
            db, first, now=clock(), every=HOUR, holder=holder_of_none
        )
        is None
    )
    clock.advance(minutes=10)  # an hour on: whoever asks first sweeps again
    assert (
        await sweep_unreferenced_files_once(
            db, first, now=clock(), every=HOUR, holder=holder_of_none
        )
        == []
    )


async def test_each_hosts_own_folder_is_swept_by_that_host_and_a_bucket_by_one(
    db: Database, other_db: Database, tmp_path: Path, clock: FakeClock
) -> None:
    here, there = CountingStorage(tmp_path / "host-a"), CountingStorage(tmp_path / "host-b")
    here_orphan, there_orphan = here.put(photo_bytes(1)), there.put(photo_bytes(2))
    age_everything(tmp_path)

    swept = await asyncio.gather(
        sweep_unreferenced_files_once(db, here, now=clock(), every=HOUR, holder=WORKER_A),
        sweep_unreferenced_files_once(other_db, there, now=clock(), every=HOUR, holder=WORKER_B),
    )

    assert list(swept) == [[here_orphan], [there_orphan]]
    assert file_sweep_lease(here) != file_sweep_lease(there)
    assert socket.gethostname() in file_sweep_lease(here)


async def test_two_workers_sweep_abandoned_uploads_once(
    db: Database, other_db: Database, tmp_path: Path, clock: FakeClock
) -> None:
    storage = LocalStorage(tmp_path / "media")
    author = await add_account(db, Passwords(fast=True), email="pat@uni.edu")
    held = await process_upload(storage, photo_bytes(9), limiter=anyio.CapacityLimiter(1))
    await keep_upload(db, photo=held, user_id=author.id, now=clock())
    clock.advance(hours=25)

    swept = await asyncio.gather(
        sweep_expired_uploads_once(db, storage, now=clock(), holder=WORKER_A),
        sweep_expired_uploads_once(other_db, storage, now=clock(), holder=WORKER_B),
    )

    assert sorted(swept, key=lambda result: result is None) == [1, None]
    assert await db.fetch_value("SELECT count(*) FROM uploads") == 0
    assert not any(storage.exists(key) for key in held.keys)


# --- the outbox ------------------------------------------------------------------------------


async def test_two_delivery_rounds_at_once_send_every_message_once(
    db: Database, other_db: Database, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    SlowSMTP.reset()
    monkeypatch.setattr(smtplib, "SMTP", SlowSMTP)
    recipients = [f"p{n}@uni.edu" for n in range(40)]
    async with db.transaction() as tx:
        for recipient in recipients:
            await outbox.queue_mail(
                tx, recipient=recipient, subject="Hi", body="Hello", now=clock()
            )
    smtp = SmtpSettings(host="mail")

    sent = await asyncio.gather(
        outbox.deliver_all_waiting(db, smtp=smtp, sender="contest@uni.edu", now=clock()),
        outbox.deliver_all_waiting(other_db, smtp=smtp, sender="contest@uni.edu", now=clock()),
    )

    assert sum(sent) == len(recipients)
    assert sorted(message["To"] for message in SlowSMTP.sent) == sorted(recipients)
    assert await outbox.count_waiting(db) == 0
