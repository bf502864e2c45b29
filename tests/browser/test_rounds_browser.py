"""A juror judges a whole yes/no round with the keyboard alone, on a phone and on a desktop:
the photo fits the screen, the next photos are fetched ahead, one undo takes back one
decision, and the database holds exactly the decisions made."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from tests.browser.conftest import PHONE, LiveSite, NewContext, run_in_own_thread
from tests.browser.test_accessibility import AXE, AXE_RUN
from tests.browser.test_organizer_journey import horizontal_overflow, sign_in
from tests.web.members.test_rounds_web import AUTHORS, Seeded, seed_round

pytestmark = pytest.mark.browser

DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
SIZES: dict[str, dict[str, Any]] = {"phone": PHONE, "desktop": DESKTOP}
#: Portrait and landscape photos in turn, at the display size the site keeps.
PHOTOS = ((1200, 1600), (1600, 1067))


async def _seed(site: LiveSite) -> Seeded:
    db = await Database.open(site.config.database)
    try:
        return await seed_round(
            db,
            Passwords(fast=True),
            LocalStorage(Path(site.config.media)),
            now=site.clock(),
            photos=4,
            jurors=1,
            sizes=PHOTOS,
        )
    finally:
        await db.close()


def tasks_of(site: LiveSite, seeded: Seeded) -> list[dict[str, Any]]:
    return site.rows(
        "SELECT id, value, favourite FROM round_tasks WHERE round_id = ? ORDER BY position",
        (seeded.round.id,),
    )


def on_task(page: Page, seeded: Seeded, task_id: int) -> None:
    """The page is that task's, its photo whole on the screen."""
    expect(page).to_have_url(re.compile(rf"/judging/rounds/{seeded.round.id}/tasks/{task_id}\b"))
    assert_photo_on_screen(page)


def key(page: Page, name: str) -> None:
    """Press one key and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(name)


def assert_photo_on_screen(page: Page) -> None:
    """The whole photo is on the screen without scrolling, and so are the decision buttons;
    nothing scrolls sideways."""
    viewport = page.viewport_size
    assert viewport is not None
    photo = page.locator(".round-photo img")
    expect(photo).to_be_visible()
    page.wait_for_function("document.querySelector('.round-photo img').complete")
    box = photo.bounding_box()
    assert box is not None
    large = max(box["width"] / viewport["width"], box["height"] / viewport["height"])
    assert large > 0.5, box  # as large as the screen allows, one way or the other
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
    for name in ("Keep (Y)", "Drop (N)"):
        button = page.get_by_role("button", name=name).bounding_box()
        assert button is not None and button["y"] + button["height"] <= viewport["height"], name
    assert horizontal_overflow(page) <= 0


def axe_violations(page: Page) -> list[Any]:
    """axe-core's findings on the page, run from the test (the page's CSP stays on: a script
    the page itself needs is held to it)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found: list[Any] = page.evaluate(AXE_RUN)
    return found


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_juror_judges_a_whole_round_with_the_keyboard_alone(
    size: str, live_site: LiveSite, new_context: NewContext
) -> None:
    seeded = run_in_own_thread(_seed(live_site))
    first, second, third, fourth = (row["id"] for row in tasks_of(live_site, seeded))
    page = new_context(**SIZES[size]).new_page()
    sign_in(page, "juror0@uni.edu")
    page.goto(f"/judging/rounds/{seeded.round.id}")
    on_task(page, seeded, first)
    expect(page.get_by_text("0 of 4", exact=True)).to_be_visible()
    expect(page.locator("[data-round-keys]")).to_be_visible()  # the legend, with the script
    page.screenshot(path=f"/tmp/rounds-{size}.png")  # noqa: S108 - to look at, by hand
    assert axe_violations(page) == []
    # The next photos were fetched while this one was being looked at.
    page.wait_for_load_state("networkidle")
    fetched = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    for href in page.locator("link[rel=preload][as=image]").evaluate_all(
        "links => links.map(l => l.href)"
    ):
        assert href in fetched
    assert page.locator("link[rel=preload][as=image]").count() == 3

    key(page, "f")  # a favourite: the same photo again, marked
    on_task(page, seeded, first)
    expect(page.get_by_role("button", name="Favourite (F)")).to_have_attribute(
        "aria-pressed", "true"
    )
    key(page, "y")
    on_task(page, seeded, second)
    key(page, "n")
    on_task(page, seeded, third)
    key(page, "u")  # the drop of the second photo, taken back
    on_task(page, seeded, second)
    expect(page.get_by_role("status").filter(has_text="Undone")).to_be_visible()
    expect(page.get_by_text("Not decided yet.")).to_be_visible()
    key(page, "1")
    on_task(page, seeded, third)
    key(page, "0")
    on_task(page, seeded, fourth)
    key(page, "ArrowLeft")  # a look back, and on again
    on_task(page, seeded, third)
    expect(page.get_by_text("Your decision: drop.")).to_be_visible()
    key(page, "ArrowRight")
    on_task(page, seeded, fourth)
    key(page, "Y")  # as typed with caps lock on
    expect(page.get_by_role("heading", name="You are done with this round")).to_be_visible()
    expect(page.get_by_text("4 of 4", exact=True)).to_be_visible()

    assert [(row["value"], row["favourite"]) for row in tasks_of(live_site, seeded)] == [
        (1.0, 1),
        (1.0, 0),
        (0.0, 0),
        (1.0, 0),
    ]
    log = live_site.rows(
        "SELECT task_id, action, value FROM round_decisions WHERE round_id = ? ORDER BY id",
        (seeded.round.id,),
    )
    assert [(row["task_id"], row["action"], row["value"]) for row in log] == [
        (first, "decide", 1.0),
        (second, "decide", 0.0),
        (second, "undo", None),
        (second, "decide", 1.0),
        (third, "decide", 0.0),
        (fourth, "decide", 1.0),
    ]
    html = page.content()
    assert not [name for _, name in AUTHORS if name in html]


