"""The send log of campaign mail: each send and test, how each recipient's message is doing, and
messages the organizer sent by hand."""

from __future__ import annotations

from datetime import datetime

from contest.campaigns.drafts import READER_LOCALE
from contest.campaigns.lists import message_from_json
from contest.core.clock import to_db
from contest.core.db import Database, Row
from contest.core.outbox import MAX_ATTEMPTS
from contest.i18n import N_, Message

#: The state of a message whose reader unsubscribed after the send and before delivery.
LATE_UNSUBSCRIBE = "unsubscribed before delivery"
#: What a recipient row ``r`` is read with: its outbox row ``o``.
_JOINS = " LEFT JOIN outbox o ON o.id = r.outbox_id"
#: How one recipient's message is doing (a late unsubscribe takes the message back at once:
#: see unsubscribes.unsubscribe).
#: The state of a recipient the campaign has not dealt with yet (every one, in a draft).
NOT_SENT_YET = "not sent yet"
_STATE = f"""CASE
    WHEN r.status = 'listed' THEN '{NOT_SENT_YET}'
    WHEN r.status = 'unsubscribed' AND r.queued_at IS NOT NULL THEN '{LATE_UNSUBSCRIBE}'
    WHEN r.status = 'unsubscribed' THEN 'skipped: unsubscribed'
    WHEN o.id IS NULL THEN 'removed from the outbox'
    WHEN o.sent_at IS NOT NULL THEN 'sent'
    WHEN o.attempts >= {MAX_ATTEMPTS} THEN 'failed'
    WHEN o.last_error IS NOT NULL THEN 'retrying'
    ELSE 'waiting in the outbox' END"""
#: Each state as people read it (the states themselves stay English: the CSV and tests).
STATE_LABELS: dict[str, Message] = {
    NOT_SENT_YET: N_("not sent yet"),
    LATE_UNSUBSCRIBE: N_("unsubscribed before delivery"),
    "skipped: unsubscribed": N_("skipped: unsubscribed"),
    "removed from the outbox": N_("removed from the outbox"),
    "sent": N_("sent"),
    "failed": N_("failed"),
    "retrying": N_("retrying"),
    "waiting in the outbox": N_("waiting in the outbox"),
}


async def send_log(db: Database, contest_id: int, *, campaign_id: int | None = None) -> list[Row]:
    """Every send and test of the contest's campaigns (or of one), newest first."""
    return await db.fetch_all(
        "SELECT s.*, c.kind, users.display_name AS actor FROM campaign_sends s"
        " JOIN campaigns c ON c.id = s.campaign_id"
        " LEFT JOIN users ON users.id = s.actor_id"
        " WHERE c.contest_id = ? AND (? IS NULL OR c.id = ?) ORDER BY s.id DESC",
        (contest_id, campaign_id, campaign_id),
    )


async def problems(db: Database, campaign_id: int) -> list[dict[str, object]]:
    """The rows of the campaign's lists that were not kept, and why (a Message, shown in the
    reader's language), in line order."""
    rows = await db.fetch_all(
        "SELECT * FROM campaign_problems WHERE campaign_id = ? ORDER BY id", (campaign_id,)
    )
    return [
        dict(row) | {"reason": message_from_json(row["reason_message"], row["reason"])}
        for row in rows
    ]


async def recipients(db: Database, campaign_id: int, *, limit: int = 500) -> list[Row]:
    """The campaign's recipients with how each message is doing in the outbox, and the
    language each reads (``reader_locale``: their message's, else their account's or list
    row's; None when unknown)."""
    return await db.fetch_all(
        f"SELECT r.*, {_STATE} AS state, o.sent_at, o.last_error,"  # noqa: S608 - fixed SQL
        f" coalesce(o.locale, {READER_LOCALE}) AS reader_locale"
        " FROM campaign_recipients r"
        f"{_JOINS} WHERE r.campaign_id = ? ORDER BY r.id LIMIT ?",
        (campaign_id, limit),
    )


async def state_counts(db: Database, campaign_id: int) -> dict[str, int]:
    """How many recipients are in each state (sent, waiting, failed ...)."""
    rows = await db.fetch_all(
        f"SELECT {_STATE} AS state, count(*) AS n"  # noqa: S608 - fixed SQL
        " FROM campaign_recipients r"
        f"{_JOINS} WHERE r.campaign_id = ? GROUP BY 1",
        (campaign_id,),
    )
    return {row["state"]: int(row["n"]) for row in rows}


async def messages(db: Database, campaign_id: int) -> list[dict[str, str]]:
    """Every queued message of the campaign, with the language it is written in, for a mail
    merge when no mail server is set up (one whose reader unsubscribed before delivery has left
    the outbox)."""
    rows = await db.fetch_all(
        f"SELECT o.recipient, r.name, {_STATE} AS state, o.locale, o.subject, o.body"  # noqa: S608
        f" FROM campaign_recipients r{_JOINS}"
        " WHERE r.campaign_id = ? AND o.id IS NOT NULL ORDER BY r.id",
        (campaign_id,),
    )
    return [
        {
            "email": row["recipient"],
            "name": row["name"],
            "state": row["state"],
            "language": row["locale"],
            "subject": row["subject"],
            "body": row["body"],
        }
        for row in rows
    ]


async def mark_sent_by_hand(db: Database, campaign_id: int, *, now: datetime) -> int:
    """Record the campaign's waiting messages as sent outside the app (downloaded for a mail
    merge), so a mail server set up later does not send them again; return how many."""
    async with db.transaction() as tx:
        return await tx.execute_rowcount(
            "UPDATE outbox SET sent_at = ?"
            " WHERE sent_at IS NULL AND id IN"
            " (SELECT outbox_id FROM campaign_recipients WHERE campaign_id = ?)",
            (to_db(now), campaign_id),
        )
