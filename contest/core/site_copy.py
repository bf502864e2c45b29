"""Moving a site: every row and every photo file copied from one database and media store to
another (a SQLite file and a folder, PostgreSQL and an S3-compatible bucket, any way round),
checked, and never into a site that already holds something.

The steps, and why in this order:

1. The target is looked at before anything is written to it. A target with a row in any of
   the site's tables, or a file in its media store, is refused, unless it carries the mark of
   an unfinished copy: then this is the rerun that finishes it, and its tables are emptied.
2. The mark goes in first (the migration that makes its table is applied before the others),
   then the rest of the schema. From then on, until the last step, ``ensure_complete`` keeps
   the site from starting on the target: half a site must never be served.
3. Rows, table by table with parents first, in batches, all from one snapshot of the source
   (``site_snapshot``), with their ids. The counters behind the ids are then set to the
   highest id the source ever gave out, so no id of a deleted row (which links and logs still
   name) is given out again.
4. Photo files, by key: each read, checked against the SHA-256 its key names, stored. A file
   some row names must be there; one no row names that vanished meanwhile is passed over.
5. The check: per table, the row count and an order-independent digest of the rows, equal
   on both sides; every file read back from the target with the SHA-256 its key names.
6. Only then is the mark removed.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg

from contest.core.backup_folder import and_more, digest_of
from contest.core.clock import to_db
from contest.core.db import Database, is_postgres_url
from contest.core.migrations import MIGRATIONS
from contest.core.postgres_database import redacted
from contest.core.site_snapshot import BOOKKEEPING, Snapshot, TableDigest, quoted
from contest.core.site_target import empty_tables, set_id_counters
from contest.core.storage import Storage, is_valid_key, open_storage

if TYPE_CHECKING:
    from contest.core.s3_storage import S3Settings

#: Progress callback: steps done so far, steps in all (each row and file, copied then checked).
Progress = Callable[[int, int], None]
#: Rows read and written per transaction.
BATCH_ROWS = 500
#: Photo files moved at once (a bucket answers each request in tens of milliseconds).
FILES_AT_ONCE = 8
MARK_MIGRATION = next(step for step in MIGRATIONS if step.name.endswith("_copy_in_progress"))


@dataclass(frozen=True)
class SiteLocation:
    """Where a site keeps its data: a database (a SQLite file or a ``postgresql://`` URL) and
    its photo files (a folder or a bucket)."""

    database: str | Path
    media: Path | S3Settings

    def describe(self) -> str:
        """The location in one line, fit to print (a database password is hidden)."""
        media = self.media if isinstance(self.media, Path) else self.media.url
        return f"{shown_database(self.database)} with photos in {media}"


def shown_database(database: str | Path) -> str:
    """A database setting fit to print: a server's password hidden."""
    return (
        redacted(database)
        if isinstance(database, str) and is_postgres_url(database)
        else str(database)
    )


@dataclass(frozen=True)
class CopyReport:
    """What a finished copy holds: rows per table, photo files and their bytes."""

    tables: dict[str, int]
    files: int
    media_bytes: int
    #: Whether this run finished an earlier, interrupted copy.
    finished_earlier_copy: bool = False
    left_out: tuple[str, ...] = field(default=())

    @property
    def rows(self) -> int:
        """Rows in all tables."""
        return sum(self.tables.values())


class CopyError(Exception):
    """A copy refused or stopped; the message says why in one line. ``target_marked`` tells
    whether the target now carries the mark of an unfinished copy (run again to finish)."""

    def __init__(self, message: str, *, target_marked: bool) -> None:
        super().__init__(message)
        self.message = message
        self.target_marked = target_marked


class IncompleteCopy(Exception):
    """The database is a copy that copy-data has not finished: the site must not start on it."""


async def ensure_complete(db: Database) -> None:
    """IncompleteCopy if the database carries the mark of an unfinished copy."""
    row = await db.fetch_one("SELECT source, started_at FROM copy_in_progress LIMIT 1")
    if row is not None:
        raise IncompleteCopy(
            "This database is a copy still being made by copy-data (from"
            f" {row['source']}, begun {row['started_at']}); run `contest copy-data` again to"
            " finish it. The site will not start on it until then."
        )


async def copy_site(
    source: SiteLocation,
    target: SiteLocation,
    *,
    now: datetime,
    on_progress: Progress | None = None,
) -> CopyReport:
    """Copy every row and photo file of ``source`` into ``target`` (empty, or an unfinished
    copy) and check the copy; CopyError saying why when refused or stopped."""
    snapshot = await _open_source(source)
    try:
        try:
            await _check_source(snapshot, source)
            unfinished = await _check_target(target)
            source_store, target_store = open_storage(source.media), open_storage(target.media)
            listed = await asyncio.to_thread(source_store.all_keys)
            if not unfinished:
                await _refuse_unless_no_files(target_store, target)
            db = await _open_target(target)
        except CopyError:
            raise
        except Exception as error:  # a bucket or server that does not answer, a damaged file
            raise CopyError(_reason(error), target_marked=False) from error
        try:
            await _mark(db, source, now)
            await db.migrate(MIGRATIONS)
            job = _Job(snapshot, db, source_store, target_store, on_progress)
            return await job.run(target, listed, unfinished=unfinished)
        except CopyError:
            raise
        except Exception as error:
            raise CopyError(f"the copy stopped: {_reason(error)}", target_marked=True) from error
        finally:
            await db.close()
    finally:
        await snapshot.close()


def _reason(error: Exception) -> str:
    """An error in one line: its message, or its name when it has none."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


async def _snapshot(location: SiteLocation, side: str) -> Snapshot | None:
    """A snapshot of the source's or the target's database (None if there is none yet)."""
    try:
        return await Snapshot.open(location.database)
    except psycopg.OperationalError as error:
        raise CopyError(
            f"cannot reach the {side} database {shown_database(location.database)}:"
            f" {_reason(error)}",
            target_marked=False,
        ) from error


async def _open_source(source: SiteLocation) -> Snapshot:
    snapshot = await _snapshot(source, "source")
    if snapshot is None:
        raise CopyError(
            f"there is no database at {shown_database(source.database)}", target_marked=False
        )
    return snapshot


async def _check_source(snapshot: Snapshot, source: SiteLocation) -> None:
    """The source must be a finished site of this very version (the same schema)."""
    name = shown_database(source.database)
    tables = await snapshot.table_names()
    if "migrations" not in tables:
        raise CopyError(
            f"{name} is not a contest site's database",
            target_marked=False,
        )
    if "copy_in_progress" in tables and await snapshot.count("copy_in_progress"):
        raise CopyError(
            f"{name} is itself an unfinished copy: finish that copy first",
            target_marked=False,
        )
    recorded = {str(row[0]) for row in await snapshot.query("SELECT name FROM migrations")}
    known = {step.name for step in MIGRATIONS}
    if recorded - known:
        raise CopyError(
            f"{name} was made by a newer version of the site (migration"
            f" {min(recorded - known)}): copy it with that version",
            target_marked=False,
        )
    if known - recorded:
        raise CopyError(
            f"{name} lacks migration {min(known - recorded)}: start the site on it"
            " with this version once (or run `contest init`), then copy",
            target_marked=False,
        )


async def _check_target(target: SiteLocation) -> bool:
    """Whether the target is an unfinished copy; CopyError if it holds a site's data."""
    snapshot = await _snapshot(target, "target")
    if snapshot is None:
        return False
    try:
        tables = await snapshot.table_names()
        if "copy_in_progress" in tables and await snapshot.count("copy_in_progress"):
            return True
        filled = [
            f"{table} ({count} row{'' if count == 1 else 's'})"
            for table in sorted(tables - BOOKKEEPING)
            if (count := await snapshot.count(table))
        ]
    finally:
        await snapshot.close()
    if filled:
        raise CopyError(
            f"the target database {shown_database(target.database)} already holds data,"
            f" in {filled[0]}" + and_more(len(filled)) + ": copy only into an empty database",
            target_marked=False,
        )
    return False


async def _refuse_unless_no_files(store: Storage, target: SiteLocation) -> None:
    keys = await asyncio.to_thread(store.all_keys)
    if keys:
        media = target.media if isinstance(target.media, Path) else target.media.url
        raise CopyError(
            f"the target media store {media} already holds {len(keys)} photo files, e.g."
            f" {keys[0]}: copy only into an empty folder or bucket prefix",
            target_marked=False,
        )


async def _open_target(target: SiteLocation) -> Database:
    """Open the target with only the mark's table, so that the mark can go in first."""
    db = await Database.open(target.database, migrations=())
    try:
        await db.migrate([MARK_MIGRATION])
    except BaseException:
        await db.close()
        raise
    return db


async def _mark(db: Database, source: SiteLocation, now: datetime) -> None:
    """Mark the target unfinished, before any table but the mark's own exists in a new one."""
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM copy_in_progress")
        await tx.execute(
            "INSERT INTO copy_in_progress (source, started_at) VALUES (?, ?)",
            (source.describe(), to_db(now)),
        )


class _Job:
    """One copy under way: the source's snapshot, the target, and what was seen so far."""

    def __init__(
        self,
        snapshot: Snapshot,
        db: Database,
        source_store: Storage,
        target_store: Storage,
        on_progress: Progress | None,
    ) -> None:
        self.snapshot = snapshot
        self.db = db
        self.source_store = source_store
        self.target_store = target_store
        self.tick = on_progress or (lambda done, total: None)
        self.done = 0
        self.total = 0
        self.digests: dict[str, TableDigest] = {}
        self.columns: dict[str, list[str]] = {}
        #: Every storage key a copied row names.
        self.named: set[str] = set()
        #: Bytes of each file copied, by key.
        self.files: dict[str, int] = {}

    def step(self, count: int = 1) -> None:
        self.done += count
        self.tick(self.done, self.total)

    async def run(self, target: SiteLocation, listed: list[str], *, unfinished: bool) -> CopyReport:
        tables = await self.snapshot.site_tables()
        rows = sum([await self.snapshot.count(table) for table in tables])
        self.total = 2 * (rows + len(listed))  # each row and file copied, then checked
        self.tick(0, self.total)
        if unfinished:
            await empty_tables(self.db, tables)
        for table in tables:
            await self.copy_table(table)
        await set_id_counters(self.db, await self.snapshot.id_counters())
        left_out = await self.copy_files(listed)
        await self.check(target, tables)
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM copy_in_progress")
        self.tick(self.total, self.total)
        return CopyReport(
            tables={table: self.digests[table].rows for table in tables},
            files=len(self.files),
            media_bytes=sum(self.files.values()),
            finished_earlier_copy=unfinished,
            left_out=tuple(left_out),
        )

    async def copy_table(self, table: str) -> None:
        columns = self.columns[table] = await self.snapshot.columns(table)
        names = ", ".join(quoted(column) for column in columns)
        marks = ", ".join("?" for _ in columns)
        insert = f"INSERT INTO {quoted(table)} ({names}) VALUES ({marks})"  # noqa: S608 - schema's names
        digest = self.digests[table] = TableDigest()
        async for batch in self.snapshot.batches(table, columns, BATCH_ROWS):
            async with self.db.transaction() as tx:
                await tx.execute_many(insert, batch)
            digest.add(batch)
            self.named.update(_keys_named(batch))
            self.step(len(batch))

    async def copy_files(self, listed: list[str]) -> list[str]:
        """Copy every listed file and every file a row names; return the keys left out (no
        row names them: gone meanwhile, or damaged)."""
        keys = sorted(set(listed) | self.named)
        self.total += 2 * (len(keys) - len(listed))
        problems: dict[str, str] = {}
        for start in range(0, len(keys), FILES_AT_ONCE):
            chunk = keys[start : start + FILES_AT_ONCE]
            found = await asyncio.gather(*(self.copy_file(key) for key in chunk))
            problems |= {key: problem for key, problem in zip(chunk, found, strict=True) if problem}
            self.step(len(chunk))
        named = [problem for key, problem in sorted(problems.items()) if key in self.named]
        if named:
            raise CopyError(named[0] + and_more(len(named)), target_marked=True)
        return sorted(problems)

    async def copy_file(self, key: str) -> str | None:
        """Copy one file; what is wrong with it in the source, or None once copied."""
        try:
            data = await asyncio.to_thread(self.source_store.read, key)
        except FileNotFoundError:
            return f"the source's rows name the photo file {key}, which its media store lacks"
        if hashlib.sha256(data).hexdigest() != digest_of(key):
            return f"the photo file {key} is damaged in the source (its content is not its name's)"
        stored = await asyncio.to_thread(self.target_store.put, data, key.rsplit(".", 1)[-1])
        if stored != key:
            return f"the photo file {key} was stored in the target as {stored}"
        self.files[key] = len(data)
        return None

    async def check(self, target: SiteLocation, tables: Sequence[str]) -> None:
        """Compare the target with what was read from the source; CopyError on a difference."""
        problems: list[str] = []
        snapshot = await Snapshot.open(target.database)
        assert snapshot is not None, "the target was just written"
        try:
            for table in tables:
                source, columns = self.digests[table], self.columns[table]
                if sorted(await snapshot.columns(table)) != sorted(columns):
                    problems.append(f"the table {table} has other columns in the target")
                    continue
                copy = await snapshot.digest(table, columns, BATCH_ROWS)
                self.step(copy.rows)
                if copy.rows != source.rows:
                    problems.append(
                        f"{table} has {source.rows} rows in the source, {copy.rows} in the copy"
                    )
                elif copy.hexdigest() != source.hexdigest():
                    problems.append(f"{table} holds other rows in the copy than in the source")
        finally:
            await snapshot.close()
        keys = sorted(self.files)
        for start in range(0, len(keys), FILES_AT_ONCE):
            chunk = keys[start : start + FILES_AT_ONCE]
            intact = await asyncio.gather(
                *(asyncio.to_thread(self._stored_intact, key) for key in chunk)
            )
            problems += [
                f"the photo file {key} is missing or damaged in the target"
                for key, fine in zip(chunk, intact, strict=True)
                if not fine
            ]
            self.step(len(chunk))
        if problems:
            raise CopyError(problems[0] + and_more(len(problems)), target_marked=True)

    def _stored_intact(self, key: str) -> bool:
        try:
            data = self.target_store.read(key)
        except FileNotFoundError:
            return False
        return hashlib.sha256(data).hexdigest() == digest_of(key)


def _keys_named(rows: Sequence[Sequence[Any]]) -> set[str]:
    """The storage keys in rows: a column holding a key, or keys separated by spaces."""
    named: set[str] = set()
    for row in rows:
        for value in row:
            if isinstance(value, str) and (".jpg" in value or ".png" in value):
                named.update(token for token in value.split() if is_valid_key(token))
    return named
