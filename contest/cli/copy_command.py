"""``contest copy-data``: move a site, every row and photo file, between a SQLite file with a
media folder and PostgreSQL with an S3-compatible bucket (either way), checked on arrival."""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from pathlib import Path

from contest.cli.backup_commands import _size
from contest.cli.progress import progress, say, warn
from contest.config import Config
from contest.core import site_copy
from contest.core.clock import utcnow
from contest.core.s3_storage import S3Settings

EXAMPLES = """\
FROM defaults to this site (CONTEST_DATABASE and CONTEST_MEDIA_DIR, or DATA_DIR's contest.db
and media folder); TO must be given. A database is a SQLite file or a
postgresql://user@host/name URL (keep the password out of the command line: PGPASSWORD or
~/.pgpass); photos are a folder or an S3-compatible bucket, s3://bucket/prefix, reached with
AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION.

Examples:
  this site to PostgreSQL and a bucket:
    contest copy-data --to-database postgresql://contest@db.example.org/contest \\
                      --to-media s3://library-photos/contest
  and back to a SQLite file and a folder:
    contest copy-data --from-database postgresql://contest@db.example.org/contest \\
                      --from-media s3://library-photos/contest \\
                      --to-database /srv/contest/contest.db --to-media /srv/contest/media

The target must be empty: a database with any row, or photos already in the folder or
bucket prefix, is refused and nothing is written. Stop the site first, or at least expect
what is written meanwhile not to be copied (the copy reads one consistent moment).
If the copy stops half-way (an error, Ctrl-C), the target is marked unfinished: the site
refuses to start on it, and the same command run again empties it and copies again.
The secret key is not copied: give the new site the same CONTEST_SECRET_KEY (or the same
DATA_DIR/secret_key file), or voting links and voter cookies stop working."""


def add_copy_options(parser: argparse.ArgumentParser) -> None:
    """The options of ``copy-data``: where from (default: this site), where to."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.description = " ".join((cmd_copy_data.__doc__ or "").split())
    parser.epilog = EXAMPLES
    parser.add_argument("--from-database", metavar="DATABASE", help="default: this site's database")
    parser.add_argument(
        "--from-media", metavar="MEDIA", help="default: this site's photo folder or bucket"
    )
    parser.add_argument(
        "--to-database",
        metavar="DATABASE",
        required=True,
        help="a SQLite file (new or empty) or an empty PostgreSQL database's URL",
    )
    parser.add_argument(
        "--to-media",
        metavar="MEDIA",
        required=True,
        help="a folder (new or empty) or s3://bucket/prefix (with nothing under the prefix)",
    )


def media_location(value: str) -> Path | S3Settings:
    """A photo folder or ``s3://`` bucket as CONTEST_MEDIA_DIR names it, with the bucket's
    settings from the environment as the site reads them."""
    return Config.from_environ({**os.environ, "CONTEST_MEDIA_DIR": value}).media_location


def cmd_copy_data(config: Config, args: argparse.Namespace) -> int:
    """Copy every row and photo file of this site (or of --from-database and --from-media)
    into an empty database and photo store, then check the copy: row counts and a SHA-256 of
    each table's rows on both sides, and every file's SHA-256."""
    source = site_copy.SiteLocation(
        database=args.from_database or config.database,
        media=media_location(args.from_media) if args.from_media else config.media_location,
    )
    target = site_copy.SiteLocation(args.to_database, media_location(args.to_media))
    started = time.monotonic()
    try:
        with progress("Copying rows and photo files", quiet=args.quiet) as on_progress:
            report = asyncio.run(
                site_copy.copy_site(source, target, now=utcnow(), on_progress=on_progress)
            )
    except site_copy.CopyError as error:
        if error.target_marked:
            raise SystemExit(
                f"Copy not finished: {error.message}.\nThe target is marked unfinished, so the"
                " site will not start on it: put the cause right and run the same command"
                " again to finish."
            ) from error
        raise SystemExit(f"Nothing copied: {error.message}.") from error
    except KeyboardInterrupt as interrupt:
        raise SystemExit(
            "Interrupted. If the copy had begun, the target is marked unfinished and the site"
            " will not start on it: run the same command again to finish."
        ) from interrupt
    tables = report.tables
    say(
        args.quiet,
        f"Copied {source.describe()}\n    to {target.describe()}:",
        f"{report.rows} rows in {len(tables)} tables (users {tables.get('users', 0)}, contests"
        f" {tables.get('contests', 0)}, entries {tables.get('entries', 0)}, likes"
        f" {tables.get('likes', 0)}), {report.files} photo files ({_size(report.media_bytes)}).",
        "Checked: row counts and a SHA-256 of each table's rows on both sides, and every"
        f" file's SHA-256 ({time.monotonic() - started:.1f} s in all).",
        "Point the site at it with CONTEST_DATABASE and CONTEST_MEDIA_DIR, and keep its"
        " secret key (CONTEST_SECRET_KEY or DATA_DIR/secret_key).",
    )
    if report.finished_earlier_copy:
        say(args.quiet, "This run finished an earlier copy that had stopped half-way.")
    if report.left_out:
        warn(
            args.quiet,
            f"Left out {len(report.left_out)} photo files no row names (gone meanwhile, or"
            f" damaged), e.g. {report.left_out[0]}.",
        )
    return 0
