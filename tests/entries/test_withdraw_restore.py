"""Restoring a withdrawn entry: back to review while submissions are open, within the limit."""

from datetime import timedelta

import pytest

from contest.core.db import Database
from contest.core.errors import Conflict, Forbidden
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.entries import store as entry_store
from tests.factories import START, add_account, add_contest, add_entry

pytestmark = pytest.mark.anyio
NOW = START


async def test_a_withdrawn_approved_entry_comes_back_to_review(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest = await add_contest(db, "submissions")
    pat = await add_account(db, passwords, email="pat@uni.edu")
    organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    entry_id = await add_entry(db, storage, contest, pat, moderator=organizer)
    entry = await entry_store.get_entry(db, entry_id)
    await entry_store.withdraw_entry(db, entry=entry, contest=contest, user=pat, now=NOW)
    withdrawn = await entry_store.get_entry(db, entry_id)
    assert withdrawn["status"] == "withdrawn"
    assert await entry_store.restorable_ids(db, [withdrawn], NOW) == {entry_id}

    await entry_store.restore_entry(db, entry=withdrawn, contest=contest, user=pat, now=NOW)

    restored = await entry_store.get_entry(db, entry_id)
    assert restored["status"] == "pending"
    assert await entry_store.count_entries(db, contest_id=contest.id, user_id=pat.id) == 1
    with pytest.raises(Conflict, match="not withdrawn"):
        await entry_store.restore_entry(db, entry=withdrawn, contest=contest, user=pat, now=NOW)


async def test_restoring_respects_the_entry_limit(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest = await add_contest(db, "submissions", max_entries_per_participant=1)
    pat = await add_account(db, passwords, email="pat@uni.edu")
    old = await add_entry(db, storage, contest, pat, title="First", status="withdrawn")
    await add_entry(db, storage, contest, pat, title="Second", status="pending")
    entry = await entry_store.get_entry(db, old)

    with pytest.raises(Conflict, match="the most this contest allows"):
        await entry_store.restore_entry(db, entry=entry, contest=contest, user=pat, now=NOW)

    assert (await entry_store.get_entry(db, old))["status"] == "withdrawn"


async def test_restoring_is_refused_after_submissions_close_and_for_others(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest = await add_contest(db, "submissions")
    pat = await add_account(db, passwords, email="pat@uni.edu")
    sam = await add_account(db, passwords, email="sam@uni.edu", name="Sam")
    entry_id = await add_entry(db, storage, contest, pat, status="withdrawn")
    entry = await entry_store.get_entry(db, entry_id)
    late = contest.schedule.submissions_close + timedelta(minutes=1)

    with pytest.raises(Forbidden):
        await entry_store.restore_entry(db, entry=entry, contest=contest, user=sam, now=NOW)
    with pytest.raises(Conflict, match="Submissions for this contest have closed"):
        await entry_store.restore_entry(db, entry=entry, contest=contest, user=pat, now=late)

    assert await entry_store.restorable_ids(db, [entry], late) == set()
    assert (await entry_store.get_entry(db, entry_id))["status"] == "withdrawn"
