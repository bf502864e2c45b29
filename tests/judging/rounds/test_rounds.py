"""Rounds without HTTP: opening with a balanced assignment that keeps conflicts and authors
apart, a juror deciding, undoing, marking, late photos, closing and advancing, ranking."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest

from contest.accounts.users import User
from contest.contests import store as contest_store
from contest.contests.model import Contest, Criterion
from contest.core.db import Database
from contest.core.errors import Conflict, Forbidden, NotFound, ValidationError
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.entries import moderation
from contest.judging import panel
from contest.judging.rounds import closing, juror, reassigning, setup
from contest.judging.rounds.model import AdvanceRule, Round
from contest.judging.rounds.setup import RoundPlan
from tests.factories import START, add_account, add_contest, add_entry, add_judge

pytestmark = pytest.mark.anyio
NOW = START
#: What would point a juror to an author.
TELLING = {"participant_id", "author_name", "display_name", "email", "likes", "credit"}


@dataclass
class Jury:
    contest: Contest
    organizer: User
    jurors: list[User]
    entries: list[int]
    authors: list[User]
    storage: LocalStorage


async def jury(
    db: Database, passwords: Passwords, storage: LocalStorage, *, photos: int = 12, jurors: int = 5
) -> Jury:
    """A contest in judging: ``photos`` approved entries by four authors (one pending more),
    and ``jurors`` judges on its panel."""
    contest = await add_contest(db, "judging_and_voting")
    organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    authors = [
        await add_account(db, passwords, email=f"author{n}@uni.edu", name=f"Author {n}")
        for n in range(4)
    ]
    entries = [
        await add_entry(
            db, storage, contest, authors[n % 4], title=f"Photo number {n}", moderator=organizer
        )
        for n in range(photos)
    ]
    await add_entry(db, storage, contest, authors[0], title="Still pending", status="pending")
    panel_ = [
        await add_judge(db, passwords, contest, email=f"juror{n}@uni.edu") for n in range(jurors)
    ]
    return Jury(contest, organizer, panel_, entries, authors, storage)


def plan(jury_: Jury, kind: str = "yes_no", quorum: int = 3, **more: object) -> RoundPlan:
    return RoundPlan(
        kind=kind,
        quorum=quorum,
        jurors=tuple(each.id for each in jury_.jurors),
        opens_at=NOW,
        closes_at=NOW + timedelta(days=7),
        **more,  # type: ignore[arg-type]
    )


async def opened(
    db: Database, j: Jury, kind: str = "yes_no", quorum: int = 1, **more: object
) -> Round:
    """The jury's contest's next round, opened by its organizer."""
    made = await setup.open_round(
        db, contest=j.contest, plan=plan(j, kind, quorum, **more), actor=j.organizer, now=NOW
    )
    return made.round


async def tasks_of(db: Database, round_id: int) -> list[tuple[int, int, int]]:
    rows = await db.fetch_all(
        "SELECT entry_id, juror_id, position FROM round_tasks WHERE round_id = ?", (round_id,)
    )
    return [(int(row[0]), int(row[1]), int(row[2])) for row in rows]


async def test_a_round_gives_each_photo_to_quorum_jurors_balanced_each_in_their_own_order(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage)
    opened = await setup.open_round(db, contest=j.contest, plan=plan(j), actor=j.organizer, now=NOW)

    tasks = await tasks_of(db, opened.round.id)
    assert opened.round.number == 1 and opened.round.is_open
    assert (opened.entries, opened.tasks, opened.short) == (12, 36, {})
    per_entry = Counter(entry for entry, _, _ in tasks)
    assert set(per_entry) == set(j.entries) and set(per_entry.values()) == {3}
    assert len({(entry, juror_id) for entry, juror_id, _ in tasks}) == 36
    loads = Counter(juror_id for _, juror_id, _ in tasks)
    assert max(loads.values()) - min(loads.values()) <= 1 and sum(loads.values()) == 36
    for each in j.jurors:  # each juror's positions are their own order, 0..n-1
        mine = sorted(position for _, juror_id, position in tasks if juror_id == each.id)
        assert mine == list(range(loads[each.id]))
    [line] = [row for row in await panel.audit_log(db, j.contest.id) if "Round 1" in row["details"]]
    assert "12 photos, 5 jurors, each photo seen by 3; 36 tasks" in line["details"]


async def test_no_juror_gets_a_photo_they_declared_a_conflict_on_or_made(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=8, jurors=3)
    conflicted, own = j.entries[0], j.entries[1]
    await panel.declare_conflict(
        db, contest=j.contest, judge=j.jurors[0], entry_id=conflicted, reason="My sister", now=NOW
    )
    async with db.transaction() as tx:  # a juror who is also the author of a photo
        await tx.execute(
            "UPDATE entries SET participant_id = ? WHERE id = ?", (j.jurors[1].id, own)
        )
    opened = await setup.open_round(
        db, contest=j.contest, plan=plan(j, quorum=3), actor=j.organizer, now=NOW
    )
    pairs = {(entry, juror_id) for entry, juror_id, _ in await tasks_of(db, opened.round.id)}
    assert (conflicted, j.jurors[0].id) not in pairs and (own, j.jurors[1].id) not in pairs
    # Three jurors, one barred on each of those two photos: they get the two others only.
    assert opened.short == {conflicted: 1, own: 1}


async def test_a_bad_plan_is_refused_field_by_field_and_nothing_is_written(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=2, jurors=2)
    outsider = await add_account(db, passwords, email="out@uni.edu", role="judge")
    bad = RoundPlan(
        kind="lottery",
        quorum=9,
        jurors=(j.jurors[0].id, outsider.id),
        opens_at=NOW,
        closes_at=NOW - timedelta(days=1),
        directions="x" * 4001,
    )
    with pytest.raises(ValidationError) as refused:
        await setup.open_round(db, contest=j.contest, plan=bad, actor=j.organizer, now=NOW)
    assert set(refused.value.errors) == {"kind", "jurors", "quorum", "closes_at", "directions"}
    with pytest.raises(ValidationError) as refused:
        await setup.open_round(
            db, contest=j.contest, plan=plan(j, quorum=3), actor=j.organizer, now=NOW
        )
    assert set(refused.value.errors) == {"quorum"}
    assert await db.fetch_value("SELECT count(*) FROM rounds") == 0


async def test_a_juror_decides_goes_back_and_undoes_in_order(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=4, jurors=2)
    opened = await setup.open_round(
        db, contest=j.contest, plan=plan(j, quorum=2), actor=j.organizer, now=NOW
    )
    round_, me = opened.round, j.jurors[0]
    first = await juror.next_task(db, round_, me)
    assert first is not None and first.previous is None and first.following is not None
    assert not TELLING & set(first.row.keys())
    assert len(first.upcoming) == 3  # the next photos, for the browser to fetch ahead

    await juror.decide(db, round_, me, first.id, 1.0, NOW)
    second = await juror.next_task(db, round_, me)
    assert second is not None and second.id == first.following and second.previous == first.id
    await juror.decide(db, round_, me, second.id, 0.0, NOW)
    await juror.decide(db, round_, me, first.id, 0.0, NOW)  # going back: a change of mind
    assert (await juror.progress(db, round_.id, me.id)).decided == 2

    assert await juror.undo(db, round_, me, NOW) == first.id  # the change of mind
    assert (await juror.task(db, round_, me, first.id)).value == 1.0
    assert await juror.undo(db, round_, me, NOW) == second.id
    assert (await juror.task(db, round_, me, second.id)).value is None
    assert await juror.undo(db, round_, me, NOW) == first.id
    assert await juror.undo(db, round_, me, NOW) is None  # nothing left to take back
    again = await juror.next_task(db, round_, me)
    assert again is not None and again.id == first.id
    log = await db.fetch_all(
        "SELECT action, value, previous FROM round_decisions WHERE juror_id = ? ORDER BY id",
        (me.id,),
    )
    assert [tuple(row) for row in log] == [
        ("decide", 1.0, None),
        ("decide", 0.0, None),
        ("decide", 0.0, 1.0),
        ("undo", 1.0, 0.0),
        ("undo", None, 0.0),
        ("undo", None, 1.0),
    ]


async def test_a_juror_cannot_touch_others_tasks_nor_a_closed_round_nor_give_odd_values(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=4, jurors=3)
    opened = await setup.open_round(
        db, contest=j.contest, plan=plan(j, quorum=1), actor=j.organizer, now=NOW
    )
    round_, me, other = opened.round, j.jurors[0], j.jurors[1]
    theirs = await juror.next_task(db, round_, other)
    assert theirs is not None
    with pytest.raises(NotFound):
        await juror.decide(db, round_, me, theirs.id, 1.0, NOW)
    with pytest.raises(NotFound):
        await juror.task(db, round_, me, theirs.id)
    with pytest.raises(ValidationError):
        await juror.decide(db, round_, other, theirs.id, 3.0, NOW)
    with pytest.raises(Conflict):
        await juror.decide(db, round_, other, theirs.id, 1.0, NOW - timedelta(hours=1))
    stranger = await add_account(db, passwords, email="stranger@uni.edu", role="judge")
    with pytest.raises(Forbidden):
        await juror.juror_round(db, round_.id, stranger)
    await closing.close(db, round_, rule=None, actor=j.organizer, now=NOW)
    closed = await juror.juror_round(db, round_.id, other)
    with pytest.raises(Conflict):
        await juror.decide(db, closed, other, theirs.id, 1.0, NOW)
    with pytest.raises(Conflict):  # the page was loaded before the close: the write knows
        await juror.decide(db, round_, other, theirs.id, 1.0, NOW)
    assert await db.fetch_value("SELECT count(*) FROM round_decisions") == 0


async def test_favourites_and_flags_with_a_reason_are_kept_for_organizers(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=2, jurors=1)
    opened = await setup.open_round(
        db, contest=j.contest, plan=plan(j, quorum=1), actor=j.organizer, now=NOW
    )
    me = j.jurors[0]
    task = await juror.next_task(db, opened.round, me)
    assert task is not None
    await juror.mark(
        db,
        opened.round,
        me,
        task.id,
        favourite=True,
        flag="duplicate",
        note=" same as #3 ",
        now=NOW,
    )
    row = await db.fetch_one(
        "SELECT favourite, flag, flag_note FROM round_tasks WHERE id = ?", (task.id,)
    )
    assert row is not None and tuple(row) == (1, "duplicate", "same as #3")
    with pytest.raises(ValidationError):
        await juror.mark(db, opened.round, me, task.id, favourite=False, flag="ugly", now=NOW)
    [standing] = [
        each
        for each in await closing.standings(db, opened.round)
        if each.entry_id == task.row["id"]
    ]
    assert (standing.favourites, standing.flags) == (1, 1)


async def test_closing_advances_by_threshold_and_the_next_round_takes_exactly_those(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=6, jurors=3)
    first = await opened(db, j, quorum=3)
    yes_count = dict(zip(j.entries, (3, 2, 2, 1, 0, 0), strict=True))
    for each in j.jurors:
        while (task := await juror.next_task(db, first, each)) is not None:
            entry = int(task.row["id"])
            said_yes = j.jurors.index(each) < yes_count[entry]
            await juror.decide(db, first, each, task.id, float(said_yes), NOW)

    shown = await closing.preview(db, first, top_n=2)
    assert shown.thresholds == ((1.0, 4), (2.0, 3), (3.0, 1))
    assert shown.top is not None and shown.top.sure == (j.entries[0],)
    assert shown.top.tied == (j.entries[1], j.entries[2]) and shown.top.split
    assert shown.undecided_tasks == 0

    advanced = await closing.close(
        db, first, rule=AdvanceRule("threshold", 2), actor=j.organizer, now=NOW
    )
    assert sorted(advanced) == sorted(j.entries[:3])
    second = await setup.open_round(
        db, contest=j.contest, plan=plan(j, "rating", quorum=2), actor=j.organizer, now=NOW
    )
    assert second.round.number == 2 and second.entries == 3
    assert {entry for entry, _, _ in await tasks_of(db, second.round.id)} == set(j.entries[:3])
    with pytest.raises(Conflict):  # one round at a time
        await setup.open_round(db, contest=j.contest, plan=plan(j), actor=j.organizer, now=NOW)
    log = [row["details"] for row in await panel.audit_log(db, j.contest.id)]
    assert any("3 photos advanced (at least 2 yes)" in line for line in log)


async def test_top_n_keeps_or_drops_the_photos_tied_at_the_cut_as_the_organizer_says(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=4, jurors=2)
    first = await opened(db, j, quorum=2)
    yes_count = dict(zip(j.entries, (2, 1, 1, 0), strict=True))
    for each in j.jurors:
        while (task := await juror.next_task(db, first, each)) is not None:
            entry = int(task.row["id"])
            await juror.decide(
                db, first, each, task.id, float(j.jurors.index(each) < yes_count[entry]), NOW
            )
    advanced = await closing.close(
        db, first, rule=AdvanceRule("top", 2, with_ties=False), actor=j.organizer, now=NOW
    )
    assert advanced == (j.entries[0],)


async def test_a_photo_approved_late_joins_the_open_first_round_with_the_same_quorum(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=6, jurors=4)
    opened = await setup.open_round(
        db, contest=j.contest, plan=plan(j, quorum=2), actor=j.organizer, now=NOW
    )
    pending = await db.fetch_value("SELECT id FROM entries WHERE status = 'pending'")
    await moderation.moderate(
        db,
        contest=j.contest,
        entry_ids=[int(pending)],
        action="approve",
        reason="",
        moderator=j.organizer,
        now=NOW,
    )
    assert await setup.admit_late_entries(db, contest=j.contest, now=NOW) == 1
    assert await setup.admit_late_entries(db, contest=j.contest, now=NOW) == 0
    tasks = await tasks_of(db, opened.round.id)
    assert Counter(entry for entry, _, _ in tasks)[int(pending)] == 2
    loads = Counter(juror_id for _, juror_id, _ in tasks)
    assert max(loads.values()) - min(loads.values()) <= 1
    for each in j.jurors:  # appended after each juror's own order
        mine = sorted(position for _, juror_id, position in tasks if juror_id == each.id)
        assert mine == list(range(len(mine)))


async def test_a_ranking_round_combines_the_jurors_orders_by_schulze(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=3, jurors=3)
    ranking = await opened(db, j, "ranking", quorum=1)
    assert ranking.quorum == 3  # every juror orders every photo
    a, b, c = j.entries
    orders = [(a, b, c), (b, a, c), (a, c, b)]
    for each, order in zip(j.jurors, orders, strict=True):
        by_entry = {
            int(row["entry_id"]): int(row["id"])
            for row in await db.fetch_all(
                "SELECT id, entry_id FROM round_tasks WHERE round_id = ? AND juror_id = ?",
                (ranking.id, each.id),
            )
        }
        await juror.rank(db, ranking, each, [by_entry[entry] for entry in order], NOW)
    result = await closing.final_order(db, ranking)
    assert result.ranking == ((a,), (b,), (c,))
    assert result.pairwise[a, b] == 2 and result.pairwise[b, a] == 1
    with pytest.raises(ValidationError):
        await juror.rank(db, ranking, j.jurors[0], [1, 1, 2], NOW)


async def test_a_juror_who_drops_out_hands_unfinished_photos_to_others_shown_first(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=8, jurors=4)
    opened = await setup.open_round(
        db, contest=j.contest, plan=plan(j, quorum=2), actor=j.organizer, now=NOW
    )
    round_, leaving = opened.round, j.jurors[0]
    done = await juror.next_task(db, round_, leaving)
    assert done is not None
    await juror.decide(db, round_, leaving, done.id, 1.0, NOW)
    before = await tasks_of(db, round_.id)

    shown = await reassigning.plan_handover(db, round_, leaving.id)
    assert await tasks_of(db, round_.id) == before  # a preview changes nothing
    unfinished = {e for e, juror_id, _ in before if juror_id == leaving.id} - {done.row["id"]}
    assert {entry for entry, _ in shown.moves} == unfinished and shown.stuck == ()

    applied = await reassigning.hand_over(db, round_, leaving.id, actor=j.organizer, now=NOW)
    assert applied == shown
    after = await tasks_of(db, round_.id)
    pairs = {(entry, juror_id) for entry, juror_id, _ in after}
    assert {entry for entry, juror_id, _ in after if juror_id == leaving.id} == {done.row["id"]}
    assert len(pairs) == len(after) == len(before)  # still two jurors per photo, none twice
    others = Counter(juror_id for _, juror_id, _ in after if juror_id != leaving.id)
    assert max(others.values()) - min(others.values()) <= 1
    with pytest.raises(Forbidden):
        await juror.juror_round(db, round_.id, leaving)
    with pytest.raises(NotFound):
        await reassigning.plan_handover(db, round_, leaving.id)
    assert any(
        "juror #" in row["details"] and "moved to 3 other jurors" in row["details"]
        for row in await panel.audit_log(db, j.contest.id)
    )


async def test_a_rating_round_keeps_its_scale_and_a_rubric_round_needs_the_contests_rubric(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=2, jurors=2)
    rubric = plan(j, "rating", quorum=1, scale="rubric")
    with pytest.raises(ValidationError) as refused:  # a contest without criteria
        setup.check_plan(rubric, [each.id for each in j.jurors], criteria=0)
    assert set(refused.value.errors) == {"scale"}
    with pytest.raises(ValidationError) as refused:
        setup.check_plan(
            plan(j, "rating", quorum=1, scale="thumbs"), [each.id for each in j.jurors], criteria=2
        )
    assert set(refused.value.errors) == {"scale"}
    first = await setup.open_round(
        db, contest=j.contest, plan=plan(j, quorum=1, scale="rubric"), actor=j.organizer, now=NOW
    )
    assert first.round.scale is None  # a yes/no round has no scale, whatever the form said
    stored = await db.fetch_value("SELECT scale FROM rounds WHERE id = ?", (first.round.id,))
    assert stored is None
    await closing.close(db, first.round, rule=None, actor=j.organizer, now=NOW)
    async with db.transaction() as tx:  # let the next round take the same photos
        await tx.execute("UPDATE round_entries SET advanced = 1")
    second = await setup.open_round(db, contest=j.contest, plan=rubric, actor=j.organizer, now=NOW)
    assert second.round.scale == "rubric" and second.round.by_rubric
    [line] = [row for row in await panel.audit_log(db, j.contest.id) if "Round 2" in row["details"]]
    assert "Round 2 (rating, by the rubric) opened" in line["details"]


async def test_a_rubric_round_scores_each_criterion_weighted_and_undo_puts_the_scores_back(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=2, jurors=1)
    round_ = await opened(db, j, "rating", quorum=1, scale="rubric")
    me = j.jurors[0]
    relevance, creativity = (int(row["id"]) for row in await panel.criteria_of(db, j.contest.id))
    task = await juror.next_task(db, round_, me)
    assert task is not None and await juror.task_scores(db, task) == {}

    # Relevance weighs 2, creativity 1: (2 x 8 + 5) / 3 = 7.
    assert await juror.score(db, round_, me, task.id, {relevance: 8, creativity: 5}, NOW) == 7.0
    assert (await juror.task(db, round_, me, task.id)).value == 7.0
    assert await juror.task_scores(db, task) == {relevance: 8.0, creativity: 5.0}
    await juror.score(db, round_, me, task.id, {relevance: 10, creativity: 4}, NOW)
    assert (await juror.task(db, round_, me, task.id)).value == 8.0

    for bad in ({relevance: 8}, {relevance: 8, creativity: 11}, {relevance: 8, creativity: 0.5}):
        with pytest.raises(ValidationError):  # a criterion missing, off the 1 to 10 scale
            await juror.score(db, round_, me, task.id, bad, NOW)
    with pytest.raises(ValidationError):  # stars are not this round's decisions
        await juror.decide(db, round_, me, task.id, 4.0, NOW)
    assert await juror.task_scores(db, task) == {relevance: 10.0, creativity: 4.0}

    assert await juror.undo(db, round_, me, NOW) == task.id
    assert (await juror.task(db, round_, me, task.id)).value == 7.0
    assert await juror.task_scores(db, task) == {relevance: 8.0, creativity: 5.0}
    assert await juror.undo(db, round_, me, NOW) == task.id
    undone = await juror.task(db, round_, me, task.id)
    assert undone.value is None and await juror.task_scores(db, task) == {}
    assert (await juror.progress(db, round_.id, me.id)).decided == 0
    log = await db.fetch_all(
        "SELECT action, value, previous, scores FROM round_decisions ORDER BY id"
    )
    assert [tuple(row) for row in log] == [
        ("decide", 7.0, None, "{}"),
        ("decide", 8.0, 7.0, f'{{"{relevance}": 8.0, "{creativity}": 5.0}}'),
        ("undo", 7.0, 8.0, f'{{"{relevance}": 10.0, "{creativity}": 4.0}}'),
        ("undo", None, 7.0, f'{{"{relevance}": 8.0, "{creativity}": 5.0}}'),
    ]


async def test_a_stars_round_refuses_rubric_scores(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=1, jurors=1)
    round_ = await opened(db, j, "rating", quorum=1)
    assert round_.scale == "stars"
    task = await juror.next_task(db, round_, j.jurors[0])
    assert task is not None
    [criterion, _] = await panel.criteria_of(db, j.contest.id)
    with pytest.raises(ValidationError):
        await juror.score(db, round_, j.jurors[0], task.id, {int(criterion["id"]): 5}, NOW)
    assert await db.fetch_value("SELECT count(*) FROM round_task_scores") == 0


async def test_a_rubric_rounds_preview_follows_the_contests_scale_and_closing_says_score(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=3, jurors=2)
    round_ = await opened(db, j, "rating", quorum=2, scale="rubric")
    criteria = [int(row["id"]) for row in await panel.criteria_of(db, j.contest.id)]
    given = dict(zip(j.entries, (9, 6, 2), strict=True))  # every criterion, both jurors
    for each in j.jurors:
        while (task := await juror.next_task(db, round_, each)) is not None:
            points = given[int(task.row["id"])]
            await juror.score(db, round_, each, task.id, dict.fromkeys(criteria, points), NOW)

    shown = await closing.preview(db, round_)
    steps = [value for value, _ in shown.thresholds]
    assert steps == [half / 2 for half in range(2, 21)]  # the contest's 1 to 10, by halves
    assert dict(shown.thresholds)[6.0] == 2 and dict(shown.thresholds)[9.5] == 0
    assert [each.score for each in shown.standings] == [9.0, 6.0, 2.0]
    advanced = await closing.close(
        db, round_, rule=AdvanceRule("threshold", 6), actor=j.organizer, now=NOW
    )
    assert sorted(advanced) == sorted(j.entries[:2])
    log = [row["details"] for row in await panel.audit_log(db, j.contest.id)]
    assert any("2 photos advanced (an average score of at least 6)" in line for line in log)
    closed = await juror.juror_round(db, round_.id, j.jurors[0])
    assert str(closed.advanced) == "an average score of at least 6"
    assert closing.threshold_steps(0, 100)[:3] == [0.0, 5.0, 10.0]  # a wide scale: coarser


async def test_once_a_rubric_round_has_scores_the_contests_rubric_and_scale_are_fixed(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=1, jurors=1)
    round_ = await opened(db, j, "rating", quorum=1, scale="rubric")
    heavier = replace(j.contest.settings, criteria=(Criterion("Relevance to the theme", 5),))
    await contest_store.update_contest(db, j.contest.id, heavier, now=NOW)  # no scores yet
    await contest_store.update_contest(db, j.contest.id, j.contest.settings, now=NOW)
    task = await juror.next_task(db, round_, j.jurors[0])
    assert task is not None
    criteria = [int(row["id"]) for row in await panel.criteria_of(db, j.contest.id)]
    await juror.score(db, round_, j.jurors[0], task.id, dict.fromkeys(criteria, 6), NOW)
    for changed in (heavier, replace(j.contest.settings, scale_max=5)):
        with pytest.raises(ValidationError) as refused:  # the stored means would go stale
            await contest_store.update_contest(db, j.contest.id, changed, now=NOW)
        assert set(refused.value.errors) == {"criteria"}
    assert await juror.task_scores(db, task) == dict.fromkeys(criteria, 6.0)
