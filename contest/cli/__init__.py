"""The ``contest`` command: serve the site, set up the database, seed the demo, add users,
back up and restore. Long commands show a progress bar on a terminal (rich, on standard error)
and a summary; ``--quiet`` leaves only errors and warnings."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from contest.accounts import emails, users
from contest.cli.backup_commands import cmd_backup, cmd_restore
from contest.cli.copy_command import add_copy_options, cmd_copy_data
from contest.cli.progress import Progress, progress, say
from contest.cli.serve_command import cmd_serve, default_connection_limit
from contest.config import ENVIRONMENT, Config
from contest.core.clock import utcnow
from contest.core.db import Database
from contest.core.errors import ValidationError
from contest.core.postgres_database import DatabaseUnreachable
from contest.core.security import Passwords
from contest.core.site_copy import shown_database
from contest.core.storage import open_storage
from contest.demo import contests as demo
from contest.i18n import LOCALES

T = TypeVar("T")


def _with_database(config: Config, work: Callable[[Database], Awaitable[T]]) -> T:
    async def run() -> T:
        db = await Database.open(config.database)
        try:
            return await work(db)
        finally:
            await db.close()

    return asyncio.run(run())


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (at least 10 characters): ")
    if getpass.getpass("Same password again: ") != first:
        raise SystemExit("The two passwords differ; nothing was changed.")
    return first


def _add_user(config: Config, args: argparse.Namespace, role: str) -> int:
    password = _read_password(args)

    async def work(db: Database) -> int:
        return await users.create_user(
            db,
            Passwords(),
            email=args.email,
            display_name=args.name,
            password=password,
            role=role,
            affiliation=args.affiliation,
            department=args.department,
            now=utcnow(),
        )

    try:
        user_id = _with_database(config, work)
    except ValidationError as error:
        raise SystemExit("Not added: " + " ".join(error.errors.values())) from error
    print(f"Added {role} {emails.normalize_email(args.email)} (id {user_id}).")
    return 0


def cmd_init(config: Config, args: argparse.Namespace) -> int:
    """Create the database (applying migrations) and the first organizer."""
    config = config.with_secret_key()
    organizers = _with_database(
        config, lambda db: db.fetch_value("SELECT count(*) FROM users WHERE role = 'organizer'")
    )
    print(f"Database ready at {shown_database(config.database)}.")
    if organizers and not args.email:
        print("An organizer already exists; nothing else to do.")
        return 0
    if not args.email:
        raise SystemExit("Give --email and --name to create the first organizer.")
    return _add_user(config, args, "organizer")


def cmd_demo(config: Config, args: argparse.Namespace) -> int:
    """Seed the demo contest and accounts (safe to run again)."""

    async def work(db: Database) -> bool:
        return await demo.seed_demo(
            db,
            Passwords(),
            open_storage(config.media_location),
            now=utcnow(),
            tz_name=config.default_timezone,
            base_url=config.base_url,
        )

    added = _with_database(config.with_secret_key(), work)
    print("Demo seeded." if added else "Demo already present.")
    print(f"\nOpen {config.base_url} and sign in as:")
    for account in demo.DEMO_ACCOUNTS[:3]:
        print(f"  {account.role:<12} {account.email:<24} password: {account.password}")
    print(
        f"\n“{demo.DEMO_TITLE}” takes submissions now; the judge can score"
        f" “{demo.JUDGING_TITLE}”, whose judging is open."
    )
    return 0


def cmd_user_add(config: Config, args: argparse.Namespace) -> int:
    """Add an account with a role."""
    return _add_user(config.with_secret_key(), args, args.role)


def cmd_export_album(config: Config, args: argparse.Namespace) -> int:
    """Write a contest's photo album as a static site to host anywhere."""
    from pathlib import Path

    from contest.contests import store as contest_store
    from contest.core.errors import NotFound
    from contest.gallery import album

    async def work(db: Database, on_progress: Progress | None) -> album.AlbumReport | None:
        try:
            contest = await contest_store.get_contest_by_slug(
                db, args.contest, include_unpublished=True
            )
        except NotFound:
            return None
        return await album.export_album(
            db,
            open_storage(config.media_location),
            contest,
            Path(args.dir),
            now=utcnow(),
            base_url=args.base_url,
            on_progress=on_progress,
            locale=args.lang,
        )

    started = time.monotonic()
    try:
        with progress("Exporting the album", quiet=args.quiet) as on_progress:
            report = _with_database(config, lambda db: work(db, on_progress))
    except album.AlbumError as error:
        raise SystemExit(f"No album written: {error.message}") from error
    if report is None:
        raise SystemExit(f"There is no contest with the address {args.contest!r}.")
    say(
        args.quiet,
        f"Album written to {report.path}: {report.entries} entries, {report.images} images,"
        f" {report.winners} winners. Open {report.path / 'index.html'} to look.",
        f"{report.written} files written, {report.unchanged} unchanged, {report.removed} removed;"
        f" {report.cards_drawn} share cards drawn, in {time.monotonic() - started:.1f} s.",
    )
    if not args.base_url:
        say(
            args.quiet,
            "Link previews need absolute addresses: export again with --base-url once hosted.",
        )
    return 0


