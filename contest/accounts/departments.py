"""Departments: the list organizers keep, people's choice from it, and merging old values.

Before the list, ``users.department`` was free text, so "CIVL" and "Civil Engineering" counted
as two departments. Organizers now keep a list of departments, each a short code and a full
name (both unique, ignoring case); sign-up, invitations and the account page offer it as a
choice (or "not listed", an empty department, as leaving the field blank always was).
``users.department`` keeps holding the code, so the figures that group by it still work.

Values typed before the list (or the code of a department removed since) stay as they are
until an organizer merges them onto a listed code; every change to the list and every merge is
written to the audit log (``contest_id`` empty: it belongs to the site, not to one contest).

Importing the list from a CSV file is ``department_import``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contest.accounts import users
from contest.accounts.department_history import described
from contest.accounts.emails import email_error, normalize_email
from contest.core import audit_log
from contest.core.clock import to_db
from contest.core.db import Database, Row, Transaction
from contest.core.errors import NotFound, ValidationError
from contest.core.forms import clean_text
from contest.i18n import N_, Message, Nn_, number

MAX_CODE = 16
MAX_NAME = 80
#: The most departments the list holds (a choice longer than this helps nobody).
MAX_DEPARTMENTS = 1000
#: The most values one merge takes (a form holds 200 fields at most).
MAX_MERGE_VALUES = 100
#: The field an import's errors belong to.
FILE_FIELD = "csv_file"
CODE_PUNCTUATION = frozenset("-_.&/")
#: How much of a typed value or a file's line a message quotes.
MAX_SHOWN_TEXT = 120


@dataclass(frozen=True)
class Department:
    """One listed department."""

    id: int
    code: str
    name: str

    @property
    def label(self) -> str:
        """How a choice shows it: ``Civil Engineering (CIVL)``."""
        return f"{self.name} ({self.code})"

    @classmethod
    def from_row(cls, row: Row) -> Department:
        """The department of a ``departments`` row."""
        return cls(id=row["id"], code=row["code"], name=row["name"])


@dataclass(frozen=True)
class Listed:
    """A department with the number of people who chose it."""

    department: Department
    people: int


@dataclass(frozen=True)
class Unlisted:
    """A value people hold that is not a listed code (typed before the list, or the code of a
    department removed since), and how many hold it."""

    value: str
    people: int


# Codes and names.


def normalize_code(text: str) -> str:
    """A code as stored: cleaned, trimmed, upper-case (as ``users.department`` holds it)."""
    return clean_text(text).strip().upper()


def normalize_name(text: str) -> str:
    """A name as stored: cleaned, on one line, single spaces."""
    return " ".join(clean_text(text).split())


def code_error(code: str) -> Message | None:
    """What is wrong with a (normalized) code, or None."""
    if not code:
        return N_("Give the department a short code, e.g. CIVL.")
    if len(code) > MAX_CODE:
        return N_(
            "Keep the code to %(most)d characters at most (it is %(count)d).",
            most=MAX_CODE,
            count=len(code),
        )
    if not _code_letter(code[0]) or not all(_code_letter(c) or c in CODE_PUNCTUATION for c in code):
        return N_(
            "Use letters and digits for the code (and - _ . & / between them), no spaces,"
            " e.g. CIVL or EE&CS."
        )
    return None


def _code_letter(char: str) -> bool:
    return char.isalpha() or char in "0123456789"


def name_error(name: str) -> Message | None:
    """What is wrong with a (normalized) name, or None."""
    if not name:
        return N_("Give the department's full name, e.g. Civil Engineering.")
    if len(name) > MAX_NAME:
        return N_(
            "Keep the name to %(most)d characters at most (it is %(count)d).",
            most=MAX_NAME,
            count=len(name),
        )
    return None


def folded_name(name: str) -> str:
    return name.casefold()


# Reading the list.


async def list_departments(db: Database | Transaction) -> list[Department]:
    """Every listed department, by name."""
    rows = await db.fetch_all("SELECT * FROM departments ORDER BY name COLLATE NOCASE, code")
    return [Department.from_row(row) for row in rows]


async def listed_with_people(db: Database) -> list[Listed]:
    """Every listed department, by name, with how many people chose it."""
    rows = await db.fetch_all(
        "SELECT departments.*, (SELECT count(*) FROM users WHERE users.department ="
        " departments.code COLLATE BINARY) AS people FROM departments"
        " ORDER BY name COLLATE NOCASE, code"
    )
    return [Listed(Department.from_row(row), int(row["people"])) for row in rows]


async def codes(db: Database | Transaction) -> frozenset[str]:
    """The listed codes (empty when organizers keep no list)."""
    rows = await db.fetch_all("SELECT code FROM departments")
    return frozenset(str(row["code"]) for row in rows)


async def choices(db: Database) -> list[tuple[str, str]]:
    """The list as a form's choices, (code, "Name (CODE)") by name; empty without a list."""
    return [(d.code, d.label) for d in await list_departments(db)]


