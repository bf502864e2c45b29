"""Test data built through the domain's own functions, one call each.

A contest in any phase and voting mode, people in any role, entries with photos Pillow draws
(submitted and moderated as a participant and an organizer would), likes and judges' scores.
Every factory takes the moment it acts at (``now``): tests run on a fixed clock.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
from PIL import Image, ImageDraw

from contest.accounts import users
from contest.accounts.users import User
from contest.contests import store as contest_store
from contest.contests.model import Contest, ContestSettings, Criterion
from contest.contests.phases import Phase, Schedule
from contest.core.db import Database, Transaction
from contest.core.forms import FormValues
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.entries import moderation, submission
from contest.judging import panel
from contest.voting import likes

#: The tests' fixed clock starts here (a Monday morning).
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
HASHTAG = "LibraryLight"
DAY = timedelta(days=1)

#: Where ``now`` falls in each phase's calendar, counted in days from submissions opening:
#: submissions for two weeks, then judging and voting side by side for a week, results a day
#: after. Phases not named run from these by shifting the dates.
_CALENDARS: dict[Phase, float] = {
    Phase.UPCOMING: -2,
    Phase.SUBMISSIONS: 3,
    Phase.REVIEW: 14.5,
    Phase.JUDGING_AND_VOTING: 17,
    Phase.AWAITING_RESULTS: 21.5,
    Phase.RESULTS: 23,
}


def schedule_for(phase: Phase | str, now: datetime) -> Schedule:
    """A calendar in which ``now`` falls in ``phase``."""
    phase = Phase(phase)
    day = {Phase.JUDGING: 17, Phase.VOTING: 17}.get(phase, _CALENDARS.get(phase, 3))
    start = now - day * DAY
    schedule = Schedule(
        submissions_open=start,
        submissions_close=start + 14 * DAY,
        judging_open=start + 15 * DAY,
        judging_close=start + 21 * DAY,
        voting_open=start + 15 * DAY,
        voting_close=start + 21 * DAY,
        results_at=start + 22 * DAY,
    )
    if phase is Phase.JUDGING:  # voting opens later
        schedule = replace(schedule, voting_open=start + 19 * DAY)
    if phase is Phase.VOTING:  # judging opens later
        schedule = replace(schedule, judging_open=start + 19 * DAY)
    return schedule


def contest_settings(
    phase: Phase | str = Phase.SUBMISSIONS, *, now: datetime = START, **overrides: Any
) -> ContestSettings:
    """A published contest's settings, in ``phase`` at ``now``; any field may be overridden."""
    settings = ContestSettings(
        title="Light at the Library",
        theme="Light in the library, by day and by night",
        description_md="Show us the library's light.",
        rules_md="Your own photos only.",
        hashtag=HASHTAG,
        timezone="UTC",
        eligible_affiliations=("student", "staff"),
        max_entries_per_participant=10,
        schedule=schedule_for(phase, now),
        categories=(),
        criteria=(Criterion("Relevance to the theme", 2), Criterion("Creativity", 1)),
        is_published=True,
        min_judges_per_entry=1,
    )
    return replace(settings, **overrides)


async def add_contest(
    db: Database,
    phase: Phase | str = Phase.SUBMISSIONS,
    *,
    now: datetime = START,
    created_by: int | None = None,
    **overrides: Any,
) -> Contest:
    """A stored contest in ``phase`` at ``now`` (see ``contest_settings`` for the rest)."""
    settings = contest_settings(phase, now=now, **overrides)
    return await contest_store.create_contest(db, settings, created_by=created_by, now=now)


async def add_account(
    db: Database,
    passwords: Passwords,
    *,
    email: str,
    name: str = "Pat Lee",
    role: str = "participant",
    now: datetime = START,
    affiliation: str = "student",
    department: str = "",
    password: str = PASSWORD,
) -> User:
    """An account, made through the real sign-up path."""
    user_id = await users.create_user(
        db,
        passwords,
        email=email,
        display_name=name,
        password=password,
        role=role,
        affiliation=affiliation,
        department=department,
        now=now,
    )
    return User.from_row(await users.get_user_row(db, user_id))


