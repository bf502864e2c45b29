"""Photos are decoded in supervised worker processes: a worker that dies, runs out of memory
or overruns its time fails that one image and is replaced, and the event loop never waits."""

from __future__ import annotations

import os
import resource
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from contest.core.db import Database
from contest.core.errors import ValidationError
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.entries import store as entry_store
from contest.media import decoding, masters, photos
from contest.media.decoding import DecodingFailed, DecodingPool
from contest.media.images import process_photo
from contest.media.masters import complete_pending_masters
from contest.media.photos import process_upload
from tests.factories import START, add_account, add_contest, add_entry, photo_bytes
from tests.media.turned import turned_photo

pytestmark = pytest.mark.anyio


# Test-only work, run inside a worker (module level, so a worker can import it by name).


def kill_myself(*_: object) -> bytes:
    os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(10)  # never reached: the signal ends the process
    return b""


def exit_abruptly(*_: object) -> bytes:
    os._exit(3)


def allocate(size: int) -> int:
    return len(bytearray(size))


def memory_limit() -> tuple[int, int]:
    return resource.getrlimit(resource.RLIMIT_AS)


def fail_plainly(message: str) -> None:
    raise LookupError(message)


@pytest.fixture(scope="module")
def pool() -> Iterator[DecodingPool]:
    # Generous: a fresh worker starting on a loaded machine must not look like an overrun
    # (the time limit itself has a test of its own, below).
    pool = DecodingPool(workers=1, time_limit=10.0)
    yield pool
    pool.close()


async def test_a_worker_killed_mid_image_fails_that_image_and_a_fresh_worker_takes_the_next(
    pool: DecodingPool,
) -> None:
    first = await pool.run(os.getpid)
    with pytest.raises(DecodingFailed, match="SIGKILL"):
        await pool.run(kill_myself)
    second = await pool.run(os.getpid)
    assert second != first
    assert await pool.run(divmod, 7, 2) == (3, 1)

    with pytest.raises(DecodingFailed, match="status 3"):
        await pool.run(exit_abruptly)
    assert await pool.run(os.getpid) not in (first, second)


async def test_an_image_over_the_time_limit_is_stopped_and_the_pool_recovers() -> None:
    pool = DecodingPool(workers=1, time_limit=0.3)
    try:
        first = await pool.run(os.getpid)
        started = time.monotonic()
        with pytest.raises(DecodingFailed, match="time limit"):
            await pool.run(time.sleep, 30)
        assert time.monotonic() - started < 5
        assert await pool.run(os.getpid) != first
    finally:
        pool.close()


async def test_workers_run_under_the_memory_limit_and_one_past_it_is_replaced(
    pool: DecodingPool,
) -> None:
    assert decoding.MEMORY_LIMIT == 1 << 30
    assert await pool.run(memory_limit) == (decoding.MEMORY_LIMIT, decoding.MEMORY_LIMIT)
    first = await pool.run(os.getpid)
    with pytest.raises(DecodingFailed, match="memory"):
        await pool.run(allocate, 2 * decoding.MEMORY_LIMIT)
    assert await pool.run(os.getpid) != first
    assert await pool.run(allocate, 1 << 20) == 1 << 20
    assert os.getpid() not in (first, await pool.run(os.getpid))


async def test_errors_of_the_work_itself_come_back_as_they_were_and_keep_the_worker(
    pool: DecodingPool,
) -> None:
    first = await pool.run(os.getpid)
    with pytest.raises(LookupError, match="no such thing"):
        await pool.run(fail_plainly, "no such thing")
    assert await pool.run(os.getpid) == first


async def test_the_event_loop_keeps_running_while_an_image_decodes(pool: DecodingPool) -> None:
    await pool.run(os.getpid)  # the worker is up
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await anyio.sleep(0.02)

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(tick)
        await pool.run(time.sleep, 0.5)
        tasks.cancel_scope.cancel()
    assert ticks >= 10


