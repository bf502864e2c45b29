"""A contest with known engagement, for the report tables and their downloads.

The contest runs in Hong Kong time (UTC+8), so events late in the UTC evening fall on the next
local day. Judging and voting are open at NOW (2026-03-02 09:00 UTC); judging closes on
2026-03-07 09:00 UTC and the results are announced a day later.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from contest.accounts.users import User
from contest.contests import store as contest_store
from contest.contests.model import Contest
from contest.core.db import Database
from contest.core.security import Passwords
from contest.demo.contests import demo_settings, judging_demo_settings
from contest.entries import replies
from contest.gallery import views
from contest.judging import results
from contest.voting import likes
from tests.factories import add_account, insert_entry

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TZ = "Asia/Hong_Kong"
JUDGING_CLOSED = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)
ANNOUNCED = datetime(2026, 3, 8, 10, 0, tzinfo=UTC)
EMAILS = ("ann@uni.edu", "bob@uni.edu", "cat@uni.edu", "lib@uni.edu", "judge@uni.edu")


def at(text: str) -> datetime:
    """A UTC moment from ``2026-02-26T15:30``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


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


async def _entry(
    db: Database,
    contest: Contest,
    author: int,
    title: str,
    status: str,
    *,
    created: str,
    decided: str | None = None,
    category: str | None = None,
    tags: tuple[str, ...] = (),
    credit: str = "name",
) -> int:
    async with db.transaction() as tx:
        entry_id = await insert_entry(tx, contest.id, author, title, status)
        await tx.execute(
            "UPDATE entries SET created_at = ?, moderated_at = ?, credit = ?, category_id ="
            " (SELECT id FROM categories WHERE contest_id = ? AND name = ?) WHERE id = ?",
            (
                f"{created}:00Z",
                f"{decided}:00Z" if decided else None,
                credit,
                contest.id,
                category,
                entry_id,
            ),
        )
        for tag in tags:
            await tx.execute(
                "INSERT INTO entry_hashtags (entry_id, tag) VALUES (?, ?)", (entry_id, tag)
            )
    return entry_id


async def build(db: Database, passwords: Passwords) -> Scenario:
    """Entries, likes, views, shares and replies with known times; no results yet."""
    settings = replace(judging_demo_settings(NOW, TZ), award_per_category=False)
    contest = await contest_store.create_contest(db, settings, created_by=None, now=NOW)
    opened_earlier = replace(demo_settings(NOW - timedelta(days=60), TZ), title="Winter Light")
    earlier = await contest_store.create_contest(db, opened_earlier, created_by=None, now=NOW)
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

    night = await _entry(
        db,
        contest,
        ann.id,
        "Night stacks",
        "approved",
        created="2026-02-12T03:00",
        decided="2026-02-12T05:30",
        category="Night",
        tags=("springlightatthelibrary", "stacks"),
    )
    room = await _entry(
        db,
        contest,
        bob.id,
        "Reading room",
        "approved",
        created="2026-02-13T20:00",
        decided="2026-02-14T01:00",
        category="Day",
        credit="initials",
    )
    pending = await _entry(
        db, contest, ann.id, "Still waiting", "pending", created="2026-02-20T00:00"
    )
    rejected = await _entry(
        db,
        contest,
        cat.id,
        "Blurry",
        "rejected",
        created="2026-02-15T02:00",
        decided="2026-02-16T02:00",
    )
    # Both entered a contest that opened before this one: Bob before this one opened, Cat only
    # while it ran (its entry came later, but it is still a contest that opened earlier).
    await _entry(db, earlier, bob.id, "Old one", "approved", created="2026-01-05T00:00")
    await _entry(db, earlier, cat.id, "Later one", "pending", created="2026-02-20T00:00")

    def voter(who: User) -> likes.Voter:
        return likes.voter_for(contest, who, browser_id="", address="10.0.0.1")

    async def like(who: User, entry_id: int, when: str) -> None:
        await likes.like(db, contest=contest, entry_id=entry_id, voter=voter(who), now=at(when))

    await like(fans[0], night, "2026-02-26T15:30")  # 23:30 on the 26th in Hong Kong
    await like(fans[1], night, "2026-02-26T16:10")  # 00:10 on the 27th
    await like(fans[2], night, "2026-02-27T01:00")
    await likes.unlike(
        db, contest=contest, entry_id=night, voter=voter(fans[2]), now=at("2026-02-27T02:00")
    )
    await like(fans[0], room, "2026-02-27T03:00")
    await like(organizer, room, "2026-02-27T04:00")  # a Library pick: not counted
    await likes.void_like(
        db,
        contest=contest,
        entry_id=room,
        voter_key=voter(fans[0]).key,
        reason="Burst from one address",
        actor=organizer,
        now=at("2026-02-28T01:00"),
    )

    async def view(entry_id: int, visitor: str, when: str) -> None:
        await views.record_view(
            db, entry_id=entry_id, visitor=visitor, source="", tz_name=TZ, now=at(when)
        )

    await view(night, "a", "2026-02-26T15:00")
    await view(night, "b", "2026-02-26T15:05")
    await view(night, "a", "2026-02-26T17:00")  # the next local day: counted again
    await view(night, "a", "2026-02-26T18:00")  # same visitor, same day: not counted
    await view(room, "a", "2026-02-27T03:00")
    await view(rejected, "c", "2026-02-16T01:00")

    for entry_id, network, when in (
        (night, "facebook", "2026-02-26T15:59"),
        (night, "facebook", "2026-02-26T16:00"),
        (night, "whatsapp", "2026-02-26T16:01"),
        (night, "facebook", "2026-02-26T16:30"),
        (room, "x", "2026-02-27T03:30"),
    ):
        await views.record_share(db, entry_id=entry_id, network=network, now=at(when))

    reply_ids = []
    for entry_id, body, when in (
        (night, "Lovely light on the shelves.", "2026-02-12T06:30"),
        (night, "Shared on our page today.", "2026-02-14T03:00"),
        (rejected, "Sorry, it is too blurry.", "2026-02-16T02:06"),
    ):
        reply_ids.append(
            await replies.add_reply(
                db, entry_id=entry_id, author=organizer, body=body, entry_link="/", now=at(when)
            )
        )

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
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO contest_judges (contest_id, user_id) VALUES (?, ?)",
            (scenario.contest.id, scenario.judge),
        )
        criteria = await tx.fetch_all(
            "SELECT id FROM rubric_criteria WHERE contest_id = ?", (scenario.contest.id,)
        )
        for entry_id, value in ((scenario.night_stacks, 8), (scenario.reading_room, 4)):
            await tx.execute(
                "INSERT INTO reviews (entry_id, judge_id, created_at, updated_at)"
                " VALUES (?, ?, 'x', 'x')",
                (entry_id, scenario.judge),
            )
            for criterion in criteria:
                await tx.execute(
                    "INSERT INTO review_scores (entry_id, judge_id, criterion_id, value)"
                    " VALUES (?, ?, ?, ?)",
                    (entry_id, scenario.judge, criterion["id"], value),
                )
    await results.publish(
        db, contest=scenario.contest, actor=scenario.organizer, now=JUDGING_CLOSED
    )
