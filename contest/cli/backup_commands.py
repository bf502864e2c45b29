"""The commands that copy a site's database, photo files and secret key to a backup folder
(a SQLite file and a photo folder, whatever the site runs on) and back."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import time
from pathlib import Path

from contest.cli.progress import progress, say, warn
from contest.config import Config
from contest.core import backup as backups
from contest.core import backup_folder
from contest.core.clock import utcnow
from contest.core.site_backup import backup_site
from contest.core.site_copy import SiteLocation


def _local_site(config: Config) -> tuple[Path, Path] | None:
    """The SQLite file and photo folder of a site kept on this machine; None for a site on
    PostgreSQL or with its photos in a bucket."""
    database, media = config.database, config.media_location
    if isinstance(database, Path) and isinstance(media, Path):
        return database, media
    return None


async def _back_up(
    config: Config, target: Path, on_progress: backups.Progress | None
) -> backup_folder.BackupReport:
    """A SQLite site through SQLite's online backup; any other through copy-data."""
    key_file = config.data_dir / backup_folder.KEY_FILE
    local = _local_site(config)
    if local is None:
        site = SiteLocation(config.database, config.media_location)
        return await backup_site(
            site, target, secret_key_file=key_file, now=utcnow(), on_progress=on_progress
        )
    database, media = local
    return await backups.backup(
        database, media, target, secret_key_file=key_file, now=utcnow(), on_progress=on_progress
    )


def _size(count: int) -> str:
    """A byte count as people read it."""
    if count < 1024:
        return f"{count} bytes"
    size = count / 1024
    for unit in ("KB", "MB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def _describe(report: backup_folder.BackupReport) -> str:
    tables = report.tables
    return (
        f"the database ({_size(report.database_bytes)}, {len(tables)} tables; users"
        f" {tables.get('users', 0)}, contests {tables.get('contests', 0)}, entries"
        f" {tables.get('entries', 0)}, likes {tables.get('likes', 0)}), {report.files} photo files"
        f" ({_size(report.media_bytes)})" + (", the secret key" if report.secret_key else "")
    )


def cmd_backup(config: Config, args: argparse.Namespace) -> int:
    """Copy the live database (a consistent snapshot, safe while the site runs), every photo
    file and the secret key into a new or empty folder, with a manifest, and check the copy."""
    started = time.monotonic()
    try:
        with progress("Copying photo files", quiet=args.quiet) as on_progress:
            report = asyncio.run(_back_up(config, Path(args.dir), on_progress))
    except backup_folder.BackupError as error:
        raise SystemExit(f"No backup made: {error.message}") from error
    say(
        args.quiet,
        f"Backed up to {report.path}: {_describe(report)}.",
        "Checked: SQLite's integrity check, row counts, and every file's SHA-256"
        f" ({time.monotonic() - started:.1f} s in all).",
    )
    if report.left_out:
        warn(
            args.quiet,
            f"Left out {len(report.left_out)} damaged photo files no entry uses"
            f" (listed in the manifest), e.g. {report.left_out[0]}.",
        )
    if not report.secret_key:
        warn(
            args.quiet,
            f"The secret key is not in {config.data_dir} (CONTEST_SECRET_KEY?): keep a copy"
            " of it with the backup, or voting links and voter cookies stop working.",
        )
    return 0


def cmd_restore(config: Config, args: argparse.Namespace) -> int:
    """Check a backup, copy it into an empty or missing data folder (CONTEST_DATA_DIR), and
    check the copy. The site must not be running on that folder."""
    local = _local_site(config)
    if local is None:
        raise SystemExit(
            "`contest restore` makes a site on SQLite with its photos in a folder; this one"
            " uses PostgreSQL or a bucket. Restore into a new data folder (CONTEST_DATA_DIR,"
            " without CONTEST_DATABASE or CONTEST_MEDIA_DIR), then move it there with"
            " `contest copy-data`."
        )
    database, media = local
    started = time.monotonic()
    try:
        with progress("Copying photo files", quiet=args.quiet) as on_progress:
            report = asyncio.run(
                backups.restore(
                    Path(args.dir),
                    config.data_dir,
                    database=database,
                    media=media,
                    secret_key_file=config.data_dir / backup_folder.KEY_FILE,
                    on_progress=on_progress,
                )
            )
    except backup_folder.BackupError as error:
        raise SystemExit(f"Nothing restored: {error.message}") from error
    say(
        args.quiet,
        f"Restored the backup of {report.created_at} into {report.path}: {_describe(report)}.",
        "Checked before and after copying: integrity, row counts, every file's SHA-256"
        f" ({time.monotonic() - started:.1f} s in all).",
    )
    if config.secret_key and report.secret_key:
        given = hashlib.sha256(config.secret_key.encode()).hexdigest()
        if given != report.secret_key_sha256:
            warn(
                args.quiet,
                "Warning: CONTEST_SECRET_KEY is set and differs from the restored key file;"
                " the site will use CONTEST_SECRET_KEY.",
            )
    say(args.quiet, "Start the site with `contest serve`.")
    return 0
