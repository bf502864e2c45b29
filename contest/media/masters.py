"""Full-size masters, made after the upload answered: a JPEG's master needs a full decode.

The job reads an entry that still wants a master (``master_key IS NULL``), makes the master
from the stripped source off the event loop, and records it only if the entry still wants
it from the same source: a photo deleted or replaced meanwhile wins, and the file the job
made is removed again. A master that cannot be made (a full disk, a file that will not
decode) leaves the entry as it was, source and all; the attempt, the error and the time of
the next try are recorded on the entry, each wait twice the one before, up to a ceiling.
Every worker process runs the job, so each master is claimed on its entry first
(``master_claimed_by``/``master_claimed_until``, a conditional UPDATE only one process wins)
and the claim is cleared with the outcome: a master is made once, however many workers run,
and one whose worker died is taken by another once the claim has run out (``MASTER_CLAIM``).
``pending_masters`` lists the entries still waiting, for organizers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio.to_thread

from contest.core.claims import this_process
from contest.core.clock import from_db, to_db, utcnow
from contest.core.db import Database
from contest.core.storage import Storage
from contest.media import decoding
from contest.media.images import make_master
from contest.media.photos import release_files

log = logging.getLogger("contest")

#: The wait before the first retry of a master that failed; each later wait doubles it...
FIRST_RETRY = timedelta(minutes=1)
#: ... up to this (a master keeps being retried: its source is never given up).
LONGEST_RETRY = timedelta(hours=6)
#: How much of a failure's message is kept on the entry.
ERROR_CHARS = 500
#: How long a worker's claim on a master holds, from the start of its batch: far longer than
#: making one takes, so that only a worker that died loses it.
MASTER_CLAIM = timedelta(minutes=15)
#: An entry still waiting for its master whose try is due, and nobody's claim is running.
_DUE = (
    "master_key IS NULL AND (master_retry_at IS NULL OR master_retry_at <= ?)"
    " AND (master_claimed_until IS NULL OR master_claimed_until <= ?)"
)


@dataclass(frozen=True)
class PendingMaster:
    """An entry whose full-size master is not made yet: waiting its turn, or failing."""

    entry_id: int
    contest_id: int
    title: str
    attempts: int
    next_try: datetime | None
    error: str | None

    @property
    def failing(self) -> bool:
        """Whether the job has already failed to make it (and will try again at ``next_try``)."""
        return self.attempts > 0


def retry_delay(attempts: int) -> timedelta:
    """How long to wait before the next try after ``attempts`` failed ones."""
    if attempts > 20:  # 2**20 minutes is long past the ceiling; no need to compute more
        return LONGEST_RETRY
    doublings: int = max(attempts - 1, 0)
    return min(FIRST_RETRY * (1 << doublings), LONGEST_RETRY)


async def _build_master(
    storage: Storage, source_key: str, orientation: int, *, limiter: anyio.CapacityLimiter
) -> str:
    """Read the source and store the master in threads, make it in a decoding worker."""
    source = await anyio.to_thread.run_sync(storage.read, source_key, limiter=limiter)
    master = await decoding.run(make_master, source, orientation, limiter=limiter)
    return await anyio.to_thread.run_sync(storage.put, master, limiter=limiter)


async def _claim(db: Database, entry_id: int, *, holder: str, now: datetime) -> bool:
    """Take the entry's master for ``holder`` if it is still due and unclaimed; return whether
    it was taken (another worker may have claimed it since the batch was read)."""
    async with db.transaction() as tx:
        claimed = await tx.execute_rowcount(
            "UPDATE entries SET master_claimed_by = ?, master_claimed_until = ?"  # noqa: S608
            f" WHERE id = ? AND {_DUE}",
            (holder, to_db(now + MASTER_CLAIM), entry_id, to_db(now), to_db(now)),
        )
    return claimed == 1


async def _release_claim(db: Database, entry_id: int, *, holder: str) -> None:
    """Clear the entry's claim if it is still ``holder``'s (its photo changed meanwhile)."""
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE entries SET master_claimed_by = NULL, master_claimed_until = NULL"
            " WHERE id = ? AND master_claimed_by = ?",
            (entry_id, holder),
        )


async def _record_failure(
    db: Database,
    *,
    entry_id: int,
    source_key: str,
    attempts: int,
    error: Exception,
    now: datetime,
    holder: str,
) -> None:
    """Count the failed try (``attempts`` in all), say when the next one is due and lift the
    claim; the source stays. Not if the claim ran out and another worker holds it now: its
    outcome is the one recorded."""
    next_try = now + retry_delay(attempts)
    log.error(
        "could not make the master of entry %s (attempt %s; next try at %s; its source is kept)",
        entry_id,
        attempts,
        to_db(next_try),
        exc_info=error,
    )
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE entries SET master_attempts = ?, master_retry_at = ?, master_error = ?,"
            " master_claimed_by = NULL, master_claimed_until = NULL"
            " WHERE id = ? AND source_key = ? AND master_key IS NULL AND master_claimed_by = ?",
            (
                attempts,
                to_db(next_try),
                f"{type(error).__name__}: {error}"[:ERROR_CHARS],
                entry_id,
                source_key,
                holder,
            ),
        )


async def complete_pending_masters(
    db: Database,
    storage: Storage,
    *,
    limiter: anyio.CapacityLimiter,
    batch: int = 20,
    now: datetime | None = None,
    holder: str | None = None,
) -> int:
    """Make the masters still missing whose try is due at ``now`` and that no other worker
    has claimed (oldest first), each claimed for ``holder`` (this process) first; return how
    many entries this call tried (0: nothing is due that is not another worker's)."""
    now = now or utcnow()
    holder = holder or this_process()
    rows = await db.fetch_all(
        "SELECT id, source_key, source_orientation, master_attempts FROM entries"  # noqa: S608
        f" WHERE {_DUE} ORDER BY id LIMIT ?",
        (to_db(now), to_db(now), batch),
    )
    tried = 0
    for row in rows:
        entry_id, source_key = row["id"], row["source_key"]
        if not await _claim(db, entry_id, holder=holder, now=now):
            continue  # another worker took it since the batch was read
        tried += 1
        try:
            master_key = await _build_master(
                storage, source_key, row["source_orientation"], limiter=limiter
            )
        except Exception as error:  # one bad file must not stall every later master
            await _record_failure(
                db,
                entry_id=entry_id,
                source_key=source_key,
                attempts=row["master_attempts"] + 1,
                error=error,
                now=now,
                holder=holder,
            )
            continue
        async with db.transaction() as tx:
            recorded = await tx.execute_rowcount(
                "UPDATE entries SET master_key = ?, source_key = NULL, master_attempts = 0,"
                " master_retry_at = NULL, master_error = NULL,"
                " master_claimed_by = NULL, master_claimed_until = NULL"
                " WHERE id = ? AND source_key = ? AND master_key IS NULL",
                (master_key, entry_id, source_key),
            )
        if recorded:
            await release_files(db, storage, [source_key])
        else:  # deleted or given another photo meanwhile: the master is nobody's
            log.info("entry %s changed while its master was made; master dropped", entry_id)
            await _release_claim(db, entry_id, holder=holder)
            await release_files(db, storage, [master_key, source_key])
    return tried


async def next_master_try(db: Database) -> datetime | None:
    """When the earliest failed master is due to be tried again, or the earliest claim of
    another worker runs out (it may have died), if one is waiting: whichever is later for
    each entry."""
    value = await db.fetch_value(
        "SELECT min(CASE WHEN master_claimed_until > coalesce(master_retry_at, '')"
        " THEN master_claimed_until ELSE master_retry_at END)"
        " FROM entries WHERE master_key IS NULL"
    )
    return None if value is None else from_db(value)


async def pending_masters(db: Database, *, contest_id: int | None = None) -> list[PendingMaster]:
    """The entries (of one contest, or all) whose master is still to be made, oldest first."""
    rows = await db.fetch_all(
        "SELECT id, contest_id, title, master_attempts, master_retry_at, master_error"
        " FROM entries WHERE master_key IS NULL AND (? IS NULL OR contest_id = ?) ORDER BY id",
        (contest_id, contest_id),
    )
    return [
        PendingMaster(
            entry_id=row["id"],
            contest_id=row["contest_id"],
            title=row["title"],
            attempts=row["master_attempts"],
            next_try=None if row["master_retry_at"] is None else from_db(row["master_retry_at"]),
            error=row["master_error"],
        )
        for row in rows
    ]
