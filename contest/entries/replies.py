"""Organizers' replies on entries: shown under the photo and mailed to its author."""

from __future__ import annotations

from datetime import datetime, timedelta

from contest.accounts.languages import mail_locale
from contest.accounts.site_settings import default_locale
from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.clock import format_local, from_db, to_db, zone
from contest.core.db import Database, Row, Transaction
from contest.core.errors import Conflict, Forbidden, NotFound, ValidationError
from contest.core.outbox import cancel_unsent, queue_mail, rewrite_unsent
from contest.entries.moments import WrittenMoment
from contest.i18n import N_, Message, using_locale

MAX_REPLY = 2_000
#: How long after posting its author may edit or delete a reply (and only while its mail waits).
EDIT_WINDOW = timedelta(minutes=10)
#: A reply's mail waits in the outbox as long, so a slip can be corrected before it goes.
MAIL_DELAY = EDIT_WINDOW


def can_invite_friends(contest: Contest, now: datetime) -> bool:
    """Whether there is a public People's Choice vote still to bring friends to."""
    settings = contest.settings
    return (
        settings.award_peoples_choice
        and settings.is_published
        and now < settings.schedule.voting_close
    )


def friends_invitation(contest: Contest, entry_link: str, *, now: datetime) -> Message:
    """A paragraph for the author's mail asking them to invite friends to vote for their photo
    (translated, with its dates, in the language the mail is written in)."""
    schedule = contest.settings.schedule
    tz_name = contest.settings.timezone
    if not can_invite_friends(contest, now):
        raise ValidationError(
            {
                "invite_friends": N_(
                    "There is no public vote to invite friends to: voting has closed, the contest"
                    " has no People's Choice award, or it is not published."
                )
            }
        )
    settings = contest.settings
    opens = now < schedule.voting_open
    moment = schedule.voting_open if opens else schedule.voting_close
    date = WrittenMoment(
        moment.astimezone(zone(tz_name)),
        format_local(moment, tz_name, with_year=True),
        with_time=True,
    )
    if settings.peoples_choice_basis == "external":  # likes here do not decide it
        if opens:
            return N_(
                "People's Choice voting opens on %(date)s: the photo with the most likes on"
                " %(network)s wins. Send your friends to see yours: %(link)s",
                date=date,
                network=settings.external_network,
                link=entry_link,
            )
        return N_(
            "People's Choice voting is open until %(date)s: the photo with the most likes on"
            " %(network)s wins. Send your friends to see yours: %(link)s",
            date=date,
            network=settings.external_network,
            link=entry_link,
        )
    if opens:
        return N_(
            "People's Choice voting opens on %(date)s: the photo with the most likes wins."
            " Invite your friends to like yours by sending them this link: %(link)s",
            date=date,
            link=entry_link,
        )
    return N_(
        "People's Choice voting is open until %(date)s: the photo with the most likes wins."
        " Invite your friends to like yours by sending them this link: %(link)s",
        date=date,
        link=entry_link,
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
    The mail is in the author's language (their choice, else the site's).
    """
    if not author.is_organizer:
        raise Forbidden(N_("Only organizers reply to entries."))
    body = _checked_body(body)
    site_locale = await default_locale(db)
    async with db.transaction() as tx:
        entry = await tx.fetch_one(
            "SELECT entries.title, entries.participant_id, users.email, users.display_name"
            " FROM entries JOIN users ON users.id = entries.participant_id WHERE entries.id = ?",
            (entry_id,),
        )
        if entry is None:
            raise ValidationError({"body": N_("There is no such entry.")})
        locale = await mail_locale(tx, entry["participant_id"], default=site_locale)
        with using_locale(locale):
            subject = str(N_("The organizers replied to “%(title)s”", title=entry["title"]))
            greeting = N_(
                "Hello %(name)s,\n\n%(organizer)s wrote about your photo “%(title)s”:",
                name=entry["display_name"],
                organizer=author.display_name,
                title=entry["title"],
            )
            ending = N_("See it here: %(link)s", link=entry_link)
            paragraphs = [str(greeting), body, *([str(invitation)] if invitation else [])]
            text = "\n\n".join([*paragraphs, f"{ending}\n"])
        message_id = await queue_mail(
            tx,
            recipient=entry["email"],
            subject=subject,
            body=text,
            now=now,
            send_after=now + MAIL_DELAY,
            locale=locale,
        )
        reply_id = await tx.insert(
            "INSERT INTO replies (entry_id, author_id, body, created_at, outbox_id)"
            " VALUES (?, ?, ?, ?, ?)",
            (entry_id, author.id, body, to_db(now), message_id),
        )
    return reply_id


def _checked_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({"body": N_("Write a reply first.")})
    if len(body) > MAX_REPLY:
        raise ValidationError(
            {"body": N_("Keep the reply under %(maximum)d characters.", maximum=MAX_REPLY)}
        )
    return body


def change_problem(reply: Row, user: User | None, now: datetime) -> Message | None:
    """Why this person cannot edit or delete the reply now, or None. ``reply`` is a row of
    :func:`replies_to` (it carries its mail's state)."""
    if user is None or not user.is_organizer or reply["author_id"] != user.id:
        return N_("Only the organizer who wrote a reply can edit or delete it.")
    if reply["mail_sent_at"] is not None or reply["mail_sending_at"] is not None:
        return N_(
            "This reply has already been mailed to the photo's author, so it can no longer be"
            " edited or deleted."
        )
    if reply["outbox_id"] is None or reply["mail_waiting"] is None:
        return N_(
            "This reply's mail is no longer waiting, so it can no longer be edited or deleted."
        )
    if now - from_db(reply["created_at"]) > EDIT_WINDOW:
        return N_(
            "A reply can be edited or deleted for %(minutes)d minutes after it is posted;"
            " this one is older.",
            minutes=int(EDIT_WINDOW.total_seconds() // 60),
        )
    return None


def changeable_ids(replies: list[Row], user: User | None, now: datetime) -> set[int]:
    """Which of these replies (rows of :func:`replies_to`) this person may edit or delete now."""
    return {reply["id"] for reply in replies if change_problem(reply, user, now) is None}


_REPLY_WITH_MAIL = (
    "SELECT replies.*, users.display_name AS author_name, outbox.id AS mail_waiting,"
    " outbox.sent_at AS mail_sent_at, outbox.sending_at AS mail_sending_at FROM replies"
    " LEFT JOIN users ON users.id = replies.author_id"
    " LEFT JOIN outbox ON outbox.id = replies.outbox_id"
)


async def _changeable(
    tx: Transaction, *, entry_id: int, reply_id: int, user: User, now: datetime
) -> Row:
    """The reply, read inside the write that changes it, once its author may change it."""
    reply = await tx.fetch_one(
        _REPLY_WITH_MAIL + " WHERE replies.id = ? AND replies.entry_id = ?",
        (reply_id, entry_id),
    )
    if reply is None:
        raise NotFound(N_("There is no such reply."))
    problem = change_problem(reply, user, now)
    if problem and (reply["author_id"] != user.id or not user.is_organizer):
        raise Forbidden(problem)
    if problem:
        raise Conflict(problem)
    return reply


async def edit_reply(
    db: Database, *, entry_id: int, reply_id: int, author: User, body: str, now: datetime
) -> None:
    """Correct a reply while its mail waits: the page and the waiting mail both change (the
    mail keeps its time to go out)."""
    body = _checked_body(body)
    async with db.transaction() as tx:
        reply = await _changeable(tx, entry_id=entry_id, reply_id=reply_id, user=author, now=now)
        mail = await tx.fetch_value("SELECT body FROM outbox WHERE id = ?", (reply["outbox_id"],))
        # The reply is the paragraph after the greeting (whatever language the mail is in).
        old, new = f"\n\n{reply['body']}\n\n", f"\n\n{body}\n\n"
        if not await rewrite_unsent(tx, reply["outbox_id"], str(mail).replace(old, new, 1)):
            raise Conflict(N_("This reply has already been mailed, so it can no longer be edited."))
        await tx.execute(
            "UPDATE replies SET body = ?, edited_at = ? WHERE id = ?",
            (body, to_db(now), reply_id),
        )


async def delete_reply(
    db: Database, *, entry_id: int, reply_id: int, author: User, now: datetime
) -> None:
    """Take back a reply while its mail waits: it leaves the page and its mail is never sent."""
    async with db.transaction() as tx:
        reply = await _changeable(tx, entry_id=entry_id, reply_id=reply_id, user=author, now=now)
        if not await cancel_unsent(tx, reply["outbox_id"]):
            raise Conflict(
                N_("This reply has already been mailed, so it can no longer be deleted.")
            )
        await tx.execute("DELETE FROM replies WHERE id = ?", (reply_id,))


async def replies_to(db: Database, entry_id: int) -> list[Row]:
    """An entry's replies, oldest first, with the organizer's display name and the state of
    the reply's mail (``mail_waiting``, ``mail_sent_at``, ``mail_sending_at``)."""
    return await db.fetch_all(
        _REPLY_WITH_MAIL + " WHERE entry_id = ? ORDER BY replies.id",
        (entry_id,),
    )
