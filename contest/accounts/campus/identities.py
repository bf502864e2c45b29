"""The account a campus sign-in reaches: the one already linked to the provider's person, or
the account with exactly the address the provider vouches for (then linked), or a new one.

What it never does, each a way into someone else's account:
- link by an address the provider does not mark as verified (anyone can type any address
  into a directory profile), or outside the campus's domains when the provider has them;
- link by another spelling of the address (``pat+x@`` for ``pat@``): it refuses instead;
- link an organizer's account (they sign in with their password: a campus directory should
  not be a key to the site's management);
- link an account already linked to another person of the same provider (an address a campus
  gave to a newcomer after a graduate left);
- keep a password it did not see made: an account nobody confirmed (made at the sign-up form
  with this address, by anyone) gets a fresh unknowable password and loses its sessions.

The provider's affiliation and department are taken at every sign-in (they change when a
student joins the staff); a department must be one of the organizers' list when they keep one.
"""

from __future__ import annotations

import secrets
from contextlib import suppress
from datetime import datetime

from contest.accounts import departments, sessions
from contest.accounts.campus.client import CampusRefused
from contest.accounts.campus.flow import CampusPerson
from contest.accounts.emails import email_error, normalize_email
from contest.accounts.profiles import MAX_NAME
from contest.accounts.users import User, create_user, get_user_row, mailbox_of
from contest.core import changes
from contest.core.clock import to_db
from contest.core.db import Database, Row
from contest.core.errors import Forbidden, ValidationError
from contest.core.forms import clean_text
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
OUTSIDE = N_(
    "This campus sign-in is for the campus's own addresses, and yours is not one of them."
    " Sign in with your email and password instead."
)
ANOTHER_SPELLING = N_(
    "An account with another spelling of your address exists here. Sign in to it with its"
    " email and password."
)
ORGANIZER = N_("Organizers sign in with their email and password.")
TAKEN = N_(
    "The account with this address belongs to another person of your campus. Ask the"
    " organizers to sort it out."
)
DISABLED = N_("This account is disabled. Please contact the contest organizers.")


async def account_for(
    db: Database,
    passwords: Passwords,
    person: CampusPerson,
    *,
    now: datetime,
    signed_in: User | None = None,
) -> User:
    """The account the person signs in to, linked to their campus identity from now on.

    ``signed_in``: the account this browser is signed in to. A campus identity not linked yet
    links to it (the person proved both: "your account stays the same"), whatever its address;
    one already linked elsewhere signs in to that account."""
    provider = person.provider
    if provider.domains and not (
        person.email and provider.takes_address(person.email, person.hosted_domain)
    ):
        raise CampusRefused(OUTSIDE)
    user_id = await db.fetch_value(
        "SELECT user_id FROM campus_identities WHERE issuer = ? AND subject = ?",
        (provider.issuer, person.subject),
    )
    if user_id is None and signed_in is not None:
        current = await get_user_row(db, signed_in.id)
        user_id = await _linkable(db, passwords, current, person, by_address=False)
    elif user_id is None:
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
        if person.email_verified and person.email:
            # The campus vouches for this address: the account's, if it is the same one.
            await tx.execute(
                "UPDATE users SET email_verified_at = ? WHERE id = ? AND email = ?"
                " AND email_verified_at IS NULL",
                (to_db(now), user_id, normalize_email(person.email)),
            )
        await changes.announce(db, changes.USER, int(user_id), tx=tx)  # other devices' caches
    if person.department is not None:
        # Not on the organizers' list: the account keeps its own department.
        listed = await _listed_code(db, person.department)
        with suppress(ValidationError):
            await departments.set_user_department(db, user_id=user_id, value=listed)
    return User.from_row(await get_user_row(db, int(user_id)))


async def _by_address(
    db: Database, passwords: Passwords, person: CampusPerson, *, now: datetime, again: bool = True
) -> int:
    """The account with exactly the person's verified address, or a new participant's."""
    if not person.email or email_error(person.email):
        raise CampusRefused(NO_EMAIL)
    if not person.email_verified:
        raise CampusRefused(UNVERIFIED)
    email = normalize_email(person.email)
    exact = await db.fetch_one("SELECT * FROM users WHERE email = ?", (email,))
    if exact is not None:
        return await _linkable(db, passwords, exact, person, by_address=True)
    if await db.fetch_value("SELECT 1 FROM users WHERE mailbox = ?", (mailbox_of(email),)):
        raise CampusRefused(ANOTHER_SPELLING)
    name = clean_text(person.name)[:MAX_NAME].strip() or email.split("@", 1)[0]
    try:
        return await create_user(
            db,
            passwords,
            email=email,
            display_name=name,
            # Never typed, never shown: the account signs in through the campus (or resets it).
            password=secrets.token_urlsafe(32),
            role="participant",
            affiliation=person.affiliation or "other",
            now=now,
        )
    except ValidationError:  # made meanwhile (the same sign-in pressed twice): find it
        if not again:
            raise CampusRefused(TAKEN) from None
        return await _by_address(db, passwords, person, now=now, again=False)


async def _linkable(
    db: Database, passwords: Passwords, account: Row, person: CampusPerson, *, by_address: bool
) -> int:
    """The account, made safe to link (see the module's list): found ``by_address``, or the
    one the person is signed in to (whose password they know: it stays)."""
    user_id = int(account["id"])
    if account["role"] == "organizer":
        raise CampusRefused(ORGANIZER)
    other = await db.fetch_value(
        "SELECT 1 FROM campus_identities WHERE user_id = ? AND issuer = ? AND subject != ?",
        (user_id, person.provider.issuer, person.subject),
    )
    if other:
        raise CampusRefused(TAKEN)
    if by_address and account["email_verified_at"] is None:
        # Made by whoever typed the address at sign-up: their password and sessions go.
        fresh = await passwords.hash(secrets.token_urlsafe(32))
        async with db.transaction() as tx:
            await tx.execute("UPDATE users SET password_hash = ? WHERE id = ?", (fresh, user_id))
        await sessions.end_all_sessions(db, user_id=user_id)
    return user_id


async def _listed_code(db: Database, value: str) -> str:
    """The organizers' code for a department the campus names by code or by name ("LIB" or
    "Library", case aside); the value itself when the list has no such one (or no list)."""
    for listed in await departments.list_departments(db):
        by_name = departments.folded_name(value.strip()) == departments.folded_name(listed.name)
        if departments.normalize_code(value) == listed.code or by_name:
            return listed.code
    return value
