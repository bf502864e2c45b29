"""Moving a site with copy-data: a SQLite site with its photo folder copied to PostgreSQL (a
second SQLite file when the suite runs without a server) and a bucket, and back, keeps every
row, id and file; a target holding anything is refused untouched; a copy that stops half-way
leaves the target marked, the site refuses to start on it, and a rerun finishes it."""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from starlette.testclient import TestClient

from contest.app import create_app
from contest.cli import main
from contest.config import Config
from contest.contests.store import get_contest
from contest.core.db import Database
from contest.core.s3_storage import S3Settings, S3Storage
from contest.core.security import Passwords
from contest.core.site_copy import CopyError, IncompleteCopy, SiteLocation, copy_site
from contest.core.site_snapshot import BOOKKEEPING, Snapshot
from contest.core.storage import LocalStorage, open_storage
from contest.entries import store as entry_store
from tests import s3_server
from tests.factories import (
    START,
    add_account,
    add_campaign,
    add_contest,
    add_departments,
    add_entry,
    add_like,
    add_ranked_contest,
    add_reply,
    add_share,
    add_view,
    add_voided_like,
)

pytestmark = pytest.mark.anyio
s3_endpoint = s3_server.s3_endpoint
s3_settings = s3_server.s3_settings


class Stop(Exception):
    """Raised by a progress callback to stop a copy half-way, as Ctrl-C or a crash would."""


async def build_site(db: Database, storage: LocalStorage) -> dict[str, int]:
    """A realistic small site: organizers, participants and a judge; a judged contest with
    scored entries, likes (one voided), a reply, views and shares; a contest taking entries,
    one of whose entries was deleted; departments and a campaign. Returns a few ids."""
    passwords = Passwords(fast=True)
    await add_departments(db, ("LIB", "Library"), ("CIVL", "Civil Engineering"))
    ranked = await add_ranked_contest(db, passwords, storage)
    voters = [
        await add_account(db, passwords, email=f"voter{n}@uni.edu", name=f"Voter {n}")
        for n in range(3)
    ]
    for n, voter in enumerate(voters):
        for entry_id in list(ranked.ids.values())[: n + 1]:
            await add_like(db, ranked.contest, entry_id, voter)
    burst = await add_account(db, passwords, email="burst@uni.edu", name="Burst Voter")
    await add_voided_like(
        db, ranked.contest, ranked.ids["Dusk by the stacks"], burst, organizer=ranked.organizer
    )
    first = ranked.ids["Dawn in the atrium"]
    await add_reply(db, first, ranked.organizer, body="Lovely light, 好光")
    await add_view(db, ranked.contest, first)
    await add_share(db, first, network="weibo")
    await add_campaign(
        db, ranked.contest, ranked.organizer, addresses="friend@uni.edu, other@uni.edu"
    )
    open_contest = await add_contest(db, "submissions", title="Night at the Library")
    author = await add_account(db, passwords, email="nina@uni.edu", name="Nina Ng")
    kept = await add_entry(
        db, storage, open_contest, author, title="Moon over the dome", status="pending"
    )
    gone = await add_entry(
        db, storage, open_contest, author, title="Blurred stairs", status="withdrawn"
    )
    await entry_store.delete_entry(
        db, storage, entry=await entry_store.get_entry(db, gone), user=author
    )
    last_user = await db.fetch_value("SELECT max(id) FROM users")
    return {"kept": kept, "deleted": gone, "contest": open_contest.id, "last_user": last_user}


def every_row(database: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every site table of a SQLite file, sorted (read without copy-data's code)."""
    with sqlite3.connect(database) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name NOT IN ('migrations', 'copy_in_progress')"
            )
        ]
        return {
            table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }


async def site_digests(database: str | Path) -> dict[str, tuple[int, str]]:
    """Every site table's row count and digest, read as copy-data reads it."""
    snapshot = await Snapshot.open(database)
    assert snapshot is not None
    try:
        found = {}
        for table in await snapshot.site_tables():
            columns = sorted(await snapshot.columns(table))
            digest = await snapshot.digest(table, columns, 100)
            found[table] = (digest.rows, digest.hexdigest())
        return found
    finally:
        await snapshot.close()


async def mark_rows(database: str | Path) -> int:
    snapshot = await Snapshot.open(database)
    assert snapshot is not None
    try:
        return await snapshot.count("copy_in_progress")
    finally:
        await snapshot.close()


def files_of(store: LocalStorage | S3Storage) -> dict[str, str]:
    """Every stored file's SHA-256, by key."""
    return {key: hashlib.sha256(store.read(key)).hexdigest() for key in store.all_keys()}


