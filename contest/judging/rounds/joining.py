"""A juror joins a running round: a judge of the panel is added, and takes an even share of
the photos still undecided from the jurors with the most left, shown before it is applied.

With a slow juror or two, a round need not stall (Montage's users asked for it): add a fresh
juror and they take over the back of the busiest queues. Each photo moved is one its new juror
may take (not already theirs, no conflict, not their own); what anyone decided stays theirs.
A ranking round is not joined: each of its jurors orders every photo, so a juror added late
would be a ballot short of the others'.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from contest.accounts.users import User
from contest.core.audit_log import record_in
from contest.core.db import Connection, Database
from contest.core.errors import Conflict, NotFound
from contest.i18n import N_
from contest.judging.rounds.model import Round
from contest.judging.rounds.reassigning import move_tasks
from contest.judging.rounds.setup import barred_pairs
from contest.judging.rounds.store import UNCONFLICTED, ensure_still_open


@dataclass(frozen=True)
class Joining:
    """What adding a juror to a round does."""

    juror: int
    #: (task, entry, the juror who gives it up), in the order they are taken.
    moves: tuple[tuple[int, int, int], ...]

    @property
    def given(self) -> dict[int, int]:
        """How many photos each juror gives up to the new one."""
        return dict(Counter(giver for _, _, giver in self.moves))


async def plan_joining(db: Database, round_: Round, juror_id: int) -> Joining:
    """What adding the juror would do, without doing it."""
    return await db.write_in_thread(lambda c: _plan(c, round_, juror_id))


async def join(
    db: Database, round_: Round, juror_id: int, *, actor: User, now: datetime
) -> Joining:
    """Add the juror to the round with their share of the undecided photos (planned again in
    the write, so a photo decided since the preview stays where it is)."""

    def write(connection: Connection) -> Joining:
        joining = _plan(connection, round_, juror_id)
        connection.execute(
            "INSERT INTO round_jurors (round_id, juror_id, active) VALUES (?, ?, 1)"
            " ON CONFLICT (round_id, juror_id) DO UPDATE SET active = 1",
            (round_.id, juror_id),
        )
        move_tasks(
            connection,
            round_,
            [(entry, juror_id) for _, entry, _ in joining.moves],
            {entry: task for task, entry, _ in joining.moves},
            now=now,
        )
        record_in(
            connection,
            contest_id=round_.contest_id,
            actor_id=actor.id,
            action="round juror added",
            details=f"Round {round_.number}: juror #{juror_id} joined and took over"
            f" {len(joining.moves)} undecided photos from {len(joining.given)} jurors",
            now=now,
        )
        return joining

    return await db.write_in_thread(write)


def _plan(connection: Connection, round_: Round, juror_id: int) -> Joining:
    ensure_still_open(connection, round_.id)
    if round_.kind == "ranking":
        raise Conflict(N_("Every juror of a ranking round orders all its photos: none can join."))
    on_panel = connection.execute(  # and still a judge who may sign in: else their share stalls
        "SELECT 1 FROM contest_judges JOIN users ON users.id = contest_judges.user_id"
        " WHERE contest_judges.contest_id = ? AND contest_judges.user_id = ?"
        " AND users.role = 'judge' AND users.disabled_at IS NULL",
        (round_.contest_id, juror_id),
    ).fetchone()
    if on_panel is None:
        raise NotFound(N_("Choose a judge of the contest's panel."))
    jurors = {
        int(row["juror_id"]): bool(row["active"])
        for row in connection.execute(
            "SELECT juror_id, active FROM round_jurors WHERE round_id = ?", (round_.id,)
        ).fetchall()
    }
    if jurors.get(juror_id):
        raise Conflict(N_("That juror already works in this round."))
    waiting = connection.execute(
        "SELECT round_tasks.id, round_tasks.entry_id, round_tasks.juror_id,"  # noqa: S608
        f" NOT {UNCONFLICTED} AS stepped_aside FROM round_tasks"
        " JOIN round_jurors ON round_jurors.round_id = round_tasks.round_id"
        "   AND round_jurors.juror_id = round_tasks.juror_id AND round_jurors.active = 1"
        " JOIN entries ON entries.id = round_tasks.entry_id AND entries.status = 'approved'"
        " WHERE round_tasks.round_id = ? AND round_tasks.decided_at IS NULL"
        " ORDER BY round_tasks.position DESC, round_tasks.id DESC",
        (round_.id,),
    ).fetchall()
    held = {
        int(row[0])
        for row in connection.execute(
            "SELECT entry_id FROM round_tasks WHERE round_id = ? AND juror_id = ?",
            (round_.id, juror_id),
        ).fetchall()
    }
    barred = {
        entry
        for _, entry in barred_pairs(connection, [int(r["entry_id"]) for r in waiting], [juror_id])
    }
    # First the photos a juror stepped aside from (a conflict nobody else could take): they
    # wait for a juror like the newcomer. Then an even share of the rest.
    orphans: list[tuple[int, int, int]] = []
    taken = set(held)
    for row in waiting:
        entry = int(row["entry_id"])
        if row["stepped_aside"] and entry not in taken and entry not in barred:
            orphans.append((int(row["id"]), entry, int(row["juror_id"])))
            taken.add(entry)
    queues: dict[int, list[tuple[int, int]]] = defaultdict(list)  # juror: (task, entry)...
    for row in waiting:
        if not row["stepped_aside"]:
            queues[int(row["juror_id"])].append((int(row["id"]), int(row["entry_id"])))
    share = sum(len(queue) for queue in queues.values()) // (sum(jurors.values()) + 1)
    return Joining(juror_id, tuple(orphans) + _take(queues, share, taken, barred))


def _take(
    queues: dict[int, list[tuple[int, int]]], share: int, held: set[int], barred: set[int]
) -> tuple[tuple[int, int, int], ...]:
    """Up to ``share`` tasks, each from the juror with the most left at that moment (the lower
    id on a tie), from the back of their queue (``queues``: back first): the photos they would
    have reached last; never a photo in ``held`` or ``barred``."""
    left = {juror: len(queue) for juror, queue in queues.items()}
    moves: list[tuple[int, int, int]] = []
    taken = set(held)
    while len(moves) < share and left:
        giver = min(left, key=lambda juror: (-left[juror], juror))
        queue = queues[giver]
        while queue and (queue[0][1] in taken or queue[0][1] in barred):
            queue.pop(0)
        if not queue:
            del left[giver]
            continue
        task, entry = queue.pop(0)
        moves.append((task, entry, giver))
        taken.add(entry)
        left[giver] -= 1
    return tuple(moves)
