import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any, ClassVar

import pytest

from contest import outbox
from contest.config import SmtpSettings
from contest.db import Database

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class FakeSMTP:
    """Stands in for smtplib.SMTP and records what would have been sent."""

    sent: ClassVar[list[EmailMessage]] = []
    fail_for: ClassVar[set[str]] = set()

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port = host, port

    def __enter__(self) -> "FakeSMTP":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def starttls(self) -> None:
        pass

    def login(self, user: str, password: str) -> None:
        pass

    def send_message(self, message: EmailMessage, to_addrs: list[str]) -> None:
        assert to_addrs == [message["To"]]  # only ever the one recipient we queued
        if message["To"] in self.fail_for:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such user")})
        self.sent.append(message)


async def queue(db: Database, recipient: str) -> None:
    async with db.transaction() as tx:
        await outbox.queue_mail(tx, recipient=recipient, subject="Hi", body="Hello", now=NOW)


async def test_waiting_mail_is_sent_and_failures_are_recorded(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeSMTP.sent, FakeSMTP.fail_for = [], {"bad@uni.edu"}
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    await queue(db, "good@uni.edu")
    await queue(db, "bad@uni.edu")
    sent = await outbox.deliver_waiting(
        db, smtp=SmtpSettings(host="mail"), sender="contest@uni.edu", now=NOW
    )
    assert sent == 1
    assert [m["To"] for m in FakeSMTP.sent] == ["good@uni.edu"]
    assert FakeSMTP.sent[0]["From"] == "contest@uni.edu"
    rows = {r["recipient"]: r for r in await outbox.list_messages(db)}
    assert rows["good@uni.edu"]["sent_at"] is not None
    assert (
        rows["bad@uni.edu"]["sent_at"] is None
        and "no such user" in rows["bad@uni.edu"]["last_error"]
    )
    assert await outbox.count_waiting(db) == 1


async def test_a_header_breaking_subject_is_folded_and_never_stalls_the_queue(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeSMTP.sent, FakeSMTP.fail_for = [], set()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    async with db.transaction() as tx:
        await outbox.queue_mail(
            tx, recipient="a@uni.edu", subject="Line one\nBcc: evil@x.com", body="b", now=NOW
        )
    await queue(db, "b@uni.edu")
    sent = await outbox.deliver_waiting(
        db, smtp=SmtpSettings(host="mail"), sender="s@u.edu", now=NOW
    )
    assert sent == 2
    assert FakeSMTP.sent[0]["Subject"] == "Line one Bcc: evil@x.com"
