"""Password reset by emailed link, never revealing whether an address has an account."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from contest.accounts import emails, users
from contest.core.clock import from_db, to_db
from contest.core.db import Database
from contest.core.errors import Gone, ValidationError
from contest.core.outbox import queue_mail
from contest.core.security import Passwords, new_token, token_hash

RESET_LIFETIME = timedelta(hours=1)


async def request_reset(
    db: Database, *, email: str, link_for: Callable[[str], str], now: datetime
) -> None:
    """Mail a reset link if the address has an enabled account; do nothing visible otherwise."""
    address = emails.normalize_email(email)
    user = await db.fetch_one(
        "SELECT id FROM users WHERE email = ? AND disabled_at IS NULL", (address,)
    )
    if user is None:
        return
    token = new_token()
    body = (
        "Hello,\n\nSomeone asked to reset the password of your photo contest account.\n"
        f"Choose a new password here (the link works once, for one hour):\n{link_for(token)}\n\n"
        "If it was not you, ignore this message: your password stays as it is.\n"
    )
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)"
            " VALUES (?, ?, ?, ?)",
            (token_hash(token), user["id"], to_db(now), to_db(now + RESET_LIFETIME)),
        )
        await queue_mail(tx, recipient=address, subject="Reset your password", body=body, now=now)


async def check_reset_token(db: Database, token: str, *, now: datetime) -> int:
    """The user id a reset link is for; Gone if the link is unknown, used or expired."""
    row = await db.fetch_one(
        "SELECT * FROM password_resets WHERE token_hash = ?", (token_hash(token),)
    )
    if row is None or row["used_at"] is not None or from_db(row["expires_at"]) <= now:
        raise Gone("This reset link has expired or was already used. Ask for a new one.")
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
            raise Gone("This reset link was already used.")
        await tx.execute(
            "UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id)
        )
        await tx.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
    return user_id
