"""Organizers' replies on entries: shown under the photo and mailed to its author."""

from __future__ import annotations

from datetime import datetime

from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.clock import format_local, to_db
from contest.core.db import Database, Row
from contest.core.errors import Forbidden, ValidationError
from contest.core.outbox import queue_mail

MAX_REPLY = 2_000


def can_invite_friends(contest: Contest, now: datetime) -> bool:
    """Whether there is a public People's Choice vote still to bring friends to."""
    settings = contest.settings
    return (
        settings.award_peoples_choice
        and settings.is_published
        and now < settings.schedule.voting_close
    )


def friends_invitation(contest: Contest, entry_link: str, *, now: datetime) -> str:
    """A paragraph for the author's mail asking them to invite friends to vote for their photo."""
    schedule = contest.settings.schedule
    tz_name = contest.settings.timezone
    if not can_invite_friends(contest, now):
        raise ValidationError(
            {
                "invite_friends": "There is no public vote to invite friends to: voting has"
                " closed, the contest has no People's Choice award, or it is not published."
            }
        )
    if now < schedule.voting_open:
        when = f"opens on {format_local(schedule.voting_open, tz_name, with_year=True)}"
    else:
        when = f"is open until {format_local(schedule.voting_close, tz_name, with_year=True)}"
    return (
        f"People's Choice voting {when}: the photo with the most likes wins. Invite your"
        f" friends to like yours by sending them this link: {entry_link}"
    )


async def add_reply(
    db: Database,
    *,
    entry_id: int,
    author: User,
    body: str,
    entry_link: str,
    now: datetime,
    invitation: str = "",
) -> int:
    """Post an organizer's reply and mail it to the entry's author; return its id.

    ``invitation`` (see :func:`friends_invitation`) is added to the mail only, not to the page.
    """
    if not author.is_organizer:
        raise Forbidden("Only organizers reply to entries.")
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Write a reply first."})
    if len(body) > MAX_REPLY:
        raise ValidationError({"body": f"Keep the reply under {MAX_REPLY} characters."})
    async with db.transaction() as tx:
        entry = await tx.fetch_one(
            "SELECT entries.title, users.email, users.display_name FROM entries"
            " JOIN users ON users.id = entries.participant_id WHERE entries.id = ?",
            (entry_id,),
        )
        if entry is None:
            raise ValidationError({"body": "There is no such entry."})
        reply_id = await tx.execute(
            "INSERT INTO replies (entry_id, author_id, body, created_at) VALUES (?, ?, ?, ?)",
            (entry_id, author.id, body, to_db(now)),
        )
        await queue_mail(
            tx,
            recipient=entry["email"],
            subject=f"The organizers replied to “{entry['title']}”",
            body=(
                f"Hello {entry['display_name']},\n\n{author.display_name} wrote about your photo"
                f" “{entry['title']}”:\n\n{body}\n\n"
                + (f"{invitation}\n\n" if invitation else "")
                + f"See it here: {entry_link}\n"
            ),
            now=now,
        )
    return reply_id


async def replies_to(db: Database, entry_id: int) -> list[Row]:
    """An entry's replies, oldest first, with the organizer's display name."""
    return await db.fetch_all(
        "SELECT replies.*, users.display_name AS author_name FROM replies"
        " LEFT JOIN users ON users.id = replies.author_id WHERE entry_id = ? ORDER BY replies.id",
        (entry_id,),
    )
