"""Password reset by emailed link, never revealing whether an address has an account."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from contest.accounts import emails, site_settings, users
from contest.accounts.languages import mail_locale
from contest.core.clock import from_db, to_db
from contest.core.db import Database
from contest.core.errors import Gone, RateLimited, ValidationError
from contest.core.outbox import queue_mail
from contest.core.security import Passwords, new_token, token_hash
from contest.i18n import N_, current_locale, using_locale

RESET_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True)
class ResetLimits:
    """How many reset requests a window allows.

    Per mailbox (aliases of one mailbox share it), only requests that were let through count,
    so someone asking again and again for another's address cannot keep the owner from a link:
    at most ``per_mailbox`` mails an hour arrive, and each of their links works for that hour.
    Per network address every request counts; a shared network (a campus's public address,
    set by the organizers) gets ``per_shared_address``.
    """

    window: timedelta = timedelta(hours=1)
    per_mailbox: int = 3
    per_address: int = 20
    per_shared_address: int = 200


RESET_LIMITS = ResetLimits()


def _mailbox(address: str) -> str:
    return address if emails.email_error(address) else emails.mailbox(address)


async def request_reset(
    db: Database,
    *,
    email: str,
    address: str,
    link_for: Callable[[str], str],
    now: datetime,
    limits: ResetLimits = RESET_LIMITS,
) -> None:
    """Mail a reset link if the address has an enabled account; do nothing visible otherwise.

    RateLimited (with the seconds to wait) when the caller's network address has asked too
    often: that says nothing about any account. A mailbox asked for too often just gets no
    more mail, answered like any other request.
    """
    recipient = emails.normalize_email(email)
    mailbox = _mailbox(recipient)
    networks = await site_settings.shared_networks(db)
    shared = site_settings.in_networks(address, networks)
    allowed = limits.per_shared_address if shared else limits.per_address
    since = to_db(now - limits.window)
    token = new_token()
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM reset_requests WHERE at <= ?", (since,))
        asked = await tx.fetch_one(
            "SELECT count(*) AS requests, min(at) AS oldest FROM reset_requests"
            " WHERE address = ? AND at > ?",
            (address, since),
        )
        if asked is not None and asked["requests"] >= allowed:
            free_at = from_db(asked["oldest"]) + limits.window
            raise RateLimited(max(1, int((free_at - now).total_seconds())))
        mailed = await tx.fetch_value(
            "SELECT count(*) FROM reset_requests WHERE mailbox = ? AND granted = 1 AND at > ?",
            (mailbox, since),
        )
        granted = int(mailed) < limits.per_mailbox
        await tx.execute(
            "INSERT INTO reset_requests (mailbox, address, granted, at) VALUES (?, ?, ?, ?)",
            (mailbox, address, int(granted), to_db(now)),
        )
        if not granted:
            return
        user = await tx.fetch_one(
            "SELECT id FROM users WHERE email = ? AND disabled_at IS NULL", (recipient,)
        )
        if user is None:
            return
        await tx.execute(
            "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)"
            " VALUES (?, ?, ?, ?)",
            (token_hash(token), user["id"], to_db(now), to_db(now + RESET_LIFETIME)),
        )
        # The account's language, else the language of the page the reset was asked on.
        locale = await mail_locale(tx, user["id"], default=current_locale.get())
        with using_locale(locale):
            subject = str(N_("Reset your password"))
            body = str(
                N_(
                    "Hello,\n\nSomeone asked to reset the password of your photo contest"
                    " account.\nChoose a new password here (the link works once, for one"
                    " hour):\n%(link)s\n\nIf it was not you, ignore this message: your password"
                    " stays as it is.\n",
                    link=link_for(token),
                )
            )
        await queue_mail(
            tx,
            recipient=recipient,
            subject=subject,
            body=body,
            now=now,
            private=True,
            locale=locale,
        )


async def check_reset_token(db: Database, token: str, *, now: datetime) -> int:
    """The user id a reset link is for; Gone if the link is unknown, used or expired."""
    row = await db.fetch_one(
        "SELECT * FROM password_resets WHERE token_hash = ?", (token_hash(token),)
    )
    if row is None or row["used_at"] is not None or from_db(row["expires_at"]) <= now:
        raise Gone(N_("This reset link has expired or was already used. Ask for a new one."))
    return int(row["user_id"])


async def reset_password(
    db: Database, passwords: Passwords, token: str, *, password: str, now: datetime
) -> int:
    """Set the new password, use up the link, and end every session; return the user id."""
    user_id = await check_reset_token(db, token, now=now)
    if problem := users.password_error(password):
        raise ValidationError({"password": problem})
    password_hash = await passwords.hash(password)
    async with db.transaction() as tx:
        used = await tx.execute_rowcount(
            "UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
            (to_db(now), token_hash(token)),
        )
        if not used:
            raise Gone(N_("This reset link was already used."))
        await tx.execute(
            "UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id)
        )
        await tx.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
    return user_id
