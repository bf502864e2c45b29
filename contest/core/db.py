"""The database: reads, one serialised writer, and forward-only migrations, on SQLite (a file,
the default) or PostgreSQL (a server, for several workers and hosts).

``Database.open(target)`` chooses by the target: a ``postgresql://`` URL opens
``postgres_database.PostgresDatabase``, anything else (a path, or ``sqlite:///path``) a file
with ``sqlite_database.SqliteDatabase``. Both run every write on one connection of their own,
on a thread of its own, one transaction at a time; each takes the database-wide write lock
when it begins (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL), so a check
then write (a budget, a throttle, a count) holds across processes and hosts too. Queries are
written once, in SQLite's words; ``dialect`` translates them for PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

import psycopg

from contest.core.migrations import MIGRATIONS, Migration

Params = Sequence[Any] | dict[str, Any]
T = TypeVar("T")

#: A constraint refused a write (a duplicate, a foreign key, a check), on either database.
INTEGRITY_ERRORS: tuple[type[Exception], ...] = (sqlite3.IntegrityError, psycopg.IntegrityError)
#: The database could not answer (busy, locked, unreachable, out of space), on either database.
OPERATIONAL_ERRORS: tuple[type[Exception], ...] = (
    sqlite3.OperationalError,
    psycopg.OperationalError,
)

#: How SQLite words a database held by another process, and a disk it cannot write.
_BUSY_WORDS = ("database is locked", "database table is locked", "database is busy")
_FULL_WORDS = ("database or disk is full", "disk i/o error")


def trouble(exc: BaseException) -> Literal["busy", "full"] | None:
    """What a database failure means for the person waiting: "busy" (try again shortly: a
    lock held too long, a server that is restarting or unreachable), "full" (no space left),
    or None for an error that is not the database's condition."""
    if isinstance(exc, psycopg.errors.DiskFull):
        return "full"
    if isinstance(exc, psycopg.OperationalError):
        return "busy"
    if isinstance(exc, sqlite3.OperationalError):
        words = str(exc).lower()
        if any(busy in words for busy in _BUSY_WORDS):
            return "busy"
        if any(full in words for full in _FULL_WORDS):
            return "full"
    return None


class Row(Protocol):
    """A row as queries return it, on either database: by position (``row[0]``, unpacking)
    and by column name (``row["title"]``, ``dict(row)``)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> list[str]: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...


class Cursor(Protocol):
    """What a statement run on the writer's connection gives back."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """The writer's connection as ``write_in_thread`` hands it to its work: ``sqlite3``'s own,
    or PostgreSQL's behind the same three calls."""

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, parameters: Params = (), /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Params], /) -> Cursor: ...

    def close(self) -> None: ...


