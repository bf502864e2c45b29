"""Entry rules at the domain level: eligibility, limits under concurrency, and file cleanup."""

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import anyio
import pytest

from contest.accounts.users import User
from contest.core.db import Database
from contest.core.errors import Conflict, ValidationError
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.entries import store as entry_store
from contest.entries.text import EntryText
from contest.media.photos import StoredPhoto, process_upload, release_files
from tests.factories import START, add_account, add_contest, photo_bytes

pytestmark = pytest.mark.anyio
NOW = START
TEXT = EntryText("Lamplight", "Quiet evening.", "Quiet evening.", ("librarylight",))


async def participant(db: Database, passwords: Passwords, affiliation: str = "student") -> User:
    return await add_account(
        db, passwords, email=f"{affiliation}@uni.edu", name="Pat", affiliation=affiliation
    )


async def photo(storage: LocalStorage, seed: int) -> StoredPhoto:
    return await process_upload(storage, photo_bytes(seed), limiter=anyio.CapacityLimiter(1))


async def test_eligibility_follows_role_affiliation_and_phase(
    db: Database, passwords: Passwords
) -> None:
    contest = await add_contest(db, "submissions", eligible_affiliations=("student", "staff"))
    student = await participant(db, passwords)
    alum = await participant(db, passwords, "alumni")
    assert entry_store.submission_problem(contest, student, NOW) is None
    assert "open to: student, staff" in str(entry_store.submission_problem(contest, alum, NOW))
    assert "Sign in" in str(entry_store.submission_problem(contest, None, NOW))
    judge = replace(student, role="judge")
    assert "Only participants" in str(entry_store.submission_problem(contest, judge, NOW))
    assert "closed" in str(
        entry_store.submission_problem(contest, student, NOW + timedelta(days=30))
    )
    assert "not open yet" in str(
        entry_store.submission_problem(contest, student, NOW - timedelta(days=30))
    )


async def test_entry_limit_holds_under_concurrent_submissions(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    storage = LocalStorage(tmp_path / "media")
    contest = await add_contest(db, "submissions", max_entries_per_participant=3)
    student = await participant(db, passwords)
    photos = [await photo(storage, seed) for seed in range(8)]
    outcomes: list[str] = []

    async def enter(item: StoredPhoto) -> None:
        try:
            await entry_store.submit_entry(
                db,
                contest=contest,
                user=student,
                text=TEXT,
                choices=entry_store.Choices(None, "contest"),
                photo=item,
                now=NOW,
            )
            outcomes.append("stored")
        except Conflict:
            outcomes.append("refused")

    async with anyio.create_task_group() as tasks:
        for item in photos:
            tasks.start_soon(enter, item)
    assert sorted(outcomes) == ["refused"] * 5 + ["stored"] * 3
    assert await entry_store.count_entries(db, contest_id=contest.id, user_id=student.id) == 3


async def test_same_photo_twice_is_stopped_by_the_schema(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    storage = LocalStorage(tmp_path / "media")
    contest = await add_contest(db, "submissions")
    student = await participant(db, passwords)
    item = await photo(storage, 1)
    choices = entry_store.Choices(None, "contest")
    await entry_store.submit_entry(
        db, contest=contest, user=student, text=TEXT, choices=choices, photo=item, now=NOW
    )
    with pytest.raises(ValidationError, match="already entered"):
        await entry_store.submit_entry(
            db, contest=contest, user=student, text=TEXT, choices=choices, photo=item, now=NOW
        )


async def test_files_shared_by_two_entries_survive_deleting_one(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    storage = LocalStorage(tmp_path / "media")
    first = await add_contest(db, "submissions")
    second = await add_contest(db, "submissions")
    student = await participant(db, passwords)
    item = await photo(storage, 3)
    choices = entry_store.Choices(None, "contest")
    ids = [
        await entry_store.submit_entry(
            db, contest=c, user=student, text=TEXT, choices=choices, photo=item, now=NOW
        )
        for c in (first, second)
    ]
    organizer = replace(student, role="organizer")
    await entry_store.delete_entry(
        db, storage, entry=await entry_store.get_entry(db, ids[0]), user=organizer
    )
    assert all(storage.exists(key) for key in item.keys)
    await entry_store.delete_entry(
        db, storage, entry=await entry_store.get_entry(db, ids[1]), user=organizer
    )
    assert storage.all_keys() == []


async def test_release_keeps_files_still_held_for_a_corrected_form(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    from contest.media.photos import keep_upload

    storage = LocalStorage(tmp_path / "media")
    student = await participant(db, passwords)
    item = await photo(storage, 4)
    await keep_upload(db, photo=item, user_id=student.id, now=NOW)
    await release_files(db, storage, item.keys)
    assert all(storage.exists(key) for key in item.keys)
