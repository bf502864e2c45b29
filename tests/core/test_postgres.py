"""PostgreSQL's own behaviour: a clear refusal when the server is not there, writes that take
turns across processes, and recovery after the server restarts."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from contest.core.db import INTEGRITY_ERRORS, OPERATIONAL_ERRORS, Database, trouble
from contest.core.postgres_database import WRITE_LOCK, DatabaseUnreachable, redacted
from tests import postgres

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(not postgres.on_postgres(), reason="needs CONTEST_TEST_DATABASE"),
]


def test_a_password_never_reaches_a_message() -> None:
    assert redacted("postgresql://app:s3cret@db.example:5432/contest") == (
        "postgresql://app:***@db.example:5432/contest"
    )
    assert redacted("postgresql:///contest?host=/tmp") == "postgresql:///contest?host=/tmp"
    assert redacted("postgresql://db/contest?user=app&password=s3cret&sslmode=require") == (
        "postgresql://db/contest?user=app&password=***&sslmode=require"
    )


async def test_an_unreachable_server_is_named_without_its_password() -> None:
    with pytest.raises(DatabaseUnreachable) as refused:
        await Database.open("postgresql://app:s3cret@127.0.0.1:1/contest?connect_timeout=2")
    message = str(refused.value)
    assert "postgresql://app:***@127.0.0.1:1/contest" in message
    assert "s3cret" not in message


async def test_the_schema_keeps_its_invariants(db: Database) -> None:
    """Foreign keys and checks hold on PostgreSQL too."""
    with pytest.raises(INTEGRITY_ERRORS):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
                " VALUES ('x', 999, 'a', 'b')"
            )
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO like_events (entry_id, voter, kind, action, address, at)"
            " VALUES (1, 'v', 'vote', 'like', '', 'now')"
        )
    for change in ("DELETE FROM like_events", "UPDATE like_events SET voter = 'w'"):
        with pytest.raises(INTEGRITY_ERRORS, match="append-only"):
            async with db.transaction() as tx:
                await tx.execute(change)
    assert await db.fetch_value("SELECT count(*) FROM sessions") == 0


async def test_writes_of_two_processes_take_turns(database_url: str) -> None:
    """A count-then-insert in one process cannot interleave with another's: the second waits
    for the first to commit, then counts its row (SQLite's BEGIN IMMEDIATE, across hosts)."""
    first, second = await Database.open(database_url), await Database.open(database_url)
    try:
        inside = asyncio.Event()
        release = asyncio.Event()

        async def slow_writer() -> None:
            async with first.transaction() as tx:
                count = await tx.fetch_value("SELECT count(*) FROM settings")
                inside.set()
                await release.wait()
                await tx.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?)", (f"k{count}", "a")
                )

        async def other_writer() -> None:
            await inside.wait()
            async with second.transaction() as tx:
                count = await tx.fetch_value("SELECT count(*) FROM settings")
                await tx.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?)", (f"k{count}", "b")
                )

        task = asyncio.ensure_future(slow_writer())
        other = asyncio.ensure_future(other_writer())
        await inside.wait()
        await asyncio.sleep(0.3)
        assert not other.done()  # waiting for the lock, not writing beside the first
        release.set()
        await asyncio.gather(task, other)
        rows = await first.fetch_all("SELECT key, value FROM settings ORDER BY key")
        assert [tuple(row) for row in rows] == [("k0", "a"), ("k1", "b")]
    finally:
        await first.close()
        await second.close()


@pytest.mark.skipif(not postgres.can_restart(), reason="needs a test cluster of its own")
async def test_the_database_comes_back_after_the_server_restarts(db: Database) -> None:
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO settings (key, value) VALUES ('before', '1')")
    postgres.stop_server()
    try:
        with pytest.raises(OPERATIONAL_ERRORS):
            await db.fetch_value("SELECT count(*) FROM settings")
        with pytest.raises(OPERATIONAL_ERRORS):
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO settings (key, value) VALUES ('during', '1')")
    finally:
        postgres.start_server()
    assert await db.fetch_value("SELECT count(*) FROM settings") == 1
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO settings (key, value) VALUES ('after', '1')")
    rows = await db.fetch_all("SELECT key FROM settings ORDER BY key")
    assert [row["key"] for row in rows] == ["after", "before"]


async def test_a_write_that_waited_too_long_for_the_lock_leaves_the_writer_ready(
    db: Database, database_url: str
) -> None:
    """Another process holding the write lock past the timeout: this write gets the busy
    error (a 503), and the next one, once the lock is free, goes through."""
    with psycopg.connect(database_url, autocommit=True) as other:
        other.execute("BEGIN")
        other.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        with pytest.raises(OPERATIONAL_ERRORS) as busy:
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO settings (key, value) VALUES ('refused', '1')")
        assert trouble(busy.value) == "busy"
        with pytest.raises(OPERATIONAL_ERRORS):
            await db.write_in_thread(
                lambda c: c.execute("INSERT INTO settings (key, value) VALUES ('also', '1')")
            )
        other.execute("ROLLBACK")
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO settings (key, value) VALUES ('after', '1')")
    await db.write_in_thread(
        lambda c: c.execute("INSERT INTO settings (key, value) VALUES ('again', '1')")
    )
    rows = await db.fetch_all("SELECT key FROM settings ORDER BY key")
    assert [row["key"] for row in rows] == ["after", "again"]


async def test_writes_run_read_committed_whatever_the_server_defaults_to(
    database_url: str,
) -> None:
    """The write lock makes a check under it see every earlier write only at READ COMMITTED:
    a server (or database) set to another default isolation does not change a write's."""
    with psycopg.connect(database_url, autocommit=True) as admin:
        name = admin.execute("SELECT current_database()").fetchone()
        assert name is not None
        admin.execute(
            f"ALTER DATABASE \"{name[0]}\" SET default_transaction_isolation = 'serializable'"
        )
    db = await Database.open(database_url)
    try:
        reads = await db.fetch_value("SELECT current_setting('transaction_isolation')")
        writes = await db.write_in_thread(
            lambda c: c.execute("SELECT current_setting('transaction_isolation')").fetchone()[0]
        )
    finally:
        await db.close()
    assert (reads, writes) == ("serializable", "read committed")


async def test_readers_that_cannot_connect_leave_nothing_open(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer connected, then the readers' pool did not fill in time (the server's
    connection slots taken, say): one clear error, and the writer's connection closed."""

    def connections() -> int:
        with psycopg.connect(database_url, autocommit=True) as probe:
            row = probe.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            ).fetchone()
            assert row is not None
            return int(row[0])

    async def slow_open(self: AsyncConnectionPool[Any], **options: Any) -> None:
        raise PoolTimeout("pool initialization incomplete after 10.0 sec")

    before = connections()
    monkeypatch.setattr(AsyncConnectionPool, "open", slow_open)
    with pytest.raises(DatabaseUnreachable, match="pool initialization incomplete"):
        await Database.open(database_url)
    assert connections() == before
