"""Next year's contest as a copy, and moving a contest's whole calendar in one step."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from contest.contests import store as contest_store
from contest.contests.form import copy_form, copy_settings
from contest.contests.model import Criterion
from contest.core.db import Database
from contest.core.errors import ValidationError
from contest.core.security import Passwords
from tests.factories import (
    DAY,
    START,
    add_account,
    add_contest,
    add_judge,
    add_published_results,
)

pytestmark = pytest.mark.anyio


async def test_a_copy_keeps_every_setting_a_year_later_and_unpublished(db: Database) -> None:
    contest = await add_contest(
        db,
        title="Spring Light 2026",
        timezone="Europe/Berlin",
        categories=("Day", "Night"),
        criteria=(Criterion("Light", 3), Criterion("Story", 1.5)),
        award_per_category=True,
        award_runners_up=1,
        rules_md="Your **own** photos.",
        voting_mode="email",
    )
    settings = contest.settings
    copy = copy_settings(settings)
    assert copy.title == "Spring Light 2027"
    assert copy.is_published is False
    for item in fields(settings):
        if item.name not in {"title", "schedule", "is_published"}:
            assert getattr(copy, item.name) == getattr(settings, item.name), item.name
    berlin = ZoneInfo("Europe/Berlin")
    for item in fields(settings.schedule):
        before = getattr(settings.schedule, item.name).astimezone(berlin)
        after = getattr(copy.schedule, item.name).astimezone(berlin)
        assert after.replace(tzinfo=None) == before.replace(year=before.year + 1, tzinfo=None)


async def test_the_copy_form_is_the_new_contest_form_filled_in(db: Database) -> None:
    contest = await add_contest(db, title="Spring Light", timezone="Europe/Berlin")
    form = copy_form(contest.settings)
    assert form.get("title") == "Spring Light"
    assert form.get("is_published") == ""
    assert form.get("submissions_open") == "2027-02-27T10:00"  # 09:00 UTC, winter in Berlin
    assert form.get("criterion_0_name") == "Relevance to the theme"


async def test_moving_the_dates_stores_them_and_audits_the_change(
    db: Database, passwords: Passwords
) -> None:
    contest = await add_contest(db)
    organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    seen = contest_store.schedule_fingerprint(contest.schedule)
    moved = await contest_store.shift_dates(
        db, contest.id, 7, seen=seen, now=START, actor_id=organizer.id
    )
    stored = await contest_store.get_contest(db, contest.id)
    assert stored.schedule == moved.schedule
    for item in fields(contest.schedule):
        before = getattr(contest.schedule, item.name)
        assert getattr(stored.schedule, item.name) == before + 7 * DAY
    assert replace(stored.settings, schedule=contest.schedule) == contest.settings
    row = await db.fetch_one("SELECT actor_id, details FROM audit_log WHERE action = 'settings'")
    assert row is not None
    assert row["actor_id"] == organizer.id
    assert row["details"].startswith(
        "Settings changed. When submissions open: 2026-02-27 09:00 UTC → 2026-03-06 09:00 UTC;"
    )
    assert row["details"].count("When ") == 7


async def test_a_second_confirmation_of_the_same_move_moves_nothing(db: Database) -> None:
    contest = await add_contest(db)
    seen = contest_store.schedule_fingerprint(contest.schedule)
    await contest_store.shift_dates(db, contest.id, -2, seen=seen, now=START)
    with pytest.raises(ValidationError) as refused:
        await contest_store.shift_dates(db, contest.id, -2, seen=seen, now=START)
    assert "already made" in refused.value.errors["days"]
    stored = await contest_store.get_contest(db, contest.id)
    assert stored.schedule.submissions_open == contest.schedule.submissions_open - 2 * DAY
    assert await db.fetch_value("SELECT count(*) FROM audit_log WHERE action = 'settings'") == 1


@pytest.mark.parametrize("days", [0, 366, -400])
async def test_a_move_out_of_range_is_refused(db: Database, days: int) -> None:
    contest = await add_contest(db)
    seen = contest_store.schedule_fingerprint(contest.schedule)
    with pytest.raises(ValidationError) as refused:
        await contest_store.shift_dates(db, contest.id, days, seen=seen, now=START)
    assert "from -365 to 365, not 0" in refused.value.errors["days"]
    assert (await contest_store.get_contest(db, contest.id)).schedule == contest.schedule


async def test_a_move_beyond_2200_is_refused_and_nothing_changes(db: Database) -> None:
    far = datetime(2200, 12, 1, 9, 0, tzinfo=START.tzinfo)
    contest = await add_contest(db, now=far)
    seen = contest_store.schedule_fingerprint(contest.schedule)
    with pytest.raises(ValidationError) as refused:
        await contest_store.shift_dates(db, contest.id, 60, seen=seen, now=START)
    assert "years 2000 to 2200" in refused.value.errors["days"]
    assert (await contest_store.get_contest(db, contest.id)).schedule == contest.schedule


async def test_dates_still_move_once_the_results_are_published(
    db: Database, passwords: Passwords
) -> None:
    contest = await add_contest(db, "judging_and_voting")
    organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    await add_published_results(db, contest, organizer, now=START + 5 * DAY)
    seen = contest_store.schedule_fingerprint(contest.schedule)
    moved = await contest_store.shift_dates(db, contest.id, 1, seen=seen, now=START + 6 * DAY)
    assert moved.schedule.results_at == contest.schedule.results_at + DAY


async def test_the_earlier_panel_is_offered_again_one_judge_at_a_time(
    db: Database, passwords: Passwords
) -> None:
    old = await add_contest(db, title="Spring Light 2026")
    ann = await add_judge(db, passwords, old, email="ann@uni.edu")
    bob = await add_judge(db, passwords, old, email="bob@uni.edu")
    new = await contest_store.create_contest(
        db, copy_settings(old.settings), created_by=None, now=START
    )
    offered = await contest_store.judges_to_invite_again(db, source_id=old.id, contest_id=new.id)
    assert {row["id"] for row in offered} == {ann.id, bob.id}
    await contest_store.add_judge_again(
        db, source_id=old.id, contest_id=new.id, user_id=str(ann.id)
    )
    panel = await contest_store.judges_of(db, new.id)
    assert [row["id"] for row in panel] == [ann.id]
    offered = await contest_store.judges_to_invite_again(db, source_id=old.id, contest_id=new.id)
    assert [row["id"] for row in offered] == [bob.id]


async def test_only_the_earlier_panel_can_be_added_this_way(
    db: Database, passwords: Passwords
) -> None:
    old = await add_contest(db, title="Spring Light 2026")
    other = await add_contest(db, title="Autumn")
    stranger = await add_judge(db, passwords, other, email="cy@uni.edu")
    new = await add_contest(db, title="Spring Light 2027")
    for user_id in (str(stranger.id), "", "nobody"):
        await contest_store.add_judge_again(
            db, source_id=old.id, contest_id=new.id, user_id=user_id
        )
    assert await contest_store.judges_of(db, new.id) == []
