"""The demo: a ready contest and one account per role, seeded idempotently."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import anyio

from contest.accounts import departments
from contest.accounts.users import User, create_user, get_user_row
from contest.contests import store as contest_store
from contest.contests.model import Contest, ContestSettings, Criterion
from contest.contests.phases import Schedule
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import Storage
from contest.demo.engagement import seed_engagement
from contest.demo.photos import library_scene
from contest.entries import moderation
from contest.entries import store as entry_store
from contest.entries.text import EntryText, normalize_tag
from contest.media.masters import complete_pending_masters
from contest.media.photos import process_upload

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

#: The demo's list of departments (every demo account's department is on it).
DEMO_DEPARTMENTS = (
    ("ARTS", "Arts & Humanities"),
    ("CIVL", "Civil Engineering"),
    ("COMP", "Computer Science"),
    ("LIB", "Library"),
    ("MATH", "Mathematics"),
    ("PHYS", "Physics"),
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


DEMO_ENTRIES = (
    (
        "student@example.edu",
        "Lamplight on the reading room",
        "The last hour before closing. #nightowls",
        "Night",
    ),
    (
        "student@example.edu",
        "First light on the steps",
        "Sunrise over the library steps. #morning",
        "Day",
    ),
    (
        "student@example.edu",
        "Windows that never sleep",
        "Exam week, every floor still lit. #examseason",
        "Night",
    ),
    ("staff@example.edu", "Noon in the atrium", "Bright and busy at lunchtime. #studyspace", "Day"),
    (
        "staff@example.edu",
        "The night shift",
        "Our colleagues keep the lights on. #librarylife",
        "Night",
    ),
    (
        "staff@example.edu",
        "Clouds over the stacks",
        "A summer sky above the old wing. #architecture",
        "Day",
    ),
    ("maya@example.edu", "Moon above the dome", "A clear night and a quiet campus. #moon", "Night"),
    (
        "maya@example.edu",
        "Study break in the sun",
        "Friends on the lawn between classes. #campus",
        "Day",
    ),
    ("maya@example.edu", "Stars and study lamps", "Two kinds of light. #stars #nightowls", "Night"),
    ("leo@example.edu", "Blue hour at the entrance", "Just after sunset. #bluehour", "Night"),
    ("leo@example.edu", "Morning coffee, open doors", "The doors open at eight. #morning", "Day"),
    ("leo@example.edu", "Golden facade", "Late afternoon light on the brick. #goldenhour", "Day"),
)
PENDING_DEMO_ENTRIES = 2

JUDGING_TITLE = "Spring Light at the Library"
JUDGING_SLUG = "spring-light-at-the-library"
JUDGING_ENTRIES = (
    (
        "student@example.edu",
        "Blossoms by the west window",
        "Spring arrives in the reading room.",
        "Day",
    ),
    ("staff@example.edu", "Rain on the skylight", "An April shower over the atrium.", "Day"),
    (
        "maya@example.edu",
        "Late bloom, late study",
        "Cherry trees lit by the library lamps.",
        "Night",
    ),
    ("leo@example.edu", "Equinox evening", "Day and night in balance.", "Night"),
    ("maya@example.edu", "Fresh green courtyard", "New leaves after a long winter.", "Day"),
    ("leo@example.edu", "Moths at the lantern", "The first warm night of the year.", "Night"),
)


def judging_demo_settings(now: datetime, tz_name: str) -> ContestSettings:
    """A second demo contest whose judging and public voting are open now."""
    start = now.replace(minute=0, second=0) - timedelta(days=20)
    day_and_night = demo_settings(now, tz_name)
    return replace(
        day_and_night,
        title=JUDGING_TITLE,
        theme="New light, new leaves, new beginnings",
        hashtag="SpringLightAtTheLibrary",
        rules_md=RULES.replace("DayAndNightAtTheLibrary", "SpringLightAtTheLibrary"),
        min_judges_per_entry=1,  # the demo has one judge: let their scores rank at once
        schedule=Schedule(
            submissions_open=start,
            submissions_close=start + timedelta(days=14),
            judging_open=start + timedelta(days=15),
            judging_close=start + timedelta(days=25),
            voting_open=start + timedelta(days=15),
            voting_close=start + timedelta(days=25),
            results_at=start + timedelta(days=26),
        ),
    )


async def _seed_entries(
    db: Database,
    storage: Storage,
    contest: Contest,
    ids: dict[str, int],
    *,
    photos: tuple[tuple[str, str, str, str], ...],
    pending: int,
    now: datetime,
) -> None:
    """Enter the demo photos, approving all but the last few so the queue has work."""
    organizer = await _user(db, ids["organizer@example.edu"])
    limiter = anyio.CapacityLimiter(1)
    categories = {
        row["name"]: row["id"] for row in await entry_store.category_options(db, contest.id)
    }
    approved: list[int] = []
    official = normalize_tag(contest.settings.hashtag)
    for index, (email, title, description, category) in enumerate(photos):
        data = library_scene(contest.id * 100 + index, night=category == "Night")
        photo = await process_upload(storage, data, limiter=limiter)
        entry_id = await entry_store.submit_entry(
            db,
            contest=contest,
            user=await _user(db, ids[email]),
            text=EntryText(title, description, description, (official,)),
            choices=entry_store.Choices(categories[category], "contest"),
            photo=photo,
            now=now,
        )
        approved.append(entry_id)
    await complete_pending_masters(db, storage, limiter=limiter)
    await moderation.moderate(
        db,
        contest=contest,
        entry_ids=approved[: len(approved) - pending],
        action="approve",
        reason="",
        moderator=organizer,
        now=now,
    )


async def _user(db: Database, user_id: int) -> User:
    return User.from_row(await get_user_row(db, user_id))


async def seed_demo(
    db: Database,
    passwords: Passwords,
    storage: Storage,
    *,
    now: datetime,
    tz_name: str,
    base_url: str = "http://127.0.0.1:8000",
) -> bool:
    """Create the demo accounts and contest unless they exist; return whether anything was added."""
    added = False
    if not await departments.codes(db):
        for code, name in DEMO_DEPARTMENTS:
            await departments.add_department(db, code=code, name=name, actor_id=None, now=now)
        added = True
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
    plans = (
        (DEMO_SLUG, demo_settings(now, tz_name), DEMO_ENTRIES, PENDING_DEMO_ENTRIES),
        (JUDGING_SLUG, judging_demo_settings(now, tz_name), JUDGING_ENTRIES, 0),
    )
    for slug, settings, photos, pending in plans:
        contest_id = await db.fetch_value("SELECT id FROM contests WHERE slug = ?", (slug,))
        if contest_id is None:
            contest = await contest_store.create_contest(
                db, settings, created_by=ids["organizer@example.edu"], now=now
            )
            contest_id = contest.id
            entered_at = settings.schedule.submissions_open + timedelta(days=1)
            await _seed_entries(
                db,
                storage,
                contest,
                ids,
                photos=photos,
                pending=pending,
                now=entered_at,
            )
            if contest.settings.schedule.voting_open <= now:
                await seed_engagement(
                    db,
                    contest,
                    organizer=await _user(db, ids["organizer@example.edu"]),
                    voter_ids=[ids[a.email] for a in DEMO_ACCOUNTS if a.role == "participant"],
                    base_url=base_url,
                    entered_at=entered_at,
                    now=now,
                )
            added = True
        await contest_store.assign_judge(
            db, contest_id=contest_id, user_id=ids["judge@example.edu"]
        )
    return added
