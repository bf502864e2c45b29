"""A full disk or a busy database is a clear 507 or 503 with Retry-After, answered on a kept
connection (no exception reaches the server), logged in one line; the site recovers by itself."""

import errno
import logging
import shutil
import sqlite3
from collections import namedtuple
from typing import Any

import pytest
from starlette.testclient import TestClient

from contest.app import create_app
from contest.config import MEGABYTE, Config
from contest.contests.phases import Phase
from contest.voting import writer
from contest.web.public import home
from tests.conftest import FakeClock, Site
from tests.factories import add_contest
from tests.web.members.test_entries_web import photo_bytes, stored_files, submit
from tests.web.public.test_like_fast_path import answered_by_route, answered_fast, click

JSON = {"Accept": "application/json"}
LOCKED = sqlite3.OperationalError("database is locked")
BUSY = 503, "5", "The site is busy"
FULL = 507, "60", "out of storage"

FAILURES = [
    (sqlite3.OperationalError("database is locked"), BUSY),
    (sqlite3.OperationalError("database table is locked"), BUSY),
    (sqlite3.OperationalError("database or disk is full"), FULL),
    (sqlite3.OperationalError("disk I/O error"), FULL),
    (OSError(errno.ENOSPC, "No space left on device"), FULL),
    (OSError(errno.EDQUOT, "Disk quota exceeded"), FULL),
]


def failing(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    """The home page's read fails with that error."""

    async def broken(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(home.contest_store, "list_contests", broken)


@pytest.mark.parametrize(("error", "expected"), FAILURES)
def test_a_busy_database_or_full_disk_is_a_clear_page_with_retry_after(
    site: Site,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: BaseException,
    expected: tuple[int, str, str],
) -> None:
    status, retry_after, words = expected
    failing(monkeypatch, error)
    with caplog.at_level(logging.WARNING, logger="contest"):
        page = site.client.get("/")  # raises here if the error reached the server
    assert page.status_code == status
    assert page.headers["retry-after"] == retry_after
    assert words in page.text and 'class="site-header"' in page.text
    assert str(error) not in page.text
    [record] = [r for r in caplog.records if r.name == "contest"]
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "GET /" in record.getMessage() and str(error) in record.getMessage()

    answer = site.client.get("/", headers=JSON)
    assert answer.status_code == status and answer.headers["retry-after"] == retry_after
    assert answer.json()["status"] == status and words in answer.json()["error"]

    monkeypatch.undo()  # the disk is freed, the other process lets go: no restart needed
    assert site.client.get("/").status_code == 200


@pytest.mark.parametrize(
    "error", [sqlite3.OperationalError("no such table: contests"), OSError(errno.EACCES, "no")]
)
def test_every_other_failure_stays_a_500(
    config: Config, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    failing(monkeypatch, error)
    with TestClient(create_app(config, clock=clock), raise_server_exceptions=False) as client:
        response = client.get("/")
        assert response.status_code == 500 and "retry-after" not in response.headers
        assert "Something went wrong on our side" in response.text


def test_a_like_stored_while_the_database_is_locked_is_a_503_in_json(
    site: Site, entries: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    site.sign_in_as("participant", "fan@uni.edu")

    def locked(*args: Any, **kwargs: Any) -> None:
        raise LOCKED

    monkeypatch.setattr(writer, "apply_likes", locked)
    for answered in (answered_by_route, answered_fast):  # the session is remembered after one
        response = answered(site, entries[0])
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"] == "5"
        assert response.json() == {"error": response.json()["error"], "status": 503}
        assert "busy" in response.json()["error"]
    monkeypatch.undo()
    assert click(site, entries[0]).json() == {"liked": True, "count": 1}


def test_a_like_on_a_full_disk_is_a_507_in_json(
    site: Site, entries: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    site.sign_in_as("participant", "fan@uni.edu")
    answered_by_route(site, entries[1])  # the session is now remembered: the fast path answers

    def full(*args: Any, **kwargs: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(writer, "apply_likes", full)
    response = answered_fast(site, entries[0])
    assert response.status_code == 507 and response.headers["retry-after"] == "60"
    assert response.json()["status"] == 507


DiskUsage = namedtuple("DiskUsage", "total used free")


def test_an_upload_is_refused_with_507_when_the_media_disk_is_nearly_full(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    slug = site.run(
        add_contest, site.db, Phase.SUBMISSIONS, now=site.clock(), categories=("Night",)
    ).slug
    site.sign_in_as("participant", "ann@uni.edu")
    asked: list[str] = []

    def nearly_full(path: Any) -> DiskUsage:
        asked.append(str(path))
        return DiskUsage(100_000 * MEGABYTE, 99_950 * MEGABYTE, 50 * MEGABYTE)

    monkeypatch.setattr(shutil, "disk_usage", nearly_full)
    response = submit(site, slug, photo_bytes())
    assert response.status_code == 507 and response.headers["retry-after"] == "60"
    assert "out of storage" in response.text
    assert asked and stored_files(site) == []
    assert site.value("SELECT count(*) FROM entries") == 0

    monkeypatch.setattr(
        shutil, "disk_usage", lambda path: DiskUsage(1000 * MEGABYTE, 0, 1000 * MEGABYTE)
    )
    assert submit(site, slug, photo_bytes()).status_code == 303


def test_the_floor_follows_the_setting_and_zero_turns_it_off(
    tmp_path: Any, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        shutil, "disk_usage", lambda path: DiskUsage(100 * MEGABYTE, 99 * MEGABYTE, MEGABYTE)
    )
    config = Config(
        data_dir=tmp_path, base_url="http://testserver", secret_key="k", min_free_bytes=0
    )
    with TestClient(create_app(config, clock=clock, fast_passwords=True)) as client:
        site = Site(client, clock, config)
        slug = site.run(
            add_contest, site.db, Phase.SUBMISSIONS, now=site.clock(), categories=("Night",)
        ).slug
        site.sign_in_as("participant", "ann@uni.edu")
        assert submit(site, slug, photo_bytes()).status_code == 303
