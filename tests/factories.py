"""Test data built through the domain's own functions, one call each.

A contest in any phase and voting mode, people in any role, entries with photos Pillow draws
(submitted, moderated or withdrawn as a participant and an organizer would), likes, Library
picks and voided likes, judges' scores, published results, organizers' replies, page views and
share clicks, campaigns and unsubscriptions. Every factory takes the moment it acts at
(``now``, by default ``START``): tests run on a fixed clock.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
from PIL import Image, ImageDraw

from contest.accounts import invitations, users
from contest.accounts.users import User
from contest.campaigns import drafts, unsubscribes
from contest.campaigns import send as campaign_send
from contest.campaigns import text as campaign_text
from contest.contests import store as contest_store
from contest.contests.model import Contest, ContestSettings, Criterion
from contest.contests.phases import Phase, Schedule
from contest.core.db import Database
from contest.core.forms import FormValues
from contest.core.postgres_database import PostgresDatabase
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.entries import moderation, replies, submission
from contest.entries import store as entry_store
from contest.gallery import views
from contest.judging import panel, results
from contest.voting import email_voters, likes
from tests import postgres

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


async def add_departments(
    db: Database, *pairs: tuple[str, str], now: datetime = START, actor_id: int | None = None
) -> list[int]:
    """Departments on the organizers' list, as (code, name) pairs; return their ids."""
    from contest.accounts import departments

    return [
        await departments.add_department(db, code=code, name=name, actor_id=actor_id, now=now)
        for code, name in pairs
    ]


async def storage_beside(db: Database) -> LocalStorage:
    """The media folder beside the database file (where the app of a web test keeps photos),
    for builders that are handed only the database."""
    if isinstance(db, PostgresDatabase):
        return LocalStorage(postgres.media_folder(db.url))
    rows = await db.fetch_all("PRAGMA database_list")
    main = next(row["file"] for row in rows if row["name"] == "main")
    return LocalStorage(Path(main).parent / "media")


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


def photo_taken(taken: str, seed: int = 0) -> bytes:
    """A small photo whose EXIF says when the camera took it (``2026:05:14 23:30:00``, the
    camera's own local time: EXIF keeps no time zone)."""
    image = Image.open(io.BytesIO(photo_bytes(seed)))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = taken
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
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
    category: str | None = None,
    entered: datetime | None = None,
    now: datetime = START,
    **fields: str,
) -> int:
    """An entry submitted through the entry form's use case while submissions were open (at
    ``entered``, by default a minute after they opened), in ``category`` (a name), then
    approved or rejected by ``moderator`` at ``now`` (needed unless ``status`` is "pending"),
    or withdrawn by its author (``status="withdrawn"``, at ``entered``)."""
    entered = entered or contest.schedule.submissions_open + timedelta(minutes=1)
    category_id = None
    if category is not None:
        options = {
            row["name"]: row["id"] for row in await entry_store.category_options(db, contest.id)
        }
        category_id = options[category]
    posted = submission.Posted(
        contest=contest,
        user=author,
        form=entry_form(title, category_id=category_id, **fields),
        photo=photo if photo is not None else photo_bytes(zlib.crc32(title.encode()) % 251),
        now=entered,
    )
    result = await submission.submit_photo(db, storage, posted, limiter=anyio.CapacityLimiter(1))
    assert isinstance(result, int), result
    if status == "withdrawn":
        entry = await entry_store.get_entry(db, result)
        await entry_store.withdraw_entry(db, entry=entry, contest=contest, user=author, now=entered)
    elif status != "pending":
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


def _voter(contest: Contest, voter: User | str) -> likes.Voter:
    """An account's voter, or a device voter named by a browser id."""
    user = voter if isinstance(voter, User) else None
    browser = voter if isinstance(voter, str) else ""
    return likes.voter_for(contest, user, browser_id=browser, address="10.0.0.1")


async def add_like(
    db: Database, contest: Contest, entry_id: int, voter: User | str, *, now: datetime = START
) -> likes.LikeState:
    """A like from an account, or from a device voter named by a browser id (an organizer's
    like is a Library pick)."""
    who = _voter(contest, voter)
    return await likes.like(db, contest=contest, entry_id=entry_id, voter=who, now=now)


