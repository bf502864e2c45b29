"""Invitations: expiring, single-use links that bring judges, organizers and participants
aboard."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from contest.accounts import departments, emails, site_settings, users
from contest.core.clock import from_db, to_db
from contest.core.db import Database, Row, Transaction
from contest.core.errors import ContestError, Gone, ValidationError
from contest.core.outbox import queue_mail
from contest.core.security import Passwords, new_token, token_hash
from contest.i18n import (
    DEFAULT_LOCALE,
    N_,
    Message,
    current_locale,
    known,
    using_locale,
    written_date,
)

INVITATION_LIFETIME = timedelta(days=7)
INVITABLE_ROLES = ("judge", "organizer")
LinkMaker = Callable[[str], str]
#: A role as a sentence names it.
ROLE_NOUNS = {
    "organizer": N_("organizer"),
    "judge": N_("judge"),
    "participant": N_("participant"),
}


@dataclass(frozen=True)
class Invitee:
    """Who an invitation is for: the address, and the name and department to offer them."""

    email: str
    display_name: str = ""
    department: str = ""


def _invited_to(role: str, contest_title: str | None, inviter: str) -> tuple[Message, Message]:
    """The subject and first sentence of an invitation for its role (and contest)."""
    if role == "participant":
        return N_("Your invitation to the photo contests"), N_(
            "%(inviter)s invites you to take part in the photo contests on the photo contest site.",
            inviter=inviter,
        )
    if contest_title:
        return N_("Invitation to judge %(contest)s", contest=contest_title), N_(
            "%(inviter)s invites you to judge “%(contest)s” on the photo contest site.",
            inviter=inviter,
            contest=contest_title,
        )
    if role == "judge":
        return N_("Your invitation"), N_(
            "%(inviter)s invites you to join as judge on the photo contest site.", inviter=inviter
        )
    return N_("Your invitation"), N_(
        "%(inviter)s invites you to join as organizer on the photo contest site.", inviter=inviter
    )


def _mail(
    role: str, contest_title: str | None, inviter: str, link: str, expires: datetime, locale: str
) -> tuple[str, str]:
    """The invitation's subject and body, in ``locale``."""
    with using_locale(locale):
        subject, invited = _invited_to(role, contest_title, inviter)
        body = N_(
            "Hello,\n\n%(invited)s\n\nAccept the invitation and choose your password here:\n"
            "%(link)s\n\nThe link works once and expires on %(expires)s UTC.\nIf you were not"
            " expecting this, you can ignore this message.\n",
            invited=invited,
            link=link,
            expires=written_date(expires, locale, with_year=True, with_time=True),
        )
        return str(subject), str(body)


async def create(
    tx: Transaction,
    invitee: Invitee,
    *,
    role: str,
    contest: tuple[int, str] | None,
    invited_by: users.User,
    link_for: LinkMaker,
    now: datetime,
    locale: str = DEFAULT_LOCALE,
) -> str:
    """Store an invitation (checked by the caller) and queue its private mail, written in
    ``locale`` (the invitee has no account to have chosen one); return the token (shown once,
    stored hashed). ``contest`` is the (id, title) of a judge's contest."""
    token = new_token()
    expires = now + INVITATION_LIFETIME
    await tx.execute(
        "INSERT INTO invitations (token_hash, email, role, contest_id, invited_by, created_at,"
        " expires_at, display_name, department) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            token_hash(token),
            invitee.email,
            role,
            contest[0] if contest else None,
            invited_by.id,
            to_db(now),
            to_db(expires),
            invitee.display_name,
            invitee.department,
        ),
    )
    subject, body = _mail(
        role,
        contest[1] if contest else None,
        invited_by.display_name,
        link_for(token),
        expires,
        locale,
    )
    await queue_mail(
        tx,
        recipient=invitee.email,
        subject=subject,
        body=body,
        now=now,
        private=True,
        locale=locale,
    )
    return token


