"""A contest's cover photo: one of its approved entries, or a photo uploaded for the cover."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import anyio

from contest.core import audit_log
from contest.core.clock import to_db
from contest.core.db import Database, Row, Transaction
from contest.core.errors import ValidationError
from contest.core.storage import Storage
from contest.i18n import N_
from contest.media import photos

MAX_ALT = 250
#: The cover as shown: the entry's files while it stays approved, else the uploaded ones.
_SHOWN = (
    "SELECT c.contest_id, c.entry_id,"
    " COALESCE(e.display_key, c.display_key) AS display_key,"
    " COALESCE(e.display_width, c.display_width) AS display_width,"
    " COALESCE(e.display_height, c.display_height) AS display_height,"
    " COALESCE(e.thumb_key, c.thumb_key) AS thumb_key,"
    " COALESCE(e.thumb_width, c.thumb_width) AS thumb_width,"
    " COALESCE(e.thumb_height, c.thumb_height) AS thumb_height,"
    " CASE WHEN c.entry_id IS NULL THEN c.alt_text"
    " ELSE COALESCE(NULLIF(e.alt_text, ''), e.title) END AS alt_text"
    " FROM contest_covers c LEFT JOIN entries e"
    " ON e.id = c.entry_id AND e.contest_id = c.contest_id AND e.status = 'approved'"
    " WHERE (e.id IS NOT NULL OR (c.entry_id IS NULL AND c.display_key IS NOT NULL))"
)


@dataclass(frozen=True)
class Cover:
    """A cover as pages show it: a large and a small image and their alt text."""

    contest_id: int
    entry_id: int | None
    display_key: str
    display_width: int
    display_height: int
    thumb_key: str
    thumb_width: int
    thumb_height: int
    alt_text: str

    @classmethod
    def from_row(cls, row: Row) -> Cover:
        """The cover a row of ``_SHOWN`` describes."""
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


async def cover_of(db: Database, contest_id: int) -> Cover | None:
    """The contest's cover as shown, or None (none chosen, or its entry no longer approved)."""
    row = await db.fetch_one(_SHOWN + " AND c.contest_id = ?", (contest_id,))
    return None if row is None else Cover.from_row(row)


async def covers_of(db: Database, contest_ids: Iterable[int]) -> dict[int, Cover]:
    """The covers of several contests (those without one left out), by contest id."""
    ids = list(contest_ids)
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = await db.fetch_all(_SHOWN + f" AND c.contest_id IN ({marks})", ids)
    return {row["contest_id"]: Cover.from_row(row) for row in rows}


async def cover_choices(db: Database, contest_id: int) -> list[Row]:
    """The contest's approved entries, newest first: the photos a cover may be chosen from."""
    return await db.fetch_all(
        "SELECT id, title, thumb_key, thumb_width, thumb_height,"
        " COALESCE(NULLIF(alt_text, ''), title) AS alt_text FROM entries"
        " WHERE contest_id = ? AND status = 'approved' ORDER BY id DESC",
        (contest_id,),
    )


async def _replace(tx: Transaction, contest_id: int, values: dict[str, object]) -> list[str]:
    """Store the contest's cover row (or none, for empty ``values``); the keys of the
    uploaded files it no longer uses."""
    old = await tx.fetch_one(
        "SELECT display_key, thumb_key FROM contest_covers WHERE contest_id = ?", (contest_id,)
    )
    await tx.execute("DELETE FROM contest_covers WHERE contest_id = ?", (contest_id,))
    if values:
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        await tx.execute(
            f"INSERT INTO contest_covers (contest_id, {names}) VALUES (?, {marks})",  # noqa: S608
            (contest_id, *values.values()),
        )
    if old is None:
        return []
    kept = {values.get("display_key"), values.get("thumb_key")}
    return [key for key in (old["display_key"], old["thumb_key"]) if key and key not in kept]


async def _audit(
    tx: Transaction, contest_id: int, user_id: int, details: str, now: datetime
) -> None:
    await audit_log.record(
        tx, contest_id=contest_id, actor_id=user_id, action="cover", details=details, now=now
    )


async def choose_entry(
    db: Database,
    storage: Storage,
    *,
    contest_id: int,
    entry_id: int | None,
    user_id: int,
    now: datetime,
) -> None:
    """Make one of the contest's approved entries its cover; ValidationError otherwise."""
    async with db.transaction() as tx:
        found = entry_id is not None and await tx.fetch_value(
            "SELECT 1 FROM entries WHERE id = ? AND contest_id = ? AND status = 'approved'",
            (entry_id, contest_id),
        )
        if not found:
            raise ValidationError({"entry_id": N_("Choose one of the contest's approved photos.")})
        released = await _replace(
            tx, contest_id, {"entry_id": entry_id, "chosen_by": user_id, "chosen_at": to_db(now)}
        )
        await _audit(tx, contest_id, user_id, f"cover: entry #{entry_id}", now)
    await photos.release_files(db, storage, released)


def check_alt_text(text: str) -> str:
    """The alt text of an uploaded cover, trimmed; ValidationError naming ``alt_text``."""
    alt = " ".join(text.split())
    if not alt:
        raise ValidationError(
            {"alt_text": N_("Describe the photo for people who cannot see it (its alt text).")}
        )
    if len(alt) > MAX_ALT:
        raise ValidationError(
            {
                "alt_text": N_(
                    "Keep the description to %(maximum)d characters (it has %(count)d).",
                    maximum=MAX_ALT,
                    count=len(alt),
                )
            }
        )
    return alt


async def upload_cover(
    db: Database,
    storage: Storage,
    data: bytes,
    *,
    contest_id: int,
    alt_text: str,
    user_id: int,
    now: datetime,
    limiter: anyio.CapacityLimiter,
) -> None:
    """Make an uploaded photo (cleaned like an entry's) the contest's cover; ValidationError
    naming every field that is wrong, with nothing stored."""
    errors: dict[str, str] = {}
    try:
        alt = check_alt_text(alt_text)
    except ValidationError as error:
        errors.update(error.errors)
    try:
        photo = await photos.process_upload(storage, data, limiter=limiter)
    except ValidationError as error:
        errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    values = {
        "display_key": photo.display_key,
        "display_width": photo.display_width,
        "display_height": photo.display_height,
        "thumb_key": photo.thumb_key,
        "thumb_width": photo.thumb_width,
        "thumb_height": photo.thumb_height,
        "alt_text": alt,
        "chosen_by": user_id,
        "chosen_at": to_db(now),
    }
    async with db.transaction() as tx:
        released = await _replace(tx, contest_id, values)
        await _audit(tx, contest_id, user_id, "cover: an uploaded photo", now)
    # The master and source an entry would keep are not needed for a cover.
    unused = [key for key in photo.keys if key not in (photo.display_key, photo.thumb_key)]
    await photos.release_files(db, storage, released + unused)


async def remove_cover(
    db: Database, storage: Storage, *, contest_id: int, user_id: int, now: datetime
) -> None:
    """Take the contest's cover away (an uploaded photo's files go too)."""
    async with db.transaction() as tx:
        released = await _replace(tx, contest_id, {})
        await _audit(tx, contest_id, user_id, "cover removed", now)
    await photos.release_files(db, storage, released)
