"""Backups: a consistent snapshot while likes pour in, every file the snapshot names, checked;
restores only into an empty folder, refused on any damaged or missing file."""

import json
import re
import sqlite3
import stat
from pathlib import Path
from typing import Any

import anyio
import pytest
from starlette.testclient import TestClient

from contest.app import create_app
from contest.config import Config
from contest.contests.model import Contest
from contest.core import backup, backup_folder
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.media import photos
from contest.voting import likes
from tests.factories import START, add_account, add_contest, add_entry, add_like, photo_bytes

# Backups copy the SQLite file (a site on PostgreSQL moves with `contest copy-data`).
pytestmark = [pytest.mark.anyio, pytest.mark.sqlite_only]
KEY = "a-secret-key-for-signing-things"


async def voting_site(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> tuple[Contest, list[int]]:
    """A device-voting contest with three approved entries, a few likes and a held upload."""
    contest = await add_contest(db, "judging_and_voting", voting_mode="device")
    author = await add_account(db, passwords, email="author@uni.edu")
    organizer = await add_account(db, passwords, email="boss@uni.edu", role="organizer")
    ids = [
        await add_entry(db, storage, contest, author, title=title, moderator=organizer)
        for title in ("Lamplight on the stacks", "First light", "Rain on the skylight")
    ]
    for n in range(5):
        await add_like(db, contest, ids[n % 3], f"early-{n}")
    await hold_upload(db, storage, author.id, seed=200)
    return contest, ids


async def hold_upload(db: Database, storage: LocalStorage, user_id: int, *, seed: int) -> str:
    """A photo held for a form with errors: its files are named by ``uploads.keys``."""
    photo = await photos.process_upload(
        storage, photo_bytes(seed), limiter=anyio.CapacityLimiter(1)
    )
    await photos.keep_upload(db, photo=photo, user_id=user_id, now=START)
    return " ".join(photo.keys)


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


async def take_backup(
    tmp_path: Path, storage: LocalStorage, **kw: Any
) -> backup_folder.BackupReport:
    return await backup.backup(
        tmp_path / "test.db", storage.root, tmp_path / "backup", now=START, **kw
    )


def media_file(folder: Path) -> Path:
    return sorted(folder.glob("media/*/*/*.jpg"))[0]


async def test_a_backup_taken_while_likes_pour_in_holds_every_acknowledged_like(
    db: Database, passwords: Passwords, storage: LocalStorage, tmp_path: Path
) -> None:
    contest, ids = await voting_site(db, passwords, storage)
    acknowledged: list[str] = []
    enough, stop = anyio.Event(), anyio.Event()

    async def keep_liking(voter: int) -> None:
        n = 0
        while not stop.is_set():
            browser = f"browser-{voter}-{n}"
            await add_like(db, contest, ids[n % len(ids)], browser)
            acknowledged.append(browser)  # the commit is the acknowledgement
            if len(acknowledged) == 150:
                enough.set()
            n += 1

    async with anyio.create_task_group() as tasks:
        for voter in range(4):
            tasks.start_soon(keep_liking, voter)
        await enough.wait()
        before = list(acknowledged)
        report = await take_backup(tmp_path, storage)
        during = len(acknowledged) - len(before)
        stop.set()

    assert during > 0, "likes went on being written while the backup ran"
    copy = tmp_path / "backup" / "contest.db"
    voters = {row[0] for row in rows(copy, "SELECT voter FROM likes")}
    key = {
        browser: likes.voter_for(contest, None, browser_id=browser, address="x").key
        for browser in before
    }
    assert {key[browser] for browser in before} <= voters
    assert len(voters) == report.tables["likes"] >= 5 + len(before)
    # One snapshot: the append-only log and the likes agree in the copy.
    assert report.tables["likes"] == report.tables["like_events"]
    assert not (tmp_path / "backup" / "contest.db-wal").exists()
    assert (await backup.verify_backup(tmp_path / "backup")).tables == report.tables


async def test_the_backup_holds_every_file_the_database_names_and_a_manifest(
    db: Database, passwords: Passwords, storage: LocalStorage, tmp_path: Path
) -> None:
    await voting_site(db, passwords, storage)
    (tmp_path / "secret_key").write_text(KEY)
    report = await take_backup(tmp_path, storage, secret_key_file=tmp_path / "secret_key")
    folder = tmp_path / "backup"
    assert LocalStorage(folder / "media").all_keys() == storage.all_keys()
    named = {
        key
        for (value,) in rows(
            folder / "contest.db",
            "SELECT thumb_key || ' ' || display_key || ' ' || coalesce(source_key, '')"
            " || ' ' || coalesce(master_key, '') FROM entries UNION ALL SELECT keys FROM uploads",
        )
        for key in value.split()
    }
    assert named and named <= set(storage.all_keys())
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["entries"] == 3 and manifest["tables"]["uploads"] == 1
    assert manifest["migrations"] == [
        name for (name,) in rows(tmp_path / "test.db", "SELECT name FROM migrations ORDER BY name")
    ]
    assert {record["key"] for record in manifest["media"]["files"]} == set(storage.all_keys())
    assert manifest["secret_key"]["included"] and (folder / "secret_key").read_text() == KEY
    assert report.files == len(storage.all_keys()) and report.secret_key
    assert report.media_bytes == sum((storage.root / k).stat().st_size for k in storage.all_keys())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "contest.db").stat().st_mode) == 0o600


