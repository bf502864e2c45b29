"""PostgreSQL, for several workers on several hosts: a pool of readers, the writer's own
connection, and a database-wide advisory lock that makes writes take turns as on SQLite.

The queries are SQLite's (``dialect`` rewrites them); values behave as SQLite's do, so a page
cannot tell the databases apart: readers bind parameters on the client as untyped literals
(SQLite's loose typing: ``? IS NULL``, ``OR ?`` with a flag, a number into a text column),
``sum()`` of integers is an ``int``, ``avg()`` a ``float`` and a comparison ``1`` or ``0``.
The writer sends its parameters apart, untyped, to statements prepared once per connection
(PostgreSQL takes each parameter's type from its column or comparison): the like hot path's
statements are then parsed and planned once, not at every like, which halves the server's
work per like.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.abc import AdaptContext
from psycopg.adapt import Dumper, Loader
from psycopg.pq import TransactionStatus
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from contest.core.db import Connection, Database, Params, Row, WriterThread
from contest.core.dialect import ddl, postgres_twin, sqlite_functions, to_postgres
from contest.core.migrations import Migration

#: The advisory lock every write transaction holds: SQLite's one-writer rule, database-wide.
WRITE_LOCK = 0x636F6E74  # "cont"
#: A write transaction's start: the isolation the lock is reasoned for (each statement sees
#: what was committed before it, so a check made under the lock sees every earlier write),
#: and the lock itself, sent as one message.
BEGIN_WRITE = (
    f"BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock({WRITE_LOCK})"
).encode()
#: How long a write waits for the lock before it gives up as busy (SQLite's busy_timeout).
LOCK_TIMEOUT = "5s"
#: libpq's TCP settings for every connection: one whose server vanished without a word (a
#: network dropped, a host powered off) fails within about a minute, instead of leaving the
#: writer waiting for the system's default of some fifteen. (Unix sockets ignore them.)
ALIVE: dict[str, Any] = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 60_000,  # milliseconds unacknowledged before the connection is dropped
}
#: Readers kept open per process.
READERS = 8
#: How long a request waits for a connection (a reader from the pool, or a new one).
WAIT_SECONDS = 5


class DatabaseUnreachable(Exception):
    """The PostgreSQL server named by the settings did not answer."""


def redacted(url: str) -> str:
    """A database URL fit for a message: the password replaced by ``***``, whether it is
    written before the host or as libpq's ``password=`` parameter."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        netloc = netloc.replace(f":{parts.password}@", ":***@", 1)
    query = "&".join(
        "password=***" if pair.split("=", 1)[0].lower() == "password" else pair
        for pair in parts.query.split("&")
    )
    if (netloc, query) == (parts.netloc, parts.query):
        return url  # (urlunsplit would drop the empty host of postgresql:///name)
    return urlunsplit(parts._replace(netloc=netloc, query=query))


class _Untyped(Dumper):
    """A Python number or bool as an untyped literal ('5', '1'), whose type PostgreSQL takes
    from where it stands, as SQLite does: an integer column takes '1' as a number, a condition
    (``OR ?``) as true, a text column as text. Integers beyond 64 bits are refused as
    ``sqlite3`` refuses them (OverflowError), before they reach the server."""

    oid = 0

    def dump(self, obj: Any) -> bytes:
        if isinstance(obj, bool):
            return b"1" if obj else b"0"
        if isinstance(obj, int) and not -(2**63) <= obj < 2**63:
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        return repr(obj).encode()


class _Number(Loader):
    """``numeric`` (a sum of integers, an average, a rounded value) as SQLite gives it: an
    ``int`` when whole and written without decimals, else a ``float``."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        return float(text) if any(mark in text for mark in ".eEN") else int(text)


class _Truth(Loader):
    """A ``boolean`` result (``x IS NULL``, ``a = b``) as SQLite gives it: 1 or 0."""

    def load(self, data: Any) -> int:
        return 1 if bytes(data) == b"t" else 0


def _adapt(context: AdaptContext) -> None:
    for kind in (bool, int, float):
        context.adapters.register_dumper(kind, _Untyped)
    context.adapters.register_loader("numeric", _Number)
    context.adapters.register_loader("bool", _Truth)


class PostgresRow(tuple[Any, ...]):
    """A row read by position or by column name, like ``sqlite3.Row``."""

    _index: ClassVar[dict[str, int]] = {}
    _names: ClassVar[tuple[str, ...]] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            index = self._index.get(key)
            if index is None:
                index = self._index[key.lower()]  # unquoted names are folded to lower case
            return tuple.__getitem__(self, index)
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


@lru_cache(maxsize=1024)
def _row_class(names: tuple[str, ...]) -> type[PostgresRow]:
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        index.setdefault(name, position)
    return type("Row", (PostgresRow,), {"_index": index, "_names": names, "__slots__": ()})


def _rows(cursor: Any) -> Callable[[Sequence[Any]], PostgresRow]:
    """psycopg's row factory: rows of one class per set of column names."""
    names = tuple(column.name for column in cursor.description or ())
    return _row_class(names)