def photo_bytes(seed: int = 0, *, size: tuple[int, int] = (96, 64), fmt: str = "JPEG") -> bytes:
    """A small photo, different for every seed (different enough that no two are near-copies)."""
    image = Image.new("RGB", size, (seed * 37 % 256, seed * 91 % 256, seed * 53 % 256))
    draw = ImageDraw.Draw(image)
    for band in range(8):  # a pattern of bands whose arrangement the seed decides
        if (seed >> band) & 1 or band == seed % 8:
            x = band * size[0] // 8
            draw.rectangle((x, 0, x + size[0] // 8, size[1]), fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def entry_form(title: str, *, category_id: int | None = None, **fields: str) -> FormValues:
    """The entry form as a participant fills it in (title, description, consents...)."""
    values = {
        "title": title,
        "description": f"{title}, taken for the contest.",
        "alt_text": f"A photo: {title}",
        "hashtags": "",
        "category_id": str(category_id or ""),
        "licence": "contest",
        "credit": "name",
        "consent_own_work": "on",
        "consent_people": "on",
        **fields,
    }
    return FormValues.of(values)


async def add_entry(
    db: Database,
    storage: LocalStorage,
    contest: Contest,
    author: User,
    *,
    title: str = "Morning in the reading room",
    status: str = "approved",
    photo: bytes | None = None,
    moderator: User | None = None,
    now: datetime = START,
    **fields: str,
) -> int:
    """An entry submitted through the entry form's use case while submissions were open, then
    approved or rejected by ``moderator`` (needed unless ``status`` is "pending")."""
    entered = contest.schedule.submissions_open + timedelta(minutes=1)
    posted = submission.Posted(
        contest=contest,
        user=author,
        form=entry_form(title, **fields),
        photo=photo if photo is not None else photo_bytes(zlib.crc32(title.encode()) % 251),
        now=entered,
    )
    result = await submission.submit_photo(db, storage, posted, limiter=anyio.CapacityLimiter(1))
    assert isinstance(result, int), result
    if status != "pending":
        assert moderator is not None, "approving or rejecting needs an organizer"
        await moderation.moderate(
            db,
            contest=contest,
            entry_ids=[result],
            action="approve" if status == "approved" else "reject",
            reason="" if status == "approved" else "Not on the theme.",
            moderator=moderator,
            now=max(now, entered),
        )
    return result


async def add_like(
    db: Database, contest: Contest, entry_id: int, voter: User | str, *, now: datetime = START
) -> likes.LikeState:
    """A like from an account, or from a device voter named by a browser id."""
    user = voter if isinstance(voter, User) else None
    browser = voter if isinstance(voter, str) else ""
    who = likes.voter_for(contest, user, browser_id=browser, address="10.0.0.1")
    return await likes.like(db, contest=contest, entry_id=entry_id, voter=who, now=now)


async def add_judge(db: Database, passwords: Passwords, contest: Contest, *, email: str) -> User:
    """A judge account on the contest's panel."""
    judge = await add_account(db, passwords, email=email, name="Jo Judge", role="judge")
    await contest_store.assign_judge(db, contest_id=contest.id, user_id=judge.id)
    return judge


async def add_scores(
    db: Database,
    contest: Contest,
    judge: User,
    entry_id: int,
    scores: Sequence[float],
    *,
    note: str = "",
    now: datetime = START,
) -> None:
    """A judge's scores for an entry, one per rubric criterion in the rubric's order."""
    criteria = await panel.criteria_of(db, contest.id)
    by_criterion = {row["id"]: score for row, score in zip(criteria, scores, strict=True)}
    await panel.save_review(
        db, contest=contest, judge=judge, entry_id=entry_id, scores=by_criterion, note=note, now=now
    )


# Rows put straight into the database, for tests about the schema and what comes after the
# image pipeline (no files behind them).

INSERT_ENTRY = (
    "INSERT INTO entries (contest_id, participant_id, title, status, licence, consent_own_work,"
    " consent_people, original_sha256, dhash, image_format, width, height, thumb_key,"
    " thumb_width, thumb_height, display_key, display_width, display_height, master_key,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, 'contest', 1, 1, ?, '0', 'JPEG', 800, 600,"
    " ?, 400, 300, ?, 800, 600, ?, 'x', 'x')"
)


def entry_values(contest_id: int, author_id: int, title: str, status: str) -> tuple[Any, ...]:
    """Parameters for INSERT_ENTRY: a plausible entry whose files are named after its title."""
    key = f"{author_id % 256:02x}/00/{(title.encode().hex() * 8)[:64]}.jpg"
    return (contest_id, author_id, title, status, title, key, key, key)


async def insert_entry(
    tx: Transaction, contest_id: int, author_id: int, title: str, status: str
) -> int:
    """An entry row; returns its id."""
    return await tx.execute(INSERT_ENTRY, entry_values(contest_id, author_id, title, status))
