"""A contest of the issue's numbers for the staff-response figures, built through the factories.

92 approved entries whose first 24 hours have passed: 36 have a reply, 16 of them within 24
hours of submission (23 hours after), the other 20 later (24.5 hours after, yet within a day of
their approval an hour after submission); 56 have none. Four more entries were sent in the
last 10 hours, one of them answered already. The library's measure reads 17.4% (16 of 92).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from contest.contests.model import Contest
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from tests.factories import add_account, add_contest, add_entry, add_reply, photo_bytes

NOW = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
TZ = "Europe/Lisbon"
PAST = 92
WITHIN = 16
LATE = 20
FRESH = 4
ORGANIZER_EMAIL = "rita@uni.edu"


@dataclass(frozen=True)
class Replied:
    """The built contest and its entries: those past their first day, then the fresh ones."""

    contest: Contest
    past: tuple[int, ...]
    fresh: tuple[int, ...]


async def build(db: Database, passwords: Passwords, storage: LocalStorage) -> Replied:
    """The contest, taking submissions since three days before ``NOW``."""
    contest = await add_contest(
        db,
        "submissions",
        now=NOW,
        title="Replies at the Library",
        timezone=TZ,
        max_entries_per_participant=PAST + FRESH,
    )
    author = await add_account(db, passwords, email="ines@uni.edu", name="Ines Author")
    organizer = await add_account(
        db, passwords, email=ORGANIZER_EMAIL, name="Rita Organizer", role="organizer"
    )
    opened = contest.schedule.submissions_open
    past: list[int] = []
    for index in range(PAST):  # one every half hour, the last 26.5 hours before NOW
        sent = opened + timedelta(minutes=30 * index)
        entry = await add_entry(
            db,
            storage,
            contest,
            author,
            title=f"Reading room {index:02d}",
            photo=photo_bytes(index),
            moderator=organizer,
            entered=sent,
            now=sent + timedelta(hours=1),
        )
        past.append(entry)
        if index < WITHIN:
            await add_reply(db, entry, organizer, now=sent + timedelta(hours=23))
        elif index < WITHIN + LATE:
            await add_reply(db, entry, organizer, now=sent + timedelta(hours=24, minutes=30))
    fresh: list[int] = []
    for index in range(FRESH):  # sent 10, 9, 8 and 7 hours before NOW
        sent = NOW - timedelta(hours=10 - index)
        entry = await add_entry(
            db,
            storage,
            contest,
            author,
            title=f"Fresh light {index}",
            photo=photo_bytes(PAST + index),
            moderator=organizer,
            entered=sent,
            now=sent + timedelta(minutes=30),
        )
        fresh.append(entry)
        if index == 0:
            await add_reply(db, entry, organizer, now=NOW - timedelta(hours=1))
    return Replied(contest, tuple(past), tuple(fresh))
