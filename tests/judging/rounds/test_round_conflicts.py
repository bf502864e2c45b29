"""A juror who recognises a photo mid-round declares the conflict from the photo: it is
recorded, their decision stops counting, and the photo goes to another juror of the round."""

from __future__ import annotations

import pytest

from contest.core.db import Database
from contest.core.errors import NotFound, ValidationError
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.judging import panel
from contest.judging.rounds import closing, conflicts, juror, overview
from contest.judging.rounds.model import Progress, Round
from tests.judging.rounds.test_rounds import NOW, Jury, jury, opened

pytestmark = pytest.mark.anyio


async def holders(db: Database, round_: Round, entry: int) -> dict[int, float | None]:
    """Who holds the photo's tasks in the round, with their decision."""
    rows = await db.fetch_all(
        "SELECT juror_id, value FROM round_tasks WHERE round_id = ? AND entry_id = ?",
        (round_.id, entry),
    )
    return {int(row["juror_id"]): row["value"] for row in rows}


async def first_task(db: Database, j: Jury, round_: Round, who: int = 0) -> juror.Task:
    task = await juror.next_task(db, round_, j.jurors[who])
    assert task is not None
    return task


async def test_the_photo_goes_to_another_juror_and_the_decision_on_it_stops_counting(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=6, jurors=3)
    round_ = await opened(db, j, quorum=2)
    me = j.jurors[0]
    task = await first_task(db, j, round_)
    entry = int(task.row["id"])
    await juror.decide(db, round_, me, task.id, 1.0, NOW)
    await juror.mark(db, round_, me, task.id, favourite=True, flag="duplicate", now=NOW)
    [before] = [s for s in await closing.standings(db, round_) if s.entry_id == entry]

    taker = await conflicts.declare_conflict(db, round_, me, task.id, "  My  student ", NOW)

    assert taker is not None and taker != me.id
    held = await holders(db, round_, entry)
    assert me.id not in held and held[taker] is None and len(held) == 2
    [after] = [s for s in await closing.standings(db, round_) if s.entry_id == entry]
    assert (before.decided, before.score, before.favourites, before.flags) == (1, 1.0, 1, 1)
    assert (after.decided, after.score, after.favourites, after.flags) == (0, None, 0, 0)
    reason = await db.fetch_value(
        "SELECT reason FROM conflicts WHERE entry_id = ? AND judge_id = ?", (entry, me.id)
    )
    assert reason == "My student"
    [line] = [row for row in await panel.audit_log(db, j.contest.id) if row["action"] == "conflict"]
    assert (
        f"entry #{entry} in round 1: My student; the photo went to juror #{taker}"
        in (line["details"])
    )
    # The photo is out of the juror's queue, and their undo does not reach it.
    mine = [row["id"] for row in await juror.all_tasks(db, round_, me)]
    assert entry not in mine
    assert await juror.undo(db, round_, me, NOW) is None
    # The new juror sees it and decides it.
    theirs = next(each for each in j.jurors if each.id == taker)
    task_ids = {row["id"]: int(row["task_id"]) for row in await juror.all_tasks(db, round_, theirs)}
    await juror.decide(db, round_, theirs, task_ids[entry], 0.0, NOW)
    assert (await holders(db, round_, entry))[taker] == 0.0
    assert await overview.short_of_jurors(db, round_) == {}


async def test_when_nobody_may_take_the_photo_it_is_one_juror_short_and_said_so(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=3, jurors=2)
    round_ = await opened(db, j, quorum=2)
    task = await first_task(db, j, round_)
    entry = int(task.row["id"])
    await juror.decide(db, round_, j.jurors[0], task.id, 1.0, NOW)

    taker = await conflicts.declare_conflict(db, round_, j.jurors[0], task.id, "Friend", NOW)

    assert taker is None
    assert (await holders(db, round_, entry))[j.jurors[0].id] is None  # cleared, not counted
    assert await overview.short_of_jurors(db, round_) == {entry: 1}
    [standing] = [s for s in await closing.standings(db, round_) if s.entry_id == entry]
    assert standing.score is None


