"""Opening a round: its jurors, its photos and every juror's tasks, assigned up front.

A round's photos are the contest's approved entries (the first round) or those the round
before advanced. Each photo goes to ``quorum`` of the round's jurors, balanced, never to a
juror with a declared conflict on it nor to its author (``assignment.assign``); a ranking
round gives every juror every photo. Everything is read and written in one write transaction,
so a photo approved meanwhile is either in the round or admitted afterwards by
``admit_late_entries``, never lost between the two.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.audit_log import record_in
from contest.core.clock import to_db
from contest.core.db import Connection, Database
from contest.core.errors import Conflict, ValidationError
from contest.i18n import N_
from contest.judging.rounds.assignment import assign, queue_positions
from contest.judging.rounds.model import KINDS, MAX_DIRECTIONS, MAX_RANKED, SCALES, Round

#: New tasks written per statement (one JSON array each, parsed once per task).
TASKS_PER_STATEMENT = 5_000
INSERT_TASKS = """
WITH item AS MATERIALIZED (SELECT json(value) AS fields FROM json_each(?))
INSERT INTO round_tasks (round_id, entry_id, juror_id, position)
SELECT ?, CAST(json_extract(fields, '$.entry') AS BIGINT),
    CAST(json_extract(fields, '$.juror') AS BIGINT),
    CAST(json_extract(fields, '$.position') AS BIGINT)
FROM item
"""


@dataclass(frozen=True)
class RoundPlan:
    """What an organizer chose for a new round."""

    kind: str
    quorum: int
    jurors: tuple[int, ...]
    opens_at: datetime
    closes_at: datetime
    directions: str = ""
    show_description: bool = False
    #: How a rating round rates (``model.SCALES``); the other kinds ignore it.
    scale: str = "stars"

    @property
    def stored_scale(self) -> str | None:
        """The scale as the round keeps it: a rating round's, None for the other kinds."""
        return self.scale if self.kind == "rating" else None


@dataclass(frozen=True)
class Opened:
    """A round just opened: the round, and what its assignment could not do."""

    round: Round
    entries: int
    tasks: int
    #: Photos given fewer jurors than the quorum (too few jurors free of conflicts), by id.
    short: dict[int, int]


def check_plan(plan: RoundPlan, panel: Sequence[int], *, criteria: int = 0) -> None:
    """ValidationError naming each field that is wrong (nothing is written then); a rubric
    round needs the contest's rubric (``criteria``: how many criteria it has)."""
    errors: dict[str, str] = {}
    if plan.kind not in KINDS:
        errors["kind"] = N_("Choose yes/no, rating or ranking.")
    elif plan.kind == "rating" and plan.scale not in SCALES:
        errors["scale"] = N_("Choose stars or the contest's rubric.")
    elif plan.kind == "rating" and plan.scale == "rubric" and not criteria:
        errors["scale"] = N_(
            "The contest has no judging criteria yet: add them to its rubric, or rate by stars."
        )
    if not plan.jurors:
        errors["jurors"] = N_("Choose at least one juror from the panel.")
    elif not set(plan.jurors) <= set(panel):
        errors["jurors"] = N_("Jurors must be on the contest's judging panel.")
    elif len(set(plan.jurors)) != len(plan.jurors):
        errors["jurors"] = N_("Each juror once, please.")
    if plan.kind != "ranking" and not 1 <= plan.quorum <= max(len(set(plan.jurors)), 1):
        errors["quorum"] = N_(
            "Each photo can be seen by 1 to %(jurors)d jurors (the round's jurors).",
            jurors=len(set(plan.jurors)),
        )
    if plan.closes_at <= plan.opens_at:
        errors["closes_at"] = N_("The round must close after it opens.")
    if len(plan.directions) > MAX_DIRECTIONS:
        errors["directions"] = N_(
            "Keep the directions under %(limit)d characters.", limit=MAX_DIRECTIONS
        )
    if errors:
        raise ValidationError(errors)


