"""A voter's address is kept only while their voting link waits to be sent: the vote keeps the
keyed hash of the folded mailbox, the outbox forgets the typed address once the message is sent
or given up, and organizers never see it."""

import smtplib
from pathlib import Path

import pytest

from contest.contests.phases import Phase
from contest.core import outbox
from contest.core.db import Database
from contest.core.migrations import MIGRATIONS
from contest.core.outbox import SmtpSettings
from contest.voting.email_voters import normalize_voter_email, voter_key
from tests import postgres
from tests.core.test_outbox import FakeSMTP
from tests.factories import START, add_contest, add_voting_link_request

pytestmark = pytest.mark.anyio

TYPED = "Fan.Person+likes@Gmail.com"


async def deliver(db: Database) -> int:
    return await outbox.deliver_waiting(
        db, smtp=SmtpSettings(host="mail"), sender="contest@uni.edu", now=START
    )


async def stored_anywhere(db: Database, text: str) -> list[str]:
    """Every table.column whose stored text holds ``text`` (in any case)."""
    found = []
    for table, columns in (await postgres.tables_and_columns(db)).items():
        for column in columns:
            hits = await db.fetch_value(
                f'SELECT count(*) FROM "{table}"'
                f' WHERE instr(lower(CAST("{column}" AS TEXT)), ?) > 0',
                (text.lower(),),
            )
            if hits:
                found.append(f"{table}.{column}")
    return found


async def test_a_sent_voting_link_forgets_the_typed_address(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeSMTP.reset()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    contest = await add_contest(db, Phase.JUDGING_AND_VOTING, voting_mode="email")
    message = await add_voting_link_request(db, contest, TYPED)
    waiting = await db.fetch_one("SELECT * FROM outbox WHERE id = ?", (message,))
    assert waiting is not None
    assert waiting["recipient"] == TYPED and waiting["forget_recipient"] == 1
    assert await deliver(db) == 1
    assert [mail["To"] for mail in FakeSMTP.sent] == [TYPED]  # it went where it was typed
    sent = await db.fetch_one("SELECT * FROM outbox WHERE id = ?", (message,))
    assert sent is not None and sent["sent_at"] is not None
    assert sent["recipient"] == outbox.ERASED_RECIPIENT
    assert await stored_anywhere(db, "fan.person") == []
    assert await stored_anywhere(db, "fanperson") == []
    # The vote keeps only the keyed hash of the folded mailbox.
    voter = await db.fetch_value("SELECT voter FROM voter_links")
    assert voter == voter_key("test-site-key", normalize_voter_email(TYPED))


async def test_a_voting_link_given_up_forgets_the_address_and_never_shows_it_in_errors(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeSMTP.reset(fail_for={TYPED})
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    contest = await add_contest(db, Phase.JUDGING_AND_VOTING, voting_mode="email")
    message = await add_voting_link_request(db, contest, TYPED)
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        assert await deliver(db) == 0
    retrying = await db.fetch_one("SELECT * FROM outbox WHERE id = ?", (message,))
    assert retrying is not None
    assert retrying["recipient"] == TYPED  # still needed for the next attempt
    assert "no such user" in retrying["last_error"]
    assert "fan" not in retrying["last_error"].lower()
    assert await deliver(db) == 0  # the last attempt: given up
    given_up = await db.fetch_one("SELECT * FROM outbox WHERE id = ?", (message,))
    assert given_up is not None and given_up["sent_at"] is None
    assert given_up["attempts"] == outbox.MAX_ATTEMPTS
    assert given_up["recipient"] == outbox.ERASED_RECIPIENT
    assert await stored_anywhere(db, "fan.person") == []
    assert await outbox.send_again(db, message) is False  # nowhere left to send it
    assert await db.fetch_value("SELECT attempts FROM outbox WHERE id = ?", (message,)) == 5


async def test_organizers_listing_names_a_voter_never_the_address(db: Database) -> None:
    contest = await add_contest(db, Phase.JUDGING_AND_VOTING, voting_mode="email")
    message = await add_voting_link_request(db, contest, TYPED)
    [listed] = await outbox.list_messages(db)
    assert listed["id"] == message
    assert listed["recipient"] == outbox.HIDDEN_RECIPIENT
    assert listed["recipient_erased"] is False
    assert all("fan" not in str(value).lower() for value in listed.values())
    # The outbox still holds the address, which the waiting message needs.
    assert await db.fetch_value("SELECT recipient FROM outbox") == TYPED


async def test_other_mail_keeps_its_recipient_after_sending(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeSMTP.reset()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    async with db.transaction() as tx:
        await outbox.queue_mail(
            tx, recipient="pat@uni.edu", subject="Reset", body="Link", now=START, private=True
        )
    assert await deliver(db) == 1
    row = await db.fetch_one("SELECT recipient, forget_recipient, sent_at FROM outbox")
    assert row is not None and row["sent_at"] is not None
    assert (row["recipient"], row["forget_recipient"]) == ("pat@uni.edu", 0)
    [listed] = await outbox.list_messages(db)
    assert listed["recipient"] == "pat@uni.edu"


async def test_voting_links_already_in_the_outbox_are_marked_and_sent_ones_erased(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    before = tuple(m for m in MIGRATIONS if m.name < "0020_voter_mail")
    old = await Database.open(path, before)
    rows = [  # recipient, subject, sent_at, attempts, private
        ("sent@gmail.com", "Your link to vote in Light", "2026-03-01T09:00:00Z", 1, 1),
        ("waiting@gmail.com", "Your link to vote in Light", None, 0, 1),
        ("gaveup@gmail.com", "Your link to vote in Light", None, 5, 1),
        ("pat@uni.edu", "Reset your password", "2026-03-01T09:00:00Z", 1, 1),
    ]
    async with old.transaction() as tx:
        for recipient, subject, sent_at, attempts, private in rows:
            await tx.execute(
                "INSERT INTO outbox (recipient, subject, body, created_at, sent_at, attempts,"
                " last_error, private) VALUES (?, ?, 'Link', '2026-03-01T08:00:00Z', ?, ?, ?, ?)",
                (recipient, subject, sent_at, attempts, f"refused {recipient}", private),
            )
    await old.close()
    db = await Database.open(path)
    found = await db.fetch_all("SELECT recipient, forget_recipient FROM outbox ORDER BY id")
    errors = [row["last_error"] for row in await db.fetch_all("SELECT * FROM outbox ORDER BY id")]
    await db.close()
    assert errors == [*["refused (the voter)"] * 3, "refused pat@uni.edu"]
    assert [tuple(row) for row in found] == [
        (outbox.ERASED_RECIPIENT, 1),
        ("waiting@gmail.com", 1),  # still needed to send it
        (outbox.ERASED_RECIPIENT, 1),
        ("pat@uni.edu", 0),
    ]
