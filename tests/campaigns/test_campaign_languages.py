"""Campaign mail in its readers' languages: a main version and one in the other language, each
recipient's language from their account or their list row, and the fallback to the main one."""
# ruff: noqa: RUF001 -- Chinese text uses full-width commas and colons

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from contest.accounts import users
from contest.accounts.languages import save_locale
from contest.campaigns import drafts, unsubscribes
from contest.campaigns import log as campaign_log
from contest.campaigns import send as campaign_send
from contest.campaigns.drafts import values_for
from contest.campaigns.lists import Recipient, language_of, parse_list
from contest.campaigns.text import DEFAULTS, check_message, default_text, fill, other_language
from contest.contests.model import Contest
from contest.core.db import Database
from contest.core.errors import ValidationError
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.i18n import using_locale
from tests.factories import (
    START,
    add_account,
    add_contest,
    add_entry,
    contest_settings,
    schedule_for,
)

NOW = START
VOTING = schedule_for("submissions", NOW).voting_open + timedelta(days=1)
LINK = "http://site/contests/day"
CHINESE_SUBJECT = "參加「{contest}」"
CHINESE_BODY = "{name}，你好：\n\n歡迎參加攝影比賽：{link}\n"
LIST = (
    "email,name,language\n"
    "ann@uni.edu,Ann,en\n"
    "li@uni.edu,李明,zh-HK\n"
    "wang@uni.edu,,zh-CN\n"
    "nobody@uni.edu,Nora,\n"
    "kai@uni.edu,Kai,en\n"
)


async def organizer(db: Database, passwords: Passwords) -> users.User:
    return await add_account(
        db, passwords, email="org@uni.edu", name="Olivia", role="organizer", now=NOW
    )


async def bilingual_campaign(
    db: Database,
    contest: Contest,
    author: users.User,
    text: str = LIST,
    *,
    locale: str = "en",
    subject: str = "",
    body: str = "",
    other_subject: str = CHINESE_SUBJECT,
    other_body: str = CHINESE_BODY,
    kind: str = "invite",
) -> drafts.Campaign:
    default_subject, default_body = DEFAULTS["invite"]
    campaign_id = await drafts.create_campaign(
        db,
        contest_id=contest.id,
        kind=kind,
        subject=subject or default_subject,
        body=body or default_body,
        listing=await drafts.prepare_list(db, text),
        author_id=author.id,
        now=NOW,
        locale=locale,
        other_subject=other_subject,
        other_body=other_body,
    )
    return await drafts.get_campaign(db, contest.id, campaign_id)


async def choose_language(db: Database, user: users.User, locale: str) -> None:
    """The account's own choice of language, saved as the account page saves it."""
    await save_locale(db, user.id, locale)


async def send(
    db: Database,
    campaign: drafts.Campaign,
    contest: Contest,
    me: users.User,
    now: datetime = NOW,
) -> None:
    await campaign_send.send(
        db,
        campaign,
        contest=contest,
        actor=me,
        link=LINK,
        unsubscribe_link_for=lambda token: f"http://site/unsubscribe/{token}",
        now=now,
    )


async def mails(db: Database) -> dict[str, tuple[str, str, str]]:
    """Each queued message by recipient: (its language, subject, body)."""
    rows = await db.fetch_all("SELECT recipient, locale, subject, body FROM outbox ORDER BY id")
    return {row["recipient"]: (row["locale"], row["subject"], row["body"]) for row in rows}


