"""A juror's side of a round: the next photo, deciding, undoing, favourites and flags.

A juror sees only their own tasks, one photo at a time in their own order, blind (the same
columns as the single-stage queue: nothing that names or points to the author). Every
decision and undo is appended to ``round_decisions`` in the transaction that changes the
task, so an undo always knows what to put back and organizers see who decided what.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from contest.accounts.users import User
from contest.contests.store import get_contest
from contest.core.clock import to_db
from contest.core.db import Connection, Database, Row
from contest.core.errors import Conflict, Forbidden, NotFound, ValidationError
from contest.i18n import N_
from contest.judging.aggregation import weighted_total
from contest.judging.panel import BLIND_COLUMNS, check_scores, criteria_of
from contest.judging.rounds.model import DECISIONS, FLAGS, MAX_FLAG_NOTE, Progress, Round
from contest.judging.rounds.store import NO_SUCH_ROUND, UNCONFLICTED

#: How many of the next photos a page names, so the browser fetches them ahead.
PRELOADED = 3

#: A task stays the juror's while its photo is approved (not rejected or withdrawn since)
#: and the juror has declared no conflict on it since the round opened.
_STILL_THEIRS = f"entries.status = 'approved' AND {UNCONFLICTED}"
_TASK = (
    f"SELECT round_tasks.id AS task_id, round_tasks.position, round_tasks.value,"  # noqa: S608
    f" round_tasks.favourite, round_tasks.flag, round_tasks.flag_note, {BLIND_COLUMNS}"
    " FROM round_tasks JOIN entries ON entries.id = round_tasks.entry_id"
    " LEFT JOIN categories ON categories.id = entries.category_id"
    " WHERE round_tasks.round_id = ? AND round_tasks.juror_id = ?"
    f" AND {_STILL_THEIRS}"
)


@dataclass(frozen=True)
class Task:
    """One photo of a juror's queue, as the judging page shows it."""

    row: Row
    previous: int | None  #: the task before it in the juror's order
    following: int | None  #: the task after it
    #: The next few photos' display keys, for the browser to fetch ahead.
    upcoming: tuple[str, ...]

    @property
    def id(self) -> int:
        """The task's id (what the page posts back)."""
        return int(self.row["task_id"])

    @property
    def value(self) -> float | None:
        """The juror's current decision, if any."""
        value = self.row["value"]
        return None if value is None else float(value)


async def rounds_of(db: Database, juror: User) -> list[tuple[Round, Progress]]:
    """The open rounds the juror works in, with how far they have got."""
    rows = await db.fetch_all(
        "SELECT rounds.* FROM rounds JOIN round_jurors ON round_jurors.round_id = rounds.id"
        " WHERE round_jurors.juror_id = ? AND round_jurors.active = 1"
        " AND rounds.status = 'open' ORDER BY rounds.opens_at, rounds.id",
        (juror.id,),
    )
    return [(Round.from_row(row), await progress(db, int(row["id"]), juror.id)) for row in rows]


async def juror_round(db: Database, round_id: int, juror: User) -> Round:
    """The round, if the juror works in it; Forbidden otherwise (NotFound if no such round).
    One query: every juror page asks it first."""
    row = await db.fetch_one(
        "SELECT rounds.*, round_jurors.active AS juror_active,"
        " (SELECT 1 FROM contest_judges WHERE contest_judges.contest_id = rounds.contest_id"
        "   AND contest_judges.user_id = ?) AS on_panel"
        " FROM rounds LEFT JOIN round_jurors ON round_jurors.round_id = rounds.id"
        "   AND round_jurors.juror_id = ?"
        " WHERE rounds.id = ?",
        (juror.id, juror.id, round_id),
    )
    if row is None:
        raise NotFound(NO_SUCH_ROUND)
    if row["juror_active"] is None:
        raise Forbidden(N_("You are not a juror of this round."))
    if not row["juror_active"]:
        raise Forbidden(N_("Your photos in this round were given to other jurors."))
    if not row["on_panel"]:
        raise Forbidden(N_("You are no longer on this contest's judging panel."))
    return Round.from_row(row)


async def progress(db: Database, round_id: int, juror_id: int) -> Progress:
    """The juror's decided tasks out of all of theirs in the round."""
    row = await db.fetch_one(
        "SELECT count(round_tasks.decided_at), count(*) FROM round_tasks"  # noqa: S608 - fixed
        " JOIN entries ON entries.id = round_tasks.entry_id"
        f" WHERE round_tasks.round_id = ? AND round_tasks.juror_id = ? AND {_STILL_THEIRS}",
        (round_id, juror_id),
    )
    assert row is not None
    return Progress(decided=int(row[0]), total=int(row[1]))


