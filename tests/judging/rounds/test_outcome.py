"""What rounds yield: a contest judged in rounds takes its ranking and its awards from its last
round (nothing to publish until judging in rounds is over, then the last round's order proposes
the winners), and the organizers' export of a round's decisions."""

from __future__ import annotations

from datetime import datetime

import pytest

from contest.core.db import Database
from contest.core.errors import Conflict, ValidationError
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.judging import panel, publishing, result_exports, results
from contest.judging.rounds import closing, conflicts, juror, overview
from contest.judging.rounds.model import AdvanceRule, Round
from contest.judging.rounds.outcome import outcome
from tests.judging.rounds.test_rounds import NOW, Jury, jury, opened

pytestmark = pytest.mark.anyio
CHAMPION = "champion"


async def decide_all(db: Database, j: Jury, round_: Round, values: dict[int, float]) -> None:
    """Every juror decides each of their photos as ``values`` (entry id -> decision) says."""
    for each in j.jurors:
        for task in await juror.all_tasks(db, round_, each):
            await juror.decide(db, round_, each, int(task["task_id"]), values[task["id"]], NOW)


async def rank_all(db: Database, j: Jury, round_: Round, best_first: list[int]) -> None:
    """Every juror orders the round's photos as ``best_first`` (entry ids)."""
    for each in j.jurors:
        tasks = await juror.all_tasks(db, round_, each)
        task_of = {row["id"]: int(row["task_id"]) for row in tasks}
        await juror.rank(db, round_, each, [task_of[entry] for entry in best_first], NOW)


def after_judging(j: Jury) -> datetime:
    schedule = j.contest.schedule
    return max(schedule.judging_close, schedule.voting_close)


async def test_the_awards_come_from_the_last_round_once_judging_in_rounds_is_over(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=6, jurors=2)
    first = await opened(db, j, quorum=1)
    keep = j.entries[:4]
    await decide_all(db, j, first, {entry: float(entry in keep) for entry in j.entries})
    await closing.close(db, first, rule=AdvanceRule("threshold", 1), actor=j.organizer, now=NOW)
    final = await opened(db, j, kind="ranking")
    later = after_judging(j)

    # Round 2 still open: nothing ranked, nothing proposed, publishing refused.
    before = await results.compute(db, j.contest)
    assert before.rounds is not None and not before.rounds.finished
    assert not any(s.result.ranked for s in before.standings)
    assert next(a for a in before.awards if a.key == CHAMPION).proposed is None
    blocker = publishing.publish_blocker(j.contest, published=None, now=later, rounds=before.rounds)
    assert blocker == publishing.ROUNDS_NOT_OVER
    with pytest.raises(Conflict):
        await results.publish(db, contest=j.contest, actor=j.organizer, now=later)

    best_first = [keep[2], keep[0], keep[3], keep[1]]
    await rank_all(db, j, final, best_first)
    await closing.close(db, final, rule=None, actor=j.organizer, now=NOW)

    after = await results.compute(db, j.contest)
    assert after.rounds is not None and after.rounds.finished
    ranked = [(s.entry["id"], s.result.rank) for s in after.standings if s.result.ranked]
    assert ranked == [(entry, place) for place, entry in enumerate(best_first, start=1)]
    # The photos dropped in round 1 follow, unranked, having reached round 1.
    dropped = [s.entry["id"] for s in after.standings if not s.result.ranked]
    assert dropped == sorted(j.entries[4:])
    assert {after.rounds.reached[entry] for entry in dropped} == {1}
    assert {after.rounds.reached[entry] for entry in keep} == {2}
    assert next(a for a in after.awards if a.key == CHAMPION).proposed == keep[2]
    exported = {
        row["entry_id"]: row for row in result_exports.export_rows(after, with_emails=False)
    }
    assert (exported[keep[2]]["rank"], exported[keep[2]]["round_reached"]) == (1, 2)
    assert (exported[dropped[0]]["rank"], exported[dropped[0]]["round_reached"]) == (None, 1)
    gaps = publishing.publish_gaps(after)
    assert gaps.in_rounds and not gaps and not gaps.unscored

    unblocked = publishing.publish_blocker(
        j.contest, published=None, now=later, rounds=after.rounds
    )
    assert unblocked is None
    await results.publish(db, contest=j.contest, actor=j.organizer, now=later)
    stored = await db.fetch_value(
        "SELECT entry_id FROM awards WHERE contest_id = ? AND award = ?", (j.contest.id, CHAMPION)
    )
    assert stored == keep[2]


