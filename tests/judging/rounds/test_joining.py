"""A judge of the panel joins a running round and takes an even share of the undecided photos
from the busiest queues: nothing decided moves, nothing they may not see reaches them."""

from __future__ import annotations

from collections import Counter

import pytest

from contest.core.db import Database
from contest.core.errors import Conflict, NotFound
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.judging import panel
from contest.judging.rounds import closing, conflicts, joining, juror, overview
from contest.judging.rounds.store import get_round
from tests.factories import add_account, add_judge
from tests.judging.rounds.test_rounds import NOW, jury, opened

pytestmark = pytest.mark.anyio


async def loads(db: Database, round_id: int, *, undecided: bool = False) -> Counter[int]:
    rows = await db.fetch_all(
        "SELECT juror_id FROM round_tasks WHERE round_id = ?"
        + (" AND decided_at IS NULL" if undecided else ""),
        (round_id,),
    )
    return Counter(int(row[0]) for row in rows)


async def test_a_new_juror_takes_an_even_share_of_the_undecided_from_the_busiest(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=12, jurors=2)
    round_ = await opened(db, j, quorum=1)  # six photos each
    fast, slow = j.jurors
    for _ in range(4):  # the fast juror decides four of six; the slow one none
        task = await juror.next_task(db, round_, fast)
        assert task is not None
        await juror.decide(db, round_, fast, task.id, 1.0, NOW)
    decided_before = await db.fetch_all(
        "SELECT id, juror_id, value FROM round_tasks WHERE decided_at IS NOT NULL ORDER BY id"
    )
    newcomer = await add_judge(db, passwords, j.contest, email="new@uni.edu")
    # The newcomer made one of the slow juror's photos: it never goes to them.
    own = int(
        (await db.fetch_one("SELECT entry_id FROM round_tasks WHERE juror_id = ?", (slow.id,)))[0]
    )
    async with db.transaction() as tx:
        await tx.execute("UPDATE entries SET participant_id = ? WHERE id = ?", (newcomer.id, own))

    preview = await joining.plan_joining(db, round_, newcomer.id)
    assert await loads(db, round_.id) == {fast.id: 6, slow.id: 6}  # nothing moved yet
    done = await joining.join(db, round_, newcomer.id, actor=j.organizer, now=NOW)

    assert done == preview
    # Eight undecided among three jurors: a share of two, both from the slow juror's queue.
    assert done.given == {slow.id: 2}
    assert await loads(db, round_.id, undecided=True) == {fast.id: 2, slow.id: 4, newcomer.id: 2}
    moved = {entry for _, entry, _ in done.moves}
    assert own not in moved
    after = await db.fetch_all(
        "SELECT id, juror_id, value FROM round_tasks WHERE decided_at IS NOT NULL ORDER BY id"
    )
    assert [tuple(row) for row in after] == [tuple(row) for row in decided_before]
    mine = [row["id"] for row in await juror.all_tasks(db, round_, newcomer)]
    assert sorted(mine) == sorted(moved)
    task = await juror.next_task(db, round_, newcomer)
    assert task is not None
    await juror.decide(db, round_, newcomer, task.id, 0.0, NOW)
    [line] = [r for r in await panel.audit_log(db, j.contest.id) if "joined" in r["details"]]
    assert (
        f"juror #{newcomer.id} joined and took over 2 undecided photos from 1 jurors"
        in (line["details"])
    )


async def test_only_a_panel_judge_joins_an_open_round_that_is_not_a_ranking(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=4, jurors=2)
    round_ = await opened(db, j, quorum=1)
    stranger = await add_account(db, passwords, email="x@uni.edu", role="judge")
    with pytest.raises(NotFound):
        await joining.plan_joining(db, round_, stranger.id)
    with pytest.raises(Conflict):  # already in it
        await joining.plan_joining(db, round_, j.jurors[0].id)
    newcomer = await add_judge(db, passwords, j.contest, email="new@uni.edu")
    await closing.close(db, round_, rule=None, actor=j.organizer, now=NOW)
    with pytest.raises(Conflict):
        await joining.join(
            db, await get_round(db, round_.id), newcomer.id, actor=j.organizer, now=NOW
        )
    assert (
        await db.fetch_value("SELECT count(*) FROM round_jurors WHERE juror_id = ?", (newcomer.id,))
        == 0
    )


async def test_nobody_joins_a_ranking_round(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=3, jurors=1)
    ranking = await opened(db, j, kind="ranking")
    late = await add_judge(db, passwords, j.contest, email="late@uni.edu")
    with pytest.raises(Conflict):
        await joining.join(db, ranking, late.id, actor=j.organizer, now=NOW)
    assert (
        await db.fetch_value("SELECT count(*) FROM round_jurors WHERE juror_id = ?", (late.id,))
        == 0
    )


async def test_a_joining_juror_sees_none_of_the_givers_marks_and_a_closed_round_takes_nobody(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=6, jurors=1)
    round_ = await opened(db, j, quorum=1)
    marker = j.jurors[0]
    for task in await juror.all_tasks(db, round_, marker):  # marked, not decided
        await juror.mark(
            db, round_, marker, int(task["task_id"]), favourite=True, flag="duplicate",
            note="looks like X's style", now=NOW,
        )  # fmt: skip
    newcomer = await add_judge(db, passwords, j.contest, email="new@uni.edu")
    await joining.join(db, round_, newcomer.id, actor=j.organizer, now=NOW)
    theirs = await juror.all_tasks(db, round_, newcomer)
    assert theirs and all(
        (row["favourite"], row["flag"], row["flag_note"]) == (0, None, None) for row in theirs
    )

    late = await add_judge(db, passwords, j.contest, email="late@uni.edu")
    await closing.close(db, round_, rule=None, actor=j.organizer, now=NOW)
    with pytest.raises(Conflict):  # the page saw it open; the write sees it closed
        await joining.join(db, round_, late.id, actor=j.organizer, now=NOW)
    assert (
        await db.fetch_value("SELECT count(*) FROM round_jurors WHERE juror_id = ?", (late.id,))
        == 0
    )


async def test_a_joining_juror_first_takes_the_photos_a_conflict_left_without_a_juror(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=4, jurors=2)
    round_ = await opened(db, j, quorum=2)  # both jurors on every photo
    task = await juror.next_task(db, round_, j.jurors[0])
    assert task is not None
    assert await conflicts.declare_conflict(db, round_, j.jurors[0], task.id, "Friend", NOW) is None
    newcomer = await add_judge(db, passwords, j.contest, email="new@uni.edu")

    done = await joining.join(db, round_, newcomer.id, actor=j.organizer, now=NOW)

    assert done.moves[0][:2] == (task.id, int(task.row["id"]))
    assert await overview.short_of_jurors(db, round_) == {}


async def test_a_panel_member_who_is_no_longer_a_judge_does_not_join(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=4, jurors=2)
    round_ = await opened(db, j, quorum=1)
    former = await add_judge(db, passwords, j.contest, email="former@uni.edu")
    async with db.transaction() as tx:  # made a participant again, still on the panel's list
        await tx.execute("UPDATE users SET role = 'participant' WHERE id = ?", (former.id,))
    with pytest.raises(NotFound):
        await joining.plan_joining(db, round_, former.id)
