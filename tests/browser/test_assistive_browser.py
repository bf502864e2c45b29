"""Keyboards and screen readers in Chromium: Tab reaches a wide table's region and the arrow
keys scroll it (WCAG 2.1.1); after a failed submit the focus is on the list of what to fix; a
like is announced with its new count."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from contest.contests.phases import Phase
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from tests.browser.conftest import PHONE, LiveSite, NewContext, run_in_own_thread
from tests.browser.test_organizer_journey import sign_in
from tests.factories import PASSWORD, add_account, add_campaign, add_contest, add_entry

pytestmark = pytest.mark.browser
LONG = "a.very.long.address.for.a.reader@special-collections.library.example.edu"


async def _seed(database: Path) -> tuple[str, str]:
    """A contest taking submissions with a campaign to long addresses, an organizer and a
    participant; the campaign's page and the entry form's address."""
    db = await Database.open(database)
    passwords = Passwords(fast=True)
    try:
        organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
        await add_account(db, passwords, email="ann@uni.edu", name="Ann Lee")
        contest = await add_contest(db, Phase.SUBMISSIONS)
        campaign = await add_campaign(
            db, contest, organizer, addresses=f"{LONG}\nsecond.{LONG}\nthird.{LONG}"
        )
        page = f"/manage/contests/{contest.id}/campaigns/{campaign.id}"
        return page, f"/contests/{contest.slug}/enter"
    finally:
        await db.close()


def tab_to(page: Page, selector: str, *, presses: int = 80) -> None:
    """Press Tab until the element ``selector`` has the focus."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_tab_reaches_the_recipients_table_and_arrow_keys_scroll_it(
    live_site: LiveSite, new_context: NewContext
) -> None:
    campaign, _ = run_in_own_thread(_seed(live_site.config.database))
    page = new_context(**PHONE).new_page()
    sign_in(page, "org@uni.edu", PASSWORD)
    page.goto(campaign)
    region = page.get_by_role("region", name="Recipients, scrolls sideways")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth"), "the table fits: no test"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390

    tab_to(page, "[aria-label='Recipients, scrolls sideways']")
    expect(region).to_be_focused()
    outline = region.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid", "the focused region shows a focus ring"
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    scrolled = 0
    for _ in range(30):  # the scroll may be smooth: give it a moment
        scrolled = region.evaluate("el => el.scrollLeft")
        if scrolled > 0:
            break
        page.wait_for_timeout(100)
    assert scrolled > 0, "the arrow keys did not scroll the focused recipients table"
    rows = live_site.rows("SELECT count(*) AS n FROM campaign_recipients")
    assert rows[0]["n"] == 3


def test_after_a_failed_submit_the_focus_is_on_the_error_summary(
    live_site: LiveSite, new_context: NewContext
) -> None:
    _, entry_form = run_in_own_thread(_seed(live_site.config.database))
    page = new_context(**PHONE).new_page()
    sign_in(page, "ann@uni.edu", PASSWORD)
    page.goto(entry_form)
    page.get_by_label("Title", exact=True).fill("Lamplight")
    page.get_by_role("button", name="Submit my photo").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Please correct")
    expect(page.get_by_label("Title", exact=True)).to_have_value("Lamplight")
    page.keyboard.press("Tab")  # the next stop is the first error's link
    expect(summary.get_by_role("link").first).to_be_focused()
    assert live_site.rows("SELECT count(*) AS n FROM entries")[0]["n"] == 0


async def _likeable(site: LiveSite) -> str:
    """A contest in its voting phase with one approved photo by Maya; its gallery."""
    db = await Database.open(site.config.database)
    passwords, now = Passwords(fast=True), site.clock()
    try:
        contest = await add_contest(db, Phase.VOTING, now=now, voting_mode="accounts")
        organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
        maya = await add_account(db, passwords, email="maya@uni.edu", name="Maya")
        await add_account(db, passwords, email="ann@uni.edu", name="Ann Lee")
        storage = LocalStorage(site.config.media)
        await add_entry(
            db, storage, contest, maya, title="Moon above the dome", moderator=organizer
        )
        return f"/contests/{contest.slug}/gallery"
    finally:
        await db.close()


def test_a_like_is_announced_politely_once_the_server_has_it(
    live_site: LiveSite, new_context: NewContext
) -> None:
    gallery = run_in_own_thread(_likeable(live_site))
    page = new_context(**PHONE).new_page()
    sign_in(page, "ann@uni.edu", PASSWORD)
    page.goto(gallery)
    card = page.locator(".photo-card").first
    status = card.locator("[data-like-status]")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text("")

    card.get_by_role("button", name="Like").click()

    expect(status).to_have_text(re.compile(r"^Liked\.( Now 1 like\.)?$"))
    assert live_site.rows("SELECT count(*) AS n FROM likes")[0]["n"] == 1
    card.get_by_role("button", name="Liked").click()
    expect(status).to_have_text(re.compile(r"^Like taken back\."))
