"""Campaign mail: reading lists, checking texts, sending without mailing anyone twice."""

import re
import smtplib
import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import anyio
import psycopg
import pytest

from contest.accounts import users
from contest.campaigns import drafts, unsubscribes
from contest.campaigns import lists as campaign_lists
from contest.campaigns import log as campaign_log
from contest.campaigns import send as campaign_send
from contest.campaigns.drafts import values_for
from contest.campaigns.lists import (
    MAX_LIST_ROWS,
    MAX_SHOWN_TEXT,
    Recipient,
    decode_list,
    parse_list,
)
from contest.campaigns.text import DEFAULTS, check_message, compose, fill, placeholder_error
from contest.contests.model import Contest
from contest.core import outbox as outbox_module
from contest.core.db import INTEGRITY_ERRORS, Database
from contest.core.errors import ValidationError
from contest.core.outbox import SmtpSettings
from contest.core.postgres_database import PostgresDatabase
from contest.core.security import Passwords, token_hash
from contest.core.storage import LocalStorage
from contest.judging import results
from tests.core.test_outbox import FakeSMTP
from tests.factories import (
    HASHTAG,
    START,
    add_account,
    add_campaign,
    add_contest,
    add_entry,
    add_unsubscribe,
    contest_settings,
    schedule_for,
)

NOW = START  # the contest takes submissions
VOTING = schedule_for("submissions", NOW).voting_open + timedelta(days=1)
INVITE_SUBJECT = "Take part in Light at the Library"
LINK = "http://site/contests/day"
UNSUBSCRIBE = re.compile(r"http://site/unsubscribe/([\w-]+)")


def unsubscribe_link(token: str) -> str:
    return f"http://site/unsubscribe/{token}"


def problems_of(text: str) -> list[tuple[int, str]]:
    return [(p.line, p.reason) for p in parse_list(text).problems]


def test_csv_with_headings_reports_every_bad_row_with_its_line() -> None:
    text = (
        "Name,Email,Affiliation,Department\n"
        "Pat Lee,pat@uni.edu,student,CIVL\n"
        "Sam Wu,not-an-address,staff,LIB\n"
        "Pat again,Pat+photos@UNI.edu,student,CIVL\n"
        "Throw Away,x@mailinator.com,student,\n"
        "No Mail,,staff,LIB\n"
        "\n"
        "Kim Ho,kim.ho@gmail.com,professor,\n"
        "Kim Dots,kimho@googlemail.com,staff,\n"
        "Ana Ruiz,ana@uni.edu,Staff,LIB\n"
    )
    listing = parse_list(text)
    assert [(r.line, r.email, r.name) for r in listing.recipients] == [
        (2, "pat@uni.edu", "Pat Lee"),
        (8, "kim.ho@gmail.com", "Kim Ho"),
        (10, "ana@uni.edu", "Ana Ruiz"),
    ]
    assert [(p.line, p.reason) for p in listing.problems] == [
        (3, "not a valid email address"),
        (4, "duplicate of line 2 (pat@uni.edu: same mailbox)"),
        (5, "throw-away address (disposable-mail service)"),
        (6, "no email address"),
        (9, "duplicate of line 8 (kim.ho@gmail.com: same mailbox)"),
    ]
    assert listing.problems[0].text == "Sam Wu,not-an-address,staff,LIB"


def test_pasted_addresses_split_on_lines_commas_and_semicolons() -> None:
    text = (
        "pat@uni.edu, sam@uni.edu; kim@uni.edu\n"
        '"Lee, Ana" <ana@uni.edu>; Bo Chan <bo@uni.edu>\n'
        "\n"
        "SAM@uni.edu, bad address, Kim+2@uni.edu\n"
        "mailto:jo@uni.edu\n"
    )
    listing = parse_list(text)
    assert [(r.line, r.email, r.name) for r in listing.recipients] == [
        (1, "pat@uni.edu", ""),
        (1, "sam@uni.edu", ""),
        (1, "kim@uni.edu", ""),
        (2, "ana@uni.edu", "Lee, Ana"),
        (2, "bo@uni.edu", "Bo Chan"),
        (5, "jo@uni.edu", ""),
    ]
    assert problems_of(text) == [
        (4, "duplicate of line 1"),
        (4, "not a valid email address"),
        (4, "duplicate of line 1 (kim@uni.edu: same mailbox)"),
    ]


