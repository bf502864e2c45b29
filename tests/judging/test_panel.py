"""The judges' panel without HTTP: a blind queue in a fair order, conflicts, the calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.db import Database
from contest.core.errors import Conflict, Forbidden, NotFound, ValidationError
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.judging import panel
from tests.factories import START, add_account, add_contest, add_entry, add_judge, add_scores

pytestmark = pytest.mark.anyio
#: What would point a judge to an author, or to how the public voted.
TELLING = {"participant_id", "author_name", "display_name", "email", "likes", "credit"}


@dataclass
class Panel:
    contest: Contest
    judges: list[User]
    entries: list[int]
    author: User


async def _panel(db: Database, passwords: Passwords, storage: LocalStorage) -> Panel:
    """A contest in judging with two judges and three approved entries (one still pending)."""
    contest = await add_contest(db, "judging_and_voting")
    organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    author = await add_account(db, passwords, email="ann@uni.edu", name="Ann Lee")
    entries = [
        await add_entry(db, storage, contest, author, title=title, moderator=organizer)
        for title in ("Dawn in the atrium", "Noon on the steps", "Dusk by the stacks")
    ]
    await add_entry(db, storage, contest, author, title="Not yet approved", status="pending")
    judges = [
        await add_judge(db, passwords, contest, email=f"judge{number}@uni.edu") for number in (1, 2)
    ]
    return Panel(contest, judges, entries, author)


async def test_the_queue_holds_approved_entries_least_covered_first(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    setup = await _panel(db, passwords, storage)
    first, second = setup.judges
    first_entry, second_entry, third_entry = setup.entries
    assert [row["id"] for row in await panel.queue(db, setup.contest, first)] == setup.entries

    await add_scores(db, setup.contest, second, first_entry, [7, 8])
    await add_scores(db, setup.contest, first, second_entry, [6, 6])
    queue = [row["id"] for row in await panel.queue(db, setup.contest, first)]
    # unscored by this judge first, fewest scores among them first; their own scored last
    assert queue == [third_entry, first_entry, second_entry]
    progress = await panel.progress(db, setup.contest, first)
    assert (progress.scored, progress.total, progress.remaining) == (1, 3, 2)


async def test_a_judge_sees_nothing_that_names_the_author_or_the_likes(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    setup = await _panel(db, passwords, storage)
    judge = setup.judges[0]
    rows = await panel.queue(db, setup.contest, judge)
    one = await panel.entry_for_judge(db, setup.contest, judge, setup.entries[0])
    for row in [*rows, one]:
        assert not TELLING & set(row.keys())
        assert setup.author.display_name not in " ".join(str(value) for value in row)


async def test_a_conflict_takes_the_entry_out_of_the_queue_with_its_scores(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    setup = await _panel(db, passwords, storage)
    judge = setup.judges[0]
    entry_id = setup.entries[1]
    await add_scores(db, setup.contest, judge, entry_id, [9, 9])
    with pytest.raises(ValidationError):
        await panel.declare_conflict(
            db, contest=setup.contest, judge=judge, entry_id=entry_id, reason="  ", now=START
        )
    await panel.declare_conflict(
        db,
        contest=setup.contest,
        judge=judge,
        entry_id=entry_id,
        reason="I know the photographer",
        now=START,
    )
    assert entry_id not in [row["id"] for row in await panel.queue(db, setup.contest, judge)]
    with pytest.raises(NotFound):
        await panel.entry_for_judge(db, setup.contest, judge, entry_id)
    assert await panel.review_of(db, entry_id, judge.id) == ({}, "")
    logged = await db.fetch_value("SELECT details FROM audit_log WHERE action = 'conflict'")
    assert "I know the photographer" in logged
    other = setup.judges[1]
    assert entry_id in [row["id"] for row in await panel.queue(db, setup.contest, other)]


async def test_scores_are_refused_outside_judging_and_from_strangers(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    setup = await _panel(db, passwords, storage)
    judge = setup.judges[0]
    closed = setup.contest.schedule.judging_close + timedelta(minutes=1)
    with pytest.raises(Conflict):
        await add_scores(db, setup.contest, judge, setup.entries[0], [5, 5], now=closed)
    stranger = await add_account(db, passwords, email="judge9@uni.edu", role="judge")
    with pytest.raises(Forbidden):
        await panel.panel_contest(db, setup.contest.id, stranger)
    assert await panel.contests_judged_by(db, stranger.id) == []
    assert [c.id for c in await panel.contests_judged_by(db, judge.id)] == [setup.contest.id]


async def test_a_score_off_the_scale_is_refused_and_a_revision_replaces_the_first(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    setup = await _panel(db, passwords, storage)
    judge, entry_id = setup.judges[0], setup.entries[0]
    with pytest.raises(ValidationError):
        await add_scores(db, setup.contest, judge, entry_id, [11, 5])
    await add_scores(db, setup.contest, judge, entry_id, [4, 5], note="Soft focus")
    await add_scores(db, setup.contest, judge, entry_id, [8, 7], note="Better on a second look")
    scores, note = await panel.review_of(db, entry_id, judge.id)
    assert sorted(scores.values()) == [7, 8] and note == "Better on a second look"
    assert await db.fetch_value("SELECT count(*) FROM reviews WHERE judge_id = ?", (judge.id,)) == 1
