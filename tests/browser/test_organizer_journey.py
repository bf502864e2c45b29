"""An organizer's first contest, clicked through in a real Chromium: on a phone, and without JS."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ORGANIZER_EMAIL, PASSWORD, PHONE, LiveSite, NewContext

pytestmark = pytest.mark.browser

TITLE = "Day & Night at the Library"
HASHTAG = "#DayAndNight"
JUDGE_EMAIL = "jo.judge@uni.edu"
JUDGE_NAME = "Jo Judge"
JUDGES_PAGE = re.compile(r"/manage/contests/\d+/judges$")


def sign_in(page: Page, email: str = ORGANIZER_EMAIL, password: str = PASSWORD) -> None:
    """Sign in through the form and wait until the header offers to sign out."""
    page.goto("/sign-in")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def fill_contest_basics(page: Page) -> None:
    """Type a title and hashtag on the contest form, keeping its prefilled calendar and rubric."""
    expect(page.get_by_role("heading", name="Create a contest")).to_be_visible()
    page.get_by_role("textbox", name="Title", exact=True).fill(TITLE)
    page.get_by_label("Official hashtag").fill(HASHTAG)


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the screen (0 or less: no sideways scroll).

    On a mobile viewport Chromium widens ``window.innerWidth`` to fit content that overflows,
    so ``scrollWidth <= innerWidth`` always holds there; the root's ``clientWidth`` stays put.
    """
    overflow: int = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return overflow


def test_organizer_creates_a_contest_and_invites_a_judge_from_a_phone(
    live_site: LiveSite, new_context: NewContext
) -> None:
    page = new_context(**PHONE).new_page()
    sign_in(page)
    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("link", name="Manage").click()
    page.get_by_role("link", name="Create a contest").click()
    fill_contest_basics(page)
    page.get_by_label("Published: visible to everyone").check()
    page.get_by_role("button", name="Create the contest").click()

    expect(page).to_have_url(JUDGES_PAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Judges of “{TITLE}”")
    page.get_by_label("Judge's email").fill(JUDGE_EMAIL)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text(f"{JUDGE_EMAIL} · waiting")).to_be_visible()

    menu.get_by_role("link", name="Outbox").click()
    mail = page.locator("article.message").filter(has_text=f"To {JUDGE_EMAIL}")
    expect(mail.get_by_role("heading")).to_have_text(f"Invitation to judge {TITLE}")
    expect(mail).to_contain_text(f"private link for {JUDGE_EMAIL}")  # not shown to organizers
    expect(mail.locator("pre")).to_have_count(0)
    [body] = live_site.rows("SELECT body FROM outbox WHERE recipient = ?", (JUDGE_EMAIL,))
    link = re.search(r"\S+/invitations/\S+", body["body"])  # as the judge's mailbox has it
    assert link is not None and link.group().startswith(live_site.url + "/invitations/")

    judge = new_context(**PHONE).new_page()  # the judge's own phone: not signed in
    judge.goto(link.group())
    expect(judge.get_by_role("heading", name="Welcome aboard")).to_be_visible()
    expect(judge.get_by_text(TITLE)).to_be_visible()
    judge.get_by_label("Your name").fill(JUDGE_NAME)
    judge.get_by_label("Choose a password").fill("judging is fun 2026")
    judge.get_by_role("button", name="Create my account").click()
    expect(judge.get_by_role("link", name=JUDGE_NAME)).to_be_visible()
    expect(judge.get_by_role("button", name="Sign out")).to_be_visible()

    [contest] = live_site.rows("SELECT id, is_published, hashtag FROM contests")
    assert contest["is_published"] == 1 and contest["hashtag"] == HASHTAG.lstrip("#")
    [invitation] = live_site.rows("SELECT contest_id, accepted_at FROM invitations")
    assert invitation["contest_id"] == contest["id"] and invitation["accepted_at"] is not None
    panel = live_site.rows(
        "SELECT users.email, users.display_name, users.role FROM contest_judges"
        " JOIN users ON users.id = contest_judges.user_id WHERE contest_id = ?",
        (contest["id"],),
    )
    assert panel == [{"email": JUDGE_EMAIL, "display_name": JUDGE_NAME, "role": "judge"}]


def test_signing_in_and_creating_a_contest_need_no_javascript(
    live_site: LiveSite, new_context: NewContext
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page)
    page.goto("/manage/contests/new")
    fill_contest_basics(page)
    page.get_by_role("button", name="Create the contest").click()

    expect(page).to_have_url(JUDGES_PAGE)
    assert live_site.rows("SELECT title, is_published FROM contests") == [
        {"title": TITLE, "is_published": 0}
    ]


def test_pages_fit_a_phone_screen_without_sideways_scrolling(
    live_site: LiveSite, new_context: NewContext
) -> None:
    page = new_context(**PHONE).new_page()
    overflowing: dict[str, int] = {}

    def check(path: str) -> None:
        page.goto(path)
        if (overflow := horizontal_overflow(page)) > 0:
            overflowing[path] = overflow

    check("/")
    check("/sign-in")
    sign_in(page)
    check("/")  # the signed-in header has more links
    check("/manage/contests/new")
    assert overflowing == {}, f"pixels of sideways scrolling at 390px wide: {overflowing}"


def test_a_bad_calendar_is_explained_beside_the_field_and_the_title_is_kept(
    live_site: LiveSite, new_context: NewContext
) -> None:
    page = new_context(**PHONE).new_page()
    sign_in(page)
    page.goto("/manage/contests/new")
    fill_contest_basics(page)
    opens = page.get_by_label("When public voting opens").input_value()
    voting_close = page.get_by_label("When public voting closes")
    voting_close.fill(f"{datetime.fromisoformat(opens) - timedelta(days=1):%Y-%m-%dT%H:%M}")
    page.get_by_role("button", name="Create the contest").click()

    message = "Voting must close after it opens."
    expect(page.get_by_role("alert")).to_contain_text("Please correct 1 field")
    field = page.locator(".field").filter(has=voting_close)
    expect(field.locator(".field-error")).to_have_text(message)
    expect(voting_close).to_have_attribute("aria-invalid", "true")
    expect(voting_close).to_have_accessible_description(re.compile(re.escape(message)))
    expect(page.get_by_role("textbox", name="Title", exact=True)).to_have_value(TITLE)
    assert live_site.rows("SELECT id FROM contests") == []
