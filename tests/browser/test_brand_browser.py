"""The library's brand in Chromium: the logo in the header and a contest's cover, on a phone
and a laptop, without sideways scroll."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from contest.contests.phases import Phase
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from tests.browser.conftest import PHONE, LiveSite, NewContext, run_in_own_thread
from tests.browser.test_organizer_journey import horizontal_overflow, sign_in
from tests.factories import add_account, add_contest, add_entry, photo_bytes

pytestmark = pytest.mark.browser
NAME = "Harbour City Library Photo Contests"
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


async def _seed(site: LiveSite) -> str:
    """A contest taking entries with two approved photos; its slug."""
    db = await Database.open(site.config.database)
    passwords, storage, now = Passwords(fast=True), LocalStorage(site.config.media), site.clock()
    try:
        contest = await add_contest(db, Phase.SUBMISSIONS, now=now, title="Day & Night")
        ann = await add_account(db, passwords, email="ann@uni.edu", now=now)
        boss = await add_account(db, passwords, email="boss@uni.edu", role="organizer", now=now)
        for seed, title in ((3, "Lamps at dusk"), (5, "Stacks at noon")):
            await add_entry(
                db,
                storage,
                contest,
                ann,
                title=title,
                photo=photo_bytes(seed, size=(1600, 900)),
                moderator=boss,
                now=now,
            )
        return contest.slug
    finally:
        await db.close()


def _logo() -> bytes:
    image = Image.new("RGBA", (600, 120), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, 116, 116), fill=(255, 214, 0, 255))
    draw.rectangle((140, 40, 590, 80), fill=(255, 255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _brand_the_site(page: Page) -> None:
    """Name, colours and logo, typed into Site settings as an organizer would."""
    page.goto("/manage/settings")
    page.get_by_label("Site name").fill(NAME)
    page.get_by_label("Accent colour").fill("#8a1538")
    page.get_by_label("Header colour").fill("#003b2f")
    page.get_by_label("Contact").fill("library@uni.edu")
    page.get_by_label("Privacy policy").fill("https://uni.edu/privacy")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Saved.")
    page.get_by_label("Your logo").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": _logo()}
    )
    page.get_by_role("button", name="Upload the logo").click()
    expect(page.get_by_role("status")).to_contain_text("the new logo is in the header")


def _check_loaded(page: Page, selector: str) -> None:
    loaded = page.evaluate(
        f"[...document.querySelectorAll({selector!r})].every(i => i.complete && i.naturalWidth > 0)"
    )
    assert loaded, selector


def test_logo_and_cover_render_on_a_phone_and_a_laptop_without_sideways_scroll(
    live_site: LiveSite, new_context: NewContext, tmp_path: Path
) -> None:
    slug = run_in_own_thread(_seed(live_site))
    shots = tmp_path / "shots"  # to look at when the test fails
    shots.mkdir()
    organizer = new_context(**DESKTOP).new_page()
    sign_in(organizer)
    _brand_the_site(organizer)
    organizer.goto(f"/contests/{slug}")
    organizer.get_by_role("link", name="Cover photo").click()
    organizer.get_by_label("Lamps at dusk").check()
    organizer.get_by_role("button", name="Use this photo as the cover").click()
    expect(organizer.get_by_role("status")).to_contain_text("cover photo is saved")
    organizer.screenshot(path=str(shots / "cover-manage-desktop.png"), full_page=True)
    for label, options in (("phone", PHONE), ("desktop", DESKTOP)):
        page = new_context(**options).new_page()
        for where in ("/", f"/contests/{slug}"):
            page.goto(where)
            logo = page.get_by_role("link", name=NAME).get_by_role("img", name=NAME)
            expect(logo).to_be_visible()
            assert logo.bounding_box()["height"] == pytest.approx(40, abs=1)  # type: ignore[index]
            cover = page.get_by_role("img", name="A photo: Lamps at dusk")
            expect(cover).to_be_visible()
            _check_loaded(page, ".brand-logo, .card-cover, .contest-cover img")
            header = page.evaluate(
                "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
            )
            assert header == "rgb(0, 59, 47)"
            expect(page.get_by_role("link", name="Privacy policy")).to_be_visible()
            assert horizontal_overflow(page) <= 0, (label, where)
            name = "home" if where == "/" else "contest"
            page.screenshot(path=str(shots / f"{name}-{label}.png"), full_page=False)
    phone = new_context(**PHONE).new_page()
    sign_in(phone)
    phone.goto("/manage/settings")
    expect(phone.get_by_role("img", name=f"The logo now: {NAME}")).to_be_visible()
    assert horizontal_overflow(phone) <= 0
    phone.screenshot(path=str(shots / "settings-phone.png"), full_page=True)
    rows = live_site.rows("SELECT entry_id FROM contest_covers")
    assert len(rows) == 1 and rows[0]["entry_id"] is not None
