"""A juror drops out: their unfinished photos go to the round's other jurors in one action,
shown before it is applied.

Each unfinished photo goes to the least-loaded remaining juror who may take it (not already
on it, no conflict, not its author), so the round stays balanced and does not stall waiting
for someone who left. What the juror already decided stays theirs. A photo nobody left may
take is named, not silently dropped.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from contest.accounts.users import User
from contest.core.audit_log import record_in
from contest.core.db import Connection, Database, Row
from contest.core.errors import Conflict, NotFound
from contest.i18n import N_
from contest.judging.rounds.assignment import queue_positions, reassign
from contest.judging.rounds.model import Round
from contest.judging.rounds.setup import barred_pairs, queue_ends
from contest.judging.rounds.store import ensure_still_open


@dataclass(frozen=True)
class Handover:
    """Where a leaving juror's unfinished photos go."""

    leaving: int
    #: (entry, the juror who takes it over)
    moves: tuple[tuple[int, int], ...]
    #: Photos no remaining juror may take (they stay undecided).
    stuck: tuple[int, ...]

    @property
    def received(self) -> dict[int, int]:
        """How many photos each remaining juror takes over."""
        return dict(Counter(juror for _, juror in self.moves))


async def plan_handover(db: Database, round_: Round, leaving: int) -> Handover:
    """What dropping the juror would do, without doing it."""
    return await db.write_in_thread(lambda c: _plan(c, round_, leaving))


async def hand_over(
    db: Database, round_: Round, leaving: int, *, actor: User, now: datetime
) -> Handover:
    """Drop the juror from the round and move their unfinished photos (planned again inside
    the write, so a decision made since the preview is kept, not moved)."""

    def write(connection: Connection) -> Handover:
        handover = _plan(connection, round_, leaving, applied_at=now)
        record_in(
            connection,
            contest_id=round_.contest_id,
            actor_id=actor.id,
            action="round juror dropped",
            details=f"Round {round_.number}: juror #{leaving} dropped out;"
            f" {len(handover.moves)} unfinished photos moved to"
            f" {len(handover.received)} other jurors"
            + (f"; {len(handover.stuck)} could not be moved" if handover.stuck else ""),
            now=now,
        )
        return handover

    return await db.write_in_thread(write)


def _plan(
    connection: Connection, round_: Round, leaving: int, *, applied_at: datetime | None = None
) -> Handover:
    """The handover; applied too when ``applied_at`` says when."""
    ensure_still_open(connection, round_.id)
    jurors = {
        int(row["juror_id"]): bool(row["active"])
        for row in connection.execute(
            "SELECT juror_id, active FROM round_jurors WHERE round_id = ?", (round_.id,)
        ).fetchall()
    }
    if not jurors.get(leaving):
        raise NotFound(N_("That juror is not working in this round."))
    remaining = sorted(juror for juror, active in jurors.items() if active and juror != leaving)
    if not remaining:
        raise Conflict(N_("This is the round's last juror: nobody is left to take their photos."))
    tasks = _tasks(connection, round_)
    unfinished = {  # entry -> the leaving juror's task
        int(task["entry_id"]): int(task["id"])
        for task in tasks
        if int(task["juror_id"]) == leaving and task["decided_at"] is None
    }
    handover = _handover(connection, round_, tasks, unfinished, leaving, remaining)
    if applied_at is not None:
        move_tasks(connection, round_, handover.moves, unfinished, now=applied_at)
        connection.execute(
            "UPDATE round_jurors SET active = 0 WHERE round_id = ? AND juror_id = ?",
            (round_.id, handover.leaving),
        )
    return handover


