"""A contest with known engagement, for the report tables and their downloads.

The contest runs in Hong Kong time (UTC+8), so events late in the UTC evening fall on the next
local day. Judging and voting are open at NOW (2026-03-02 09:00 UTC); judging closes on
2026-03-07 09:00 UTC and the results are announced a day later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from contest.accounts import users
from contest.accounts.users import User
from contest.contests import store as contest_store
from contest.contests.model import Contest
from contest.contests.phases import Schedule
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.judging import panel
from tests.factories import (
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
    take_back_like,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TZ = "Asia/Hong_Kong"
JUDGING_CLOSED = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)
ANNOUNCED = datetime(2026, 3, 8, 10, 0, tzinfo=UTC)
EMAILS = ("ann@uni.edu", "bob@uni.edu", "cat@uni.edu", "lib@uni.edu", "judge@uni.edu")


def at(text: str) -> datetime:
    """A UTC moment from ``2026-02-26T15:30``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


#: Submissions from 10 February; judging and voting from 25 February to 7 March 09:00 UTC.
CALENDAR = Schedule(
    submissions_open=at("2026-02-10T09:00"),
    submissions_close=at("2026-02-24T09:00"),
    judging_open=at("2026-02-25T09:00"),
    judging_close=at("2026-03-07T09:00"),
    voting_open=at("2026-02-25T09:00"),
    voting_close=at("2026-03-07T09:00"),
    results_at=at("2026-03-08T09:00"),
)
#: An earlier contest, open from 29 December to 21 February: it opened before this one.
EARLIER_CALENDAR = Schedule(
    submissions_open=at("2025-12-29T09:00"),
    submissions_close=at("2026-02-21T00:00"),
    judging_open=at("2026-02-21T00:00"),
    judging_close=at("2026-02-28T00:00"),
    voting_open=at("2026-02-21T00:00"),
    voting_close=at("2026-02-28T00:00"),
    results_at=at("2026-03-01T00:00"),
)


@dataclass(frozen=True)
class Scenario:
    """The contest and the ids the tests expect to see."""

    contest: Contest
    ann: int
    bob: int
    cat: int
    organizer: User
    judge: int
    night_stacks: int  # Ann's, approved, Night, 2 counted likes
    reading_room: int  # Bob's, approved, Day, credited by initials, 1 voided like, 1 pick
    pending: int  # Ann's, waiting for review
    rejected: int  # Cat's, not accepted (had a view and a reply before)
    replies: tuple[int, int, int]


async def make_user(
    db: Database,
    passwords: Passwords,
    email: str,
    name: str,
    role: str = "participant",
    *,
    affiliation: str = "student",
    department: str = "",
) -> User:
    """An account of the scenario, made on its day (see ``factories.add_account``)."""
    return await add_account(
        db,
        passwords,
        email=email,
        name=name,
        role=role,
        now=NOW,
        affiliation=affiliation,
        department=department,
    )