def test_an_exact_repeat_is_a_plain_duplicate() -> None:
    assert problems_of("pat@uni.edu\npat@uni.edu\n") == [(2, "duplicate of line 1")]


def test_gmail_dots_and_plus_aliases_name_one_mailbox() -> None:
    text = "Kim.Ho@gmail.com\nkimho+contest@googlemail.com\nk.i.m.h.o@gmail.com\n"
    assert problems_of(text) == [
        (2, "duplicate of line 1 (Kim.Ho@gmail.com: same mailbox)"),
        (3, "duplicate of line 1 (Kim.Ho@gmail.com: same mailbox)"),
    ]
    assert [r.mailbox for r in parse_list(text).recipients] == ["kimho@gmail.com"]


def test_semicolon_csv_from_a_european_spreadsheet_is_read() -> None:
    listing = parse_list("email;name\npat@uni.edu;Pat Lee\nsam@uni.edu;Sam\n")
    assert [(r.email, r.name) for r in listing.recipients] == [
        ("pat@uni.edu", "Pat Lee"),
        ("sam@uni.edu", "Sam"),
    ]


def test_headings_without_an_email_column_are_refused_clearly() -> None:
    with pytest.raises(ValidationError, match=r"column headings \(Name, Address\) but none"):
        parse_list("Name,Address\nPat,pat@uni.edu\n")


def test_headings_error_shows_a_shortened_row() -> None:
    header = ",".join(f"column{n:03}" for n in range(500))
    with pytest.raises(ValidationError) as caught:
        parse_list(header + "\nPat,pat@uni.edu\n")
    message = caught.value.errors["recipients"]
    assert "column000, column001" in message
    assert "column499" not in message
    assert len(message) < MAX_SHOWN_TEXT + 100


