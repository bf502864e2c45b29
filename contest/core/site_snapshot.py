"""One database read as it stood at one moment, for ``site_copy``: a connection of its own on
a thread of its own, inside one read-only transaction (SQLite: a read transaction sees the
file as it was when it began; PostgreSQL: ``REPEATABLE READ``), so every table read belongs
to the same state of the site while the site goes on writing.

It reads the schema as each database reports it (tables, columns, foreign keys, the counters
behind ``id`` columns), and sums a table's rows up in a digest that does not depend on their
order or on which kind of database holds them, so a copy can be compared with its source.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import psycopg

from contest.core.db import is_postgres_url, sqlite_path
from contest.core.dialect import to_postgres

T = TypeVar("T")

#: Tables of the database's own bookkeeping rather than of the site: never copied or compared
#: (the target records its own migrations, and carries its own mark while being filled; the
#: leases of background rounds name the source's worker processes; the change feed's rows are
#: news for the source's own processes).
BOOKKEEPING = frozenset({"migrations", "copy_in_progress", "leases", "changes"})

_SQLITE_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
_SQLITE_COLUMNS = "SELECT name FROM pragma_table_info(?) ORDER BY cid"
_SQLITE_REFERENCES = (
    'SELECT m.name, f."table" FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f'
    " WHERE m.type = 'table'"
)
_SQLITE_HAS_COUNTERS = "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"
_POSTGRES_TABLES = (
    "SELECT table_name FROM information_schema.tables"
    " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
)
_POSTGRES_COLUMNS = (
    "SELECT column_name FROM information_schema.columns"
    " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position"
)
_POSTGRES_REFERENCES = (
    "SELECT child.relname, parent.relname FROM pg_constraint AS k"
    " JOIN pg_class AS child ON child.oid = k.conrelid"
    " JOIN pg_class AS parent ON parent.oid = k.confrelid"
    " WHERE k.contype = 'f' AND child.relnamespace = current_schema()::regnamespace"
)
#: The last number each ``id`` column's sequence gave out (0 for one never used). Only the
#: select list names the sequence: a condition might be tried on rows with no ``id`` first.
POSTGRES_COUNTERS = (
    "SELECT table_name, coalesce(pg_sequence_last_value("
    "pg_get_serial_sequence(quote_ident(table_name), 'id')::regclass), 0)"
    " FROM information_schema.columns WHERE table_schema = current_schema()"
    " AND column_name = 'id'"
    " AND (is_identity = 'YES' OR position('nextval(' IN coalesce(column_default, '')) = 1)"
)


def quoted(name: str) -> str:
    """A table or column name as an SQL identifier (names come from the schema itself)."""
    return '"' + name.replace('"', '""') + '"'


class Snapshot:
    """A read-only view of one database at one moment; every call runs on its own thread."""

    def __init__(self, kind: str, connection: Any, thread: ThreadPoolExecutor) -> None:
        #: "sqlite" or "postgresql", as ``Database.kind``.
        self.kind = kind
        self._connection = connection
        self._thread = thread
        self._cursors = 0

    @classmethod
    async def open(cls, target: str | Path) -> Snapshot | None:
        """Begin reading the database a setting names; None for a SQLite file that does not
        exist (nothing is created). psycopg.OperationalError when a server does not answer."""
        thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="contest-snapshot")
        loop = asyncio.get_running_loop()
        try:
            if is_postgres_url(target):
                connection = await loop.run_in_executor(thread, _connect_postgres, str(target))
                return cls("postgresql", connection, thread)
            path = sqlite_path(target)
            if not path.is_file():
                thread.shutdown(wait=False)
                return None
            reader = await loop.run_in_executor(thread, _connect_sqlite, path)
            return cls("sqlite", reader, thread)
        except BaseException:
            thread.shutdown(wait=False)
            raise

    async def _run(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, work)

    async def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """All rows of a query written in SQLite's words (translated for PostgreSQL)."""
        statement = to_postgres(sql) if self.kind == "postgresql" else sql
        return await self._run(
            lambda: [tuple(row) for row in self._connection.execute(statement, params).fetchall()]
        )

    async def table_names(self) -> set[str]:
        """Every table of the database, bookkeeping included."""
        sql = _POSTGRES_TABLES if self.kind == "postgresql" else _SQLITE_TABLES
        return {str(row[0]) for row in await self.query(sql)}

    async def site_tables(self) -> list[str]:
        """The site's tables, each after every table its foreign keys point to."""
        tables = await self.table_names() - BOOKKEEPING
        sql = _POSTGRES_REFERENCES if self.kind == "postgresql" else _SQLITE_REFERENCES
        references: dict[str, set[str]] = {table: set() for table in tables}
        for child, parent in await self.query(sql):
            if child in references and parent in tables and parent != child:
                references[child].add(parent)
        return parents_first(references)

    async def columns(self, table: str) -> list[str]:
        """A table's columns, in the order the database keeps them."""
        sql = _POSTGRES_COLUMNS if self.kind == "postgresql" else _SQLITE_COLUMNS
        return [str(row[0]) for row in await self.query(sql, (table,))]

    async def count(self, table: str) -> int:
        """How many rows a table holds."""
        rows = await self.query(f"SELECT count(*) FROM {quoted(table)}")  # noqa: S608 - schema's names
        return int(rows[0][0])

    async def id_counters(self) -> dict[str, int]:
        """The highest id each table has ever given out, where the database keeps it (SQLite's
        ``sqlite_sequence`` of AUTOINCREMENT tables, PostgreSQL's identity sequences): ids of
        deleted rows still live in links and logs, so a copy must not give them out again."""
        if self.kind == "postgresql":
            rows = await self.query(POSTGRES_COUNTERS)
        elif await self.query(_SQLITE_HAS_COUNTERS):
            rows = await self.query("SELECT name, seq FROM sqlite_sequence")
        else:  # no AUTOINCREMENT table yet
            rows = []
        return {str(name): int(value or 0) for name, value in rows}

    async def batches(
        self, table: str, columns: Sequence[str], size: int
    ) -> AsyncIterator[list[tuple[Any, ...]]]:
        """A table's rows in batches of ``size``, in the order of its first column (its id,
        so a row that points at an earlier row of its own table comes after it)."""
        names = ", ".join(quoted(column) for column in columns)
        sql = f"SELECT {names} FROM {quoted(table)} ORDER BY 1"  # noqa: S608 - schema's names
        self._cursors += 1
        # A server-side cursor on PostgreSQL, so the rows are not all in memory at once.
        name = f"snapshot_{self._cursors}" if self.kind == "postgresql" else None
        cursor = await self._run(
            lambda: self._connection.cursor(name=name) if name else self._connection.cursor()
        )
        try:
            await self._run(lambda: cursor.execute(sql))
            while batch := await self._run(lambda: cursor.fetchmany(size)):
                yield [tuple(row) for row in batch]
        finally:
            await self._run(cursor.close)

    async def digest(self, table: str, columns: Sequence[str], size: int) -> TableDigest:
        """The digest of a table's rows, read in batches."""
        digest = TableDigest()
        async for batch in self.batches(table, columns, size):
            digest.add(batch)
        return digest

    async def close(self) -> None:
        """End the read transaction and let the connection and its thread go."""
        try:
            await self._run(self._connection.close)
        finally:
            self._thread.shutdown(wait=False)