async def name_of(db: Database, code: str) -> str | None:
    """The listed name of a code, or None (no list, empty, or a value not on it)."""
    if not code:
        return None
    value = await db.fetch_value(
        "SELECT name FROM departments WHERE code = ? COLLATE BINARY", (code,)
    )
    return None if value is None else str(value)


async def unlisted_values(db: Database | Transaction) -> list[Unlisted]:
    """The values people hold that are not listed codes, most held first (blanks left out)."""
    rows = await db.fetch_all(
        "SELECT department AS value, count(*) AS people FROM users WHERE department <> ''"
        " AND department COLLATE BINARY NOT IN (SELECT code FROM departments)"
        " GROUP BY department ORDER BY people DESC, department"
    )
    return [Unlisted(str(row["value"]), int(row["people"])) for row in rows]


async def history(db: Database, *, limit: int = 20) -> list[dict[str, Any]]:
    """The latest changes to the list and merges, newest first, with who made them (no
    ``actor_id``: the system, e.g. the demo's seeding); ``details`` is shown in the reader's
    language (``department_history``), its ``str`` value the English kept in the log."""
    rows = await db.fetch_all(
        "SELECT audit_log.*, users.display_name AS actor FROM audit_log"
        " LEFT JOIN users ON users.id = audit_log.actor_id"
        " WHERE audit_log.contest_id IS NULL AND audit_log.action LIKE 'department%'"
        " ORDER BY audit_log.id DESC LIMIT ?",
        (limit,),
    )
    return [dict(row) | {"details": described(row["details"])} for row in rows]


# People's choice.


async def refuse_unlisted(db: Database, fields: Mapping[str, str]) -> None:
    """Refuse a sign-up or invitation form whose department is not on the list (when there is
    one), naming every other problem of the form's fields along with it.

    Called before the account is made (the same way whether or not the address is taken,
    so it tells nothing about who has an account)."""
    listed = await codes(db)
    if not users.department_error(fields.get("department", ""), listed):
        return
    errors = users.profile_errors(dict(fields), listed)
    if "email" in fields and (problem := email_error(normalize_email(fields["email"]))):
        errors["email"] = problem
    if "password" in fields and (problem := users.password_error(fields["password"])):
        errors["password"] = problem
    raise ValidationError(errors)


async def set_user_department(db: Database, *, user_id: int, value: str) -> str:
    """Change someone's own department (a listed code, or empty for "not listed"; any short
    text without a list); return it as stored. Keeping an unlisted value already held is
    allowed, so saving the account form unchanged never fails."""
    department = normalize_code(value)
    async with db.transaction() as tx:
        current = await tx.fetch_value("SELECT department FROM users WHERE id = ?", (user_id,))
        if current is None:
            raise NotFound(N_("There is no such account."))
        if department == current:
            return department
        if problem := users.department_error(department, await codes(tx)):
            raise ValidationError({"department": problem})
        await tx.execute("UPDATE users SET department = ? WHERE id = ?", (department, user_id))
    return department


# Keeping the list.


async def record_change(
    tx: Transaction, *, actor_id: int | None, action: str, details: str, now: datetime
) -> None:
    await audit_log.record(
        tx, contest_id=None, actor_id=actor_id, action=action, details=details, now=now
    )


async def _clashes(
    tx: Transaction, *, code: str, name: str, other_than: int | None = None
) -> dict[str, str]:
    """The code and name taken by another listed department."""
    errors: dict[str, str] = {}
    for row in await tx.fetch_all("SELECT * FROM departments"):
        if row["id"] == other_than:
            continue
        if row["code"] == code:
            errors["code"] = N_(
                "%(code)s is already the code of “%(name)s”.", code=code, name=row["name"]
            )
        if folded_name(row["name"]) == folded_name(name):
            errors["name"] = N_(
                "“%(name)s” is already the name of %(code)s.", name=row["name"], code=row["code"]
            )
    return errors


def _checked(code: str, name: str) -> tuple[str, str]:
    code, name = normalize_code(code), normalize_name(name)
    errors = {}
    if problem := code_error(code):
        errors["code"] = problem
    if problem := name_error(name):
        errors["name"] = problem
    if errors:
        raise ValidationError(errors)
    return code, name


async def _people_with(tx: Transaction, code: str) -> int:
    count = await tx.fetch_value(
        "SELECT count(*) FROM users WHERE department = ? COLLATE BINARY", (code,)
    )
    return int(count)


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