@pytest.mark.anyio
async def test_each_recipient_reads_the_version_of_their_language(
    db: Database, passwords: Passwords
) -> None:
    me = await organizer(db, passwords)
    contest = await add_contest(db, "submissions", now=NOW, title="Light")
    # Kai's list row says English, but Kai's own account chose Traditional Chinese: it wins.
    kai = await add_account(db, passwords, email="kai@uni.edu", name="Kai", now=NOW)
    await choose_language(db, kai, "zh_Hant")
    campaign = await bilingual_campaign(db, contest, me)
    await send(db, campaign, contest, me)
    queued = await mails(db)
    assert {to: locale for to, (locale, _, _) in queued.items()} == {
        "ann@uni.edu": "en",
        "li@uni.edu": "zh_Hant",
        "wang@uni.edu": "zh_Hans",
        "nobody@uni.edu": "en",  # no language given: the campaign's main one
        "kai@uni.edu": "zh_Hant",
    }
    assert queued["ann@uni.edu"][1] == "Take part in Light"
    assert queued["ann@uni.edu"][2].startswith("Hello Ann,")
    assert (
        "To receive no more of these messages, open: http://site/unsubscribe/"
        in (queued["ann@uni.edu"][2])
    )
    _, subject, body = queued["li@uni.edu"]
    assert subject == "參加「Light」" and body.startswith("李明，你好：")
    assert "如不想再收到這類郵件，請開啟：http://site/unsubscribe/" in body  # Traditional footer
    _, subject, body = queued["wang@uni.edu"]
    assert subject == "參加「Light」"  # one Chinese version serves both scripts
    assert body.startswith("朋友，你好：")  # no name on the list: the Chinese word for "there"
    assert "如不想再收到这类邮件，请打开：" in body and "You receive" not in body
    rows = await db.fetch_all("SELECT mailbox, locale FROM campaign_recipients ORDER BY id")
    assert [row["locale"] for row in rows] == ["en", "zh_Hant", "zh_Hans", None, "en"]


@pytest.mark.anyio
async def test_without_a_version_in_their_language_readers_get_the_main_one(
    db: Database, passwords: Passwords
) -> None:
    me = await organizer(db, passwords)
    contest = await add_contest(db, "submissions", now=NOW, title="Light")
    campaign = await bilingual_campaign(db, contest, me, other_subject="", other_body="")
    assert (campaign.other_subject, campaign.other_body) == ("", "")
    await send(db, campaign, contest, me)
    locale, subject, body = (await mails(db))["li@uni.edu"]
    assert (locale, subject) == ("en", "Take part in Light")
    assert body.startswith("Hello 李明,") and "You receive this message" in body


@pytest.mark.anyio
async def test_a_chinese_campaign_may_carry_an_english_version(
    db: Database, passwords: Passwords
) -> None:
    me = await organizer(db, passwords)
    contest = await add_contest(db, "submissions", now=NOW, title="Light")
    campaign = await bilingual_campaign(
        db,
        contest,
        me,
        locale="zh_Hant",
        subject=CHINESE_SUBJECT,
        body=CHINESE_BODY,
        other_subject="Join {contest}",
        other_body="Hi {name}: {link}",
    )
    await send(db, campaign, contest, me)
    queued = await mails(db)
    assert queued["ann@uni.edu"][:2] == ("en", "Join Light")
    assert queued["nobody@uni.edu"][:2] == ("zh_Hant", "參加「Light」")  # main: Chinese
    locale, _, body = queued["wang@uni.edu"]
    assert locale == "zh_Hans" and "请打开" in body  # the Chinese main version, own script


def test_a_list_names_languages_by_tag_or_by_name_and_a_bad_one_is_a_bad_row() -> None:
    for written, locale in [
        ("en", "en"),
        ("en-GB", "en"),
        ("English", "en"),
        ("zh-HK", "zh_Hant"),
        ("zh-Hant", "zh_Hant"),
        ("zh_TW", "zh_Hant"),
        ("繁體中文", "zh_Hant"),
        ("zh-CN", "zh_Hans"),
        ("zh-Hans", "zh_Hans"),
        ("简体中文", "zh_Hans"),
        ("中文", "zh_Hans"),  # Chinese without a script reads as a bare ``zh`` tag does
    ]:
        assert language_of(written) == locale, written
    for bad in ("fr", "klingon", "日本語", "xx-YY"):
        assert language_of(bad) is None, bad
    listing = parse_list("email;lang\na@uni.edu;zh-HK\nb@uni.edu;fr\nc@uni.edu;\n")
    assert [(r.email, r.locale) for r in listing.recipients] == [
        ("a@uni.edu", "zh_Hant"),
        ("c@uni.edu", None),
    ]
    assert [(p.line, p.reason) for p in listing.problems] == [
        (3, "unknown language “fr”: write en, zh-HK or zh-CN")
    ]


