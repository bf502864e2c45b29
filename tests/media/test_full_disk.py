"""A really full disk: the media folder on a small tmpfs, filled by uploads and a filler file.

Uploads that would eat into the free-space floor get 507 with Retry-After and store nothing;
every photo acknowledged before keeps all its files; a master that cannot be written for lack
of space keeps its source and waits; once space is freed, the master is made and uploads are
taken again. Needs root to mount the tmpfs (CI runs as root); skipped otherwise, saying why.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from starlette.testclient import TestClient

from contest.app import create_app
from contest.config import Config
from contest.contests.phases import Phase
from contest.core.clock import to_db
from contest.media.images import make_master, process_photo
from contest.media.masters import pending_masters
from tests.conftest import FakeClock, Site
from tests.factories import add_contest

KIB = 1024
MIB = 1024 * KIB
#: The tmpfs the media folder lives on.
TMPFS_SIZE = 8 * MIB
#: CONTEST_MIN_FREE_MB: below this free space, uploads are refused.
FLOOR = 1 * MIB
#: What the filler takes at the start (freed at the end, so uploads can work again).
FIRST_FILLER = 3 * MIB
#: Free space left above the floor when the disk is squeezed: one more upload passes the
#: floor and fits, but its master then finds no room.
SQUEEZE_SLACK = 32 * KIB
#: The noise photos' size: a few hundred KB that JPEG cannot compress away.
PHOTO_SIZE = (800, 600)
PAGE = 4096
SETTLE_SECONDS = 10.0


def noise_photo(seed: int) -> bytes:
    """A JPEG of random pixels (about 360 KB) whose EXIF says "turn me": its master must be
    decoded and written anew, not just be its stripped source."""
    pixels = random.Random(seed).randbytes(PHOTO_SIZE[0] * PHOTO_SIZE[1] * 3)
    image = Image.frombytes("RGB", PHOTO_SIZE, pixels)
    tags = Image.Exif()
    tags[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, exif=tags)
    return buffer.getvalue()


def upload_and_master_bytes(photo: bytes) -> tuple[int, int]:
    """What the app stores for this photo as it answers (thumbnail, display, source) and what
    its master adds later, computed here with the app's own image functions."""
    processed = process_photo(photo)
    assert processed.source is not None and processed.master is None  # the master is deferred
    master = make_master(processed.source, processed.orientation)
    stored = len(processed.thumbnail.data) + len(processed.display.data) + len(processed.source)
    return stored, len(master)


@pytest.fixture
def media_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """An 8 MB tmpfs mounted for this test alone, always unmounted afterwards."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs for the media folder needs root (CI runs this as root)")
    mount_point = tmp_path / "media"
    mount_point.mkdir()
    command = [
        "mount",
        "-t",
        "tmpfs",
        "-o",
        f"size={TMPFS_SIZE // MIB}m",
        "tmpfs",
        str(mount_point),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError) as error:
        pytest.skip(f"running as root, but `{' '.join(command)}` could not run: {error}")
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip() or "no message"
        pytest.skip(
            f"running as root, but `{' '.join(command)}` failed (exit {done.returncode}): {message}"
        )
    try:
        assert os.path.ismount(mount_point)
        assert shutil.disk_usage(mount_point).total == TMPFS_SIZE
        yield mount_point
    finally:
        undone = subprocess.run(
            ["umount", str(mount_point)], capture_output=True, text=True, check=False
        )
        if undone.returncode != 0:  # something still holds it: detach it now, then say so
            subprocess.run(["umount", "-l", str(mount_point)], check=False)
            pytest.fail(f"could not unmount the test's tmpfs: {undone.stderr.strip()}")


@pytest.fixture
def floor() -> int:
    """The site's CONTEST_MIN_FREE_MB, in bytes (a test may parametrize it)."""
    return FLOOR


@pytest.fixture
def full_site(tmp_path: Path, media_tmpfs: Path, floor: int) -> Iterator[Site]:
    """The real app: its database on the ordinary disk, its media folder on the tmpfs."""
    config = Config(
        data_dir=tmp_path / "data",
        media_dir=media_tmpfs,
        base_url="http://testserver",
        secret_key="test-secret-key",
        min_free_bytes=floor,
    )
    clock = FakeClock()
    app = create_app(config, clock=clock, fast_passwords=True)
    with TestClient(app) as client:
        yield Site(client, clock, config)


# --- helpers ---------------------------------------------------------------------------