async def new_ids(location: SiteLocation, contest_id: int) -> tuple[int, int]:
    """The ids a new account and a new entry get on a site."""
    db = await Database.open(location.database)
    try:
        store = open_storage(location.media)
        person = await add_account(db, Passwords(fast=True), email="late@uni.edu", name="Lee Late")
        contest = await get_contest(db, contest_id)
        entry = await add_entry(db, store, contest, person, title="Late light", status="pending")  # type: ignore[arg-type]
        return person.id, entry
    finally:
        await db.close()


@pytest.fixture
async def source(tmp_path: Path) -> tuple[SiteLocation, dict[str, int]]:
    """A SQLite site with its photo folder."""
    location = SiteLocation(tmp_path / "site" / "contest.db", tmp_path / "site" / "media")
    assert isinstance(location.media, Path)
    db = await Database.open(location.database)
    try:
        ids = await build_site(db, LocalStorage(location.media))
    finally:
        await db.close()
    return location, ids


@pytest.fixture
def middle_database(database_url: str | None, tmp_path: Path) -> str | Path:
    """PostgreSQL when the suite runs on it, else a second SQLite file."""
    return database_url or tmp_path / "middle" / "contest.db"


def app_config(location: SiteLocation, data_dir: Path) -> Config:
    database = location.database
    return Config(
        data_dir=data_dir,
        database_path=database if isinstance(database, Path) else None,
        database_url=database if isinstance(database, str) else None,
        media_dir=location.media if isinstance(location.media, Path) else None,
        media_s3=location.media if isinstance(location.media, S3Settings) else None,
        base_url="http://testserver",
        secret_key="test-secret-key",
        draw_cards_ahead=False,
    )


async def test_a_round_trip_through_postgres_and_a_bucket_keeps_every_row_id_and_file(
    source: tuple[SiteLocation, dict[str, int]],
    middle_database: str | Path,
    s3_settings: S3Settings,
    tmp_path: Path,
) -> None:
    site, ids = source
    middle = SiteLocation(middle_database, s3_settings)
    back = SiteLocation(tmp_path / "back" / "contest.db", tmp_path / "back" / "media")
    ticks: list[tuple[int, int]] = []

    there = await copy_site(site, middle, now=START, on_progress=lambda *tick: ticks.append(tick))
    again = await copy_site(middle, back, now=START)

    assert every_row(Path(back.database)) == every_row(Path(site.database))
    before = await site_digests(site.database)
    assert before["entries"][0] == 4 and before["likes"][0] >= 7 and before["reviews"][0] == 3
    assert await site_digests(middle.database) == before
    on_postgres = await Database.open(middle.database)
    try:
        assert await on_postgres.fetch_value("SELECT body FROM replies") == "Lovely light, 好光"
        scores = "SELECT sum(value), count(*) FROM review_scores"
        # 9, 8 and 6 on each of the rubric's two criteria
        assert [tuple(row) for row in await on_postgres.fetch_all(scores)] == [(46.0, 6)]
    finally:
        await on_postgres.close()
    assert await site_digests(back.database) == before
    assert there.tables == again.tables == {table: rows for table, (rows, _) in before.items()}
    assert set(before) & BOOKKEEPING == set()
    photos = files_of(LocalStorage(Path(site.media)))  # type: ignore[arg-type]
    assert len(photos) >= 8 and there.files == again.files == len(photos)
    assert files_of(S3Storage(s3_settings)) == photos
    assert s3_server.bucket_keys(s3_settings) == [f"media/{key}" for key in sorted(photos)]
    assert files_of(LocalStorage(tmp_path / "back" / "media")) == photos
    assert ticks[-1][0] == ticks[-1][1] > 0
    assert await mark_rows(middle.database) == 0 and await mark_rows(back.database) == 0
    # New rows take ids after every id the source gave out, the deleted entry's too.
    for copy in (middle, back):
        assert await new_ids(copy, ids["contest"]) == (ids["last_user"] + 1, ids["deleted"] + 1)

    with TestClient(create_app(app_config(back, tmp_path / "back"))) as client:
        page = client.get(f"/entries/{ids['kept']}")
    assert page.status_code in (200, 403, 404)  # the app starts and answers on the copy


async def test_a_target_with_rows_is_refused_and_left_as_it_was(
    source: tuple[SiteLocation, dict[str, int]], tmp_path: Path
) -> None:
    site, _ = source
    target = SiteLocation(tmp_path / "other" / "contest.db", tmp_path / "other" / "media")
    db = await Database.open(target.database)
    await add_account(db, Passwords(fast=True), email="someone@uni.edu")
    await db.close()
    before = await site_digests(target.database)

    with pytest.raises(
        CopyError, match=r"already holds data, in users \(1 row\): copy only into an empty"
    ) as refused:
        await copy_site(site, target, now=START)

    assert not refused.value.target_marked
    assert await site_digests(target.database) == before
    assert await mark_rows(target.database) == 0
    assert not await anyio.Path(tmp_path / "other" / "media").exists()


