"""A contest built with known engagement figures, for the domain and the web tests.

The contest runs in Hong Kong time (UTC+8), so an entry sent at 17:00 UTC lands on the next day.
Submissions opened on 1 March (18:00 in Hong Kong) with public voting beside them; judging and
voting closed on the morning of 7 March, and the results are announced on 23 March. Expected
figures are written out by hand in the tests; this module only builds the data, through the
factories (the domain's own functions), at the times given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from contest.accounts import users
from contest.accounts.users import User
from contest.contests import store as contest_store
from contest.contests.model import Contest
from contest.contests.phases import Schedule
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from tests.factories import (
    PASSWORD,
    add_account,
    add_contest,
    add_entry,
    add_like,
    add_published_results,
    add_reply,
    add_scores,
    add_share,
    add_view,
    add_voided_like,
    storage_beside,
)

TZ = "Asia/Hong_Kong"
NOW = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)  # 18:00 on 7 March in Hong Kong
ORGANIZER_EMAIL = "orla@uni.edu"


def at(text: str) -> datetime:
    """A UTC moment from ``2026-03-02T01:00``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


CATEGORIES = ("Day", "Night")
#: What the known contest and the empty one share.
SETTINGS: dict[str, Any] = {
    "timezone": TZ,
    "hashtag": "DayAndNightAtTheLibrary",
    "categories": CATEGORIES,
    "min_judges_per_entry": 2,
}
CALENDAR = Schedule(
    submissions_open=at("2026-03-01T10:00"),
    submissions_close=at("2026-03-07T02:00"),
    judging_open=at("2026-03-07T02:00"),
    judging_close=at("2026-03-07T08:00"),
    voting_open=at("2026-03-01T10:00"),
    voting_close=at("2026-03-07T08:00"),
    results_at=at("2026-03-23T10:00"),
)
JUDGED_AT = at("2026-03-07T03:00")
PUBLISHED_AT = at("2026-03-07T09:00")
#: A category the organizers dropped after Al's entry: that entry has none now.
DROPPED = "Other"

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

#: key -> (author, title, status, category, created at UTC, hashtags besides the official one)
ENTRIES = {
    "lamplight": (
        "sam@uni.edu",
        "Lamplight",
        "approved",
        "Night",
        "2026-03-02T01:00",
        "nightowls library",
    ),
    "steps": ("sam@uni.edu", "Steps", "approved", "Day", "2026-03-02T17:00", "morning library"),
    "moon": (
        "sue@uni.edu",
        "Moon",
        "approved",
        "Night",
        "2026-03-04T02:00",
        "nightowls moon library",
    ),
    "atrium": ("sid@uni.edu", "Atrium", "pending", "Day", "2026-03-04T03:00", ""),
    "shift": ("stella@uni.edu", "Night shift", "rejected", "Night", "2026-03-02T02:00", "library"),
    "wing": ("al@uni.edu", "Old wing", "withdrawn", DROPPED, "2026-03-02T03:00", ""),
    "stacks": ("stella@uni.edu", "Stacks", "approved", "Day", "2026-03-07T01:00", ""),
}

#: key -> when the approved entry was approved (UTC): the staff-response clock starts there.
APPROVED_AT = {
    "lamplight": "2026-03-02T01:00",
    "steps": "2026-03-05T09:00",  # approved three days late
    "moon": "2026-03-04T04:00",
    "stacks": "2026-03-07T01:00",
}


@dataclass(frozen=True)
class Known:
    """The built contest, its entries by key and its people by email."""

    contest: Contest
    entries: dict[str, int]
    users: dict[str, int]


async def empty_contest(db: Database) -> Contest:
    """A contest with nothing in it yet (taking submissions at ``NOW``)."""
    return await add_contest(
        db, "submissions", now=NOW, title="Nothing Yet at the Library", **SETTINGS
    )


