"""Accounts: who people are, their role, and how they prove it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from contest.accounts import notices, site_settings, throttle, verification
from contest.accounts.emails import email_error, is_throwaway, mailbox, normalize_email
from contest.accounts.languages import mail_locale
from contest.accounts.profiles import AFFILIATION_LABELS as AFFILIATION_LABELS
from contest.accounts.profiles import AFFILIATIONS as AFFILIATIONS
from contest.accounts.profiles import MAX_DEPARTMENT as MAX_DEPARTMENT
from contest.accounts.profiles import MAX_NAME as MAX_NAME
from contest.accounts.profiles import MAX_PASSWORD as MAX_PASSWORD
from contest.accounts.profiles import MIN_PASSWORD as MIN_PASSWORD
from contest.accounts.profiles import NOT_LISTED as NOT_LISTED
from contest.accounts.profiles import department_error as department_error
from contest.accounts.profiles import password_error as password_error
from contest.accounts.profiles import profile_errors as profile_errors
from contest.core.clock import to_db
from contest.core.db import Database, Row, Transaction
from contest.core.errors import Conflict, ContestError, NotFound, ValidationError
from contest.core.security import Passwords
from contest.i18n import N_, current_locale, known, using_locale

ROLES = ("organizer", "judge", "participant")
BAD_CREDENTIALS = N_("That email and password don't match an account.")


@dataclass(frozen=True)
class User:
    """A signed-in person, as the web layer sees them."""

    id: int
    email: str
    display_name: str
    role: str
    affiliation: str
    department: str
    #: Whether the account confirmed its address (self-made accounts must, before their
    #: likes count; invited and organizer-made accounts did by receiving the mail).
    email_verified: bool = True
    #: The language the account chose on its account page (None: follow the browser).
    locale: str | None = None
    #: Whether the account is linked to a campus identity (signed in through the campus's
    #: provider at least once): the campus vouches for one person behind it.
    campus: bool = False

    @property
    def is_organizer(self) -> bool:
        """Whether this person runs contests."""
        return self.role == "organizer"

    @property
    def is_judge(self) -> bool:
        """Whether this person scores entries."""
        return self.role == "judge"

    @classmethod
    def from_row(cls, row: Row) -> User:
        """The user described by a ``users`` row."""
        return cls(
            id=row["id"],
            email=row["email"],
            display_name=row["display_name"],
            role=row["role"],
            affiliation=row["affiliation"],
            department=row["department"],
            email_verified=row["email_verified_at"] is not None,
            locale=known(row["locale"]) if "locale" in row.keys() else None,  # noqa: SIM118
            campus=bool(row["campus"]) if "campus" in row.keys() else False,  # noqa: SIM118
        )


CHOOSE_ROLE = N_("Choose organizer, judge or participant.")


def _user_errors(
    *, email: str, display_name: str, password: str, role: str, affiliation: str, department: str
) -> dict[str, str]:
    """Every problem with a new account's fields (whether or not the address is taken)."""
    errors = profile_errors(
        {"display_name": display_name, "affiliation": affiliation, "department": department}
    )
    if problem := email_error(email):
        errors["email"] = problem
    if problem := password_error(password):
        errors["password"] = problem
    if role not in ROLES:
        errors["role"] = CHOOSE_ROLE
    return errors


async def _new_user_values(
    passwords: Passwords,
    *,
    email: str,
    display_name: str,
    password: str,
    role: str,
    affiliation: str,
    department: str,
    now: datetime,
) -> tuple[Any, ...]:
    """The ``INSERT_USER`` values of a new account after checking every field (the password
    is hashed here, so a taken address costs the same time as a new one)."""
    errors = _user_errors(
        email=email,
        display_name=display_name,
        password=password,
        role=role,
        affiliation=affiliation,
        department=department,
    )
    if errors:
        raise ValidationError(errors)
    password_hash = await passwords.hash(password)
    return (
        email,
        display_name.strip(),
        role,
        affiliation,
        department.strip().upper(),
        password_hash,
        to_db(now),
    )


INSERT_USER = (
    "INSERT INTO users (email, display_name, role, affiliation, department, password_hash,"
    " created_at, mailbox, email_verified_at, locale) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _with_identity(
    values: tuple[Any, ...], *, verified: bool, locale: str | None = None
) -> tuple[Any, ...]:
    """``INSERT_USER`` values: the account's fields, then its folded mailbox, for an address
    already proven the moment it was (the account's creation), and the language it was made
    in (kept as its choice, so its mail and pages stay in it)."""
    email, created_at = values[0], values[-1]
    return (*values, mailbox_of(email), created_at if verified else None, known(locale))


def mailbox_of(email: str) -> str:
    """The folded mailbox accounts are told apart by (the address itself if it is invalid)."""
    return email if email_error(email) else mailbox(email)


