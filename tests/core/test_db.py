import hashlib
import sqlite3
from pathlib import Path

import anyio
import anyio.lowlevel
import pytest

from contest.core.db import INTEGRITY_ERRORS, Database
from contest.core.migrations import (
    MIGRATIONS,
    Migration,
    SchemaFileError,
    load,
    schema_folder,
)

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


@pytest.mark.sqlite_only
async def test_wal_and_foreign_keys_are_on(db: Database) -> None:
    assert await db.fetch_value("PRAGMA journal_mode") == "wal"
    assert await db.fetch_value("PRAGMA foreign_keys") == 1
    with pytest.raises(INTEGRITY_ERRORS):
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


async def test_work_in_the_writers_thread_is_all_or_nothing_and_waits_its_turn(
    db: Database,
) -> None:
    def half_then_fail(connection: sqlite3.Connection) -> None:
        connection.execute("INSERT INTO settings (key, value) VALUES ('half', 'done')")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await db.write_in_thread(half_then_fail)
    assert await db.fetch_value("SELECT count(*) FROM settings") == 0

    def add_one(connection: sqlite3.Connection) -> int:
        (value,) = connection.execute("SELECT count(*) FROM settings").fetchone()
        connection.execute("INSERT INTO settings (key, value) VALUES (?, '')", (f"k{value}",))
        return int(value)

    async def in_a_transaction() -> None:
        async with db.transaction() as tx:
            count = await tx.fetch_value("SELECT count(*) FROM settings")
            await anyio.lowlevel.checkpoint()  # a thread's work must not slip in here
            await tx.execute("INSERT INTO settings (key, value) VALUES (?, '')", (f"k{count}",))

    async with anyio.create_task_group() as tasks:
        for index in range(30):
            if index % 2:
                tasks.start_soon(in_a_transaction)
            else:
                tasks.start_soon(db.write_in_thread, add_one)
    assert await db.fetch_value("SELECT count(*) FROM settings") == 30


async def test_a_closed_database_refuses_writes(tmp_path: Path) -> None:
    closed = await Database.open(tmp_path / "closed.db")
    await closed.close()
    with pytest.raises(sqlite3.ProgrammingError):
        async with closed.transaction():
            pass


async def test_schema_refuses_impossible_contest_dates(db: Database) -> None:
    with pytest.raises(INTEGRITY_ERRORS):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO contests (slug, title, hashtag, timezone, eligible_affiliations,"
                " max_entries_per_participant, submissions_open, submissions_close, judging_open,"
                " judging_close, voting_open, voting_close, results_at, created_at, updated_at)"
                " VALUES ('s', 'Title', 'tag', 'UTC', 'student', 1, '2026-02-01', '2026-01-01',"
                " '2026-02-02', '2026-02-03', '2026-02-02', '2026-02-03', '2026-02-04', 'x', 'x')"
            )


# The steps shipped before the SQL moved into schema/*.sql, and a fingerprint of the schema
# they built then: the sha256 of `SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY
# name`, one repr(tuple) per line, taken from a database migrated by the old Python-string
# migrations. Shipped steps are never edited, so this never changes; new steps come after.
SHIPPED = (
    "0001_accounts",
    "0002_contests",
    "0003_entries",
    "0004_judging",
    "0005_likes",
    "0006_gallery",
    "0007_replies",
    "0008_like_signatures",
    "0009_campaigns",
    "0010_counted_likes",
)
SHIPPED_SCHEMA_SHA256 = "d347b53dd4180b37e04e3db2474c585068e2d66bd733175d432cdac4b9ea6fce"


async def test_every_schema_file_is_applied_in_order(tmp_path: Path) -> None:
    files = sorted(file.name for file in schema_folder().iterdir())
    assert files and all(name.endswith(".sql") for name in files)
    names = [name.removesuffix(".sql") for name in files]
    assert [migration.name for migration in MIGRATIONS] == names
    for migration in MIGRATIONS:
        text = (schema_folder() / f"{migration.name}.sql").read_text(encoding="utf-8")
        assert migration.sql == text
    db = await Database.open(tmp_path / "a.db")
    recorded = [
        row["name"] for row in await db.fetch_all("SELECT name FROM migrations ORDER BY rowid")
    ]
    await db.close()
    assert recorded == names


async def test_shipped_steps_build_the_schema_they_always_built(tmp_path: Path) -> None:
    shipped = MIGRATIONS[: len(SHIPPED)]
    assert tuple(migration.name for migration in shipped) == SHIPPED
    db = await Database.open(tmp_path / "a.db", shipped)
    rows = await db.fetch_all("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
    await db.close()
    schema = "\n".join(repr(tuple(row)) for row in rows)
    assert hashlib.sha256(schema.encode()).hexdigest() == SHIPPED_SCHEMA_SHA256, schema


def test_schema_files_load_in_the_order_of_their_numbers(tmp_path: Path) -> None:
    (tmp_path / "0002_second.sql").write_text("CREATE TABLE b (id INTEGER);\n")
    (tmp_path / "0001_first.sql").write_text("CREATE TABLE a (id INTEGER);\n")
    loaded = load(tmp_path)
    assert [migration.name for migration in loaded] == ["0001_first", "0002_second"]
    assert loaded[0].statements() == ["CREATE TABLE a (id INTEGER)"]


@pytest.mark.parametrize(
    "name",
    [
        "2_second.sql",
        "0002-second.sql",
        "0002_Second.sql",
        "0002_second.SQL",
        "0002_second.sql.bak",
        "0002_.sql",
        "README.md",
    ],
)
def test_a_misnamed_schema_file_is_refused(tmp_path: Path, name: str) -> None:
    (tmp_path / "0001_first.sql").write_text("CREATE TABLE a (id INTEGER);\n")
    (tmp_path / name).write_text("CREATE TABLE b (id INTEGER);\n")
    with pytest.raises(SchemaFileError, match=r"NNNN_name\.sql") as refused:
        load(tmp_path)
    assert repr(name) in str(refused.value)


@pytest.mark.parametrize(
    "names",
    [("0001_first.sql", "0003_third.sql"), ("0001_first.sql", "0001_again.sql"), ("0002_b.sql",)],
)
def test_schema_numbers_that_skip_or_repeat_are_refused(
    tmp_path: Path, names: tuple[str, ...]
) -> None:
    for name in names:
        (tmp_path / name).write_text("SELECT 1;\n")
    with pytest.raises(SchemaFileError, match="no gap or repeat"):
        load(tmp_path)


@pytest.mark.sqlite_only
async def test_every_commit_is_synced_to_disk(db: Database) -> None:
    assert await db.fetch_value("PRAGMA synchronous") == 2  # FULL: a power cut loses no commit


async def test_a_new_data_folder_and_database_are_private_to_their_owner(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    database = await Database.open(folder / "contest.db")
    try:
        async with database.transaction() as tx:  # a write, so the WAL exists
            await tx.execute("INSERT INTO settings (key, value) VALUES ('k', 'v')")
        assert folder.stat().st_mode & 0o777 == 0o700
        for name in ("contest.db", "contest.db-wal", "contest.db-shm"):
            assert (folder / name).stat().st_mode & 0o077 == 0, name
    finally:
        await database.close()
