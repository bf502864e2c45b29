"""Likes from elsewhere in Chromium: an organizer on a phone types a Facebook reading for an
entry and sees it beside the likes here; a CSV file with a bad line lists it by number; the
page never scrolls sideways."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from contest.accounts.users import User, get_user_row
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from tests.browser.conftest import (
    ORGANIZER_EMAIL,
    PHONE,
    LiveSite,
    NewContext,
    run_in_own_thread,
)
from tests.browser.test_organizer_journey import sign_in
from tests.factories import add_account, add_contest, add_entry

pytestmark = pytest.mark.browser
TITLES = ("Lamplight on the stacks", "First light on the steps", "Rain on the skylight")


async def _seed(site: LiveSite) -> tuple[int, list[int]]:
    """A contest in voting, counting Facebook likes for People's Choice, with three entries."""
    db = await Database.open(site.config.database)
    passwords, storage, now = (
        Passwords(fast=True),
        LocalStorage(Path(site.config.media)),
        site.clock(),
    )
    try:
        contest = await add_contest(
            db,
            "judging_and_voting",
            now=now,
            external_network="Facebook",
            peoples_choice_basis="external",
        )
        organizer = await db.fetch_value("SELECT id FROM users WHERE email = ?", (ORGANIZER_EMAIL,))
        moderator = User.from_row(await get_user_row(db, organizer))
        author = await add_account(db, passwords, email="ann@uni.edu", name="Ann Author")
        ids = [
            await add_entry(db, storage, contest, author, title=title, moderator=moderator, now=now)
            for title in TITLES
        ]
        return contest.id, ids
    finally:
        await db.close()


def _no_sideways_scroll(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(
    "size", [PHONE, {"viewport": {"width": 1366, "height": 900}}], ids=["phone", "desktop"]
)
def test_an_organizer_records_a_reading_and_sees_it_beside_the_likes_here(
    live_site: LiveSite, new_context: NewContext, size: dict[str, object]
) -> None:
    contest_id, ids = run_in_own_thread(_seed(live_site))
    page = new_context(**size).new_page()
    width = page.viewport_size["width"] if page.viewport_size else 0
    sign_in(page)
    page.goto(f"/manage/contests/{contest_id}/results")
    page.get_by_role("link", name="Likes from elsewhere").click()
    expect(page.get_by_role("heading", name="Likes from elsewhere", exact=False)).to_be_visible()
    expect(page.locator("#basis")).to_contain_text("Most Facebook likes")
    _no_sideways_scroll(page, width)
    row = page.locator(f"#entry-{ids[1]}")
    read_at = row.get_by_label("Read at").bounding_box()
    assert read_at is not None and read_at["width"] >= 190, read_at  # was "12/0" on a phone
    row.get_by_label("Likes").fill("-5")
    row.get_by_role("button", name="Record").click()
    expect(page.locator(f"#likes-{ids[1]}-error")).to_have_text(
        "A count of likes cannot be negative."
    )
    row = page.locator(f"#entry-{ids[1]}")
    expect(row.get_by_label("Likes")).to_have_value("-5")
    row.get_by_label("Likes").fill("1204")
    row.get_by_role("button", name="Record").click()
    expect(page.get_by_role("status")).to_contain_text("the reading is recorded")
    expect(page.locator(f"#entry-{ids[1]}")).to_contain_text("1,204")
    expect(page.locator(f"#entry-{ids[1]}")).to_contain_text("by Olive Organizer")
    _no_sideways_scroll(page, width)
    assert [r["likes"] for r in live_site.rows("SELECT likes FROM external_like_readings")] == [
        1204
    ]


def test_a_csv_file_with_a_bad_line_is_refused_line_by_line(
    live_site: LiveSite, new_context: NewContext, tmp_path: Path
) -> None:
    contest_id, ids = run_in_own_thread(_seed(live_site))
    page = new_context(**PHONE).new_page()
    sign_in(page)
    page.goto(f"/manage/contests/{contest_id}/likes-elsewhere")
    csv_file = tmp_path / "facebook.csv"
    csv_file.write_text(f"entry,likes\n{ids[0]},40\n{ids[2]},many\n", encoding="utf-8")
    page.get_by_label("CSV file", exact=True).set_input_files(str(csv_file))
    page.get_by_role("button", name="Import").click()
    lines = page.get_by_role("table").filter(has_text="Lines to fix")
    expect(lines).to_contain_text("whole number")
    expect(lines.locator("td").first).to_have_text("3")
    _no_sideways_scroll(page, 390)
    assert live_site.rows("SELECT * FROM external_like_readings") == []