async def take_back_like(
    db: Database, contest: Contest, entry_id: int, voter: User | str, *, now: datetime = START
) -> likes.LikeState:
    """A voter's like taken back (an unlike), the voter named as for ``add_like``."""
    who = _voter(contest, voter)
    return await likes.unlike(db, contest=contest, entry_id=entry_id, voter=who, now=now)


async def add_voting_link_request(
    db: Database,
    contest: Contest,
    address: str,
    *,
    site_key: str = "test-site-key",
    now: datetime = START,
) -> int:
    """A voter asks for an email-voting link for ``address`` (as typed), on a site whose secret
    key is ``site_key``; returns the id of the outbox message that carries it."""
    await email_voters.send_link(
        db,
        contest=contest,
        address=address,
        secret=site_key,
        link_for=lambda token: f"http://testserver/vote/{token}",
        now=now,
    )
    return int(await db.fetch_value("SELECT max(id) FROM outbox"))


async def add_pick(
    db: Database, contest: Contest, entry_id: int, organizer: User, *, now: datetime = START
) -> likes.LikeState:
    """An organizer's Library pick (a like that does not count for People's Choice)."""
    assert organizer.is_organizer, "only organizers pick"
    return await add_like(db, contest, entry_id, organizer, now=now)


async def add_voided_like(
    db: Database,
    contest: Contest,
    entry_id: int,
    voter: User | str,
    *,
    organizer: User,
    reason: str = "Burst from one address",
    now: datetime = START,
    voided: datetime | None = None,
) -> str:
    """A like given at ``now`` and voided by an organizer at ``voided`` (by default the same
    moment); returns the voter's key."""
    who = _voter(contest, voter)
    await likes.like(db, contest=contest, entry_id=entry_id, voter=who, now=now)
    await likes.void_like(
        db,
        contest=contest,
        entry_id=entry_id,
        voter_key=who.key,
        reason=reason,
        actor=organizer,
        now=voided or now,
    )
    return who.key


async def add_judge(db: Database, passwords: Passwords, contest: Contest, *, email: str) -> User:
    """A judge account on the contest's panel."""
    judge = await add_account(db, passwords, email=email, name="Jo Judge", role="judge")
    await contest_store.assign_judge(db, contest_id=contest.id, user_id=judge.id)
    return judge


async def add_invitation(
    db: Database, contest: Contest, organizer: User, *, email: str, now: datetime = START
) -> str:
    """A judge invited to the contest's panel at ``now`` (the mail waits in the outbox);
    returns the invitation's token."""
    return await invitations.invite(
        db,
        email=email,
        role="judge",
        contest_id=contest.id,
        invited_by=organizer,
        link_for=lambda token: f"http://testserver/invitations/{token}",
        now=now,
    )


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


async def add_scored_entry(
    db: Database,
    storage: LocalStorage,
    contest: Contest,
    author: User,
    *,
    judge: User,
    score: float,
    moderator: User,
    title: str,
    now: datetime = START,
) -> int:
    """An approved entry by ``author`` that ``judge`` gave ``score`` on every criterion (the
    contest judging at ``now``; with one judge per entry, the scores make the ranking)."""
    entry_id = await add_entry(
        db, storage, contest, author, title=title, moderator=moderator, now=now
    )
    await add_scores(
        db, contest, judge, entry_id, [score] * len(contest.settings.criteria), now=now
    )
    return entry_id


@dataclass(frozen=True)
class Ranked:
    """A contest judged by one judge: Ann's two photos ranked first and second, Bob's third
    (the situation the prize rules are about)."""

    contest: Contest
    organizer: User
    ann: User
    bob: User
    ids: dict[str, int]


