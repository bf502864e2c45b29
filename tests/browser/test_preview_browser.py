"""Rehearsal in a real Chromium: an organizer on a phone previews the voting phase, sees the
banner without scrolling sideways, and stops it."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from playwright.sync_api import expect

from contest.contests.phases import Phase
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from tests.browser.conftest import PHONE, LiveSite, NewContext
from tests.browser.test_organizer_journey import horizontal_overflow, sign_in
from tests.browser.test_participant_and_judge import seed
from tests.factories import add_account, add_contest, add_entry

pytestmark = pytest.mark.browser


async def _contest(db: Database, storage: LocalStorage, *, now: datetime) -> tuple[int, str, int]:
    contest = await add_contest(
        db, Phase.SUBMISSIONS, now=now, title="Day & Night at the Library, a long title"
    )
    passwords = Passwords(fast=True)
    ann = await add_account(db, passwords, email="ann.preview@uni.edu", now=now)
    moderator = await add_account(
        db, passwords, email="moderator.preview@uni.edu", role="organizer", now=now
    )
    entry_id = await add_entry(db, storage, contest, ann, moderator=moderator, now=now)
    return contest.id, contest.slug, entry_id


def test_an_organizer_previews_voting_on_a_phone_and_stops(
    live_site: LiveSite, new_context: NewContext
) -> None:
    contest_id, slug, entry_id = seed(live_site, _contest)
    before = live_site.rows("SELECT * FROM contests")
    page = new_context(**PHONE).new_page()
    sign_in(page)
    page.goto(f"/manage/contests/{contest_id}/preview")
    assert horizontal_overflow(page) <= 0
    expect(page.get_by_role("link", name="← Back to Manage")).to_be_visible()
    page.get_by_role("button", name=re.compile("^During voting")).click()

    expect(page).to_have_url(re.compile(f"/contests/{slug}$"))
    banner = page.locator(".preview-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Preview: the site as it will look on")
    expect(banner).to_contain_text("(judging and voting)")
    expect(page.locator(".status")).to_contain_text("Voting is open")
    assert horizontal_overflow(page) <= 0
    box = banner.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.goto(f"/contests/{slug}/gallery")
    expect(page.locator(".preview-banner")).to_be_visible()
    assert horizontal_overflow(page) <= 0
    # A like would post at the real time (submissions): the button is off and says why.
    page.goto(f"/entries/{entry_id}")
    expect(page.locator(".voting-banner")).to_contain_text("likes are off in a preview")
    expect(page.locator(".like-button")).to_be_disabled()
    expect(page.locator(".like-note")).to_have_text("Likes are off in a preview")
    assert horizontal_overflow(page) <= 0

    page.get_by_role("button", name="Stop preview").click()
    expect(page.get_by_role("status").filter(has_text="the preview is over")).to_be_visible()
    expect(page.locator(".preview-banner")).to_have_count(0)
    expect(page.locator(".status")).to_contain_text("Submissions close")
    assert live_site.rows("SELECT * FROM contests") == before
