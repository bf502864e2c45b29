"""Inviting judges from a pasted list in Chromium: the preview names bad rows, then a fixed
list is sent on confirmation; voters stand apart on the People page."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from contest.contests.phases import Phase
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from tests.browser.conftest import PHONE, LiveSite, NewContext
from tests.browser.test_organizer_journey import horizontal_overflow, sign_in
from tests.browser.test_participant_and_judge import seed
from tests.factories import add_account, add_contest

DESKTOP: dict[str, Any] = {"viewport": {"width": 1366, "height": 900}}
#: Set to a folder to keep screenshots of each step (for looking at the pages by eye).
SHOTS = os.environ.get("CONTEST_SHOTS", "")


async def _contest_and_voter(db: Database, storage: LocalStorage, *, now: datetime) -> int:
    await add_account(db, Passwords(fast=True), email="reader@uni.edu", name="Rae Reader", now=now)
    contest = await add_contest(db, Phase.SUBMISSIONS, now=now, title="Day & Night")
    return contest.id


def _shot(page: Page, name: str, size: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{size}.png"), full_page=True)


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_pasted_judge_list_is_previewed_fixed_and_sent(
    live_site: LiveSite, new_context: NewContext, screen: dict[str, Any]
) -> None:
    size = "phone" if screen is PHONE else "desktop"
    contest_id = seed(live_site, _contest_and_voter)
    page = new_context(**screen).new_page()
    sign_in(page)
    page.goto(f"/manage/contests/{contest_id}/judges")
    page.get_by_role("link", name="Invite several judges from a CSV file").click()
    _shot(page, "bulk-form", size)
    pasted = page.get_by_label("Or paste the list")
    pasted.fill("Nia New, nia@uni.edu\nbroken@\nRae Reader, reader@uni.edu\n")
    page.get_by_role("button", name="Preview the invitations").click()
    bad = page.locator("#bad-rows tbody tr")
    expect(bad).to_have_count(1)
    expect(bad.first).to_contain_text("not a valid email address")
    expect(page.get_by_role("button", name="Send to")).to_have_count(0)
    assert horizontal_overflow(page) <= 0
    _shot(page, "bulk-preview-bad", size)
    assert live_site.rows("SELECT count(*) AS n FROM outbox")[0]["n"] == 0

    page.get_by_role("link", name="Start again with another list").click()
    page.get_by_label("Or paste the list").fill(
        "Nia New, nia@uni.edu\nRae Reader, reader@uni.edu\n"
    )
    page.get_by_role("button", name="Preview the invitations").click()
    expect(page.locator("#good-rows")).to_contain_text("becomes a judge")
    _shot(page, "bulk-preview-good", size)
    page.get_by_role("button", name="Send to 2 people").click()
    expect(page.get_by_text("Done: the list is sent")).to_be_visible()
    expect(page.get_by_text("Rae Reader")).to_be_visible()
    _shot(page, "bulk-sent", size)
    sent = live_site.rows("SELECT recipient FROM outbox ORDER BY id")
    assert [row["recipient"] for row in sent] == ["nia@uni.edu", "reader@uni.edu"]

    page.goto("/manage/people")
    expect(page.get_by_role("heading", name="Voters (0)")).to_be_visible()
    assert horizontal_overflow(page) <= 0
    _shot(page, "people", size)


def test_an_invited_participant_finds_their_name_ready_and_arrives_signed_in(
    live_site: LiveSite, new_context: NewContext
) -> None:
    seed(live_site, _contest_and_voter)
    organizer = new_context(**DESKTOP).new_page()
    sign_in(organizer)
    organizer.goto("/manage/people")
    organizer.get_by_role("link", name="Invite participants from a CSV file").click()
    organizer.get_by_label("Or paste the list").fill(
        "Ana Ng, ana@uni.edu, ARCH\nRae Reader, reader@uni.edu\n"
    )
    organizer.get_by_role("button", name="Preview the invitations").click()
    expect(organizer.locator("#good-rows")).to_contain_text("already has an account")
    _shot(organizer, "participants-preview", "desktop")
    organizer.get_by_role("button", name="Send to 1 person").click()
    expect(organizer.get_by_text("Done: the invitations are queued")).to_be_visible()

    [mail] = live_site.rows("SELECT body FROM outbox WHERE recipient = 'ana@uni.edu'")
    link = next(word for word in mail["body"].split() if "/invitations/" in word)
    page = new_context(**PHONE).new_page()
    page.goto(link)
    expect(page.get_by_label("Your name")).to_have_value("Ana Ng")
    expect(page.get_by_label("You are")).to_have_value("student")
    _shot(page, "participant-accept", "phone")
    page.get_by_label("Choose a password").fill("a long password")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    [ana] = live_site.rows(
        "SELECT role, department, email_verified_at FROM users WHERE email = 'ana@uni.edu'"
    )
    assert ana["role"] == "participant" and ana["department"] == "ARCH"
    assert ana["email_verified_at"] is not None
