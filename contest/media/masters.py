"""Full-size masters, made after the upload answered: a JPEG's master needs a full decode."""

from __future__ import annotations

import logging

import anyio.to_thread

from contest.core.db import Database
from contest.core.storage import LocalStorage
from contest.media.images import make_master
from contest.media.photos import release_files

log = logging.getLogger("contest")


def _build_master(storage: LocalStorage, source_key: str, orientation: int) -> str:
    return storage.put(make_master(storage.read(source_key), orientation))


async def complete_pending_masters(
    db: Database, storage: LocalStorage, *, limiter: anyio.CapacityLimiter, batch: int = 20
) -> int:
    """Make the masters still missing (oldest first); return how many were made."""
    rows = await db.fetch_all(
        "SELECT id, source_key, source_orientation FROM entries WHERE master_key IS NULL"
        " ORDER BY id LIMIT ?",
        (batch,),
    )
    for row in rows:
        try:
            master_key = await anyio.to_thread.run_sync(
                _build_master,
                storage,
                row["source_key"],
                row["source_orientation"],
                limiter=limiter,
            )
        except Exception:  # one bad file must not stall every later master
            log.exception("could not make the master of entry %s", row["id"])
            master_key = await db.fetch_value(
                "SELECT display_key FROM entries WHERE id = ?", (row["id"],)
            )
        async with db.transaction() as tx:
            await tx.execute(
                "UPDATE entries SET master_key = ?, source_key = NULL"
                " WHERE id = ? AND source_key = ?",
                (master_key, row["id"], row["source_key"]),
            )
        if master_key != row["source_key"]:
            await release_files(db, storage, [row["source_key"]])
    return len(rows)
