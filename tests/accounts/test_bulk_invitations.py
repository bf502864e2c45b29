from datetime import UTC, datetime, timedelta

import pytest

from contest.accounts import bulk_invitations, invitations, users
from contest.accounts.invitation_lists import read_people
from contest.core.db import Database
from contest.core.errors import ValidationError
from contest.core.security import Passwords
from tests.factories import (
    add_account,
    add_contest,
    add_departments,
    add_entry,
    add_invitation,
    add_judge,
    storage_beside,
)

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TOKENS: list[str] = []


def link(token: str) -> str:
    TOKENS.append(token)
    return f"http://site/invitations/{token}"


async def organizer(db: Database, passwords: Passwords) -> users.User:
    return await add_account(
        db, passwords, email="org@uni.edu", name="Olivia", role="organizer", now=NOW
    )


def test_every_bad_row_is_named_with_its_line_and_reason() -> None:
    text = (
        "name,email,department\n"
        "Ana Ng,ana@uni.edu,ARCH\n"
        "Bad,not-an-address,\n"
        "\n"
        "Temp,t@mailinator.com,\n"
        "Ana again,Ana+photos@uni.edu,\n"
        "Nobody,,\n"
        '"Long, Name",' + "x" * 3 + "@uni.edu," + "D" * 41 + "\n"
    )
    people, problems = read_people(text)
    assert [(p.line, p.email, p.name, p.department) for p in people] == [
        (2, "ana@uni.edu", "Ana Ng", "ARCH")
    ]
    assert [(p.line, p.reason) for p in problems] == [
        (3, "not a valid email address"),
        (5, "throw-away address (disposable-mail service)"),
        (6, "duplicate of line 2 (same mailbox)"),
        (7, "no email address"),
        (8, "department longer than 40 characters"),
    ]


def test_rows_without_headings_find_the_address_in_any_cell() -> None:
    people, problems = read_people("ana@uni.edu;Ana\nBo Li;bo@uni.edu;CIVL\n")
    assert problems == []
    assert [(p.email, p.name, p.department) for p in people] == [
        ("ana@uni.edu", "Ana", ""),
        ("bo@uni.edu", "Bo Li", "CIVL"),
    ]


def test_headings_without_an_email_column_are_refused_whole() -> None:
    with pytest.raises(ValidationError) as refused:
        read_people("name,address\nAna,ana@uni.edu\n")
    assert "none is “email”" in refused.value.errors["people"]


async def test_preview_of_a_judge_list_says_what_each_row_does_and_sends_nothing(
    db: Database, passwords: Passwords
) -> None:
    contest = await add_contest(db, "submissions", now=NOW, title="Day & Night")
    await add_judge(db, passwords, contest, email="onpanel@uni.edu")
    await add_account(db, passwords, email="judge@uni.edu", role="judge")
    await add_account(db, passwords, email="reader@uni.edu", role="participant")
    author = await add_account(db, passwords, email="author@uni.edu", role="participant")
    await add_entry(db, await storage_beside(db), contest, author, status="pending", now=NOW)
    text = (
        "email,name\nnew@uni.edu,Nia New\njudge@uni.edu,\nreader@uni.edu,\n"
        "onpanel@uni.edu,\nauthor@uni.edu,\norg@uni.edu,\n"
    )
    await organizer(db, passwords)
    mail_before = await db.fetch_value("SELECT count(*) FROM outbox")
    plan = await bulk_invitations.plan_invitations(
        db, text, role="judge", contest_id=contest.id, now=NOW
    )
    assert [(s.person.line, s.action) for s in plan.steps] == [
        (2, "invite"),
        (3, "join_panel"),
        (4, "become_judge"),
    ]
    assert [(p.line, p.reason) for p in plan.problems] == [
        (5, "already a judge of this contest"),
        (6, "has an entry in this contest, so cannot judge it"),
        (7, "already an organizer (organizers do not sit on panels)"),
    ]
    assert not plan.ready
    assert await db.fetch_value("SELECT count(*) FROM invitations") == 0
    assert await db.fetch_value("SELECT count(*) FROM outbox") == mail_before


