"""A backup folder: its layout, its manifest and the checks that hold it to the manifest;
the file and SQLite helpers that taking and restoring a backup share (see backup.py)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contest.core.migrations import MIGRATIONS
from contest.core.storage import is_valid_key

FORMAT = "contest-backup/1"
DATABASE_FILE = "contest.db"
MEDIA_FOLDER = "media"
KEY_FILE = "secret_key"
MANIFEST_FILE = "manifest.json"
#: The ``entries`` columns that name a file in storage (``media.photos.KEY_COLUMNS``; core
#: may not import media, and a test keeps the two lists equal). ``uploads.keys`` names the
#: files of uploads held for a form with errors, separated by spaces.
ENTRY_KEY_COLUMNS = ("thumb_key", "display_key", "master_key", "source_key", "share_card_key")
#: How many snapshots to take before giving up on files vanishing under the copy.
SNAPSHOT_ATTEMPTS = 3
KEY_NOTE = (
    "The secret key signs form tokens, voting links and voter cookies, and keys the hashes"
    " that name email voters and visitors. Restore it with the database: under another key,"
    " links already mailed stop working and every email voter could vote a second time."
)
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore refused, or failed its check; the message says why in one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class BackupReport:
    """What a backup holds (or a restore put in place), from its checked manifest."""

    path: Path
    created_at: str
    tables: Mapping[str, int]
    migrations: tuple[str, ...]
    database_bytes: int
    files: int
    media_bytes: int
    secret_key: bool
    #: The key file's SHA-256, to compare with a key given otherwise.
    secret_key_sha256: str | None = None
    #: Damaged files no row names, left out of the backup (their names say what they held).
    left_out: tuple[str, ...] = field(default=())

    @property
    def total_bytes(self) -> int:
        """The database and the photo files together."""
        return self.database_bytes + self.media_bytes


def check_folder(folder: Path) -> BackupReport:
    manifest = read_manifest(folder)
    check_copy(
        manifest,
        database=folder / DATABASE_FILE,
        media=folder / MEDIA_FOLDER,
        secret_key_file=folder / KEY_FILE,
        where="the backup",
    )
    return report(folder, manifest)


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST_FILE
    if not folder.is_dir():
        raise BackupError(f"there is no backup folder at {folder}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BackupError(f"{path} is missing: not a backup, or one that did not finish") from error
    except (OSError, ValueError) as error:
        raise BackupError(f"{path} cannot be read: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a manifest this version reads (format {FORMAT})")
    try:
        report(folder, manifest)  # reads every count and size
        texts = [manifest["database"]["sha256"], *manifest["migrations"]]
        for record in manifest["media"]["files"]:
            texts += [record["key"], record["sha256"]]
        if not all(isinstance(text, str) for text in texts):
            raise TypeError("a text field holds something else")
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise BackupError(f"{path} is incomplete or damaged: {error!r}") from error
    unknown = set(manifest["migrations"]) - {migration.name for migration in MIGRATIONS}
    if unknown:
        raise BackupError(
            f"the backup was made by a newer version of the site (migration {min(unknown)}):"
            " restore it with that version"
        )
    return manifest


def check_copy(
    manifest: Mapping[str, Any],
    *,
    database: Path,
    media: Path,
    secret_key_file: Path,
    where: str,
) -> None:
    """Everything the manifest promises, found in the files at hand; BackupError naming the
    first thing that is not (and how many more there are)."""
    problems: list[str] = []
    expected = manifest["database"]
    if not database.is_file():
        raise BackupError(f"{database} is missing from {where}")
    found = hash_file(database)
    if (found.size, found.sha256) != (expected["bytes"], expected["sha256"]):
        raise BackupError(f"{database} in {where} is damaged: it differs from the manifest")
    with read_only(database) as connection:
        check_integrity(connection, f"{database} in {where}")
        counts = table_counts(connection)
        migrations = migrations_in(connection)
        named = named_keys_in(connection)
    if counts != manifest["tables"]:
        differ = sorted(
            name
            for name in counts.keys() | manifest["tables"].keys()
            if counts.get(name) != manifest["tables"].get(name)
        )
        problems.append(f"{database} in {where} has other row counts than the manifest: {differ}")
    if migrations != manifest["migrations"]:
        problems.append(f"{database} in {where} records other migrations than the manifest")
    listed = {record["key"]: record for record in manifest["media"]["files"]}
    unlisted = sorted(named - listed.keys())
    if unlisted:
        problems.append(f"the database names {unlisted[0]}, which the manifest does not list")
    for key, record in sorted(listed.items()):
        path = media / key
        if not is_valid_key(key):
            problems.append(f"the manifest lists {key!r}, which is not a storage key")
        elif not path.is_file():
            problems.append(f"{path} is missing from {where}")
        else:
            copy = hash_file(path)
            if (copy.size, copy.sha256) != (record["bytes"], record["sha256"]) or (
                copy.sha256 != digest_of(key)
            ):
                problems.append(f"{path} in {where} is damaged: its content is not what was saved")
    secret = manifest["secret_key"]
    if secret["included"]:
        if not secret_key_file.is_file():
            problems.append(f"{secret_key_file} is missing from {where}")
        elif hash_file(secret_key_file).sha256 != secret["sha256"]:
            problems.append(f"{secret_key_file} in {where} differs from the manifest")
    if problems:
        raise BackupError(problems[0] + and_more(len(problems)))


def report(path: Path, manifest: Mapping[str, Any]) -> BackupReport:
    files = manifest["media"]["files"]
    return BackupReport(
        path=path,
        created_at=str(manifest["created_at"]),
        tables={str(name): int(count) for name, count in manifest["tables"].items()},
        migrations=tuple(str(name) for name in manifest["migrations"]),
        database_bytes=int(manifest["database"]["bytes"]),
        files=len(files),
        media_bytes=sum(int(record["bytes"]) for record in files),
        secret_key=bool(manifest["secret_key"]["included"]),
        secret_key_sha256=manifest["secret_key"].get("sha256"),
        left_out=tuple(str(key) for key in manifest.get("left_out", ())),
    )


def sidecars(database: Path) -> list[Path]:
    """SQLite's files beside a database: a stale log there would be replayed into the copy."""
    return [database.with_name(database.name + end) for end in ("-wal", "-shm", "-journal")]


