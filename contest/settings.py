"""Site-wide settings that organizers change from the web, kept in the ``settings`` table."""

from __future__ import annotations

import re

from contest.db import Database
from contest.errors import ValidationError

SIGNUP_DOMAINS = "signup_domains"
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,62}\.)+[a-z]{2,63})$")


async def get(db: Database, key: str, default: str = "") -> str:
    """The stored value of a setting, or the default."""
    value = await db.fetch_value("SELECT value FROM settings WHERE key = ?", (key,))
    return default if value is None else str(value)


async def put(db: Database, key: str, value: str) -> None:
    """Store a setting's value."""
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def parse_domains(text: str) -> list[str]:
    """Email domains typed one per line or separated by commas; ValidationError if one is bad."""
    domains = []
    for part in re.split(r"[\s,]+", text.lower()):
        domain = part.strip().lstrip("@")
        if not domain:
            continue
        if not _DOMAIN.match(domain):
            raise ValidationError({"signup_domains": f"{part!r} is not an email domain."})
        if domain not in domains:
            domains.append(domain)
    return domains


async def signup_domains(db: Database) -> list[str]:
    """The email domains sign-up is limited to; empty means anyone may sign up."""
    return parse_domains(await get(db, SIGNUP_DOMAINS))


async def set_signup_domains(db: Database, text: str) -> list[str]:
    """Limit sign-up to these domains (empty text opens it to all); return them."""
    domains = parse_domains(text)
    await put(db, SIGNUP_DOMAINS, "\n".join(domains))
    return domains