async def next_task(db: Database, round_: Round, juror: User) -> Task | None:
    """The first photo the juror has not decided yet, in their order; None when done."""
    row = await db.fetch_one(
        f"{_TASK} AND round_tasks.decided_at IS NULL ORDER BY round_tasks.position LIMIT 1",
        (round_.id, juror.id),
    )
    return None if row is None else await _with_neighbours(db, round_, juror, row)


async def task(db: Database, round_: Round, juror: User, task_id: int) -> Task:
    """One of the juror's tasks (going back to a photo); NotFound if it is not theirs."""
    row = await db.fetch_one(f"{_TASK} AND round_tasks.id = ?", (round_.id, juror.id, task_id))
    if row is None:
        raise NotFound(N_("That photo is not among yours in this round."))
    return await _with_neighbours(db, round_, juror, row)


async def all_tasks(db: Database, round_: Round, juror: User) -> list[Row]:
    """Every photo of the juror's in the round, blind, in their own order: a ranking juror
    orders them all on one page (a ranking round holds ``MAX_RANKED`` photos at most)."""
    return await db.fetch_all(f"{_TASK} ORDER BY round_tasks.position", (round_.id, juror.id))


async def _with_neighbours(db: Database, round_: Round, juror: User, row: Row) -> Task:
    position = int(row["position"])
    neighbours = (
        "SELECT round_tasks.id, entries.display_key FROM round_tasks"  # noqa: S608 - fixed text
        " JOIN entries ON entries.id = round_tasks.entry_id"
        f" WHERE round_tasks.round_id = ? AND round_tasks.juror_id = ? AND {_STILL_THEIRS}"
    )
    before = await db.fetch_value(
        f"{neighbours} AND round_tasks.position < ? ORDER BY round_tasks.position DESC LIMIT 1",
        (round_.id, juror.id, position),
    )
    after = await db.fetch_all(
        f"{neighbours} AND round_tasks.position > ? ORDER BY round_tasks.position LIMIT ?",
        (round_.id, juror.id, position, PRELOADED),
    )
    return Task(
        row,
        previous=None if before is None else int(before),
        following=int(after[0]["id"]) if after else None,
        upcoming=tuple(str(each["display_key"]) for each in after if each["display_key"]),
    )


async def decide(
    db: Database, round_: Round, juror: User, task_id: int, value: float, now: datetime
) -> None:
    """Record the juror's decision on one of their photos (a change of mind replaces it)."""
    if round_.by_rubric:
        raise ValidationError({"value": N_("This round takes a score for each criterion.")})
    if round_.kind not in DECISIONS or value not in DECISIONS[round_.kind]:
        raise ValidationError({"value": N_("That is not a decision this round takes.")})
    ensure_open(round_, now)

    def write(connection: Connection) -> None:
        before = own_task(connection, round_, juror, task_id)
        connection.execute(
            "UPDATE round_tasks SET value = ?, decided_at = ? WHERE id = ?",
            (value, to_db(now), task_id),
        )
        _log(connection, round_, juror, task_id, "decide", value, before, None, now)

    await db.write_in_thread(write)


async def score(
    db: Database,
    round_: Round,
    juror: User,
    task_id: int,
    scores: Mapping[int, float],
    now: datetime,
) -> float:
    """A rubric round: the juror's score for each criterion of one of their photos, on the
    contest's scale (the single-stage review's rules, ``panel.check_scores``); the task's value
    becomes their mean weighted as the contest weighs its criteria. Logged like ``decide``,
    with the scores it replaces, so an undo puts back both. The value."""
    if not round_.by_rubric:
        raise ValidationError({"value": N_("This round takes stars, not the rubric's scores.")})
    ensure_open(round_, now)
    contest = await get_contest(db, round_.contest_id)
    criteria = await criteria_of(db, contest.id)
    check_scores(scores, criteria, contest)
    value = weighted_total(scores, {int(row["id"]): float(row["weight"]) for row in criteria})

    def write(connection: Connection) -> None:
        before = own_task(connection, round_, juror, task_id)
        replaced = _replace_scores(connection, task_id, scores)
        connection.execute(
            "UPDATE round_tasks SET value = ?, decided_at = ? WHERE id = ?",
            (value, to_db(now), task_id),
        )
        _log(connection, round_, juror, task_id, "decide", value, before, None, now, replaced)

    await db.write_in_thread(write)
    return value


