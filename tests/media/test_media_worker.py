"""The app's media worker: work left by a crash is resumed as soon as the app starts."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import anyio
from starlette.testclient import TestClient

from contest.app import create_app
from contest.config import Config
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from tests.conftest import FakeClock, Site
from tests.factories import add_account, add_contest, add_entry
from tests.media.turned import turned_photo


def eventually(check: Callable[[], Any], seconds: float = 10.0) -> Any:
    """The first true value of ``check()`` within a few seconds (the worker runs beside us)."""
    deadline = time.monotonic() + seconds
    while not (value := check()):
        assert time.monotonic() < deadline, "the media worker did not get to it"
        time.sleep(0.02)
    return value


def test_a_master_left_pending_by_a_crash_is_made_at_start_up(
    config: Config, clock: FakeClock
) -> None:
    async def left_behind() -> int:
        db = await Database.open(config.database)
        try:
            contest = await add_contest(db, "submissions")
            author = await add_account(db, Passwords(fast=True), email="pat@uni.edu")
            return await add_entry(
                db, LocalStorage(config.media), contest, author, status="pending",
                photo=turned_photo(5),
            )  # fmt: skip
        finally:
            await db.close()

    entry_id = anyio.run(left_behind)
    with TestClient(create_app(config, clock=clock, fast_passwords=True)) as client:
        site = Site(client, clock, config)
        master = eventually(
            lambda: site.value("SELECT master_key FROM entries WHERE id = ?", (entry_id,))
        )
        assert site.storage.exists(master)
        assert site.value("SELECT source_key FROM entries WHERE id = ?", (entry_id,)) is None


def test_files_nothing_refers_to_are_swept_at_start_up(config: Config, clock: FakeClock) -> None:
    storage = LocalStorage(config.media)
    orphan = storage.put(turned_photo(6))
    two_hours_ago = time.time() - 2 * 3600
    os.utime(storage.path(orphan), (two_hours_ago, two_hours_ago))
    with TestClient(create_app(config, clock=clock, fast_passwords=True)):
        eventually(lambda: not storage.exists(orphan))


def test_the_worker_draws_the_share_cards_of_approved_photos_when_asked_to(
    config: Config, clock: FakeClock
) -> None:
    async def approved() -> int:
        db = await Database.open(config.database)
        try:
            contest = await add_contest(db, "judging_and_voting")
            passwords = Passwords(fast=True)
            author = await add_account(db, passwords, email="pat@uni.edu")
            moderator = await add_account(db, passwords, email="org@uni.edu", role="organizer")
            return await add_entry(
                db, LocalStorage(config.media), contest, author, moderator=moderator
            )
        finally:
            await db.close()

    entry_id = anyio.run(approved)
    ahead = replace(config, draw_cards_ahead=True)
    with TestClient(create_app(ahead, clock=clock, fast_passwords=True)) as client:
        site = Site(client, clock, ahead)
        card = eventually(
            lambda: site.value("SELECT share_card_key FROM entries WHERE id = ?", (entry_id,))
        )
        assert site.storage.read(card)[:2] == b"\xff\xd8"