async def test_the_pool_runs_as_many_images_at_once_as_it_has_workers() -> None:
    pool = DecodingPool(workers=2, time_limit=5.0)
    try:
        async with anyio.create_task_group() as tasks:  # both workers up
            tasks.start_soon(pool.run, time.sleep, 0)
            tasks.start_soon(pool.run, time.sleep, 0)
        started = time.monotonic()
        async with anyio.create_task_group() as tasks:
            for _ in range(2):
                tasks.start_soon(pool.run, time.sleep, 0.6)
        assert time.monotonic() - started < 1.1
    finally:
        pool.close()


async def test_a_closed_pool_refuses_work_and_the_shared_one_comes_back_after_shutdown() -> None:
    pool = DecodingPool(workers=1)
    await pool.run(os.getpid)
    pool.close()
    with pytest.raises(RuntimeError, match="closed"):
        await pool.run(os.getpid)

    shared = decoding.shared_pool()
    assert decoding.shared_pool() is shared
    decoding.shutdown()
    assert await decoding.run(divmod, 9, 4, limiter=anyio.CapacityLimiter(1)) == (2, 1)
    assert decoding.shared_pool() is not shared


# --- uploads and masters through the pool ---------------------------------------------------


async def test_an_upload_gives_the_same_files_as_decoding_in_this_process(tmp_path: Path) -> None:
    data = turned_photo(6)
    pooled = LocalStorage(tmp_path / "pooled")
    here = LocalStorage(tmp_path / "here")
    stored = await process_upload(pooled, data, limiter=anyio.CapacityLimiter(1))
    expected = photos._store(here, process_photo(data))
    assert stored == expected
    assert sorted(pooled.all_keys()) == sorted(here.all_keys()) == sorted(stored.keys)
    for key in stored.keys:
        assert pooled.read(key) == here.read(key)


async def test_a_refused_upload_still_says_why(storage: LocalStorage) -> None:
    with pytest.raises(ValidationError) as refused:
        await process_upload(storage, b"GIF89a" + bytes(64), limiter=anyio.CapacityLimiter(1))
    assert "GIF" in str(refused.value.errors["photo"])
    assert storage.all_keys() == []


async def test_an_upload_whose_worker_dies_fails_with_a_clear_message_and_stores_nothing(
    storage: LocalStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(photos, "process_photo", kill_myself)
    with pytest.raises(ValidationError) as failed:
        await process_upload(storage, photo_bytes(1), limiter=anyio.CapacityLimiter(1))
    assert failed.value.errors["photo"] == (
        "This photo could not be processed; it may be too large or damaged."
    )
    assert storage.all_keys() == []
    monkeypatch.undo()
    stored = await process_upload(storage, photo_bytes(1), limiter=anyio.CapacityLimiter(1))
    assert set(storage.all_keys()) == set(stored.keys)


async def test_a_master_whose_worker_dies_is_recorded_as_failing_and_retried(
    db: Database, storage: LocalStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    contest = await add_contest(db, "submissions")
    author = await add_account(db, Passwords(fast=True), email="pat@uni.edu")
    entry_id = await add_entry(
        db, storage, contest, author, status="pending", photo=turned_photo(3)
    )
    monkeypatch.setattr(masters, "make_master", kill_myself)
    await complete_pending_masters(db, storage, limiter=anyio.CapacityLimiter(1), now=START)
    row = await entry_store.get_entry(db, entry_id)
    assert row["master_key"] is None and row["source_key"] and storage.exists(row["source_key"])
    assert row["master_attempts"] == 1 and "DecodingFailed" in row["master_error"]

    monkeypatch.undo()
    later = START + masters.retry_delay(1)
    await complete_pending_masters(db, storage, limiter=anyio.CapacityLimiter(1), now=later)
    done = await entry_store.get_entry(db, entry_id)
    assert done["master_key"] and done["source_key"] is None and done["master_attempts"] == 0