async def open_round(
    db: Database, *, contest: Contest, plan: RoundPlan, actor: User, now: datetime
) -> Opened:
    """Open the contest's next round (the one before must be closed) and assign its tasks."""
    panel = [
        int(row["user_id"])
        for row in await db.fetch_all(
            "SELECT user_id FROM contest_judges WHERE contest_id = ?", (contest.id,)
        )
    ]
    check_plan(plan, panel, criteria=len(contest.settings.criteria))
    return await db.write_in_thread(lambda c: _open(c, contest, plan, actor, now))


def _open(
    connection: Connection, contest: Contest, plan: RoundPlan, actor: User, now: datetime
) -> Opened:
    last = connection.execute(
        "SELECT id, number, status FROM rounds WHERE contest_id = ? ORDER BY number DESC LIMIT 1",
        (contest.id,),
    ).fetchone()
    if last is not None and last["status"] == "open":
        raise Conflict(
            N_("Close round %(number)d before opening the next.", number=int(last["number"]))
        )
    entries = _entries_for(connection, contest.id, None if last is None else int(last["id"]))
    if not entries:
        raise Conflict(
            N_("There are no approved photos to judge yet.")
            if last is None
            else N_("The last round advanced no photos, so no photos are left for another round.")
        )
    if plan.kind == "ranking" and len(entries) > MAX_RANKED:
        raise ValidationError(
            {
                "kind": N_(
                    "A ranking round orders at most %(limit)d photos (this one would have"
                    " %(count)d): narrow them down in a yes/no or rating round first.",
                    limit=MAX_RANKED,
                    count=len(entries),
                )
            }
        )
    number = 1 if last is None else int(last["number"]) + 1
    quorum = len(plan.jurors) if plan.kind == "ranking" else plan.quorum
    round_id = int(
        connection.execute(
            "INSERT INTO rounds (contest_id, number, kind, scale, quorum, opens_at, closes_at,"
            " directions, show_description, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING id",
            (
                contest.id,
                number,
                plan.kind,
                plan.stored_scale,
                quorum,
                to_db(plan.opens_at),
                to_db(plan.closes_at),
                plan.directions,
                int(plan.show_description),
                to_db(now),
            ),
        ).fetchone()[0]
    )
    connection.executemany(
        "INSERT INTO round_jurors (round_id, juror_id) VALUES (?, ?)",
        [(round_id, juror) for juror in plan.jurors],
    )
    made, short = _assign(connection, round_id, entries, plan.jurors, quorum, load=None)
    record_in(
        connection,
        contest_id=contest.id,
        actor_id=actor.id,
        action="round opened",
        details=f"Round {number} ({plan.kind}{_scale_words(plan)}) opened: {len(entries)} photos,"
        f" {len(plan.jurors)} jurors, each photo seen by {quorum}; {made} tasks"
        + (f"; {len(short)} photos short of jurors" if short else ""),
        now=now,
    )
    row = connection.execute("SELECT * FROM rounds WHERE id = ?", (round_id,)).fetchone()
    return Opened(Round.from_row(row), len(entries), made, short)


def _scale_words(plan: RoundPlan) -> str:
    """A rating round's scale as the audit log says it (in English, as the log is kept)."""
    return {"stars": ", 1 to 5 stars", "rubric": ", by the rubric"}.get(plan.stored_scale or "", "")


def _entries_for(connection: Connection, contest_id: int, previous: int | None) -> list[int]:
    """The first round's photos (approved entries) or those the previous round advanced
    (still approved: one rejected or withdrawn since goes no further)."""
    if previous is None:
        rows = connection.execute(
            "SELECT id FROM entries WHERE contest_id = ? AND status = 'approved' ORDER BY id",
            (contest_id,),
        ).fetchall()
    else:
        rows = connection.execute(
            "SELECT round_entries.entry_id FROM round_entries"
            " JOIN entries ON entries.id = round_entries.entry_id"
            " WHERE round_entries.round_id = ? AND round_entries.advanced = 1"
            " AND entries.status = 'approved' ORDER BY round_entries.entry_id",
            (previous,),
        ).fetchall()
    return [int(row[0]) for row in rows]


