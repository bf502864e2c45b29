"""Once results are published, the rules that decided them stay; every change is audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from contest.contests import store as contest_store
from contest.contests.model import Criterion
from contest.core.db import Database
from contest.core.errors import ValidationError
from contest.core.security import Passwords
from contest.judging import panel
from tests.factories import DAY, START, add_account, add_contest, add_published_results

pytestmark = pytest.mark.anyio
LATER = START + 5 * DAY  # judging and voting have closed


async def audit(db: Database, contest_id: int) -> list[tuple[str, str | None, str]]:
    return [
        (row["action"], row["actor"], row["details"])
        for row in await panel.audit_log(db, contest_id)
    ]


async def test_published_results_fix_the_rules_that_decided_them(
    db: Database, passwords: Passwords
) -> None:
    contest = await add_contest(
        db, "judging_and_voting", award_per_category=True, categories=("Day", "Night")
    )
    organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    await add_published_results(db, contest, organizer, now=LATER)
    settings = contest.settings
    changes: dict[str, Any] = {
        "award_runners_up": 1,
        "one_judged_prize_per_person": False,
        "allow_multiple_awards": True,
        "score_method": "raw",
        "tie_break": "earliest",
        "min_judges_per_entry": 3,
        "voting_mode": "device",
        "hide_counts": True,
        "scale_max": 5,
        "criteria": (Criterion("Relevance to the theme", 5), Criterion("Creativity", 1)),
        "categories": ("Day",),
        "award_peoples_choice": False,
    }
    for name, value in changes.items():
        with pytest.raises(ValidationError) as refused:
            await contest_store.update_contest(
                db, contest.id, replace(settings, **{name: value}), now=LATER, actor_id=organizer.id
            )
        assert list(refused.value.errors) == [name]
        assert "results are published" in refused.value.errors[name]
    stored = await contest_store.get_contest(db, contest.id)
    assert stored.settings == settings  # nothing stored
    assert [action for action, _, _ in await audit(db, contest.id)] == ["publish"]


async def test_after_publishing_dates_and_texts_still_change_and_are_audited(
    db: Database, passwords: Passwords
) -> None:
    contest = await add_contest(db, "judging_and_voting")
    organizer = await add_account(
        db, passwords, email="org@uni.edu", name="Olivia Organizer", role="organizer"
    )
    await add_published_results(db, contest, organizer, now=LATER)
    later = contest.schedule.results_at + timedelta(days=2)
    changed = replace(
        contest.settings,
        title="Light at the Library 2026",
        rules_md="New rules, a long text " * 20,
        schedule=replace(contest.schedule, results_at=later),
    )
    updated = await contest_store.update_contest(
        db, contest.id, changed, now=LATER, actor_id=organizer.id
    )
    assert updated.settings == changed
    action, actor, details = (await audit(db, contest.id))[-1]
    assert (action, actor) == ("settings", "Olivia Organizer")
    assert "Title: “Light at the Library” → “Light at the Library 2026”" in details
    assert "Rules: edited" in details and "long text" not in details
    assert "When the results are announced:" in details


async def test_every_change_is_audited_before_publishing_too_and_no_change_is_not(
    db: Database, passwords: Passwords
) -> None:
    contest = await add_contest(db, "submissions")
    organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    await contest_store.update_contest(
        db, contest.id, contest.settings, now=START, actor_id=organizer.id
    )
    assert await audit(db, contest.id) == []
    await contest_store.update_contest(
        db,
        contest.id,
        replace(contest.settings, award_runners_up=1, one_judged_prize_per_person=False),
        now=START,
        actor_id=organizer.id,
    )
    [(action, _, details)] = await audit(db, contest.id)
    assert action == "settings"
    assert "Runners-up: 2 → 1" in details
    assert "One judged prize per person: on → off" in details


async def test_the_new_rule_is_stored_and_on_by_default(db: Database) -> None:
    contest = await add_contest(db, "submissions")
    assert (await contest_store.get_contest(db, contest.id)).settings.one_judged_prize_per_person
    off = await add_contest(db, "submissions", one_judged_prize_per_person=False)
    assert not (await contest_store.get_contest(db, off.id)).settings.one_judged_prize_per_person
    assert await contest_store.locked_rules(db, contest.id) == ()
