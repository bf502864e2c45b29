"""The SQLite database: a reader, one serialised writer, and forward-only migrations."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
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
    "PRAGMA synchronous=NORMAL",
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


class _Reads:
    """Queries that return rows, on whichever connection the subclass reads from."""

    _reading: aiosqlite.Connection

    # One trip to the connection's thread per query (execute, fetch and close together):
    # the hops, not SQLite, are what a request mostly waits for.

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        """The first row of a query, or None (meant for queries that return one row)."""
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """All rows of a query."""
        return list(await self._reading.execute_fetchall(sql, params))

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row, or None."""
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]


class Database(_Reads):
    """Reads go to a shared reader; every write runs alone inside ``BEGIN IMMEDIATE``.

    aiosqlite gives each connection its own thread, so two requests sharing the writer would
    interleave their statements in one transaction. The lock keeps one transaction at a time.
    """

    def __init__(self, reader: aiosqlite.Connection, writer: aiosqlite.Connection) -> None:
        self._reading = reader
        self._writer = writer
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path, migrations: Iterable[Migration] = MIGRATIONS) -> Database:
        """Open (creating if needed) the database file and bring its schema up to date."""
        path.parent.mkdir(parents=True, exist_ok=True)
        writer = await _connect(path)
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
        """Apply the migrations not yet recorded, in order; return the names applied."""
        applied: list[str] = []
        async with self.transaction() as tx:
            await tx.execute(
                "CREATE TABLE IF NOT EXISTS migrations ("
                " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
            )
            done = {row["name"] for row in await tx.fetch_all("SELECT name FROM migrations")}
            for migration in migrations:
                if migration.name in done:
                    continue
                for statement in migration.statements():
                    await tx.execute(statement)
                await tx.execute("INSERT INTO migrations (name) VALUES (?)", (migration.name,))
                applied.append(migration.name)
        return applied

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """A write transaction: committed on success, rolled back on any exception."""
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield Transaction(self._writer)
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            await self._writer.execute("COMMIT")

    async def write_in_thread(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run a synchronous ``work(connection)`` in one write transaction, in one trip.

        For hot paths that would otherwise pay a hop to the writer's thread per statement:
        the whole function runs on that thread, inside ``BEGIN IMMEDIATE``, under the same
        lock as ``transaction()``. It must be quick and must not touch the event loop.
        """
        writer = self._writer
        async with self._write_lock:
            # aiosqlite runs queued functions on the connection's own thread; its public
            # methods are each one statement, and this needs several in one trip.
            result: T = await writer._execute(  # type: ignore[no-untyped-call]
                _in_transaction, writer._conn, work
            )
            return result


class Transaction(_Reads):
    """Statements run on the writer inside one open transaction."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._reading = connection

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement in one trip to the database thread; return the last inserted row id."""
        row = await self._connection.execute_insert(sql, params)
        return int(row[0]) if row is not None and row[0] is not None else 0

    async def execute_rowcount(self, sql: str, params: Params = ()) -> int:
        """Run a statement; return how many rows it changed."""
        async with self._connection.execute(sql, params) as cursor:
            return cursor.rowcount

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        """Run a statement once per parameter set."""
        await self._connection.executemany(sql, rows)
