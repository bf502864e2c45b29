"""Mail to an internationalised address (reader@例子.中国) leaves in a form every server takes."""

import smtplib

import pytest

from contest.core import outbox
from contest.core.db import Database
from tests.core.test_outbox import FakeSMTP, deliver, queue

pytestmark = pytest.mark.anyio


async def test_mail_to_a_chinese_domain_is_addressed_in_its_idna_form(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeSMTP.reset()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    await queue(db, "reader@例子.中国")
    assert await deliver(db) == 1
    [message] = FakeSMTP.sent  # FakeSMTP also checks the envelope matches the To header
    assert message["To"] == "reader@xn--fsqu00a.xn--fiqs8s"
    assert message.as_bytes().isascii()
    [row] = await outbox.list_messages(db)
    assert row["recipient"] == "reader@例子.中国" and row["sent_at"] is not None


def test_ascii_and_unparseable_recipients_are_left_as_they_are() -> None:
    assert outbox.envelope_address("pat@uni.edu") == "pat@uni.edu"
    assert outbox.envelope_address("pat@例子") == "pat@例子"
