"""The SQLite database: a reader, one serialised writer, and forward-only migrations."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from contest.core.migrations import MIGRATIONS, Migration

Row = sqlite3.Row
Params = Sequence[Any] | dict[str, Any]
T = TypeVar("T")

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    # FULL syncs the WAL at every commit, so a power cut loses no acknowledged write; likes
    # are committed in groups, so the sync is paid once per batch, not once per like.
    "PRAGMA synchronous=FULL",
)


async def _connect(path: Path) -> aiosqlite.Connection:
    connection = await aiosqlite.connect(path, isolation_level=None)
    connection.row_factory = sqlite3.Row
    for pragma in PRAGMAS:
        await connection.execute(pragma)
    return connection


def _in_transaction(connection: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """Run ``work`` in ``BEGIN IMMEDIATE``: committed if it returns, rolled back if it raises."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        result = work(connection)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return result


def _create_private(path: Path) -> None:
    """Make the database's folder and file, if new, readable by their owner only (SQLite gives
    the WAL and shared-memory files the database file's permissions)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


class _WriterThread:
    """The writer's own ``sqlite3`` connection, opened and used only on one dedicated thread.

    Every write (a statement of ``transaction()``, or a whole ``write_in_thread`` function)
    runs there in the order it was handed over, so the hot path can run several statements
    in one trip without reaching into a library's private parts.
    """

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="contest-db-writer")
        self._connection: sqlite3.Connection | None = None

    async def open(self, path: Path) -> None:
        """Connect, on the writer's thread, with the same settings as every connection."""

        def connect() -> sqlite3.Connection:
            _create_private(path)
            connection = sqlite3.connect(path, isolation_level=None)
            connection.row_factory = sqlite3.Row
            for pragma in PRAGMAS:
                connection.execute(pragma)
            return connection

        self._connection = await self.run_raw(connect)

    async def run_raw(self, work: Callable[[], T]) -> T:
        """Run ``work()`` on the writer's thread."""
        return await asyncio.get_running_loop().run_in_executor(self._thread, work)

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work(connection)`` on the writer's thread."""
        connection = self._connection
        if connection is None:
            raise sqlite3.ProgrammingError("the database writer is closed")
        return await self.run_raw(lambda: work(connection))

    async def close(self) -> None:
        """Close the connection on its thread, then let the thread go."""
        connection, self._connection = self._connection, None
        if connection is not None:
            await self.run_raw(connection.close)
        self._thread.shutdown(wait=False)


class _Reads(ABC):
    """Queries that return rows, on whichever connection the subclass reads from."""

    # One trip to the connection's thread per query (execute, fetch and close together):
    # the hops, not SQLite, are what a request mostly waits for.

    @abstractmethod
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """All rows of a query."""

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        """The first row of a query, or None (meant for queries that return one row)."""
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row, or None."""
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]


class Database(_Reads):
    """Reads go to a shared reader; every write runs alone inside ``BEGIN IMMEDIATE``.

    The reader is an aiosqlite connection; the writer is a connection on a thread of its own
    (``_WriterThread``). Two requests sharing the writer would interleave their statements in
    one transaction, so a lock keeps one transaction at a time.
    """

    def __init__(self, reader: aiosqlite.Connection, writer: _WriterThread) -> None:
        self._reading = reader
        self._writer = writer
        self._write_lock = asyncio.Lock()

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """All rows of a query, from the reader."""
        return list(await self._reading.execute_fetchall(sql, params))

    @classmethod
    async def open(cls, path: Path, migrations: Iterable[Migration] = MIGRATIONS) -> Database:
        """Open (creating if needed) the database file and bring its schema up to date."""
        writer = _WriterThread()
        await writer.open(path)
        reader = await _connect(path)
        database = cls(reader, writer)
        await database.migrate(migrations)
        return database

    async def ping(self) -> None:
        """Answer one trivial query, or raise: for health checks."""
        await self.fetch_value("SELECT 1")

    async def close(self) -> None:
        """Close both connections."""
        await self._reading.close()
        await self._writer.close()

    async def migrate(self, migrations: Iterable[Migration]) -> list[str]:
        """Apply the migrations not yet recorded, in order, each in its own transaction;
        return the names applied.

        A step that rebuilds tables runs with foreign keys off, as SQLite's own procedure for
        changing a table asks, and is committed only if ``foreign_key_check`` then finds no
        row pointing nowhere.
        """
        async with self.transaction() as tx:
            await tx.execute(
                "CREATE TABLE IF NOT EXISTS migrations ("
                " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
            )
        applied: list[str] = []
        for migration in migrations:
            if migration.rebuilds_tables:
                await self._writer.run(lambda c: c.execute("PRAGMA foreign_keys=OFF"))
            try:
                if await self._apply(migration):
                    applied.append(migration.name)
            finally:
                if migration.rebuilds_tables:
                    await self._writer.run(lambda c: c.execute("PRAGMA foreign_keys=ON"))
        return applied

    async def _apply(self, migration: Migration) -> bool:
        """Apply one migration unless it is recorded (another process may have just done it)."""
        async with self.transaction() as tx:
            if await tx.fetch_value("SELECT 1 FROM migrations WHERE name = ?", (migration.name,)):
                return False
            for statement in migration.statements():
                await tx.execute(statement)
            broken = (
                await tx.fetch_all("PRAGMA foreign_key_check") if migration.rebuilds_tables else []
            )
            if broken:
                raise sqlite3.IntegrityError(
                    f"migration {migration.name} left {len(broken)} rows pointing nowhere,"
                    f" first in table {broken[0][0]}; nothing of it was kept"
                )
            await tx.execute("INSERT INTO migrations (name) VALUES (?)", (migration.name,))
        return True

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """A write transaction: committed on success, rolled back on any exception."""
        async with self._write_lock:
            await self._writer.run(lambda connection: connection.execute("BEGIN IMMEDIATE"))
            try:
                yield Transaction(self._writer)
            except BaseException:
                await self._writer.run(_roll_back)
                raise
            await self._writer.run(lambda connection: connection.execute("COMMIT"))

    async def write_in_thread(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run a synchronous ``work(connection)`` in one write transaction, in one trip.

        For hot paths that would otherwise pay a hop to the writer's thread per statement:
        the whole function runs on that thread, inside ``BEGIN IMMEDIATE``, under the same
        lock as ``transaction()``. It must be quick and must not touch the event loop.
        """
        async with self._write_lock:
            return await self._writer.run(lambda connection: _in_transaction(connection, work))


def _roll_back(connection: sqlite3.Connection) -> None:
    if connection.in_transaction:
        connection.execute("ROLLBACK")


class Transaction(_Reads):
    """Statements run on the writer inside one open transaction."""

    def __init__(self, writer: _WriterThread) -> None:
        self._writer = writer

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """All rows of a query, inside the transaction."""
        return await self._writer.run(lambda connection: connection.execute(sql, params).fetchall())

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement in one trip to the writer's thread; return the last inserted row id."""

        def run(connection: sqlite3.Connection) -> int:
            connection.execute(sql, params)
            (rowid,) = connection.execute("SELECT last_insert_rowid()").fetchone()
            return int(rowid or 0)

        return await self._writer.run(run)

    async def execute_rowcount(self, sql: str, params: Params = ()) -> int:
        """Run a statement; return how many rows it changed."""
        return await self._writer.run(lambda connection: connection.execute(sql, params).rowcount)

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        """Run a statement once per parameter set."""
        rows = list(rows)
        await self._writer.run(lambda connection: connection.executemany(sql, rows))
