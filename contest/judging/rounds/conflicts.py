"""A juror recognises a photo mid-round (a friend's, a student's): they declare the conflict
from the photo's page, as on the single-stage review, and step aside from it.

The conflict is recorded for the organizers with its reason, the juror's decision on the photo
stops counting, and the photo goes to another juror of the round (``reassigning``), so it is
still seen by as many jurors as the quorum asks wherever someone may take it.
"""

from __future__ import annotations

from datetime import datetime

from contest.accounts.users import User
from contest.core.audit_log import record_in
from contest.core.clock import to_db
from contest.core.db import Connection, Database
from contest.judging.panel import conflict_reason
from contest.judging.rounds.juror import ensure_open, own_task
from contest.judging.rounds.model import Round
from contest.judging.rounds.reassigning import give_to_another


async def declare_conflict(
    db: Database, round_: Round, juror: User, task_id: int, reason: str, now: datetime
) -> int | None:
    """Record the juror's conflict on one of their photos and give the photo to another juror
    of the round. That juror's id, or None when nobody else may take it."""
    reason = conflict_reason(reason)
    ensure_open(round_, now)

    def write(connection: Connection) -> int | None:
        own_task(connection, round_, juror, task_id)
        entry = int(
            connection.execute(
                "SELECT entry_id FROM round_tasks WHERE id = ?", (task_id,)
            ).fetchone()[0]
        )
        connection.execute(
            "INSERT INTO conflicts (entry_id, judge_id, reason, declared_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (entry, juror.id, reason, to_db(now)),
        )
        taker = give_to_another(connection, round_, task_id, juror.id, now=now)
        record_in(
            connection,
            contest_id=round_.contest_id,
            actor_id=juror.id,
            action="conflict",
            details=f"{juror.display_name} declared a conflict on entry #{entry} in round"
            f" {round_.number}: {reason}; "
            + (f"the photo went to juror #{taker}" if taker else "no other juror could take it"),
            now=now,
        )
        return taker

    return await db.write_in_thread(write)
