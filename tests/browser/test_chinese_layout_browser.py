"""Chinese pages on a 390 px phone in Chromium: the organizers' ranking keeps its headings and
ranks readable (no column one character wide, the table scrolls inside its region, not the
page), and the withdraw page's photo shrinks to the screen instead of pushing it sideways."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from contest.contests.phases import Phase
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from tests.browser.conftest import PHONE, LiveSite, NewContext, run_in_own_thread
from tests.browser.test_organizer_journey import sign_in
from tests.factories import (
    PASSWORD,
    add_account,
    add_contest,
    add_contest_with_gaps,
    add_entry,
    photo_bytes,
)

pytestmark = pytest.mark.browser
CHINESE = ["zh_Hant", "zh_Hans"]


async def _seed_ranking(site: LiveSite) -> int:
    """The contest with gaps: unscored, under-judged and tied entries, as in the walk."""
    db = await Database.open(site.config.database)
    try:
        made = await add_contest_with_gaps(
            db, Passwords(fast=True), LocalStorage(Path(site.config.media)), now=site.clock()
        )
        return made.contest.id
    finally:
        await db.close()


async def _seed_pending_entry(site: LiveSite) -> int:
    """A participant's pending entry, its photo wider than a phone (a 400 px thumbnail)."""
    db = await Database.open(site.config.database)
    passwords, storage, now = (
        Passwords(fast=True),
        LocalStorage(Path(site.config.media)),
        site.clock(),
    )
    try:
        contest = await add_contest(db, Phase.SUBMISSIONS, now=now)
        author = await add_account(db, passwords, email="ming@uni.edu", name="陳小明")
        return await add_entry(
            db,
            storage,
            contest,
            author,
            title="圖書館之夜",
            status="pending",
            photo=photo_bytes(7, size=(1600, 1000)),
            now=now,
        )
    finally:
        await db.close()


def in_chinese(page: Page, live_site: LiveSite, locale: str) -> None:
    """Read the site in that Chinese from now on, as the language switch would."""
    page.context.add_cookies([{"name": "contest_language", "value": locale, "url": live_site.url}])


def sideways_scroll(page: Page) -> int:
    """How far the page itself scrolls sideways, in CSS pixels."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


@pytest.mark.parametrize("locale", CHINESE)
def test_the_chinese_ranking_on_a_phone_keeps_its_headings_and_ranks_readable(
    live_site: LiveSite, new_context: NewContext, locale: str
) -> None:
    contest_id = run_in_own_thread(_seed_ranking(live_site))
    page = new_context(**PHONE).new_page()
    sign_in(page, "org@uni.edu", PASSWORD)
    in_chinese(page, live_site, locale)
    page.goto(f"/manage/contests/{contest_id}/results")
    expect(page.locator("html")).to_have_attribute("lang", locale.replace("_", "-"))
    assert sideways_scroll(page) <= 0, "only the table region may scroll sideways"
    region = page.locator(".ranking-scroll")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    narrow = page.evaluate(
        """() => {
          const em = parseFloat(getComputedStyle(document.querySelector('.ranking')).fontSize);
          const cells = [...document.querySelectorAll('.ranking th'),
                         ...document.querySelectorAll('.ranking tbody td:first-child')];
          return cells.filter(c => c.getBoundingClientRect().width <= 2 * em)
                      .map(c => c.textContent.trim());
        }"""
    )
    assert narrow == [], f"cells no wider than two characters: {narrow}"
    tallest = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll('.ranking th')]
                 .map(c => c.getBoundingClientRect().height))"""
    )
    assert tallest < 60, f"a heading stacks its characters ({tallest}px high)"


@pytest.mark.parametrize("locale", CHINESE)
def test_the_chinese_withdraw_page_fits_a_phone(
    live_site: LiveSite, new_context: NewContext, locale: str
) -> None:
    entry_id = run_in_own_thread(_seed_pending_entry(live_site))
    page = new_context(**PHONE).new_page()
    sign_in(page, "ming@uni.edu", PASSWORD)
    in_chinese(page, live_site, locale)
    page.goto(f"/my/entries/{entry_id}/withdraw")
    photo = page.locator("main img")
    expect(photo).to_be_visible()
    assert sideways_scroll(page) <= 0, "the withdraw page scrolls sideways"
    box = photo.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    ratio = photo.evaluate("img => img.naturalWidth / img.naturalHeight")
    assert abs(box["width"] / box["height"] - ratio) < 0.02, "the photo keeps its proportions"
