"""The organizers' ranking in Chromium: on a 1366 px laptop it fits without sideways scroll,
Likes included; a judge's scores read "9 · 9 · 9"; on a phone the table scrolls inside a
labelled region that the keyboard can scroll."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from contest.contests.model import Criterion
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from tests.browser.conftest import PHONE, LiveSite, NewContext, run_in_own_thread
from tests.browser.test_organizer_journey import sign_in
from tests.factories import (
    PASSWORD,
    add_account,
    add_contest_with_gaps,
    add_entry,
    add_judge,
    add_scores,
)

pytestmark = pytest.mark.browser
LONG_TITLE = "Evening light falling across the periodicals reading room on the third floor"


async def _seed(site: LiveSite) -> int:
    """The contest with gaps, judged by four judges on three criteria, one long title."""
    db = await Database.open(site.config.database)
    passwords, storage, now = (
        Passwords(fast=True),
        LocalStorage(Path(site.config.media)),
        site.clock(),
    )
    try:
        made = await add_contest_with_gaps(
            db,
            passwords,
            storage,
            now=now,
            criteria=(Criterion("Composition", 1), Criterion("Light", 1), Criterion("Story", 1)),
        )
        judges = list(made.judges)
        for n in (3, 4):
            judges.append(await add_judge(db, passwords, made.contest, email=f"judge{n}@uni.edu"))
        author = await add_account(db, passwords, email="cat@uni.edu", name="Catherine Montgomery")
        long_id = await add_entry(
            db, storage, made.contest, author, title=LONG_TITLE, moderator=made.organizer, now=now
        )
        for judge in judges:
            for entry in (made.ids["Atrium"], made.ids["Stairs"], long_id):
                await add_scores(db, made.contest, judge, entry, [9, 9, 9], now=now)
        return made.contest.id
    finally:
        await db.close()


def open_results(page: Page, contest_id: int) -> None:
    sign_in(page, "org@uni.edu", PASSWORD)
    page.goto(f"/manage/contests/{contest_id}/results")
    expect(page.get_by_role("heading", name="Ranking")).to_be_visible()


def test_the_ranking_fits_a_laptop_with_its_scores_separated(
    live_site: LiveSite, new_context: NewContext
) -> None:
    contest_id = run_in_own_thread(_seed(live_site))
    page = new_context(viewport={"width": 1366, "height": 768}).new_page()
    open_results(page, contest_id)
    region = page.get_by_role("region", name="Ranking table, scrolls sideways")
    overflow = region.evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow <= 0, f"the ranking scrolls sideways by {overflow}px at 1366px"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    likes = page.get_by_role("columnheader", name="Likes").bounding_box()
    assert likes is not None and likes["x"] + likes["width"] <= 1366
    atrium = page.get_by_role("row").filter(has_text="Atrium")
    scores = atrium.locator("td.scores abbr").first
    expect(scores).to_have_text("9 · 9 · 9")
    expect(scores).to_have_attribute("title", "Composition · Light · Story")


def test_on_a_phone_the_ranking_scrolls_by_keyboard(
    live_site: LiveSite, new_context: NewContext
) -> None:
    contest_id = run_in_own_thread(_seed(live_site))
    page = new_context(**PHONE).new_page()
    open_results(page, contest_id)
    region = page.get_by_role("region", name="Ranking table, scrolls sideways")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # only the table scrolls
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    region.focus()
    expect(region).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    scrolled = 0
    for _ in range(30):  # the scroll may be smooth: give it a moment
        scrolled = region.evaluate("el => el.scrollLeft")
        if scrolled > 0:
            break
        page.wait_for_timeout(100)
    assert scrolled > 0, "the arrow keys did not scroll the focused ranking"
