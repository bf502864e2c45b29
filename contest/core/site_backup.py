"""Backups of a site whose database or photos are elsewhere than a SQLite file and a folder
(PostgreSQL, a bucket).

``copy-data`` copies the site into the backup folder's own layout (``contest.db``, a SQLite
file, and ``media/``), checking every table's rows and every file's hash as it goes; the
folder then gets the secret key and the manifest as any backup does. So ``restore`` checks
and takes it as it takes a backup of a SQLite site, and a restored site moves back to
PostgreSQL and a bucket with ``copy-data``. The copy reads PostgreSQL in one
snapshot, so the backup is consistent while the site goes on writing.
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime
from pathlib import Path

from contest.core.backup import Progress, seal
from contest.core.backup_folder import (
    DATABASE_FILE,
    MEDIA_FOLDER,
    BackupError,
    BackupReport,
    CopiedFile,
    hash_file,
    refuse_unless_empty,
    sidecars,
)
from contest.core.site_copy import CopyError, SiteLocation, copy_site


async def backup_site(
    source: SiteLocation,
    target: Path,
    *,
    secret_key_file: Path | None = None,
    now: datetime,
    on_progress: Progress | None = None,
) -> BackupReport:
    """Copy every row and photo file of ``source`` into ``target`` (a new or empty folder)
    as a backup, with the secret key and a manifest; BackupError saying why it stopped."""
    await asyncio.to_thread(_prepare, target)
    folder = SiteLocation(target / DATABASE_FILE, target / MEDIA_FOLDER)
    try:
        copied = await copy_site(source, folder, now=now, on_progress=on_progress)
    except CopyError as error:
        raise BackupError(error.message) from error
    return await asyncio.to_thread(
        _seal, target, secret_key_file, left_out=list(copied.left_out), now=now
    )


def _prepare(target: Path) -> None:
    refuse_unless_empty(target, "the backup folder")
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    target.chmod(0o700)  # it holds password hashes and the secret key


def _seal(
    target: Path, secret_key_file: Path | None, *, left_out: list[str], now: datetime
) -> BackupReport:
    _self_contained(target / DATABASE_FILE)
    media = target / MEDIA_FOLDER
    files: dict[str, CopiedFile] = {
        path.relative_to(media).as_posix(): hash_file(path) for path in sorted(media.glob("*/*/*"))
    }
    return seal(target, files, secret_key_file, left_out=left_out, now=now)


def _self_contained(database: Path) -> None:
    """Fold the copy's write-ahead log into the file and leave it in rollback-journal mode:
    a backup's database is one file, whose hash the manifest keeps."""
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode = DELETE")
    finally:
        connection.close()
    leftovers = [path.name for path in sidecars(database) if path.exists()]
    if leftovers:
        raise BackupError(f"the copied database kept {', '.join(leftovers)} beside it")
