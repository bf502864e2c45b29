"""Likes from elsewhere: readings kept as snapshots, the latest counts, CSV imports all or
nothing, the audit trail, and People's Choice counted on them when the contest says so."""

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from contest.accounts.users import User
from contest.contests import store as contest_store
from contest.contests.model import Contest
from contest.core.db import Database
from contest.core.errors import Conflict, ValidationError
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.judging import results, winners
from contest.voting import external_likes, tallies
from tests.factories import (
    START,
    add_account,
    add_contest,
    add_entry,
    add_like,
    add_published_results,
)

pytestmark = pytest.mark.anyio
NOW = START
TITLES = ("Lamplight on the stacks", "First light on the steps", "Rain on the skylight")


async def setup(
    db: Database,
    passwords: Passwords,
    storage: LocalStorage,
    phase: str = "judging_and_voting",
    **settings: Any,
) -> tuple[Contest, User, list[int]]:
    """A contest with three approved entries and the organizer who records readings."""
    contest = await add_contest(db, phase, external_network="Facebook", **settings)
    organizer = await add_account(
        db, passwords, email="org@uni.edu", name="Olive Organizer", role="organizer"
    )
    author = await add_account(db, passwords, email="author@uni.edu", name="Ann Author")
    ids = [
        await add_entry(db, storage, contest, author, title=title, moderator=organizer)
        for title in TITLES
    ]
    return contest, organizer, ids


async def record(
    db: Database,
    contest: Contest,
    organizer: User,
    entry: object,
    likes: str,
    read_at: str = "2026-03-02 08:00",
) -> int:
    return await external_likes.record_reading(
        db,
        contest=contest,
        entry=str(entry),
        likes=likes,
        read_at=read_at,
        actor_id=organizer.id,
        now=NOW,
    )


