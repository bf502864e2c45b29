"""The demo: a ready contest and one account per role, seeded idempotently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from contest import contests
from contest.accounts import create_user
from contest.contest_form import ContestSettings, Criterion
from contest.db import Database
from contest.phases import Schedule
from contest.security import Passwords

DEMO_TITLE = "Day & Night at the Library"
DEMO_SLUG = "day-night-at-the-library"


@dataclass(frozen=True)
class DemoAccount:
    """A demo sign-in printed for newcomers."""

    email: str
    password: str
    display_name: str
    role: str
    affiliation: str
    department: str


DEMO_ACCOUNTS = (
    DemoAccount(
        "organizer@example.edu", "organizer-demo", "Olivia Organizer", "organizer", "staff", "LIB"
    ),
    DemoAccount("judge@example.edu", "judge-demo-pass", "Jun Judge", "judge", "staff", "ARTS"),
    DemoAccount(
        "student@example.edu", "student-demo", "Sam Student", "participant", "student", "CIVL"
    ),
    DemoAccount(
        "staff@example.edu", "staff-demo-pass", "Stella Staff", "participant", "staff", "LIB"
    ),
    DemoAccount(
        "maya@example.edu", "maya-demo-pass", "Maya Chen", "participant", "student", "COMP"
    ),
    DemoAccount("leo@example.edu", "leo-demo-pass", "Leo Martin", "participant", "student", "PHYS"),
)

RULES = """\
1. Photos must be taken in or around the library by you.
2. Up to **3 photos** per person; give each a meaningful title and a short description.
3. Use the official hashtag **#DayAndNightAtTheLibrary**; add your own hashtags too.
4. People who can be recognised must agree to appear in your photo.
5. The judges pick a champion and two runners-up; the most liked photo wins People's Choice.
"""


def demo_settings(now: datetime, tz_name: str) -> ContestSettings:
    """The demo contest, with submissions open now."""
    start = now.replace(minute=0, second=0) - timedelta(days=3)
    return ContestSettings(
        title=DEMO_TITLE,
        theme="Show us the library from sunrise to midnight",
        description_md=(
            "The library never sleeps. Capture its **days** of sunlit study and its **nights** of"
            " lamplight and quiet, and share them with the community."
        ),
        rules_md=RULES,
        hashtag="DayAndNightAtTheLibrary",
        timezone=tz_name,
        eligible_affiliations=("student", "staff"),
        max_entries_per_participant=3,
        schedule=Schedule(
            submissions_open=start,
            submissions_close=start + timedelta(days=14),
            judging_open=start + timedelta(days=14),
            judging_close=start + timedelta(days=21),
            voting_open=start + timedelta(days=14),
            voting_close=start + timedelta(days=21),
            results_at=start + timedelta(days=22),
        ),
        categories=("Day", "Night"),
        criteria=(
            Criterion("Relevance to the theme", 2),
            Criterion("Creativity", 1),
            Criterion("Technical quality", 1),
        ),
        award_per_category=True,
        is_published=True,
    )


async def seed_demo(db: Database, passwords: Passwords, *, now: datetime, tz_name: str) -> bool:
    """Create the demo accounts and contest unless they exist; return whether anything was added."""
    added = False
    ids: dict[str, int] = {}
    for account in DEMO_ACCOUNTS:
        existing = await db.fetch_value("SELECT id FROM users WHERE email = ?", (account.email,))
        if existing is None:
            existing = await create_user(
                db,
                passwords,
                email=account.email,
                display_name=account.display_name,
                password=account.password,
                role=account.role,
                affiliation=account.affiliation,
                department=account.department,
                now=now,
            )
            added = True
        ids[account.email] = int(existing)
    contest_id = await db.fetch_value("SELECT id FROM contests WHERE slug = ?", (DEMO_SLUG,))
    if contest_id is None:
        contest = await contests.create_contest(
            db, demo_settings(now, tz_name), created_by=ids["organizer@example.edu"], now=now
        )
        contest_id = contest.id
        added = True
    await contests.assign_judge(db, contest_id=contest_id, user_id=ids["judge@example.edu"])
    return added