def test_the_entry_columns_that_name_files_are_the_media_packages() -> None:
    assert backup_folder.ENTRY_KEY_COLUMNS == photos.KEY_COLUMNS


async def test_a_file_removed_after_the_snapshot_makes_it_take_another(
    db: Database,
    passwords: Passwords,
    storage: LocalStorage,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await voting_site(db, passwords, storage)
    user_id = await db.fetch_value("SELECT id FROM users WHERE email = 'author@uni.edu'")
    doomed = (await hold_upload(db, storage, user_id, seed=77)).split()
    snapshot = backup._snapshot
    taken: list[Path] = []

    def snapshot_then_forget(database: Path, target: Path) -> None:
        snapshot(database, target)
        taken.append(target)
        if len(taken) == 1:  # the site forgets the upload and its files just after
            with sqlite3.connect(database) as connection:
                connection.execute("DELETE FROM uploads WHERE keys = ?", (" ".join(doomed),))
            for key in doomed:
                storage.delete(key)

    monkeypatch.setattr(backup, "_snapshot", snapshot_then_forget)
    report = await take_backup(tmp_path, storage)
    assert len(taken) == 2
    assert report.tables["uploads"] == 1
    assert not set(doomed) & set(LocalStorage(tmp_path / "backup" / "media").all_keys())


async def test_a_file_the_database_names_but_the_site_lost_fails_the_backup(
    db: Database, passwords: Passwords, storage: LocalStorage, tmp_path: Path
) -> None:
    await voting_site(db, passwords, storage)
    lost = await db.fetch_value("SELECT display_key FROM entries ORDER BY id LIMIT 1")
    storage.delete(lost)
    with pytest.raises(
        backup_folder.BackupError, match=rf"names .*{re.escape(lost)}, which the media folder lacks"
    ):
        await take_backup(tmp_path, storage)
    assert not (tmp_path / "backup" / "manifest.json").exists()


async def test_a_damaged_file_the_database_names_fails_the_backup(
    db: Database, passwords: Passwords, storage: LocalStorage, tmp_path: Path
) -> None:
    await voting_site(db, passwords, storage)
    damaged = await db.fetch_value("SELECT thumb_key FROM entries ORDER BY id LIMIT 1")
    (storage.root / damaged).write_bytes(b"not the photo")
    with pytest.raises(backup_folder.BackupError, match=f"{re.escape(damaged)} is damaged"):
        await take_backup(tmp_path, storage)


async def test_a_non_empty_backup_folder_is_refused(
    db: Database, passwords: Passwords, storage: LocalStorage, tmp_path: Path
) -> None:
    await voting_site(db, passwords, storage)
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "notes.txt").write_text("mine")
    with pytest.raises(backup_folder.BackupError, match=r"backup folder .* is not empty"):
        await take_backup(tmp_path, storage)
    assert [path.name for path in (tmp_path / "backup").iterdir()] == ["notes.txt"]