async def add_department(
    db: Database, *, code: str, name: str, actor_id: int | None, now: datetime
) -> int:
    """Add a department to the list and return its id. People who already hold its code (typed
    before the list) count as its members at once."""
    code, name = _checked(code, name)
    async with db.transaction() as tx:
        if errors := await _clashes(tx, code=code, name=name):
            raise ValidationError(errors)
        count = await tx.fetch_value("SELECT count(*) FROM departments")
        if int(count) >= MAX_DEPARTMENTS:
            raise ValidationError(
                {
                    "code": N_(
                        "The list holds %(most)s departments at most.",
                        most=number(MAX_DEPARTMENTS),
                    )
                }
            )
        department_id = await tx.insert(
            "INSERT INTO departments (code, name, created_at) VALUES (?, ?, ?)",
            (code, name, to_db(now)),
        )
        held = await _people_with(tx, code)
        joined = f" ({_people(held)} already had {code})" if held else ""
        await record_change(
            tx,
            actor_id=actor_id,
            action="department_add",
            details=f"Added {code}: {name}{joined}",
            now=now,
        )
    return department_id


async def get_department(db: Database | Transaction, department_id: int) -> Department:
    """The listed department with that id; NotFound if there is none (removed meanwhile)."""
    row = await db.fetch_one("SELECT * FROM departments WHERE id = ?", (department_id,))
    if row is None:
        raise NotFound(N_("That department is not on the list any more."))
    return Department.from_row(row)


async def change_department(
    db: Database,
    department_id: int,
    *,
    code: str,
    name: str,
    actor_id: int | None,
    now: datetime,
) -> int:
    """Rename a department (its name, its code or both). A new code moves the people who held
    the old one to it; return how many moved."""
    code, name = _checked(code, name)
    async with db.transaction() as tx:
        before = await get_department(tx, department_id)
        if errors := await _clashes(tx, code=code, name=name, other_than=department_id):
            raise ValidationError(errors)
        if (code, name) == (before.code, before.name):
            return 0
        await tx.execute(
            "UPDATE departments SET code = ?, name = ? WHERE id = ?", (code, name, department_id)
        )
        moved = 0
        if code != before.code:
            moved = await tx.execute_rowcount(
                "UPDATE users SET department = ? WHERE department = ? COLLATE BINARY",
                (code, before.code),
            )
        changes = []
        if code != before.code:
            changes.append(f"code {before.code} → {code} ({_people(moved)} moved)")
        if name != before.name:
            changes.append(f"name “{before.name}” → “{name}”")
        await record_change(
            tx,
            actor_id=actor_id,
            action="department_change",
            details=f"Changed {before.code}: " + ", ".join(changes),
            now=now,
        )
    return moved


async def remove_department(
    db: Database, department_id: int, *, actor_id: int | None, now: datetime
) -> int:
    """Take a department off the list; return how many people hold its code. They keep it (as
    an unlisted value, to merge elsewhere; adding the code again brings them back)."""
    async with db.transaction() as tx:
        department = await get_department(tx, department_id)
        await tx.execute("DELETE FROM departments WHERE id = ?", (department_id,))
        held = await _people_with(tx, department.code)
        kept = f" ({_people(held)} keep {department.code}, now unlisted)" if held else ""
        await record_change(
            tx,
            actor_id=actor_id,
            action="department_remove",
            details=f"Removed {department.code}: {department.name}{kept}",
            now=now,
        )
    return held


async def merge_values(
    db: Database, values: Iterable[str], *, code: str, actor_id: int | None, now: datetime
) -> int:
    """Give everyone who holds one of the unlisted ``values`` the listed ``code`` instead;
    return how many people changed. Every value must still be unlisted and held (the page may
    be old); the merge is written to the audit log."""
    chosen = list(dict.fromkeys(value for value in values if value))
    target = normalize_code(code)
    errors: dict[str, str] = {}
    if not chosen:
        errors["values"] = N_("Tick the values to merge.")
    elif len(chosen) > MAX_MERGE_VALUES:
        errors["values"] = N_("Merge at most %(most)d values at once.", most=MAX_MERGE_VALUES)
    if not target:
        errors["code"] = N_("Choose the department to merge them into.")
    if errors:
        raise ValidationError(errors)
    async with db.transaction() as tx:
        if target not in await codes(tx):
            raise ValidationError({"code": N_("Choose the department to merge them into.")})
        held = {item.value: item.people for item in await unlisted_values(tx)}
        gone = [value for value in chosen if value not in held]
        if gone:
            shown = ", ".join(f"“{value[:MAX_SHOWN_TEXT]}”" for value in gone[:5])
            raise ValidationError(
                {
                    "values": Nn_(
                        "%(values)s is no longer an unlisted value (merged or listed"
                        " meanwhile); reload the page and choose again.",
                        "%(values)s are no longer unlisted values (merged or listed"
                        " meanwhile); reload the page and choose again.",
                        len(gone),
                        values=shown,
                    )
                }
            )
        changed = 0
        for value in chosen:
            changed += await tx.execute_rowcount(
                "UPDATE users SET department = ? WHERE department = ? COLLATE BINARY",
                (target, value),
            )
        merged = ", ".join(f"“{value}” ({held[value]})" for value in chosen)
        await record_change(
            tx,
            actor_id=actor_id,
            action="department_merge",
            details=f"Merged {merged} into {target}: {_people(changed)}",
            now=now,
        )
    return changed


# Importing a CSV file.