def free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def grow_filler(filler: Path, *, leave_free: int) -> None:
    """Write to the filler until the disk has ``leave_free`` bytes free (a page more at most)."""
    missing = free_bytes(filler.parent) - leave_free
    assert missing >= 0, f"already below {leave_free} bytes free"
    missing -= missing % PAGE
    with filler.open("ab") as handle:
        while missing:
            chunk = min(missing, 256 * KIB)
            handle.write(b"\0" * chunk)
            missing -= chunk
        handle.flush()
        os.fsync(handle.fileno())
    free = free_bytes(filler.parent)
    assert leave_free <= free < leave_free + PAGE, (free, leave_free)


def files_on(folder: Path) -> dict[str, int]:
    """Every file in the folder (temporaries and the filler too), with its size."""
    return {
        str(Path(root, name).relative_to(folder)): Path(root, name).stat().st_size
        for root, _, names in os.walk(folder)
        for name in names
    }


def submit(site: Site, slug: str, photo: bytes, title: str) -> Any:
    """The entry form, posted with a photo the way a browser posts it."""
    data = {
        "title": title,
        "description": "Late light across the reading room.",
        "alt_text": "Rows of desks under warm lamps",
        "hashtags": "",
        "category_id": "",
        "licence": "contest",
        "credit": "name",
        "consent_own_work": "on",
        "consent_people": "on",
        "csrf_token": site.csrf(f"/contests/{slug}/enter"),
    }
    files = {"photo": ("IMG_0001.JPG", photo, "image/jpeg")}
    return site.client.post(
        f"/contests/{slug}/enter", data=data, files=files, follow_redirects=False
    )