async def task_scores(db: Database, task: Task) -> dict[int, float]:
    """A rubric round: the juror's current score for each criterion of the task (none yet:
    empty). The task is one ``task`` or ``next_task`` gave, so it is the juror's own."""
    rows = await db.fetch_all(
        "SELECT criterion_id, value FROM round_task_scores WHERE task_id = ?", (task.id,)
    )
    return {int(row["criterion_id"]): float(row["value"]) for row in rows}


def _replace_scores(
    connection: Connection, task_id: int, scores: Mapping[int, float]
) -> dict[int, float]:
    """Give the task these scores (a criterion removed from the rubric since is left out);
    the scores it held before."""
    held = {
        int(row[0]): float(row[1])
        for row in connection.execute(
            "SELECT criterion_id, value FROM round_task_scores WHERE task_id = ?", (task_id,)
        ).fetchall()
    }
    connection.execute("DELETE FROM round_task_scores WHERE task_id = ?", (task_id,))
    if not scores:
        return held
    connection.executemany(
        "INSERT INTO round_task_scores (task_id, criterion_id, value)"
        " SELECT ?, id, ? FROM rubric_criteria WHERE id = ?",
        [(task_id, value, criterion) for criterion, value in sorted(scores.items())],
    )
    return held


def _to_json(scores: Mapping[int, float]) -> str:
    return json.dumps({str(criterion): value for criterion, value in sorted(scores.items())})


def _from_json(text: str) -> dict[int, float]:
    return {int(criterion): float(value) for criterion, value in json.loads(text).items()}


async def undo(db: Database, round_: Round, juror: User, now: datetime) -> int | None:
    """Take back the juror's last decision in the round not yet taken back: the task gets
    what it held before. The task's id, or None when there is nothing to undo."""
    if round_.kind == "ranking":  # a saved order changes many places at once: reorder instead
        raise Conflict(N_("In a ranking round, change the order and save it again."))
    ensure_open(round_, now)

    def write(connection: Connection) -> int | None:
        last = connection.execute(
            "SELECT round_decisions.id, task_id, previous, scores"  # noqa: S608 - fixed text
            " FROM round_decisions JOIN round_tasks ON round_tasks.id = round_decisions.task_id"
            " JOIN entries ON entries.id = round_tasks.entry_id"
            " WHERE round_decisions.round_id = ? AND round_decisions.juror_id = ?"
            " AND action = 'decide'"
            # A photo given to another juror since, or no longer theirs, is not theirs to undo.
            f" AND round_tasks.juror_id = round_decisions.juror_id AND {_STILL_THEIRS}"
            " AND round_decisions.id NOT IN (SELECT undoes FROM round_decisions"
            "   WHERE undoes IS NOT NULL AND round_id = ? AND juror_id = ?)"
            " ORDER BY round_decisions.id DESC LIMIT 1",
            (round_.id, juror.id, round_.id, juror.id),
        ).fetchone()
        if last is None:
            return None
        task_id, previous = int(last["task_id"]), last["previous"]
        current = own_task(connection, round_, juror, task_id)
        scores = None
        if last["scores"] is not None:  # a rubric decision: its scores go back too
            scores = _replace_scores(connection, task_id, _from_json(last["scores"]))
        connection.execute(
            "UPDATE round_tasks SET value = ?, decided_at = ? WHERE id = ?",
            (previous, None if previous is None else to_db(now), task_id),
        )
        _log(
            connection,
            round_,
            juror,
            task_id,
            "undo",
            previous,
            current,
            int(last["id"]),
            now,
            scores=scores,
        )
        return task_id

    return await db.write_in_thread(write)


