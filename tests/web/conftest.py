"""Fixtures shared by the HTTP tests."""

import pytest

from contest.contests import store as contest_store
from contest.demo.contests import judging_demo_settings
from tests.conftest import Site
from tests.factories import insert_entry


@pytest.fixture
def entries(site: Site) -> list[int]:
    """Three approved entries of a contest in its voting phase, by Ann."""
    author = site.add_user("participant", "ann@uni.edu")

    async def create() -> list[int]:
        settings = judging_demo_settings(site.clock(), "UTC")
        contest = await contest_store.create_contest(
            site.db, settings, created_by=None, now=site.clock()
        )
        async with site.db.transaction() as tx:
            return [
                await insert_entry(tx, contest.id, author, f"Photo {i}", "approved")
                for i in range(3)
            ]

    return site.run(create)