class _WriterConnection:
    """The writer's psycopg connection behind ``sqlite3``'s calls (``execute`` returning a
    cursor, ``executemany``, ``in_transaction``), reconnecting between transactions after
    the server went away."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._raw = self._connect()

    def _connect(self) -> psycopg.Connection[Any]:
        raw = psycopg.connect(
            self._url,
            autocommit=True,
            row_factory=_rows,
            connect_timeout=WAIT_SECONDS,
            prepare_threshold=0,
            **ALIVE,
        )
        _adapt(raw)
        raw.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        return raw

    @property
    def in_transaction(self) -> bool:
        return self._raw.info.transaction_status != TransactionStatus.IDLE

    def begin(self) -> None:
        """Begin a write transaction holding the write lock, in one round trip; on a fresh
        connection if this one was lost (the server restarted): a lost connection often
        shows only when used, and nothing of a transaction has been sent yet, so one more
        try is safe. (A lock not had in time is an error to report, not to retry.)"""
        if self._raw.closed or self._raw.broken:
            self._raw = self._connect()
        elif self.in_transaction:  # left open by a task cancelled half-way: undo it first
            self._raw.execute("ROLLBACK")
        try:
            self._raw.execute(BEGIN_WRITE, prepare=False)
        except psycopg.OperationalError:
            if not (self._raw.closed or self._raw.broken):
                raise
            self._raw.close()
            self._raw = self._connect()
            self._raw.execute(BEGIN_WRITE, prepare=False)

    def execute(self, sql: str, parameters: Params = (), /) -> psycopg.Cursor[Any]:
        return self._raw.execute(to_postgres(sql), parameters)

    def executemany(self, sql: str, parameters: Iterable[Params], /) -> psycopg.Cursor[Any]:
        cursor = self._raw.cursor()
        cursor.executemany(to_postgres(sql), list(parameters))
        return cursor

    def run_script(self, sql: str) -> None:
        """Run SQL as written, several statements, no parameters (no rewriting either)."""
        self._raw.execute(sql.encode(), prepare=False)

    def close(self) -> None:
        self._raw.close()


class PostgresDatabase(Database):
    """Reads from a pool of autocommit connections; writes on the writer's connection, each
    transaction holding ``pg_advisory_xact_lock(WRITE_LOCK)`` from its start."""

    kind = "postgresql"

    def __init__(self, url: str, pool: AsyncConnectionPool[Any], writer: WriterThread) -> None:
        super().__init__(writer)
        self.url = url
        self._pool = pool

    @classmethod
    async def connect(cls, url: str) -> PostgresDatabase:
        """Connect the writer and the readers; DatabaseUnreachable, naming the server (not
        its password), when it does not answer (nothing is left open then)."""
        writer = WriterThread()
        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=READERS,
            open=False,
            kwargs={"autocommit": True, "cursor_factory": psycopg.AsyncClientCursor, **ALIVE},
            configure=_configure_reader,
            # A request waits this long for a reader while the server is away, then gets
            # its 503 (SQLite's busy timeout is as long).
            timeout=WAIT_SECONDS,
        )
        try:
            await writer.open(lambda: _WriterConnection(url))
            await pool.open(wait=True, timeout=10)
            database = cls(url, pool, writer)
            await writer.run(
                lambda connection: database._in_transaction(connection, _define_functions)
            )
        except (psycopg.OperationalError, PoolTimeout) as error:
            await pool.close()
            await writer.close()
            text = str(error).strip()
            reason = text.splitlines()[0] if text else "no answer"
            raise DatabaseUnreachable(
                f"cannot reach the PostgreSQL database at {redacted(url)}: {reason}"
            ) from error
        return database

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """All rows of a query, from a pooled reader (tried once more on a fresh connection
        when the first one turns out to have been lost)."""
        query = to_postgres(sql)
        for attempt in (1, 2):
            async with self._pool.connection() as connection:
                try:
                    cursor = await connection.execute(query, params)
                    return list(await cursor.fetchall()) if cursor.description else []
                except psycopg.OperationalError:
                    if attempt == 2 or not connection.broken:
                        raise
        raise AssertionError("unreachable")

    async def close(self) -> None:
        """Close the readers and the writer."""
        await self._pool.close()
        await self._writer.close()

    def _begin(self, connection: Connection) -> None:
        if not isinstance(connection, _WriterConnection):
            raise TypeError("PostgreSQL's writes go through the writer's own connection")
        connection.begin()

    def _statements(self, migration: Migration) -> list[str]:
        """The migration's PostgreSQL twin if it has one, else its statements translated."""
        twin = postgres_twin(migration.name)
        if twin is not None:
            return Migration(migration.name, twin).statements()
        return [ddl(statement) for statement in migration.statements()]


async def _configure_reader(connection: psycopg.AsyncConnection[Any]) -> None:
    _adapt(connection)
    connection.row_factory = _rows


def _define_functions(connection: Connection) -> None:
    """Give the database the SQLite functions and collation the queries use, unless it has
    them in this very version (marked in a comment on one of them)."""
    script = sqlite_functions()
    mark = hashlib.sha256(script.encode()).hexdigest()[:16]
    (found,) = connection.execute(
        "SELECT obj_description(to_regprocedure('json_each(text)'), 'pg_proc')"
    ).fetchone()
    if found != mark and isinstance(connection, _WriterConnection):
        connection.run_script(script)
        connection.run_script(f"COMMENT ON FUNCTION json_each(text) IS '{mark}'")