async def test_restore_into_an_empty_folder_gives_the_same_counts_and_files(
    db: Database, passwords: Passwords, storage: LocalStorage, tmp_path: Path
) -> None:
    await voting_site(db, passwords, storage)
    (tmp_path / "secret_key").write_text(KEY)
    made = await take_backup(tmp_path, storage, secret_key_file=tmp_path / "secret_key")
    target = tmp_path / "restored"
    report = await backup.restore(tmp_path / "backup", target)
    assert report.tables == made.tables and report.files == made.files
    restored = LocalStorage(target / "media")
    assert restored.all_keys() == storage.all_keys()
    assert all(restored.read(key) == storage.read(key) for key in storage.all_keys())
    assert (target / "secret_key").read_text() == KEY
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    assert stat.S_IMODE((target / "contest.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((target / "secret_key").stat().st_mode) == 0o600
    reopened = await Database.open(target / "contest.db")
    try:
        for table in ("users", "entries", "likes", "like_events", "uploads"):
            count = await reopened.fetch_value(f"SELECT count(*) FROM {table}")
            assert count == await db.fetch_value(f"SELECT count(*) FROM {table}"), table
    finally:
        await reopened.close()


async def test_backup_and_restore_report_their_progress_file_by_file(
    db: Database, passwords: Passwords, storage: LocalStorage, tmp_path: Path
) -> None:
    await voting_site(db, passwords, storage)
    files = len(storage.all_keys())
    taken: list[tuple[int, int]] = []
    await take_backup(tmp_path, storage, on_progress=lambda *step: taken.append(step))
    assert taken[0] == (0, files) and taken[-1] == (files, files) and len(taken) == files + 1
    put_back: list[tuple[int, int]] = []
    report = await backup.restore(
        tmp_path / "backup",
        tmp_path / "restored",
        on_progress=lambda *step: put_back.append(step),
    )
    assert put_back == [(done, files) for done in range(1, files + 1)]
    assert report.files == files == len(LocalStorage(tmp_path / "restored" / "media").all_keys())


async def test_restore_refuses_a_folder_that_is_not_empty(
    db: Database, passwords: Passwords, storage: LocalStorage, tmp_path: Path
) -> None:
    await voting_site(db, passwords, storage)
    await take_backup(tmp_path, storage)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "contest.db").write_bytes(b"a site already lives here")
    with pytest.raises(backup_folder.BackupError, match=r"data folder .*taken is not empty"):
        await backup.restore(tmp_path / "backup", tmp_path / "taken")
    assert (tmp_path / "taken" / "contest.db").read_bytes() == b"a site already lives here"
    with pytest.raises(backup_folder.BackupError, match="not a backup"):
        await backup.restore(tmp_path / "taken", tmp_path / "new")
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("harm", ["tamper", "remove"])
async def test_restore_refuses_a_backup_with_a_damaged_or_missing_file(
    db: Database, passwords: Passwords, storage: LocalStorage, tmp_path: Path, harm: str
) -> None:
    await voting_site(db, passwords, storage)
    await take_backup(tmp_path, storage)
    victim = media_file(tmp_path / "backup")
    key = victim.relative_to(tmp_path / "backup" / "media").as_posix()
    if harm == "tamper":
        data = bytearray(victim.read_bytes())
        data[len(data) // 2] ^= 1
        victim.write_bytes(bytes(data))
        expected = f"{re.escape(key)} in the backup is damaged"
    else:
        victim.unlink()
        expected = f"{re.escape(key)} is missing from the backup"
    with pytest.raises(backup_folder.BackupError, match=expected):
        await backup.verify_backup(tmp_path / "backup")
    with pytest.raises(backup_folder.BackupError, match=expected):
        await backup.restore(tmp_path / "backup", tmp_path / "restored")
    assert not (tmp_path / "restored").exists()


async def test_restore_refuses_a_changed_database(
    db: Database, passwords: Passwords, storage: LocalStorage, tmp_path: Path
) -> None:
    await voting_site(db, passwords, storage)
    await take_backup(tmp_path, storage)
    copy = tmp_path / "backup" / "contest.db"
    with sqlite3.connect(copy) as connection:
        connection.execute("DELETE FROM likes")
    with pytest.raises(backup_folder.BackupError, match=r"contest\.db in the backup is damaged"):
        await backup.restore(tmp_path / "backup", tmp_path / "restored")
    assert not (tmp_path / "restored").exists()


def test_the_site_starts_on_a_restored_folder(tmp_path: Path) -> None:
    async def build() -> None:
        db = await Database.open(tmp_path / "test.db")
        try:
            await voting_site(db, Passwords(fast=True), LocalStorage(tmp_path / "media"))
            (tmp_path / "secret_key").write_text(KEY)
            await take_backup(
                tmp_path, LocalStorage(tmp_path / "media"), secret_key_file=tmp_path / "secret_key"
            )
        finally:
            await db.close()
        await backup.restore(tmp_path / "backup", tmp_path / "site")

    anyio.run(build)
    config = Config(data_dir=tmp_path / "site", base_url="http://testserver").with_secret_key()
    assert config.secret_key == KEY
    with TestClient(create_app(config, fast_passwords=True)) as client:
        page = client.get("/")
        assert page.status_code == 200
        thumb = rows(tmp_path / "site" / "contest.db", "SELECT thumb_key FROM entries")[0][0]
        assert client.get(f"/media/{thumb}").status_code == 200