async def test_a_conflict_needs_a_reason_and_the_jurors_own_photo(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=4, jurors=2)
    round_ = await opened(db, j, quorum=1)
    mine = await first_task(db, j, round_, 0)
    with pytest.raises(ValidationError):
        await conflicts.declare_conflict(db, round_, j.jurors[0], mine.id, "   ", NOW)
    with pytest.raises(NotFound):
        await conflicts.declare_conflict(db, round_, j.jurors[1], mine.id, "Not mine", NOW)
    assert await db.fetch_value("SELECT count(*) FROM conflicts") == 0
    assert (await holders(db, round_, int(mine.row["id"])))[j.jurors[0].id] is None


async def test_a_ranking_juror_still_saves_an_order_once_a_photo_left_the_round(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=3, jurors=1)
    round_ = await opened(db, j, kind="ranking")
    me = j.jurors[0]
    async with db.transaction() as tx:
        await tx.execute("UPDATE entries SET status = 'rejected' WHERE id = ?", (j.entries[0],))
    left = await juror.all_tasks(db, round_, me)
    assert sorted(row["id"] for row in left) == sorted(j.entries[1:])

    await juror.rank(db, round_, me, [int(row["task_id"]) for row in reversed(left)], NOW)

    placed = {row["id"]: row["value"] for row in await juror.all_tasks(db, round_, me)}
    assert sorted(placed.values()) == [1.0, 2.0]


async def test_a_photo_nobody_could_take_counts_nowhere_in_the_organizers_figures(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=4, jurors=2)
    round_ = await opened(db, j, quorum=2)
    me = j.jurors[0]
    task = await first_task(db, j, round_)
    assert await conflicts.declare_conflict(db, round_, me, task.id, "Friend", NOW) is None
    for each in j.jurors:  # everyone decides everything they may
        while (left := await juror.next_task(db, round_, each)) is not None:
            await juror.decide(db, round_, each, left.id, 1.0, NOW)

    assert await overview.round_progress(db, round_) == Progress(decided=7, total=7)
    mine = next(row for row in await overview.jurors(db, round_) if row.juror_id == me.id)
    assert mine.progress == Progress(decided=3, total=3)
    assert (await closing.preview(db, round_)).undecided_tasks == 0
    exported = await overview.decision_rows(db, round_)
    assert len(exported) == 7 and all(row["decision"] == "yes" for row in exported)


async def test_in_a_ranking_round_a_conflict_is_no_vote_against_the_photo(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=3, jurors=3)
    round_ = await opened(db, j, kind="ranking")
    a, b, c = j.entries
    for each in j.jurors:  # everyone: a > b > c
        tasks = {row["id"]: int(row["task_id"]) for row in await juror.all_tasks(db, round_, each)}
        await juror.rank(db, round_, each, [tasks[a], tasks[b], tasks[c]], NOW)
    [task_on_b] = [
        int(row["task_id"])
        for row in await juror.all_tasks(db, round_, j.jurors[0])
        if row["id"] == b
    ]
    await conflicts.declare_conflict(db, round_, j.jurors[0], task_on_b, "My student", NOW)

    order = await closing.final_order(db, round_)
    assert (order.pairwise[b, c], order.pairwise[c, b]) == (2, 0)  # the third ballot abstains
    assert (order.pairwise[a, b], order.pairwise[a, c]) == (2, 3)
    assert order.ranking == ((a,), (b,), (c,))


async def test_a_flag_on_a_photo_that_changes_hands_is_kept_in_the_audit_log(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=4, jurors=3)
    round_ = await opened(db, j, quorum=1)
    me = j.jurors[0]
    task = await first_task(db, j, round_)
    await juror.mark(
        db, round_, me, task.id, favourite=False, flag="copyright", note="From a stock site",
        now=NOW,
    )  # fmt: skip
    await conflicts.declare_conflict(db, round_, me, task.id, "My student", NOW)

    [line] = [r for r in await panel.audit_log(db, j.contest.id) if "flagged" in r["details"]]
    assert f"flagged entry #{task.row['id']} (copyright: From a stock site)" in line["details"]
    assert await db.fetch_value("SELECT flag FROM round_tasks WHERE id = ?", (task.id,)) is None
