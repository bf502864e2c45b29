import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any, ClassVar

import pytest

from contest.core import outbox
from contest.core.db import Database
from contest.core.outbox import SmtpSettings

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class FakeSMTP:
    """Stands in for smtplib.SMTP and records what would have been sent."""

    sent: ClassVar[list[EmailMessage]] = []
    fail_for: ClassVar[set[str]] = set()
    drop_at: ClassVar[set[str]] = set()  # the server hangs up on these recipients
    unreachable: ClassVar[bool] = False
    connections: ClassVar[int] = 0
    quits: ClassVar[int] = 0

    def __init__(self, host: str, port: int, timeout: float) -> None:
        if self.unreachable:
            raise ConnectionRefusedError("connection refused")
        self.host, self.port = host, port
        self.open = True
        FakeSMTP.connections += 1

    @classmethod
    def reset(cls, *, fail_for: set[str] | None = None) -> None:
        cls.sent, cls.fail_for, cls.drop_at = [], fail_for or set(), set()
        cls.unreachable, cls.connections, cls.quits = False, 0, 0

    def __enter__(self) -> "FakeSMTP":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def starttls(self) -> None:
        pass

    def login(self, user: str, password: str) -> None:
        pass

    def quit(self) -> None:
        FakeSMTP.quits += 1
        self.open = False

    def close(self) -> None:
        self.open = False

    def send_message(self, message: EmailMessage, to_addrs: list[str]) -> None:
        assert to_addrs == [message["To"]]  # only ever the one recipient we queued
        assert self.open, "sent over a connection that was closed"
        if message["To"] in self.drop_at:
            self.open = False
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        if message["To"] in self.fail_for:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such user")})
        self.sent.append(message)


async def queue(db: Database, recipient: str, unsubscribe_url: str | None = None) -> None:
    async with db.transaction() as tx:
        await outbox.queue_mail(
            tx,
            recipient=recipient,
            subject="Hi",
            body="Hello",
            now=NOW,
            unsubscribe_url=unsubscribe_url,
        )


async def deliver(db: Database) -> int:
    return await outbox.deliver_waiting(
        db, smtp=SmtpSettings(host="mail"), sender="contest@uni.edu", now=NOW
    )


