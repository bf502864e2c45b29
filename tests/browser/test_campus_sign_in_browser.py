"""A student and a staff member sign in through the campus provider's own login page in
Chromium: the account made carries their affiliation and department, and a contest asking
for campus sign-in takes the student's entry only once she has signed in through the campus."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from contest.accounts.campus.providers import Provider
from contest.contests.phases import Phase
from contest.core.db import Database
from contest.core.security import Passwords
from tests.browser.conftest import PHONE, LiveSite, NewContext, run_in_own_thread
from tests.browser.test_organizer_journey import horizontal_overflow, sign_in
from tests.browser.test_rounds_browser import DESKTOP
from tests.conftest import FakeClock
from tests.factories import add_account, add_contest
from tests.oidc.provider import PASSWORD as CAMPUS_PASSWORD
from tests.oidc.provider import OidcProvider

pytestmark = pytest.mark.browser


@pytest.fixture
def live_clock() -> Callable[[], datetime]:
    """The real time: the provider's tokens carry it."""
    return FakeClock(datetime.now(UTC))


@pytest.fixture
def live_campus_providers(oidc_provider: OidcProvider) -> tuple[Provider, ...]:
    return (oidc_provider.as_campus("HKU Portal"),)


def campus_sign_in(page: Page, username: str) -> None:
    """Press the campus button and sign in on the provider's own page."""
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in with HKU Portal").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(CAMPUS_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.mark.parametrize(
    ("username", "size", "affiliation", "department"),
    [("student", "phone", "student", "HISTORY"), ("staff", "desktop", "staff", "LIBRARY")],
)
def test_a_campus_member_signs_in_through_the_providers_page(
    username: str,
    size: str,
    affiliation: str,
    department: str,
    live_site: LiveSite,
    new_context: NewContext,
) -> None:
    page = new_context(**(PHONE if size == "phone" else DESKTOP)).new_page()
    page.goto("/sign-in")
    page.screenshot(path=f"/tmp/campus-sign-in-{size}.png", full_page=True)  # noqa: S108
    assert horizontal_overflow(page) <= 0
    campus_sign_in(page, username)
    [user] = live_site.rows(
        "SELECT users.* FROM users JOIN campus_identities ON campus_identities.user_id = users.id"
    )
    assert (user["affiliation"], user["department"], user["role"]) == (
        affiliation,
        department,
        "participant",
    )
    page.goto("/account")
    expect(page.get_by_text(f"{username}@campus.example")).to_be_visible()


def test_a_contest_asking_for_campus_sign_in_takes_the_entry_once_she_signed_in_through_it(
    live_site: LiveSite, new_context: NewContext
) -> None:
    async def seed() -> str:
        db = await Database.open(live_site.config.database)
        try:
            contest = await add_contest(
                db, Phase.SUBMISSIONS, now=live_site.clock(), campus_sign_in_for="entering"
            )
            await add_account(
                db, Passwords(fast=True), email="student@campus.example", name="Mei Lin"
            )
            return contest.slug
        finally:
            await db.close()

    slug = run_in_own_thread(seed())
    page = new_context(**PHONE).new_page()
    sign_in(page, "student@campus.example")
    page.goto(f"/contests/{slug}")
    expect(page.get_by_text("Entering needs your campus account")).to_be_visible()
    page.goto(f"/contests/{slug}/enter")
    expect(page.get_by_text("asks entrants to sign in with their campus account")).to_be_visible()

    campus_sign_in(page, "student")
    page.goto(f"/contests/{slug}/enter")
    expect(page.get_by_role("button", name="Submit my photo")).to_be_visible()
    page.screenshot(path="/tmp/campus-enter-phone.png", full_page=True)  # noqa: S108
    assert len(live_site.rows("SELECT id FROM users WHERE email = 'student@campus.example'")) == 1


def test_signing_out_offers_the_campus_sign_out_too(
    live_site: LiveSite, new_context: NewContext
) -> None:
    page = new_context(**DESKTOP).new_page()
    campus_sign_in(page, "student")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You are signed out")).to_be_visible()
    page.screenshot(path="/tmp/campus-signed-out-desktop.png", full_page=True)  # noqa: S108
    page.get_by_role("link", name="Sign out of HKU Portal too").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page.get_by_role("heading", name="You are signed out")).to_be_visible()
    assert page.url.startswith(f"{live_site.url}/signed-out")
    assert Path("/tmp/campus-signed-out-desktop.png").exists()  # noqa: S108
