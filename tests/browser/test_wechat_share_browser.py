"""WeChat sharing in a real Chromium: on a phone, without script, the WeChat option opens a QR
code of the photo's link that fits the screen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from playwright.sync_api import expect

from contest.contests.phases import Phase
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from tests.browser.conftest import PHONE, LiveSite, NewContext
from tests.browser.test_organizer_journey import horizontal_overflow
from tests.browser.test_participant_and_judge import seed
from tests.factories import add_account, add_contest, add_entry

pytestmark = pytest.mark.browser

DESKTOP: dict[str, Any] = {"viewport": {"width": 1366, "height": 900}}


async def _one_photo(db: Database, storage: LocalStorage, *, now: datetime) -> int:
    passwords = Passwords(fast=True)
    contest = await add_contest(db, Phase.JUDGING_AND_VOTING, now=now)
    ann = await add_account(db, passwords, email="ann@uni.edu", now=now)
    moderator = await add_account(db, passwords, email="mod@uni.edu", role="organizer", now=now)
    return await add_entry(
        db, storage, contest, ann, title="Stacks at dusk", moderator=moderator, now=now
    )


@pytest.mark.parametrize(
    ("screen", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")], ids=["phone", "desktop"]
)
def test_the_wechat_qr_code_opens_without_script_and_fits_the_screen(
    live_site: LiveSite, new_context: NewContext, screen: dict[str, Any], name: str
) -> None:
    entry = seed(live_site, _one_photo)
    page = new_context(**screen, java_script_enabled=False).new_page()
    page.goto(f"/entries/{entry}")
    qr = page.get_by_role("img", name="QR code of the link to this photo")
    expect(qr).to_be_hidden()

    page.locator("summary", has_text="WeChat").click()

    expect(qr).to_be_visible()
    expect(page.get_by_text("Scan with WeChat to share")).to_be_visible()
    qr.scroll_into_view_if_needed()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", qr.element_handle())
    box = qr.bounding_box()
    width = screen["viewport"]["width"]
    assert box is not None and box["width"] >= 150 and box["x"] >= 0
    assert box["x"] + box["width"] <= width
    assert horizontal_overflow(page) <= 0
