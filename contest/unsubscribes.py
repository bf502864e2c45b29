"""Unsubscribing from campaign mail: a personal link in every message, no account needed.

Only campaign mail honours it; password resets, invitations and replies still arrive. A campaign
message still in the outbox when its reader unsubscribes is taken back before delivery.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from contest.clock import to_db
from contest.db import Database, Row, Transaction
from contest.errors import NotFound
from contest.security import new_token, token_hash

INSERT_LINK = (
    "INSERT INTO unsubscribe_links (token_hash, mailbox, campaign_id, created_at)"
    " VALUES (?, ?, ?, ?)"
)
_CHUNK = 500


def new_link(mailbox: str, campaign_id: int, now: datetime) -> tuple[str, tuple[object, ...]]:
    """A fresh link token for a mailbox, and the INSERT_LINK parameters that store its hash."""
    token = new_token()
    return token, (token_hash(token), mailbox, campaign_id, to_db(now))


async def open_link(db: Database, token: str) -> Row:
    """The mailbox behind an unsubscribe link, and when it unsubscribed (if it has)."""
    row = await db.fetch_one(
        "SELECT unsubscribe_links.mailbox, unsubscribes.at AS unsubscribed_at"
        " FROM unsubscribe_links LEFT JOIN unsubscribes USING (mailbox)"
        " WHERE token_hash = ?",
        (token_hash(token),),
    )
    if row is None:
        raise NotFound("This unsubscribe link is not valid. Copy the whole link from the message.")
    return row


async def unsubscribe(db: Database, token: str, *, now: datetime) -> str:
    """Record that the link's mailbox wants no more campaign mail; return the mailbox."""
    row = await open_link(db, token)
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT OR IGNORE INTO unsubscribes (mailbox, campaign_id, at)"
            " SELECT mailbox, campaign_id, ? FROM unsubscribe_links WHERE token_hash = ?",
            (to_db(now), token_hash(token)),
        )
    return str(row["mailbox"])


async def unsubscribed_among(reader: Database | Transaction, mailboxes: Iterable[str]) -> set[str]:
    """Which of these mailboxes have unsubscribed."""
    wanted = list(dict.fromkeys(mailboxes))
    found: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = await reader.fetch_all(
            f"SELECT mailbox FROM unsubscribes WHERE mailbox IN ({marks})",  # noqa: S608 - only ?s
            chunk,
        )
        found.update(str(row["mailbox"]) for row in rows)
    return found


async def withdraw_unsubscribed(db: Database, outbox_ids: Sequence[int]) -> set[int]:
    """Take back those of these campaign messages whose mailbox unsubscribed after the send.

    The message leaves the outbox; its recipient row turns ``unsubscribed`` and keeps its
    ``queued_at``, which the campaign page reads as "unsubscribed before delivery".
    Return the ids of the messages taken back. (The look-up reads, the rare take-back writes.)
    """
    rows: list[Row] = []
    for start in range(0, len(outbox_ids), _CHUNK):
        chunk = list(outbox_ids[start : start + _CHUNK])
        marks = ",".join("?" * len(chunk))
        rows += await db.fetch_all(
            "SELECT r.id, r.outbox_id FROM campaign_recipients r"  # noqa: S608 - only ?s
            " JOIN unsubscribes u ON u.mailbox = r.mailbox"
            " JOIN outbox o ON o.id = r.outbox_id AND o.sent_at IS NULL"
            f" WHERE r.status = 'queued' AND r.outbox_id IN ({marks})",
            chunk,
        )
    if not rows:
        return set()
    async with db.transaction() as tx:
        await tx.execute_many(
            "UPDATE campaign_recipients SET status = 'unsubscribed', outbox_id = NULL"
            " WHERE id = ? AND status = 'queued'",
            [(row["id"],) for row in rows],
        )
        await tx.execute_many(
            "DELETE FROM outbox WHERE id = ? AND sent_at IS NULL",
            [(row["outbox_id"],) for row in rows],
        )
    return {int(row["outbox_id"]) for row in rows}


def masked(mailbox: str) -> str:
    """An address shown without giving it away: ``p**@uni.edu``."""
    local, _, domain = mailbox.partition("@")
    return f"{local[:1]}{'*' * min(max(len(local) - 1, 2), 8)}@{domain}"
