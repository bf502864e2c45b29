"""Background work done once, however many worker processes and hosts share the database.

Every process runs the same background loops, so each piece of work is claimed in the
database before it is done: a conditional write that only one process wins. Both databases
serialise write transactions database-wide (``BEGIN IMMEDIATE`` on SQLite, an advisory lock
on PostgreSQL, see ``db``), so a check-then-write inside one transaction is already atomic
across processes; ``SELECT ... FOR UPDATE SKIP LOCKED`` would add nothing under that lock
(and SQLite has no such thing).

A claim is a lease: it lapses at ``held_until``, so work whose holder crashed is taken by
another process once the lease time has passed. A holder names one process
(``this_process``: host, process id and a random part, since process ids are reused).
Pieces of one kind of row (a pending master) are claimed on the row itself; whole rounds (a
sweep, the share-card backlog) under a named lease in the ``leases`` table, here.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TypeVar

from contest.core.clock import to_db
from contest.core.db import Database

T = TypeVar("T")

_holder: tuple[int, str] | None = None


def this_process() -> str:
    """The name this process holds claims under: ``host:pid:random``. Made again in a forked
    child (whose pid differs), so two workers started from one parent never share it."""
    global _holder
    pid = os.getpid()
    if _holder is None or _holder[0] != pid:
        _holder = (pid, f"{socket.gethostname()}:{pid}:{secrets.token_hex(4)}")
    return _holder[1]


async def take_lease(
    db: Database, name: str, *, now: datetime, lasting: timedelta, holder: str | None = None
) -> bool:
    """Hold the lease ``name`` until ``now + lasting``; return whether it is ours. It is
    taken when nobody holds it, when its holder's time has run out, or renewed when we
    already hold it; another holder's live lease is left alone."""
    async with db.transaction() as tx:
        taken = await tx.execute_rowcount(
            "INSERT INTO leases (name, holder, held_until) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE"
            " SET holder = excluded.holder, held_until = excluded.held_until"
            " WHERE leases.holder = excluded.holder OR leases.held_until <= ?",
            (name, holder or this_process(), to_db(now + lasting), to_db(now)),
        )
    return taken == 1


async def release_lease(db: Database, name: str, *, holder: str | None = None) -> None:
    """Give the lease up at once, if we still hold it (another may have taken it over after
    ours ran out: theirs stays)."""
    async with db.transaction() as tx:
        await tx.execute(
            "DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder or this_process())
        )


async def run_once_per(
    db: Database,
    name: str,
    work: Callable[[], Awaitable[T]],
    *,
    now: datetime,
    every: timedelta,
    holder: str | None = None,
) -> T | None:
    """Run ``work()`` unless another process holds the lease ``name`` (it ran the round, or is
    running it, within ``every``); return its result, or None when it was not ours to run.
    The lease is taken, or renewed by its holder, for ``every`` from ``now`` and kept after
    the work, so one process at a time runs the round and the others leave it alone until
    that process stops asking (its own loop paces it); a round that fails gives the lease up,
    so the next one to ask tries again."""
    if not await take_lease(db, name, now=now, lasting=every, holder=holder):
        return None
    try:
        return await work()
    except Exception:  # (a round cancelled at shut-down keeps it until it lapses)
        await release_lease(db, name, holder=holder)
        raise
