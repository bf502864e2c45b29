"""A fresh PostgreSQL database per test, when the suite runs on PostgreSQL.

``CONTEST_TEST_DATABASE`` names a server's maintenance database (``make test`` starts a
throw-away cluster and sets it, see ``tests/postgres_cluster.sh``); without it, tests use
SQLite files. The schema is migrated once into a template; each test gets a copy of it
(``CREATE DATABASE ... TEMPLATE``, a file copy) and it is dropped afterwards.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shlex
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from contest.core.db import Database

SERVER = os.environ.get("CONTEST_TEST_DATABASE", "")
#: One template per test process (two runs may share a server).
TEMPLATE = f"contest_template_{os.getpid()}"
_numbers = itertools.count(1)


def on_postgres() -> bool:
    """Whether this run of the suite uses PostgreSQL."""
    return bool(SERVER)


def database_url(name: str) -> str:
    """The URL of a database on the test server."""
    parts = urlsplit(SERVER)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def tables_and_columns(db: Database) -> dict[str, list[str]]:
    """Every table of the database and its columns, on either database."""
    if db.kind == "postgresql":
        rows = await db.fetch_all(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
        )
        found: dict[str, list[str]] = {}
        for table, column in rows:
            found.setdefault(table, []).append(column)
        return found
    tables = await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {
        row[0]: [column["name"] for column in await db.fetch_all(f"PRAGMA table_info({row[0]})")]
        for row in tables
    }


#: The media folder of each test's database (the app's, beside its data folder).
_media_folders: dict[str, Path] = {}


def remember_media_folder(url: str, folder: Path) -> None:
    """Note where the app of the test using the database ``url`` keeps its photos."""
    _media_folders[url] = folder


def media_folder(url: str) -> Path:
    """The media folder of the test whose database is at ``url``."""
    return _media_folders[url]


def _admin(sql: str) -> None:
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(sql.encode())


def make_template() -> None:
    """Create the template database with every migration applied (once per run)."""
    _admin(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
    _admin(f"CREATE DATABASE {TEMPLATE}")

    async def migrate() -> None:
        database = await Database.open(database_url(TEMPLATE))
        await database.close()

    asyncio.run(migrate())


def drop_template() -> None:
    """Remove this run's template."""
    _admin(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new database copied from the template, dropped when the test is done."""
    name = f"test_{os.getpid()}_{next(_numbers)}"
    _admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} STRATEGY FILE_COPY")
    try:
        yield database_url(name)
    finally:
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _pg_ctl(*arguments: str) -> None:
    command = os.environ.get("CONTEST_TEST_PGCTL", "")
    if not command:
        raise RuntimeError("CONTEST_TEST_PGCTL is not set (tests/on_postgres.sh sets it)")
    subprocess.run([*shlex.split(command), "-w", *arguments], check=True, capture_output=True)


def can_restart() -> bool:
    """Whether this run may stop and start the test server (a cluster of its own)."""
    return bool(os.environ.get("CONTEST_TEST_PGCTL"))


def stop_server() -> None:
    """Stop the test server, cutting every client's connection (a clean, fast shutdown: the
    test cluster runs without synchronous commits, which a crash would lose)."""
    _pg_ctl("-m", "fast", "stop")


def start_server() -> None:
    """Start the test server again."""
    _pg_ctl("start")
