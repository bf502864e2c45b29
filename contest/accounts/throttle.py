"""Sign-in throttling per account and per network address, kept in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from contest.core.clock import from_db, to_db
from contest.core.db import Database, Transaction
from contest.core.errors import RateLimited


@dataclass(frozen=True)
class Limits:
    """How many failed sign-ins a window allows.

    The per-address limit is high on purpose: a campus often reaches us from one public address,
    and one student's typos must not lock out the library.
    """

    window: timedelta = timedelta(minutes=15)
    per_account: int = 5
    per_address: int = 100


SIGN_IN_LIMITS = Limits()


async def claim_attempt(
    db: Database, *, account: str, address: str, now: datetime, limits: Limits = SIGN_IN_LIMITS
) -> int:
    """Count this attempt as a failure up front (so parallel tries cannot slip past the limit)
    and return its id; RateLimited, with the seconds to wait, when either budget is spent."""
    since = to_db(now - limits.window)
    async with db.transaction() as tx:
        for column, key, allowed in (
            ("account", account, limits.per_account),
            ("address", address, limits.per_address),
        ):
            row = await tx.fetch_one(
                f"SELECT count(*) AS failures, min(at) AS oldest FROM auth_failures"  # noqa: S608
                f" WHERE {column} = ? AND at > ?",
                (key, since),
            )
            if row is not None and row["failures"] >= allowed:
                free_at = from_db(row["oldest"]) + limits.window
                raise RateLimited(max(1, int((free_at - now).total_seconds())))
        return await tx.execute(
            "INSERT INTO auth_failures (account, address, at) VALUES (?, ?, ?)",
            (account, address, to_db(now)),
        )


async def forget_failures(
    tx: Transaction, *, account: str, now: datetime, limits: Limits = SIGN_IN_LIMITS
) -> None:
    """After a good sign-in, clear the account's failures and drop expired rows."""
    await tx.execute("DELETE FROM auth_failures WHERE account = ?", (account,))
    await tx.execute("DELETE FROM auth_failures WHERE at <= ?", (to_db(now - limits.window),))