async def test_the_last_rounds_equal_scores_share_a_place_and_are_shown_as_a_tie(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=4, jurors=2)
    rating = await opened(db, j, kind="rating", quorum=2)
    stars = dict(zip(j.entries, [4.0, 5.0, 4.0, 2.0], strict=True))
    await decide_all(db, j, rating, stars)
    await closing.close(db, rating, rule=None, actor=j.organizer, now=NOW)

    computed = await results.compute(db, j.contest)
    places = {s.entry["id"]: s.result.rank for s in computed.standings}
    e0, e1, e2, e3 = j.entries
    assert places == {e1: 1, e0: 2, e2: 2, e3: 4}
    assert [s.entry["id"] for s in computed.standings] == [e1, e0, e2, e3]
    assert computed.by_entry[e0].result.final == 4.0
    [tie] = publishing.publish_gaps(computed).ties
    assert [s.entry["id"] for s in tie.standings] == [e0, e2]


async def test_a_photo_withdrawn_during_the_last_round_leaves_its_order(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=3, jurors=2)
    final = await opened(db, j, kind="ranking")
    await rank_all(db, j, final, list(j.entries))
    async with db.transaction() as tx:
        await tx.execute("UPDATE entries SET status = 'withdrawn' WHERE id = ?", (j.entries[0],))
    await closing.close(db, final, rule=None, actor=j.organizer, now=NOW)

    found = await outcome(db, j.contest.id)
    assert found is not None
    placed = [(f.entry_id, f.place) for f in found.finalists]
    assert placed == [(j.entries[1], 1), (j.entries[2], 2)]
    assert (await closing.final_order(db, final)).candidates == tuple(j.entries[1:])


async def test_a_contest_without_rounds_has_no_outcome(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=2, jurors=1)
    assert await outcome(db, j.contest.id) is None
    assert (await results.compute(db, j.contest)).rounds is None


async def test_a_rubric_rounds_export_gives_each_criterions_score_after_the_mean(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=2, jurors=1)
    round_ = await opened(db, j, "rating", quorum=1, scale="rubric")
    [relevance, creativity] = await panel.criteria_of(db, j.contest.id)
    task = await juror.next_task(db, round_, j.jurors[0])
    assert task is not None
    scores = {int(relevance["id"]): 8.0, int(creativity["id"]): 5.0}
    await juror.score(db, round_, j.jurors[0], task.id, scores, NOW)

    rows = {row["entry_id"]: row for row in await overview.decision_rows(db, round_)}
    scored = rows[int(task.row["id"])]
    assert scored["decision"] == "7"
    columns = (f"score: {relevance['name']}", f"score: {creativity['name']}")
    assert (scored[columns[0]], scored[columns[1]]) == (8.0, 5.0)
    [other] = [row for entry, row in rows.items() if entry != int(task.row["id"])]
    assert (other["decision"], other[columns[0]], other[columns[1]]) == ("", "", "")
    assert list(scored) == list(other)  # every row has the same columns, for the CSV


async def test_no_award_is_saved_while_judging_in_rounds_goes_on(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=2, jurors=1)
    await opened(db, j, quorum=1)
    with pytest.raises(ValidationError) as refused:
        await results.decide_award(
            db,
            contest=j.contest,
            award_key=CHAMPION,
            entry_id=None,
            reason="",
            citation="For the light",
            actor=j.organizer,
            now=NOW,
        )
    assert refused.value.errors == {"award": publishing.ROUNDS_NOT_OVER}
    assert await db.fetch_value("SELECT count(*) FROM awards") == 0


async def test_a_last_round_photo_a_conflict_left_short_of_jurors_is_named_before_publishing(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    j = await jury(db, passwords, storage, photos=3, jurors=2)
    final = await opened(db, j, quorum=2)  # yes/no, both jurors on every photo
    task = await juror.next_task(db, final, j.jurors[0])
    assert task is not None
    assert await conflicts.declare_conflict(db, final, j.jurors[0], task.id, "Friend", NOW) is None
    await decide_all(db, j, final, dict.fromkeys(j.entries, 1.0))
    await closing.close(db, final, rule=None, actor=j.organizer, now=NOW)

    gaps = publishing.publish_gaps(await results.compute(db, j.contest))
    assert [s.entry["id"] for s in gaps.below_minimum] == [int(task.row["id"])]
    assert [s.result.judges for s in gaps.below_minimum] == [1]