@pytest.mark.anyio
async def test_an_uploaded_file_is_decoded_and_read_off_the_event_loop(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    real_parse = campaign_lists.parse_list

    def parse_and_note(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(campaign_lists, "parse_list", parse_and_note)
    listing = await drafts.prepare_list(db, "email\npat@uni.edu\n".encode("utf-16"))
    assert [r.email for r in listing.recipients] == ["pat@uni.edu"]
    assert threads and threads[0] is not threading.current_thread()


def test_too_many_rows_and_too_big_files_are_refused() -> None:
    rows = "".join(f"p{n}@uni.edu\n" for n in range(MAX_LIST_ROWS + 1))
    with pytest.raises(ValidationError, match="more than 5,000 addresses"):
        parse_list(rows)
    assert len(parse_list(rows.split("\n", 1)[1]).recipients) == MAX_LIST_ROWS
    with pytest.raises(ValidationError, match="under 1 MB"):
        decode_list(b"x" * (1024 * 1024 + 1))


def test_files_in_other_encodings_are_decoded() -> None:
    assert decode_list("\ufeffemail\nzoë@uni.edu\n".encode()) == "email\nzoë@uni.edu\n"
    assert decode_list("name,email\nRenée,r@uni.edu\n".encode("cp1252")).startswith("name")
    assert "Renée" in decode_list("email,name\nr@uni.edu,Renée\n".encode("utf-16"))
    with pytest.raises(ValidationError, match="spreadsheet workbook"):
        decode_list(b"PK\x03\x04rest-of-a-zip")


def test_placeholders_are_checked_and_filled() -> None:
    assert placeholder_error("Hello {name}, see {link} for {contest} {hashtag}") is None
    assert placeholder_error("Braces {{like this}}") is None
    assert placeholder_error("Hello {nmae}") == (
        "Unknown placeholder {nmae}; use {name}, {contest}, {link}, {hashtag}, {peoples_choice}."
    )
    assert "Unknown placeholder {name!r}" in str(placeholder_error("{name!r}"))
    assert "Unknown placeholder {name.__class__}" in str(placeholder_error("{name.__class__}"))
    assert "Unknown placeholder {}" in str(placeholder_error("{}"))
    assert "has no partner" in str(placeholder_error("Hello {name"))
    with pytest.raises(ValidationError) as caught:
        check_message("", "Hi {who}")
    assert caught.value.errors == {
        "subject": "Write a subject.",
        "body": "Unknown placeholder {who}; use {name}, {contest}, {link}, {hashtag},"
        " {peoples_choice}.",
    }
    subject, body = compose(
        "{contest} news", "Hi {name}: {{x}} {link}", {"name": "Pat", "contest": "C"}, "U"
    )
    assert subject == "C news"
    assert body.startswith("Hi Pat: {x}\n\n-- \n") and body.endswith("open: U\n")


@pytest.mark.parametrize("kind", sorted(DEFAULTS))
def test_every_default_text_passes_its_own_check(kind: str) -> None:
    subject, body = DEFAULTS[kind]
    assert check_message(subject, body) == (subject, body)
    assert "{link}" in body


async def organizer(db: Database, passwords: Passwords) -> users.User:
    return await add_account(
        db, passwords, email="org@uni.edu", name="Olivia", role="organizer", now=NOW
    )


async def new_contest(db: Database) -> Contest:
    return await add_contest(db, "submissions", now=NOW)


async def new_campaign(
    db: Database, contest: Contest, author: users.User, text: str, kind: str = "invite"
) -> drafts.Campaign:
    return await add_campaign(db, contest, author, addresses=text, kind=kind, now=NOW)


async def send(
    db: Database, campaign: drafts.Campaign, contest: Contest, who: users.User, now=NOW
) -> campaign_send.SendReport:
    return await campaign_send.send(
        db,
        campaign,
        contest=contest,
        actor=who,
        link=LINK,
        unsubscribe_link_for=unsubscribe_link,
        now=now,
    )


async def outbox(db: Database, *, after: int = 0) -> list[tuple[str, str]]:
    """The mail queued (after the message with id ``after``), oldest first."""
    rows = await db.fetch_all(
        "SELECT recipient, body FROM outbox WHERE id > ? ORDER BY id", (after,)
    )
    return [(row["recipient"], row["body"]) for row in rows]


async def sent_campaign(
    db: Database, passwords: Passwords, text: str
) -> tuple[users.User, Contest, drafts.Campaign, list[str]]:
    """An organizer's campaign to the list, sent; with the unsubscribe token of each message."""
    me = await organizer(db, passwords)
    contest = await new_contest(db)
    campaign = await new_campaign(db, contest, me, text)
    await send(db, campaign, contest, me)
    tokens = [UNSUBSCRIBE.findall(body)[0] for _, body in await outbox(db)]
    return me, contest, campaign, tokens


@pytest.mark.anyio
async def test_sending_twice_mails_nobody_twice(db: Database, passwords: Passwords) -> None:
    me = await organizer(db, passwords)
    contest = await new_contest(db)
    campaign = await new_campaign(db, contest, me, "email,name\npat@uni.edu,Pat\nsam@uni.edu,\n")
    first = await send(db, campaign, contest, me)
    assert first == campaign_send.SendReport(queued=2, unsubscribed=0, bad_rows=0)
    second = await send(db, campaign, contest, me)
    assert second.queued == 0
    mails = await outbox(db)
    assert [to for to, _ in mails] == ["pat@uni.edu", "sam@uni.edu"]
    assert mails[0][1].startswith("Hello Pat,\n") and mails[1][1].startswith("Hello there,\n")
    assert LINK in mails[0][1] and f"#{HASHTAG}" in mails[0][1]

    more = await drafts.prepare_list(db, "Pat+x@uni.edu\nkim@uni.edu", campaign_id=campaign.id)
    assert [(p.line, p.reason) for p in more.problems] == [
        (1, "already on this campaign's list (added earlier)")
    ]
    await drafts.add_to_list(db, campaign, more)
    assert (await send(db, campaign, contest, me)).queued == 1
    assert [to for to, _ in await outbox(db)] == ["pat@uni.edu", "sam@uni.edu", "kim@uni.edu"]
    log = await campaign_log.send_log(db, contest.id)
    assert [(row["queued"], row["skipped_bad"], row["actor"]) for row in log] == [
        (1, 1, "Olivia"),
        (0, 0, "Olivia"),
        (2, 0, "Olivia"),
    ]
    assert {row["subject"] for row in log} == {INVITE_SUBJECT}


@pytest.mark.anyio
async def test_the_schema_refuses_a_second_row_for_one_mailbox(
    db: Database, passwords: Passwords
) -> None:
    me = await organizer(db, passwords)
    campaign = await new_campaign(db, await new_contest(db), me, "pat@uni.edu")
    with pytest.raises(INTEGRITY_ERRORS, match=r"(?i)unique"):
        async with db.transaction() as tx:  # raw: the test is about the schema's constraint
            await tx.execute(
                "INSERT INTO campaign_recipients (campaign_id, mailbox, email)"
                " VALUES (?, 'pat@uni.edu', 'pat@uni.edu')",
                (campaign.id,),
            )


@pytest.mark.anyio
async def test_each_message_has_a_personal_unsubscribe_link_that_works(
    db: Database, passwords: Passwords
) -> None:
    me, contest, _, tokens = await sent_campaign(
        db, passwords, "pat@uni.edu\nsam@uni.edu\nkim@uni.edu"
    )
    assert len(set(tokens)) == 3
    stored = {row["token_hash"] for row in await db.fetch_all("SELECT * FROM unsubscribe_links")}
    assert stored == {token_hash(token) for token in tokens}

    assert await unsubscribes.unsubscribe(db, tokens[1], now=NOW) == "sam@uni.edu"
    await unsubscribes.unsubscribe(db, tokens[1], now=NOW)  # a second click changes nothing
    assert await db.fetch_value("SELECT count(*) FROM unsubscribes") == 1

    # A later campaign refuses Sam's row on upload, and skips Sam if added behind its back.
    later = await new_campaign(db, contest, me, "Sam+news@uni.edu\npat@uni.edu")
    assert [(p["line"], p["reason"]) for p in await campaign_log.problems(db, later.id)] == [
        (1, "unsubscribed from campaign mail")
    ]
    # A list read without the unsubscribe check (as one read before Sam unsubscribed would be).
    await drafts.add_to_list(db, later, parse_list("sam@uni.edu"))
    report = await send(db, later, contest, me)
    assert report == campaign_send.SendReport(queued=1, unsubscribed=1, bad_rows=1)
    # Sam's first message left the outbox when Sam unsubscribed; the later campaign adds Pat's.
    assert [to for to, _ in await outbox(db)] == ["pat@uni.edu", "kim@uni.edu", "pat@uni.edu"]
    states = await campaign_log.state_counts(db, later.id)
    assert states == {"skipped: unsubscribed": 1, "waiting in the outbox": 1}


@pytest.mark.anyio
async def test_voting_news_goes_to_participants_and_the_list_once_each(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    me = await organizer(db, passwords)
    contest = await new_contest(db)
    pat, gone, sue, quiet = [
        await add_account(db, passwords, email=f"{name.lower()}@uni.edu", name=name)
        for name in ("Pat", "Gone", "Sue", "Quiet")
    ]
    for author, title, status in (
        (pat, "Dawn over the library", "approved"),
        (pat, "Dusk over the library", "pending"),
        (gone, "Withdrawn one", "withdrawn"),
        (sue, "Stacks at noon", "approved"),
        (quiet, "Atrium at night", "approved"),
    ):
        await add_entry(db, storage, contest, author, title=title, status=status, moderator=me)
    await add_unsubscribe(db, contest, me, email="quiet@uni.edu", now=NOW)
    before = int(await db.fetch_value("SELECT coalesce(max(id), 0) FROM outbox"))
    campaign = await new_campaign(db, contest, me, "PAT@uni.edu\nfriend@uni.edu", kind="voting")
    waiting = await drafts.pending(db, campaign)
    assert waiting.first is not None
    assert (waiting.first.email, waiting.count) == ("PAT@uni.edu", 3)  # list rows, then Sue
    with pytest.raises(ValidationError, match="Voting is not open"):
        await send(db, campaign, contest, me)
    assert await outbox(db, after=before) == []
    report = await send(db, campaign, contest, me, now=VOTING)
    assert report.queued == 3
    assert await drafts.pending(db, campaign) == drafts.Pending(None, 0)
    mails = await outbox(db, after=before)
    assert [to for to, _ in mails] == ["PAT@uni.edu", "friend@uni.edu", "sue@uni.edu"]
    assert mails[0][1].startswith("Hello there,")  # the list's row came first
    assert (await send(db, campaign, contest, me, now=VOTING)).queued == 0


@pytest.mark.anyio
async def test_a_test_send_goes_to_the_organizer_only_and_is_logged(
    db: Database, passwords: Passwords
) -> None:
    me = await organizer(db, passwords)
    contest = await new_contest(db)
    campaign = await new_campaign(db, contest, me, "email,name\npat@uni.edu,Pat Lee\n")
    await campaign_send.send_test(
        db,
        campaign,
        contest=contest,
        actor=me,
        link=LINK,
        unsubscribe_link_for=unsubscribe_link,
        now=NOW,
    )
    rows = await db.fetch_all("SELECT recipient, subject, body FROM outbox")
    assert [(row["recipient"], row["subject"]) for row in rows] == [
        ("org@uni.edu", f"[Test] {INVITE_SUBJECT}")
    ]
    assert rows[0]["body"].startswith("Hello Pat Lee,")
    log = await campaign_log.send_log(db, contest.id, campaign_id=campaign.id)
    assert [(row["is_test"], row["test_recipient"]) for row in log] == [(1, "org@uni.edu")]
    assert await db.fetch_value("SELECT count(*) FROM campaign_recipients WHERE status = 'listed'")


@pytest.mark.anyio
async def test_results_news_waits_for_published_results(db: Database, passwords: Passwords) -> None:
    me = await organizer(db, passwords)
    contest = await new_contest(db)
    campaign = await new_campaign(db, contest, me, "pat@uni.edu", kind="results")
    later = NOW + timedelta(days=30)
    with pytest.raises(ValidationError, match="results are published"):
        await send(db, campaign, contest, me, now=later)
    await results.publish(db, contest=contest, actor=me, now=later)
    assert (await send(db, campaign, contest, me, now=later)).queued == 1


@pytest.mark.anyio
async def test_an_invitation_needs_addresses(db: Database, passwords: Passwords) -> None:
    me = await organizer(db, passwords)
    contest = await new_contest(db)
    with pytest.raises(ValidationError, match="paste the addresses"):
        await new_campaign(db, contest, me, "  \n")
    assert await db.fetch_value("SELECT count(*) FROM campaigns") == 0


@pytest.mark.anyio
async def test_a_long_list_is_sent_in_batches_each_mailbox_once(
    db: Database, passwords: Passwords, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(campaign_send, "SEND_BATCH", 2)
    me = await organizer(db, passwords)
    contest = await new_contest(db)
    campaign = await new_campaign(db, contest, me, "\n".join(f"p{n}@uni.edu" for n in range(5)))
    reports: list[campaign_send.SendReport] = []

    async def send_and_keep() -> None:
        reports.append(await send(db, campaign, contest, me))

    async with anyio.create_task_group() as group:  # two organizers press Send at once
        group.start_soon(send_and_keep)
        group.start_soon(send_and_keep)
    assert sum(report.queued for report in reports) == 5
    recipients = sorted(to for to, _ in await outbox(db))
    assert recipients == [f"p{n}@uni.edu" for n in range(5)]
    linked = await db.fetch_all(
        "SELECT r.email, o.recipient FROM campaign_recipients r JOIN outbox o ON o.id = r.outbox_id"
    )
    assert all(row["email"] == row["recipient"] for row in linked) and len(linked) == 5


@pytest.mark.anyio
async def test_a_send_cut_short_is_logged_as_far_as_it_got_and_finished_by_sending_again(
    db: Database, passwords: Passwords, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(campaign_send, "SEND_BATCH", 2)
    me = await organizer(db, passwords)
    contest = await new_contest(db)
    campaign = await new_campaign(db, contest, me, "\n".join(f"p{n}@uni.edu" for n in range(5)))
    real_message_for = campaign_send.message_for
    composed: list[int] = []

    def message_until_the_server_stops(*args, **kwargs):  # type: ignore[no-untyped-def]
        composed.append(1)
        if len(composed) > 2:  # the process dies while composing the second batch
            raise RuntimeError("stopped")
        return real_message_for(*args, **kwargs)

    monkeypatch.setattr(campaign_send, "message_for", message_until_the_server_stops)
    with pytest.raises(RuntimeError):
        await send(db, campaign, contest, me)
    log = await db.fetch_all("SELECT queued FROM campaign_sends WHERE test_recipient IS NULL")
    assert [row["queued"] for row in log] == [2] and len(await outbox(db)) == 2
    monkeypatch.setattr(campaign_send, "message_for", real_message_for)
    assert (await send(db, campaign, contest, me)).queued == 3
    log = await db.fetch_all("SELECT queued FROM campaign_sends ORDER BY id")
    assert [row["queued"] for row in log] == [2, 3] and len(await outbox(db)) == 5


@pytest.mark.anyio
async def test_unsubscribing_while_a_batch_is_composed_is_honoured(
    db: Database, passwords: Passwords, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    me = await organizer(db, passwords)
    contest = await new_contest(db)
    campaign = await new_campaign(db, contest, me, "pat@uni.edu\nsam@uni.edu")
    real_message_for = campaign_send.message_for

    def message_then_unsubscribe_sam(*args, **kwargs):  # type: ignore[no-untyped-def]
        # Sam unsubscribes (another request) after the batch was read, before it is written:
        # raw, from another connection, as this hook runs inside the send and cannot await.
        unsubscribe = (
            "INSERT INTO unsubscribes (mailbox, at) VALUES ('sam@uni.edu', 'x')"
            " ON CONFLICT DO NOTHING"
        )
        if isinstance(db, PostgresDatabase):
            with psycopg.connect(db.url, autocommit=True) as other_server:
                other_server.execute(unsubscribe)
        else:
            with sqlite3.connect(tmp_path / "test.db") as other:
                other.execute(unsubscribe)
        return real_message_for(*args, **kwargs)

    monkeypatch.setattr(campaign_send, "message_for", message_then_unsubscribe_sam)
    report = await send(db, campaign, contest, me)
    assert report == campaign_send.SendReport(queued=1, unsubscribed=1, bad_rows=0)
    assert [to for to, _ in await outbox(db)] == ["pat@uni.edu"]


@pytest.mark.anyio
async def test_unsubscribing_after_the_send_stops_the_message_still_in_the_outbox(
    db: Database, passwords: Passwords, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeSMTP.reset()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    _, _, campaign, (_, sams) = await sent_campaign(
        db, passwords, "pat@uni.edu\nSam <Sam+news@uni.edu>"
    )
    await unsubscribes.unsubscribe(db, sams, now=NOW)  # Sam, before the mail server's turn
    assert await outbox_module.count_waiting(db) == 1  # Sam's message is taken back at once
    states = await campaign_log.state_counts(db, campaign.id)
    assert states == {"waiting in the outbox": 1, "unsubscribed before delivery": 1}
    assert [m["email"] for m in await campaign_log.messages(db, campaign.id)] == ["pat@uni.edu"]
    async with db.transaction() as tx:  # a reply to Sam's entry, say: not campaign mail
        await outbox_module.queue_mail(
            tx, recipient="Sam+news@uni.edu", subject="A reply", body="Nice photo", now=NOW
        )

    await outbox_module.deliver_waiting(
        db, smtp=SmtpSettings(host="mail"), sender="lib@uni.edu", now=NOW
    )
    assert [(m["To"], m["Subject"]) for m in FakeSMTP.sent] == [
        ("Sam+news@uni.edu", "A reply"),  # transactional mail still arrives
        ("pat@uni.edu", INVITE_SUBJECT),
    ]
    rows = await db.fetch_all("SELECT email, status, outbox_id FROM campaign_recipients")
    assert [(r["email"], r["status"], r["outbox_id"] is None) for r in rows] == [
        ("pat@uni.edu", "queued", False),
        ("Sam+news@uni.edu", "unsubscribed", True),
    ]
    assert await outbox_module.count_waiting(db) == 0  # Sam's message left the outbox
    states = await campaign_log.state_counts(db, campaign.id)
    assert states == {"sent": 1, "unsubscribed before delivery": 1}
    assert [m["email"] for m in await campaign_log.messages(db, campaign.id)] == ["pat@uni.edu"]


@pytest.mark.anyio
async def test_each_send_logs_only_the_bad_rows_added_since_the_last_send(
    db: Database, passwords: Passwords
) -> None:
    me = await organizer(db, passwords)
    contest = await new_contest(db)
    campaign = await new_campaign(db, contest, me, "pat@uni.edu\nnot-an-address")
    assert (await send(db, campaign, contest, me)).bad_rows == 1
    more = await drafts.prepare_list(
        db, "kim@uni.edu\nbroken@\npat@uni.edu", campaign_id=campaign.id
    )
    await drafts.add_to_list(db, campaign, more)
    await campaign_send.send_test(
        db,
        campaign,
        contest=contest,
        actor=me,
        link=LINK,
        unsubscribe_link_for=unsubscribe_link,
        now=NOW,
    )
    assert await send(db, campaign, contest, me) == campaign_send.SendReport(1, 0, 2)
    assert (await send(db, campaign, contest, me)).bad_rows == 0
    log = await campaign_log.send_log(db, contest.id)
    assert [(row["is_test"], row["queued"], row["skipped_bad"]) for row in log] == [
        (0, 0, 0),
        (0, 1, 2),
        (1, 1, 0),
        (0, 1, 1),
    ]
    assert len(await campaign_log.problems(db, campaign.id)) == 3  # the page lists them all


def test_the_voting_message_names_what_people_s_choice_counts() -> None:
    _, body = DEFAULTS["voting"]
    here = Contest(1, "light", contest_settings("voting"), START)
    outside = contest_settings(
        "voting", peoples_choice_basis="external", external_network="Facebook"
    )
    elsewhere = Contest(2, "light-2", outside, START)
    pat = Recipient(1, "pat@uni.edu", "pat@uni.edu", "Pat")
    assert "People's Choice goes to the most liked photo" in fill(
        body, values_for(here, "https://x/g", pat)
    )
    assert "People's Choice goes to the photo with the most likes on Facebook" in fill(
        body, values_for(elsewhere, "https://x/g", pat)
    )
