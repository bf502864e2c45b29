"""A contest's cover: an approved entry or an uploaded photo, never a withdrawn or rejected one."""

from datetime import timedelta

import anyio
import pytest

from contest.accounts.users import User
from contest.contests.model import Contest
from contest.contests.phases import Phase
from contest.core.db import Database
from contest.core.errors import ValidationError
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.entries import moderation
from contest.entries import store as entry_store
from contest.gallery import covers
from contest.media.photos import sweep_unreferenced_files
from tests.factories import START, add_account, add_contest, add_entry, photo_bytes

pytestmark = pytest.mark.anyio


async def _contest_with_entries(
    db: Database, storage: LocalStorage
) -> tuple[Contest, User, User, int, int]:
    """A contest taking entries, Ann, an organizer, Ann's approved entry and her pending one."""
    passwords = Passwords(fast=True)
    contest = await add_contest(db, Phase.SUBMISSIONS)
    ann = await add_account(db, passwords, email="ann@uni.edu")
    boss = await add_account(db, passwords, email="boss@uni.edu", role="organizer")
    approved = await add_entry(db, storage, contest, ann, title="Lamps at dusk", moderator=boss)
    pending = await add_entry(db, storage, contest, ann, title="Stacks", status="pending")
    return contest, ann, boss, approved, pending


async def test_an_approved_entry_becomes_the_cover_with_its_own_files_and_alt_text(
    db: Database, storage: LocalStorage
) -> None:
    contest, _, boss, approved, _pending = await _contest_with_entries(db, storage)
    assert [row["id"] for row in await covers.cover_choices(db, contest.id)] == [approved]
    await covers.choose_entry(
        db, storage, contest_id=contest.id, entry_id=approved, user_id=boss.id, now=START
    )
    cover = await covers.cover_of(db, contest.id)
    entry = await entry_store.get_entry(db, approved)
    assert cover is not None
    assert (cover.entry_id, cover.display_key, cover.thumb_key) == (
        approved,
        entry["display_key"],
        entry["thumb_key"],
    )
    assert cover.alt_text == "A photo: Lamps at dusk"
    assert await covers.covers_of(db, [contest.id, 999]) == {contest.id: cover}
    assert await db.fetch_value("SELECT details FROM audit_log WHERE action = 'cover'") == (
        f"cover: entry #{approved}"
    )


async def test_a_pending_or_foreign_entry_cannot_be_the_cover(
    db: Database, storage: LocalStorage
) -> None:
    contest, _, boss, _, pending = await _contest_with_entries(db, storage)
    for entry_id in (pending, 12345, None):
        with pytest.raises(ValidationError) as refused:
            await covers.choose_entry(
                db, storage, contest_id=contest.id, entry_id=entry_id, user_id=boss.id, now=START
            )
        assert "entry_id" in refused.value.errors
    assert await db.fetch_all("SELECT * FROM contest_covers") == []


async def test_a_cover_entry_that_is_rejected_or_withdrawn_stops_being_shown(
    db: Database, storage: LocalStorage
) -> None:
    contest, ann, boss, approved, _ = await _contest_with_entries(db, storage)
    await covers.choose_entry(
        db, storage, contest_id=contest.id, entry_id=approved, user_id=boss.id, now=START
    )
    await moderation.moderate(
        db,
        contest=contest,
        entry_ids=[approved],
        action="reject",
        reason="Off theme.",
        moderator=boss,
        now=START + timedelta(minutes=5),
    )
    assert await covers.cover_of(db, contest.id) is None
    assert await covers.covers_of(db, [contest.id]) == {}
    withdrawn = await add_entry(db, storage, contest, ann, title="Gone", moderator=boss)
    await covers.choose_entry(
        db, storage, contest_id=contest.id, entry_id=withdrawn, user_id=boss.id, now=START
    )
    entry = await entry_store.get_entry(db, withdrawn)
    await entry_store.withdraw_entry(
        db, entry=entry, contest=contest, user=ann, now=START + timedelta(minutes=9)
    )
    assert await db.fetch_value("SELECT status FROM entries WHERE id = ?", (withdrawn,)) == (
        "withdrawn"
    )
    assert await covers.cover_of(db, contest.id) is None


async def test_an_uploaded_cover_keeps_only_its_display_and_thumbnail_and_survives_the_sweep(
    db: Database, storage: LocalStorage
) -> None:
    contest, _, boss, _, _ = await _contest_with_entries(db, storage)
    before = set(storage.all_keys())
    await covers.upload_cover(
        db,
        storage,
        photo_bytes(7, size=(1200, 500)),
        contest_id=contest.id,
        alt_text="  The reading room at dusk ",
        user_id=boss.id,
        now=START,
        limiter=anyio.CapacityLimiter(1),
    )
    cover = await covers.cover_of(db, contest.id)
    assert cover is not None and cover.entry_id is None
    assert cover.alt_text == "The reading room at dusk"
    assert (cover.display_width, cover.display_height) == (1200, 500)
    assert set(storage.all_keys()) - before == {cover.display_key, cover.thumb_key}
    await sweep_unreferenced_files(db, storage, min_age=timedelta())
    assert storage.exists(cover.display_key) and storage.exists(cover.thumb_key)
    await covers.remove_cover(db, storage, contest_id=contest.id, user_id=boss.id, now=START)
    assert await covers.cover_of(db, contest.id) is None
    assert not storage.exists(cover.display_key)


async def test_an_upload_without_alt_text_or_photo_names_both_fields_and_stores_nothing(
    db: Database, storage: LocalStorage
) -> None:
    contest, _, boss, _, _ = await _contest_with_entries(db, storage)
    with pytest.raises(ValidationError) as refused:
        await covers.upload_cover(
            db,
            storage,
            b"",
            contest_id=contest.id,
            alt_text=" ",
            user_id=boss.id,
            now=START,
            limiter=anyio.CapacityLimiter(1),
        )
    assert set(refused.value.errors) == {"alt_text", "photo"}
    assert await db.fetch_all("SELECT * FROM contest_covers") == []


async def test_choosing_an_entry_after_an_upload_deletes_the_uploaded_files(
    db: Database, storage: LocalStorage
) -> None:
    contest, _, boss, approved, _ = await _contest_with_entries(db, storage)
    await covers.upload_cover(
        db,
        storage,
        photo_bytes(9, size=(800, 400)),
        contest_id=contest.id,
        alt_text="Books",
        user_id=boss.id,
        now=START,
        limiter=anyio.CapacityLimiter(1),
    )
    uploaded = await covers.cover_of(db, contest.id)
    assert uploaded is not None
    await covers.choose_entry(
        db, storage, contest_id=contest.id, entry_id=approved, user_id=boss.id, now=START
    )
    assert not storage.exists(uploaded.display_key)
    chosen = await covers.cover_of(db, contest.id)
    assert chosen is not None and chosen.entry_id == approved
