"""The engagement report in Chromium: the charts show, and printing leaves the menus out."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from contest.core.db import Database
from contest.core.security import Passwords
from tests.browser.conftest import LiveSite, NewContext, run_in_own_thread
from tests.browser.test_organizer_journey import sign_in
from tests.conftest import FakeClock
from tests.engagement import director_report_data
from tests.engagement.engagement_data import ORGANIZER_EMAIL, build
from tests.factories import PASSWORD

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
    expect(page.get_by_role("heading", level=1)).to_have_text("Day and Night at the Library")
    expect(page.locator("#report-cover")).to_contain_text("Engagement report")
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
    text: label.textContent,
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


#: Each chart's labels (axis values and day names) that reach outside the chart's own box.
LABELS_OUTSIDE = """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
  const frame = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].map(label => {
    const box = label.getBoundingClientRect();
    return {chart: svg.getAttribute('aria-labelledby'), text: label.textContent,
            left: box.left - frame.left, right: frame.right - box.right,
            top: box.top - frame.top, bottom: frame.bottom - box.bottom};
  }).filter(l => Math.min(l.left, l.right, l.top, l.bottom) < 0);
})"""
#: An A4 page's width in CSS pixels (210 mm at 96 per inch) less the report's 12 mm margins.
PRINTED_WIDTH = round((210 - 2 * 12) / 25.4 * 96)


def pdf_pages(pdf: bytes) -> int:
    """How many pages a PDF has: its page objects (``/Type /Page``, not ``/Pages``)."""
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


async def _seed_director(site: LiveSite) -> int:
    db = await Database.open(site.config.database)
    try:
        return (await director_report_data.build(db, Passwords(fast=True))).contest.id
    finally:
        await db.close()


def test_a_92_entry_contest_prints_on_two_or_three_a4_pages_with_a_cover(
    live_site: LiveSite, new_context: NewContext, tmp_path: Path
) -> None:
    contest_id = run_in_own_thread(_seed_director(live_site))
    entries = live_site.rows(
        "SELECT count(*) AS n FROM entries WHERE contest_id = ?", (contest_id,)
    )
    assert entries[0]["n"] == 92
    page = new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(page, director_report_data.ORGANIZER_EMAIL, PASSWORD)
    page.goto(f"/manage/contests/{contest_id}/report")

    cover = page.locator("#report-cover")
    expect(cover).to_contain_text(director_report_data.TITLE)
    winners = cover.locator(".report-winners img")
    expect(winners).to_have_count(4)  # champion, two runners-up, People's Choice
    for index in range(4):
        loaded = winners.nth(index).evaluate("img => img.complete && img.naturalWidth > 0")
        assert loaded, index
    expect(page.locator("#report-key-figures")).to_contain_text("92")

    page.set_viewport_size({"width": PRINTED_WIDTH, "height": 1000})
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.locator("#downloads")).to_be_hidden()
    # The site's name (no brand is set) heads the printed cover; on screen the header shows it.
    expect(cover.locator(".report-brand")).to_have_text("Photo contests")
    for index in range(4):  # the cover's photos print too
        expect(winners.nth(index)).to_be_visible()

    pdf = page.pdf(format="A4", print_background=True)
    (tmp_path / "report.pdf").write_bytes(pdf)
    outside = page.evaluate(LABELS_OUTSIDE)
    assert outside == [], [(o["text"], round(o["top"]), round(o["bottom"])) for o in outside]
    for title in CHARTS:  # at print width, the labels under the bars do not run together
        labels = page.get_by_role("img", name=title).evaluate(AXIS_LABELS)
        under = sorted(
            (label for label in labels if label["top"] == labels[-1]["top"]),
            key=lambda label: label["left"],
        )
        assert len(under) >= 3, title
        for before, after in itertools.pairwise(under):
            assert before["right"] < after["left"], (title, before, after)
    shown = page.get_by_role("img", name="Share clicks per network").evaluate(AXIS_LABELS)
    every = {"Facebook", "X", "WhatsApp", "Weibo", "LINE", "Email", "Copied", "Phone"}
    assert every <= {label["text"] for label in shown}  # X, Weibo, Email were left out
    for line in {label["top"] for label in shown if label["text"] in every}:
        row = sorted(
            (label for label in shown if label["top"] == line and label["text"] in every),
            key=lambda label: label["left"],
        )
        for before, after in itertools.pairwise(row):
            assert before["right"] < after["left"], (before, after)
    assert 2 <= pdf_pages(pdf) <= 3, pdf_pages(pdf)


def test_pages_of_a_pdf_are_counted_without_its_page_tree() -> None:
    tree = b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>"
    pages = b"<< /Type /Page /Parent 2 0 R >> << /Type/Page/Parent 2 0 R >>"
    assert pdf_pages(tree + pages) == 2


KEY_NUMBERS = (
    "() => [...document.querySelectorAll('#report-key-figures .key-number')]"
    ".map(n => n.textContent)"
)
#: The axis labels under the bars of every chart, per chart: their text and box.
UNDER_BARS = """() => [...document.querySelectorAll('svg.chart')].map(svg => {
  const labels = [...svg.querySelectorAll('text.chart-axis')].map(label => {
    const box = label.getBoundingClientRect();
    return {text: label.textContent, left: box.left, right: box.right, top: box.top};
  });
  const bottom = Math.max(...labels.map(label => label.top));
  return labels.filter(label => label.top > bottom - 40 && label.text.match(/\\D/));
})"""


def printed_report(page: Page, contest_id: int, tmp_path: Path, name: str) -> tuple[list[str], int]:
    """The report's key figures as shown, and how many A4 pages it prints on."""
    page.goto(f"/manage/contests/{contest_id}/report")
    figures = page.evaluate(KEY_NUMBERS)
    page.set_viewport_size({"width": PRINTED_WIDTH, "height": 1000})
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    (tmp_path / f"report-{name}.pdf").write_bytes(pdf)
    outside = page.evaluate(LABELS_OUTSIDE)
    assert outside == [], (name, [(o["text"], round(o["top"])) for o in outside])
    for labels in page.evaluate(UNDER_BARS):  # day labels such as 3月16日 do not run together
        for line in {label["top"] for label in labels}:
            row = sorted((lb for lb in labels if lb["top"] == line), key=lambda lb: lb["left"])
            for before, after in itertools.pairwise(row):
                assert before["right"] < after["left"], (name, before, after)
    return figures, pdf_pages(pdf)


