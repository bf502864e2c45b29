"""Outgoing mail: every message is queued here, then sent by SMTP when a server is configured."""

from __future__ import annotations

import re
import smtplib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import Any

import anyio.to_thread
from email_validator import EmailNotValidError, validate_email

from contest.core.clock import to_db
from contest.core.db import Database, Row, Transaction


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the outgoing mail server."""

    host: str
    port: int = 587
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True


#: Delivery attempts before a message is given up as failed.
MAX_ATTEMPTS = 5
#: Messages read from the outbox at a time; a round goes on batch after batch over one SMTP
#: connection while whole batches go out.
DELIVERY_BATCH = 50

#: What a ``forget_recipient`` message keeps for its recipient once it is sent or given up.
ERASED_RECIPIENT = "(a voter's address, erased after sending)"
#: What organizers see for a ``forget_recipient`` message's recipient, even while it waits.
HIDDEN_RECIPIENT = "a voter (address hidden)"
#: Anything shaped like an address in a server's error about a ``forget_recipient`` message.
_ADDRESS_LIKE = re.compile(r"[^\s'\"<>(),;:\[\]{}]+@[^\s'\"<>(),;:\[\]{}]+")


INSERT_MESSAGE = (
    "INSERT INTO outbox (recipient, subject, body, created_at, unsubscribe_url, private, locale)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def _one_line_subject(subject: str) -> str:
    """A subject as mail carries it: folded onto one line (a title typed with a newline must
    not break the header), 200 characters at most."""
    return " ".join(subject.split())[:200]


def outbox_row(
    *,
    recipient: str,
    subject: str,
    body: str,
    now: datetime,
    unsubscribe_url: str | None = None,
    private: bool = False,
    locale: str = "en",
) -> tuple[str, str, str, str, str | None, int, str]:
    """The values of ``INSERT_MESSAGE`` for one message: the address trimmed, the subject
    folded onto one line. Bulk mail passes its personal ``unsubscribe_url``, sent as a
    one-click List-Unsubscribe header. A ``private`` message carries a link that acts as its
    recipient (a password reset, an invitation, a voting link): nobody else may read it.
    ``locale`` is the language the message was written in (its recipient's)."""
    return (
        recipient.strip(),
        _one_line_subject(subject),
        body,
        to_db(now),
        unsubscribe_url,
        int(private),
        locale,
    )


async def queue_mail(
    tx: Transaction,
    *,
    recipient: str,
    subject: str,
    body: str,
    now: datetime,
    unsubscribe_url: str | None = None,
    private: bool = False,
    send_after: datetime | None = None,
    forget_recipient: bool = False,
    locale: str = "en",
) -> int:
    """Put a message in the outbox, inside the caller's transaction; return its id (see
    ``outbox_row`` for what is done to it, and what ``private`` means). A message with
    ``send_after`` waits until then, so its sender may still change or cancel it. A
    ``forget_recipient`` message (a voting link: its recipient is a voter whose address the
    site promised not to keep) never shows its address to organizers, and its address is
    erased once it is sent or given up."""
    message = await tx.insert(
        INSERT_MESSAGE,
        outbox_row(
            recipient=recipient,
            subject=subject,
            body=body,
            now=now,
            unsubscribe_url=unsubscribe_url,
            private=private,
            locale=locale,
        ),
    )
    if send_after is not None:
        await tx.execute(
            "UPDATE outbox SET send_after = ? WHERE id = ?", (to_db(send_after), message)
        )
    if forget_recipient:
        await tx.execute("UPDATE outbox SET forget_recipient = 1 WHERE id = ?", (message,))
    return message


async def cancel_unsent(tx: Transaction, message_id: int) -> bool:
    """Take a message out of the outbox, inside the caller's transaction, if it has not gone
    and is not going out right now; return whether it was taken out. (A delivery round that
    read the message before this cannot claim it, so it is never sent.)"""
    removed = await tx.execute_rowcount(
        "DELETE FROM outbox WHERE id = ? AND sent_at IS NULL AND sending_at IS NULL",
        (message_id,),
    )
    return removed == 1


async def rewrite_unsent(tx: Transaction, message_id: int, body: str) -> bool:
    """Change the text of a message that has not gone and is not going out right now, inside
    the caller's transaction; return whether it changed. (A delivery round sends the text it
    claims, never one it read before.)"""
    changed = await tx.execute_rowcount(
        "UPDATE outbox SET body = ? WHERE id = ? AND sent_at IS NULL AND sending_at IS NULL",
        (body, message_id),
    )
    return changed == 1


async def list_messages(db: Database, *, limit: int = 200) -> list[dict[str, Any]]:
    """The newest messages first, sent or waiting, as organizers may see them: a
    ``forget_recipient`` message names "a voter", never the address (``recipient_erased``
    says whether the address is gone, so the message can no longer be sent again)."""
    rows = await db.fetch_all("SELECT * FROM outbox ORDER BY id DESC LIMIT ?", (limit,))
    messages = []
    for row in rows:
        message = dict(row)
        message["recipient_erased"] = bool(row["forget_recipient"]) and (
            row["recipient"] == ERASED_RECIPIENT
        )
        if row["forget_recipient"]:
            message["recipient"] = HIDDEN_RECIPIENT
            if row["last_error"]:
                message["last_error"] = _ADDRESS_LIKE.sub("(the voter)", row["last_error"])
        messages.append(message)
    return messages


async def send_again(db: Database, message_id: int) -> bool:
    """Queue an unsent message again: one given up after its attempts, or one the site was
    sending when it stopped (which may have gone out: it keeps its Message-ID, so a mail
    client shows one copy). Returns whether there was such a message."""
    async with db.transaction() as tx:
        changed = await tx.execute_rowcount(
            "UPDATE outbox SET attempts = 0, last_error = NULL, sending_at = NULL"
            " WHERE id = ? AND sent_at IS NULL AND NOT (forget_recipient = 1 AND recipient = ?)",
            (message_id, ERASED_RECIPIENT),
        )
    return changed == 1


async def count_waiting(db: Database) -> int:
    """How many messages have not been sent."""
    return int(await db.fetch_value("SELECT count(*) FROM outbox WHERE sent_at IS NULL"))


def message_id(sender: str, message: Row) -> str:
    """The message's Message-ID, the same at every attempt, so a copy sent twice (the site
    stopped between the server's acceptance and recording it) is one message to mail clients."""
    domain = sender.rpartition("@")[2].strip(" >") or "localhost"
    stamp = "".join(character for character in message["created_at"] if character.isdigit())
    return f"<outbox.{message['id']}.{stamp}@{domain}>"


def envelope_address(address: str) -> str:
    """The address with its domain in IDNA form (``reader@例子.中国`` goes to
    ``reader@xn--fsqu00a.xn--fiqs8s``), which every mail server accepts."""
    if address.rpartition("@")[2].isascii():
        return address
    try:
        checked = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return address
    return f"{checked.local_part}@{checked.ascii_domain}"


def as_email(sender: str, message: Row) -> EmailMessage:
    """The outbox row as a message ready for SMTP."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = envelope_address(message["recipient"])
    email["Subject"] = message["subject"]
    email["Message-ID"] = message_id(sender, message)
    if message["unsubscribe_url"]:
        # RFC 8058: mail providers offer an unsubscribe button and POST to the link themselves.
        email["List-Unsubscribe"] = f"<{message['unsubscribe_url']}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message["body"])
    return email


#: Errors after which the server has reset the transaction and the connection can go on.
_MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
)


class ServerUnreachable(Exception):
    """Connecting (or signing in) to the mail server failed: no message of the batch can go."""


class _Connection:
    """One SMTP connection for a batch of messages, opened on first use and after a hang-up."""

    def __init__(self, smtp: SmtpSettings) -> None:
        self.smtp = smtp
        self.client: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        try:
            client = smtplib.SMTP(self.smtp.host, self.smtp.port, timeout=20)
        except (OSError, smtplib.SMTPException) as error:
            raise ServerUnreachable(str(error)) from error
        try:
            if self.smtp.starttls:
                client.starttls()
            if self.smtp.user and self.smtp.password:
                client.login(self.smtp.user, self.smtp.password)
        except (OSError, smtplib.SMTPException) as error:
            client.close()
            raise ServerUnreachable(str(error)) from error
        return client

    def send(self, sender: str, message: Row) -> None:
        """Send one message; its own refusal leaves the connection open for the next."""
        email = as_email(sender, message)
        if self.client is None:
            self.client = self._open()
        try:
            self.client.send_message(email, to_addrs=[envelope_address(message["recipient"])])
        except _MESSAGE_ERRORS:
            raise
        except BaseException:
            self.drop()  # the connection's state is unknown: the next message opens another
            raise

    def close(self) -> None:
        """Say goodbye to the server, or just drop the connection if it is gone."""
        client, self.client = self.client, None
        if client is None:
            return
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()

    def drop(self) -> None:
        """Close the socket without a word to the server (it hung up, or delivery is cancelled)."""
        client, self.client = self.client, None
        if client is not None:
            client.close()


@asynccontextmanager
async def _smtp_session(smtp: SmtpSettings) -> AsyncIterator[_Connection]:
    """One SMTP connection for a delivery round: closed politely after, dropped on an error."""
    connection = _Connection(smtp)
    try:
        yield connection
    except BaseException:
        connection.drop()
        raise
    await anyio.to_thread.run_sync(connection.close)


async def _deliver_batch(
    db: Database,
    connection: _Connection,
    *,
    sender: str,
    now: datetime,
    max_attempts: int,
    batch: int,
) -> tuple[int, bool]:
    """Send a batch of waiting messages; record each result. Returns how many were sent and
    whether the round may go on (every message of a full batch went out).

    Transactional mail (no unsubscribe link: resets, invitations, replies) goes before campaign
    mail, so a big campaign never holds up a password reset. If the server cannot be reached,
    only the first message is charged an attempt; the rest wait for the next round.
    """
    waiting = await db.fetch_all(
        "SELECT * FROM outbox WHERE sent_at IS NULL AND sending_at IS NULL AND attempts < ?"
        " AND (send_after IS NULL OR send_after <= ?)"
        " ORDER BY unsubscribe_url IS NOT NULL, id LIMIT ?",
        (max_attempts, to_db(now), batch),
    )
    sent = 0
    for waiting_message in waiting:
        message = await _claim(db, waiting_message["id"], now=now)
        if message is None:
            continue  # another round took it, or it was cancelled
        try:
            await anyio.to_thread.run_sync(connection.send, sender, message)
        except (ServerUnreachable, OSError, ValueError, smtplib.SMTPException) as error:
            await _record(
                db,
                message["id"],
                error=_error_text(message, error),
                now=now,
                max_attempts=max_attempts,
            )
            if isinstance(error, ServerUnreachable):
                return sent, False
            continue
        await _record(db, message["id"], error=None, now=now, max_attempts=max_attempts)
        sent += 1
    return sent, sent == batch


async def deliver_waiting(
    db: Database,
    *,
    smtp: SmtpSettings,
    sender: str,
    now: datetime,
    max_attempts: int = MAX_ATTEMPTS,
    batch: int = DELIVERY_BATCH,
) -> int:
    """Send one batch of waiting messages over one connection (see ``_deliver_batch``)."""
    async with _smtp_session(smtp) as connection:
        sent, _ = await _deliver_batch(
            db, connection, sender=sender, now=now, max_attempts=max_attempts, batch=batch
        )
    return sent


async def deliver_all_waiting(
    db: Database, *, smtp: SmtpSettings, sender: str, now: datetime
) -> int:
    """Send batch after batch over one connection while whole batches go out (a campaign
    drains in one round); a batch with a failure or fewer messages ends the round, and the
    next round retries."""
    total = 0
    async with _smtp_session(smtp) as connection:
        going_on = True
        while going_on:
            sent, going_on = await _deliver_batch(
                db,
                connection,
                sender=sender,
                now=now,
                max_attempts=MAX_ATTEMPTS,
                batch=DELIVERY_BATCH,
            )
            total += sent
    return total


async def _claim(db: Database, message_id: int, *, now: datetime) -> Row | None:
    """Mark the message as being sent, before it is handed to the server; return it as
    claimed (its text may have been changed, or it cancelled, since the batch was read), or
    None if it is gone, taken by another round or not due.

    Should the site stop between the server's acceptance and ``_record``, the claim stays:
    such a message is never sent again by itself (it may have gone out), and the outbox page
    offers to send it again. So a crash costs at most one uncertain message per round.
    """
    async with db.transaction() as tx:
        claimed = await tx.execute_rowcount(
            "UPDATE outbox SET sending_at = ? WHERE id = ? AND sent_at IS NULL"
            " AND sending_at IS NULL AND (send_after IS NULL OR send_after <= ?)",
            (to_db(now), message_id, to_db(now)),
        )
        if claimed != 1:
            return None
        return await tx.fetch_one("SELECT * FROM outbox WHERE id = ?", (message_id,))


def _error_text(message: Row, error: BaseException) -> str:
    """The server's error as the outbox page shows it; for a ``forget_recipient`` message,
    without the recipient's address (servers name the refused recipient)."""
    text = str(error)
    if message["forget_recipient"]:
        recipient = str(message["recipient"])
        if recipient:
            text = re.sub(re.escape(recipient), "(the voter)", text, flags=re.IGNORECASE)
        text = _ADDRESS_LIKE.sub("(the voter)", text)
    return text[:500]


async def _record(
    db: Database,
    message_id: int,
    *,
    error: str | None,
    now: datetime,
    max_attempts: int = MAX_ATTEMPTS,
) -> None:
    """Count the attempt and lift the claim: sent when there was no error, else the error for
    the outbox page (and the message waits for the next round). A ``forget_recipient``
    message's address is erased once it is sent or given up (its last attempt failed)."""
    async with db.transaction() as tx:
        if error is None:
            await tx.execute(
                "UPDATE outbox SET attempts = attempts + 1, sent_at = ?, last_error = NULL,"
                " sending_at = NULL,"
                " recipient = CASE WHEN forget_recipient = 1 THEN ? ELSE recipient END"
                " WHERE id = ?",
                (to_db(now), ERASED_RECIPIENT, message_id),
            )
        else:
            await tx.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, sending_at = NULL,"
                " recipient = CASE WHEN forget_recipient = 1 AND attempts + 1 >= ? THEN ?"
                " ELSE recipient END WHERE id = ?",
                (error, max_attempts, ERASED_RECIPIENT, message_id),
            )
