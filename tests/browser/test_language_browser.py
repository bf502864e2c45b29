"""The language switch in a real Chromium on a phone, with JavaScript off: a reader taps
繁體中文 in the header and the page comes back in Traditional Chinese, without sideways scroll."""

from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import expect

from contest.contests.phases import Phase
from contest.core.db import Database
from contest.core.storage import LocalStorage
from tests.browser.conftest import PHONE, LiveSite, NewContext
from tests.browser.test_organizer_journey import horizontal_overflow
from tests.browser.test_participant_and_judge import seed
from tests.factories import add_contest

pytestmark = pytest.mark.browser


async def _running_contest(db: Database, storage: LocalStorage, *, now: datetime) -> None:
    await add_contest(db, Phase.SUBMISSIONS, now=now, title="Night reading")


def test_a_reader_switches_to_traditional_chinese_from_the_header_without_javascript(
    live_site: LiveSite, new_context: NewContext
) -> None:
    seed(live_site, _running_contest)
    context = new_context(**PHONE, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_role("heading", name="Now running")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    switch = page.get_by_role("form", name="Language")
    expect(switch.locator('[aria-current="true"]')).to_have_text("English")

    switch.get_by_role("button", name="繁體中文").click()

    expect(page.get_by_role("heading", name="進行中的比賽")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "zh-Hant"
    assert page.url.endswith("/")
    expect(page.get_by_role("link", name="登入")).to_be_visible()
    expect(page.get_by_role("form", name="語言").locator('[aria-current="true"]')).to_have_text(
        "繁體中文"
    )
    assert horizontal_overflow(page) <= 0
    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    assert cookies["contest_language"]["value"] == "zh_Hant"
    assert cookies["contest_language"]["httpOnly"] is True
