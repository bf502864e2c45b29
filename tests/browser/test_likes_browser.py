"""People's Choice in a real browser: like without a reload, survive a reload, never count twice."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from contest.clock import utcnow
from contest.db import Database
from contest.demo import JUDGING_ENTRIES, JUDGING_SLUG, seed_demo
from contest.security import Passwords
from contest.storage import LocalStorage
from tests.browser.conftest import PHONE, LiveSite, NewContext, run_in_own_thread

pytestmark = pytest.mark.browser
#: The demo student's own photo in the judging contest: authors are anonymous until judging
#: closes, so the test tells it by its title.
SAMS_PHOTO = next(title for email, title, *_ in JUDGING_ENTRIES if email == "student@example.edu")


async def _seed(site: LiveSite) -> None:
    db = await Database.open(site.config.database)
    try:
        await seed_demo(
            db, Passwords(fast=True), LocalStorage(site.config.media), now=utcnow(), tz_name="UTC"
        )
    finally:
        await db.close()


def _sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_like_updates_at_once_survives_reload_and_never_double_counts(
    live_site: LiveSite, new_context: NewContext
) -> None:
    run_in_own_thread(_seed(live_site))
    page = new_context(**PHONE).new_page()
    _sign_in(page, "student@example.edu", "student-demo")
    page.goto(f"/contests/{JUDGING_SLUG}/gallery")
    card = page.locator(".photo-card").filter(has_not_text=SAMS_PHOTO).first
    entry_id = int((card.get_attribute("id") or "").removeprefix("entry-"))
    page.evaluate("window.notReloaded = true")
    # The page shows the like before the server answers; reloading before the answer could
    # beat the like itself, so wait for it (a test of the reload, not of that race).
    with page.expect_response(lambda response: response.url.endswith("/like")):
        card.get_by_role("button", name="Like").click()
    expect(card.locator("[data-like-count]")).to_have_text("1 like")
    expect(card.locator(".like-button")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.notReloaded === true")  # no navigation happened

    page.reload()
    card = page.locator(f"#entry-{entry_id}")
    expect(card.locator("[data-like-count]")).to_have_text("1 like")
    expect(card.locator(".like-button")).to_have_attribute("aria-pressed", "true")

    # A stale page replays the like: the count must not move.
    page.evaluate(
        """id => {
            const form = document.querySelector(`#entry-${id} form`);
            const url = form.getAttribute("action");
            form.querySelector("input[name=action]").value = "like";
            return fetch(url, {method: "POST", body: new FormData(form),
                                       headers: {Accept: "application/json"}}).then(r => r.json());
        }""",
        entry_id,
    )
    page.reload()
    expect(page.locator(f"#entry-{entry_id} [data-like-count]")).to_have_text("1 like")
    rows = live_site.rows("SELECT count(*) AS n FROM likes WHERE entry_id = ?", (entry_id,))
    assert rows == [{"n": 1}]
    events = live_site.rows("SELECT action FROM like_events WHERE entry_id = ?", (entry_id,))
    assert [e["action"] for e in events] == ["like"]


def test_like_works_as_a_plain_form_without_javascript(
    live_site: LiveSite, new_context: NewContext
) -> None:
    run_in_own_thread(_seed(live_site))
    page = new_context(java_script_enabled=False).new_page()
    _sign_in(page, "student@example.edu", "student-demo")
    page.goto(f"/contests/{JUDGING_SLUG}/gallery?page=1")
    card = page.locator(".photo-card").filter(has_not_text=SAMS_PHOTO).first
    entry_id = card.get_attribute("id")
    card.get_by_role("button", name="Like").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"#{entry_id}")
    expect(page.locator(f"#{entry_id} [data-like-count]")).to_have_text("1 like")
    expect(page.locator(f"#{entry_id} .like-button")).to_have_attribute("aria-pressed", "true")
