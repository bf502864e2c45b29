"""A contest the size of the real one, for the printed report: 92 entries from 57 participants.

"Day & Night at the Library" in Hong Kong time: 52 students and 5 staff sent 92 photos between
16 February and 9 March; the public liked them until 20 March while three judges scored every
approved entry; the results were published on 20 March and announced on 25 March. Likes,
views, shares and replies are spread over the days the way a real contest's are (a rush when
it opens, another before the deadline), drawn from a seeded random generator so every run
builds the same contest.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from contest.accounts.users import User
from contest.contests import store as contest_store
from contest.contests.model import Contest
from contest.contests.phases import Schedule
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from tests.engagement.engagement_data import at
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
    photo_bytes,
    storage_beside,
)

TITLE = "Day & Night at the Library"
TZ = "Asia/Hong_Kong"
ORGANIZER_EMAIL = "lib.director@uni.edu"
ENTRIES = 92
PARTICIPANTS = 57
STUDENTS = 52
STATUSES = ("approved",) * 86 + ("pending",) * 2 + ("rejected",) * 3 + ("withdrawn",)
DEPARTMENTS = ("CIVL", "COMP", "ARTS", "MATH", "BUS", "LAW", "MED", "PHYS", "HIST", "LIB")
HASHTAGS = ("nightowls", "stacks", "readingroom", "sunrise", "rain", "lamplight", "atrium")
WORDS = (
    "Lamplight",
    "Quiet stacks",
    "Reading room",
    "Atrium at dusk",
    "Midnight study",
    "First light",
    "Rain on the glass",
    "Spiral stair",
    "Exam week",
    "Open book",
    "Window seat",
    "Last call",
)


CALENDAR = Schedule(
    submissions_open=at("2026-02-16T01:00"),
    submissions_close=at("2026-03-09T15:59"),
    judging_open=at("2026-03-10T01:00"),
    judging_close=at("2026-03-20T09:00"),
    voting_open=at("2026-02-16T01:00"),
    voting_close=at("2026-03-20T09:00"),
    results_at=at("2026-03-25T09:00"),
)
PUBLISHED_AT = at("2026-03-20T10:00")
#: A moment after the announcement, for the report's clock.
AFTER = at("2026-03-30T09:00")


@dataclass(frozen=True)
class Director:
    """The built contest, its organizer and its approved entries."""

    contest: Contest
    organizer: User
    approved: tuple[int, ...]


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A time between two moments, busier at both ends (an opening rush, a deadline rush)."""
    share = rng.betavariate(0.7, 0.7)
    return start + (end - start) * share


async def _people(
    db: Database, passwords: Passwords
) -> tuple[User, list[User], list[User], list[User]]:
    """The organizer, 57 participants, 3 judges and 60 fans who only like photos."""

    async def account(email: str, name: str, role: str = "participant", **more: str) -> User:
        return await add_account(
            db,
            passwords,
            email=email,
            name=name,
            role=role,
            password=PASSWORD,
            now=CALENDAR.submissions_open - timedelta(days=30),
            **more,
        )

    organizer = await account(ORGANIZER_EMAIL, "Dana Director", "organizer", affiliation="staff")
    participants = [
        await account(
            f"p{index}@uni.edu",
            f"Participant {index + 1}",
            affiliation="student" if index < STUDENTS else "staff",
            department=DEPARTMENTS[index % len(DEPARTMENTS)],
        )
        for index in range(PARTICIPANTS)
    ]
    judges = [
        await account(f"judge{index}@uni.edu", f"Judge {index + 1}", "judge", affiliation="staff")
        for index in range(3)
    ]
    fans = [await account(f"fan{index}@uni.edu", f"Fan {index + 1}") for index in range(60)]
    return organizer, participants, judges, fans


async def build(
    db: Database, passwords: Passwords, storage: LocalStorage | None = None
) -> Director:
    """The 92-entry contest with likes, views, shares, replies, scores and published results."""
    storage = storage or await storage_beside(db)
    rng = random.Random(16)
    organizer, participants, judges, fans = await _people(db, passwords)
    contest = await add_contest(
        db,
        "results",
        now=AFTER,
        title=TITLE,
        timezone=TZ,
        schedule=CALENDAR,
        categories=("Day", "Night"),
        hashtag="DayAndNightAtTheLibrary",
        voting_mode="accounts",
    )
    approved: list[int] = []
    authors: dict[int, int] = {}
    for index, status in enumerate(rng.sample(STATUSES, len(STATUSES))):
        # Everyone sends one; 35 of them send a second photo.
        author = participants[index % PARTICIPANTS]
        entered = _moment(rng, CALENDAR.submissions_open, CALENDAR.submissions_close)
        entry_id = await add_entry(
            db,
            storage,
            contest,
            author,
            title=f"{WORDS[index % len(WORDS)]} {index // len(WORDS) + 1}",
            status=status,
            moderator=organizer,
            category=rng.choice(("Day", "Night")),
            hashtags=" ".join(rng.sample(HASHTAGS, rng.randint(0, 3))),
            photo=photo_bytes(index, size=(480, 320)),
            entered=entered,
            now=entered + timedelta(hours=rng.uniform(1, 30)),
        )
        if status == "approved":
            approved.append(entry_id)
            authors[entry_id] = author.id
            if rng.random() < 0.8:
                await add_reply(
                    db,
                    entry_id,
                    organizer,
                    body="Thank you for this one!",
                    now=entered + timedelta(hours=rng.uniform(2, 60)),
                )
    await _public_response(db, contest, authors, fans + participants, organizer, rng)
    for judge in judges:
        await contest_store.assign_judge(db, contest_id=contest.id, user_id=judge.id)
        for entry_id in approved:
            scores = [rng.randint(4, 9) for _ in contest.settings.criteria]
            when = _moment(rng, CALENDAR.judging_open, CALENDAR.judging_close)
            await add_scores(db, contest, judge, entry_id, scores, now=when)
    await add_published_results(db, contest, organizer, now=PUBLISHED_AT)
    return Director(contest, organizer, tuple(approved))


async def _public_response(
    db: Database,
    contest: Contest,
    authors: dict[int, int],
    voters: list[User],
    organizer: User,
    rng: random.Random,
) -> None:
    """About 600 likes (none for one's own photo), 1,200 views, 80 share clicks and a dozen
    Library picks."""
    approved = list(authors)
    favourites = rng.sample(approved, 12)
    voting_open, voting_close = CALENDAR.voting_open, CALENDAR.voting_close
    for voter in voters:
        liked = set(rng.sample(approved, rng.randint(2, 10)))
        liked |= set(rng.sample(favourites, 3))
        for entry_id in liked - {e for e, author in authors.items() if author == voter.id}:
            when = _moment(rng, voting_open, voting_close - timedelta(hours=1))
            await add_like(db, contest, entry_id, voter, now=when)
    for entry_id in favourites:
        when = _moment(rng, voting_open, voting_close - timedelta(hours=1))
        await add_like(db, contest, entry_id, organizer, now=when)  # a Library pick
    networks = ("facebook", "whatsapp", "x", "email")
    for number in range(1200):
        entry_id = rng.choice(favourites) if rng.random() < 0.4 else rng.choice(approved)
        source = rng.choice(networks) if rng.random() < 0.1 else ""
        when = _moment(rng, CALENDAR.submissions_open, AFTER - timedelta(days=1))
        await add_view(db, contest, entry_id, visitor=f"v{number}", source=source, now=when)
    for _ in range(80):
        when = _moment(rng, CALENDAR.submissions_open, voting_close)
        await add_share(db, rng.choice(approved), network=rng.choice(networks), now=when)
