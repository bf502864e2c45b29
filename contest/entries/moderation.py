"""Moderation: the queue of entries waiting for review, and approving or rejecting them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.clock import parse_local_input, to_db
from contest.core.db import Database, Row, Transaction
from contest.core.errors import ValidationError
from contest.core.outbox import queue_mail

MAX_REASON = 500
ACTIONS = ("approve", "reject")


@dataclass(frozen=True)
class QueueItem:
    """A pending entry with what the organizer should notice about it."""

    entry: Row
    hashtags: list[str]
    flags: list[str]


def capture_date_flag(entry: Row, contest: Contest) -> str | None:
    """A warning when the camera says the photo was taken outside the submission window."""
    if not entry["captured_at"]:
        return None
    try:
        taken = parse_local_input(entry["captured_at"][:16], contest.settings.timezone)
    except ValueError:
        return None
    schedule = contest.schedule
    if taken < schedule.submissions_open or taken > schedule.submissions_close:
        return f"Taken on {taken:%d %b %Y}, outside the submission window"
    return None


async def queue_for(db: Database, contest: Contest, *, status: str = "pending") -> list[QueueItem]:
    """Entries of the contest in a status (pending by default), oldest first, with flags."""
    rows = await db.fetch_all(
        "SELECT entries.*, users.display_name AS author_name,"
        " users.affiliation AS author_affiliation,"
        " users.department AS author_department, categories.name AS category_name,"
        " (SELECT count(*) FROM entries AS mine WHERE mine.participant_id = entries.participant_id"
        "   AND mine.contest_id = entries.contest_id AND mine.status IN ('pending', 'approved'))"
        "   AS author_entry_count"
        " FROM entries JOIN users ON users.id = entries.participant_id"
        " LEFT JOIN categories ON categories.id = entries.category_id"
        " WHERE entries.contest_id = ? AND entries.status = ? ORDER BY entries.id",
        (contest.id, status),
    )
    items = []
    for row in rows:
        tags = await db.fetch_all(
            "SELECT tag FROM entry_hashtags WHERE entry_id = ? ORDER BY rowid", (row["id"],)
        )
        flags = []
        if row["near_duplicate_of"]:
            flags.append(f"Looks like entry #{row['near_duplicate_of']} by another participant")
        if (warning := capture_date_flag(row, contest)) is not None:
            flags.append(warning)
        if not contest.admits(row["author_affiliation"]):
            flags.append(f"Author is {row['author_affiliation']}, not eligible for this contest")
        items.append(QueueItem(row, [tag["tag"] for tag in tags], flags))
    return items


async def _ensure_room_for(tx: Transaction, contest: Contest, entry: Row) -> None:
    """Refuse to bring back a rejected entry past its author's entry limit.

    A rejected entry does not count towards the limit, so its author may have entered
    another photo since.
    """
    active = await tx.fetch_value(
        "SELECT count(*) FROM entries WHERE contest_id = ? AND participant_id = ?"
        " AND status IN ('pending', 'approved')",
        (contest.id, entry["participant_id"]),
    )
    limit = contest.settings.max_entries_per_participant
    if int(active) >= limit:
        raise ValidationError(
            {
                "entry_ids": f"“{entry['title']}” cannot be approved again: {entry['display_name']}"
                f" already has {limit} entries in this contest, the limit. Nothing was changed."
            }
        )


async def moderate(
    db: Database,
    *,
    contest: Contest,
    entry_ids: list[int],
    action: str,
    reason: str,
    moderator: User,
    now: datetime,
) -> int:
    """Approve or reject entries of the contest and tell each author; return how many changed."""
    reason = " ".join(reason.split())
    if action not in ACTIONS:
        raise ValidationError({"action": "Choose approve or reject."})
    if not entry_ids:
        raise ValidationError({"entry_ids": "Tick at least one entry."})
    if action == "reject" and not reason:
        raise ValidationError({"reason": "Tell the participant why the photo was not accepted."})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"Keep the reason under {MAX_REASON} characters."})
    status = "approved" if action == "approve" else "rejected"
    changed = 0
    async with db.transaction() as tx:
        for entry_id in entry_ids:
            row = await tx.fetch_one(
                "SELECT entries.title, entries.status, entries.participant_id, users.email,"
                " users.display_name FROM entries"
                " JOIN users ON users.id = entries.participant_id"
                " WHERE entries.id = ? AND entries.contest_id = ?"
                " AND entries.status IN ('pending', 'approved', 'rejected')"
                " AND entries.status != ?",
                (entry_id, contest.id, status),
            )
            if row is None:
                continue
            if row["status"] == "rejected" and status == "approved":
                await _ensure_room_for(tx, contest, row)
            await tx.execute(
                "UPDATE entries SET status = ?, rejection_reason = ?,"
                " moderated_at = ?, moderated_by = ?"
                " WHERE id = ?",
                (
                    status,
                    reason if status == "rejected" else None,
                    to_db(now),
                    moderator.id,
                    entry_id,
                ),
            )
            if status == "approved":
                subject = f"Your photo “{row['title']}” is in the contest"
                body = f"Good news: your photo “{row['title']}” was approved for {contest.title}.\n"
            else:
                subject = f"Your photo “{row['title']}” was not accepted"
                body = (
                    f"Your photo “{row['title']}” was not accepted for {contest.title}.\n\n"
                    f"The organizers say: {reason}\n\nWhile submissions are open you can edit"
                    " the entry or replace the photo from “My entries”.\n"
                )
            await queue_mail(
                tx,
                recipient=row["email"],
                subject=subject,
                body=f"Hello {row['display_name']},\n\n{body}",
                now=now,
            )
            changed += 1
    return changed
