"""The contest's audit log, written by a round's changes inside their own write transaction
(opening, late photos, a juror's tasks moved, closing and advancing)."""

from __future__ import annotations

from datetime import datetime

from contest.core.clock import to_db
from contest.core.db import Connection


def record(
    connection: Connection,
    *,
    contest_id: int,
    actor_id: int | None,
    action: str,
    details: str,
    now: datetime,
) -> None:
    """Add a line to the contest's audit log."""
    connection.execute(
        "INSERT INTO audit_log (contest_id, actor_id, action, details, at) VALUES (?, ?, ?, ?, ?)",
        (contest_id, actor_id, action, details, to_db(now)),
    )
