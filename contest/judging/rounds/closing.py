"""Closing a round: where each photo stands, what each way of advancing would send on, and the
close itself (decisions stop; the chosen photos go on to the next round).

A yes/no photo's score is how many of its jurors said yes; a rating photo's, the average of
its stars; a ranking round's order is the Schulze method's over the jurors' orders (the full
pairwise table kept for audit). Everything is read from the round's tasks in a few grouped
queries, so a round of 60,000 tasks closes in well under a second or two.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from contest.accounts.users import User
from contest.contests.store import get_contest
from contest.core.audit_log import record_in
from contest.core.clock import to_db
from contest.core.db import Connection, Database, Row
from contest.core.errors import Conflict, ValidationError
from contest.i18n import N_
from contest.judging.rounds.advancing import TopCut, by_threshold, threshold_counts, top
from contest.judging.rounds.model import AdvanceRule, Round
from contest.judging.rounds.schulze import SchulzeResult, schulze
from contest.judging.rounds.store import UNCONFLICTED


@dataclass(frozen=True)
class Standing:
    """One photo's standing in a round."""

    entry_id: int
    tasks: int
    decided: int
    #: yes/no: the yes count; rating: the average stars; None until someone decided.
    score: float | None
    favourites: int
    flags: int


@dataclass(frozen=True)
class Preview:
    """What each way of advancing would send on, before the organizer chooses."""

    standings: tuple[Standing, ...]
    #: (threshold, photos it advances): yes counts 1..quorum, or average scores
    #: (``threshold_steps``: stars 1 to 5 by halves, a rubric round's on the contest's scale).
    thresholds: tuple[tuple[float, int], ...]
    #: The organizer's top N, with its tie at the cut (None until they ask for a number).
    top: TopCut | None
    undecided_tasks: int


#: Each photo of a round still approved (a photo rejected or withdrawn since drops out) with
#: its tasks' counts and sums; a task whose juror declared a conflict on the photo since
#: counts nowhere (``conflicts.judge_id`` is NULL for every other task).
STANDINGS = (
    "SELECT round_entries.entry_id,"
    " count(round_tasks.id) - count(conflicts.judge_id) AS tasks,"
    " count(CASE WHEN conflicts.judge_id IS NULL THEN round_tasks.decided_at END) AS decided,"
    " sum(CASE WHEN conflicts.judge_id IS NULL THEN round_tasks.value END) AS total,"
    " avg(CASE WHEN conflicts.judge_id IS NULL THEN round_tasks.value END) AS mean,"
    " sum(CASE WHEN conflicts.judge_id IS NULL THEN round_tasks.favourite END) AS favourites,"
    " count(CASE WHEN conflicts.judge_id IS NULL THEN round_tasks.flag END) AS flags"
    " FROM round_entries JOIN entries ON entries.id = round_entries.entry_id"
    "   AND entries.status = 'approved'"
    " LEFT JOIN round_tasks"
    "   ON round_tasks.round_id = round_entries.round_id"
    "   AND round_tasks.entry_id = round_entries.entry_id"
    " LEFT JOIN conflicts ON conflicts.entry_id = round_tasks.entry_id"
    "   AND conflicts.judge_id = round_tasks.juror_id"
    " WHERE round_entries.round_id = ? GROUP BY round_entries.entry_id"
)


async def standings(db: Database, round_: Round) -> list[Standing]:
    """Every photo of the round with its score, best first (then by id)."""
    return _ranked(round_, await db.fetch_all(STANDINGS, (round_.id,)))


def _ranked(round_: Round, rows: Sequence[Row]) -> list[Standing]:
    made = [
        Standing(
            entry_id=int(row["entry_id"]),
            tasks=int(row["tasks"]),
            decided=int(row["decided"]),
            score=_score(round_.kind, row["total"], row["mean"], int(row["decided"])),
            favourites=int(row["favourites"] or 0),
            flags=int(row["flags"]),
        )
        for row in rows
    ]
    return sorted(made, key=lambda each: (each.score is None, -(each.score or 0), each.entry_id))


def _score(kind: str, total: object, mean: object, decided: int) -> float | None:
    if not decided:
        return None
    if kind == "yes_no":
        return float(total)  # type: ignore[arg-type]
    return round(float(mean), 4)  # type: ignore[arg-type]


async def preview(db: Database, round_: Round, *, top_n: int | None = None) -> Preview:
    """The round's standings, and how many photos each threshold (and the top ``top_n``)
    would advance."""
    if round_.kind == "ranking":
        raise Conflict(N_("A ranking round ends with its final order; nothing advances."))
    rows = await standings(db, round_)
    scores = {each.entry_id: each.score for each in rows}
    if round_.kind == "yes_no":
        steps = [float(count) for count in range(1, round_.quorum + 1)]
    elif round_.by_rubric:
        settings = (await get_contest(db, round_.contest_id)).settings
        steps = threshold_steps(settings.scale_min, settings.scale_max)
    else:
        steps = threshold_steps(1, 5)
    undecided = sum(each.tasks - each.decided for each in rows)
    return Preview(
        tuple(rows),
        tuple(threshold_counts(scores, steps)),
        top(scores, top_n) if top_n else None,
        undecided,
    )