@pytest.mark.parametrize(
    ("locale", "words", "champion"),
    [("zh-HK", "參與報告", "冠軍"), ("zh-CN", "参与情况报告", "冠军")],
)
def test_the_chinese_report_prints_the_same_key_figures_on_at_most_three_pages(
    live_site: LiveSite,
    new_context: NewContext,
    tmp_path: Path,
    locale: str,
    words: str,
    champion: str,
) -> None:
    contest_id = run_in_own_thread(_seed_director(live_site))
    english = new_context(viewport={"width": 1366, "height": 900}, locale="en-GB").new_page()
    sign_in(english, director_report_data.ORGANIZER_EMAIL, PASSWORD)
    english_figures, english_pages = printed_report(english, contest_id, tmp_path, "en")

    chinese = new_context(viewport={"width": 1366, "height": 900}, locale=locale).new_page()
    chinese.context.add_cookies(english.context.cookies())  # type: ignore[arg-type] # same fields
    chinese.goto(f"/manage/contests/{contest_id}/report")
    expect(chinese.locator("html")).to_have_attribute("lang", re.compile("^zh-"))
    expect(chinese.locator("#report-cover")).to_contain_text(words)
    expect(chinese.locator("#summary")).to_contain_text("92 件作品")
    expect(chinese.locator(".report-winners")).to_contain_text(champion)
    chinese_figures, chinese_pages = printed_report(chinese, contest_id, tmp_path, locale)
    assert "92" in english_figures
    assert chinese_figures == english_figures  # the same numbers, written the same way
    assert chinese_pages <= 3, chinese_pages
    assert english_pages <= 3, english_pages
