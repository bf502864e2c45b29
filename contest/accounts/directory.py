"""The People page's groups: staff (organizers and judges), participants who entered a photo,
voters (participant accounts that never entered one, made to vote), and the participants
invited who have not made an account yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contest.accounts.users import mailbox_of
from contest.core.clock import from_db
from contest.core.db import Database, Row


@dataclass(frozen=True)
class Invited:
    """A participant invited who has not joined: the address, who invited them and when."""

    email: str
    invited_by: str
    invited_at: datetime
    expires_at: datetime
    expired: bool


@dataclass(frozen=True)
class People:
    """Every account, in the page's three groups, each by name; and who is invited still."""

    staff: list[Row]
    participants: list[Row]
    voters: list[Row]
    invited: list[Invited]


async def people_by_group(db: Database, *, now: datetime) -> People:
    """Every account: organizers and judges, participants with at least one entry (in any
    contest, whatever became of it), the accounts that only ever voted; and the participants
    invited whose address has no account yet (each address once, its latest invitation)."""
    rows = await db.fetch_all(
        "SELECT users.*, EXISTS (SELECT 1 FROM entries WHERE entries.participant_id = users.id)"
        " AS has_entered FROM users ORDER BY CASE role WHEN 'organizer' THEN 0"
        " WHEN 'judge' THEN 1 ELSE 2 END, display_name COLLATE NOCASE, id"
    )
    participants = [row for row in rows if row["role"] == "participant"]
    return People(
        staff=[row for row in rows if row["role"] != "participant"],
        participants=[row for row in participants if row["has_entered"]],
        voters=[row for row in participants if not row["has_entered"]],
        invited=await _invited(db, rows, now=now),
    )


async def _invited(db: Database, accounts: list[Row], *, now: datetime) -> list[Invited]:
    """Participant invitations not accepted whose mailbox has no account, newest first."""
    taken = {row["mailbox"] for row in accounts} | {mailbox_of(row["email"]) for row in accounts}
    rows = await db.fetch_all(
        "SELECT invitations.email, invitations.created_at, invitations.expires_at,"
        " COALESCE(users.display_name, '') AS inviter FROM invitations"
        " LEFT JOIN users ON users.id = invitations.invited_by"
        " WHERE invitations.role = 'participant' AND invitations.accepted_at IS NULL"
        " ORDER BY invitations.id DESC"
    )
    invited: dict[str, Invited] = {}
    for row in rows:
        box = mailbox_of(row["email"])
        if box in taken or box in invited:
            continue
        expires = from_db(row["expires_at"])
        invited[box] = Invited(
            row["email"], row["inviter"], from_db(row["created_at"]), expires, expires <= now
        )
    return list(invited.values())
