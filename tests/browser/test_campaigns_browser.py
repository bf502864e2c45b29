"""Campaign mail in a real Chromium on a phone, without JavaScript: upload, preview, send."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ORGANIZER_EMAIL, PHONE, LiveSite, NewContext
from tests.browser.test_organizer_journey import fill_contest_basics, horizontal_overflow, sign_in

pytestmark = pytest.mark.browser

CSV = (
    b"name,email\n"
    b"Pat Lee,pat@uni.edu\n"
    b"Sam Wu,sam@uni\n"
    b"Pat Again,pat+photos@uni.edu\n"
    b"Kim Ho,kim@uni.edu\n"
)


def test_organizer_uploads_a_list_previews_tests_and_sends_from_a_phone(
    live_site: LiveSite, new_context: NewContext
) -> None:
    page = new_context(**PHONE, java_script_enabled=False).new_page()
    sign_in(page)
    page.goto("/manage/contests/new")
    fill_contest_basics(page)
    page.get_by_label("Published: visible to everyone").check()
    page.get_by_role("button", name="Create the contest").click()

    page.goto("/manage")
    page.get_by_role("link", name="Mail").click()
    expect(page.get_by_text("No SMTP configured: messages wait in the")).to_be_visible()
    page.get_by_role("link", name="Invite people").click()
    page.get_by_label("CSV or text file").set_input_files(
        {"name": "students.csv", "mimeType": "text/csv", "buffer": CSV}
    )
    page.get_by_role("button", name="Preview").click()

    expect(page.locator("pre.mail-body")).to_contain_text("Hello Pat Lee,")
    bad_rows = page.locator("section", has=page.get_by_role("heading", name="Bad rows (2)"))
    expect(bad_rows.get_by_role("row").nth(1)).to_contain_text("not a valid email address")
    expect(bad_rows.get_by_role("row").nth(2)).to_contain_text("duplicate of line 2")
    assert horizontal_overflow(page) <= 0

    page.get_by_role("button", name=f"Send a test to me ({ORGANIZER_EMAIL})").click()
    expect(
        page.get_by_text(f"A test message to {ORGANIZER_EMAIL} is in the outbox")
    ).to_be_visible()
    page.get_by_role("button", name="Send to 2 recipients").click()
    expect(page.get_by_text("Sent: the messages are in the outbox")).to_be_visible()
    expect(page.get_by_text("2 waiting in the outbox", exact=True)).to_be_visible()

    mails = live_site.rows("SELECT recipient, subject, body FROM outbox ORDER BY id")
    assert [(m["recipient"], m["subject"][:7]) for m in mails] == [
        (ORGANIZER_EMAIL, "[Test] "),
        ("pat@uni.edu", "Take pa"),
        ("kim@uni.edu", "Take pa"),
    ]
    link = re.search(r"http://\S+/unsubscribe/\S+", mails[1]["body"])
    assert link is not None and link.group().startswith(live_site.url)

    reader = new_context(**PHONE, java_script_enabled=False).new_page()  # Pat, not signed in
    reader.goto(link.group())
    reader.get_by_role("button", name="Unsubscribe").click()
    expect(reader.get_by_text("will receive no more contest announcements")).to_be_visible()
    assert live_site.rows("SELECT mailbox FROM unsubscribes") == [{"mailbox": "pat@uni.edu"}]
