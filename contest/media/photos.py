"""A processed photo on disk: its files in storage and the facts kept about it."""

from __future__ import annotations

import json
import logging
import socket
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from functools import partial

import anyio.to_thread

from contest.core.claims import run_once_per
from contest.core.clock import to_db
from contest.core.db import Database, Row
from contest.core.errors import ValidationError
from contest.core.security import new_token, token_hash
from contest.core.storage import LocalStorage, Storage
from contest.i18n import N_
from contest.media import decoding
from contest.media.decoding import DecodingFailed
from contest.media.images import ImageRejected, ProcessedPhoto, process_photo
from contest.media.share_card import card_for

log = logging.getLogger("contest")

#: How long a photo uploaded with a form that had errors waits for the corrected form.
UPLOAD_LIFETIME = timedelta(hours=24)
#: How old a file nothing uses must be before the sweep removes it: an upload's files are
#: stored before its entry or held upload refers to them.
UNREFERENCED_FILE_AGE = timedelta(hours=1)
#: Told a participant whose photo crashed its worker, outgrew its memory or took too long.
PROCESSING_FAILED = N_("This photo could not be processed; it may be too large or damaged.")
KEY_COLUMNS = ("thumb_key", "display_key", "master_key", "source_key", "share_card_key")
#: How often, at most, the site's workers sweep abandoned uploads between them: they expire
#: after a day, so a few minutes late costs nothing.
UPLOAD_SWEEP_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class StoredPhoto:
    """Everything an entry records about its photo; the files are already in storage."""

    image_format: str
    width: int
    height: int
    thumb_key: str
    thumb_width: int
    thumb_height: int
    display_key: str
    display_width: int
    display_height: int
    master_key: str | None
    source_key: str | None
    source_orientation: int
    captured_at: str | None
    camera: str | None
    original_sha256: str
    dhash: str

    @property
    def keys(self) -> list[str]:
        """Every file this photo uses."""
        return [
            key
            for key in (self.thumb_key, self.display_key, self.master_key, self.source_key)
            if key
        ]

    def columns(self) -> dict[str, object]:
        """The entry columns that describe this photo."""
        return asdict(self)

    @classmethod
    def from_row(cls, row: Row) -> StoredPhoto:
        """The photo an ``entries`` row describes."""
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


def _store(storage: Storage, photo: ProcessedPhoto) -> StoredPhoto:
    """Write the photo's files, all or none (a disk that fills midway leaves nothing behind)."""
    extra = [blob for blob in (photo.master, photo.source) if blob is not None]
    thumb_key, display_key, *extra_keys = storage.put_all(
        [photo.thumbnail.data, photo.display.data, *extra]
    )
    master_key = extra_keys.pop(0) if photo.master is not None else None
    source_key = extra_keys.pop(0) if photo.source is not None else None
    return StoredPhoto(
        image_format=photo.format,
        width=photo.width,
        height=photo.height,
        thumb_key=thumb_key,
        thumb_width=photo.thumbnail.width,
        thumb_height=photo.thumbnail.height,
        display_key=display_key,
        display_width=photo.display.width,
        display_height=photo.display.height,
        master_key=master_key,
        source_key=source_key,
        source_orientation=photo.orientation,
        captured_at=photo.captured_at,
        camera=photo.camera,
        original_sha256=photo.original_sha256,
        dhash=f"{photo.dhash:016x}",
    )


async def process_upload(
    storage: Storage, data: bytes, *, limiter: anyio.CapacityLimiter
) -> StoredPhoto:
    """Decode and clean an uploaded photo in a worker process, then store its files off the
    event loop; ValidationError if it is refused or could not be processed."""
    if not data:
        raise ValidationError({"photo": N_("Choose a photo to upload (the file was empty).")})
    try:
        photo = await decoding.run(process_photo, data, limiter=limiter)
    except ImageRejected as rejected:
        raise ValidationError({"photo": rejected.args[0]}) from rejected
    except DecodingFailed as failed:
        log.warning("an upload of %s bytes could not be processed: %s", len(data), failed)
        raise ValidationError({"photo": PROCESSING_FAILED}) from failed
    return await anyio.to_thread.run_sync(_store, storage, photo, limiter=limiter)