def _connect_sqlite(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None
    )
    connection.execute("PRAGMA busy_timeout=5000")
    connection.execute("BEGIN")  # the snapshot is taken at the first read
    return connection


def _connect_postgres(url: str) -> psycopg.Connection[Any]:
    connection = psycopg.connect(url, autocommit=False)
    connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    connection.read_only = (
        True  # the transaction begins, and its snapshot with it, at the first read
    )
    return connection


def parents_first(references: Mapping[str, Iterable[str]]) -> list[str]:
    """Tables ordered so that each comes after the tables it refers to (by name where the
    order is free); ValueError for a cycle, which no foreign-key order could load."""
    waiting = {table: set(parents) for table, parents in references.items()}
    ordered: list[str] = []
    while waiting:
        ready = sorted(table for table, parents in waiting.items() if not parents)
        if not ready:
            raise ValueError(f"the foreign keys of {sorted(waiting)} form a cycle")
        for table in ready:
            del waiting[table]
            ordered.append(table)
        for parents in waiting.values():
            parents.difference_update(ready)
    return ordered


def canonical(value: Any) -> Any:
    """A value as the digest sees it, the same whichever database held it: SQLite and
    PostgreSQL give the same Python types for the site's columns (int, float, str, None);
    flags become numbers and bytes their hex."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return {"hex": bytes(value).hex()}
    return value


class TableDigest:
    """An order-independent digest of rows: the SHA-256 of each row's canonical text, summed
    modulo 2**256 (a multiset hash). Two tables agree when they hold the same rows, in any
    order; unlike sorting the rows' texts, it needs no memory for a table of millions."""

    def __init__(self) -> None:
        self.rows = 0
        self._sum = 0

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        """Count rows in."""
        for row in rows:
            text = json.dumps([canonical(value) for value in row], ensure_ascii=False)
            self._sum += int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")
            self.rows += 1
        self._sum %= 2**256

    def hexdigest(self) -> str:
        """The digest as 64 hex digits."""
        return f"{self._sum:064x}"
