"""A participant enters a phone photo (with and without JavaScript); a judge scores it blind."""

from __future__ import annotations

import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

import anyio
import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Locator, Page, expect

from contest.accounts.users import User, list_users
from contest.config import Config
from contest.contests.model import Contest
from contest.contests.phases import Phase
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.media.masters import complete_pending_masters
from tests.browser.conftest import (
    ORGANIZER_EMAIL,
    PHONE,
    LiveSite,
    NewContext,
    run_in_own_thread,
)
from tests.browser.test_organizer_journey import horizontal_overflow, sign_in
from tests.conftest import FakeClock
from tests.factories import add_account, add_contest, add_entry, add_judge, photo_bytes

pytestmark = pytest.mark.browser

T = TypeVar("T")
Seeder = Callable[[Database, LocalStorage], Awaitable[T]]
Colour = tuple[int, int, int]
RED: Colour = (220, 30, 30)
BLUE: Colour = (30, 60, 220)
GREY: Colour = (200, 200, 200)

TITLE = "Lamplight over the reading room"
DESCRIPTION = "The last hour before closing, every desk still lit."
CATEGORY = "Night"
CAMERA_TITLE = "IMG_1234"
MY_ENTRIES = re.compile(r"/my/entries\?received=(\d+)$")


@dataclass(frozen=True)
class Person:
    """An account the tests create."""

    email: str
    name: str


PARTICIPANT = Person("pat.participant@uni.edu", "Pat Participant")
JUDGE = Person("jo.judge@uni.edu", "Jo Judge")
#: Authors of the entries the judge scores: their names and emails must never reach the judge.
AUTHORS = (Person("ana.author@uni.edu", "Anaïs Authorwood"), Person("bo.b@uni.edu", "Bo Brightley"))
JUDGED_ENTRIES = (
    (AUTHORS[0], "Blossoms by the west window", "Spring arrives in the reading room.", "Day"),
    (AUTHORS[1], "Rain on the skylight", "An April shower over the atrium.", "Day"),
    (AUTHORS[0], "Moths at the lantern", "The first warm night of the year.", "Night"),
)


# --- a realistic phone photo -----------------------------------------------------------------


