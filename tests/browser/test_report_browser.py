"""The engagement report in Chromium: the charts show, and printing leaves the menus out."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from contest.core.db import Database
from contest.core.security import Passwords
from tests.browser.conftest import LiveSite, NewContext, run_in_own_thread
from tests.browser.test_organizer_journey import sign_in
from tests.conftest import FakeClock
from tests.engagement.engagement_data import ORGANIZER_EMAIL, PASSWORD, build

pytestmark = pytest.mark.browser
CHARTS = (
    "Entries per day",
    "Likes per day",
    "Entry views per day",
    "Share clicks per day",
    "Share clicks per network",
)


@pytest.fixture
def live_clock() -> FakeClock:
    """A week after the contest's results day (23 March)."""
    return FakeClock(datetime(2026, 3, 30, 9, 0, tzinfo=UTC))


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
    # From submissions opening (1 March) to the results day (23 March): the site's clock is
    # past the contest.
    expect(bars).to_have_count(23)
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


#: Each axis label's rendered font size (its font size in the SVG's units times the SVG's scale),
#: and its box on the page.
AXIS_LABELS = """svg => [...svg.querySelectorAll('text.chart-axis')].map(label => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const box = label.getBoundingClientRect();
  return {
    size: parseFloat(getComputedStyle(label).fontSize) * scale,
    left: box.left, right: box.right, top: box.top, height: box.height,
  };
})"""


def test_chart_labels_are_readable_on_a_phone(
    live_site: LiveSite, new_context: NewContext, tmp_path: Path
) -> None:
    contest_id = run_in_own_thread(_seed(live_site))
    page = new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(page, ORGANIZER_EMAIL, PASSWORD)
    page.goto(f"/manage/contests/{contest_id}/report")
    chart = page.get_by_role("img", name="Likes per day")
    chart.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "report-375.png"), full_page=False)
    chart.screenshot(path=str(tmp_path / "likes-375.png"))
    for title in CHARTS:
        labels = page.get_by_role("img", name=title).evaluate(AXIS_LABELS)
        assert labels, title
        for label in labels:
            assert label["size"] >= 10, (title, label)  # was about 6 px
            assert label["height"] >= 10, (title, label)
        # The day labels under the bars sit on one line and do not run into each other.
        under = sorted(
            (label for label in labels if label["top"] == labels[-1]["top"]),
            key=lambda label: label["left"],
        )
        for before, after in itertools.pairwise(under):
            assert before["right"] <= after["left"], (title, before, after)
