"""Lists saved by Excel on Chinese Windows, in Chromium: the organizer sees how the file was
read, reads it another way without choosing the file again, and the names are kept as shown."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
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

DESKTOP: dict[str, Any] = {"viewport": {"width": 1366, "height": 900}}
SHOTS = os.environ.get("CONTEST_SHOTS", "")
BIG5 = "name,email\n陳大文,chan@uni.edu\n張偉,cheung@uni.edu\n".encode("cp950")
GB18030 = "name,email\n李明,li.ming@uni.edu\n王芳,wang.fang@uni.edu\n".encode("gb18030")


async def _contest(db: Database, storage: LocalStorage, *, now: datetime) -> int:
    return (await add_contest(db, Phase.SUBMISSIONS, now=now, title="Night reading")).id


def _shot(page: Page, name: str, size: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{size}.png"), full_page=True)


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_big5_participant_list_can_be_read_another_way_and_is_sent_as_shown(
    live_site: LiveSite, new_context: NewContext, screen: dict[str, Any]
) -> None:
    size = "phone" if screen is PHONE else "desktop"
    page = new_context(**screen).new_page()
    sign_in(page)
    page.goto("/manage/people/invite")
    page.get_by_label("CSV or text file").set_input_files(
        {"name": "hk.csv", "mimeType": "text/csv", "buffer": BIG5}
    )
    page.get_by_role("button", name="Preview the invitations").click()
    reading = page.locator("#encoding")
    expect(reading).to_contain_text("Read as Chinese (Traditional, Big5): 陳大文 · 張偉")
    expect(page.locator("#good-rows")).to_contain_text("陳大文")
    assert horizontal_overflow(page) <= 0
    _shot(page, "bulk-big5", size)
    page.get_by_role("button", name="Read as Chinese (Simplified, GB18030) instead").click()
    expect(page.locator("#encoding")).to_contain_text("Read as Chinese (Simplified, GB18030)")
    expect(page.locator("#good-rows")).not_to_contain_text("陳大文")
    page.get_by_role("button", name="Read as Chinese (Traditional, Big5) instead").click()
    page.get_by_role("button", name="Send to 2 people").click()
    names = live_site.rows("SELECT display_name FROM invitations ORDER BY id")
    assert [row["display_name"] for row in names] == ["陳大文", "張偉"]


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_gb18030_campaign_list_is_confirmed_then_stored_in_chinese(
    live_site: LiveSite, new_context: NewContext, screen: dict[str, Any]
) -> None:
    size = "phone" if screen is PHONE else "desktop"
    contest_id = seed(live_site, _contest)
    page = new_context(**screen).new_page()
    sign_in(page)
    page.goto(f"/manage/contests/{contest_id}/campaigns/new")
    page.get_by_label("CSV or text file").set_input_files(
        {"name": "sh.csv", "mimeType": "text/csv", "buffer": GB18030}
    )
    page.get_by_role("button", name="Preview").click()
    choice = page.get_by_label("Read as Chinese (Simplified, GB18030): 李明 · 王芳")
    expect(choice).to_be_checked()
    assert horizontal_overflow(page) <= 0
    page.locator("#encoding").scroll_into_view_if_needed()
    _shot(page, "campaign-gb18030", size)
    assert live_site.rows("SELECT count(*) AS n FROM campaigns")[0]["n"] == 0
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("Hello 李明,")).to_be_visible()
    names = live_site.rows("SELECT name FROM campaign_recipients ORDER BY id")
    assert [row["name"] for row in names] == ["李明", "王芳"]
