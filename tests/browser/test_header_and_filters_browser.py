"""Header, page spacing and gallery filters in a real Chromium: each filter's label sits on
its field, headings keep clear of the header, and an organizer's header stays two short rows
on a phone without the page scrolling sideways."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from contest.contests.phases import Phase
from contest.core.db import Database
from contest.core.storage import LocalStorage
from tests.browser.conftest import PHONE, LiveSite, NewContext
from tests.browser.test_organizer_journey import horizontal_overflow, sign_in
from tests.browser.test_participant_and_judge import seed
from tests.factories import add_contest

pytestmark = pytest.mark.browser

DESKTOP: dict[str, Any] = {"viewport": {"width": 1366, "height": 900}}
SCREENS = pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
BOX = "(e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"


async def _voting_contest(db: Database, storage: LocalStorage, *, now: datetime) -> str:
    contest = await add_contest(db, Phase.VOTING, now=now, categories=("Day", "Night"))
    return contest.slug


def _box(page: Page, selector: str) -> list[float]:
    """The left, top, right and bottom of the first element matching ``selector``."""
    box: list[float] = page.locator(selector).first.evaluate(BOX)
    return box


@SCREENS
def test_each_gallery_filter_label_sits_right_above_its_field(
    live_site: LiveSite, new_context: NewContext, screen: dict[str, Any]
) -> None:
    slug = seed(live_site, _voting_contest)
    page = new_context(**screen).new_page()
    page.goto(f"/contests/{slug}/gallery")
    expect(page.get_by_role("heading", name="The photos")).to_be_visible()

    fields = [_box(page, f"#{name}") for name in ("category", "tag", "sort")]
    for name, field in zip(("category", "tag", "sort"), fields, strict=True):
        label = _box(page, f"label[for={name}]")
        assert abs(label[0] - field[0]) < 2, name  # same left edge
        assert 0 <= field[1] - label[3] < 12, name  # the field starts just below its label
    tops = [field[1] for field in fields]
    if screen is PHONE:  # stacked, one under the other
        assert tops[0] < tops[1] < tops[2]
        assert fields[1][1] >= fields[0][3] and fields[2][1] >= fields[1][3]
    else:  # side by side on one row, bottoms lined up
        bottoms = [field[3] for field in fields]
        assert max(bottoms) - min(bottoms) < 2
        assert fields[0][2] <= fields[1][0] and fields[1][2] <= fields[2][0]


@SCREENS
def test_the_first_heading_and_the_last_card_keep_clear_of_header_and_footer(
    live_site: LiveSite, new_context: NewContext, screen: dict[str, Any]
) -> None:
    seed(live_site, _voting_contest)
    page = new_context(**screen).new_page()
    page.goto("/")

    header, main = _box(page, ".site-header"), _box(page, "main")
    heading, footer = _box(page, "main h1"), _box(page, ".site-footer")
    last_card = _box(page, "main .card >> nth=-1")
    assert heading[1] - header[3] >= 24  # a visible gap under the header
    assert footer[1] - last_card[3] >= 32  # and above the footer rule
    assert main[3] <= footer[1]


#: The organizer's header links, by language (their own name stays as typed).
HEADER_LINKS = {
    "en": ["Contests", "Manage", "People", "Outbox", "Olive Organizer", "Sign out"],
    "zh_Hant": ["比賽", "管理", "人員", "寄件匣", "Olive Organizer", "登出"],
    "zh_Hans": ["比赛", "管理", "人员", "发件箱", "Olive Organizer", "退出"],
}


@pytest.mark.parametrize("width", [390, 320])
@pytest.mark.parametrize("locale", list(HEADER_LINKS))
def test_an_organizers_header_is_compact_on_a_phone_and_every_link_is_on_the_screen(
    live_site: LiveSite, new_context: NewContext, width: int, locale: str
) -> None:
    context = new_context(**(PHONE | {"viewport": {"width": width, "height": 844}}))
    page = context.new_page()
    sign_in(page)
    context.add_cookies([{"name": "contest_language", "value": locale, "url": live_site.url}])
    page.goto("/manage")

    header = _box(page, ".site-header")
    assert header[3] - header[1] < 160
    assert horizontal_overflow(page) <= 0
    # The links wrap under the brand: none is cut off, and nothing scrolls sideways, neither
    # the page nor the header.
    nav_overflow = page.evaluate(
        "(() => { const n = document.querySelector('.header-row > nav');"
        " return n.scrollWidth - n.clientWidth; })()"
    )
    assert nav_overflow <= 0
    heading = _box(page, "main h1")
    assert heading[1] - header[3] >= 24
    # Tabbing walks through every header link, each one wholly on the screen where it stands.
    names = HEADER_LINKS[locale]
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    for name in names:
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert focused == name
        box: list[float] = page.evaluate(f"({BOX})(document.activeElement)")
        assert box[0] >= 0 and box[2] <= width and box[3] <= header[3], (name, box)
    assert horizontal_overflow(page) <= 0


def test_an_organizers_header_stays_one_row_on_a_desktop(
    live_site: LiveSite, new_context: NewContext
) -> None:
    page = new_context(**DESKTOP).new_page()
    sign_in(page)
    page.goto("/manage")

    header = _box(page, ".site-header")
    brand, sign_out = _box(page, ".brand"), _box(page, ".nav li >> nth=-1")
    assert header[3] - header[1] < 80
    assert abs((brand[1] + brand[3]) / 2 - (sign_out[1] + sign_out[3]) / 2) < 4