@pytest.mark.anyio
async def test_bad_rows_are_kept_with_their_reason_shown_in_the_reader_s_language(
    db: Database, passwords: Passwords
) -> None:
    me = await organizer(db, passwords)
    contest = await add_contest(db, "submissions", now=NOW)
    text = "email,language\nok@uni.edu,en\nbad@uni.edu,klingon\nok@uni.edu,en\nnot-an-address,en\n"
    campaign = await bilingual_campaign(db, contest, me, text)
    problems = await campaign_log.problems(db, campaign.id)
    assert [p["reason"] for p in problems] == [
        "unknown language “klingon”: write en, zh-HK or zh-CN",
        "duplicate of line 2",
        "not a valid email address",
    ]
    with using_locale("zh_Hant"):
        assert [str(p["reason"]) for p in problems] == [
            "無法識別的語言「klingon」：請填寫 en、zh-HK 或 zh-CN",
            "與第 2 行重複",
            "電郵地址無效",
        ]
    stored = await db.fetch_value("SELECT reason FROM campaign_problems ORDER BY id LIMIT 1")
    assert stored == "unknown language “klingon”: write en, zh-HK or zh-CN"  # English kept


@pytest.mark.anyio
async def test_the_other_version_is_checked_as_the_main_one(
    db: Database, passwords: Passwords
) -> None:
    me = await organizer(db, passwords)
    contest = await add_contest(db, "submissions", now=NOW)
    with pytest.raises(ValidationError) as caught:
        await bilingual_campaign(db, contest, me, other_subject="參加 {contst}", other_body="")
    assert set(caught.value.errors) == {"other_subject", "other_body"}
    assert str(caught.value.errors["other_subject"]).startswith("Unknown placeholder {contst}")
    with using_locale("zh_Hans"):
        assert str(caught.value.errors["other_body"]) == "请填写邮件内容。"
    campaign = await bilingual_campaign(db, contest, me)
    await drafts.update_message(
        db,
        campaign,
        subject="News of {contest}",
        body="Hi {name}",
        other_subject="",
        other_body="",
        now=NOW,
    )
    changed = await drafts.get_campaign(db, contest.id, campaign.id)
    assert (changed.subject, changed.other_subject, changed.other_body) == (
        "News of {contest}",
        "",
        "",
    )


@pytest.mark.anyio
async def test_the_preview_has_one_sample_per_language_with_how_many_read_it(
    db: Database, passwords: Passwords
) -> None:
    me = await organizer(db, passwords)
    contest = await add_contest(db, "submissions", now=NOW, title="Light")
    campaign = await bilingual_campaign(db, contest, me)
    shown = await drafts.preview(
        db, campaign, contest=contest, link=LINK, unsubscribe_link="(personal-link)"
    )
    assert shown.pending == 5
    assert [(s.locale, s.to, s.count) for s in shown.samples] == [
        ("en", "ann@uni.edu", 3),  # Ann and Kai (English), Nora (no language: the main one)
        ("zh_Hant", "li@uni.edu", 1),
        ("zh_Hans", "wang@uni.edu", 1),
    ]
    assert shown.samples[1].subject == "參加「Light」"
    assert shown.samples[2].body.startswith("朋友，你好：")


@pytest.mark.anyio
async def test_a_test_sends_the_organizer_one_message_per_language(
    db: Database, passwords: Passwords
) -> None:
    me = await organizer(db, passwords)
    contest = await add_contest(db, "submissions", now=NOW, title="Light")
    campaign = await bilingual_campaign(db, contest, me)
    await campaign_send.send_test(
        db,
        campaign,
        contest=contest,
        actor=me,
        link=LINK,
        unsubscribe_link_for=lambda token: f"http://site/unsubscribe/{token}",
        now=NOW,
    )
    rows = await db.fetch_all("SELECT recipient, locale, subject FROM outbox ORDER BY id")
    assert [(r["recipient"], r["locale"], r["subject"]) for r in rows] == [
        ("org@uni.edu", "en", "[Test] Take part in Light"),
        ("org@uni.edu", "zh_Hant", "[測試] 參加「Light」"),
        ("org@uni.edu", "zh_Hans", "[测试] 參加「Light」"),
    ]
    logged = await db.fetch_value("SELECT queued FROM campaign_sends WHERE is_test = 1")
    assert logged == 3


