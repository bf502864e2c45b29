"""Backups: the database, its photo files and the secret key, copied consistently and checked;
and their restore into an empty data folder, checked again.

A plain copy of a live ``contest.db`` misses what still sits in its write-ahead log (every
like acknowledged since the last checkpoint) and passes ``integrity_check`` all the same.
``backup`` takes the database through SQLite's online backup API instead: one consistent
snapshot, taken while the site goes on writing.

The photo files are consistent with that snapshot by this rule. Files are named by the hash
of their content and never change; a file is written before the row that names it and
removed only once no row names it. So every file the snapshot names existed when the
snapshot was taken, and copying the media folder afterwards can miss only a file whose row
was deleted since; a new snapshot then no longer names it, so the snapshot is taken again
(files already copied stay). At the end every file the backup's database names is in the
backup with the content its name promises, or the backup fails saying which file is not.

A backup folder holds ``contest.db`` (one self-contained file, no write-ahead log),
``media/`` (the storage folder's layout), ``secret_key`` when the site keeps one in its data
folder, and ``manifest.json``, written last: counts per table, the migrations applied, and
every file with its size and SHA-256. ``restore`` checks all of it before copying anything
and again after, and writes only into an empty or missing data folder.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from contest.core.backup_folder import (
    DATABASE_FILE,
    FORMAT,
    KEY_FILE,
    KEY_NOTE,
    MANIFEST_FILE,
    MEDIA_FOLDER,
    SNAPSHOT_ATTEMPTS,
    BackupError,
    BackupReport,
    CopiedFile,
    and_more,
    check_copy,
    check_folder,
    check_integrity,
    copy_file,
    create_private,
    digest_of,
    hash_file,
    migrations_in,
    named_keys,
    named_keys_in,
    read_manifest,
    read_only,
    refuse_unless_empty,
    report,
    sidecars,
    table_counts,
)
from contest.core.clock import to_db
from contest.core.storage import TEMPORARY_PREFIX, is_valid_key

#: Progress callback: photo files copied so far, photo files in all.
Progress = Callable[[int, int], None]


async def backup(
    database: Path,
    media: Path,
    target: Path,
    *,
    secret_key_file: Path | None = None,
    now: datetime,
    on_progress: Progress | None = None,
) -> BackupReport:
    """Copy the live database (a consistent snapshot), every photo file and the secret key
    into ``target``, a new or empty folder; check the copy; BackupError if anything is off.
    ``on_progress(done, total)`` hears of each photo file copied (or found copied already)."""
    return await asyncio.to_thread(
        _backup, database, media, target, secret_key_file, now, on_progress
    )


async def verify_backup(folder: Path) -> BackupReport:
    """Check a backup folder against its manifest; BackupError naming what is wrong."""
    return await asyncio.to_thread(check_folder, folder)


async def restore(
    source: Path,
    data_dir: Path,
    *,
    database: Path | None = None,
    media: Path | None = None,
    secret_key_file: Path | None = None,
    on_progress: Progress | None = None,
) -> BackupReport:
    """Check the backup in ``source``, copy it into ``data_dir`` (empty or missing; the
    database, media folder and key file default to their places in it) and check the copy.
    ``on_progress(done, total)`` hears of each photo file copied.

    The data folder and the database are made readable by their owner only.
    """
    return await asyncio.to_thread(
        _restore,
        source,
        data_dir,
        database or data_dir / DATABASE_FILE,
        media or data_dir / MEDIA_FOLDER,
        secret_key_file or data_dir / KEY_FILE,
        on_progress,
    )


# Backing up


def _backup(
    database: Path,
    media: Path,
    target: Path,
    secret_key_file: Path | None,
    now: datetime,
    on_progress: Progress | None,
) -> BackupReport:
    if not database.is_file():
        raise BackupError(f"there is no database at {database}")
    refuse_unless_empty(target, "the backup folder")
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    target.chmod(0o700)  # it holds password hashes and the secret key
    snapshot = target / DATABASE_FILE
    copied: dict[str, CopiedFile] = {}
    damaged: set[str] = set()
    for _attempt in range(SNAPSHOT_ATTEMPTS):
        _snapshot(database, snapshot)
        _copy_media(media, target / MEDIA_FOLDER, copied, damaged, on_progress)
        named = named_keys(snapshot)
        missing = sorted(named - copied.keys())
        if not missing:
            break
    else:
        _fail_on_missing(missing, damaged, media)
    return seal(target, copied, secret_key_file, left_out=sorted(damaged - named), now=now)


def seal(
    target: Path,
    copied: Mapping[str, CopiedFile],
    secret_key_file: Path | None,
    *,
    left_out: list[str],
    now: datetime,
) -> BackupReport:
    """Finish a backup folder whose database and photo files are in place: copy the secret
    key, write the manifest last, and check the whole folder against it."""
    secret = None
    if secret_key_file is not None and secret_key_file.is_file():
        secret = copy_file(secret_key_file, target / KEY_FILE, mode=0o600)
    manifest = _manifest(target / DATABASE_FILE, copied, secret, left_out=left_out, now=now)
    partial = target / (MANIFEST_FILE + ".partial")
    partial.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(partial, target / MANIFEST_FILE)
    return check_folder(target)


def _snapshot(database: Path, target: Path) -> None:
    """A consistent copy of the live database (the write-ahead log included) as one file."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    create_private(partial)
    source = sqlite3.connect(f"{database.resolve().as_uri()}?mode=rw", uri=True)
    try:
        source.execute("PRAGMA busy_timeout=5000")
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # in one step: a single read transaction, writers go on
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
    finally:
        source.close()
    os.replace(partial, target)


