"""Awards as the ranking proposes them: one judged prize per person, People's Choice's count."""

from __future__ import annotations

from typing import Any

import pytest

from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.judging import results
from contest.judging import winners as public_results
from tests.factories import (
    DAY,
    START,
    Ranked,
    add_like,
    add_published_results,
    add_ranked_contest,
)

pytestmark = pytest.mark.anyio


async def ranked(
    db: Database, passwords: Passwords, storage: LocalStorage, **settings: Any
) -> Ranked:
    return await add_ranked_contest(db, passwords, storage, **settings)


def by_key(computed: results.Results) -> dict[str, results.Award]:
    return {award.key: award for award in computed.awards}


async def test_one_judged_prize_per_person_passes_the_second_photo_over_and_says_why(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    r = await ranked(db, passwords, storage)
    assert r.contest.settings.one_judged_prize_per_person  # on by default
    awards = by_key(await results.compute(db, r.contest))
    assert awards["champion"].proposed == r.ids["Dawn in the atrium"]
    runner_up = awards["runner_up_1"]
    assert runner_up.proposed == runner_up.entry_id == r.ids["Dusk by the stacks"]
    assert [(skip.entry_id, skip.title) for skip in runner_up.skipped] == [
        (r.ids["Noon on the steps"], "Noon on the steps")
    ]
    reason = runner_up.skipped[0].reason
    assert "Ann Lee already wins Champion" in reason and "one judged prize per person" in reason
    # Nobody is left for the 2nd runner-up: both people hold a judged prize.
    assert awards["runner_up_2"].proposed is None
    assert [s.entry_id for s in awards["runner_up_2"].skipped] == [r.ids["Noon on the steps"]]
    assert not any(award.warning for award in awards.values())


async def test_with_the_rule_off_one_person_may_take_two_judged_prizes(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    r = await ranked(db, passwords, storage, one_judged_prize_per_person=False)
    awards = by_key(await results.compute(db, r.contest))
    assert awards["champion"].proposed == r.ids["Dawn in the atrium"]
    assert awards["runner_up_1"].proposed == r.ids["Noon on the steps"]
    assert awards["runner_up_2"].proposed == r.ids["Dusk by the stacks"]
    assert not any(award.skipped or award.warning for award in awards.values())


async def test_the_per_photo_rule_stays_its_own(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    """ "One photo may win more than one judges' award" is about a photo: with it on and the
    person rule off, the champion photo is proposed again for the runner-up places."""
    r = await ranked(
        db, passwords, storage, one_judged_prize_per_person=False, allow_multiple_awards=True
    )
    awards = by_key(await results.compute(db, r.contest))
    dawn = r.ids["Dawn in the atrium"]
    assert [awards[key].proposed for key in ("champion", "runner_up_1", "runner_up_2")] == [
        dawn,
        dawn,
        dawn,
    ]


async def test_an_organizer_giving_a_second_judged_prize_is_warned(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    r = await ranked(db, passwords, storage)
    for key, title, reason in (
        ("champion", "Dawn in the atrium", ""),
        ("runner_up_1", "Noon on the steps", "The panel insists"),
    ):
        await results.decide_award(
            db,
            contest=r.contest,
            award_key=key,
            entry_id=r.ids[title],
            reason=reason,
            citation="",
            actor=r.organizer,
            now=START,
        )
    awards = by_key(await results.compute(db, r.contest))
    assert awards["runner_up_1"].override_reason == "The panel insists"
    assert "Ann Lee also wins Champion" in awards["runner_up_1"].warning
    assert "Ann Lee also wins 1st runner-up" in awards["champion"].warning
    assert awards["runner_up_2"].proposed == r.ids["Dusk by the stacks"]
    assert not awards["runner_up_2"].warning


async def test_an_award_given_where_the_ranking_proposed_nobody_is_audited_in_words(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    r = await ranked(db, passwords, storage)
    awards = by_key(await results.compute(db, r.contest))
    assert awards["runner_up_2"].proposed is None  # Ann holds one prize, Bob the other
    await results.decide_award(
        db,
        contest=r.contest,
        award_key="runner_up_2",
        entry_id=r.ids["Noon on the steps"],
        reason="The panel insists",
        citation="",
        actor=r.organizer,
        now=START,
    )
    details = await db.fetch_value("SELECT details FROM audit_log WHERE action = 'override'")
    assert details.endswith("instead of none proposed. Reason: The panel insists")
    assert "None" not in details


async def test_peoples_choice_carries_its_likes_and_the_public_winners_their_count(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    r = await ranked(db, passwords, storage, voting_mode="device")
    dusk = r.ids["Dusk by the stacks"]
    for browser in ("browser-a", "browser-b", "browser-c"):
        await add_like(db, r.contest, dusk, browser)
    await add_like(db, r.contest, r.ids["Dawn in the atrium"], "browser-a")
    awards = by_key(await results.compute(db, r.contest))
    assert (awards["peoples_choice"].entry_id, awards["peoples_choice"].likes) == (dusk, 3)
    assert awards["champion"].likes is None

    await add_published_results(db, r.contest, r.organizer, now=START + 5 * DAY)
    winners = await public_results.public_winners(db, r.contest, now=START + 6 * DAY)
    assert winners is not None
    counts = {w["key"]: w["likes"] for w in winners}
    assert counts["peoples_choice"] == 3 and counts["champion"] is None