#: The most thresholds a preview lists: a wide scale (0 to 100) is stepped more coarsely.
MAX_THRESHOLDS = 20


def threshold_steps(low: float, high: float) -> list[float]:
    """The average scores a rating preview offers as thresholds, from ``low`` to ``high``: by
    halves (stars: 1, 1.5 ... 5), or by 1, 2, 5, 10 ... points when halves would be more than
    ``MAX_THRESHOLDS`` rows."""
    for step in (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0):
        if (high - low) / step <= MAX_THRESHOLDS:
            break
    first = math.ceil(low / step) * step  # round numbers: 5, 10 ... on a 1 to 100 scale
    return [first + step * n for n in range(int((high - first) // step) + 1)]


async def final_order(db: Database, round_: Round) -> SchulzeResult:
    """A ranking round's combined order: the Schulze method over every juror's order (a
    photo a juror has not placed yet ranks below all they placed, tied; a photo they may not
    judge, their own or one they declared a conflict on, is left out of their ballot's say).
    A photo rejected or withdrawn since the round opened leaves the order and every ballot."""
    entries = [each.entry_id for each in await standings(db, round_)]
    placed: dict[int, dict[float, list[int]]] = defaultdict(lambda: defaultdict(list))
    theirs: dict[int, set[int]] = defaultdict(set)  # a juror's photos they may judge
    for row in await db.fetch_all(
        "SELECT round_tasks.juror_id, round_tasks.entry_id, round_tasks.value"  # noqa: S608
        " FROM round_tasks JOIN entries ON entries.id = round_tasks.entry_id"
        "   AND entries.status = 'approved'"
        f" WHERE round_tasks.round_id = ? AND {UNCONFLICTED}",
        (round_.id,),
    ):
        juror, entry = int(row["juror_id"]), int(row["entry_id"])
        theirs[juror].add(entry)
        if row["value"] is not None:
            placed[juror][float(row["value"])].append(entry)
    jurors = sorted(placed)
    ballots = [
        [sorted(placed[juror][place]) for place in sorted(placed[juror])] for juror in jurors
    ]
    # A photo a juror may not judge (their own, a conflict) is no vote against it.
    return schulze(entries, ballots, [set(entries) - theirs[juror] for juror in jurors])


async def close(
    db: Database,
    round_: Round,
    *,
    rule: AdvanceRule | None,
    actor: User,
    now: datetime,
) -> tuple[int, ...]:
    """Close the round: decisions stop, and the photos the rule picks (none without a rule,
    as for the last round) go on to the next round. The photos advanced.

    The round is closed first and its standings read after, in the same write: a decision
    saved while the organizer was looking at the preview counts, and none can land between
    the count and the close."""
    if round_.kind == "ranking" and rule is not None:
        raise ValidationError({"rule": N_("A ranking round ends with its final order.")})
    if rule is not None and rule.how not in ("threshold", "top"):
        raise ValidationError({"rule": N_("Advance by a threshold or by the top photos.")})
    return await db.write_in_thread(lambda c: _close(c, round_, rule, actor, now))


def _close(
    connection: Connection,
    round_: Round,
    rule: AdvanceRule | None,
    actor: User,
    now: datetime,
) -> tuple[int, ...]:
    closed = connection.execute(
        "UPDATE rounds SET status = 'closed', closed_at = ?, advanced_by = ?"
        " WHERE id = ? AND status = 'open'",
        (to_db(now), rule.stored() if rule else None, round_.id),
    ).rowcount
    if not closed:
        raise Conflict(N_("This round is already closed."))
    chosen = _chosen(round_, rule, connection.execute(STANDINGS, (round_.id,)).fetchall())
    if chosen:
        connection.execute(
            "UPDATE round_entries SET advanced = 1 WHERE round_id = ?"
            " AND entry_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))",
            (round_.id, json.dumps(list(chosen))),
        )
    record_in(
        connection,
        contest_id=round_.contest_id,
        actor_id=actor.id,
        action="round closed",
        details=f"Round {round_.number} closed"
        + (
            f"; {len(chosen)} photos advanced ({rule.in_english(round_.kind, round_.scale)})"
            if rule
            else "; nothing advanced"
        ),
        now=now,
    )
    return chosen


def _chosen(round_: Round, rule: AdvanceRule | None, rows: Sequence[Row]) -> tuple[int, ...]:
    """The photos the rule advances (ValidationError, undoing the close, if none would)."""
    if rule is None:
        return ()
    scores = {each.entry_id: each.score for each in _ranked(round_, rows)}
    if rule.how == "threshold":
        chosen = by_threshold(scores, rule.value)
    else:
        cut = top(scores, int(rule.value))
        chosen = cut.sure + (cut.tied if rule.with_ties or not cut.split else ())
    if not chosen:
        raise ValidationError({"rule": N_("That would advance no photos.")})
    return chosen