def _copy_media(
    media: Path,
    target: Path,
    copied: dict[str, CopiedFile],
    damaged: set[str],
    on_progress: Progress | None,
) -> None:
    """Copy every stored file not copied yet; a file whose content does not match its name
    is set aside in ``damaged``, and one removed meanwhile is passed over."""
    paths = sorted(media.glob("*/*/*"))
    tick = on_progress or (lambda done, total: None)
    for done, path in enumerate(paths):
        tick(done, len(paths))
        key = path.relative_to(media).as_posix()
        if path.name.startswith(TEMPORARY_PREFIX) or not is_valid_key(key) or key in copied:
            continue
        if key in damaged:
            continue
        destination = target / key
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            record = copy_file(path, destination, mode=0o644)
        except FileNotFoundError:
            destination.unlink(missing_ok=True)
            continue
        if record.sha256 != digest_of(key):
            destination.unlink()
            damaged.add(key)
            continue
        copied[key] = record
    tick(len(paths), len(paths))


def _fail_on_missing(missing: list[str], damaged: set[str], media: Path) -> NoReturn:
    broken = [key for key in missing if key in damaged]
    if broken:
        raise BackupError(
            f"{media / broken[0]} is damaged (its content does not match its name)"
            + and_more(len(broken))
        )
    invalid = [key for key in missing if not is_valid_key(key)]
    if invalid:
        raise BackupError(f"the database names {invalid[0]!r}, which is not a storage key")
    raise BackupError(
        f"the database names {media / missing[0]}, which the media folder lacks"
        + and_more(len(missing))
    )


def _manifest(
    snapshot: Path,
    files: Mapping[str, CopiedFile],
    secret: CopiedFile | None,
    *,
    left_out: list[str],
    now: datetime,
) -> dict[str, Any]:
    with read_only(snapshot) as connection:
        check_integrity(connection, f"the snapshot {snapshot}")
        tables = table_counts(connection)
        migrations = migrations_in(connection)
        named = len(named_keys_in(connection))
    database = hash_file(snapshot)
    return {
        "format": FORMAT,
        "created_at": to_db(now),
        "database": {"file": DATABASE_FILE, "bytes": database.size, "sha256": database.sha256},
        "tables": tables,
        "migrations": migrations,
        "media": {
            "folder": MEDIA_FOLDER,
            "named_by_database": named,
            "files": [
                {"key": key, "bytes": record.size, "sha256": record.sha256}
                for key, record in sorted(files.items())
            ],
        },
        "left_out": left_out,
        "secret_key": {
            "included": secret is not None,
            "file": KEY_FILE if secret is not None else None,
            "sha256": secret.sha256 if secret is not None else None,
            "note": KEY_NOTE
            if secret is not None
            else "Not in the data folder (CONTEST_SECRET_KEY?): keep the key with this backup. "
            + KEY_NOTE,
        },
    }


# Checking


# Restoring


def _restore(
    source: Path,
    data_dir: Path,
    database: Path,
    media: Path,
    secret_key_file: Path,
    on_progress: Progress | None,
) -> BackupReport:
    manifest = read_manifest(source)
    check_copy(
        manifest,
        database=source / DATABASE_FILE,
        media=source / MEDIA_FOLDER,
        secret_key_file=source / KEY_FILE,
        where="the backup",
    )
    refuse_unless_empty(data_dir, "the data folder")
    for path in (database, *sidecars(database), secret_key_file):
        if path.exists():
            raise BackupError(f"{path} already exists: restore only into an empty data folder")
    refuse_unless_empty(media, "the media folder")
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = database.with_name(database.name + ".partial")
    partial.unlink(missing_ok=True)
    copy_file(source / DATABASE_FILE, partial, mode=0o600)
    os.replace(partial, database)
    records = manifest["media"]["files"]
    for done, record in enumerate(records, start=1):
        destination = media / record["key"]
        destination.parent.mkdir(parents=True, exist_ok=True)
        copy_file(source / MEDIA_FOLDER / record["key"], destination, mode=0o644)
        if on_progress is not None:
            on_progress(done, len(records))
    if manifest["secret_key"]["included"]:
        copy_file(source / KEY_FILE, secret_key_file, mode=0o600)
    check_copy(
        manifest,
        database=database,
        media=media,
        secret_key_file=secret_key_file,
        where="the restored data folder",
    )
    return report(data_dir, manifest)


# Files and SQL