@pytest.mark.anyio
async def test_participants_are_written_to_in_the_language_of_their_account(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    me = await organizer(db, passwords)
    contest = await add_contest(db, "submissions", now=NOW, title="Light")
    mei = await add_account(db, passwords, email="mei@uni.edu", name="Mei", now=NOW)
    await choose_language(db, mei, "zh_Hans")
    await add_entry(
        db, storage, contest, mei, title="Stacks at dawn", status="approved", moderator=me
    )
    campaign = await bilingual_campaign(db, contest, me, "ann@uni.edu", kind="voting")
    waiting = await drafts.pending(db, campaign)
    assert {locale: n for locale, (_, n) in waiting.by_reader_locale.items()} == {
        None: 1,
        "zh_Hans": 1,
    }
    await send(db, campaign, contest, me, now=VOTING)
    queued = await mails(db)
    assert queued["mei@uni.edu"][0] == "zh_Hans" and queued["ann@uni.edu"][0] == "en"
    assert queued["mei@uni.edu"][2].startswith("Mei，你好：")


@pytest.mark.anyio
async def test_the_unsubscribe_link_knows_the_language_of_its_message(
    db: Database, passwords: Passwords
) -> None:
    me = await organizer(db, passwords)
    contest = await add_contest(db, "submissions", now=NOW)
    campaign = await bilingual_campaign(db, contest, me)
    tokens: dict[str, str] = {}

    def link_for(token: str) -> str:
        tokens[token] = token
        return f"http://site/unsubscribe/{token}"

    await campaign_send.send(
        db, campaign, contest=contest, actor=me, link=LINK, unsubscribe_link_for=link_for, now=NOW
    )
    locales = [(await unsubscribes.open_link(db, token))["locale"] for token in tokens]
    assert locales == ["en", "zh_Hant", "zh_Hans", "en", "en"]


@pytest.mark.parametrize("locale", ["zh_Hant", "zh_Hans"])
@pytest.mark.parametrize("kind", sorted(DEFAULTS))
def test_every_default_text_comes_in_chinese_and_passes_its_own_check(
    kind: str, locale: str
) -> None:
    subject, body = default_text(kind, locale)
    english_subject, english_body = DEFAULTS[kind]
    assert subject != english_subject and body != english_body
    assert check_message(subject, body) == (subject, body)
    assert "{link}" in body and "{contest}" in subject


def test_the_second_version_is_chinese_next_to_english_and_english_next_to_chinese() -> None:
    assert other_language("en", "en") == "zh_Hant"
    assert other_language("en", "zh_Hans") == "zh_Hans"
    assert other_language("zh_Hant", "zh_Hant") == "en"


def test_a_chinese_voting_message_says_what_wins_people_s_choice_in_chinese() -> None:
    here = Contest(1, "light", contest_settings("voting"), START)
    outside = contest_settings(
        "voting", peoples_choice_basis="external", external_network="Instagram"
    )
    elsewhere = Contest(2, "light-2", outside, START)
    pat = Recipient(1, "pat@uni.edu", "pat@uni.edu", "")
    _, body = default_text("voting", "zh_Hans")
    with using_locale("zh_Hans"):
        assert "最受欢迎奖将颁给获得最多点赞的照片" in fill(body, values_for(here, LINK, pat))
        outside_text = fill(body, values_for(elsewhere, LINK, pat))
        assert "颁给在 Instagram 上获得最多点赞的照片" in outside_text
        assert fill(body, values_for(here, LINK, pat)).startswith("朋友，你好：")
