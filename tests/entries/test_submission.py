"""The entry form's use cases without HTTP: entering a photo, refusals that keep the photo,
changing an entry."""

from __future__ import annotations

from dataclasses import replace

import anyio
import pytest

from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.db import Database
from contest.core.errors import Forbidden
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.entries import submission
from contest.entries.submission import Refusal
from tests.factories import START, add_account, add_contest, entry_form, photo_bytes

pytestmark = pytest.mark.anyio


async def _people(db: Database, passwords: Passwords) -> tuple[Contest, User]:
    contest = await add_contest(db, "submissions")
    author = await add_account(db, passwords, email="ann@uni.edu", name="Ann Lee")
    return contest, author


async def _submit(
    db: Database, storage: LocalStorage, contest: Contest, author: User, **form: str
) -> int | Refusal:
    photo = form.pop("photo", "")
    posted = submission.Posted(
        contest=contest,
        user=author,
        form=entry_form(form.pop("title", "Evening over the stacks"), **form),
        photo=photo_bytes(3) if photo == "" else b"",
        now=START,
    )
    return await submission.submit_photo(db, storage, posted, limiter=anyio.CapacityLimiter(1))


def _files(storage: LocalStorage) -> set[str]:
    return {str(path) for path in storage.root.rglob("*") if path.is_file()}


async def test_a_photo_entered_is_stored_pending_with_its_files(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, author = await _people(db, passwords)
    entry_id = await _submit(db, storage, contest, author)
    assert isinstance(entry_id, int)
    row = await db.fetch_one("SELECT * FROM entries WHERE id = ?", (entry_id,))
    assert (row["status"], row["title"], row["participant_id"]) == (
        "pending",
        "Evening over the stacks",
        author.id,
    )
    assert storage.exists(row["display_key"]) and storage.exists(row["thumb_key"])


async def test_a_form_with_errors_holds_the_photo_for_the_next_try(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, author = await _people(db, passwords)
    refused = await _submit(db, storage, contest, author, title="")
    assert isinstance(refused, Refusal)
    assert set(refused.errors) == {"title"}
    assert refused.held is not None and refused.upload_token
    assert await db.fetch_value("SELECT count(*) FROM uploads") == 1
    assert await db.fetch_value("SELECT count(*) FROM entries") == 0

    entry_id = await _submit(
        db, storage, contest, author, upload_token=refused.upload_token, photo="none"
    )
    assert isinstance(entry_id, int)
    stored = await db.fetch_one("SELECT display_key FROM entries WHERE id = ?", (entry_id,))
    assert stored["display_key"] == refused.held.display_key
    assert await db.fetch_value("SELECT count(*) FROM uploads") == 0


async def test_no_photo_at_all_is_asked_for(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, author = await _people(db, passwords)
    refused = await _submit(db, storage, contest, author, photo="none")
    assert isinstance(refused, Refusal)
    assert refused.errors == {"photo": submission.NO_PHOTO}
    assert refused.upload_token == ""


async def test_the_same_photo_twice_is_refused_and_leaves_no_files(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, author = await _people(db, passwords)
    await _submit(db, storage, contest, author)
    before = _files(storage)
    refused = await _submit(db, storage, contest, author, title="Evening again")
    assert isinstance(refused, Refusal)
    assert refused.errors == {"photo": submission.DUPLICATE_OF_OWN}
    assert _files(storage) == before
    assert await db.fetch_value("SELECT count(*) FROM entries") == 1


async def test_the_entry_form_says_why_a_person_may_not_enter(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, author = await _people(db, passwords)
    sorted_contest = await add_contest(db, "submissions", categories=("Day", "Night"))
    open_form = await submission.entry_form(db, contest=sorted_contest, user=author, now=START)
    assert open_form.problem is None
    assert [row["name"] for row in open_form.categories] == ["Day", "Night"]

    limited = replace(contest, settings=replace(contest.settings, max_entries_per_participant=1))
    await _submit(db, storage, limited, author)
    full = await submission.entry_form(db, contest=limited, user=author, now=START)
    assert full.problem is not None and "1" in full.problem

    closed = await add_contest(db, "judging", title="Closed contest")
    late = await submission.entry_form(db, contest=closed, user=author, now=START)
    assert late.problem is not None


async def test_changing_an_entry_keeps_its_photo_and_refuses_bad_text(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, author = await _people(db, passwords)
    entry_id = await _submit(db, storage, contest, author)
    assert isinstance(entry_id, int)
    entry = await db.fetch_one("SELECT * FROM entries WHERE id = ?", (entry_id,))

    async def change(title: str) -> Refusal | None:
        posted = submission.Posted(contest, author, entry_form(title), b"", START)
        return await submission.change_entry(
            db, storage, posted, entry=entry, limiter=anyio.CapacityLimiter(1)
        )

    refused = await change("")
    assert isinstance(refused, Refusal) and "title" in refused.errors
    assert await change("Night falls on the stacks") is None
    changed = await db.fetch_one("SELECT title, display_key FROM entries WHERE id = ?", (entry_id,))
    assert changed["title"] == "Night falls on the stacks"
    assert changed["display_key"] == entry["display_key"]


async def test_only_the_author_may_open_an_entry_to_change_it_as_it_stands(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, author = await _people(db, passwords)
    entry_id = await _submit(db, storage, contest, author, hashtags="#dusk #stacks")
    assert isinstance(entry_id, int)
    entry, found = await submission.own_entry(db, entry_id, author)
    assert found.id == contest.id
    stranger = await add_account(db, passwords, email="sam@uni.edu", name="Sam Poe")
    with pytest.raises(Forbidden):
        await submission.own_entry(db, entry_id, stranger)

    form = await submission.entry_form(db, contest=contest, user=author, entry=entry, now=START)
    assert form.values.get("title") == "Evening over the stacks"
    assert form.values.get("hashtags") == "#dusk #stacks"  # the official tag is added anyway
    assert form.problem is None
    later = contest.schedule.submissions_close
    closed = await submission.entry_form(db, contest=contest, user=author, entry=entry, now=later)
    assert closed.problem is not None


async def test_a_title_is_stored_without_control_or_bidi_override_characters(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, author = await _people(db, passwords)
    entry_id = await _submit(db, storage, contest, author, title="Cafe\u0301\x00 \u202egnp.exe")
    assert isinstance(entry_id, int)
    title = await db.fetch_value("SELECT title FROM entries WHERE id = ?", (entry_id,))
    assert title == "Caf\u00e9 gnp.exe"
