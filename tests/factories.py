"""Rows put straight into the database, for tests about what comes after the image pipeline."""

from datetime import datetime
from typing import Any

from contest.accounts import users
from contest.core.db import Database, Transaction
from contest.core.security import Passwords

INSERT_ENTRY = (
    "INSERT INTO entries (contest_id, participant_id, title, status, licence, consent_own_work,"
    " consent_people, original_sha256, dhash, image_format, width, height, thumb_key,"
    " thumb_width, thumb_height, display_key, display_width, display_height, master_key,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, 'contest', 1, 1, ?, '0', 'JPEG', 800, 600,"
    " ?, 400, 300, ?, 800, 600, ?, 'x', 'x')"
)


def entry_values(contest_id: int, author_id: int, title: str, status: str) -> tuple[Any, ...]:
    """Parameters for INSERT_ENTRY: a plausible entry whose files are named after its title."""
    key = f"{author_id % 256:02x}/00/{(title.encode().hex() * 8)[:64]}.jpg"
    return (contest_id, author_id, title, status, title, key, key, key)


async def insert_entry(
    tx: Transaction, contest_id: int, author_id: int, title: str, status: str
) -> int:
    """An entry row; returns its id."""
    return await tx.execute(INSERT_ENTRY, entry_values(contest_id, author_id, title, status))


async def add_account(
    db: Database,
    passwords: Passwords,
    *,
    email: str,
    name: str,
    role: str,
    now: datetime,
    affiliation: str = "other",
    department: str = "",
) -> users.User:
    """An account with a throwaway password ("x" * 12), through the real sign-up path."""
    user_id = await users.create_user(
        db,
        passwords,
        email=email,
        display_name=name,
        password="x" * 12,
        role=role,
        affiliation=affiliation,
        department=department,
        now=now,
    )
    return users.User.from_row(await users.get_user_row(db, user_id))
