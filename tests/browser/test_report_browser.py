"""The engagement report in Chromium: the charts show, and printing leaves the menus out."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from contest.db import Database
from contest.security import Passwords
from tests.browser.conftest import LiveSite, NewContext, run_in_own_thread
from tests.browser.test_organizer_journey import sign_in
from tests.engagement_data import ORGANIZER_EMAIL, PASSWORD, build

pytestmark = pytest.mark.browser
CHARTS = (
    "Entries per day",
    "Likes per day",
    "Entry views per day",
    "Share clicks per day",
    "Share clicks per network",
)


async def _seed(site: LiveSite) -> int:
    db = await Database.open(site.config.database)
    try:
        return (await build(db, Passwords(fast=True))).contest.id
    finally:
        await db.close()


def test_report_draws_its_charts_and_prints_without_the_menus(
    live_site: LiveSite, new_context: NewContext
) -> None:
    contest_id = run_in_own_thread(_seed(live_site))
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, ORGANIZER_EMAIL, PASSWORD)
    page.goto(f"/manage/contests/{contest_id}/report")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Engagement report: Day and Night at the Library"
    )
    expect(page.locator("#summary")).to_contain_text("7 entries from 5 participants")
    for title in CHARTS:
        chart = page.get_by_role("img", name=title)
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100, (title, box)
    bars = page.get_by_role("img", name="Likes per day").locator("rect.chart-bar")
    expect(bars).to_have_count(7)  # 1 to 7 March: from submissions opening to today
    fill = bars.first.evaluate("bar => getComputedStyle(bar).fill")
    assert fill not in ("", "none", "rgb(0, 0, 0)")  # coloured by the stylesheet
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation).to_be_visible()

    page.emulate_media(media="print")
    expect(navigation).to_be_hidden()
    expect(page.get_by_role("link", name="Dashboard")).to_be_hidden()
    expect(page.get_by_role("img", name="Likes per day")).to_be_visible()
    expect(page.locator("#summary")).to_be_visible()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
