"""The language each account reads: saved on the account page, used for its pages and mail."""

from __future__ import annotations

from datetime import datetime

from contest.core.clock import to_db
from contest.core.db import Database, Transaction
from contest.core.errors import BadRequest
from contest.i18n import DEFAULT_LOCALE, N_, known


async def saved_locale(reader: Database | Transaction, user_id: int) -> str | None:
    """The language the account chose, or None when it chose none."""
    return known(await reader.fetch_value("SELECT locale FROM users WHERE id = ?", (user_id,)))


async def session_locale(db: Database, session_hash: str, *, now: datetime) -> str | None:
    """The language saved by the account a live session belongs to, or None; one small
    read that neither needs nor fills the session cache (whose warmth decides which clicks
    the like fast path answers)."""
    found = await db.fetch_value(
        "SELECT users.locale FROM sessions JOIN users ON users.id = sessions.user_id"
        " WHERE sessions.token_hash = ? AND sessions.expires_at > ? AND users.disabled_at IS NULL",
        (session_hash, to_db(now)),
    )
    return known(found)


async def mail_locale(
    reader: Database | Transaction, user_id: int | None, default: str = DEFAULT_LOCALE
) -> str:
    """The language to write to an account in: its choice, else ``default`` (the language
    the sender knows it by, else the site's)."""
    if user_id is None:
        return default
    return await saved_locale(reader, user_id) or default


async def save_locale(db: Database, user_id: int, locale: str | None) -> None:
    """Keep the account's language (None: follow the browser again)."""
    if locale is not None and known(locale) is None:
        raise BadRequest(N_("Choose one of the languages the site offers."))
    async with db.transaction() as tx:
        await tx.execute("UPDATE users SET locale = ? WHERE id = ?", (locale, user_id))
