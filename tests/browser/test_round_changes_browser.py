"""A running round changes in a real browser, with no script needed: a juror declares a
conflict from the photo and goes on to the next one; the organizer adds a judge of the panel
to the round after seeing their share. On a phone and on a desktop."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from contest.contests.store import get_contest
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from tests.browser.conftest import LiveSite, NewContext, run_in_own_thread
from tests.browser.test_organizer_journey import horizontal_overflow, sign_in
from tests.browser.test_rounds_browser import SIZES
from tests.factories import add_judge
from tests.web.members.test_rounds_web import Seeded, seed_round

pytestmark = pytest.mark.browser


async def _seed(site: LiveSite) -> tuple[Seeded, int]:
    """A yes/no round of six photos, two jurors per photo out of three, and a fourth judge on
    the panel outside the round."""
    db = await Database.open(site.config.database)
    try:
        passwords = Passwords(fast=True)
        seeded = await seed_round(
            db,
            passwords,
            LocalStorage(Path(site.config.media)),
            now=site.clock(),
            photos=6,
            jurors=3,
            quorum=2,
        )
        contest_id = int(
            await db.fetch_value("SELECT contest_id FROM rounds WHERE id = ?", (seeded.round.id,))
        )
        contest = await get_contest(db, contest_id)
        newcomer = await add_judge(db, passwords, contest, email="newcomer@uni.edu")
        return seeded, newcomer.id
    finally:
        await db.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_conflict_hands_the_photo_on_and_a_judge_joins_the_round(
    size: str, live_site: LiveSite, new_context: NewContext
) -> None:
    seeded, newcomer = run_in_own_thread(_seed(live_site))
    juror = new_context(**SIZES[size]).new_page()
    sign_in(juror, "juror0@uni.edu")
    juror.goto(f"/judging/rounds/{seeded.round.id}")
    first_url = juror.url
    task_id = int(first_url.rstrip("/").rsplit("/", 1)[1])
    juror.get_by_text("I have a conflict of interest with this entry").click()
    juror.get_by_label("Why (recorded for the organizers)").fill("She is my student")
    juror.screenshot(path=f"/tmp/round-conflict-{size}.png", full_page=True)  # noqa: S108
    juror.get_by_role("button", name="Declare the conflict").click()
    expect(juror.get_by_role("status").filter(has_text="went to another juror")).to_be_visible()
    assert juror.url != first_url and horizontal_overflow(juror) <= 0
    [moved] = live_site.rows("SELECT juror_id FROM round_tasks WHERE id = ?", (task_id,))
    assert moved["juror_id"] != seeded.jurors[0].id
    assert live_site.rows("SELECT reason FROM conflicts") == [{"reason": "She is my student"}]

    organizer = new_context(**SIZES[size]).new_page()
    sign_in(organizer)
    organizer.goto(f"/manage/rounds/{seeded.round.id}")
    organizer.get_by_label("A juror joins").select_option(str(newcomer))
    organizer.get_by_role("button", name="Show what they would take").click()
    expect(organizer.get_by_role("heading", name="joins round 1")).to_be_visible()
    organizer.screenshot(path=f"/tmp/round-join-{size}.png", full_page=True)  # noqa: S108
    assert horizontal_overflow(organizer) <= 0
    organizer.get_by_role("button", name="to the round").click()
    expect(organizer.get_by_role("status").filter(has_text="joined the round")).to_be_visible()
    organizer.screenshot(path=f"/tmp/round-joined-{size}.png", full_page=True)  # noqa: S108
    taken = live_site.rows(
        "SELECT count(*) AS n FROM round_tasks WHERE juror_id = ? AND round_id = ?",
        (newcomer, seeded.round.id),
    )
    assert taken[0]["n"] >= 1
