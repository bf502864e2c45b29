"""The public winners page gives People's Choice its count of likes, unless the contest hides
like counts (then it names the winner without the number)."""

from __future__ import annotations

from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import (
    DAY,
    add_account,
    add_contest,
    add_judge,
    add_like,
    add_published_results,
    add_scored_entry,
)


def announce(site: Site) -> dict[bool, str]:
    """Two contests whose results are out, one hiding like counts: in each, Ann's photo is
    champion and Bob's is liked by three browsers. Their slugs by ``hide_counts``."""
    now = site.clock()

    async def create() -> dict[bool, str]:
        organizer = await add_account(
            site.db, site.passwords, email="org@uni.edu", role="organizer"
        )
        ann = await add_account(site.db, site.passwords, email="ann@uni.edu", name="Ann Lee")
        bob = await add_account(site.db, site.passwords, email="bob@uni.edu", name="Bob Roy")
        slugs: dict[bool, str] = {}
        for hide_counts in (False, True):
            contest = await add_contest(
                site.db,
                Phase.JUDGING_AND_VOTING,
                now=now,
                title=f"Light, counts hidden: {hide_counts}",
                voting_mode="device",
                hide_counts=hide_counts,
                award_runners_up=0,
            )
            judge = await add_judge(
                site.db, site.passwords, contest, email=f"judge-{hide_counts}@uni.edu"
            )
            for author, title, score in ((ann, "Dawn", 9), (bob, "Dusk by the stacks", 5)):
                entry = await add_scored_entry(
                    site.db,
                    site.storage,
                    contest,
                    author,
                    judge=judge,
                    score=score,
                    moderator=organizer,
                    title=title,
                    now=now,
                )
            for browser in ("browser-a", "browser-b", "browser-c"):
                await add_like(site.db, contest, entry, browser, now=now)
            await add_published_results(site.db, contest, organizer, now=now + 5 * DAY)
            slugs[hide_counts] = contest.slug
        return slugs

    slugs = site.run(create)
    site.clock.advance(days=6)  # the results are announced
    return slugs


def test_the_winners_page_gives_peoples_choice_its_likes_unless_counts_are_hidden(
    site: Site,
) -> None:
    slugs = announce(site)
    shown = site.client.get(f"/contests/{slugs[False]}/winners").text
    choice = shown[shown.index("award-peoples_choice") :]
    assert "People&#39;s Choice" in choice and "Dusk by the stacks" in choice
    assert "3 likes from the public" in choice
    assert "likes from the public" not in shown[: shown.index("award-peoples_choice")]

    hidden = site.client.get(f"/contests/{slugs[True]}/winners").text
    choice = hidden[hidden.index("award-peoples_choice") :]
    assert "People&#39;s Choice" in choice and "Dusk by the stacks" in choice
    assert "likes from the public" not in hidden and "3 likes" not in hidden