async def test_a_target_folder_with_photos_is_refused_before_anything_is_written(
    source: tuple[SiteLocation, dict[str, int]], tmp_path: Path
) -> None:
    site, _ = source
    target = SiteLocation(tmp_path / "other" / "contest.db", tmp_path / "other" / "media")
    LocalStorage(tmp_path / "other" / "media").put(b"a photo of something else")

    with pytest.raises(CopyError, match="already holds 1 photo files"):
        await copy_site(site, target, now=START)

    assert not await anyio.Path(tmp_path / "other" / "contest.db").exists()


async def test_a_copy_stopped_half_way_is_marked_refused_by_the_site_and_finished_by_a_rerun(
    source: tuple[SiteLocation, dict[str, int]],
    middle_database: str | Path,
    s3_settings: S3Settings,
    tmp_path: Path,
) -> None:
    site, _ = source

    def stop_after_some_rows(done: int, total: int) -> None:
        if done > 40:
            raise Stop

    target = SiteLocation(middle_database, s3_settings)
    with pytest.raises(CopyError, match="the copy stopped: Stop") as stopped:
        await copy_site(site, target, now=START, on_progress=stop_after_some_rows)

    assert stopped.value.target_marked
    assert await mark_rows(target.database) == 1
    copied = await site_digests(target.database)
    assert (
        0
        < sum(rows for rows, _ in copied.values())
        < sum(rows for rows, _ in (await site_digests(site.database)).values())
    )
    app = create_app(app_config(target, tmp_path / "app"))
    with (
        pytest.raises(IncompleteCopy, match="a copy still being made by copy-data"),
        TestClient(app),
    ):
        pass

    report = await copy_site(site, target, now=START)

    assert report.finished_earlier_copy
    assert await mark_rows(target.database) == 0
    assert await site_digests(target.database) == await site_digests(site.database)
    with TestClient(create_app(app_config(target, tmp_path / "app"))) as client:
        assert client.get("/").status_code == 200


async def test_a_photo_missing_from_the_source_stops_the_copy_until_it_is_back(
    source: tuple[SiteLocation, dict[str, int]], tmp_path: Path
) -> None:
    site, ids = source
    media = Path(site.media)  # type: ignore[arg-type]
    db = await Database.open(site.database)
    key = await db.fetch_value("SELECT thumb_key FROM entries WHERE id = ?", (ids["kept"],))
    await db.close()
    saved = (media / key).read_bytes()
    (media / key).unlink()
    target = SiteLocation(tmp_path / "copy" / "contest.db", tmp_path / "copy" / "media")

    with pytest.raises(CopyError, match=f"name the photo file {key}, which its media store lacks"):
        await copy_site(site, target, now=START)
    assert await mark_rows(target.database) == 1

    (media / key).write_bytes(saved)
    await copy_site(site, target, now=START)
    assert await mark_rows(target.database) == 0
    assert files_of(LocalStorage(tmp_path / "copy" / "media")) == files_of(LocalStorage(media))


def test_the_command_copies_refuses_and_serve_will_not_start_on_an_unfinished_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    monkeypatch.setenv("CONTEST_DATA_DIR", str(site))
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    assert main(["init", "--email", "org@uni.edu", "--name", "Org Person", "--password-stdin"]) == 0
    target = ["--to-database", str(tmp_path / "new.db"), "--to-media", str(tmp_path / "photos")]

    assert main(["copy-data", *target]) == 0
    out = capsys.readouterr().out
    assert f"Copied {site / 'contest.db'} with photos in {site / 'media'}" in out
    assert "(users 1, contests 0, entries 0, likes 0), 0 photo files" in out
    assert "Checked: row counts and a SHA-256 of each table's rows" in out

    with pytest.raises(SystemExit, match=r"Nothing copied: the target database .* already holds"):
        main(["copy-data", *target])

    marked = _marked_copy(tmp_path / "marked.db")
    env = {**os.environ, "CONTEST_DATA_DIR": str(tmp_path / "serve"), "CONTEST_DATABASE": marked}
    served = subprocess.run(
        [sys.executable, "-m", "contest.cli", "serve", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert served.returncode != 0
    assert "a copy still being made by copy-data" in served.stderr + served.stdout


def _marked_copy(path: Path) -> str:
    """A database carrying copy-data's mark, as a copy that stopped half-way leaves it."""

    async def make() -> None:
        db = await Database.open(path)
        try:
            async with db.transaction() as tx:
                await tx.execute(
                    "INSERT INTO copy_in_progress (source, started_at)"
                    " VALUES ('/srv/old/contest.db', '2026-03-02 09:00:00')"
                )
        finally:
            await db.close()

    anyio.run(make)
    return str(path)
