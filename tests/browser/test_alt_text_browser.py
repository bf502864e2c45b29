"""In a real Chromium: typing a description never fills the alt text, before or after a failed
upload, so an empty alt text gets the server's default without hashtags."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, LiveSite, NewContext
from tests.browser.test_organizer_journey import sign_in
from tests.browser.test_participant_and_judge import (
    MY_ENTRIES,
    _open_contest,
    fill_entry,
    open_entry_form,
    phone_photo,
    seed,
    submit,
)
from tests.conftest import FakeClock

pytestmark = pytest.mark.browser

EMAIL = "pat.participant@uni.edu"
DESCRIPTION = "Empty chairs under the lamps. #nightowl #quiet"


@pytest.fixture
def live_clock() -> FakeClock:
    """The live site runs on the tests' fixed clock."""
    return FakeClock()


def test_typing_a_description_leaves_the_alt_text_empty_even_after_a_failed_upload(
    live_site: LiveSite, new_context: NewContext, tmp_path: Path
) -> None:
    slug = seed(live_site, _open_contest)
    page = new_context(**PHONE).new_page()
    sign_in(page, EMAIL)
    open_entry_form(page, slug)
    photo = phone_photo(tmp_path / "IMG_1234.JPG")
    fill_entry(page, photo=photo, title="IMG_1234", description=DESCRIPTION)
    alt = page.get_by_label("Alt text for screen readers (optional)")
    page.get_by_label("Description", exact=True).press_sequentially(" more")
    expect(alt).to_have_value("")
    submit(page)

    expect(page.get_by_role("alert")).to_contain_text("Please correct 1 field")
    expect(page.get_by_label("Description", exact=True)).to_have_value(DESCRIPTION + " more")
    alt = page.get_by_label("Alt text for screen readers (optional)")
    expect(alt).to_have_value("")
    page.get_by_label("Description", exact=True).fill(DESCRIPTION)
    expect(alt).to_have_value("")
    page.get_by_label("Title", exact=True).fill("Chairs after closing")
    submit(page)

    expect(page).to_have_url(MY_ENTRIES)
    rows = live_site.rows("SELECT description, alt_text FROM entries")
    assert rows == [{"description": DESCRIPTION, "alt_text": "Empty chairs under the lamps."}]
