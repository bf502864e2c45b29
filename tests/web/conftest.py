"""Fixtures shared by the HTTP tests."""

from collections.abc import Callable
from typing import Any

import pytest

from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import add_account, add_contest, add_entry


@pytest.fixture
def make_entries(site: Site) -> Callable[..., list[int]]:
    """Make a contest whose judging and public voting are open now (with any of its settings
    overridden) and three approved entries in it by Ann; return the entries' ids."""

    def make(**overrides: Any) -> list[int]:
        now = site.clock()

        async def create() -> list[int]:
            contest = await add_contest(site.db, Phase.JUDGING_AND_VOTING, now=now, **overrides)
            ann = await add_account(site.db, site.passwords, email="ann@uni.edu", now=now)
            moderator = await add_account(
                site.db, site.passwords, email="moderator@uni.edu", role="organizer", now=now
            )
            return [
                await add_entry(
                    site.db,
                    site.storage,
                    contest,
                    ann,
                    title=f"Library light {i}",
                    moderator=moderator,
                    now=now,
                )
                for i in range(3)
            ]

        return site.run(create)

    return make


@pytest.fixture
def entries(make_entries: Callable[..., list[int]]) -> list[int]:
    """Three approved entries of a contest in its voting phase (judging runs alongside), by Ann."""
    return make_entries()
