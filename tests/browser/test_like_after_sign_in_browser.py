"""An anonymous visitor likes a photo in a contest that asks for an account: the like button
leads to sign-in, and back on the photo one pre-focused tap confirms the like (on a phone,
with and without JavaScript)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from contest.contests.phases import Phase
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from tests.browser.conftest import PASSWORD, PHONE, LiveSite, NewContext, run_in_own_thread
from tests.conftest import FakeClock
from tests.factories import add_account, add_contest, add_entry

pytestmark = pytest.mark.browser
FAN = "fan@uni.edu"


@pytest.fixture
def live_clock() -> FakeClock:
    """The live site runs on the tests' fixed clock."""
    return FakeClock()


async def _seed(site: LiveSite) -> tuple[str, int]:
    """A contest in accounts-mode voting with one photo, and the fan's account; the contest's
    slug and the photo's id."""
    now, passwords = site.clock(), Passwords(fast=True)
    db = await Database.open(site.config.database)
    try:
        contest = await add_contest(db, Phase.VOTING, now=now, voting_mode="accounts")
        moderator = await add_account(db, passwords, email="mo@uni.edu", role="organizer", now=now)
        author = await add_account(db, passwords, email="maya@uni.edu", now=now)
        entry = await add_entry(
            db,
            LocalStorage(site.config.media),
            contest,
            author,
            title="Moon above the dome",
            moderator=moderator,
            now=now,
        )
        await add_account(db, passwords, email=FAN, now=now)
    finally:
        await db.close()
    return contest.slug, entry


def _like_after_signing_in(page: Page, site: LiveSite, slug: str, entry: int) -> None:
    page.goto(f"/contests/{slug}/gallery")
    expect(page.locator(".voting-banner")).to_have_count(1)
    expect(page.locator(".voting-banner")).to_contain_text("to like photos")
    page.locator(f"#entry-{entry}").get_by_role("button", name="Sign in to like").click()
    page.wait_for_url(re.compile(r"/sign-in\?next="))
    page.get_by_label("Email").fill(FAN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(rf"/entries/{entry}\?like=1$"))
    confirm = page.get_by_role("button", name="Confirm your like")
    expect(confirm).to_be_focused()
    assert site.rows("SELECT count(*) AS n FROM likes") == [{"n": 0}]  # not on a GET
    confirm.click()
    page.wait_for_url(re.compile(rf"/entries/{entry}#entry-{entry}$"))
    expect(page.locator(".like-button[aria-pressed=true]")).to_have_count(1)
    expect(page.get_by_role("button", name="Confirm your like")).to_have_count(0)
    assert site.rows("SELECT count(*) AS n FROM likes WHERE entry_id = ?", (entry,)) == [{"n": 1}]


def test_a_like_survives_signing_in_on_a_phone(
    live_site: LiveSite, new_context: NewContext
) -> None:
    slug, entry = run_in_own_thread(_seed(live_site))
    _like_after_signing_in(new_context(**PHONE).new_page(), live_site, slug, entry)


def test_a_like_survives_signing_in_without_javascript(
    live_site: LiveSite, new_context: NewContext
) -> None:
    slug, entry = run_in_own_thread(_seed(live_site))
    _like_after_signing_in(
        new_context(java_script_enabled=False).new_page(), live_site, slug, entry
    )
