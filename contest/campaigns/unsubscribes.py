"""Unsubscribing from campaign mail: a personal link in every message, no account needed.

Only campaign mail honours it; password resets, invitations and replies still arrive. Campaign
messages still in the outbox when their reader unsubscribes are taken back at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from contest.core.clock import to_db
from contest.core.db import Database, Row, Transaction
from contest.core.errors import NotFound
from contest.core.security import new_token, token_hash
from contest.i18n import N_

INSERT_LINK = (
    "INSERT INTO unsubscribe_links (token_hash, mailbox, campaign_id, created_at)"
    " VALUES (?, ?, ?, ?)"
)


def new_link(mailbox: str, campaign_id: int, now: datetime) -> tuple[str, tuple[object, ...]]:
    """A fresh link token for a mailbox, and the INSERT_LINK parameters that store its hash."""
    token = new_token()
    return token, (token_hash(token), mailbox, campaign_id, to_db(now))


#: The language the reader of link ``l`` reads: their account's choice, else the language of
#: the campaign's message to them, else their list row's, else the campaign's main language.
_READER_LOCALE = """ coalesce(
    (SELECT u.locale FROM users u WHERE u.mailbox = l.mailbox AND u.locale IS NOT NULL LIMIT 1),
    (SELECT o.locale FROM campaign_recipients r JOIN outbox o ON o.id = r.outbox_id
     WHERE r.campaign_id = l.campaign_id AND r.mailbox = l.mailbox),
    (SELECT r.locale FROM campaign_recipients r
     WHERE r.campaign_id = l.campaign_id AND r.mailbox = l.mailbox),
    (SELECT c.locale FROM campaigns c WHERE c.id = l.campaign_id))"""


async def open_link(db: Database, token: str) -> Row:
    """The mailbox behind an unsubscribe link, when it unsubscribed (if it has), and the
    ``locale`` its reader reads (None if the campaign is gone)."""
    row = await db.fetch_one(
        "SELECT l.mailbox, l.campaign_id, unsubscribes.at AS unsubscribed_at,"  # noqa: S608
        + _READER_LOCALE
        + " AS locale FROM unsubscribe_links l LEFT JOIN unsubscribes USING (mailbox)"
        " WHERE token_hash = ?",
        (token_hash(token),),
    )
    if row is None:
        raise NotFound(
            N_("This unsubscribe link is not valid. Copy the whole link from the message.")
        )
    return row


async def unsubscribe(db: Database, token: str, *, now: datetime) -> str:
    """Record that the link's mailbox wants no more campaign mail, and take back its campaign
    messages not delivered yet (their recipients read "unsubscribed before delivery", having
    been queued); return the mailbox."""
    link = await open_link(db, token)
    mailbox = str(link["mailbox"])
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO unsubscribes (mailbox, campaign_id, at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (mailbox, link["campaign_id"], to_db(now)),
        )
        await tx.execute(
            "UPDATE campaign_recipients SET status = 'unsubscribed'"
            " WHERE mailbox = ? AND status = 'queued'"
            " AND outbox_id IN (SELECT id FROM outbox WHERE sent_at IS NULL)",
            (mailbox,),
        )
        # The recipients' outbox_id turns NULL with the message (ON DELETE SET NULL).
        await tx.execute(
            "DELETE FROM outbox WHERE sent_at IS NULL AND id IN (SELECT outbox_id FROM"
            " campaign_recipients WHERE mailbox = ? AND status = 'unsubscribed')",
            (mailbox,),
        )
    return mailbox


async def unsubscribed_among(reader: Database | Transaction, mailboxes: Iterable[str]) -> set[str]:
    """Which of these mailboxes have unsubscribed (one query, however many)."""
    rows = await reader.fetch_all(
        "SELECT mailbox FROM unsubscribes WHERE mailbox IN (SELECT value FROM json_each(?))",
        (json.dumps(list(mailboxes)),),
    )
    return {str(row["mailbox"]) for row in rows}


def masked(mailbox: str) -> str:
    """An address shown without giving it away: ``p**@uni.edu``."""
    local, _, domain = mailbox.partition("@")
    return f"{local[:1]}{'*' * min(max(len(local) - 1, 2), 8)}@{domain}"
