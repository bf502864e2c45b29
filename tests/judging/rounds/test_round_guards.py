"""What a round keeps out once it is running: photos rejected or withdrawn since, photos a juror
declared a conflict on since, jurors taken off the panel, an undo that would break a ranking
juror's order, a handover with nobody to take the photos, and decisions that would slip
between a close's count and the close itself."""

from __future__ import annotations

from typing import Any

import pytest

from contest.contests import store as contest_store
from contest.core.db import Database
from contest.core.errors import Conflict, Forbidden, NotFound, ValidationError
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.entries import moderation
from contest.judging import panel
from contest.judging.rounds import closing, juror, reassigning
from contest.judging.rounds.model import AdvanceRule
from tests.judging.rounds.test_rounds import NOW, jury, opened

pytestmark = pytest.mark.anyio


async def test_a_photo_rejected_after_the_round_opened_is_judged_and_advanced_no_more(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=3, jurors=1)
    first = await opened(db, j, quorum=1)
    rejected = j.entries[0]
    await moderation.moderate(
        db,
        contest=j.contest,
        entry_ids=[rejected],
        action="reject",
        reason="Not the entrant's own photo.",
        moderator=j.organizer,
        now=NOW,
    )
    me = j.jurors[0]
    seen = []
    while (task := await juror.next_task(db, first, me)) is not None:
        seen.append(int(task.row["id"]))
        await juror.decide(db, first, me, task.id, 1.0, NOW)
    assert rejected not in seen and len(seen) == 2
    assert (await juror.progress(db, first.id, me.id)).total == 2
    assert rejected not in {each.entry_id for each in await closing.standings(db, first)}
    advanced = await closing.close(
        db, first, rule=AdvanceRule("threshold", 1), actor=j.organizer, now=NOW
    )
    assert rejected not in advanced and len(advanced) == 2


async def test_a_conflict_declared_mid_round_takes_the_photo_out_of_the_jurors_hands(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=2, jurors=1)
    first = await opened(db, j, quorum=1)
    me = j.jurors[0]
    task = await juror.next_task(db, first, me)
    assert task is not None
    await panel.declare_conflict(
        db, contest=j.contest, judge=me, entry_id=int(task.row["id"]), reason="My cousin", now=NOW
    )
    with pytest.raises(NotFound):
        await juror.decide(db, first, me, task.id, 1.0, NOW)
    with pytest.raises(NotFound):
        await juror.task(db, first, me, task.id)
    following = await juror.next_task(db, first, me)
    assert following is not None and following.id != task.id


async def test_a_juror_taken_off_the_panel_decides_no_more(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=2, jurors=2)
    first = await opened(db, j, quorum=1)
    gone = j.jurors[0]
    task = await juror.next_task(db, first, gone)
    assert task is not None
    await contest_store.unassign_judge(db, contest_id=j.contest.id, user_id=gone.id)
    with pytest.raises(Forbidden):
        await juror.juror_round(db, first.id, gone)
    with pytest.raises(NotFound):
        await juror.decide(db, first, gone, task.id, 1.0, NOW)
    assert await db.fetch_value("SELECT count(*) FROM round_decisions") == 0


async def test_a_ranking_juror_reorders_rather_than_undoes(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=3, jurors=1)
    ranking = await opened(db, j, "ranking")
    me = j.jurors[0]
    tasks = [
        int(row[0])
        for row in await db.fetch_all(
            "SELECT id FROM round_tasks WHERE round_id = ? ORDER BY id", (ranking.id,)
        )
    ]
    await juror.rank(db, ranking, me, tasks, NOW)
    with pytest.raises(Conflict):
        await juror.undo(db, ranking, me, NOW)
    places = await db.fetch_all(
        "SELECT value FROM round_tasks WHERE round_id = ? ORDER BY id", (ranking.id,)
    )
    assert [row[0] for row in places] == [1.0, 2.0, 3.0]


async def test_the_last_juror_cannot_be_dropped_with_nobody_to_take_the_photos(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=2, jurors=1)
    first = await opened(db, j, quorum=1)
    with pytest.raises(Conflict):
        await reassigning.plan_handover(db, first, j.jurors[0].id)
    assert await db.fetch_value("SELECT active FROM round_jurors") == 1


async def test_a_decision_saved_while_the_close_waits_for_the_writer_is_counted(
    db: Database, passwords: Passwords, storage: LocalStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The close's count and the close are one write: a decision that reaches the writer
    just before it (the organizer looked at the preview a moment ago) is in the count."""
    j = await jury(db, passwords, storage, photos=2, jurors=1)
    first = await opened(db, j, quorum=1)
    me = j.jurors[0]
    late = await juror.next_task(db, first, me)
    assert late is not None
    writes = db.write_in_thread

    async def another_write_first(work: Any) -> Any:
        monkeypatch.setattr(db, "write_in_thread", writes)
        await juror.decide(db, first, me, late.id, 1.0, NOW)  # lands just before the close
        return await writes(work)

    monkeypatch.setattr(db, "write_in_thread", another_write_first)
    advanced = await closing.close(
        db, first, rule=AdvanceRule("threshold", 1), actor=j.organizer, now=NOW
    )
    assert advanced == (int(late.row["id"]),)


async def test_a_flag_note_without_a_reason_is_refused_not_dropped(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=1, jurors=1)
    first = await opened(db, j)
    task = await juror.next_task(db, first, j.jurors[0])
    assert task is not None
    with pytest.raises(ValidationError) as refused:
        await juror.mark(
            db, first, j.jurors[0], task.id, favourite=False, flag=None, note="same as #3", now=NOW
        )
    assert set(refused.value.errors) == {"flag"}
