"""The audit log's one way of writing a line: who did what to which contest (or to the site's
lists, with no contest), and when. Lines are written in English, the one language the log is
kept in; a page translates its own words around them.

Most changes write their line in an async transaction (``record``); the judging rounds write in
the writer's own thread, inside one synchronous write (``record_in``). Both write the same row.
"""

from __future__ import annotations

from datetime import datetime

from contest.core.clock import to_db
from contest.core.db import Connection, Transaction

INSERT = "INSERT INTO audit_log (contest_id, actor_id, action, details, at) VALUES (?, ?, ?, ?, ?)"


async def record(
    tx: Transaction,
    *,
    contest_id: int | None,
    actor_id: int | None,
    action: str,
    details: str,
    now: datetime,
) -> None:
    """Add a line to the audit log, in the caller's transaction."""
    await tx.execute(INSERT, (contest_id, actor_id, action, details, to_db(now)))


def record_in(
    connection: Connection,
    *,
    contest_id: int | None,
    actor_id: int | None,
    action: str,
    details: str,
    now: datetime,
) -> None:
    """Add a line to the audit log on the writer's connection, inside its write."""
    connection.execute(INSERT, (contest_id, actor_id, action, details, to_db(now)))