async def test_each_reading_is_kept_and_the_latest_read_counts(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, organizer, ids = await setup(db, passwords, storage)
    await record(db, contest, organizer, ids[0], "40", "2026-03-01 18:00")
    await record(db, contest, organizer, f"#{ids[0]}", "1,250", "2026-03-02 08:30")
    await record(db, contest, organizer, ids[0], "35", "2026-02-28 12:00")  # typed late

    rows = await db.fetch_all(
        "SELECT likes, read_at, recorded_by, source FROM external_like_readings ORDER BY id"
    )
    assert [(r["likes"], r["read_at"]) for r in rows] == [
        (40, "2026-03-01T18:00:00Z"),
        (1250, "2026-03-02T08:30:00Z"),
        (35, "2026-02-28T12:00:00Z"),
    ]
    assert {(r["recorded_by"], r["source"]) for r in rows} == {(organizer.id, "form")}
    latest = await external_likes.latest_readings(db, contest.id)
    assert list(latest) == [ids[0]]
    assert latest[ids[0]].likes == 1250
    assert latest[ids[0]].recorded_by == "Olive Organizer"
    assert await tallies.outside_tallies(db, contest.id) == {ids[0]: 1250}
    shown = await external_likes.history(db, contest.id, entry_id=ids[0])
    assert [reading.likes for reading in shown] == [1250, 40, 35]


async def test_read_at_is_typed_in_the_contests_time_zone(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, organizer, ids = await setup(db, passwords, storage, timezone="Asia/Hong_Kong")
    await record(db, contest, organizer, ids[1], "12", "2026-03-02 16:45")
    stored = await db.fetch_value("SELECT read_at FROM external_like_readings")
    assert stored == "2026-03-02T08:45:00Z"


@pytest.mark.parametrize(
    ("likes", "message"),
    [
        ("-3", "cannot be negative"),
        ("100000001", "at most 100,000,000"),
        ("9" * 30, "whole number"),
        ("twelve", "whole number"),
        ("1.5", "whole number"),
        ("", "Type the number of likes"),
    ],
)
async def test_bad_counts_are_refused_and_nothing_is_stored(
    db: Database, passwords: Passwords, storage: LocalStorage, likes: str, message: str
) -> None:
    contest, organizer, ids = await setup(db, passwords, storage)
    with pytest.raises(ValidationError) as refused:
        await record(db, contest, organizer, ids[0], likes)
    assert message in refused.value.errors["likes"]
    assert await db.fetch_value("SELECT count(*) FROM external_like_readings") == 0
    assert await db.fetch_value("SELECT count(*) FROM audit_log") == 0


async def test_unknown_and_other_contests_entries_are_refused(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, organizer, _ = await setup(db, passwords, storage)
    other = await add_contest(db, "judging_and_voting", title="Another contest")
    author = await add_account(db, passwords, email="other@uni.edu")
    elsewhere = await add_entry(db, storage, other, author, title="Elsewhere", moderator=organizer)
    messages = []
    for entry in (elsewhere, 9999, "sixteen"):
        with pytest.raises(ValidationError) as refused:
            await record(db, contest, organizer, entry, "10")
        messages.append(refused.value.errors["entry"])
    assert messages == [
        f"#{elsewhere} is not an entry in this contest's gallery.",
        "#9999 is not an entry in this contest's gallery.",
        "Give the entry's number, such as 16 or #16.",
    ]
    assert await db.fetch_value("SELECT count(*) FROM external_like_readings") == 0


async def test_a_reading_from_the_future_is_refused(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, organizer, ids = await setup(db, passwords, storage)
    with pytest.raises(ValidationError) as refused:
        await record(db, contest, organizer, ids[0], "10", "2026-03-03 09:00")
    assert "still to come" in refused.value.errors["read_at"]


async def test_every_reading_is_in_the_contests_audit_log(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, organizer, ids = await setup(db, passwords, storage)
    await record(db, contest, organizer, ids[0], "240", "2026-03-02 08:00")
    rows = await db.fetch_all("SELECT * FROM audit_log")
    assert len(rows) == 1
    assert rows[0]["actor_id"] == organizer.id and rows[0]["action"] == "external_likes"
    assert rows[0]["details"] == (
        f"Facebook likes of entry #{ids[0]}: 240, read 2026-03-02 08:00 UTC (typed on the form)."
    )


def csv_file(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


async def test_a_csv_file_stores_every_reading_in_one_audited_import(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, organizer, ids = await setup(db, passwords, storage)
    data = csv_file(
        "Entry,Likes,Read at",
        f"#{ids[0]},120,2026-03-01 20:00",
        f"{ids[1]},75,",
        f'{ids[2]},"1,024",2026-03-02 07:00',
    )
    stored = await external_likes.import_readings(
        db,
        data,
        contest=contest,
        default_read_at="2026-03-02 08:55",
        actor_id=organizer.id,
        now=NOW,
    )
    assert stored == 3
    rows = await db.fetch_all(
        "SELECT entry_id, likes, read_at, source FROM external_like_readings ORDER BY id"
    )
    assert [tuple(row) for row in rows] == [
        (ids[0], 120, "2026-03-01T20:00:00Z", "csv"),
        (ids[1], 75, "2026-03-02T08:55:00Z", "csv"),
        (ids[2], 1024, "2026-03-02T07:00:00Z", "csv"),
    ]
    audit = await db.fetch_all("SELECT details, actor_id FROM audit_log")
    assert len(audit) == 1 and audit[0]["actor_id"] == organizer.id
    assert f"#{ids[0]}: 120, #{ids[1]}: 75, #{ids[2]}: 1,024" in audit[0]["details"]


async def test_a_csv_file_with_bad_lines_names_each_and_stores_nothing(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, organizer, ids = await setup(db, passwords, storage)
    data = csv_file(
        f"{ids[0]},120",
        "9999,3",
        f"{ids[1]},-4",
        "",
        f"{ids[2]},lots",
        f"{ids[0]},130",
        f"{ids[1]},10,2031-01-01 10:00",
    )
    with pytest.raises(external_likes.ImportRefused) as refused:
        await external_likes.import_readings(
            db,
            data,
            contest=contest,
            default_read_at="2026-03-02 08:00",
            actor_id=organizer.id,
            now=NOW,
        )
    problems = {problem.line: problem.reason for problem in refused.value.problems}
    assert sorted(problems) == [2, 3, 5, 6, 7]
    assert "not an entry in this contest" in problems[2]
    assert "negative" in problems[3]
    assert "whole number" in problems[5]
    assert "already on line 1" in problems[6]
    assert "still to come" in problems[7]
    assert "5 lines" in refused.value.errors["csv_file"]
    assert await db.fetch_value("SELECT count(*) FROM external_like_readings") == 0
    assert await db.fetch_value("SELECT count(*) FROM audit_log") == 0


async def test_a_workbook_or_empty_file_is_refused_with_a_reason(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, organizer, _ = await setup(db, passwords, storage)
    for data, words in ((b"PK\x03\x04rest", "spreadsheet"), (b"  \n", "Choose a CSV file")):
        with pytest.raises(ValidationError) as refused:
            await external_likes.import_readings(
                db, data, contest=contest, default_read_at="", actor_id=organizer.id, now=NOW
            )
        assert words in refused.value.errors["csv_file"]


async def outside_contest(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> tuple[Contest, User, list[int]]:
    """A contest past voting whose People's Choice counts Facebook likes, with on-site likes
    that favour the first entry and Facebook readings that favour the second."""
    contest, organizer, ids = await setup(
        db, passwords, storage, "awaiting_results", peoples_choice_basis="external"
    )
    voter = await add_account(db, passwords, email="voter@uni.edu")
    await add_like(db, contest, ids[0], voter, now=contest.schedule.voting_open)
    await record(db, contest, organizer, ids[0], "50", "2026-03-01 10:00")
    await record(db, contest, organizer, ids[1], "90", "2026-03-01 09:00")
    await record(db, contest, organizer, ids[1], "80", "2026-03-01 12:00")  # the latest counts
    await record(db, contest, organizer, ids[2], "80", "2026-03-01 11:00")
    return contest, organizer, ids


async def test_peoples_choice_on_outside_likes_picks_the_latest_readings_leader(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await outside_contest(db, passwords, storage)
    # ids[1] and ids[2] both stand at 80: ids[1]'s readings showed 80 or more first (09:00).
    assert await tallies.peoples_choice_outside(db, contest.id) == ids[1]
    assert await tallies.peoples_choice_for(db, contest) == ids[1]
    assert await tallies.peoples_choice(db, contest.id) == ids[0]  # on-site likes differ
    computed = await results.compute(db, contest)
    award = next(a for a in computed.awards if a.key == results.PEOPLES_CHOICE)
    assert award.entry_id == ids[1] and award.likes == 80
    assert "the most likes on Facebook" in award.note
    assert computed.by_entry[ids[0]].likes == 1
    assert computed.by_entry[ids[0]].outside_likes == 50


async def test_a_tie_goes_to_the_entry_whose_readings_showed_its_total_first(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, organizer, ids = await setup(db, passwords, storage, peoples_choice_basis="external")
    await record(db, contest, organizer, ids[2], "30", "2026-03-01 09:00")
    await record(db, contest, organizer, ids[0], "30", "2026-03-01 10:00")
    assert await tallies.peoples_choice_outside(db, contest.id) == ids[2]
    await record(db, contest, organizer, ids[0], "31", "2026-03-01 11:00")
    assert await tallies.peoples_choice_outside(db, contest.id) == ids[0]


async def test_the_winners_page_says_which_count_the_award_used(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, organizer, ids = await outside_contest(db, passwords, storage)
    await add_published_results(db, contest, organizer, now=NOW)
    shown = await winners.public_winners(db, contest, now=contest.schedule.results_at)
    assert shown is not None
    choice = next(w for w in shown if w["key"] == results.PEOPLES_CHOICE)
    assert choice["entry_id"] == ids[1]
    assert choice["wording"] == "Most Facebook likes"
    assert choice["likes"] == 80 and choice["network"] == "Facebook"


async def test_the_basis_is_locked_and_readings_refused_once_results_are_published(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, organizer, ids = await outside_contest(db, passwords, storage)
    await add_published_results(db, contest, organizer, now=NOW)
    changes: list[dict[str, Any]] = [
        {"peoples_choice_basis": "site"},
        {"external_network": "Instagram"},
    ]
    for change in changes:
        with pytest.raises(ValidationError) as refused:
            await contest_store.update_contest(
                db, contest.id, replace(contest.settings, **change), now=NOW
            )
        assert "can no longer change" in next(iter(refused.value.errors.values()))
    stored = await contest_store.get_contest(db, contest.id)
    assert stored.settings.peoples_choice_basis == "external"
    assert stored.settings.external_network == "Facebook"
    with pytest.raises(Conflict):
        await record(db, contest, organizer, ids[0], "500", "2026-03-02 08:00")
    assert await db.fetch_value("SELECT count(*) FROM external_like_readings") == 4


async def test_the_basis_may_change_before_publishing_and_is_audited(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, organizer, _ = await setup(db, passwords, storage)
    await contest_store.update_contest(
        db,
        contest.id,
        replace(contest.settings, peoples_choice_basis="external"),
        now=NOW + timedelta(minutes=1),
        actor_id=organizer.id,
    )
    details = await db.fetch_value("SELECT details FROM audit_log WHERE action = 'settings'")
    assert "People's Choice counts: “site” → “external”" in details