async def _in_use(db: Database, key: str) -> bool:
    """Whether an entry, a waiting upload, a contest's cover or the logo uses the file (share
    cards are entries' too)."""
    return bool(
        await db.fetch_value(
            "SELECT 1 FROM entries"
            " WHERE ? IN (thumb_key, display_key, master_key, source_key, share_card_key)"
            " UNION ALL SELECT 1 FROM uploads WHERE keys LIKE ?"
            " UNION ALL SELECT 1 FROM contest_covers WHERE ? IN (display_key, thumb_key)"
            " UNION ALL SELECT 1 FROM settings WHERE key = 'brand_logo' AND json_valid(value)"
            " AND json_extract(value, '$.key') = ? LIMIT 1",
            (key, f"%{key}%", key, key),
        )
    )


async def release_files(db: Database, storage: Storage, keys: list[str]) -> None:
    """Delete the files no entry and no waiting upload uses any more."""
    for key in set(keys):
        if not await _in_use(db, key):
            await anyio.to_thread.run_sync(storage.delete, key)


async def _keys_in_use(db: Database) -> set[str]:
    """Every file an entry, a waiting upload, a contest's cover or the logo uses."""
    columns = " UNION ALL ".join(
        f"SELECT {column} FROM entries WHERE {column} IS NOT NULL"  # noqa: S608 - fixed names
        for column in KEY_COLUMNS
    )
    used = {row[0] for row in await db.fetch_all(columns)}
    for row in await db.fetch_all("SELECT keys FROM uploads"):
        used.update(row["keys"].split())
    covers = "SELECT display_key FROM contest_covers UNION ALL SELECT thumb_key FROM contest_covers"
    used.update(row[0] for row in await db.fetch_all(covers) if row[0])
    logo = await db.fetch_value(  # the logo's setting is JSON: {"key": ..., "width": ...}
        "SELECT json_extract(value, '$.key') FROM settings"
        " WHERE key = 'brand_logo' AND json_valid(value)"
    )
    if logo:
        used.add(str(logo))
    return used


async def sweep_unreferenced_files(
    db: Database, storage: Storage, *, min_age: timedelta = UNREFERENCED_FILE_AGE
) -> list[str]:
    """Remove files nothing uses and half-written temporaries, once older than ``min_age``
    (younger ones may belong to an upload whose entry is not stored yet); return what went.

    What a crash, or a race the code lost, left behind goes here. A file counts as young
    again when it is stored again (``Storage.put``), and each one is checked again
    just before it goes, so an entry recorded meanwhile keeps its file.
    """
    before = time.time() - min_age.total_seconds()
    old = await anyio.to_thread.run_sync(partial(storage.stale_keys, before=before))
    used = await _keys_in_use(db)
    removed = []
    for key in old:
        if key in used or await _in_use(db, key):
            continue
        if await anyio.to_thread.run_sync(partial(storage.delete_if_stale, key, before=before)):
            log.info("removed %s: no entry or upload uses it", key)
            removed.append(key)
    temporaries = await anyio.to_thread.run_sync(
        partial(storage.delete_stale_temporaries, before=before)
    )
    for path in temporaries:
        log.info("removed %s: a file left half-written", path)
    if removed or temporaries:
        log.info(
            "file sweep: removed %s unreferenced files and %s temporaries",
            len(removed),
            len(temporaries),
        )
    return removed + temporaries


def file_sweep_lease(storage: Storage) -> str:
    """The lease a file sweep of ``storage`` runs under. A folder is this host's own (each
    host of a site keeps its photos in a folder of its own, and only it can sweep it): one
    lease per host and folder, shared by that host's workers. A bucket is the whole site's:
    one lease, so two hosts never list and sweep it at once."""
    if isinstance(storage, LocalStorage):
        return f"file sweep {socket.gethostname()}:{storage.root.absolute()}"
    return "file sweep"


async def sweep_unreferenced_files_once(
    db: Database, storage: Storage, *, now: datetime, every: timedelta, holder: str | None = None
) -> list[str] | None:
    """``sweep_unreferenced_files``, unless another worker swept the same storage within
    ``every`` of ``now`` (or is sweeping it): then None."""
    return await run_once_per(
        db,
        file_sweep_lease(storage),
        partial(sweep_unreferenced_files, db, storage),
        now=now,
        every=every,
        holder=holder,
    )


async def keep_upload(db: Database, *, photo: StoredPhoto, user_id: int, now: datetime) -> str:
    """Hold a photo whose form had errors, so the participant need not pick it again."""
    token = new_token()
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO uploads (token_hash, user_id, photo, keys, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                token_hash(token),
                user_id,
                json.dumps(photo.columns()),
                " ".join(photo.keys),
                to_db(now),
            ),
        )
    return token


