"""The mails of accounts go out in their recipient's language: an account's saved choice,
else (for someone without one) the language the organizer picked, else the site's default; the
outbox row keeps the locale it was written in."""
# ruff: noqa: RUF001 -- Chinese mails use full-width punctuation

import contextlib
from datetime import UTC, datetime

import pytest

from contest.accounts import (
    bulk_invitations,
    invitations,
    languages,
    recovery,
    site_settings,
    users,
)
from contest.accounts.throttle import SIGN_IN_LIMITS
from contest.core.db import Database
from contest.core.errors import ContestError, RateLimited
from contest.core.security import Passwords
from contest.i18n import using_locale
from tests.factories import add_account, add_contest

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "a long enough password"


def link(token: str) -> str:
    return f"http://site/x/{token}"


async def choose(db: Database, user_id: int, locale: str | None) -> None:
    await languages.save_locale(db, user_id, locale)


async def last_mail(db: Database) -> dict[str, str]:
    row = await db.fetch_one(
        "SELECT recipient, subject, body, locale FROM outbox ORDER BY id DESC LIMIT 1"
    )
    assert row is not None
    return dict(row)


async def test_a_reset_link_is_written_in_the_accounts_saved_language(
    db: Database, passwords: Passwords
) -> None:
    pat = await add_account(db, passwords, email="pat@uni.edu", now=NOW)
    await choose(db, pat.id, "zh_Hans")
    await recovery.request_reset(
        db, email="pat@uni.edu", address="198.51.100.1", link_for=link, now=NOW
    )
    mail = await last_mail(db)
    assert mail["locale"] == "zh_Hans"
    assert mail["subject"] == "重置密码"
    assert "有人请求重置你的摄影比赛账户密码" in mail["body"] and "http://site/x/" in mail["body"]


async def test_without_a_saved_language_a_reset_follows_the_page_it_was_asked_on(
    db: Database, passwords: Passwords
) -> None:
    await add_account(db, passwords, email="pat@uni.edu", now=NOW)
    with using_locale("zh_Hant"):
        await recovery.request_reset(
            db, email="pat@uni.edu", address="198.51.100.1", link_for=link, now=NOW
        )
    mail = await last_mail(db)
    assert (mail["locale"], mail["subject"]) == ("zh_Hant", "重設密碼")
    await recovery.request_reset(
        db, email="pat@uni.edu", address="198.51.100.1", link_for=link, now=NOW
    )
    english = await last_mail(db)
    assert (english["locale"], english["subject"]) == ("en", "Reset your password")


async def test_an_invitation_is_written_in_the_language_the_organizer_chose(
    db: Database, passwords: Passwords
) -> None:
    contest = await add_contest(db, "submissions", now=NOW, title="Night Lights")
    olivia = await add_account(db, passwords, email="org@uni.edu", name="Olivia", role="organizer")
    await invitations.invite(
        db,
        email="judge@uni.edu",
        role="judge",
        contest_id=contest.id,
        invited_by=olivia,
        link_for=link,
        now=NOW,
        locale="zh_Hant",
    )
    mail = await last_mail(db)
    assert mail["locale"] == "zh_Hant"
    assert mail["subject"] == "邀請你擔任「Night Lights」評審"
    assert "Olivia 邀請你在攝影比賽網站擔任「Night Lights」的評審。" in mail["body"]
    assert "2026年3月9日 09:00（UTC）" in mail["body"]


async def test_an_invitation_without_a_choice_uses_the_sites_default_language(
    db: Database, passwords: Passwords
) -> None:
    await site_settings.put(db, {site_settings.LOCALE: "zh_Hans"})
    olivia = await add_account(db, passwords, email="org@uni.edu", name="Olivia", role="organizer")
    await invitations.invite(
        db,
        email="boss@uni.edu",
        role="organizer",
        contest_id=None,
        invited_by=olivia,
        link_for=link,
        now=NOW,
    )
    mail = await last_mail(db)
    assert (mail["locale"], mail["subject"]) == ("zh_Hans", "你的邀请")
    assert "Olivia 邀请你以主办方身份加入摄影比赛网站。" in mail["body"]


