"""The account a campus sign-in reaches: the one already linked to the provider's person, or
the account with the address the provider vouches for (then linked), or a new one.

Never by an address the provider does not mark as verified: anyone can type any address into
a campus directory's profile, and linking on it would hand them the owner's account. The
provider's affiliation and department are taken at every sign-in (they change when a student
joins the staff); a department must be one of the organizers' list when they keep one.
"""

from __future__ import annotations

import secrets
from contextlib import suppress
from datetime import datetime

from contest.accounts import departments
from contest.accounts.campus.client import CampusRefused
from contest.accounts.campus.flow import CampusPerson
from contest.accounts.emails import email_error, normalize_email
from contest.accounts.profiles import MAX_NAME
from contest.accounts.users import User, create_user, get_user_row, mailbox_of
from contest.core.clock import to_db
from contest.core.db import Database
from contest.core.errors import Forbidden, ValidationError
from contest.core.security import Passwords
from contest.i18n import N_

UNVERIFIED = N_(
    "The campus sign-in service has not verified your email address, so this site cannot tell"
    " it is yours. Verify it with your campus, or sign in with your email and password."
)
NO_EMAIL = N_(
    "The campus sign-in service did not send your email address. Ask the organizers to let"
    " this site read it, or sign in with your email and password."
)
DISABLED = N_("This account is disabled. Please contact the contest organizers.")


async def account_for(
    db: Database, passwords: Passwords, person: CampusPerson, *, now: datetime
) -> User:
    """The account the person signs in to, linked to their campus identity from now on."""
    provider = person.provider
    user_id = await db.fetch_value(
        "SELECT user_id FROM campus_identities WHERE issuer = ? AND subject = ?",
        (provider.issuer, person.subject),
    )
    if user_id is None:
        user_id = await _by_address(db, passwords, person, now=now)
    row = await get_user_row(db, int(user_id))
    if row["disabled_at"] is not None:
        raise Forbidden(DISABLED)
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO campus_identities (issuer, subject, user_id, provider, linked_at,"
            " last_seen_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (issuer, subject)"
            " DO UPDATE SET last_seen_at = excluded.last_seen_at",
            (provider.issuer, person.subject, user_id, provider.key, to_db(now), to_db(now)),
        )
        if person.affiliation is not None:
            await tx.execute(
                "UPDATE users SET affiliation = ? WHERE id = ?", (person.affiliation, user_id)
            )
        # Whoever holds a campus identity proved the address to the campus.
        await tx.execute(
            "UPDATE users SET email_verified_at = ? WHERE id = ? AND email_verified_at IS NULL",
            (to_db(now), user_id),
        )
    if person.department is not None:
        # Not on the organizers' list: the account keeps its own department.
        with suppress(ValidationError):
            await departments.set_user_department(db, user_id=user_id, value=person.department)
    return User.from_row(await get_user_row(db, int(user_id)))


async def _by_address(
    db: Database, passwords: Passwords, person: CampusPerson, *, now: datetime
) -> int:
    """The account with the person's verified address, or a new participant's."""
    if not person.email or email_error(person.email):
        raise CampusRefused(NO_EMAIL)
    if not person.email_verified:
        raise CampusRefused(UNVERIFIED)
    email = normalize_email(person.email)
    found = await db.fetch_value(
        "SELECT id FROM users WHERE email = ? OR mailbox = ? ORDER BY id LIMIT 1",
        (email, mailbox_of(email)),
    )
    if found is not None:
        return int(found)
    name = person.name or email.split("@", 1)[0]
    return await create_user(
        db,
        passwords,
        email=email,
        display_name=name[:MAX_NAME],
        # Never typed, never shown: the account signs in through the campus (or resets it).
        password=secrets.token_urlsafe(32),
        role="participant",
        affiliation=person.affiliation or "other",
        now=now,
    )