class WriterThread:
    """The writer's own connection, opened and used only on one dedicated thread.

    Every write (a statement of ``transaction()``, or a whole ``write_in_thread`` function)
    runs there in the order it was handed over, so the hot path can run several statements
    in one trip without reaching into a library's private parts.
    """

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="contest-db-writer")
        self._connection: Connection | None = None

    async def open(self, connect: Callable[[], Connection]) -> None:
        """Connect, on the writer's thread."""
        self._connection = await self.run_raw(connect)

    async def run_raw(self, work: Callable[[], T]) -> T:
        """Run ``work()`` on the writer's thread."""
        return await asyncio.get_running_loop().run_in_executor(self._thread, work)

    async def run(self, work: Callable[[Connection], T]) -> T:
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

    # One trip to the connection per query (execute, fetch and close together): the hops,
    # not the database, are what a request mostly waits for.

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
    """Reads go to the subclass's readers; every write runs alone on the writer's connection,
    inside a transaction that holds the database's write lock from its first statement.

    Two requests sharing the writer would interleave their statements in one transaction, so
    a lock keeps one transaction at a time in this process; the database's own lock does so
    across processes.
    """

    #: Which database this is, for the few places that must know ("sqlite", "postgresql").
    kind: str

    def __init__(self, writer: WriterThread) -> None:
        self._writer = writer
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(
        cls, target: str | Path, migrations: Iterable[Migration] = MIGRATIONS
    ) -> Database:
        """Open (creating if needed) the database and bring its schema up to date: a
        ``postgresql://`` URL, or else a SQLite file (a path, or ``sqlite:///path``)."""
        # The backends build on this module, so they are imported when one is chosen.
        if is_postgres_url(target):
            from contest.core.postgres_database import PostgresDatabase

            database: Database = await PostgresDatabase.connect(str(target))
        else:
            from contest.core.sqlite_database import SqliteDatabase

            database = await SqliteDatabase.connect(sqlite_path(target))
        try:
            await database.migrate(migrations)
        except BaseException:
            await database.close()
            raise
        return database

    async def ping(self) -> None:
        """Answer one trivial query, or raise: for health checks."""
        await self.fetch_value("SELECT 1")

    @abstractmethod
    async def close(self) -> None:
        """Close every connection."""

    @abstractmethod
    def _begin(self, connection: Connection) -> None:
        """Begin a write transaction holding the database-wide write lock."""

    async def migrate(self, migrations: Iterable[Migration]) -> list[str]:
        """Apply the migrations not yet recorded, in order, each in its own transaction;
        return the names applied."""
        async with self.transaction() as tx:
            await tx.execute(
                "CREATE TABLE IF NOT EXISTS migrations ("
                " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
            )
        recorded = {row[0] for row in await self.fetch_all("SELECT name FROM migrations")}
        applied: list[str] = []
        for migration in migrations:
            if migration.name not in recorded and await self._apply(migration):
                applied.append(migration.name)
        return applied

    async def _apply(self, migration: Migration) -> bool:
        """Apply one migration unless it is recorded (another process may have just done it)."""
        async with self.transaction() as tx:
            if await tx.fetch_value("SELECT 1 FROM migrations WHERE name = ?", (migration.name,)):
                return False
            for statement in self._statements(migration):
                await tx.execute(statement)
            await self._check_applied(tx, migration)
            await tx.execute("INSERT INTO migrations (name) VALUES (?)", (migration.name,))
        return True

    def _statements(self, migration: Migration) -> list[str]:
        """A migration's statements as this database runs them."""
        return migration.statements()

    async def _check_applied(self, tx: Transaction, migration: Migration) -> None:
        """Raise, undoing the migration, if it left the database inconsistent."""

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """A write transaction: committed on success, rolled back on any exception."""
        async with self._write_lock:
            try:
                # Inside the try: a begin that fails half-way (the lock not granted in time)
                # is rolled back too, so the writer's connection is left ready for the next.
                await self._writer.run(self._begin)
                yield Transaction(self._writer)
            except BaseException:
                await self._writer.run(_roll_back)
                raise
            await self._writer.run(lambda connection: connection.execute("COMMIT"))

    async def write_in_thread(self, work: Callable[[Connection], T]) -> T:
        """Run a synchronous ``work(connection)`` in one write transaction, in one trip.

        For hot paths that would otherwise pay a hop to the writer's thread per statement:
        the whole function runs on that thread, inside the write lock, under the same lock as
        ``transaction()``. It must be quick and must not touch the event loop.
        """
        async with self._write_lock:
            return await self._writer.run(lambda connection: self._in_transaction(connection, work))

    def _in_transaction(self, connection: Connection, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in a write transaction: committed if it returns, rolled back if not."""
        try:
            self._begin(connection)
            result = work(connection)
            connection.execute("COMMIT")
        except BaseException:
            _roll_back(connection)
            raise
        return result


def _roll_back(connection: Connection) -> None:
    """Undo an open transaction; a connection already lost has nothing left to undo (and the
    error that lost it is the one to report)."""
    with contextlib.suppress(*OPERATIONAL_ERRORS):
        if connection.in_transaction:
            connection.execute("ROLLBACK")


def is_postgres_url(target: str | Path) -> bool:
    """Whether a database setting names a PostgreSQL server rather than a SQLite file."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def sqlite_path(target: str | Path) -> Path:
    """The file a SQLite setting names: a path, or a ``sqlite:///path`` URL."""
    text = str(target)
    return Path(text.removeprefix("sqlite://")) if text.startswith("sqlite://") else Path(text)


class Transaction(_Reads):
    """Statements run on the writer inside one open transaction."""

    def __init__(self, writer: WriterThread) -> None:
        self._writer = writer

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """All rows of a query, inside the transaction."""
        return await self._writer.run(lambda connection: connection.execute(sql, params).fetchall())

    async def execute(self, sql: str, params: Params = ()) -> None:
        """Run a statement in one trip to the writer's thread."""
        await self._writer.run(lambda connection: connection.execute(sql, params))

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an ``INSERT`` into a table with an ``id`` column; return the new row's id."""
        row = await self._writer.run(
            lambda connection: connection.execute(f"{sql} RETURNING id", params).fetchone()
        )
        return int(row[0])

    async def execute_rowcount(self, sql: str, params: Params = ()) -> int:
        """Run a statement; return how many rows it changed."""
        return await self._writer.run(lambda connection: connection.execute(sql, params).rowcount)

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        """Run a statement once per parameter set."""
        rows = list(rows)
        await self._writer.run(lambda connection: connection.executemany(sql, rows))