async def test_a_bulk_list_invites_in_the_chosen_language_and_tells_accounts_in_theirs(
    db: Database, passwords: Passwords
) -> None:
    contest = await add_contest(db, "submissions", now=NOW, title="Day & Night")
    olivia = await add_account(db, passwords, email="org@uni.edu", name="Olivia", role="organizer")
    reader = await add_account(db, passwords, email="reader@uni.edu", role="participant")
    await choose(db, reader.id, "zh_Hans")
    await bulk_invitations.send_invitations(
        db,
        "email,name\nnew@uni.edu,Nia New\nreader@uni.edu,\n",
        role="judge",
        contest_id=contest.id,
        invited_by=olivia,
        link_for=link,
        now=NOW,
        locale="zh_Hant",
    )
    rows = await db.fetch_all("SELECT recipient, subject, body, locale FROM outbox ORDER BY id")
    mails = {row["recipient"]: row for row in rows}
    assert mails["new@uni.edu"]["locale"] == "zh_Hant"
    assert mails["new@uni.edu"]["subject"] == "邀請你擔任「Day & Night」評審"
    assert mails["reader@uni.edu"]["locale"] == "zh_Hans"
    assert mails["reader@uni.edu"]["subject"] == "你已成为“Day & Night”的评审"
    assert "你的账户现已成为评审账户" in mails["reader@uni.edu"]["body"]


async def test_a_lockout_notice_is_written_in_the_owners_language(
    db: Database, passwords: Passwords
) -> None:
    owner = await add_account(
        db, passwords, email="org@uni.edu", role="organizer", password=PASSWORD, now=NOW
    )
    await choose(db, owner.id, "zh_Hant")
    for _ in range(SIGN_IN_LIMITS.per_account + 1):
        with contextlib.suppress(RateLimited, ContestError):
            await users.authenticate(
                db,
                passwords,
                email="org@uni.edu",
                password="wrong guess!",
                address="203.0.113.9",
                now=NOW,
                secret="test-secret",
            )
    mail = await last_mail(db)
    assert (mail["recipient"], mail["locale"]) == ("org@uni.edu", "zh_Hant")
    assert mail["subject"] == "有人嘗試登入你的帳戶"
    assert f"連續 {SIGN_IN_LIMITS.per_account} 次輸入錯誤密碼" in mail["body"]
    assert "你平常使用的瀏覽器" in mail["body"] and "Someone" not in mail["body"]


async def test_a_sign_up_with_a_taken_address_tells_its_owner_in_their_language(
    db: Database, passwords: Passwords
) -> None:
    owner = await add_account(db, passwords, email="pat@uni.edu", now=NOW)
    await choose(db, owner.id, "zh_Hans")
    fields = {
        "email": "pat@uni.edu",
        "display_name": "Someone",
        "password": PASSWORD,
        "affiliation": "student",
    }
    made = await users.sign_up(
        db,
        passwords,
        fields=fields,
        address="198.51.100.1",
        secret="s",
        confirm_link_for=link,
        now=NOW,
    )
    assert made is None
    mail = await last_mail(db)
    assert (mail["locale"], mail["subject"]) == ("zh_Hans", "有人尝试用你的邮箱注册")


async def test_a_new_sign_up_keeps_the_language_it_was_made_in_and_is_mailed_in_it(
    db: Database, passwords: Passwords
) -> None:
    fields = {
        "email": "ann@uni.edu",
        "display_name": "Ann",
        "password": PASSWORD,
        "affiliation": "student",
    }
    with using_locale("zh_Hant"):
        user_id = await users.sign_up(
            db,
            passwords,
            fields=fields,
            address="198.51.100.1",
            secret="s",
            confirm_link_for=link,
            now=NOW,
        )
    assert user_id is not None
    assert await languages.saved_locale(db, user_id) == "zh_Hant"
    mail = await last_mail(db)
    assert (mail["locale"], mail["subject"]) == ("zh_Hant", "確認你的電郵地址")
    assert "你在攝影比賽的讚好才會計算在內" in mail["body"]
