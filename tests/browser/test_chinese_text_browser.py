"""In a real Chromium: Chinese text people type, on a phone — a sign-up with reader@例子.中国 and
an entry titled 夜读 with #夜读, after 无标题 is refused with the photo kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, LiveSite, NewContext
from tests.browser.test_organizer_journey import sign_in
from tests.browser.test_participant_and_judge import (
    MY_ENTRIES,
    PARTICIPANT,
    _open_contest,
    fill_entry,
    open_entry_form,
    phone_photo,
    seed,
    submit,
)
from tests.conftest import FakeClock

pytestmark = pytest.mark.browser
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def live_clock() -> FakeClock:
    """The live site runs on the tests' fixed clock."""
    return FakeClock()


def shoot(page: Page, name: str) -> None:
    """A full-page screenshot into $SCREENSHOTS, when set (for a person to look at)."""
    if folder := os.environ.get("SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_reader_signs_up_with_a_chinese_domain(
    live_site: LiveSite, new_context: NewContext, size: str
) -> None:
    page = new_context(**(PHONE if size == "phone" else DESKTOP)).new_page()
    page.goto("/sign-up")
    page.get_by_label("Your name").fill("陳小明")
    page.get_by_label("Email").fill("reader@例子..中国")
    page.get_by_label("You are").select_option(label="Student")
    page.get_by_label("Password").fill("a good password")
    page.get_by_role("button", name="Create account").click()

    email = page.get_by_label("Email")
    error = page.locator(".field").filter(has=email).locator(".field-error")
    expect(error).to_contain_text("Enter an email address such as name@university.edu.")
    expect(page.get_by_label("Your name")).to_have_value("陳小明")
    shoot(page, f"sign-up-error-{size}")
    email.fill("reader@例子.中国")
    page.get_by_label("Password").fill("a good password")
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(f"{live_site.url}/sign-up/check-email")
    shoot(page, f"sign-up-done-{size}")
    assert live_site.rows("SELECT email, mailbox FROM users WHERE display_name = '陳小明'") == [
        {"email": "reader@例子.中国", "mailbox": "reader@xn--fsqu00a.xn--fiqs8s"}
    ]


def test_a_chinese_title_and_hashtag_go_through_after_a_placeholder_is_refused(
    live_site: LiveSite, new_context: NewContext, tmp_path: Path
) -> None:
    slug = seed(live_site, _open_contest)
    page = new_context(**PHONE).new_page()
    sign_in(page, PARTICIPANT.email)
    open_entry_form(page, slug)
    fill_entry(
        page,
        photo=phone_photo(tmp_path / "微信图片.jpg"),
        title="无标题",
        description="深夜的自修室。",
    )
    page.get_by_label("Hashtags").fill("#夜读，＃图书馆")  # noqa: RUF001 - a Chinese keyboard's
    submit(page)

    title = page.get_by_label("Title", exact=True)
    error = page.locator(".field").filter(has=title).locator(".field-error")
    expect(error).to_contain_text("“无标题” looks like a placeholder or a camera file name")
    expect(title).to_have_value("无标题")
    expect(page.get_by_label("Hashtags")).to_have_value("#夜读，＃图书馆")  # noqa: RUF001
    shoot(page, "entry-placeholder-refused-phone")
    title.fill("夜读")
    submit(page)

    expect(page).to_have_url(MY_ENTRIES)
    shoot(page, "entry-received-phone")
    [entry] = live_site.rows("SELECT id, title, alt_text FROM entries")
    assert (entry["title"], entry["alt_text"]) == ("夜读", "深夜的自修室。")
    tags = live_site.rows(
        "SELECT tag FROM entry_hashtags WHERE entry_id = ? ORDER BY position", (entry["id"],)
    )
    assert [row["tag"] for row in tags][1:] == ["夜读", "图书馆"]