async def create_user(
    db: Database,
    passwords: Passwords,
    *,
    email: str,
    display_name: str,
    password: str,
    role: str,
    affiliation: str = "other",
    department: str = "",
    now: datetime,
    tx: Transaction | None = None,
    locale: str | None = None,
) -> int:
    """Create an account after checking every field; return its id. ``locale``: the language
    it was made in (an accepted invitation's page), kept as the account's choice.

    For organizers, invitations and the command line, which may say that an address is
    taken; the public sign-up form goes through ``sign_up``, which never does."""
    values = await _new_user_values(
        passwords,
        email=normalize_email(email),
        display_name=display_name,
        password=password,
        role=role,
        affiliation=affiliation,
        department=department,
        now=now,
    )
    if tx is not None:
        user_id = await _insert_user(tx, values, locale)
    else:
        async with db.transaction() as own:
            user_id = await _insert_user(own, values, locale)
    return user_id


async def _insert_user(tx: Transaction, values: tuple[Any, ...], locale: str | None) -> int:
    before = await tx.fetch_value("SELECT id FROM users WHERE email = ?", (values[0],))
    if before is not None:
        raise ValidationError(
            {
                "email": N_(
                    "An account with this email already exists. Sign in or reset your password."
                )
            }
        )
    return await tx.insert(INSERT_USER, _with_identity(values, verified=True, locale=locale))


#: How often the owner of an address is told that someone tried to sign up with it.
SIGN_UP_NOTICE_EVERY = timedelta(hours=1)


async def sign_up(
    db: Database,
    passwords: Passwords,
    *,
    fields: dict[str, str],
    address: str,
    secret: str,
    confirm_link_for: Callable[[str], str],
    now: datetime,
    sign_in_link: str = "",
) -> int | None:
    """Create an unconfirmed participant account from the public sign-up form, mail its owner
    the link that confirms the address, and return its id.

    One mailbox, one account: an address whose mailbox (aliases and Gmail dots folded) already
    has an account is taken. Throw-away domains are refused, and sign-ups are paced per network
    address and per mailbox (``verification.claim_sign_up``). The form never tells whether an
    address has an account: with a taken one every field is checked (and the password hashed)
    the same way, nothing is created, the owner is mailed instead (at most once per
    ``SIGN_UP_NOTICE_EVERY``) and None is returned; the caller answers both alike.
    """
    email = normalize_email(fields.get("email", ""))
    domains = await site_settings.signup_domains(db)
    if domains and not email_error(email) and email.rsplit("@", 1)[1] not in domains:
        allowed = ", ".join("@" + domain for domain in domains)
        raise ValidationError(
            {"email": N_("Sign-up is open to addresses ending in %(domains)s.", domains=allowed)}
        )
    if not email_error(email) and is_throwaway(email):
        raise ValidationError(
            {
                "email": N_(
                    "Please use your everyday email address; throw-away addresses can't sign up."
                )
            }
        )
    values = await _new_user_values(
        passwords,
        email=email,
        display_name=fields.get("display_name", ""),
        password=fields.get("password", ""),
        role="participant",
        affiliation=fields.get("affiliation", ""),
        department=fields.get("department", ""),
        now=now,
    )
    folded = mailbox_of(email)
    shared = site_settings.in_networks(address, await site_settings.shared_networks(db))
    async with db.transaction() as tx:
        await verification.claim_sign_up(
            tx, mailbox=folded, address=address, shared=shared, now=now
        )
        owner = await tx.fetch_value(
            "SELECT email FROM users WHERE email = ? OR mailbox = ? ORDER BY id LIMIT 1",
            (email, folded),
        )
        if owner is None:
            made_in = current_locale.get()
            user_id = await tx.insert(
                INSERT_USER, _with_identity(values, verified=False, locale=made_in)
            )
            await verification.queue_confirmation(
                tx, user_id=user_id, email=email, secret=secret, link_for=confirm_link_for, now=now
            )
            return user_id
        owner_id = await tx.fetch_value("SELECT id FROM users WHERE email = ?", (owner,))
        locale = await mail_locale(tx, owner_id, default=current_locale.get())
        with using_locale(locale):
            subject, body = notices.sign_up_notice(str(owner), sign_in_link)
        await throttle.send_notice_once(
            tx,
            account=str(owner),
            kind="sign_up",
            every=SIGN_UP_NOTICE_EVERY,
            recipient=str(owner),
            subject=subject,
            body=body,
            now=now,
            locale=locale,
        )
    return None