async def add_ranked_contest(
    db: Database,
    passwords: Passwords,
    storage: LocalStorage,
    *,
    organizer_name: str = "Pat Lee",
    now: datetime = START,
    **settings: Any,
) -> Ranked:
    """A contest in its judging and voting phase at ``now`` with ``settings``, Ann's "Dawn in
    the atrium" (9) and "Noon on the steps" (8) and Bob's "Dusk by the stacks" (6)."""
    contest = await add_contest(db, Phase.JUDGING_AND_VOTING, now=now, **settings)
    organizer = await add_account(
        db, passwords, email="org@uni.edu", name=organizer_name, role="organizer"
    )
    ann = await add_account(db, passwords, email="ann@uni.edu", name="Ann Lee")
    bob = await add_account(db, passwords, email="bob@uni.edu", name="Bob Roy")
    judge = await add_judge(db, passwords, contest, email="judge@uni.edu")
    ids = {
        title: await add_scored_entry(
            db,
            storage,
            contest,
            author,
            judge=judge,
            score=score,
            moderator=organizer,
            title=title,
            now=now,
        )
        for author, title, score in (
            (ann, "Dawn in the atrium", 9),
            (ann, "Noon on the steps", 8),
            (bob, "Dusk by the stacks", 6),
        )
    }
    return Ranked(contest, organizer, ann, bob, ids)


@dataclass(frozen=True)
class Gappy:
    """A contest whose judging left gaps (see ``add_contest_with_gaps``)."""

    contest: Contest
    organizer: User
    judges: tuple[User, User]
    ids: dict[str, int]


async def add_contest_with_gaps(
    db: Database,
    passwords: Passwords,
    storage: LocalStorage,
    *,
    now: datetime = START,
    **settings: Any,
) -> Gappy:
    """A contest judging and voting at ``now`` that needs two judges per entry: "Atrium"
    (both judges 9) ranks first, "Stairs" and "Stacks" (both judges 7) tie, "Window" has one
    judge's scores (below the minimum), "Garden" and "Roof" have none."""
    contest = await add_contest(
        db, Phase.JUDGING_AND_VOTING, now=now, **({"min_judges_per_entry": 2} | settings)
    )
    organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    ann = await add_account(db, passwords, email="ann@uni.edu", name="Ann Lee")
    judges = (
        await add_judge(db, passwords, contest, email="judge@uni.edu"),
        await add_judge(db, passwords, contest, email="judge2@uni.edu"),
    )
    plan = {"Atrium": (9, 9), "Stairs": (7, 7), "Stacks": (7, 7), "Window": (8,)}
    ids: dict[str, int] = {}
    for title in ("Atrium", "Stairs", "Stacks", "Window", "Garden", "Roof"):
        ids[title] = await add_entry(
            db, storage, contest, ann, title=title, moderator=organizer, now=now
        )
        for judge, score in zip(judges, plan.get(title, ()), strict=False):
            await add_scores(
                db, contest, judge, ids[title], [score] * len(contest.settings.criteria), now=now
            )
    return Gappy(contest, organizer, judges, ids)


async def add_reply(
    db: Database,
    entry_id: int,
    organizer: User,
    *,
    body: str = "Thanks for this photo!",
    now: datetime = START,
) -> int:
    """An organizer's reply under an entry (mailed to its author); returns its id."""
    return await replies.add_reply(
        db,
        entry_id=entry_id,
        author=organizer,
        body=body,
        entry_link=f"http://testserver/entries/{entry_id}",
        now=now,
    )


async def add_view(
    db: Database,
    contest: Contest,
    entry_id: int,
    *,
    visitor: str = "visitor-a",
    source: str = "",
    now: datetime = START,
) -> bool:
    """A visitor's view of an entry's page on the contest's local day of ``now`` (arriving
    through a shared link when ``source`` names a network); whether it counted."""
    return await views.record_view(
        db,
        entry_id=entry_id,
        visitor=visitor,
        source=source,
        tz_name=contest.settings.timezone,
        now=now,
    )


#: A phone's browser, as its User-Agent names it.
PHONE_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Version/17.5 Safari/604.1"