def wait_for(what: str, condition: Callable[[], bool]) -> None:
    """Poll while the app's background worker does its part."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


KEY_COLUMNS = ("thumb_key", "display_key", "master_key", "source_key", "share_card_key")


def referenced_keys(site: Site) -> set[str]:
    return {
        row[column]
        for row in site.rows("SELECT * FROM entries")
        for column in KEY_COLUMNS
        if row[column]
    }


def settle(site: Site) -> None:
    """Wait until the master job has tried every entry that is due (made its master, or
    recorded the failure) and released what it replaced: no stored file is then unused."""
    now = to_db(site.clock())

    def done() -> bool:
        due = site.value(
            "SELECT count(*) FROM entries WHERE master_key IS NULL"
            " AND (master_retry_at IS NULL OR master_retry_at <= ?)",
            (now,),
        )
        return due == 0 and not set(site.storage.all_keys()) - referenced_keys(site)

    wait_for("the master job to settle", done)


def readable_jpeg(site: Site, key: str) -> tuple[int, int]:
    """The size of the JPEG stored under ``key``, after reading and checking every byte."""
    path = site.config.media / key
    assert path.is_file(), f"{key} is gone"
    data = path.read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        image.load()
        return image.size


def check_no_photo_lost(site: Site, uploads: dict[int, bytes]) -> None:
    """Every acknowledged entry has all its files on disk and readable; its master, or else
    its source (the original, only stripped) with the entry listed as waiting for a master."""
    pending = {p.entry_id: p for p in site.run(pending_masters, site.db)}
    entries = site.rows("SELECT * FROM entries ORDER BY id")
    assert sorted(row["id"] for row in entries) == sorted(uploads)
    for row in entries:
        readable_jpeg(site, row["thumb_key"])
        readable_jpeg(site, row["display_key"])
        if row["master_key"]:
            assert readable_jpeg(site, row["master_key"]) == (row["width"], row["height"])
            assert row["id"] not in pending
        else:
            assert row["source_key"], f"entry {row['id']} has neither master nor source"
            readable_jpeg(site, row["source_key"])
            source = (site.config.media / row["source_key"]).read_bytes()
            with (
                Image.open(io.BytesIO(source)) as kept,
                Image.open(io.BytesIO(uploads[row["id"]])) as sent,
            ):
                assert kept.tobytes() == sent.tobytes(), "the source is not the original's pixels"
            assert row["id"] in pending, f"entry {row['id']} lacks a master but is not pending"


def entry_of(response: Any) -> int:
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("received=", 1)[1])


# --- the test ----------------------------------------------------------------------------


def test_a_full_media_disk_loses_no_original_and_refuses_uploads_with_507(
    full_site: Site, media_tmpfs: Path
) -> None:
    site = full_site
    contest = site.run(
        add_contest, site.db, Phase.SUBMISSIONS, now=site.clock(), max_entries_per_participant=50
    )
    site.sign_in_as("participant")
    filler = media_tmpfs / "filler.bin"
    grow_filler(filler, leave_free=TMPFS_SIZE - FIRST_FILLER)
    photos = (noise_photo(seed) for seed in range(1, 100))
    uploads: dict[int, bytes] = {}  # entry id -> the photo sent, for every 303

    # 1. Uploads while there is room: each one's master is made and its source released.
    while True:
        photo = next(photos)
        stored, master = upload_and_master_bytes(photo)
        if free_bytes(media_tmpfs) < FLOOR + stored + master + 256 * KIB:
            break
        entry_id = entry_of(submit(site, contest.slug, photo, f"Reading room {len(uploads) + 1}"))
        uploads[entry_id] = photo
        settle(site)
        assert site.value("SELECT master_key FROM entries WHERE id = ?", (entry_id,))
    assert len(uploads) >= 2
    assert site.run(pending_masters, site.db) == []

    # 2. Something else fills the disk to just above the floor. One more upload passes the
    # floor and fits, but leaves too little room for its master: the job fails for real
    # (ENOSPC on the tmpfs), keeps the source, and will try again.
    assert FLOOR + SQUEEZE_SLACK - stored > 128 * KIB, "the squeezed upload must fit"
    assert FLOOR + SQUEEZE_SLACK - stored < master - 128 * KIB, "its master must not"
    grow_filler(filler, leave_free=FLOOR + SQUEEZE_SLACK)
    squeezed = entry_of(submit(site, contest.slug, photo, "Reading room, the last one in"))
    uploads[squeezed] = photo
    settle(site)
    [waiting] = site.run(pending_masters, site.db)
    assert waiting.entry_id == squeezed and waiting.failing
    assert "No space left" in (waiting.error or "")
    assert waiting.next_try is not None and waiting.next_try > site.clock()
    source_key = site.value("SELECT source_key FROM entries WHERE id = ?", (squeezed,))
    assert source_key and (media_tmpfs / source_key).is_file()
    check_no_photo_lost(site, uploads)

    # 3. Below the floor, uploads get 507 with Retry-After and store nothing at all.
    assert free_bytes(media_tmpfs) < FLOOR
    before = files_on(media_tmpfs)
    rows_before = site.rows("SELECT id FROM entries ORDER BY id")
    for attempt in range(2):
        refused = submit(site, contest.slug, next(photos), f"Refused upload {attempt}")
        assert refused.status_code == 507, refused.text
        assert int(refused.headers["Retry-After"]) > 0
        assert "Nothing was saved" in refused.text
    assert files_on(media_tmpfs) == before
    assert site.rows("SELECT id FROM entries ORDER BY id") == rows_before
    assert site.value("SELECT count(*) FROM uploads") == 0
    check_no_photo_lost(site, uploads)

    # 4. Space is freed: once the retry is due, the worker makes the master and releases the
    # source, and uploads are taken again.
    filler.unlink()
    assert waiting.next_try is not None
    site.clock.moment = waiting.next_try
    site.run(site.client.app.state.services.wake_media_worker)  # type: ignore[attr-defined]
    wait_for("the pending master", lambda: not site.run(pending_masters, site.db))
    settle(site)
    assert not (media_tmpfs / source_key).exists()
    check_no_photo_lost(site, uploads)

    photo = next(photos)
    again = entry_of(submit(site, contest.slug, photo, "Reading room, after the clear-out"))
    uploads[again] = photo
    settle(site)
    assert site.run(pending_masters, site.db) == []
    check_no_photo_lost(site, uploads)
    assert set(files_on(media_tmpfs)) == referenced_keys(site)


class LeftoverFiles(AssertionError):
    """A refused upload left files behind."""


@pytest.mark.parametrize("floor", [0])
def test_an_upload_that_fills_the_disk_midway_gets_507_and_leaves_nothing(
    full_site: Site, media_tmpfs: Path
) -> None:
    """The floor is only a guard: with none (CONTEST_MIN_FREE_MB=0), or when uploads at the
    same moment all pass it, the disk can fill while an upload is written."""
    site = full_site
    contest = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock())
    site.sign_in_as("participant")
    photo = noise_photo(1)
    stored, _ = upload_and_master_bytes(photo)
    filler = media_tmpfs / "filler.bin"
    grow_filler(filler, leave_free=stored // 2)  # room for part of the upload's files only
    before = files_on(media_tmpfs)

    refused = submit(site, contest.slug, photo, "Reading room, too big for the disk")

    assert refused.status_code == 507, refused.text
    assert int(refused.headers["Retry-After"]) > 0
    assert site.value("SELECT count(*) FROM entries") == 0
    assert site.value("SELECT count(*) FROM uploads") == 0
    left = {name: size for name, size in files_on(media_tmpfs).items() if name not in before}
    if left:
        raise LeftoverFiles(f"the refused upload left {sum(left.values())} bytes: {left}")

    filler.unlink()  # with room again, the same photo is taken
    assert submit(site, contest.slug, photo, "Reading room, second try").status_code == 303
