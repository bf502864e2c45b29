"""Award ribbons on gallery cards: each winning photo's awards, once the results are out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.gallery.ribbons import Ribbons, contest_ribbons
from tests.conftest import Site
from tests.factories import (
    DAY,
    START,
    Ranked,
    add_like,
    add_published_results,
    add_ranked_contest,
)

#: Judging and voting close four days after the factories' contests are made, and the results
#: are announced a day later: published in between, they wait for their time.
PUBLISHED = 4 * DAY + 12 * DAY / 24


async def _ranked(
    db: Database,
    passwords: Passwords,
    storage: LocalStorage,
    now: datetime = START,
    **settings: Any,
) -> Ranked:
    """Ann's "Dawn in the atrium" is ranked first, "Noon on the steps" second, Bob's "Dusk by
    the stacks" third and liked most."""
    ranked = await add_ranked_contest(
        db,
        passwords,
        storage,
        now=now,
        voting_mode="device",
        **({"award_runners_up": 1, "one_judged_prize_per_person": False} | settings),
    )
    for browser in ("browser-a", "browser-b"):
        await add_like(db, ranked.contest, ranked.ids["Dusk by the stacks"], browser, now=now)
    return ranked


@pytest.mark.anyio
async def test_ribbons_name_each_winners_awards_once_published_and_announced(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    ranked = await _ranked(db, passwords, storage)
    ids, contest = ranked.ids, ranked.contest
    assert await contest_ribbons(db, contest) == Ribbons()
    await add_published_results(db, contest, ranked.organizer, now=START + PUBLISHED)
    ribbons = await contest_ribbons(db, contest)
    announced = contest.schedule.results_at
    assert ribbons.of(ids["Dawn in the atrium"], announced) == ("Champion",)
    assert ribbons.of(ids["Noon on the steps"], announced) == ("1st runner-up",)
    assert ribbons.of(ids["Dusk by the stacks"], announced) == ("People's Choice",)
    assert ribbons.of(ids["Dawn in the atrium"], announced - DAY / 24) == ()


@pytest.mark.anyio
async def test_a_photo_with_two_awards_wears_both_ribbons_in_the_awards_order(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    ranked = await _ranked(db, passwords, storage, award_runners_up=0, allow_multiple_awards=True)
    dawn = ranked.ids["Dawn in the atrium"]
    await add_published_results(
        db, ranked.contest, ranked.organizer, awards={"peoples_choice": dawn}, now=START + PUBLISHED
    )
    ribbons = await contest_ribbons(db, ranked.contest)
    assert ribbons.of(dawn, ranked.contest.schedule.results_at) == ("Champion", "People's Choice")


def _card(html: str, entry_id: int) -> str:
    card = html[html.index(f'id="entry-{entry_id}"') :]
    return card[: card.index("</li>")]


def test_gallery_cards_wear_ribbons_only_once_the_results_are_out(site: Site) -> None:
    now = site.clock()

    async def create() -> Ranked:
        ranked = await _ranked(site.db, site.passwords, site.storage, now)
        await add_published_results(site.db, ranked.contest, ranked.organizer, now=now + PUBLISHED)
        return ranked

    ranked = site.run(create)
    gallery = f"/contests/{ranked.contest.slug}/gallery"
    site.clock.advance(days=4, hours=13)  # published, not yet announced
    before = site.client.get(gallery).text
    assert 'class="ribbon"' not in before
    site.clock.advance(days=1)
    after = site.client.get(gallery).text
    ids = ranked.ids
    assert '<span class="ribbon">Champion</span>' in _card(after, ids["Dawn in the atrium"])
    choice = _card(after, ids["Dusk by the stacks"])
    assert '<span class="ribbon">People&#39;s Choice</span>' in choice
    assert "Champion" not in choice
    assert '<span class="ribbon">1st runner-up</span>' in _card(after, ids["Noon on the steps"])
