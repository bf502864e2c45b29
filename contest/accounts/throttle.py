"""Sign-in throttling per account, per network address and per known device, kept in the
database; and the mail that tells an owner their account was locked.

A browser where someone signed in before carries a *known device* token (``device_token``):
signed with the site's secret, bound to the account and to its current password hash (a new
password forgets every known device), valid for ``DEVICE_LIFETIME``. Attempts from such a
browser for its own account are counted against that device alone, so a stranger's wrong
passwords, which lock the account for unknown browsers, never lock its owner out of the
browser they use; a stolen token still buys only ``per_device`` guesses per window.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from contest.accounts import notices
from contest.accounts.languages import mail_locale
from contest.core.clock import from_db, to_db
from contest.core.db import Database, Transaction
from contest.core.errors import RateLimited
from contest.core.outbox import queue_mail
from contest.core.security import new_token, texts_match, token_hash
from contest.i18n import DEFAULT_LOCALE, current_locale, using_locale

#: How long a browser stays known after its last sign-in there.
DEVICE_LIFETIME = timedelta(days=365)
_DEVICE_TOKEN = re.compile(r"([0-9]{1,18})\.([0-9]{1,12})\.([A-Za-z0-9_-]{1,100})\.([0-9a-f]{64})")


@dataclass(frozen=True)
class Limits:
    """How many failed sign-ins a window allows.

    The per-address limit is high on purpose: a campus often reaches us from one public address,
    and one student's typos must not lock out the library. ``per_account`` counts failures from
    unknown browsers only; a known device has its own ``per_device`` budget and is not held to
    the address's (so a flood from the owner's own campus address does not lock them out).
    """

    window: timedelta = timedelta(minutes=15)
    per_account: int = 5
    per_address: int = 100
    per_device: int = 5


SIGN_IN_LIMITS = Limits()


def _device_mac(secret: str, user_id: int, issued: int, nonce: str, password_hash: str) -> str:
    message = f"known-device|{user_id}|{issued}|{nonce}|{password_hash}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def device_token(secret: str, *, user_id: int, password_hash: str, now: datetime) -> str:
    """A fresh known-device token for a browser that just signed in to this account."""
    if not secret:
        raise ValueError("a known-device token needs the site's secret key")
    issued, nonce = int(now.timestamp()), new_token()
    mac = _device_mac(secret, user_id, issued, nonce, password_hash)
    return f"{user_id}.{issued}.{nonce}.{mac}"


def device_key(
    secret: str, token: str | None, *, user_id: int, password_hash: str, now: datetime
) -> str | None:
    """The throttle key of a valid known-device token of this account (not yet expired, made
    under its current password), or None for anything else."""
    if not secret or not token:
        return None
    parts = _DEVICE_TOKEN.fullmatch(token)
    if parts is None:
        return None
    owner, issued, nonce, mac = int(parts[1]), int(parts[2]), parts[3], parts[4]
    if owner != user_id or not texts_match(
        _device_mac(secret, owner, issued, nonce, password_hash), mac
    ):
        return None
    age = now.timestamp() - issued
    if age < -60 or age > DEVICE_LIFETIME.total_seconds():
        return None
    return token_hash(nonce)


async def remember_device(db: Database, *, user_id: int, secret: str, now: datetime) -> str:
    """A known-device token for the account that just signed in (for a long-lived cookie)."""
    password_hash = await db.fetch_value("SELECT password_hash FROM users WHERE id = ?", (user_id,))
    return device_token(secret, user_id=user_id, password_hash=str(password_hash), now=now)


async def _refuse_if_spent(
    tx: Transaction,
    where: str,
    key: str,
    allowed: int,
    *,
    since: str,
    now: datetime,
    window: timedelta,
) -> None:
    row = await tx.fetch_one(
        f"SELECT count(*) AS failures, min(at) AS oldest FROM auth_failures"  # noqa: S608
        f" WHERE {where} AND at > ?",
        (key, since),
    )
    if row is not None and row["failures"] >= allowed:
        free_at = from_db(row["oldest"]) + window
        raise RateLimited(max(1, int((free_at - now).total_seconds())))


async def claim_attempt(
    db: Database,
    *,
    account: str,
    address: str,
    now: datetime,
    device: str | None = None,
    limits: Limits = SIGN_IN_LIMITS,
) -> int:
    """Count this attempt as a failure up front (so parallel tries cannot slip past the limit)
    and return its id; RateLimited, with the seconds to wait, when a budget is spent.

    ``device`` is the key of a known device of this account (``device_key``): its attempts
    are held to the device's budget alone; others to the account's and the address's.
    """
    since = to_db(now - limits.window)
    async with db.transaction() as tx:
        if device is not None:
            await _refuse_if_spent(
                tx,
                "device = ?",
                device,
                limits.per_device,
                since=since,
                now=now,
                window=limits.window,
            )
        else:
            await _refuse_if_spent(
                tx,
                "account = ? AND device IS NULL",
                account,
                limits.per_account,
                since=since,
                now=now,
                window=limits.window,
            )
            await _refuse_if_spent(
                tx,
                "address = ?",
                address,
                limits.per_address,
                since=since,
                now=now,
                window=limits.window,
            )
        return await tx.insert(
            "INSERT INTO auth_failures (account, address, device, at) VALUES (?, ?, ?, ?)",
            (account, address, device, to_db(now)),
        )


async def forget_failures(
    tx: Transaction,
    *,
    account: str,
    now: datetime,
    device: str | None = None,
    limits: Limits = SIGN_IN_LIMITS,
) -> None:
    """After a good sign-in, clear the failures it vouches for and drop expired rows.

    From an unknown browser that is every failure of the account (as the owner proved the
    password there); from a known device only the device's own, so the owner signing in at
    home does not hand whoever is guessing elsewhere a fresh budget.
    """
    if device is None:
        await tx.execute("DELETE FROM auth_failures WHERE account = ?", (account,))
    else:
        await tx.execute("DELETE FROM auth_failures WHERE device = ?", (device,))
    await tx.execute("DELETE FROM auth_failures WHERE at <= ?", (to_db(now - limits.window),))


async def send_notice_once(
    tx: Transaction,
    *,
    account: str,
    kind: str,
    every: timedelta,
    recipient: str,
    subject: str,
    body: str,
    now: datetime,
    locale: str = DEFAULT_LOCALE,
) -> bool:
    """Queue a notice to an account's owner (written in ``locale``) unless one of this kind
    went out within ``every``; whether it was queued."""
    last = await tx.fetch_value(
        "SELECT sent_at FROM account_notices WHERE account = ? AND kind = ?", (account, kind)
    )
    if last is not None and from_db(last) + every > now:
        return False
    await tx.execute(
        "INSERT INTO account_notices (account, kind, sent_at) VALUES (?, ?, ?)"
        " ON CONFLICT (account, kind) DO UPDATE SET sent_at = excluded.sent_at",
        (account, kind, to_db(now)),
    )
    await queue_mail(tx, recipient=recipient, subject=subject, body=body, now=now, locale=locale)
    return True


async def notify_lockout(
    db: Database,
    *,
    account: str,
    recipient: str | None,
    now: datetime,
    sign_in_link: str = "",
    limits: Limits = SIGN_IN_LIMITS,
) -> bool:
    """After a failure from an unknown browser: if the account is now locked, tell its owner,
    once per lockout window; whether a mail was queued.

    Called for every such failure, with ``recipient`` None when there is no one to tell (no
    account, or a disabled one), so the same read is made whether or not the account exists.
    """
    failures = int(
        await db.fetch_value(
            "SELECT count(*) FROM auth_failures WHERE account = ? AND device IS NULL AND at > ?",
            (account, to_db(now - limits.window)),
        )
    )
    if recipient is None or failures < limits.per_account:
        return False
    minutes = int(limits.window.total_seconds() // 60)
    async with db.transaction() as tx:
        owner_id = await tx.fetch_value("SELECT id FROM users WHERE email = ?", (recipient,))
        locale = await mail_locale(tx, owner_id, default=current_locale.get())
        with using_locale(locale):
            subject, body = notices.lockout_notice(recipient, failures, minutes, sign_in_link)
        return await send_notice_once(
            tx,
            account=account,
            kind="lockout",
            every=limits.window,
            recipient=recipient,
            subject=subject,
            body=body,
            now=now,
            locale=locale,
        )