async def test_a_list_with_a_bad_row_sends_nothing_at_all(
    db: Database, passwords: Passwords
) -> None:
    contest = await add_contest(db, "submissions", now=NOW)
    inviter = await organizer(db, passwords)
    with pytest.raises(bulk_invitations.BulkRefused) as refused:
        await bulk_invitations.send_invitations(
            db,
            "ok@uni.edu\nbroken@\n",
            role="judge",
            contest_id=contest.id,
            invited_by=inviter,
            link_for=link,
            now=NOW,
        )
    assert [(p.line, p.reason) for p in refused.value.plan.problems] == [
        (2, "not a valid email address")
    ]
    assert await db.fetch_value("SELECT count(*) FROM invitations") == 0
    assert await db.fetch_value("SELECT count(*) FROM outbox") == 0


async def test_sending_a_judge_list_invites_new_people_and_seats_existing_accounts(
    db: Database, passwords: Passwords
) -> None:
    contest = await add_contest(db, "submissions", now=NOW, title="Day & Night")
    inviter = await organizer(db, passwords)
    reader = await add_account(db, passwords, email="reader@uni.edu", role="participant")
    plan = await bulk_invitations.send_invitations(
        db,
        "email,name\nnew@uni.edu,Nia New\nreader@uni.edu,\n",
        role="judge",
        contest_id=contest.id,
        invited_by=inviter,
        link_for=link,
        now=NOW,
    )
    assert plan.count("invite") == 1 and plan.count("become_judge") == 1
    invitation = await db.fetch_one("SELECT * FROM invitations")
    assert invitation is not None
    assert (invitation["email"], invitation["role"], invitation["contest_id"]) == (
        "new@uni.edu",
        "judge",
        contest.id,
    )
    assert invitation["display_name"] == "Nia New"
    mail = await db.fetch_all("SELECT recipient, subject, private FROM outbox ORDER BY id")
    assert [(m["recipient"], m["subject"], m["private"]) for m in mail] == [
        ("new@uni.edu", "Invitation to judge Day & Night", 1),
        ("reader@uni.edu", "You are a judge of Day & Night", 0),
    ]
    assert (await users.get_user_row(db, reader.id))["role"] == "judge"
    assert await db.fetch_value(
        "SELECT count(*) FROM contest_judges WHERE contest_id = ? AND user_id = ?",
        (contest.id, reader.id),
    )
    assert await db.fetch_value("SELECT action FROM audit_log") == "judges_invited"


async def test_a_waiting_judge_invitation_is_a_bad_row(db: Database, passwords: Passwords) -> None:
    contest = await add_contest(db, "submissions", now=NOW)
    inviter = await organizer(db, passwords)
    await add_invitation(db, contest, inviter, email="jun@uni.edu", now=NOW)
    plan = await bulk_invitations.plan_invitations(
        db, "jun@uni.edu\n", role="judge", contest_id=contest.id, now=NOW
    )
    assert plan.problems[0].reason.startswith("already invited to judge this contest")


async def test_participant_departments_must_be_on_the_list_by_code_or_name(
    db: Database, passwords: Passwords
) -> None:
    await add_departments(db, ("CIVL", "Civil Engineering"))
    plan = await bulk_invitations.plan_invitations(
        db,
        "email,department\na@uni.edu,civl\nb@uni.edu,Civil engineering\nc@uni.edu,Magic\n",
        role="participant",
        contest_id=None,
        now=NOW,
    )
    assert [s.person.department for s in plan.steps] == ["CIVL", "CIVL"]
    assert [(p.line, p.reason) for p in plan.problems] == [
        (4, "the department “MAGIC” is not on the list of departments")
    ]