async def resend_confirmation(
    db: Database,
    user: User,
    *,
    address: str,
    secret: str,
    confirm_link_for: Callable[[str], str],
    now: datetime,
) -> None:
    """Mail a signed-in, unconfirmed account its confirmation link again (paced like
    sign-ups, per address and mailbox)."""
    if user.email_verified:
        raise Conflict(N_("Your address is already confirmed."))
    shared = site_settings.in_networks(address, await site_settings.shared_networks(db))
    async with db.transaction() as tx:
        await verification.claim_sign_up(
            tx, mailbox=mailbox_of(user.email), address=address, shared=shared, now=now
        )
        await verification.queue_confirmation(
            tx, user_id=user.id, email=user.email, secret=secret, link_for=confirm_link_for, now=now
        )


async def authenticate(
    db: Database,
    passwords: Passwords,
    *,
    email: str,
    password: str,
    address: str,
    now: datetime,
    device_cookie: str | None = None,
    secret: str = "",
    sign_in_link: str = "",
) -> User:
    """The user whose email and password these are; the same error whether or not one exists.

    ``device_cookie`` is the browser's known-device token (``throttle.device_token``, signed
    with ``secret``): when it belongs to this account, the attempt is held to the device's own
    budget, so failures elsewhere never lock the owner out of their usual browser. A failure
    from elsewhere that locks the account mails its owner (``throttle.notify_lockout``).
    """
    account = normalize_email(email)
    row = await db.fetch_one("SELECT * FROM users WHERE email = ?", (account,))
    device = None
    if row is not None:
        device = throttle.device_key(
            secret, device_cookie, user_id=row["id"], password_hash=row["password_hash"], now=now
        )
    await throttle.claim_attempt(db, account=account, address=address, device=device, now=now)
    matches = await passwords.verify(row["password_hash"] if row else None, password)
    if row is None or not matches:
        # The claimed attempt stays counted.
        if device is None:
            owner = row["email"] if row is not None and row["disabled_at"] is None else None
            await throttle.notify_lockout(
                db, account=account, recipient=owner, now=now, sign_in_link=sign_in_link
            )
        raise ContestError(BAD_CREDENTIALS)
    if row["disabled_at"] is not None:
        raise ContestError(N_("This account is disabled. Please contact the contest organizers."))
    async with db.transaction() as tx:
        await throttle.forget_failures(tx, account=account, device=device, now=now)
    return User.from_row(row)


async def get_user_row(db: Database, user_id: int) -> Row:
    """The ``users`` row with that id; NotFound if there is none."""
    row = await db.fetch_one("SELECT * FROM users WHERE id = ?", (user_id,))
    if row is None:
        raise NotFound(N_("There is no such account."))
    return row


async def list_users(db: Database, *, role: str | None = None) -> list[Row]:
    """Every account (or those with one role), organizers first, then by name."""
    if role is not None:
        return await db.fetch_all(
            "SELECT * FROM users WHERE role = ? ORDER BY display_name", (role,)
        )
    return await db.fetch_all(
        "SELECT * FROM users ORDER BY CASE role WHEN 'organizer' THEN 0 WHEN 'judge' THEN 1"
        " ELSE 2 END, display_name"
    )


async def set_role(db: Database, *, user_id: int, role: str, acting_user_id: int) -> None:
    """Change an account's role; an organizer cannot demote themselves (someone must remain)."""
    if role not in ROLES:
        raise ValidationError({"role": CHOOSE_ROLE})
    if user_id == acting_user_id:
        raise Conflict(N_("You cannot change your own role; ask another organizer."))
    async with db.transaction() as tx:
        changed = await tx.execute_rowcount(
            "UPDATE users SET role = ? WHERE id = ?", (role, user_id)
        )
        if not changed:
            raise NotFound(N_("There is no such account."))


async def set_disabled(
    db: Database, *, user_id: int, disabled: bool, acting_user_id: int, now: datetime
) -> None:
    """Disable an account (ending all its sessions at once) or enable it again."""
    if user_id == acting_user_id:
        raise Conflict(N_("You cannot disable your own account."))
    async with db.transaction() as tx:
        changed = await tx.execute_rowcount(
            "UPDATE users SET disabled_at = ? WHERE id = ?",
            (to_db(now) if disabled else None, user_id),
        )
        if not changed:
            raise NotFound(N_("There is no such account."))
        if disabled:
            await tx.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))


async def fill_mailboxes(db: Database) -> int:
    """Give accounts made before mailboxes were kept their folded mailbox (at start-up);
    return how many were filled."""
    rows = await db.fetch_all("SELECT id, email FROM users WHERE mailbox IS NULL")
    if rows:
        async with db.transaction() as tx:
            await tx.execute_many(
                "UPDATE users SET mailbox = ? WHERE id = ?",
                [(mailbox_of(row["email"]), row["id"]) for row in rows],
            )
    return len(rows)
