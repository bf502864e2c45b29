"""People's Choice in a real browser: like without a reload, survive a reload, never count twice."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from contest.contests.phases import Phase
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from tests.browser.conftest import PASSWORD, PHONE, LiveSite, NewContext, run_in_own_thread
from tests.conftest import FakeClock
from tests.factories import add_account, add_contest, add_entry, add_like

pytestmark = pytest.mark.browser
STUDENT = "sam.student@uni.edu"
#: Sam's own photo: authors are anonymous until judging closes, so the test tells it by its
#: title.
SAMS_PHOTO = "First light on the steps"
PHOTOS = (
    (STUDENT, SAMS_PHOTO),
    ("maya@uni.edu", "Moon above the dome"),
    ("maya@uni.edu", "Stars and study lamps"),
    ("leo@uni.edu", "Blue hour at the entrance"),
    ("leo@uni.edu", "Golden facade"),
)


@pytest.fixture
def live_clock() -> FakeClock:
    """The live site runs on the tests' fixed clock."""
    return FakeClock()


async def _seed(site: LiveSite) -> str:
    """A contest in its voting phase with photos by Sam and two others, some liked already
    (one of them by Sam); its slug."""
    now, passwords = site.clock(), Passwords(fast=True)
    db = await Database.open(site.config.database)
    try:
        contest = await add_contest(db, Phase.VOTING, now=now)
        moderator = await add_account(db, passwords, email="mo@uni.edu", role="organizer", now=now)
        authors = {
            email: await add_account(db, passwords, email=email, now=now)
            for email in dict.fromkeys(email for email, _ in PHOTOS)
        }
        storage = LocalStorage(site.config.media)
        entries = [
            await add_entry(
                db, storage, contest, authors[email], title=title, moderator=moderator, now=now
            )
            for email, title in PHOTOS
        ]
        fan = await add_account(db, passwords, email="fan@uni.edu", now=now)
        for entry in entries[:3]:  # likes of their own
            await add_like(db, contest, entry, fan, now=now)
        await add_like(db, contest, entries[1], authors[STUDENT], now=now)
    finally:
        await db.close()
    return contest.slug


def _sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def _unliked_card(page: Page) -> Locator:
    """A photo Sam may like and has not liked yet (the contest has likes of its own)."""
    return (
        page.locator(".photo-card")
        .filter(has_not_text=SAMS_PHOTO)
        .filter(has=page.locator(".like-button[aria-pressed=false]"))
        .first
    )


def _likes(text: str) -> int:
    """The number in a like count such as "3 likes"."""
    return int(text.split()[0])


def _count_text(count: int) -> str:
    return "1 like" if count == 1 else f"{count} likes"


def test_like_updates_at_once_survives_reload_and_never_double_counts(
    live_site: LiveSite, new_context: NewContext
) -> None:
    slug = run_in_own_thread(_seed(live_site))
    page = new_context(**PHONE).new_page()
    _sign_in(page, STUDENT, PASSWORD)
    page.goto(f"/contests/{slug}/gallery")
    card = _unliked_card(page)
    entry_id = int((card.get_attribute("id") or "").removeprefix("entry-"))
    card = page.locator(f"#entry-{entry_id}")
    liked = _count_text(_likes(card.locator("[data-like-count]").inner_text()) + 1)
    page.evaluate("window.notReloaded = true")
    # The page shows the like before the server answers; reloading before the answer could
    # beat the like itself, so wait for it (a test of the reload, not of that race).
    with page.expect_response(lambda response: response.url.endswith("/like")) as answer:
        card.get_by_role("button", name="Like").click()
    sent = answer.value.request
    assert sent.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert "action=like" in (sent.post_data or "")
    expect(card.locator("[data-like-count]")).to_have_text(liked)
    expect(card.locator(".like-button")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.notReloaded === true")  # no navigation happened

    page.reload()
    card = page.locator(f"#entry-{entry_id}")
    expect(card.locator("[data-like-count]")).to_have_text(liked)
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
    expect(page.locator(f"#entry-{entry_id} [data-like-count]")).to_have_text(liked)
    student = "(SELECT id FROM users WHERE email = ?)"
    rows = live_site.rows(
        f"SELECT count(*) AS n FROM likes WHERE entry_id = ? AND user_id = {student}",
        (entry_id, STUDENT),
    )
    assert rows == [{"n": 1}]
    events = live_site.rows(
        "SELECT action FROM like_events WHERE entry_id = ? AND voter IN"
        f" (SELECT voter FROM likes WHERE user_id = {student})",
        (entry_id, STUDENT),
    )
    assert [e["action"] for e in events] == ["like"]


def test_like_works_as_a_plain_form_without_javascript(
    live_site: LiveSite, new_context: NewContext
) -> None:
    slug = run_in_own_thread(_seed(live_site))
    page = new_context(java_script_enabled=False).new_page()
    _sign_in(page, STUDENT, PASSWORD)
    page.goto(f"/contests/{slug}/gallery?page=1")
    card = _unliked_card(page)
    entry_id = card.get_attribute("id")
    liked = _count_text(_likes(card.locator("[data-like-count]").inner_text()) + 1)
    card.get_by_role("button", name="Like").click()
    # The form posts and the answer sends the browser back to the card: wait for that page,
    # not for the load state, which the old page already has.
    page.wait_for_url(f"**#{entry_id}")
    expect(page.locator(f"#{entry_id} [data-like-count]")).to_have_text(liked)
    expect(page.locator(f"#{entry_id} .like-button")).to_have_attribute("aria-pressed", "true")


def test_buttons_that_need_a_script_stay_hidden_without_one(
    live_site: LiveSite, new_context: NewContext
) -> None:
    slug = run_in_own_thread(_seed(live_site))
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"/contests/{slug}/gallery?page=1")
    entry = _unliked_card(page).get_attribute("id") or ""
    page.goto(f"/entries/{entry.removeprefix('entry-')}")
    # Copy link and the system share sheet need the script; the share links work without.
    expect(page.get_by_role("button", name="Copy link")).to_be_hidden()
    expect(page.get_by_role("button", name="Share…")).to_be_hidden()