async def test_existing_participants_are_skipped_and_staff_accounts_are_bad_rows(
    db: Database, passwords: Passwords
) -> None:
    await add_account(db, passwords, email="voter@uni.edu", role="participant")
    await add_account(db, passwords, email="judge@uni.edu", role="judge")
    plan = await bulk_invitations.plan_invitations(
        db,
        "voter@uni.edu\njudge@uni.edu\n",
        role="participant",
        contest_id=None,
        now=NOW,
    )
    assert [(s.person.line, s.action) for s in plan.steps] == [(1, "skip")]
    assert plan.problems[0].line == 2 and "judge account" in plan.problems[0].reason


async def test_accepting_a_participant_invitation_makes_a_confirmed_participant(
    db: Database, passwords: Passwords
) -> None:
    await add_departments(db, ("ARCH", "Architecture"))
    inviter = await organizer(db, passwords)
    TOKENS.clear()
    await bulk_invitations.send_invitations(
        db,
        "name,email,department\nAna Ng,ana@uni.edu,ARCH\n",
        role="participant",
        contest_id=None,
        invited_by=inviter,
        link_for=link,
        now=NOW,
    )
    mail = await db.fetch_one("SELECT * FROM outbox")
    assert mail is not None and mail["recipient"] == "ana@uni.edu" and mail["private"] == 1
    assert TOKENS[0] in mail["body"]
    fields = {
        "display_name": "Ana Ng",
        "password": "a long password",
        "affiliation": "student",
        "department": "ARCH",
    }
    later = NOW + timedelta(days=1)
    user_id = await invitations.accept(db, passwords, TOKENS[0], fields=fields, now=later)
    row = await users.get_user_row(db, user_id)
    assert (row["role"], row["email"], row["department"]) == ("participant", "ana@uni.edu", "ARCH")
    assert row["email_verified_at"] is not None
    assert await db.fetch_value("SELECT accepted_by FROM invitations") == user_id


async def test_a_participant_invitation_links_an_account_made_meanwhile(
    db: Database, passwords: Passwords
) -> None:
    inviter = await organizer(db, passwords)
    TOKENS.clear()
    await bulk_invitations.send_invitations(
        db,
        "ana@uni.edu\n",
        role="participant",
        contest_id=None,
        invited_by=inviter,
        link_for=link,
        now=NOW,
    )
    made = await add_account(db, passwords, email="ana@uni.edu", role="participant")
    async with db.transaction() as tx:
        await tx.execute("UPDATE users SET email_verified_at = NULL WHERE id = ?", (made.id,))
    user_id = await invitations.accept(db, passwords, TOKENS[0], fields={}, now=NOW)
    assert user_id == made.id
    assert (await users.get_user_row(db, made.id))["email_verified_at"] is not None
    assert await db.fetch_value("SELECT count(*) FROM users WHERE email = 'ana@uni.edu'") == 1


async def test_a_big5_list_is_planned_as_read_with_the_other_readings_offered(db: Database) -> None:
    big5 = "name,email\n陳大文,chan@uni.edu\n張偉,cheung@uni.edu\n".encode("cp950")
    plan = await bulk_invitations.plan_invitations(
        db, big5, role="participant", contest_id=None, now=NOW
    )
    assert [r.encoding for r in plan.readings] == ["cp950", "cp1252", "gb18030"]
    assert [step.person.name for step in plan.steps] == ["陳大文", "張偉"]
    assert plan.text.startswith("name,email\n陳大文,")
    other = await bulk_invitations.plan_invitations(
        db, big5, role="participant", contest_id=None, now=NOW, encoding="gb18030"
    )
    assert other.readings[0].encoding == "gb18030" and other.steps[0].person.name != "陳大文"
    pasted = await bulk_invitations.plan_invitations(
        db, "陳大文, chan@uni.edu", role="participant", contest_id=None, now=NOW
    )
    assert pasted.readings == [] and pasted.steps[0].person.name == "陳大文"
