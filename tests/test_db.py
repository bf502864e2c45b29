import sqlite3
from pathlib import Path

import anyio
import anyio.lowlevel
import pytest

from contest.core.db import Database
from contest.core.migrations import MIGRATIONS, Migration

pytestmark = pytest.mark.anyio


async def test_fresh_database_gets_every_migration_once(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.db")
    names = [row["name"] for row in await db.fetch_all("SELECT name FROM migrations")]
    assert names == [migration.name for migration in MIGRATIONS]
    assert await db.migrate(MIGRATIONS) == []
    await db.close()


async def test_reopening_applies_only_new_migrations(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    db = await Database.open(path)
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO settings (key, value) VALUES ('kept', 'yes')")
    await db.close()
    extra = Migration("9999_extra", "CREATE TABLE extra (id INTEGER PRIMARY KEY)")
    db = await Database.open(path, (*MIGRATIONS, extra))
    assert await db.fetch_value("SELECT value FROM settings WHERE key = 'kept'") == "yes"
    assert await db.fetch_value("SELECT count(*) FROM migrations") == len(MIGRATIONS) + 1
    await db.close()


async def test_wal_and_foreign_keys_are_on(db: Database) -> None:
    assert await db.fetch_value("PRAGMA journal_mode") == "wal"
    assert await db.fetch_value("PRAGMA foreign_keys") == 1
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
                " VALUES ('x', 999, 'a', 'b')"
            )


async def test_failed_transaction_leaves_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO settings (key, value) VALUES ('half', 'done')")
            raise RuntimeError("boom")
    assert await db.fetch_value("SELECT count(*) FROM settings") == 0


async def test_concurrent_writers_never_interleave(db: Database) -> None:
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO settings (key, value) VALUES ('counter', '0')")

    async def increment() -> None:
        async with db.transaction() as tx:
            value = int(await tx.fetch_value("SELECT value FROM settings WHERE key = 'counter'"))
            await anyio.lowlevel.checkpoint()  # give another writer every chance to interleave
            await tx.execute(
                "UPDATE settings SET value = ? WHERE key = 'counter'", (str(value + 1),)
            )

    async with anyio.create_task_group() as tasks:
        for _ in range(40):
            tasks.start_soon(increment)
    assert await db.fetch_value("SELECT value FROM settings WHERE key = 'counter'") == "40"


async def test_schema_refuses_impossible_contest_dates(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO contests (slug, title, hashtag, timezone, eligible_affiliations,"
                " max_entries_per_participant, submissions_open, submissions_close, judging_open,"
                " judging_close, voting_open, voting_close, results_at, created_at, updated_at)"
                " VALUES ('s', 'Title', 'tag', 'UTC', 'student', 1, '2026-02-01', '2026-01-01',"
                " '2026-02-02', '2026-02-03', '2026-02-02', '2026-02-03', '2026-02-04', 'x', 'x')"
            )