def test_keys_do_nothing_while_typing_a_flag_note(
    live_site: LiveSite, new_context: NewContext
) -> None:
    seeded = run_in_own_thread(_seed(live_site))
    first = tasks_of(live_site, seeded)[0]["id"]
    page = new_context(**DESKTOP).new_page()
    sign_in(page, "juror0@uni.edu")
    page.goto(f"/judging/rounds/{seeded.round.id}/tasks/{first}")
    page.get_by_text("Flag this photo").click()
    note = page.get_by_label("Note (optional)")
    note.click()
    page.keyboard.type("Yet another near copy")  # Y, N and U among the letters
    expect(note).to_have_value("Yet another near copy")
    on_task(page, seeded, first)
    assert live_site.rows("SELECT count(*) AS n FROM round_decisions")[0]["n"] == 0


def test_a_ranking_juror_moves_photos_with_keys_and_saves_the_order(
    live_site: LiveSite, new_context: NewContext
) -> None:
    async def seed() -> Seeded:
        db = await Database.open(live_site.config.database)
        try:
            storage = LocalStorage(Path(live_site.config.media))
            return await seed_round(
                db, Passwords(fast=True), storage, now=live_site.clock(), kind="ranking", jurors=1
            )
        finally:
            await db.close()

    seeded = run_in_own_thread(seed())
    a, b, c = (row["id"] for row in tasks_of(live_site, seeded))
    page = new_context(**PHONE).new_page()
    sign_in(page, "juror0@uni.edu")
    page.goto(f"/judging/rounds/{seeded.round.id}")
    expect(page.get_by_role("heading", name="Put your photos in order")).to_be_visible()
    places = page.locator("[data-place]")
    assert [places.nth(n).input_value() for n in range(3)] == ["1", "2", "3"]
    page.locator(f"#place_{a}").focus()
    page.keyboard.press("Alt+ArrowDown")  # the first photo one down...
    page.keyboard.press("j")  # ...and one more: last
    assert page.evaluate("document.activeElement.id") == f"place_{a}"
    order = page.locator("[data-place]").evaluate_all("inputs => inputs.map(i => i.id)")
    assert order == [f"place_{b}", f"place_{c}", f"place_{a}"]
    assert [places.nth(n).input_value() for n in range(3)] == ["1", "2", "3"]
    page.locator(f"#place_{c}").focus()
    page.keyboard.press("k")  # the third photo back up to first
    page.screenshot(path="/tmp/w2-order-phone.png", full_page=True)  # noqa: S108
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Save my order").click()
    expect(page.get_by_role("status")).to_contain_text("your order is saved")
    values = {row["id"]: row["value"] for row in tasks_of(live_site, seeded)}
    assert values == {c: 1.0, b: 2.0, a: 3.0}
