"""Organizers' replies: edited or deleted by their author for a short while, before the mail."""

import smtplib
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest

from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core import outbox
from contest.core.clock import to_db
from contest.core.db import Database
from contest.core.errors import Conflict, Forbidden
from contest.core.outbox import SmtpSettings, deliver_waiting
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.entries import replies
from tests.factories import START, add_account, add_contest, add_entry, add_reply, contest_settings

pytestmark = pytest.mark.anyio
NOW = START


async def scene(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> tuple[int, User, User]:
    """An approved entry by Pat, and two organizers: the one who replies, and another."""
    contest = await add_contest(db, "submissions")
    pat = await add_account(db, passwords, email="pat@uni.edu")
    org = await add_account(db, passwords, email="org@uni.edu", name="Olga", role="organizer")
    other = await add_account(db, passwords, email="max@uni.edu", name="Max", role="organizer")
    return await add_entry(db, storage, contest, pat, moderator=org), org, other


async def reply_mail(db: Database) -> list[Any]:
    return await db.fetch_all(
        "SELECT * FROM outbox WHERE subject LIKE 'The organizers replied%' ORDER BY id"
    )


async def test_an_edit_changes_the_page_and_the_waiting_mail(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    entry_id, org, _ = await scene(db, passwords, storage)
    reply_id = await add_reply(db, entry_id, org, body="Lovely ligth!", now=NOW)
    [queued] = await reply_mail(db)
    assert queued["send_after"] == to_db(NOW + replies.MAIL_DELAY)

    later = NOW + timedelta(minutes=3)
    await replies.edit_reply(
        db, entry_id=entry_id, reply_id=reply_id, author=org, body="Lovely light!", now=later
    )

    [row] = await replies.replies_to(db, entry_id)
    assert row["body"] == "Lovely light!" and row["edited_at"] == to_db(later)
    [mail] = await reply_mail(db)
    assert row["outbox_id"] == mail["id"] == queued["id"]
    assert "Lovely light!" in mail["body"] and "ligth" not in mail["body"]
    assert mail["body"].endswith(f"See it here: http://testserver/entries/{entry_id}\n")
    assert mail["send_after"] == queued["send_after"] and mail["sent_at"] is None


async def test_a_delete_takes_the_reply_and_its_mail_away(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    entry_id, org, _ = await scene(db, passwords, storage)
    await add_reply(db, entry_id, org, body="First", now=NOW)
    second = await add_reply(db, entry_id, org, body="First", now=NOW)

    await replies.delete_reply(db, entry_id=entry_id, reply_id=second, author=org, now=NOW)

    assert [row["id"] for row in await replies.replies_to(db, entry_id)] == [second - 1]
    assert len(await reply_mail(db)) == 1


async def test_no_change_once_mailed_after_the_window_or_by_another(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    entry_id, org, other = await scene(db, passwords, storage)
    reply_id = await add_reply(db, entry_id, org, body="Hello", now=NOW)
    change = {"entry_id": entry_id, "reply_id": reply_id}

    with pytest.raises(Forbidden):
        await replies.delete_reply(db, **change, author=other, now=NOW)
    late = NOW + replies.EDIT_WINDOW + timedelta(seconds=1)
    with pytest.raises(Conflict, match="10 minutes"):
        await replies.edit_reply(db, **change, author=org, body="Hi", now=late)
    async with db.transaction() as tx:
        await tx.execute("UPDATE outbox SET sent_at = ?", (to_db(NOW),))
    with pytest.raises(Conflict, match="already been mailed"):
        await replies.delete_reply(db, **change, author=org, now=NOW)
    with pytest.raises(Conflict, match="already been mailed"):
        await replies.edit_reply(db, **change, author=org, body="Hi", now=NOW)

    [row] = await replies.replies_to(db, entry_id)
    assert row["body"] == "Hello" and row["edited_at"] is None
    assert replies.changeable_ids([row], org, NOW) == set()


class FakeSMTP:
    sent: list[EmailMessage] = []  # noqa: RUF012 - reset by the test

    def __init__(self, host: str, port: int, timeout: float) -> None:
        pass

    def starttls(self) -> None:
        pass

    def send_message(self, message: EmailMessage, to_addrs: list[str]) -> None:
        self.sent.append(message)

    def quit(self) -> None:
        pass

    def close(self) -> None:
        pass


async def test_the_reply_mail_waits_for_its_delay(
    db: Database, passwords: Passwords, storage: LocalStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent = []
    entry_id, org, _ = await scene(db, passwords, storage)
    await add_reply(db, entry_id, org, body="Well seen", now=NOW)
    smtp = SmtpSettings("mail.test")

    await deliver_waiting(db, smtp=smtp, sender="site@uni.edu", now=NOW + timedelta(minutes=1))
    assert not [m for m in FakeSMTP.sent if "replied" in str(m["Subject"])]
    [mail] = await reply_mail(db)
    assert mail["sent_at"] is None

    await deliver_waiting(db, smtp=smtp, sender="site@uni.edu", now=NOW + replies.MAIL_DELAY)
    assert [m for m in FakeSMTP.sent if "replied" in str(m["Subject"])]
    [mail] = await reply_mail(db)
    assert mail["sent_at"] is not None


async def test_a_round_that_read_the_mail_before_a_change_sends_the_change_or_nothing(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    entry_id, org, _ = await scene(db, passwords, storage)
    first = await add_reply(db, entry_id, org, body="Typo hree", now=NOW)
    second = await add_reply(db, entry_id, org, body="Twice", now=NOW)
    read_before = await reply_mail(db)  # what a delivery round's batch holds
    await replies.edit_reply(
        db, entry_id=entry_id, reply_id=first, author=org, body="Typo here", now=NOW
    )
    await replies.delete_reply(db, entry_id=entry_id, reply_id=second, author=org, now=NOW)

    due = NOW + replies.MAIL_DELAY
    claimed = await outbox._claim(db, read_before[0]["id"], now=due)
    assert claimed is not None and "Typo here" in claimed["body"]
    assert await outbox._claim(db, read_before[1]["id"], now=due) is None


def test_the_friends_invitation_names_the_network_people_s_choice_counts() -> None:
    here = Contest(1, "light", contest_settings("voting", now=START), START)
    outside = contest_settings(
        "voting", now=START, peoples_choice_basis="external", external_network="Facebook"
    )
    elsewhere = Contest(2, "light-2", outside, START)
    link = "https://x/entries/1"
    assert "the photo with the most likes wins. Invite your friends to like yours" in (
        replies.friends_invitation(here, link, now=START)
    )
    told = replies.friends_invitation(elsewhere, link, now=START)
    assert "the most likes on Facebook wins" in told and "to like yours" not in told