def phone_photo(path: Path, *, seed: int = 0) -> Path:
    """A portrait JPEG as a phone saves it: pixels stored sideways, EXIF orientation 6, GPS.

    Upright it is grey with a red block in its top-left corner and a blue one in its top-right
    (no turn or mirror of the picture keeps both where they are); ``seed`` varies the middle.
    """
    width, height = 900, 1200
    upright = Image.new("RGB", (width, height), GREY)
    draw = ImageDraw.Draw(upright)
    draw.rectangle((0, 0, width // 3, height // 4), fill=RED)
    draw.rectangle((width * 2 // 3, 0, width - 1, height // 6), fill=BLUE)
    rng = random.Random(seed)
    for _ in range(12):  # something to look at, kept clear of the corners
        x, y = rng.randint(150, 600), rng.randint(420, 760)
        colour = (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))
        draw.ellipse((x, y, x + 150, y + 120), fill=colour)
    exif = Image.Exif()
    exif[0x0112] = 6  # "turn 90° clockwise to show": the sensor's rows run down the picture
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 15"
    exif[0x8769] = {0x9003: "2026:03:01 21:15:07"}  # DateTimeOriginal
    exif[0x8825] = {1: "N", 2: (51.0, 45.0, 12.5), 3: "W", 4: (1.0, 15.0, 30.2)}  # GPS
    # Orientation 6 is undone by a clockwise quarter turn, so store it a counter-clockwise one.
    upright.transpose(Image.Transpose.ROTATE_90).save(path, "JPEG", quality=90, exif=exif)
    with Image.open(path) as written:  # the file really is what a phone would send
        assert written.size == (height, width)
        assert written.getexif()[0x0112] == 6 and written.getexif().get_ifd(0x8825)
    return path


def near(found: object, expected: Colour, tolerance: int = 40) -> bool:
    """Whether a pixel is close to a colour (JPEG moves colours a little)."""
    assert isinstance(found, tuple)
    return all(abs(a - b) <= tolerance for a, b in zip(found, expected, strict=True))


def assert_upright(path: Path) -> None:
    """The stored picture is the phone photo turned upright: portrait, red top-left, blue
    top-right, grey below, and no EXIF (so no GPS) left in it."""
    with Image.open(path) as stored:
        assert not stored.getexif(), "the thumbnail still carries EXIF"
        picture = stored.convert("RGB")
    width, height = picture.size
    assert height > width, f"thumbnail is {width}x{height}: the photo was not turned upright"

    def at(x: float, y: float) -> object:
        return picture.getpixel((int(x * width), int(y * height)))

    corners = {
        "top-left": (at(0.1, 0.08), RED),
        "top-right": (at(0.9, 0.05), BLUE),
        "bottom-left": (at(0.1, 0.92), GREY),
        "bottom-right": (at(0.9, 0.92), GREY),
    }
    wrong = {name: found for name, (found, want) in corners.items() if not near(found, want)}
    assert wrong == {}, f"thumbnail corners are not where an upright photo has them: {wrong}"


# --- data built through the domain's own functions ------------------------------------------


PASSWORDS = Passwords(fast=True)


@pytest.fixture
def live_clock() -> FakeClock:
    """The live site runs on the tests' fixed clock."""
    return FakeClock()


async def _open_contest(
    db: Database, storage: LocalStorage, *, now: datetime, with_entry: bool = False
) -> str:
    """A published contest taking submissions now (by day or by night) and a student to enter
    it; its slug.

    ``with_entry``: the student has already entered one photo.
    """
    participant = await add_account(
        db, PASSWORDS, email=PARTICIPANT.email, name=PARTICIPANT.name, now=now
    )
    contest = await add_contest(db, Phase.SUBMISSIONS, now=now, categories=("Day", CATEGORY))
    if with_entry:
        await add_entry(
            db,
            storage,
            contest,
            participant,
            title="First light on the steps",
            status="pending",
            photo=photo_bytes(99),
            now=now,
            category="Day",
        )
    return contest.slug


async def _judging_contest(db: Database, storage: LocalStorage, *, now: datetime) -> Contest:
    """A contest in its judging phase with entries by AUTHORS, approved by the organizer, and
    JUDGE on its panel."""
    [organizer] = [User.from_row(row) for row in await list_users(db, role="organizer")]
    assert organizer.email == ORGANIZER_EMAIL
    contest = await add_contest(
        db, Phase.JUDGING, now=now, created_by=organizer.id, categories=("Day", "Night")
    )
    authors = {
        person: await add_account(db, PASSWORDS, email=person.email, name=person.name, now=now)
        for person in AUTHORS
    }
    for index, (author, title, description, category) in enumerate(JUDGED_ENTRIES):
        await add_entry(
            db,
            storage,
            contest,
            authors[author],
            title=title,
            photo=photo_bytes(index),
            moderator=organizer,
            now=now,
            description=description,
            category=category,
        )
    await complete_pending_masters(db, storage, limiter=anyio.CapacityLimiter(1))
    await add_judge(db, PASSWORDS, contest, email=JUDGE.email)
    return contest


async def _in_database(config: Config, work: Seeder[T]) -> T:
    db = await Database.open(config.database)
    try:
        return await work(db, LocalStorage(config.media))
    finally:
        await db.close()


def seed(site: LiveSite, work: Callable[..., Awaitable[T]]) -> T:
    """Run a seeding coroutine on the live site's database (and media) from the test thread,
    at the moment the site's clock shows."""
    return run_in_own_thread(_in_database(site.config, partial(work, now=site.clock())))


# --- what a person does in the browser -------------------------------------------------------


def open_entry_form(page: Page, slug: str) -> None:
    """From the contest page, tap "Enter a photo"."""
    page.goto(f"/contests/{slug}")
    page.get_by_role("link", name="Enter a photo").click()
    expect(page.get_by_role("heading", name="Enter a photo")).to_be_visible()


def fill_entry(page: Page, *, photo: Path | None, title: str, description: str) -> None:
    """Fill the entry form the way a participant would, choosing the photo first."""
    if photo is not None:
        page.get_by_label("Your photo").set_input_files(photo)
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Description", exact=True).fill(description)
    page.get_by_label("Category").select_option(label=CATEGORY)
    page.get_by_label("I took this photo myself.").check()
    page.get_by_label("People who can be recognised in it agreed to appear.").check()


def submit(page: Page) -> None:
    page.get_by_role("button", name="Submit my photo").click()


def expect_received(page: Page, site: LiveSite) -> dict[str, object]:
    """Check the landing on "My entries" (notice, thumbnail, status) and the new entry's row."""
    expect(page).to_have_url(MY_ENTRIES)
    expect(page.get_by_role("heading", name="My entries", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Thank you!")
    match = MY_ENTRIES.search(page.url)
    assert match is not None
    [entry] = site.rows(
        "SELECT entries.id, status, title, description, alt_text, thumb_key, thumb_width,"
        " source_orientation, width, height, categories.name AS category"
        " FROM entries LEFT JOIN categories ON categories.id = entries.category_id"
    )
    assert entry["id"] == int(match.group(1))
    assert entry["status"] == "pending"
    assert (entry["title"], entry["description"], entry["category"]) == (
        TITLE,
        DESCRIPTION,
        CATEGORY,
    )
    row = page.locator(".entry-row").filter(has=page.get_by_role("heading", name=TITLE))
    expect(row.locator(".badge")).to_have_text("Waiting for review")
    thumbnail = row.get_by_role("img", name=DESCRIPTION)  # alt text defaults to the description
    expect(thumbnail).to_be_visible()
    expect(thumbnail).to_have_js_property("naturalWidth", entry["thumb_width"])  # it loaded
    assert_upright(site.config.media / str(entry["thumb_key"]))
    return entry


def tap_score(scale: Locator, value: int) -> None:
    """Tap a score: the radio is visually hidden, so the tap lands on its label's box."""
    scale.locator(f'label:has(input[value="{value}"]) > span').click()
    expect(scale.locator(f'input[value="{value}"]')).to_be_checked()


def assert_blind(page: Page) -> None:
    """Nothing on the page names the entries' authors or gives their email addresses."""
    content = page.content()
    leaked = [text for author in AUTHORS for text in (author.name, author.email) if text in content]
    assert leaked == [], f"the judge's page at {page.url} shows {leaked}"


# --- the tests -------------------------------------------------------------------------------


def test_a_student_enters_a_phone_photo_with_a_preview(
    live_site: LiveSite, new_context: NewContext, tmp_path: Path
) -> None:
    slug = seed(live_site, _open_contest)
    photo = phone_photo(tmp_path / "IMG_4032.JPG")
    page = new_context(**PHONE).new_page()
    sign_in(page, PARTICIPANT.email)
    open_entry_form(page, slug)
    preview = page.locator("#photo-preview")
    expect(preview).to_be_hidden()

    page.get_by_label("Your photo").set_input_files(photo)
    expect(preview).to_be_visible()
    expect(preview).to_have_accessible_name("Preview of the photo you chose")
    page.wait_for_function("document.getElementById('photo-preview').naturalWidth > 0")
    fill_entry(page, photo=None, title=TITLE, description=DESCRIPTION)
    # Left empty unless typed: the server makes it from the description, without hashtags.
    expect(page.get_by_label("Alt text for screen readers (optional)")).to_have_value("")
    submit(page)

    entry = expect_received(page, live_site)
    # 1200x900 pixels stored sideways: the entry records the upright size and the turn.
    assert (entry["width"], entry["height"], entry["source_orientation"]) == (900, 1200, 6)


def test_entering_a_photo_works_as_a_plain_form_without_javascript(
    live_site: LiveSite, new_context: NewContext, tmp_path: Path
) -> None:
    slug = seed(live_site, _open_contest)
    page = new_context(**PHONE, java_script_enabled=False).new_page()
    sign_in(page, PARTICIPANT.email)
    open_entry_form(page, slug)
    fill_entry(
        page, photo=phone_photo(tmp_path / "IMG_4033.JPG"), title=TITLE, description=DESCRIPTION
    )
    expect(page.locator("#photo-preview")).to_be_hidden()  # no script, no preview: still fine
    submit(page)

    expect_received(page, live_site)


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_a_camera_file_name_title_is_refused_and_the_photo_kept_for_the_retry(
    live_site: LiveSite, new_context: NewContext, tmp_path: Path, javascript: bool
) -> None:
    slug = seed(live_site, _open_contest)
    page = new_context(**PHONE, java_script_enabled=javascript).new_page()
    sign_in(page, PARTICIPANT.email)
    open_entry_form(page, slug)
    fill_entry(
        page,
        photo=phone_photo(tmp_path / "IMG_1234.JPG"),
        title=CAMERA_TITLE,
        description=DESCRIPTION,
    )
    page.evaluate("window.stayedOnThePage = true")
    submit(page)

    expect(page.get_by_role("alert")).to_contain_text("Please correct 1 field")
    # With JavaScript the form was sent in the background and the answer swapped in.
    assert page.evaluate("window.stayedOnThePage === true") is javascript
    title = page.get_by_label("Title", exact=True)
    error = page.locator(".field").filter(has=title).locator(".field-error")
    expect(error).to_contain_text(f"“{CAMERA_TITLE}” looks like a camera file name")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_value(CAMERA_TITLE)
    expect(page.get_by_label("Description", exact=True)).to_have_value(DESCRIPTION)
    expect(page.get_by_label("Category").locator("option:checked")).to_have_text(CATEGORY)
    expect(page.get_by_label("I took this photo myself.")).to_be_checked()
    held = page.locator(".held-photo")
    expect(held).to_contain_text("Photo received")
    expect(held.get_by_role("img", name="The photo you chose")).to_be_visible()
    assert live_site.rows("SELECT id FROM entries") == []
    assert len(live_site.rows("SELECT id FROM uploads")) == 1

    title.fill(TITLE)  # only the title: the photo is not chosen again
    submit(page)

    expect_received(page, live_site)
    assert live_site.rows("SELECT id FROM uploads") == []  # the held upload became the entry


def test_a_judge_scores_every_entry_blind_from_a_phone(
    live_site: LiveSite, new_context: NewContext
) -> None:
    contest = seed(live_site, _judging_contest)
    total = len(JUDGED_ENTRIES)
    page = new_context(**PHONE).new_page()
    sign_in(page, JUDGE.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Judging").click()
    page.get_by_role("link", name=contest.title).click()
    progress = page.locator(".progress-line")
    expect(progress).to_have_text(f"0 of {total} scored")
    assert_blind(page)
    page.get_by_role("link", name="Start scoring").click()

    chosen: dict[tuple[str, str], int] = {}
    for done in range(1, total + 1):
        expect(page).to_have_url(re.compile(rf"/judging/{contest.id}/entries/\d+$"))
        title = page.get_by_role("heading", level=1).inner_text()
        assert_blind(page)
        scales = page.locator("fieldset.score")
        expect(scales).to_have_count(len(contest.settings.criteria))
        for position, scale in enumerate(scales.all()):
            value = 4 + done + position  # some score from 1 to 10
            tap_score(scale, value)
            chosen[title, scale.locator("legend").inner_text().split(" (")[0]] = value
        page.get_by_role("button", name="Save and next").click()
        expect(progress).to_have_text(f"{done} of {total} scored")

    expect(page).to_have_url(re.compile(rf"/judging/{contest.id}$"))
    expect(page.get_by_text("All done, thank you!")).to_be_visible()
    assert_blind(page)
    saved = live_site.rows(
        "SELECT entries.title, rubric_criteria.name, review_scores.value FROM review_scores"
        " JOIN entries ON entries.id = review_scores.entry_id"
        " JOIN rubric_criteria ON rubric_criteria.id = review_scores.criterion_id"
        " JOIN users ON users.id = review_scores.judge_id WHERE users.email = ?",
        (JUDGE.email,),
    )
    assert {(r["title"], r["name"]): r["value"] for r in saved} == chosen


def test_entry_pages_and_the_score_page_fit_a_phone_screen(
    live_site: LiveSite, new_context: NewContext, tmp_path: Path
) -> None:
    slug = seed(live_site, partial(_open_contest, with_entry=True))
    contest_id = seed(live_site, _judging_contest).id
    overflowing: dict[str, int] = {}

    def check(page: Page, what: str) -> None:
        page.wait_for_load_state()
        if (overflow := horizontal_overflow(page)) > 0:
            overflowing[what] = overflow

    participant = new_context(**PHONE).new_page()
    sign_in(participant, PARTICIPANT.email)
    open_entry_form(participant, slug)
    check(participant, "entry form")
    fill_entry(
        participant,
        photo=phone_photo(tmp_path / "IMG_1234.JPG"),
        title=CAMERA_TITLE,
        description=DESCRIPTION,
    )
    expect(participant.locator("#photo-preview")).to_be_visible()
    check(participant, "entry form with a preview")
    submit(participant)
    expect(participant.locator(".held-photo")).to_be_visible()
    check(participant, "entry form with an error and a held photo")
    participant.goto("/my/entries")
    expect(participant.locator(".entry-row")).to_have_count(1)
    check(participant, "my entries")

    judge = new_context(**PHONE).new_page()
    sign_in(judge, JUDGE.email)
    judge.goto("/judging")
    check(judge, "judging")
    judge.goto(f"/judging/{contest_id}")
    check(judge, "judging queue")
    judge.get_by_role("link", name="Start scoring").click()
    expect(judge.get_by_role("button", name="Save and next")).to_be_visible()
    check(judge, "score page")
    judge.locator("details.conflict summary").click()
    check(judge, "score page with the conflict form open")
    assert overflowing == {}, f"pixels of sideways scrolling at 390px wide: {overflowing}"
