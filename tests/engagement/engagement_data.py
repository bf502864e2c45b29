"""A contest built with known engagement figures, for the domain and the web tests.

The contest runs in Hong Kong time (UTC+8), so an entry sent at 17:00 UTC lands on the next day.
Expected figures are written out by hand in the tests; this module only builds the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from contest.accounts import users
from contest.contests import store as contest_store
from contest.contests.model import Contest
from contest.core.db import Database, Transaction
from contest.core.security import Passwords
from contest.demo.contests import demo_settings
from tests.factories import insert_entry

TZ = "Asia/Hong_Kong"
NOW = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)  # 18:00 on 7 March in Hong Kong
PASSWORD = "correct horse battery"
ORGANIZER_EMAIL = "orla@uni.edu"

#: email -> (name, role, affiliation, department)
PEOPLE = {
    "sam@uni.edu": ("Sam Student", "participant", "student", "CIVL"),
    "sue@uni.edu": ("Sue Student", "participant", "student", "CIVL"),
    "sid@uni.edu": ("Sid Student", "participant", "student", "COMP"),
    "stella@uni.edu": ("Stella Staff", "participant", "staff", "LIB"),
    "al@uni.edu": ("Al Alumnus", "participant", "alumni", ""),
    ORGANIZER_EMAIL: ("Orla Organizer", "organizer", "staff", "LIB"),
    "judge1@uni.edu": ("Judge One", "judge", "staff", "ARTS"),
    "judge2@uni.edu": ("Judge Two", "judge", "other", "ARTS"),
    **{f"fan{i}@uni.edu": (f"Fan {i}", "participant", "student", "MATH") for i in range(1, 5)},
}

#: key -> (author, title, status, category, created at UTC)
ENTRIES = {
    "lamplight": ("sam@uni.edu", "Lamplight", "approved", "Night", "2026-03-02T01:00:00Z"),
    "steps": ("sam@uni.edu", "Steps", "approved", "Day", "2026-03-02T17:00:00Z"),  # HK 3 Mar
    "moon": ("sue@uni.edu", "Moon", "approved", "Night", "2026-03-04T02:00:00Z"),
    "atrium": ("sid@uni.edu", "Atrium", "pending", "Day", "2026-03-04T03:00:00Z"),
    "shift": ("stella@uni.edu", "Night shift", "rejected", "Night", "2026-03-02T02:00:00Z"),
    "wing": ("al@uni.edu", "Old wing", "withdrawn", None, "2026-03-02T03:00:00Z"),
    "stacks": ("stella@uni.edu", "Stacks", "approved", "Day", "2026-03-07T01:00:00Z"),
}

#: key -> when the approved entry was approved (UTC): the staff-response clock starts there.
APPROVED_AT = {
    "lamplight": "2026-03-02T01:00:00Z",
    "steps": "2026-03-05T09:00:00Z",  # approved three days late
    "moon": "2026-03-04T04:00:00Z",
    "stacks": "2026-03-07T01:00:00Z",
}


@dataclass(frozen=True)
class Known:
    """The built contest, its entries by key and its people by email."""

    contest: Contest
    entries: dict[str, int]
    users: dict[str, int]


async def _contest(db: Database, title: str, opens: datetime) -> Contest:
    settings = replace(demo_settings(opens, TZ), title=title, min_judges_per_entry=2)
    return await contest_store.create_contest(db, settings, created_by=None, now=opens)


async def empty_contest(db: Database) -> Contest:
    """A contest with nothing in it yet."""
    return await _contest(db, "Nothing Yet at the Library", NOW)


async def _like(
    tx: Transaction, entry: int, voter: str, kind: str, at: str, voided: bool = False
) -> None:
    await tx.execute(
        "INSERT INTO likes (entry_id, voter, kind, address, created_at, voided_at, void_reason)"
        " VALUES (?, ?, ?, '10.0.0.1', ?, ?, ?)",
        (entry, voter, kind, at, at if voided else None, "burst" if voided else None),
    )


async def build(db: Database, passwords: Passwords) -> Known:
    """The contest with known numbers, an earlier one (Sue entered it) and a later one."""
    people = {
        email: await users.create_user(
            db,
            passwords,
            email=email,
            display_name=name,
            password=PASSWORD,
            role=role,
            affiliation=affiliation,
            department=department,
            now=NOW - timedelta(days=90),
        )
        for email, (name, role, affiliation, department) in PEOPLE.items()
    }
    earlier = await _contest(db, "Autumn at the Library", NOW - timedelta(days=120))
    contest = await _contest(db, "Day and Night at the Library", NOW - timedelta(days=3))
    later = await _contest(db, "Summer at the Library", NOW + timedelta(days=120))
    categories = {
        row["name"]: row["id"]
        for row in await db.fetch_all(
            "SELECT id, name FROM categories WHERE contest_id = ?", (contest.id,)
        )
    }
    ids: dict[str, int] = {}
    async with db.transaction() as tx:
        for key, (author, title, status, category, at) in ENTRIES.items():
            ids[key] = await insert_entry(tx, contest.id, people[author], title, status)
            await tx.execute(
                "UPDATE entries SET created_at = ?, category_id = ?, moderated_at = ? WHERE id = ?",
                (at, categories.get(category or ""), APPROVED_AT.get(key), ids[key]),
            )
        old = await insert_entry(tx, earlier.id, people["sue@uni.edu"], "Autumn leaves", "approved")
        await insert_entry(tx, later.id, people["sam@uni.edu"], "Summer sun", "approved")
        await _like(tx, old, "user:99", "vote", "2025-11-10T01:00:00Z")  # another contest's

        lamplight, steps, moon = ids["lamplight"], ids["steps"], ids["moon"]
        # Counted likes: HK 5 Mar (1), HK 6 Mar (3); one voided like; two Library picks.
        await _like(tx, lamplight, "user:fan1", "vote", "2026-03-05T15:30:00Z")
        await _like(tx, lamplight, "user:fan2", "vote", "2026-03-05T16:30:00Z")
        await _like(tx, lamplight, "user:fan3", "vote", "2026-03-06T01:00:00Z")
        await _like(tx, steps, "user:fan1", "vote", "2026-03-06T02:00:00Z")
        await _like(tx, moon, "user:fan4", "vote", "2026-03-07T01:00:00Z", voided=True)
        await _like(tx, lamplight, "user:orla", "pick", "2026-03-06T03:00:00Z")
        await _like(tx, moon, "user:orla", "pick", "2026-03-06T03:05:00Z")

        views = [
            (lamplight, "2026-03-05", "a", ""),
            (lamplight, "2026-03-05", "b", ""),
            (lamplight, "2026-03-07", "a", "whatsapp"),
            (steps, "2026-03-05", "c", ""),
            (moon, "2026-03-07", "a", "facebook"),
        ]
        await tx.execute_many(
            "INSERT INTO entry_views (entry_id, day, visitor, source) VALUES (?, ?, ?, ?)", views
        )
        shares = [
            (lamplight, "whatsapp", "2026-03-05T10:00:00Z"),  # HK 5 Mar
            (lamplight, "whatsapp", "2026-03-06T17:00:00Z"),  # HK 7 Mar
            (lamplight, "facebook", "2026-03-07T02:00:00Z"),  # HK 7 Mar
            (steps, "x", "2026-03-05T20:00:00Z"),  # HK 6 Mar
        ]
        await tx.execute_many(
            "INSERT INTO share_clicks (entry_id, network, at) VALUES (?, ?, ?)", shares
        )
        tags = [
            (lamplight, "nightowls"),
            (lamplight, "library"),
            (steps, "morning"),
            (steps, "library"),
            (moon, "nightowls"),
            (moon, "moon"),
            (moon, "library"),
            (ids["shift"], "library"),  # rejected: not counted
        ]
        # Every entry carries the contest's official hashtag (see contest/entry_text.py).
        tags += [(entry, "dayandnightatthelibrary") for entry in ids.values()]
        await tx.execute_many("INSERT INTO entry_hashtags (entry_id, tag) VALUES (?, ?)", tags)
        organizer = people[ORGANIZER_EMAIL]
        replies = [
            (lamplight, "2026-03-02T03:00:00Z"),  # after 2 hours
            (lamplight, "2026-03-03T00:00:00Z"),  # a second reply: not the first
            (steps, "2026-03-05T17:00:00Z"),  # 3 days after submission, 8 hours after approval
            (ids["atrium"], "2026-03-04T03:30:00Z"),  # pending (not public yet): not counted
            (ids["shift"], "2026-03-02T02:10:00Z"),  # rejected entry: not counted
        ]
        await tx.execute_many(
            "INSERT INTO replies (entry_id, author_id, body, created_at)"
            " VALUES (?, ?, 'Thanks!', ?)",
            [(entry, organizer, at) for entry, at in replies],
        )
        judges = [people["judge1@uni.edu"], people["judge2@uni.edu"]]
        for judge in judges:
            await tx.execute(
                "INSERT INTO contest_judges (contest_id, user_id) VALUES (?, ?)",
                (contest.id, judge),
            )
        for entry, judge in [(lamplight, judges[0]), (lamplight, judges[1]), (steps, judges[0])]:
            await tx.execute(
                "INSERT INTO reviews (entry_id, judge_id, created_at, updated_at)"
                " VALUES (?, ?, 'x', 'x')",
                (entry, judge),
            )
    return Known(contest, ids, people)


async def publish_results(db: Database, known: Known) -> None:
    """Results out: "Steps" is champion, "Lamplight" People's Choice."""
    async with db.transaction() as tx:
        for award, key in [("champion", "steps"), ("peoples_choice", "lamplight")]:
            await tx.execute(
                "INSERT INTO awards (contest_id, award, entry_id, decided_at) VALUES (?, ?, ?, ?)",
                (known.contest.id, award, known.entries[key], "2026-03-07T09:00:00Z"),
            )
        await tx.execute(
            "UPDATE contests SET results_published_at = ? WHERE id = ?",
            ("2026-03-07T09:00:00Z", known.contest.id),
        )
