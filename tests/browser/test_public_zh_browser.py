"""A Hong Kong reader likes a photo in the gallery on a phone: the button, the count and the
screen reader's announcement stay in Traditional Chinese after the script updates them."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from contest.contests.phases import Phase
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from tests.browser.conftest import PHONE, LiveSite, NewContext, run_in_own_thread
from tests.factories import add_account, add_contest, add_entry


async def _device_gallery(site: LiveSite) -> str:
    """A contest whose device voting is open, with one approved photo; its gallery."""
    db = await Database.open(site.config.database)
    passwords, now = Passwords(fast=True), site.clock()
    try:
        contest = await add_contest(db, Phase.VOTING, now=now, voting_mode="device")
        organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
        maya = await add_account(db, passwords, email="maya@uni.edu", name="Maya")
        storage = LocalStorage(site.config.media)
        await add_entry(db, storage, contest, maya, title="夜读", moderator=organizer)
        return f"/contests/{contest.slug}/gallery"
    finally:
        await db.close()


def test_a_like_in_the_chinese_gallery_is_told_in_chinese(
    live_site: LiveSite, new_context: NewContext
) -> None:
    gallery = run_in_own_thread(_device_gallery(live_site))
    page = new_context(**PHONE, extra_http_headers={"Accept-Language": "zh-HK"}).new_page()
    page.goto(gallery)
    card = page.locator(".photo-card").first
    expect(card.locator("[data-like-count]")).to_have_text("0 個讚")

    card.get_by_role("button", name="讚好").click()

    status = card.locator("[data-like-status]")
    expect(status).to_have_text(re.compile(r"^已讚好。(現時有 1 個讚。)?$"))
    expect(card.get_by_role("button", name="已讚好")).to_be_visible()
    expect(card.locator("[data-like-count]")).to_have_text("1 個讚")
    assert live_site.rows("SELECT count(*) AS n FROM likes")[0]["n"] == 1
