from datetime import UTC, datetime, timedelta

import pytest

from contest.accounts import invitations, users
from contest.contests import store as contest_store
from contest.core.db import Database
from contest.core.errors import Gone, ValidationError
from contest.core.security import Passwords
from tests.factories import add_account, add_contest

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FIELDS = {"display_name": "Jun Judge", "password": "judging is fun", "affiliation": "staff"}


def link(token: str) -> str:
    return f"http://site/invitations/{token}"


async def organizer(db: Database, passwords: Passwords) -> users.User:
    return await add_account(
        db, passwords, email="org@uni.edu", name="Olivia", role="organizer", now=NOW
    )


async def invite_jun(db: Database, inviter: users.User) -> str:
    """Invite jun@uni.edu as a judge, with no contest; return the link's token."""
    return await invitations.invite(
        db,
        email="jun@uni.edu",
        role="judge",
        contest_id=None,
        invited_by=inviter,
        link_for=link,
        now=NOW,
    )


async def new_contest(db: Database) -> int:
    contest = await add_contest(db, "submissions", now=NOW, title="Day & Night at the Library")
    return contest.id


async def test_invitation_mail_waits_in_outbox_and_creates_a_judge_on_the_panel(
    db: Database, passwords: Passwords
) -> None:
    inviter = await organizer(db, passwords)
    contest_id = await new_contest(db)
    token = await invitations.invite(
        db,
        email="Jun@Uni.edu",
        role="judge",
        contest_id=contest_id,
        invited_by=inviter,
        link_for=link,
        now=NOW,
    )
    mail = await db.fetch_one("SELECT * FROM outbox")
    assert mail is not None and mail["recipient"] == "jun@uni.edu"
    assert link(token) in mail["body"] and "Day & Night at the Library" in mail["body"]
    assert token not in str(await db.fetch_value("SELECT token_hash FROM invitations"))

    user_id = await invitations.accept(db, passwords, token, fields=FIELDS, now=NOW)
    row = await users.get_user_row(db, user_id)
    assert (row["email"], row["role"]) == ("jun@uni.edu", "judge")
    panel = await contest_store.judges_of(db, contest_id)
    assert [judge["id"] for judge in panel] == [user_id]


async def test_used_invitation_cannot_be_used_again(db: Database, passwords: Passwords) -> None:
    inviter = await organizer(db, passwords)
    token = await invite_jun(db, inviter)
    await invitations.accept(db, passwords, token, fields=FIELDS, now=NOW)
    with pytest.raises(Gone):
        await invitations.accept(db, passwords, token, fields=FIELDS, now=NOW)
    assert await db.fetch_value("SELECT count(*) FROM users WHERE role = 'judge'") == 1


async def test_expired_invitation_is_refused(db: Database, passwords: Passwords) -> None:
    inviter = await organizer(db, passwords)
    token = await invite_jun(db, inviter)
    later = NOW + invitations.INVITATION_LIFETIME + timedelta(seconds=1)
    with pytest.raises(Gone, match="expired"):
        await invitations.accept(db, passwords, token, fields=FIELDS, now=later)
    assert await db.fetch_value("SELECT accepted_at FROM invitations") is None


async def test_bad_acceptance_form_keeps_the_invitation_usable(
    db: Database, passwords: Passwords
) -> None:
    inviter = await organizer(db, passwords)
    token = await invite_jun(db, inviter)
    with pytest.raises(ValidationError):
        await invitations.accept(
            db, passwords, token, fields=FIELDS | {"password": "short"}, now=NOW
        )
    assert await db.fetch_value("SELECT accepted_at FROM invitations") is None
    await invitations.accept(db, passwords, token, fields=FIELDS, now=NOW)


async def test_inviting_an_existing_account_is_refused_with_advice(
    db: Database, passwords: Passwords
) -> None:
    inviter = await organizer(db, passwords)
    with pytest.raises(ValidationError, match="People page"):
        await invitations.invite(
            db,
            email="org@uni.edu",
            role="judge",
            contest_id=None,
            invited_by=inviter,
            link_for=link,
            now=NOW,
        )
    assert await db.fetch_value("SELECT count(*) FROM outbox") == 0