async def invite(
    db: Database,
    *,
    email: str,
    role: str,
    contest_id: int | None,
    invited_by: users.User,
    link_for: LinkMaker,
    now: datetime,
    locale: str | None = None,
) -> str:
    """Create an invitation, queue its mail (in ``locale``, else the site's default
    language), and return the token (shown once, stored hashed).

    An address that already has an account is refused: that person's role is changed on the
    people page instead, so nobody ends up with two accounts.
    """
    address = emails.normalize_email(email)
    if problem := emails.email_error(address):
        raise ValidationError({"email": problem})
    if role not in INVITABLE_ROLES:
        raise ValidationError({"role": N_("Invite a judge or an organizer.")})
    existing = await db.fetch_one("SELECT role FROM users WHERE email = ?", (address,))
    if existing is not None:
        raise ValidationError(
            {
                "email": N_(
                    "%(email)s already has an account (%(role)s); change its role on the People"
                    " page instead.",
                    email=address,
                    role=ROLE_NOUNS.get(existing["role"], existing["role"]),
                )
            }
        )
    contest_title = None
    if contest_id is not None:
        contest_title = await db.fetch_value(
            "SELECT title FROM contests WHERE id = ?", (contest_id,)
        )
        if contest_title is None:
            raise ValidationError({"contest_id": N_("Choose a contest from the list.")})
    mail_in = known(locale) or await site_settings.default_locale(db)
    async with db.transaction() as tx:
        token = await create(
            tx,
            Invitee(address),
            role=role,
            contest=(contest_id, str(contest_title)) if contest_id is not None else None,
            invited_by=invited_by,
            link_for=link_for,
            now=now,
            locale=mail_in,
        )
    return token


async def open_invitation(db: Database, token: str, *, now: datetime) -> Row:
    """The invitation behind a link; Gone if it is unknown, used or expired."""
    row = await db.fetch_one(
        "SELECT invitations.*, contests.title AS contest_title FROM invitations"
        " LEFT JOIN contests ON contests.id = invitations.contest_id WHERE token_hash = ?",
        (token_hash(token),),
    )
    if row is None or row["accepted_at"] is not None:
        raise Gone(N_("This invitation link was already used or is not valid."))
    if from_db(row["expires_at"]) <= now:
        raise Gone(N_("This invitation has expired. Ask the organizers to send a new one."))
    return row


async def accept(
    db: Database, passwords: Passwords, token: str, *, fields: dict[str, str], now: datetime
) -> int:
    """Create the invited account, assign it to the contest, use up the link; return its id."""
    invitation = await open_invitation(db, token, now=now)
    if invitation["role"] == "participant" and (owner := await account_of(db, invitation)):
        return await _link(db, invitation, owner, now=now)
    await departments.refuse_unlisted(db, {"affiliation": "staff"} | fields)
    async with db.transaction() as tx:
        used = await tx.execute_rowcount(
            "UPDATE invitations SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL",
            (to_db(now), invitation["id"]),
        )
        if not used:
            raise Gone(N_("This invitation link was already used."))
        user_id = await users.create_user(
            db,
            passwords,
            email=invitation["email"],
            display_name=fields.get("display_name", ""),
            password=fields.get("password", ""),
            role=invitation["role"],
            affiliation=fields.get("affiliation", "staff"),
            department=fields.get("department", ""),
            now=now,
            tx=tx,
            locale=current_locale.get(),
        )
        await tx.execute(
            "UPDATE invitations SET accepted_by = ? WHERE id = ?", (user_id, invitation["id"])
        )
        if invitation["contest_id"] is not None:
            await tx.execute(
                "INSERT INTO contest_judges (contest_id, user_id) VALUES (?, ?)"
                " ON CONFLICT DO NOTHING",
                (invitation["contest_id"], user_id),
            )
    return user_id


async def account_of(db: Database, invitation: Row) -> int | None:
    """The account that already holds the invited mailbox (made since, perhaps), or None."""
    value = await db.fetch_value(
        "SELECT id FROM users WHERE email = ? OR mailbox = ? ORDER BY id LIMIT 1",
        (invitation["email"], users.mailbox_of(invitation["email"])),
    )
    return None if value is None else int(value)


async def _link(db: Database, invitation: Row, user_id: int, *, now: datetime) -> int:
    """Use up a participant's invitation for the account their mailbox already has: the link
    proved the address, so the account's address is confirmed; return its id."""
    if await db.fetch_value("SELECT disabled_at FROM users WHERE id = ?", (user_id,)):
        raise ContestError(N_("This account is disabled. Please contact the contest organizers."))
    async with db.transaction() as tx:
        used = await tx.execute_rowcount(
            "UPDATE invitations SET accepted_at = ?, accepted_by = ? WHERE id = ?"
            " AND accepted_at IS NULL",
            (to_db(now), user_id, invitation["id"]),
        )
        if not used:
            raise Gone(N_("This invitation link was already used."))
        await tx.execute(
            "UPDATE users SET email_verified_at = ? WHERE id = ? AND email_verified_at IS NULL",
            (to_db(now), user_id),
        )
    return user_id


async def list_invitations(db: Database) -> list[Row]:
    """Every invitation, newest first, with its contest's title."""
    return await db.fetch_all(
        "SELECT invitations.*, contests.title AS contest_title FROM invitations"
        " LEFT JOIN contests ON contests.id = invitations.contest_id ORDER BY invitations.id DESC"
    )