async def test_waiting_mail_is_sent_and_failures_are_recorded(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeSMTP.reset(fail_for={"bad@uni.edu"})
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
    FakeSMTP.reset()
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


async def test_transactional_mail_overtakes_a_big_campaign_waiting_in_the_outbox(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeSMTP.reset()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    for n in range(120):
        await queue(db, f"p{n}@uni.edu", unsubscribe_url=f"http://site/unsubscribe/t{n}")
    await queue(db, "reset@uni.edu")  # a password reset queued behind the campaign
    await queue(db, "judge@uni.edu")
    assert await deliver(db) == 50
    sent = [m["To"] for m in FakeSMTP.sent]
    assert sent[:2] == ["reset@uni.edu", "judge@uni.edu"]
    assert sent[2:] == [f"p{n}@uni.edu" for n in range(48)]  # the campaign keeps its own order


async def test_a_batch_goes_over_one_connection_and_a_refused_recipient_fails_alone(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeSMTP.reset(fail_for={"bad@uni.edu"})
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    for recipient in ("a@uni.edu", "bad@uni.edu", "c@uni.edu", "d@uni.edu"):
        await queue(db, recipient)
    assert await deliver(db) == 3
    assert FakeSMTP.connections == 1 and FakeSMTP.quits == 1
    assert [m["To"] for m in FakeSMTP.sent] == ["a@uni.edu", "c@uni.edu", "d@uni.edu"]
    rows = {r["recipient"]: r for r in await outbox.list_messages(db)}
    assert (
        rows["bad@uni.edu"]["attempts"] == 1 and "no such user" in rows["bad@uni.edu"]["last_error"]
    )
    assert all(rows[r]["sent_at"] for r in ("a@uni.edu", "c@uni.edu", "d@uni.edu"))


async def test_a_dropped_connection_is_opened_again_for_the_next_message(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeSMTP.reset()
    FakeSMTP.drop_at = {"b@uni.edu"}
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    for recipient in ("a@uni.edu", "b@uni.edu", "c@uni.edu"):
        await queue(db, recipient)
    assert await deliver(db) == 2
    assert FakeSMTP.connections == 2
    assert [m["To"] for m in FakeSMTP.sent] == ["a@uni.edu", "c@uni.edu"]
    rows = {r["recipient"]: r for r in await outbox.list_messages(db)}
    assert rows["b@uni.edu"]["sent_at"] is None and "closed" in rows["b@uni.edu"]["last_error"]


async def test_an_unreachable_server_costs_one_attempt_not_one_per_message(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeSMTP.reset()
    FakeSMTP.unreachable = True
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    for recipient in ("a@uni.edu", "b@uni.edu", "c@uni.edu"):
        await queue(db, recipient)
    assert await deliver(db) == 0
    attempts = {r["recipient"]: r["attempts"] for r in await outbox.list_messages(db)}
    assert attempts == {"a@uni.edu": 1, "b@uni.edu": 0, "c@uni.edu": 0}
    FakeSMTP.unreachable = False
    assert await deliver(db) == 3


async def test_a_round_of_delivery_drains_a_whole_campaign_but_stops_at_a_failure(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeSMTP.reset()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    for n in range(120):
        await queue(db, f"p{n}@uni.edu", unsubscribe_url=f"http://site/unsubscribe/t{n}")
    settings = SmtpSettings(host="mail")
    assert await outbox.deliver_all_waiting(db, smtp=settings, sender="s@u.edu", now=NOW) == 120
    assert await outbox.count_waiting(db) == 0 and FakeSMTP.connections == 1  # one per round

    FakeSMTP.reset(fail_for={"q10@uni.edu"})
    for n in range(120):
        await queue(db, f"q{n}@uni.edu")
    # The first batch has a refusal, so the round ends there; the next round goes on.
    assert await outbox.deliver_all_waiting(db, smtp=settings, sender="s@u.edu", now=NOW) == 49
    assert await outbox.count_waiting(db) == 71


@pytest.mark.sqlite_only
async def test_campaign_recipients_are_found_by_outbox_message_through_an_index(
    db: Database,
) -> None:
    plan = await db.fetch_all(
        "EXPLAIN QUERY PLAN SELECT id FROM campaign_recipients WHERE outbox_id IN (?, ?)", (1, 2)
    )
    assert any("campaign_recipients_outbox" in row["detail"] for row in plan), plan


async def test_a_message_the_site_stopped_sending_is_not_sent_again_by_itself(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeSMTP.reset()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    await queue(db, "first@uni.edu")
    await queue(db, "second@uni.edu")
    accepted = FakeSMTP.send_message

    def accept_then_die(self: FakeSMTP, message: EmailMessage, to_addrs: list[str]) -> None:
        accepted(self, message, to_addrs)
        raise SystemExit("killed after the server accepted, before the outbox recorded it")

    monkeypatch.setattr(FakeSMTP, "send_message", accept_then_die)
    with pytest.raises(SystemExit):
        await deliver(db)
    monkeypatch.setattr(FakeSMTP, "send_message", accepted)
    assert await deliver(db) == 1  # the next round sends only the message nobody claimed
    assert [m["To"] for m in FakeSMTP.sent] == ["first@uni.edu", "second@uni.edu"]
    first = next(r for r in await outbox.list_messages(db) if r["recipient"] == "first@uni.edu")
    assert first["sent_at"] is None and first["sending_at"] is not None  # shown as uncertain
    assert await deliver(db) == 0

    assert await outbox.send_again(db, first["id"]) is True
    assert await deliver(db) == 1
    copies = [m for m in FakeSMTP.sent if m["To"] == "first@uni.edu"]
    assert len(copies) == 2 and copies[0]["Message-ID"] == copies[1]["Message-ID"]
    assert await outbox.send_again(db, first["id"]) is False  # sent now: nothing to do


async def test_every_message_has_its_own_stable_message_id(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeSMTP.reset()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    await queue(db, "a@uni.edu")
    await queue(db, "b@uni.edu")
    await deliver(db)
    ids = [message["Message-ID"] for message in FakeSMTP.sent]
    assert len(set(ids)) == 2
    assert all(mid.startswith("<outbox.") and mid.endswith("@uni.edu>") for mid in ids)
