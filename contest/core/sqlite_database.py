"""SQLite, the default database: one file, a reader and the writer's own connection."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import aiosqlite

from contest.core.db import Connection, Database, Params, Row, Transaction, WriterThread
from contest.core.migrations import Migration

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    # FULL syncs the WAL at every commit, so a power cut loses no acknowledged write; likes
    # are committed in groups, so the sync is paid once per batch, not once per like.
    "PRAGMA synchronous=FULL",
)


def _create_private(path: Path) -> None:
    """Make the database's folder and file, if new, readable by their owner only (SQLite gives
    the WAL and shared-memory files the database file's permissions)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def _connect_writer(path: Path) -> sqlite3.Connection:
    """The writer's connection, with the same settings as every connection."""
    _create_private(path)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.row_factory = sqlite3.Row
    for pragma in PRAGMAS:
        connection.execute(pragma)
    return connection


async def _connect_reader(path: Path) -> aiosqlite.Connection:
    connection = await aiosqlite.connect(path, isolation_level=None)
    connection.row_factory = sqlite3.Row
    for pragma in PRAGMAS:
        await connection.execute(pragma)
    return connection


class SqliteDatabase(Database):
    """Reads go to a shared aiosqlite reader; every write runs alone inside ``BEGIN
    IMMEDIATE`` (WAL mode lets the reader go on meanwhile)."""

    kind = "sqlite"

    def __init__(self, reader: aiosqlite.Connection, writer: WriterThread) -> None:
        super().__init__(writer)
        self._reading = reader

    @classmethod
    async def connect(cls, path: Path) -> SqliteDatabase:
        """Open (creating if needed) the database file, without migrating it."""
        writer = WriterThread()
        await writer.open(lambda: _connect_writer(path))
        return cls(await _connect_reader(path), writer)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """All rows of a query, from the reader."""
        return list(await self._reading.execute_fetchall(sql, params))

    async def close(self) -> None:
        """Close both connections."""
        await self._reading.close()
        await self._writer.close()

    def _begin(self, connection: Connection) -> None:
        connection.execute("BEGIN IMMEDIATE")

    async def _apply(self, migration: Migration) -> bool:
        """A step that rebuilds tables runs with foreign keys off, as SQLite's own procedure
        for changing a table asks: dropping a parent table with them on would delete every
        child row through ``ON DELETE CASCADE``."""
        if not migration.rebuilds_tables:
            return await super()._apply(migration)
        await self._writer.run(lambda c: c.execute("PRAGMA foreign_keys=OFF"))
        try:
            return await super()._apply(migration)
        finally:
            await self._writer.run(lambda c: c.execute("PRAGMA foreign_keys=ON"))

    async def _check_applied(self, tx: Transaction, migration: Migration) -> None:
        """A rebuild is committed only if ``foreign_key_check`` then finds no row pointing
        nowhere."""
        broken = await tx.fetch_all("PRAGMA foreign_key_check") if migration.rebuilds_tables else []
        if broken:
            raise sqlite3.IntegrityError(
                f"migration {migration.name} left {len(broken)} rows pointing nowhere,"
                f" first in table {broken[0][0]}; nothing of it was kept"
            )