def give_to_another(
    connection: Connection, round_: Round, task_id: int, juror_id: int, *, now: datetime
) -> int | None:
    """A juror steps aside from one photo (a conflict declared mid-round): the task, cleared of
    their decision, scores and marks, goes to the least-loaded other juror of the round who may
    take it. That juror, or None when nobody may (the task stays, cleared, with the juror who
    stepped aside, where nobody sees it: the photo then has one juror fewer)."""
    tasks = _tasks(connection, round_)
    entry = next(int(task["entry_id"]) for task in tasks if int(task["id"]) == task_id)
    others = sorted(
        int(row[0])
        for row in connection.execute(
            "SELECT juror_id FROM round_jurors WHERE round_id = ? AND active = 1 AND juror_id != ?",
            (round_.id, juror_id),
        ).fetchall()
    )
    _keep_flags(connection, round_, [task_id], now)
    connection.execute(
        "UPDATE round_tasks SET value = NULL, decided_at = NULL, favourite = 0, flag = NULL,"
        " flag_note = NULL WHERE id = ?",
        (task_id,),
    )
    connection.execute("DELETE FROM round_task_scores WHERE task_id = ?", (task_id,))
    handover = _handover(connection, round_, tasks, {entry: task_id}, juror_id, others)
    move_tasks(connection, round_, handover.moves, {entry: task_id}, now=now)
    return handover.moves[0][1] if handover.moves else None


def _tasks(connection: Connection, round_: Round) -> list[Row]:
    return connection.execute(
        "SELECT id, entry_id, juror_id, decided_at FROM round_tasks WHERE round_id = ?",
        (round_.id,),
    ).fetchall()


def _handover(
    connection: Connection,
    round_: Round,
    tasks: list[Row],
    moving: dict[int, int],
    leaving: int,
    remaining: list[int],
) -> Handover:
    """Where the ``moving`` tasks (entry -> task) of ``leaving`` would go among ``remaining``:
    each to the least-loaded juror not already on the photo and not barred from it."""
    assigned: dict[int, set[int]] = defaultdict(set)
    load = dict.fromkeys(remaining, 0)
    for task in tasks:
        entry, juror = int(task["entry_id"]), int(task["juror_id"])
        assigned[entry].add(juror)
        if juror in load:
            load[juror] += 1
    entries = sorted(moving)
    plan = reassign(
        entries,
        leaving,
        remaining,
        assigned=assigned,
        load=load,
        barred=barred_pairs(connection, entries, remaining),
        seed=round_.id * 1_000_003 + leaving,
    )
    return Handover(leaving, plan.moves, plan.stuck)


def move_tasks(
    connection: Connection,
    round_: Round,
    moves: Sequence[tuple[int, int]],
    task_of: Mapping[int, int],
    *,
    now: datetime,
) -> None:
    """Give each task its new juror, at the end of their queue, without the marks the juror
    before left on it (judging stays blind: a flag and its note are the marker's own; the
    organizers keep them in the audit log)."""
    _keep_flags(connection, round_, [task_of[entry] for entry, _ in moves], now)
    start = queue_ends(connection, round_.id)
    positions = queue_positions(moves, seed=round_.id, start=start)
    connection.executemany(
        "UPDATE round_tasks SET juror_id = ?, position = ?, favourite = 0, flag = NULL,"
        " flag_note = NULL WHERE id = ?",
        [(juror, positions[entry, juror], task_of[entry]) for entry, juror in moves],
    )


def _keep_flags(
    connection: Connection, round_: Round, task_ids: Sequence[int], now: datetime
) -> None:
    """Write each flag the tasks carry into the audit log before the task is cleared: a
    copyright concern must not vanish because its juror left or stepped aside."""
    flagged = connection.execute(
        "SELECT round_tasks.entry_id, round_tasks.flag, round_tasks.flag_note, users.display_name"
        " FROM round_tasks JOIN users ON users.id = round_tasks.juror_id"
        " WHERE round_tasks.flag IS NOT NULL"
        " AND round_tasks.id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))",
        (json.dumps(sorted(task_ids)),),
    ).fetchall()
    for row in flagged:
        note = f": {row['flag_note']}" if row["flag_note"] else ""
        record_in(
            connection,
            contest_id=round_.contest_id,
            actor_id=None,
            action="round flag kept",
            details=f"Round {round_.number}: {row['display_name']} flagged entry"
            f" #{row['entry_id']} ({row['flag']}{note}) before the photo went to another juror",
            now=now,
        )