async def add_browser_view(
    db: Database,
    contest: Contest,
    entry_id: int,
    *,
    browser: str,
    viewer: User | None = None,
    user_agent: str = PHONE_AGENT,
    channel: str = "",
    utm_source: str = "",
    referrer: str = "",
    fetch_dest: str = "",
    purpose: str = "",
    method: str = "GET",
    now: datetime = START,
) -> views.ViewOutcome:
    """A browser (named by its id cookie) opening an entry's page, signed in as ``viewer`` if
    given, arriving through a share link's ``channel``, a ``utm_source`` or from a
    ``referrer``, counted as the entry page counts it; what became of it."""
    row = await db.fetch_one("SELECT participant_id FROM entries WHERE id = ?", (entry_id,))
    assert row is not None, "no such entry"
    visit = views.Visit(
        browser=browser,
        user_agent=user_agent,
        channel=channel,
        utm_source=utm_source,
        referrer=referrer,
        site_host="testserver",
        fetch_dest=fetch_dest,
        purpose=purpose,
        method=method,
    )
    return await views.count_view(
        db,
        "test-secret-key",
        entry_id=entry_id,
        author_id=row["participant_id"],
        viewer=viewer,
        visit=visit,
        tz_name=contest.settings.timezone,
        now=now,
    )


async def add_share(
    db: Database, entry_id: int, *, network: str = "whatsapp", now: datetime = START
) -> None:
    """A click on an entry's share button for ``network``."""
    await views.record_share(db, entry_id=entry_id, network=network, now=now)


async def add_published_results(
    db: Database,
    contest: Contest,
    organizer: User,
    *,
    awards: Mapping[str, int] | None = None,
    now: datetime = START,
) -> None:
    """Results published by ``organizer`` at ``now`` (once judging and voting have closed):
    the ``awards`` given (award key -> entry id) decided first, the others as proposed."""
    for award_key, entry_id in (awards or {}).items():
        await results.decide_award(
            db,
            contest=contest,
            award_key=award_key,
            entry_id=entry_id,
            reason="The organizers' choice",
            citation="",
            actor=organizer,
            now=now,
        )
    await results.publish(db, contest=contest, actor=organizer, now=now)


async def add_campaign(
    db: Database,
    contest: Contest,
    author: User,
    *,
    addresses: str,
    kind: str = "invite",
    now: datetime = START,
) -> drafts.Campaign:
    """A campaign draft with its default text, to the pasted ``addresses``."""
    subject, body = campaign_text.DEFAULTS[kind]
    campaign_id = await drafts.create_campaign(
        db,
        contest_id=contest.id,
        kind=kind,
        subject=subject,
        body=body,
        listing=await drafts.prepare_list(db, addresses),
        author_id=author.id,
        now=now,
    )
    return await drafts.get_campaign(db, contest.id, campaign_id)


async def add_unsubscribe(
    db: Database, contest: Contest, organizer: User, *, email: str, now: datetime = START
) -> str:
    """A mailbox unsubscribed from campaign mail through the link in an invitation sent to it
    (so the contest must take submissions at ``now``); returns the mailbox. The invitation,
    still in the outbox, is taken back."""
    campaign = await add_campaign(db, contest, organizer, addresses=email, now=now)
    tokens: list[str] = []

    def link_for(token: str) -> str:
        tokens.append(token)
        return f"http://testserver/unsubscribe/{token}"

    await campaign_send.send(
        db,
        campaign,
        contest=contest,
        actor=organizer,
        link=f"http://testserver/contests/{contest.slug}",
        unsubscribe_link_for=link_for,
        now=now,
    )
    return await unsubscribes.unsubscribe(db, tokens[-1], now=now)


# Web-test factories


async def add_device_like(
    db: Database,
    contest: Contest,
    entry_id: int,
    *,
    browser: str,
    address: str = "10.0.0.1",
    now: datetime = START,
) -> str:
    """A device voter's like (the contest votes by device) from one network address; returns
    the voter's key, as the like review lists it."""
    voter = likes.voter_for(contest, None, browser_id=browser, address=address)
    await likes.like(db, contest=contest, entry_id=entry_id, voter=voter, now=now)
    return voter.key
