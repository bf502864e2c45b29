"""`contest backup` of a site on PostgreSQL (when the suite runs on it) with its photos in a
bucket: a backup folder like any other, whose manifest restore checks, holding every
row and photo of the site; restore says how to go back to a server and a bucket."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from contest.cli import main
from contest.core.backup_folder import check_folder
from contest.core.db import Database
from contest.core.s3_storage import S3Settings
from contest.core.site_copy import SiteLocation, copy_site
from contest.core.storage import LocalStorage
from tests import s3_server
from tests.core import test_site_copy
from tests.core.test_site_copy import build_site, files_of, site_digests
from tests.factories import START

# Fixtures, by the names tests ask for: the database beside a SQLite site, and a bucket.
middle_database = test_site_copy.middle_database
s3_endpoint = s3_server.s3_endpoint
s3_settings = s3_server.s3_settings


async def a_site(original: SiteLocation, there: SiteLocation) -> None:
    """A site with photos, likes, reviews..., built on SQLite and copied ``there``."""
    db = await Database.open(original.database)
    try:
        await build_site(db, LocalStorage(Path(original.media)))
    finally:
        await db.close()
    await copy_site(original, there, now=START)


def test_a_site_on_a_server_and_a_bucket_is_backed_up_whole_and_restores(
    middle_database: str | Path,
    s3_settings: S3Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    original = SiteLocation(tmp_path / "site" / "contest.db", tmp_path / "site" / "media")
    asyncio.run(a_site(original, SiteLocation(middle_database, s3_settings)))
    data = tmp_path / "data"
    data.mkdir()
    (data / "secret_key").write_text("the site's key")
    monkeypatch.setenv("CONTEST_DATA_DIR", str(data))
    monkeypatch.setenv("CONTEST_DATABASE", str(middle_database))
    for name, value in s3_server.environment(s3_settings).items():
        monkeypatch.setenv(name, value)
    backup = tmp_path / "backups" / "monday"

    assert main(["backup", str(backup)]) == 0
    said = capsys.readouterr().out
    assert f"Backed up to {backup}" in said and "the secret key" in said

    assert check_folder(backup).files == len(files_of(LocalStorage(backup / "media")))
    assert digests(backup / "contest.db") == digests(middle_database)
    photos = files_of(LocalStorage(backup / "media"))
    assert len(photos) >= 8 and photos == files_of(LocalStorage(Path(original.media)))
    assert (backup / "secret_key").read_text() == "the site's key"
    assert not (backup / "contest.db-wal").exists()

    with pytest.raises(SystemExit, match="Restore into a new data folder"):
        main(["restore", str(backup)])
    restored = tmp_path / "restored"
    monkeypatch.setenv("CONTEST_DATA_DIR", str(restored))
    for name in ("CONTEST_DATABASE", *s3_server.environment(s3_settings)):
        monkeypatch.delenv(name)
    assert main(["restore", str(backup)]) == 0
    assert digests(restored / "contest.db") == digests(middle_database)
    assert files_of(LocalStorage(restored / "media")) == photos


def digests(database: str | Path) -> Any:
    return asyncio.run(site_digests(database))


def test_a_backup_into_a_folder_in_use_is_refused_before_anything_is_copied(
    tmp_path: Path, s3_settings: S3Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONTEST_DATA_DIR", str(tmp_path / "data"))
    for name, value in s3_server.environment(s3_settings).items():
        monkeypatch.setenv(name, value)
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("mine")
    with pytest.raises(SystemExit, match=r"No backup made: .* is not empty"):
        main(["backup", str(used)])
    assert sorted(path.name for path in used.iterdir()) == ["notes.txt"]
