"""Outgoing mail: every message is queued here, then sent by SMTP when a server is configured."""

from __future__ import annotations

import smtplib
from datetime import datetime
from email.message import EmailMessage

import anyio.to_thread

from contest.clock import to_db
from contest.config import SmtpSettings
from contest.db import Database, Row, Transaction

#: Delivery attempts before a message is given up as failed.
MAX_ATTEMPTS = 5


async def queue_mail(
    tx: Transaction,
    *,
    recipient: str,
    subject: str,
    body: str,
    now: datetime,
    unsubscribe_url: str | None = None,
) -> int:
    """Put a message in the outbox, inside the caller's transaction; return its id.

    The subject is folded onto one line: a title typed with a newline must not break the header.
    Bulk mail passes its personal ``unsubscribe_url``, sent as a one-click List-Unsubscribe header.
    """
    return await tx.execute(
        "INSERT INTO outbox (recipient, subject, body, created_at, unsubscribe_url)"
        " VALUES (?, ?, ?, ?, ?)",
        (recipient.strip(), " ".join(subject.split())[:200], body, to_db(now), unsubscribe_url),
    )


async def list_messages(db: Database, *, limit: int = 200) -> list[Row]:
    """The newest messages first, sent or waiting."""
    return await db.fetch_all("SELECT * FROM outbox ORDER BY id DESC LIMIT ?", (limit,))


async def count_waiting(db: Database) -> int:
    """How many messages have not been sent."""
    return int(await db.fetch_value("SELECT count(*) FROM outbox WHERE sent_at IS NULL"))


def as_email(sender: str, message: Row) -> EmailMessage:
    """The outbox row as a message ready for SMTP."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message["recipient"]
    email["Subject"] = message["subject"]
    if message["unsubscribe_url"]:
        # RFC 8058: mail providers offer an unsubscribe button and POST to the link themselves.
        email["List-Unsubscribe"] = f"<{message['unsubscribe_url']}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message["body"])
    return email


def _send_one(smtp: SmtpSettings, sender: str, message: Row) -> None:
    email = as_email(sender, message)
    with smtplib.SMTP(smtp.host, smtp.port, timeout=20) as client:
        if smtp.starttls:
            client.starttls()
        if smtp.user and smtp.password:
            client.login(smtp.user, smtp.password)
        client.send_message(email, to_addrs=[message["recipient"]])


async def deliver_waiting(
    db: Database,
    *,
    smtp: SmtpSettings,
    sender: str,
    now: datetime,
    max_attempts: int = MAX_ATTEMPTS,
) -> int:
    """Send the waiting messages by SMTP; record each result; return how many went out."""
    waiting = await db.fetch_all(
        "SELECT * FROM outbox WHERE sent_at IS NULL AND attempts < ? ORDER BY id LIMIT 50",
        (max_attempts,),
    )
    sent = 0
    for message in waiting:
        try:
            await anyio.to_thread.run_sync(_send_one, smtp, sender, message)
        except (OSError, ValueError, smtplib.SMTPException) as error:
            async with db.transaction() as tx:
                await tx.execute(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                    (str(error)[:500], message["id"]),
                )
            continue
        async with db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET attempts = attempts + 1, sent_at = ?, last_error = NULL"
                " WHERE id = ?",
                (to_db(now), message["id"]),
            )
        sent += 1
    return sent