async def mark(
    db: Database,
    round_: Round,
    juror: User,
    task_id: int,
    *,
    favourite: bool,
    flag: str | None,
    note: str = "",
    now: datetime,
) -> None:
    """Set the juror's favourite mark and flag (with its reason) on one of their photos."""
    note = " ".join(note.split())
    if flag is not None and flag not in FLAGS:
        raise ValidationError({"flag": N_("Choose copyright, out of scope or duplicate.")})
    if len(note) > MAX_FLAG_NOTE:
        raise ValidationError(
            {"flag_note": N_("Keep the note under %(limit)d characters.", limit=MAX_FLAG_NOTE)}
        )
    if note and flag is None:  # a note with no reason would be lost: say so rather than drop it
        raise ValidationError({"flag": N_("Choose why you flag the photo, to keep the note.")})
    ensure_open(round_, now)

    def write(connection: Connection) -> None:
        own_task(connection, round_, juror, task_id)
        connection.execute(
            "UPDATE round_tasks SET favourite = ?, flag = ?, flag_note = ? WHERE id = ?",
            (int(favourite), flag, (note or None) if flag else None, task_id),
        )

    await db.write_in_thread(write)


async def rank(
    db: Database, round_: Round, juror: User, order: Sequence[int], now: datetime
) -> None:
    """A ranking round: the juror's order of all their photos, best first (task ids); each
    task takes its place (1 = best), and each changed place is logged."""
    if round_.kind != "ranking":
        raise Conflict(N_("Only a ranking round takes an order of photos."))
    ensure_open(round_, now)

    def write(connection: Connection) -> None:
        held = {
            int(row["id"]): row["value"]
            for row in connection.execute(
                "SELECT round_tasks.id, round_tasks.value FROM round_tasks"  # noqa: S608 - fixed
                " JOIN entries ON entries.id = round_tasks.entry_id"
                f" WHERE round_tasks.round_id = ? AND round_tasks.juror_id = ? AND {_STILL_THEIRS}",
                (round_.id, juror.id),
            ).fetchall()
        }
        if len(order) != len(set(order)) or set(order) != set(held):
            raise ValidationError({"order": N_("Put each of your photos in the order once.")})
        for place, task_id in enumerate(order, start=1):
            before = own_task(connection, round_, juror, task_id)
            if before == place:
                continue
            connection.execute(
                "UPDATE round_tasks SET value = ?, decided_at = ? WHERE id = ?",
                (place, to_db(now), task_id),
            )
            _log(connection, round_, juror, task_id, "decide", place, before, None, now)

    await db.write_in_thread(write)


def ensure_open(round_: Round, now: datetime) -> None:
    """Conflict unless the round takes a juror's changes now (open, and its opening come)."""
    if not round_.is_open:
        raise Conflict(N_("This round is closed: its decisions can no longer change."))
    if now < round_.opens_at:
        raise Conflict(N_("This round has not opened yet."))


def own_task(connection: Connection, round_: Round, juror: User, task_id: int) -> float | None:
    """The task's current value; NotFound if it is not the juror's in this round (read in
    the write, with the round's state: a round closed meanwhile refuses the change). Every
    change a juror makes to a task checks it first."""
    row = connection.execute(
        "SELECT round_tasks.value, rounds.status FROM round_tasks"  # noqa: S608 - fixed text
        " JOIN rounds ON rounds.id = round_tasks.round_id"
        " JOIN entries ON entries.id = round_tasks.entry_id"
        " JOIN round_jurors ON round_jurors.round_id = round_tasks.round_id"
        "   AND round_jurors.juror_id = round_tasks.juror_id"
        " JOIN contest_judges ON contest_judges.contest_id = rounds.contest_id"
        "   AND contest_judges.user_id = round_tasks.juror_id"
        " WHERE round_tasks.id = ? AND round_tasks.round_id = ? AND round_tasks.juror_id = ?"
        f" AND round_jurors.active = 1 AND {_STILL_THEIRS}",
        (task_id, round_.id, juror.id),
    ).fetchone()
    if row is None:
        raise NotFound(N_("That photo is not among yours in this round."))
    if row["status"] != "open":
        raise Conflict(N_("This round is closed: its decisions can no longer change."))
    return None if row["value"] is None else float(row["value"])


def _log(
    connection: Connection,
    round_: Round,
    juror: User,
    task_id: int,
    action: str,
    value: float | None,
    previous: float | None,
    undoes: int | None,
    now: datetime,
    scores: Mapping[int, float] | None = None,
) -> None:
    """Append a line; ``scores``: a rubric round's scores the task held before it."""
    connection.execute(
        "INSERT INTO round_decisions (round_id, task_id, juror_id, action, value, previous,"
        " undoes, at, scores) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            round_.id,
            task_id,
            juror.id,
            action,
            value,
            previous,
            undoes,
            to_db(now),
            None if scores is None else _to_json(scores),
        ),
    )