async def held_upload(
    db: Database, token: str, *, user_id: int, now: datetime
) -> StoredPhoto | None:
    """The photo held under a token for this user, if it is still there."""
    row = await db.fetch_one(
        "SELECT photo FROM uploads WHERE token_hash = ? AND user_id = ? AND created_at > ?",
        (token_hash(token), user_id, to_db(now - UPLOAD_LIFETIME)),
    )
    return None if row is None else StoredPhoto(**json.loads(row["photo"]))


async def forget_upload(db: Database, storage: Storage, token: str) -> None:
    """Drop a held upload once the form is through; its files go unless an entry uses them
    (the participant may have picked another photo in the end)."""
    async with db.transaction() as tx:
        keys = await tx.fetch_value(
            "SELECT keys FROM uploads WHERE token_hash = ?", (token_hash(token),)
        )
        await tx.execute("DELETE FROM uploads WHERE token_hash = ?", (token_hash(token),))
    if keys:
        await release_files(db, storage, str(keys).split())


async def sweep_expired_uploads(db: Database, storage: Storage, *, now: datetime) -> int:
    """Remove uploads abandoned for a day, and their files; return how many went."""
    cutoff = to_db(now - UPLOAD_LIFETIME)
    rows = await db.fetch_all("SELECT id, keys FROM uploads WHERE created_at <= ?", (cutoff,))
    if not rows:
        return 0
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM uploads WHERE created_at <= ?", (cutoff,))
    await release_files(db, storage, [key for row in rows for key in row["keys"].split()])
    return len(rows)


async def sweep_expired_uploads_once(
    db: Database, storage: Storage, *, now: datetime, holder: str | None = None
) -> int | None:
    """``sweep_expired_uploads``, unless a worker of the site swept them within
    ``UPLOAD_SWEEP_EVERY`` of ``now`` (or is sweeping them): then None. The uploads are the
    site's rows, so one lease serves every host; a host whose folder holds a swept upload's
    files finds them unreferenced at its own file sweep."""
    return await run_once_per(
        db,
        "upload sweep",
        partial(sweep_expired_uploads, db, storage, now=now),
        now=now,
        every=UPLOAD_SWEEP_EVERY,
        holder=holder,
    )


async def forget_share_cards(db: Database, storage: Storage, contest_id: int) -> None:
    """Drop the contest's share cards (its name or hashtag changed); they are redrawn on demand."""
    async with db.transaction() as tx:
        rows = await tx.fetch_all(
            "SELECT share_card_key FROM entries"
            " WHERE contest_id = ? AND share_card_key IS NOT NULL",
            (contest_id,),
        )
        await tx.execute(
            "UPDATE entries SET share_card_key = NULL WHERE contest_id = ?", (contest_id,)
        )
    await release_files(db, storage, [row["share_card_key"] for row in rows])


async def share_card_of(
    db: Database,
    storage: Storage,
    entry: Row,
    *,
    hashtag: str,
    contest_title: str,
    limiter: anyio.CapacityLimiter,
) -> str:
    """The storage key of the entry's link-preview card: the one kept, or one drawn now in a
    decoding worker, stored and recorded on the entry. Should drawing fail, the display image
    stands in (nothing is recorded, so the next visit tries again); should the entry be gone,
    retitled or given another photo by the time the card is stored, the card is not kept."""
    key: str | None = entry["share_card_key"]
    kept: bool = await anyio.to_thread.run_sync(storage.exists, key) if key else False
    if key and kept:
        return key
    display = await anyio.to_thread.run_sync(storage.read, entry["display_key"])
    try:
        card = await decoding.run(
            card_for, display, entry["title"], hashtag, contest_title, limiter=limiter
        )
    except DecodingFailed as failed:
        log.warning("the share card of entry %s could not be drawn: %s", entry["id"], failed)
        return str(entry["display_key"])
    key = await anyio.to_thread.run_sync(storage.put, card)
    async with db.transaction() as tx:
        recorded = await tx.execute_rowcount(  # not if its title or photo changed meanwhile
            "UPDATE entries SET share_card_key = ? WHERE id = ? AND title = ? AND display_key = ?",
            (key, entry["id"], entry["title"], entry["display_key"]),
        )
    if not recorded:
        await release_files(db, storage, [key])
    return key
