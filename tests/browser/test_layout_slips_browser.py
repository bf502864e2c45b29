"""Layout slips in a real Chromium: the entry form's radios sit by their words, and the People
page fits a phone without scrolling sideways."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from playwright.sync_api import expect

from contest.contests.phases import Phase
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from tests.browser.conftest import PHONE, LiveSite, NewContext
from tests.browser.test_organizer_journey import horizontal_overflow, sign_in
from tests.browser.test_participant_and_judge import seed
from tests.factories import add_account, add_contest

pytestmark = pytest.mark.browser

PASSWORDS = Passwords(fast=True)
PARTICIPANT = "rae.radio@uni.edu"
DESKTOP: dict[str, Any] = {"viewport": {"width": 1366, "height": 900}}
#: Where each radio of the entry form is, and where the words of its label are.
RADIO_BOXES = """() => [...document.querySelectorAll("label.check")]
  .filter((label) => label.querySelector("input[type=radio]"))
  .map((label) => {
    const radio = label.querySelector("input[type=radio]");
    const words = document.createRange();
    words.setStartAfter(radio);
    words.setEnd(label, label.childNodes.length);
    const box = (r) => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
    return {
      name: radio.name + "=" + radio.value,
      radio: box(radio.getBoundingClientRect()),
      words: box(words.getBoundingClientRect()),
      label: box(label.getBoundingClientRect()),
    };
  })"""


async def _contest_and_participant(db: Database, storage: LocalStorage, *, now: datetime) -> str:
    await add_account(db, PASSWORDS, email=PARTICIPANT, name="Rae Radio", now=now)
    contest = await add_contest(db, Phase.SUBMISSIONS, now=now)
    return contest.slug


async def _many_people(db: Database, storage: LocalStorage, *, now: datetime) -> None:
    for number in range(3):
        await add_account(
            db,
            PASSWORDS,
            email=f"alexandra.longname-{number}@library.university-of-somewhere.edu",
            name=f"Alexandra Bartholomew-Featherstonehaugh {number}",
            affiliation="staff",
            department="Special Collections and Rare Books",
            now=now,
        )


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_entry_form_radios_sit_just_left_of_their_words(
    live_site: LiveSite, new_context: NewContext, screen: dict[str, Any]
) -> None:
    slug = seed(live_site, _contest_and_participant)
    page = new_context(**screen).new_page()
    sign_in(page, PARTICIPANT)
    page.goto(f"/contests/{slug}/enter")
    expect(page.get_by_role("heading", name="Enter a photo")).to_be_visible()

    boxes = page.evaluate(RADIO_BOXES)

    names = {box["name"].split("=")[0] for box in boxes}
    assert names == {"licence", "credit"} and len(boxes) >= 4
    for box in boxes:
        radio, words, label = box["radio"], box["words"], box["label"]
        assert radio["right"] - radio["left"] < 32, box  # a radio, not a stretched box
        assert radio["left"] - label["left"] < 4, box  # at the start of its line
        assert 0 <= words["left"] - radio["right"] < 16, box  # its words follow right after
        middle = (radio["top"] + radio["bottom"]) / 2
        assert words["top"] <= middle <= words["bottom"], box  # on the words' line(s)


@pytest.mark.parametrize("width", [390, 320])
def test_people_page_fits_a_phone(live_site: LiveSite, new_context: NewContext, width: int) -> None:
    seed(live_site, _many_people)
    phone = PHONE | {"viewport": {"width": width, "height": 844}}
    page = new_context(**phone, java_script_enabled=False).new_page()
    sign_in(page)
    page.goto("/manage/people")
    expect(page.get_by_role("heading", name="People")).to_be_visible()

    assert horizontal_overflow(page) <= 0
    assert page.evaluate("document.documentElement.clientWidth") == width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Nobody's row hides off to the side either: every button is on the screen.
    for button in page.get_by_role("button", name="Disable").all():
        box = button.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width


def test_a_file_that_is_not_a_photo_shows_a_word_not_a_broken_preview(
    live_site: LiveSite, new_context: NewContext
) -> None:
    slug = seed(live_site, _contest_and_participant)
    page = new_context(**PHONE).new_page()
    sign_in(page, PARTICIPANT)
    page.goto(f"/contests/{slug}/enter")
    page.set_input_files(
        "#photo",
        files=[{"name": "holiday.jpg", "mimeType": "image/jpeg", "buffer": b"not a photo" * 50}],
    )
    status = page.locator(".upload-status")
    expect(status).to_have_text("This file does not look like a photo we can show.")
    expect(page.locator("#photo-preview")).to_be_hidden()
    assert page.locator("#photo-preview").get_attribute("src") is None
