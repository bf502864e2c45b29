"""No id that leaves the database is ever handed out again (schema 0014)."""

from pathlib import Path

import pytest

from contest.accounts.users import User
from contest.core.db import Database
from contest.core.migrations import MIGRATIONS
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.entries import store as entry_store
from contest.voting import tallies
from tests.factories import add_account, add_contest, add_entry, add_like

pytestmark = pytest.mark.anyio

OUTSIDE_IDS = ("users", "contests", "entries", "replies", "campaigns")
BEFORE_REBUILD = MIGRATIONS[: [m.name for m in MIGRATIONS].index("0014_ids_never_reused")]


async def test_a_new_entry_never_takes_the_number_of_a_deleted_one(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest = await add_contest(db, "judging_and_voting")
    author = await add_account(db, passwords, email="author@uni.edu")
    organizer = await add_account(db, passwords, email="chair@uni.edu", role="organizer")
    first = await add_entry(db, storage, contest, author, title="Trial one", moderator=organizer)
    for n in range(3):
        fan = await add_account(db, passwords, email=f"fan{n}@uni.edu")
        await add_like(db, contest, first, fan)
    entry = await entry_store.get_entry(db, first)
    await entry_store.delete_entry(db, storage, entry=entry, user=organizer)

    second = await add_entry(db, storage, contest, author, title="Trial two", moderator=organizer)

    assert second > first
    # The deleted entry's likes stay in the append-only log under its own number, so
    # replaying the log credits the new photo with nothing.
    assert await db.fetch_value("SELECT count(*) FROM like_events WHERE entry_id = ?", (first,))
    assert await tallies.tallies_from_log(db, contest.id) == {second: 0}
    assert await tallies.tallies(db, contest.id) == {second: 0}


@pytest.mark.sqlite_only
@pytest.mark.parametrize("table", OUTSIDE_IDS)
async def test_every_table_whose_ids_leave_the_database_counts_up_for_good(
    db: Database, table: str
) -> None:
    sql = await db.fetch_value("SELECT sql FROM sqlite_master WHERE name = ?", (table,))
    assert "id INTEGER PRIMARY KEY AUTOINCREMENT" in sql


async def _old_site(path: Path) -> None:
    """A database as the code before 0014 left it: a contest, an account, entries #1 and #2
    with likes, and an entry #3 that was deleted after someone liked it (its like events stay
    in the log). Raw SQL: the domain code of today expects the newest schema."""
    db = await Database.open(path, BEFORE_REBUILD)
    at = "2026-05-01T00:00:00+00:00"
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO users (email, display_name, role, password_hash, created_at)"
            " VALUES ('a@uni.edu', 'Ada', 'participant', 'x', ?)",
            (at,),
        )
        await tx.execute(
            "INSERT INTO contests (slug, title, hashtag, timezone, eligible_affiliations,"
            " max_entries_per_participant, submissions_open, submissions_close, judging_open,"
            " judging_close, voting_open, voting_close, results_at, created_at, updated_at)"
            " VALUES ('old', 'Old contest', '#old', 'Asia/Hong_Kong', 'student', 3,"
            " '2026-01-01', '2026-02-01', '2026-02-01', '2026-03-01', '2026-02-01',"
            " '2026-03-01', '2026-04-01', ?, ?)",
            (at, at),
        )
        for entry_id in (1, 2, 3):
            await tx.execute(
                "INSERT INTO entries (id, contest_id, participant_id, title, status, licence,"
                " consent_own_work, consent_people, original_sha256, dhash, image_format,"
                " width, height, thumb_key, thumb_width, thumb_height, display_key,"
                " display_width, display_height, master_key, created_at, updated_at)"
                " VALUES (?, 1, 1, ?, 'approved', 'contest', 1, 1, ?, 'd', 'JPEG', 10, 10,"
                " 't', 1, 1, 'd', 1, 1, 'm', ?, ?)",
                (entry_id, f"Entry {entry_id}", f"sha{entry_id}", at, at),
            )
            await tx.execute(
                "INSERT INTO likes (entry_id, voter, kind, address, created_at)"
                " VALUES (?, 'device:x', 'vote', '10.0.0.1', ?)",
                (entry_id, at),
            )
            await tx.execute(
                "INSERT INTO like_events (entry_id, voter, kind, action, address, at)"
                " VALUES (?, 'device:x', 'vote', 'like', '10.0.0.1', ?)",
                (entry_id, at),
            )
        await tx.execute("DELETE FROM entries WHERE id = 3")
    await db.close()


async def test_the_rebuild_keeps_every_row_and_number_and_counts_on_past_the_log(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    await _old_site(path)

    db = await Database.open(path)
    try:
        assert [r["id"] for r in await db.fetch_all("SELECT id FROM entries")] == [1, 2]
        # Foreign keys were off while the tables were dropped: no like went with them.
        assert await db.fetch_value("SELECT count(*) FROM likes") == 2
        assert await db.fetch_all("PRAGMA foreign_key_check") == []
        assert await db.fetch_value("PRAGMA foreign_keys") == 1
        names = await db.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'entries'"
        )
        assert {"entries_contest_status", "entries_participant"} <= {r["name"] for r in names}
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO entries (contest_id, participant_id, title, licence,"
                " consent_own_work, consent_people, original_sha256, dhash, image_format,"
                " width, height, thumb_key, thumb_width, thumb_height, display_key,"
                " display_width, display_height, master_key, created_at, updated_at)"
                " SELECT contest_id, participant_id, 'New', licence, 1, 1, 'new', dhash,"
                " image_format, width, height, thumb_key, 1, 1, display_key, 1, 1, 'm',"
                " created_at, updated_at FROM entries WHERE id = 1"
            )
        # Entry #3 is gone, but the like log still speaks of it: the next number is 4.
        assert await db.fetch_value("SELECT max(id) FROM entries") == 4
    finally:
        await db.close()


async def test_a_new_account_never_takes_the_number_of_a_removed_one(
    db: Database, passwords: Passwords
) -> None:
    kept = await add_account(db, passwords, email="kept@uni.edu")
    gone = await add_account(db, passwords, email="gone@uni.edu")
    async with db.transaction() as tx:  # no use case removes accounts yet; the schema must hold
        await tx.execute("DELETE FROM users WHERE id = ?", (gone.id,))
    newcomer: User = await add_account(db, passwords, email="new@uni.edu")
    assert newcomer.id > gone.id > kept.id
