"""Moderation: the queue of entries waiting for review, and approving or rejecting them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contest.accounts.languages import mail_locale
from contest.accounts.site_settings import default_locale
from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.clock import parse_local_input, to_db
from contest.core.db import Database, Row, Transaction
from contest.core.errors import ValidationError
from contest.core.outbox import queue_mail
from contest.entries.moments import WrittenMoment
from contest.entries.store import affiliation_word
from contest.i18n import N_, Message, Nn_, using_locale

MAX_REASON = 500
ACTIONS = ("approve", "reject")


@dataclass(frozen=True)
class QueueItem:
    """A pending entry with what the organizer should notice about it."""

    entry: Row
    hashtags: list[str]
    flags: list[Message]


def capture_date_flag(entry: Row, contest: Contest) -> Message | None:
    """A warning when the camera says the photo was taken outside the submission window."""
    if not entry["captured_at"]:
        return None
    try:
        taken = parse_local_input(entry["captured_at"][:16], contest.settings.timezone)
    except ValueError:
        return None
    schedule = contest.schedule
    if taken < schedule.submissions_open or taken > schedule.submissions_close:
        return N_(
            "Taken on %(date)s, outside the submission window",
            date=WrittenMoment(taken, f"{taken:%d %b %Y}"),
        )
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
            "SELECT tag FROM entry_hashtags WHERE entry_id = ? ORDER BY position", (row["id"],)
        )
        flags: list[Message] = []
        if row["near_duplicate_of"]:
            flags.append(
                N_(
                    "Looks like entry #%(number)s by another participant",
                    number=row["near_duplicate_of"],
                )
            )
        if (warning := capture_date_flag(row, contest)) is not None:
            flags.append(warning)
        if not contest.admits(row["author_affiliation"]):
            flags.append(
                N_(
                    "Author is %(affiliation)s, not eligible for this contest",
                    affiliation=affiliation_word(row["author_affiliation"]),
                )
            )
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
                "entry_ids": Nn_(
                    "“%(title)s” cannot be approved again: %(name)s already has %(count)d entry"
                    " in this contest, the limit. Nothing was changed.",
                    "“%(title)s” cannot be approved again: %(name)s already has %(count)d entries"
                    " in this contest, the limit. Nothing was changed.",
                    limit,
                    title=entry["title"],
                    name=entry["display_name"],
                )
            }
        )


def _notice(row: Row, contest: Contest, *, status: str, reason: str) -> tuple[str, str]:
    """The author's mail about the decision, in the current locale: subject and body."""
    title, name = row["title"], row["display_name"]
    if status == "approved":
        subject = N_("Your photo “%(title)s” is in the contest", title=title)
        body = N_(
            "Hello %(name)s,\n\nGood news: your photo “%(title)s” was approved for %(contest)s.\n",
            name=name,
            title=title,
            contest=contest.title,
        )
    else:
        subject = N_("Your photo “%(title)s” was not accepted", title=title)
        body = N_(
            "Hello %(name)s,\n\nYour photo “%(title)s” was not accepted for %(contest)s.\n\n"
            "The organizers say: %(reason)s\n\nWhile submissions are open you can edit the entry"
            " or replace the photo from “My entries”.\n",
            name=name,
            title=title,
            contest=contest.title,
            reason=reason,
        )
    return str(subject), str(body)


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
        raise ValidationError({"action": N_("Choose approve or reject.")})
    if not entry_ids:
        raise ValidationError({"entry_ids": N_("Tick at least one entry.")})
    if action == "reject" and not reason:
        raise ValidationError(
            {"reason": N_("Tell the participant why the photo was not accepted.")}
        )
    if len(reason) > MAX_REASON:
        raise ValidationError(
            {"reason": N_("Keep the reason under %(maximum)d characters.", maximum=MAX_REASON)}
        )
    status = "approved" if action == "approve" else "rejected"
    site_locale = await default_locale(db)
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
            locale = await mail_locale(tx, row["participant_id"], default=site_locale)
            with using_locale(locale):
                subject, body = _notice(row, contest, status=status, reason=reason)
            await queue_mail(
                tx, recipient=row["email"], subject=subject, body=body, now=now, locale=locale
            )
            changed += 1
    return changed
