"""The People page's groups: staff (organizers and judges), participants who entered a photo,
and voters (participant accounts that never entered one, made to vote)."""

from __future__ import annotations

from dataclasses import dataclass

from contest.core.db import Database, Row


@dataclass(frozen=True)
class People:
    """Every account, in the page's three groups, each by name."""

    staff: list[Row]
    participants: list[Row]
    voters: list[Row]


async def people_by_group(db: Database) -> People:
    """Every account: organizers and judges, participants with at least one entry (in any
    contest, whatever became of it), and the accounts that only ever voted."""
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
    )