@dataclass(frozen=True)
class CopiedFile:
    size: int
    sha256: str


def refuse_unless_empty(folder: Path, what: str) -> None:
    if not folder.exists():
        return
    if not folder.is_dir():
        raise BackupError(f"{what} {folder} is a file, not a folder")
    if any(folder.iterdir()):
        raise BackupError(f"{what} {folder} is not empty: give a new or empty folder")


def create_private(path: Path) -> None:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def copy_file(source: Path, target: Path, *, mode: int) -> CopiedFile:
    """Copy a file to a new path, synced to disk; its size and SHA-256 as read."""
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as reading:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(descriptor, "wb") as writing:
            while chunk := reading.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                writing.write(chunk)
            writing.flush()
            os.fsync(writing.fileno())
    return CopiedFile(size, digest.hexdigest())


def hash_file(path: Path) -> CopiedFile:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as reading:
        while chunk := reading.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return CopiedFile(size, digest.hexdigest())


def digest_of(key: str) -> str:
    """The SHA-256 a key promises (``ab/cd/<sha256>.jpg``)."""
    return key.rsplit("/", 1)[-1].split(".", 1)[0]


@contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to a database file that is not live (no log beside it)."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield connection
    finally:
        connection.close()


def check_integrity(connection: sqlite3.Connection, what: str) -> None:
    try:
        rows = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{what} is not a sound SQLite database: {error}") from error
    if rows != ["ok"]:
        raise BackupError(f"{what} fails SQLite's integrity check: {rows[0]}")


def table_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = [
        str(row[0])
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]
    return {
        name: int(connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])  # noqa: S608 - names from the schema
        for name in names
    }


def migrations_in(connection: sqlite3.Connection) -> list[str]:
    try:
        rows = connection.execute("SELECT name FROM migrations ORDER BY name").fetchall()
    except sqlite3.OperationalError:
        return []
    return [str(row[0]) for row in rows]


def named_keys(database: Path) -> set[str]:
    with read_only(database) as connection:
        return named_keys_in(connection)


def named_keys_in(connection: sqlite3.Connection) -> set[str]:
    """Every file a row names: entries' photo files and share cards, held uploads' files."""
    tables = {
        str(row[0])
        for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
    }
    named: set[str] = set()
    if "entries" in tables:
        columns = {str(row[1]) for row in connection.execute("PRAGMA table_info(entries)")}
        for column in ENTRY_KEY_COLUMNS:
            if column in columns:
                query = f"SELECT {column} FROM entries WHERE {column} IS NOT NULL"  # noqa: S608 - fixed names
                named.update(str(row[0]) for row in connection.execute(query))
    if "uploads" in tables:
        for (keys,) in connection.execute("SELECT keys FROM uploads"):
            named.update(str(keys).split())
    return named


def and_more(count: int) -> str:
    return f" (and {count - 1} more)" if count > 1 else ""