async def build(
    db: Database, passwords: Passwords, storage: LocalStorage | None = None
) -> Scenario:
    """Entries, likes, views, shares and replies with known times; no results yet. Photos go
    to ``storage``, by default the media folder beside the database."""
    storage = storage or await storage_beside(db)
    contest = await add_contest(
        db,
        "judging_and_voting",
        now=NOW,
        timezone=TZ,
        schedule=CALENDAR,
        categories=("Day", "Night"),
    )
    earlier = await add_contest(
        db, "results", now=NOW, title="Winter Light", timezone=TZ, schedule=EARLIER_CALENDAR
    )
    ann = await make_user(db, passwords, "ann@uni.edu", "Ann Author", department="CIVL")
    bob = await make_user(
        db, passwords, "bob@uni.edu", "Bob Builder", affiliation="staff", department="ARTS"
    )
    cat = await make_user(db, passwords, "cat@uni.edu", "Cat Cole", department="MATH")
    organizer = await make_user(
        db, passwords, "lib@uni.edu", "Libby Org", "organizer", affiliation="staff"
    )
    judge = await make_user(
        db, passwords, "judge@uni.edu", "Jude Judge", "judge", affiliation="staff"
    )
    fans = [await make_user(db, passwords, f"fan{i}@uni.edu", f"Fan {i}") for i in range(3)]

    async def entry(
        where: Contest,
        author: User,
        title: str,
        status: str,
        *,
        created: str,
        decided: str | None = None,
        **options: str,
    ) -> int:
        return await add_entry(
            db,
            storage,
            where,
            author,
            title=title,
            status=status,
            moderator=organizer,
            entered=at(created),
            now=at(decided or created),
            **options,
        )

    night = await entry(
        contest,
        ann,
        "Night stacks",
        "approved",
        created="2026-02-12T03:00",
        decided="2026-02-12T05:30",
        category="Night",
        hashtags="stacks",
    )
    room = await entry(
        contest,
        bob,
        "Reading room",
        "approved",
        created="2026-02-13T20:00",
        decided="2026-02-14T01:00",
        category="Day",
        credit="initials",
    )
    pending = await entry(
        contest, ann, "Still waiting", "pending", created="2026-02-20T00:00", category="Day"
    )
    rejected = await entry(
        contest,
        cat,
        "Blurry",
        "rejected",
        created="2026-02-15T02:00",
        decided="2026-02-16T02:00",
        category="Day",
    )
    # Both entered a contest that opened before this one: Bob before this one opened, Cat only
    # while it ran (its entry came later, but it is still a contest that opened earlier).
    await entry(earlier, bob, "Old one", "approved", created="2026-01-05T00:00")
    await entry(earlier, cat, "Later one", "pending", created="2026-02-20T00:00")

    await add_like(db, contest, night, fans[0], now=at("2026-02-26T15:30"))  # 23:30 in HK
    await add_like(db, contest, night, fans[1], now=at("2026-02-26T16:10"))  # 00:10 on the 27th
    await add_like(db, contest, night, fans[2], now=at("2026-02-27T01:00"))
    await take_back_like(db, contest, night, fans[2], now=at("2026-02-27T02:00"))
    await add_voided_like(
        db,
        contest,
        room,
        fans[0],
        organizer=organizer,
        now=at("2026-02-27T03:00"),
        voided=at("2026-02-28T01:00"),
    )
    await add_like(db, contest, room, organizer, now=at("2026-02-27T04:00"))  # a Library pick

    for entry_id, visitor, when in (
        (night, "a", "2026-02-26T15:00"),
        (night, "b", "2026-02-26T15:05"),
        (night, "a", "2026-02-26T17:00"),  # the next local day: counted again
        (night, "a", "2026-02-26T18:00"),  # same visitor, same day: not counted
        (room, "a", "2026-02-27T03:00"),
        (rejected, "c", "2026-02-16T01:00"),
    ):
        await add_view(db, contest, entry_id, visitor=visitor, now=at(when))

    for entry_id, network, when in (
        (night, "facebook", "2026-02-26T15:59"),
        (night, "facebook", "2026-02-26T16:00"),
        (night, "whatsapp", "2026-02-26T16:01"),
        (night, "facebook", "2026-02-26T16:30"),
        (room, "x", "2026-02-27T03:30"),
    ):
        await add_share(db, entry_id, network=network, now=at(when))

    reply_ids = [
        await add_reply(db, entry_id, organizer, body=body, now=at(when))
        for entry_id, body, when in (
            (night, "Lovely light on the shelves.", "2026-02-12T06:30"),
            (night, "Shared on our page today.", "2026-02-14T03:00"),
            (rejected, "Sorry, it is too blurry.", "2026-02-16T02:06"),
        )
    ]

    return Scenario(
        contest,
        ann.id,
        bob.id,
        cat.id,
        organizer,
        judge.id,
        night,
        room,
        pending,
        rejected,
        (reply_ids[0], reply_ids[1], reply_ids[2]),
    )


async def judge_and_publish(db: Database, scenario: Scenario) -> None:
    """One judge scores Night stacks 8 and Reading room 4 everywhere; results are published."""
    contest = scenario.contest
    await contest_store.assign_judge(db, contest_id=contest.id, user_id=scenario.judge)
    judge = User.from_row(await users.get_user_row(db, scenario.judge))
    criteria = await panel.criteria_of(db, contest.id)
    for entry_id, value in ((scenario.night_stacks, 8), (scenario.reading_room, 4)):
        await add_scores(db, contest, judge, entry_id, [value] * len(criteria), now=NOW)
    await add_published_results(db, contest, scenario.organizer, now=JUDGING_CLOSED)
