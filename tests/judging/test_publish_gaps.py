"""Before publishing, the ranking names its gaps: entries never scored, entries below the
minimum of judges, and ties the tie-break decided; publishing is refused until it may happen."""

from __future__ import annotations

import pytest

from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.judging import publishing, results
from tests.factories import DAY, START, add_contest_with_gaps, add_published_results

pytestmark = pytest.mark.anyio


def titles(standings: list[results.Standing]) -> list[str]:
    return [s.entry["title"] for s in standings]


async def test_gaps_name_unscored_under_judged_and_tied_entries(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    made = await add_contest_with_gaps(db, passwords, storage)
    gaps = publishing.publish_gaps(await results.compute(db, made.contest))
    assert titles(gaps.unscored) == ["Garden", "Roof"]
    assert titles(gaps.below_minimum) == ["Window"]
    assert [titles(tie.standings) for tie in gaps.ties] == [["Stairs", "Stacks"]]
    assert gaps


async def test_an_entry_with_enough_judges_is_no_gap(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    made = await add_contest_with_gaps(db, passwords, storage, min_judges_per_entry=1)
    computed = await results.compute(db, made.contest)
    gaps = publishing.publish_gaps(computed)
    assert titles(gaps.below_minimum) == []  # one judge is enough now: "Window" is ranked
    assert titles(gaps.unscored) == ["Garden", "Roof"]


async def test_publishing_is_blocked_until_judging_closes_and_once_published(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    made = await add_contest_with_gaps(db, passwords, storage)
    blocker = publishing.publish_blocker(made.contest, published=None, now=START)
    assert blocker == "Judging and public voting have not both closed yet."
    later = START + 5 * DAY
    assert publishing.publish_blocker(made.contest, published=None, now=later) is None
    await add_published_results(db, made.contest, made.organizer, now=later)
    published = await results.published_at(db, made.contest.id)
    assert publishing.publish_blocker(made.contest, published=published, now=later) == (
        "The results are already published."
    )
