"""Mail about an entry reaches its author in the author's language (their saved choice, else the
language of the page they entered from, else the site's); a voting link reaches a voter in the
language of the page that asked for it. The outbox keeps each message's language."""
# ruff: noqa: RUF001 -- Chinese mail uses full-width punctuation

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from contest.accounts import site_settings
from contest.accounts.users import User
from contest.contests.phases import Phase
from contest.core.clock import zone
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.entries import moderation, replies
from contest.i18n import using_locale
from tests.factories import START, add_account, add_contest, add_entry, add_voting_link_request

pytestmark = pytest.mark.anyio
NOW = START


async def speaks(db: Database, user: User, locale: str | None) -> None:
    """The account saved that language (None: it chose none)."""
    async with db.transaction() as tx:
        await tx.execute("UPDATE users SET locale = ? WHERE id = ?", (locale, user.id))


async def mail(db: Database, subject_like: str) -> list[dict[str, Any]]:
    rows = await db.fetch_all(
        "SELECT recipient, subject, body, locale FROM outbox WHERE subject LIKE ? ORDER BY id",
        (subject_like,),
    )
    return [dict(row) for row in rows]


async def test_an_approval_reaches_its_author_in_the_language_they_saved(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest = await add_contest(db, Phase.SUBMISSIONS)
    org = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    pat = await add_account(db, passwords, email="pat@uni.edu", name="Pat Lee")
    await speaks(db, pat, "zh_Hant")
    entry_id = await add_entry(db, storage, contest, pat, title="Lamplight", status="pending")

    changed = await moderation.moderate(
        db,
        contest=contest,
        entry_ids=[entry_id],
        action="approve",
        reason="",
        moderator=org,
        now=NOW,
    )

    assert changed == 1
    [notice] = await mail(db, "%Lamplight」已成功參賽")
    assert notice["locale"] == "zh_Hant"
    assert notice["subject"] == "你的相片「Lamplight」已成功參賽"
    assert notice["body"].startswith("Pat Lee，你好：\n\n好消息！你的相片「Lamplight」已通過審核")
    assert "Good news" not in notice["body"]


async def test_a_rejection_reaches_a_simplified_chinese_author_with_the_reason(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest = await add_contest(db, Phase.SUBMISSIONS)
    org = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    pat = await add_account(db, passwords, email="pat@uni.edu", name="Pat Lee")
    await speaks(db, pat, "zh_Hans")
    entry_id = await add_entry(db, storage, contest, pat, title="Lamplight", status="pending")

    await moderation.moderate(
        db,
        contest=contest,
        entry_ids=[entry_id],
        action="reject",
        reason="照片太暗",
        moderator=org,
        now=NOW,
    )

    [notice] = await mail(db, "%未被采用")
    assert notice["locale"] == "zh_Hans"
    assert notice["subject"] == "你的照片“Lamplight”未被采用"
    assert "主办方的说明：照片太暗" in notice["body"]
    assert "“我的作品”" in notice["body"]


async def test_an_author_who_chose_no_language_hears_in_the_sites_language(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest = await add_contest(db, Phase.SUBMISSIONS)
    org = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    pat = await add_account(db, passwords, email="pat@uni.edu")
    await speaks(db, pat, None)
    entry_id = await add_entry(db, storage, contest, pat, title="Lamplight", status="pending")
    await site_settings.put(db, {site_settings.LOCALE: "zh_Hans"})  # the organizers' choice

    await moderation.moderate(
        db,
        contest=contest,
        entry_ids=[entry_id],
        action="approve",
        reason="",
        moderator=org,
        now=NOW,
    )

    [notice] = await mail(db, "你的照片%")
    assert notice["locale"] == "zh_Hans"
    assert notice["subject"] == "你的照片“Lamplight”已成功参赛"


async def test_an_entry_is_acknowledged_in_the_language_of_the_page_it_came_from(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest = await add_contest(db, Phase.SUBMISSIONS)
    pat = await add_account(db, passwords, email="pat@uni.edu", name="Pat Lee")
    await speaks(db, pat, None)
    with using_locale("zh_Hans"):  # the entry form was read in Simplified Chinese
        await add_entry(db, storage, contest, pat, title="夜读", status="pending")
    ann = await add_account(db, passwords, email="ann@uni.edu", name="Ann Lee")
    await speaks(db, ann, "zh_Hant")  # a saved choice wins over the page's language
    await add_entry(db, storage, contest, ann, title="晨光", status="pending")

    [to_pat] = await mail(db, "%夜读%")
    assert to_pat["locale"] == "zh_Hans"
    assert to_pat["subject"] == "我们已收到你的照片“夜读”"
    assert "感谢你以“夜读”参加 Light at the Library。主办方会尽快审核" in to_pat["body"]
    [to_ann] = await mail(db, "%晨光%")
    assert to_ann["locale"] == "zh_Hant"
    assert to_ann["subject"] == "我們已收到你的相片「晨光」"


async def test_a_reply_and_its_invitation_to_vote_reach_the_author_in_their_language(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest = await add_contest(
        db, Phase.JUDGING_AND_VOTING, award_peoples_choice=True, timezone="Asia/Hong_Kong"
    )
    org = await add_account(db, passwords, email="org@uni.edu", name="Olga", role="organizer")
    pat = await add_account(db, passwords, email="pat@uni.edu", name="Pat Lee")
    await speaks(db, pat, "zh_Hant")
    entry_id = await add_entry(db, storage, contest, pat, title="Lamplight", moderator=org)
    link = f"http://testserver/entries/{entry_id}"

    reply_id = await replies.add_reply(
        db,
        entry_id=entry_id,
        author=org,
        body="光線很美！",
        entry_link=link,
        now=NOW,
        invitation=replies.friends_invitation(contest, link, now=NOW),  # an English page's
    )

    [reply] = await mail(db, "主辦單位回覆了%")
    assert reply["locale"] == "zh_Hant"
    assert reply["subject"] == "主辦單位回覆了「Lamplight」"
    assert reply["body"].startswith(
        "Pat Lee，你好：\n\nOlga 就你的相片「Lamplight」留言：\n\n光線很美！"
    )
    closes = contest.schedule.voting_close.astimezone(zone("Asia/Hong_Kong"))
    assert (
        f"最受歡迎獎投票進行中，至 {closes.year}年{closes.month}月{closes.day}日" in reply["body"]
    )
    assert reply["body"].endswith(f"按此查看：{link}\n")
    assert "People's Choice" not in reply["body"]

    await replies.edit_reply(
        db,
        entry_id=entry_id,
        reply_id=reply_id,
        author=org,
        body="光線真美！",
        now=NOW + timedelta(minutes=2),
    )
    [edited] = await mail(db, "主辦單位回覆了%")
    assert "光線真美！" in edited["body"] and "光線很美！" not in edited["body"]


async def test_a_voting_link_is_mailed_in_the_language_of_the_page_that_asked_for_it(
    db: Database,
) -> None:
    contest = await add_contest(db, Phase.JUDGING_AND_VOTING, voting_mode="email")
    with using_locale("zh_Hant"):
        await add_voting_link_request(db, contest, "fan@example.com")
    await add_voting_link_request(db, contest, "other@example.com")

    [chinese] = await mail(db, "你的%投票連結")
    assert chinese["locale"] == "zh_Hant"
    assert chinese["subject"] == "你的 Light at the Library 投票連結"
    assert "請開啟以下連結，為 Light at the Library 的相片讚好" in chinese["body"]
    [english] = await mail(db, "Your link to vote%")
    assert english["locale"] == "en"
    assert "Open this link to like photos in Light at the Library" in english["body"]