def _user_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--email", required=required, help="sign-in address")
    parser.add_argument("--name", required=required, help="display name shown on pages")
    parser.add_argument(
        "--affiliation", default="staff", choices=users.AFFILIATIONS, help="default: staff"
    )
    parser.add_argument("--department", default="", help="e.g. LIB or CIVL")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )


def _quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar and no summary: print only errors and warnings (for scripts)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The command line, with help on every subcommand."""
    settings = "\n".join(f"  {name:<24} {text}" for name, text in ENVIRONMENT.items())
    parser = argparse.ArgumentParser(
        prog="contest",
        description="Run a photo contest site.",
        epilog=f"Settings come from environment variables:\n{settings}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the web server", description=cmd_serve.__doc__)
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="server processes sharing the port (default 1); several need the same"
        " database and media for all, and CONTEST_SECRET_KEY on every host",
    )
    serve.add_argument(
        "--proxy-headers", action="store_true", help="trust X-Forwarded-For from the proxy"
    )
    serve.add_argument(
        "--forwarded-allow-ips", default="127.0.0.1", help="proxies trusted for forwarded headers"
    )
    serve.add_argument(
        "--access-log",
        action="store_true",
        help="log every request with the caller's address (off by default: addresses are"
        " personal data, and a busy vote would write a line per like)",
    )
    limit = default_connection_limit()
    serve.add_argument(
        "--limit-concurrency",
        type=int,
        default=limit,
        metavar="N",
        help=f"open connections at most; beyond them requests are answered 503 at once"
        f" (default {limit}: 1000, or fewer under a low open-file limit)",
    )
    serve.add_argument(
        "--backlog",
        type=int,
        default=2048,
        metavar="N",
        help="connections waiting to be accepted, at most (default 2048)",
    )
    serve.add_argument(
        "--timeout-keep-alive",
        type=int,
        default=5,
        metavar="SECONDS",
        help="close an idle kept-alive connection after this long (default 5)",
    )
    serve.add_argument(
        "--timeout-graceful-shutdown",
        type=int,
        default=30,
        metavar="SECONDS",
        help="on shutdown, wait this long for requests under way, then close (default 30)",
    )
    serve.set_defaults(handler=cmd_serve)

    init = commands.add_parser(
        "init", help="create the database and the first organizer", description=cmd_init.__doc__
    )
    _user_options(init, required=False)
    init.set_defaults(handler=cmd_init)

    demo_cmd = commands.add_parser(
        "demo", help="seed the demo contest and accounts", description=cmd_demo.__doc__
    )
    demo_cmd.set_defaults(handler=cmd_demo)

    export = commands.add_parser(
        "export-album",
        help="write a contest's photo album as a static site",
        description=cmd_export_album.__doc__,
    )
    export.add_argument("contest", metavar="CONTEST", help="the contest's address (its slug)")
    export.add_argument("dir", metavar="DIR", help="folder to write (new, empty or an album)")
    export.add_argument(
        "--base-url", default=None, help="where the album will be hosted, for link previews"
    )
    export.add_argument("--lang", choices=tuple(LOCALES), help="default: the site's")
    _quiet_option(export)
    export.set_defaults(handler=cmd_export_album)

    backup = commands.add_parser(
        "backup",
        help="copy the database, photos and secret key into a folder, checked",
        description=cmd_backup.__doc__,
    )
    backup.add_argument("dir", metavar="DIR", help="folder to write (new or empty)")
    _quiet_option(backup)
    backup.set_defaults(handler=cmd_backup)

    restore = commands.add_parser(
        "restore",
        help="put a backup back into an empty data folder, checked",
        description=cmd_restore.__doc__,
    )
    restore.add_argument("dir", metavar="DIR", help="a folder written by `contest backup`")
    _quiet_option(restore)
    restore.set_defaults(handler=cmd_restore)

    copy_data = commands.add_parser(
        "copy-data",
        help="copy a site between SQLite + a folder and PostgreSQL + a bucket, checked",
        description=cmd_copy_data.__doc__,
    )
    add_copy_options(copy_data)
    _quiet_option(copy_data)
    copy_data.set_defaults(handler=cmd_copy_data)

    user = commands.add_parser("user", help="manage accounts", description="Manage accounts.")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = user_commands.add_parser("add", help="add an account", description=cmd_user_add.__doc__)
    add.add_argument("--role", required=True, choices=users.ROLES, help="what the account may do")
    _user_options(add, required=True)
    add.set_defaults(handler=cmd_user_add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``contest`` command."""
    args = build_parser().parse_args(argv)
    handler: Callable[[Config, argparse.Namespace], int] = args.handler
    try:
        return handler(Config.from_environ(), args)
    except DatabaseUnreachable as error:  # any command: one line naming the server, exit 1
        raise SystemExit(f"contest {args.command}: {error}") from error
