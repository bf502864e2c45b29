"""Browser fixtures: the real app served by uvicorn on a free port, and Chromium to drive it."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from contest.accounts.campus.providers import Provider
from contest.accounts.users import create_user
from contest.app import create_app
from contest.config import Config
from contest.core.db import Database
from contest.core.security import Passwords
from tests.conftest import FakeClock

T = TypeVar("T")
NewContext = Callable[..., BrowserContext]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: A phone-sized browser (an iPhone 12-ish screen) for ``new_context(**PHONE)``.
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
ORGANIZER_EMAIL = "olive@uni.edu"
ORGANIZER_NAME = "Olive Organizer"
PASSWORD = "correct horse battery"
STARTUP_SECONDS = 10.0


@dataclass(frozen=True)
class LiveSite:
    """The app served on a real port, with a read-only look into its database."""

    config: Config
    #: The app's clock (see ``live_clock``): the moment to build a test's data at.
    clock: Callable[[], datetime]

    @property
    def url(self) -> str:
        return self.config.base_url

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """Query the app's database, as it is right now (a SQLite file read-only)."""
        database = self.config.database
        if not isinstance(database, Path):
            return run_in_own_thread(_read(database, sql, params))
        uri = database.resolve().as_uri() + "?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            connection.row_factory = sqlite3.Row
            return [dict(row) for row in connection.execute(sql, params)]


async def _read(url: str, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
    db = await Database.open(url)
    try:
        return [dict(row) for row in await db.fetch_all(sql, params)]
    finally:
        await db.close()


def run_in_own_thread(work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on a fresh event loop in another thread.

    While Playwright's sync API is started it marks its own loop as running in this thread,
    so ``asyncio.run`` here would refuse.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work).result()


async def _add_organizer(config: Config, now: datetime) -> None:
    db = await Database.open(config.database)  # creates the schema
    try:
        await create_user(
            db,
            Passwords(fast=True),
            email=ORGANIZER_EMAIL,
            display_name=ORGANIZER_NAME,
            password=PASSWORD,
            role="organizer",
            affiliation="staff",
            now=now,
        )
    finally:
        await db.close()


def _wait_until_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app did not start; see the captured log")
        time.sleep(0.01)


@pytest.fixture
def live_clock() -> Callable[[], datetime]:
    """The live site's clock: a fixed one (a test module may give its own), so contests are
    built at a known moment."""
    return FakeClock()


@pytest.fixture
def live_campus_providers() -> tuple[Provider, ...]:
    """The campus providers the live site offers: none (a test module may give its own)."""
    return ()


@pytest.fixture
def live_site(
    tmp_path: Path,
    live_clock: Callable[[], datetime],
    database_url: str | None,
    live_campus_providers: tuple[Provider, ...],
) -> Iterator[LiveSite]:
    """The app with one organizer account, served by uvicorn in a background thread."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))  # a free port, held until uvicorn takes the socket over
        port = listener.getsockname()[1]
        config = Config(
            data_dir=tmp_path,
            database_url=database_url,
            base_url=f"http://127.0.0.1:{port}",
            secret_key="x" * 32,
            draw_cards_ahead=False,
            campus_providers=live_campus_providers,
        )
        run_in_own_thread(_add_organizer(config, live_clock()))
        app = create_app(config, clock=live_clock, fast_passwords=True)
        server = uvicorn.Server(
            uvicorn.Config(app, lifespan="on", ws="none", log_config=None, log_level="warning")
        )
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [listener]}, name="uvicorn", daemon=True
        )
        thread.start()
        try:
            _wait_until_started(server, thread)
            yield LiveSite(config, live_clock)
        finally:
            server.should_exit = True
            thread.join(STARTUP_SECONDS)


# Package scope, not session: while Playwright runs, this thread counts as inside an event
# loop, which would break the asyncio tests that run after the browser tests.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """A headless Chromium (Debian's), shared by the browser tests."""
    if not CHROMIUM.exists():
        reason = f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CONTEST_REQUIRE_BROWSER") == "1":
            pytest.fail(f"CONTEST_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_context(browser: Browser, live_site: LiveSite) -> Iterator[NewContext]:
    """Open browser contexts (separate cookie jars) on the live site; closed after the test."""
    contexts: list[BrowserContext] = []

    def open_context(**options: Any) -> BrowserContext:
        context = browser.new_context(base_url=live_site.url, **options)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()
