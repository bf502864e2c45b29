"""What copy-data does to a target's tables besides filling them: emptying an unfinished copy
before copying again, and setting the counters behind ``id`` columns after the copy, in each
database's own words."""

from __future__ import annotations

from collections.abc import Sequence

from contest.core.db import Database, Transaction
from contest.core.site_snapshot import POSTGRES_COUNTERS, quoted


async def empty_tables(db: Database, tables: Sequence[str]) -> None:
    """Empty the tables of an unfinished copy before copying again. The like log refuses to
    lose rows (its triggers): PostgreSQL's TRUNCATE passes row triggers by; on SQLite the
    triggers are dropped and made again, in the same transaction."""
    async with db.transaction() as tx:
        if db.kind == "postgresql":
            names = ", ".join(quoted(table) for table in tables)
            await tx.execute(f"TRUNCATE TABLE {names} RESTART IDENTITY")
            return
        triggers = await tx.fetch_all("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        for name, _ in triggers:
            await tx.execute(f"DROP TRIGGER {quoted(name)}")
        for table in reversed(tables):  # children before their parents
            await tx.execute(f"DELETE FROM {quoted(table)}")  # noqa: S608 - schema's names
        for _, sql in triggers:
            await tx.execute(sql)


async def set_id_counters(db: Database, source_counters: dict[str, int]) -> None:
    """Set each id counter of the target to the highest id given out in the source or now in
    the target, so that new rows never take an id again."""
    async with db.transaction() as tx:
        if db.kind == "postgresql":
            await _set_postgres_counters(tx, source_counters)
        else:
            await _set_sqlite_counters(tx, source_counters)


async def _set_postgres_counters(tx: Transaction, source_counters: dict[str, int]) -> None:
    for table, _ in await tx.fetch_all(POSTGRES_COUNTERS):
        highest = await tx.fetch_value(f"SELECT coalesce(max(id), 0) FROM {quoted(table)}")  # noqa: S608
        value = max(int(highest), source_counters.get(table, 0))
        # setval(sequence, n, true): the next id is n + 1; (1, false): the next id is 1.
        await tx.execute(
            "SELECT setval(pg_get_serial_sequence(?, 'id'), ?, ?)",
            (quoted(table), max(value, 1), value > 0),
        )


async def _set_sqlite_counters(tx: Transaction, source_counters: dict[str, int]) -> None:
    autoincrement = await tx.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'"
    )
    for (table,) in autoincrement:
        highest = await tx.fetch_value(f"SELECT coalesce(max(rowid), 0) FROM {quoted(table)}")  # noqa: S608
        value = max(int(highest), source_counters.get(table, 0))
        await tx.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
        await tx.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, value))
