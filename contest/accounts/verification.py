"""Confirming that a self-made account's owner reads its mailbox, and pacing sign-ups.

An account made on the public sign-up form counts as a voter only once its owner follows the
link mailed to the address: otherwise anyone could mint voters from addresses they do not
own. The link is signed with the site's secret and bound to the account and its address, so
it needs no table and stops working if the address changes.

Sign-ups are paced per network address (a script making accounts) and per mailbox (one person
trying alias after alias); networks the organizers list as shared get a larger allowance.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from contest.accounts.languages import mail_locale
from contest.core.clock import from_db, to_db
from contest.core.db import Database, Transaction
from contest.core.errors import Gone, RateLimited
from contest.core.outbox import queue_mail
from contest.core.security import texts_match
from contest.i18n import N_, current_locale, using_locale

LINK_LIFETIME = timedelta(days=7)
_TOKEN = re.compile(r"([0-9]{1,18})\.([0-9]{1,12})\.([0-9a-f]{64})")


@dataclass(frozen=True)
class SignUpLimits:
    """How many sign-ups (and confirmation mails) a window allows."""

    window: timedelta = timedelta(hours=1)
    per_address: int = 20
    per_shared_address: int = 300
    per_mailbox: int = 3


SIGN_UP_LIMITS = SignUpLimits()
_MADE_FROM_ADDRESS = (
    "SELECT count(*) AS made, min(at) AS oldest FROM sign_up_requests WHERE address = ? AND at > ?"
)
_MADE_FOR_MAILBOX = (
    "SELECT count(*) AS made, min(at) AS oldest FROM sign_up_requests WHERE mailbox = ? AND at > ?"
)


def _mac(secret: str, user_id: int, email: str, expires: int) -> str:
    message = f"confirm|{user_id}|{email}|{expires}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def confirmation_token(secret: str, *, user_id: int, email: str, now: datetime) -> str:
    """A link token proving that whoever holds it received mail at ``email``."""
    expires = int((now + LINK_LIFETIME).timestamp())
    return f"{user_id}.{expires}.{_mac(secret, user_id, email, expires)}"


async def confirm(db: Database, secret: str, token: str, *, now: datetime) -> int:
    """Mark the account of a genuine, unexpired token confirmed; return its id. Gone if the
    token is forged, expired, or its address has changed since it was sent."""
    match = _TOKEN.fullmatch(token or "")
    problem = Gone(
        N_("This confirmation link is not valid any more. Sign in to ask for a new one.")
    )
    if match is None:
        raise problem
    user_id, expires, mac = int(match[1]), int(match[2]), match[3]
    email = await db.fetch_value("SELECT email FROM users WHERE id = ?", (user_id,))
    if email is None or expires < now.timestamp():
        raise problem
    if not texts_match(_mac(secret, user_id, str(email), expires), mac):
        raise problem
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE users SET email_verified_at = ? WHERE id = ? AND email_verified_at IS NULL",
            (to_db(now), user_id),
        )
    return user_id


async def queue_confirmation(
    tx: Transaction,
    *,
    user_id: int,
    email: str,
    secret: str,
    link_for: Callable[[str], str],
    now: datetime,
) -> None:
    """Mail the account's owner the link that confirms their address (a private message: the
    Outbox page never shows its link), in the account's language (else the page's)."""
    link = link_for(confirmation_token(secret, user_id=user_id, email=email, now=now))
    locale = await mail_locale(tx, user_id, default=current_locale.get())
    with using_locale(locale):
        subject = str(N_("Confirm your email address"))
        body = str(
            N_(
                "Hello,\n\nPlease confirm that this is your address, so your likes count in the"
                " photo contests:\n%(link)s\n\nThe link works for 7 days. If you did not sign"
                " up, ignore this message: the account stays unconfirmed.\n",
                link=link,
            )
        )
    await queue_mail(
        tx, recipient=email, subject=subject, body=body, now=now, private=True, locale=locale
    )


async def claim_sign_up(
    tx: Transaction,
    *,
    mailbox: str,
    address: str,
    shared: bool,
    now: datetime,
    limits: SignUpLimits = SIGN_UP_LIMITS,
) -> None:
    """Count one sign-up (or confirmation mail) against its network address and mailbox;
    RateLimited, with the seconds to wait, when either has had its share of the window.
    ``shared``: the address lies in a network the organizers listed as shared by many."""
    since = to_db(now - limits.window)
    await tx.execute("DELETE FROM sign_up_requests WHERE at <= ?", (since,))
    allowed = limits.per_shared_address if shared else limits.per_address
    for query, value, most in (
        (_MADE_FROM_ADDRESS, address, allowed),
        (_MADE_FOR_MAILBOX, mailbox, limits.per_mailbox),
    ):
        row = await tx.fetch_one(query, (value, since))
        if row is not None and row["made"] >= most:
            free_at = from_db(row["oldest"]) + limits.window
            raise RateLimited(
                max(1, int((free_at - now).total_seconds())),
                N_("Too many sign-ups from here in the last hour. Please try again later."),
            )
    await tx.execute(
        "INSERT INTO sign_up_requests (mailbox, address, at) VALUES (?, ?, ?)",
        (mailbox, address, to_db(now)),
    )