async def build(db: Database, passwords: Passwords, storage: LocalStorage | None = None) -> Known:
    """The contest with known numbers, an earlier one (Sue entered it) and a later one. Photos
    go to ``storage``, by default the media folder beside the database."""
    storage = storage or await storage_beside(db)
    people: dict[str, User] = {}
    for email, (name, role, affiliation, department) in PEOPLE.items():
        people[email] = await add_account(
            db,
            passwords,
            email=email,
            name=name,
            role=role,
            affiliation=affiliation,
            department=department,
            password=PASSWORD,  # every account's, for the web tests to sign in with
            now=NOW - timedelta(days=90),
        )
    organizer = people[ORGANIZER_EMAIL]
    earlier = await add_contest(
        db, "submissions", now=NOW - timedelta(days=120), title="Autumn at the Library", timezone=TZ
    )
    contest = await add_contest(
        db,
        "awaiting_results",  # at NOW, by its calendar
        now=NOW,
        title="Day and Night at the Library",
        schedule=CALENDAR,
        eligible_affiliations=("student", "staff", "alumni"),
        **SETTINGS | {"categories": (*CATEGORIES, DROPPED)},
    )
    later = await add_contest(
        db, "submissions", now=NOW + timedelta(days=120), title="Summer at the Library", timezone=TZ
    )

    ids: dict[str, int] = {}
    for key, (author, title, status, category, created, tags) in ENTRIES.items():
        ids[key] = await add_entry(
            db,
            storage,
            contest,
            people[author],
            title=title,
            status=status,
            moderator=organizer,
            category=category,
            hashtags=tags,
            entered=at(created),
            now=at(APPROVED_AT.get(key, created)),
        )
    # The organizers dropped a category afterwards: Al's entry in it has none now.
    contest = await contest_store.update_contest(
        db, contest.id, replace(contest.settings, categories=CATEGORIES), now=NOW
    )
    for other, author, title in (
        (earlier, "sue@uni.edu", "Autumn leaves"),
        (later, "sam@uni.edu", "Summer sun"),
    ):
        entered = other.schedule.submissions_open + timedelta(hours=1)
        entry = await add_entry(
            db,
            storage,
            other,
            people[author],
            title=title,
            moderator=organizer,
            entered=entered,
            now=entered,
        )
        if other is earlier:  # another contest's like
            await add_like(db, other, entry, people["fan1@uni.edu"], now=other.schedule.voting_open)

    lamplight, steps, moon = ids["lamplight"], ids["steps"], ids["moon"]
    # Counted likes: HK 5 Mar (1), HK 6 Mar (3); one voided like; two Library picks.
    for entry, fan, when in (
        (lamplight, "fan1", "2026-03-05T15:30"),
        (lamplight, "fan2", "2026-03-05T16:30"),
        (lamplight, "fan3", "2026-03-06T01:00"),
        (steps, "fan1", "2026-03-06T02:00"),
    ):
        await add_like(db, contest, entry, people[f"{fan}@uni.edu"], now=at(when))
    await add_voided_like(
        db,
        contest,
        moon,
        people["fan4@uni.edu"],
        organizer=organizer,
        reason="burst",
        now=at("2026-03-07T01:00"),
    )
    await add_like(db, contest, lamplight, organizer, now=at("2026-03-06T03:00"))  # picks
    await add_like(db, contest, moon, organizer, now=at("2026-03-06T03:05"))

    # Views on HK 5 Mar (noon) and 7 Mar (10:00), two of them arriving from shared links.
    for entry, when, visitor, source in (
        (lamplight, "2026-03-05T04:00", "a", ""),
        (lamplight, "2026-03-05T04:00", "b", ""),
        (lamplight, "2026-03-07T02:00", "a", "whatsapp"),
        (steps, "2026-03-05T04:00", "c", ""),
        (moon, "2026-03-07T02:00", "a", "facebook"),
    ):
        await add_view(db, contest, entry, visitor=visitor, source=source, now=at(when))
    for entry, network, when in (
        (lamplight, "whatsapp", "2026-03-05T10:00"),  # HK 5 Mar
        (lamplight, "whatsapp", "2026-03-06T17:00"),  # HK 7 Mar
        (lamplight, "facebook", "2026-03-07T02:00"),  # HK 7 Mar
        (steps, "x", "2026-03-05T20:00"),  # HK 6 Mar
    ):
        await add_share(db, entry, network=network, now=at(when))

    for entry, when in (
        (lamplight, "2026-03-02T03:00"),  # after 2 hours
        (lamplight, "2026-03-03T00:00"),  # a second reply: not the first
        (steps, "2026-03-05T17:00"),  # 3 days after submission, 8 hours after approval
        (ids["atrium"], "2026-03-04T03:30"),  # pending (not public yet): not counted
        (ids["shift"], "2026-03-02T02:10"),  # rejected entry: not counted
    ):
        await add_reply(db, entry, organizer, body="Thanks!", now=at(when))

    judges = [people["judge1@uni.edu"], people["judge2@uni.edu"]]
    for judge in judges:
        await contest_store.assign_judge(db, contest_id=contest.id, user_id=judge.id)
    for entry, judge in [(lamplight, judges[0]), (lamplight, judges[1]), (steps, judges[0])]:
        await add_scores(db, contest, judge, entry, [7, 6], now=JUDGED_AT)
    return Known(contest, ids, {email: user.id for email, user in people.items()})


async def publish_results(db: Database, known: Known) -> None:
    """Results out: "Steps" is champion (the organizers' choice), "Lamplight" People's Choice
    (the most likes)."""
    organizer = User.from_row(await users.get_user_row(db, known.users[ORGANIZER_EMAIL]))
    await add_published_results(
        db,
        known.contest,
        organizer,
        awards={"champion": known.entries["steps"]},
        now=PUBLISHED_AT,
    )