def _assign(
    connection: Connection,
    round_id: int,
    entries: list[int],
    jurors: Sequence[int],
    quorum: int,
    *,
    load: dict[int, int] | None,
) -> tuple[int, dict[int, int]]:
    """Put the entries in the round and give them to jurors; (tasks made, entries short)."""
    barred = barred_pairs(connection, entries, jurors)
    assignment = assign(entries, list(jurors), quorum, barred=barred, load=load, seed=round_id)
    start = None
    if load is not None:
        start = queue_ends(connection, round_id)
    positions = queue_positions(assignment.tasks, seed=round_id, start=start)
    connection.executemany(
        "INSERT INTO round_entries (round_id, entry_id) VALUES (?, ?)",
        [(round_id, entry) for entry in entries],
    )
    tasks = [
        {"entry": entry, "juror": juror, "position": positions[entry, juror]}
        for entry, juror in assignment.tasks
    ]
    for start_at in range(0, len(tasks), TASKS_PER_STATEMENT):
        chunk = json.dumps(tasks[start_at : start_at + TASKS_PER_STATEMENT])
        connection.execute(INSERT_TASKS, (chunk, round_id))
    return len(tasks), dict(assignment.short)


def queue_ends(connection: Connection, round_id: int) -> dict[int, int]:
    """Where each juror's queue in the round ends: new tasks take their places from there."""
    return {
        int(row[0]): int(row[1]) + 1
        for row in connection.execute(
            "SELECT juror_id, max(position) FROM round_tasks WHERE round_id = ? GROUP BY juror_id",
            (round_id,),
        ).fetchall()
    }


def barred_pairs(
    connection: Connection, entries: list[int], jurors: Sequence[int]
) -> set[tuple[int, int]]:
    """(juror, entry) pairs never to meet: a declared conflict, or the juror's own photo."""
    wanted = set(entries)
    jurors_json = (json.dumps(sorted(set(jurors))),)
    rows = [
        *connection.execute(
            "SELECT judge_id, entry_id FROM conflicts"
            " WHERE judge_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))",
            jurors_json,
        ).fetchall(),
        *connection.execute(
            "SELECT participant_id, id FROM entries"
            " WHERE participant_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))",
            jurors_json,
        ).fetchall(),
    ]
    barred = {(int(row[0]), int(row[1])) for row in rows if int(row[1]) in wanted}
    return barred


async def admit_late_entries(db: Database, *, contest: Contest, now: datetime) -> int:
    """Give an open first round the contest's entries approved since it opened, with the same
    quorum and balance (a moderator approving late must not leave a photo unjudged); how
    many were admitted."""
    return await db.write_in_thread(lambda c: _admit(c, contest, now))


def _admit(connection: Connection, contest: Contest, now: datetime) -> int:
    first = connection.execute(
        "SELECT * FROM rounds WHERE contest_id = ? AND number = 1 AND status = 'open'",
        (contest.id,),
    ).fetchone()
    if first is None:
        return 0
    round_ = Round.from_row(first)
    late = [
        int(row[0])
        for row in connection.execute(
            "SELECT id FROM entries WHERE contest_id = ? AND status = 'approved' AND id NOT IN"
            " (SELECT entry_id FROM round_entries WHERE round_id = ?) ORDER BY id",
            (contest.id, round_.id),
        ).fetchall()
    ]
    if not late:
        return 0
    jurors = [
        int(row[0])
        for row in connection.execute(
            "SELECT juror_id FROM round_jurors WHERE round_id = ? AND active = 1 ORDER BY juror_id",
            (round_.id,),
        ).fetchall()
    ]
    load = {juror: 0 for juror in jurors}
    for row in connection.execute(
        "SELECT juror_id, count(*) FROM round_tasks WHERE round_id = ? GROUP BY juror_id",
        (round_.id,),
    ).fetchall():
        if int(row[0]) in load:
            load[int(row[0])] = int(row[1])
    quorum = len(jurors) if round_.kind == "ranking" else round_.quorum
    made, short = _assign(connection, round_.id, late, jurors, quorum, load=load)
    record_in(
        connection,
        contest_id=contest.id,
        actor_id=None,
        action="round entries added",
        details=f"Round 1: {len(late)} photos approved late were added ({made} tasks)"
        + (f"; {len(short)} short of jurors" if short else ""),
        now=now,
    )
    return len(late)
