"""Campaign mail in Chinese: the organizer's screens speak 繁體中文 to a Hong Kong browser, a new
campaign starts from texts in the organizer's language with a version in the other one, each
recipient is mailed in their language, and the unsubscribe page speaks the reader's."""
# ruff: noqa: RUF001 -- Chinese pages use full-width punctuation

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from contest.campaigns.text import DEFAULTS
from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import add_contest

HONG_KONG = "zh-HK,zh;q=0.9,en;q=0.8"
UNSUBSCRIBE = re.compile(r"http://testserver/unsubscribe/([\w-]+)")
LIST = "email,name,language\nann@uni.edu,Ann,en\nli@uni.edu,李明,zh-HK\nwang@uni.edu,王芳,zh-CN\n"
CHINESE_SUBJECT = "參加「{contest}」"
CHINESE_BODY = "{name}，你好：\n\n{link}\n"


@pytest.fixture
def contest_id(site: Site) -> int:
    """A published contest taking submissions, and its organizer signed in."""
    contest = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock(), title="Light")
    site.sign_in_as("organizer")
    return contest.id


def speak(site: Site, accept_language: str) -> None:
    site.client.headers["Accept-Language"] = accept_language


def create(site: Site, contest_id: int, **fields: str) -> Any:
    """Post the new-campaign form with the English defaults, a Chinese version and the list."""
    page = f"/manage/contests/{contest_id}/campaigns/new"
    subject, body = DEFAULTS["invite"]
    data = {
        "kind": "invite",
        "locale": "en",
        "subject": subject,
        "body": body,
        "other_subject": CHINESE_SUBJECT,
        "other_body": CHINESE_BODY,
        "addresses": LIST,
        "csrf_token": site.csrf(page),
    } | fields
    return site.client.post(page, data=data, follow_redirects=False)


def campaign_page(site: Site, contest_id: int) -> str:
    return f"/manage/contests/{contest_id}/campaigns/{site.value('SELECT max(id) FROM campaigns')}"


def assert_no_english(page: str, *english: str) -> None:
    for words in english:
        assert words not in page, words


def test_a_new_campaign_starts_in_the_organizer_s_language_with_english_beside_it(
    site: Site, contest_id: int
) -> None:
    speak(site, HONG_KONG)
    page = site.client.get(f"/manage/contests/{contest_id}/campaigns/new").text
    assert '<html lang="zh-Hant">' in page
    assert "關於「Light」的新郵件" in page and ">主要語言</label>" in page
    assert '<option value="zh_Hant" selected>繁體中文</option>' in page
    assert 'value="參加「{contest}」"' in page  # the main version: Chinese
    assert "{name}，你好：" in page
    assert ">英文版本（選填）</legend>" in page
    assert 'value="Take part in {contest}"' in page  # the second version: English
    assert_no_english(
        page, ">Subject<", ">Message<", "Main language", "Plain text. Placeholders", ">Preview<"
    )
    speak(site, "en")
    english = site.client.get(f"/manage/contests/{contest_id}/campaigns/new").text
    assert 'value="Take part in {contest}"' in english and ">Chinese version (optional)<" in english
    assert 'value="參加「{contest}」"' in english  # Traditional beside English


def test_each_recipient_is_mailed_in_their_language_and_the_outbox_says_which(
    site: Site, contest_id: int
) -> None:
    response = create(site, contest_id)
    assert response.status_code == 303, response.text
    page = campaign_page(site, contest_id)
    speak(site, HONG_KONG)
    preview = site.client.get(page).text
    assert "主要語言：English。" in preview
    assert "English 1 封、繁體中文 1 封、简体中文 1 封" in preview
    assert "收件人：li@uni.edu，繁體中文" in preview and "李明，你好：" in preview
    assert "寄給 3 位收件人" in preview
    site.post(page + "/send", {}, form_page=page)
    rows = site.rows("SELECT recipient, locale, subject, body FROM outbox ORDER BY id")
    assert [(r["recipient"], r["locale"], r["subject"]) for r in rows] == [
        ("ann@uni.edu", "en", "Take part in Light"),
        ("li@uni.edu", "zh_Hant", "參加「Light」"),
        ("wang@uni.edu", "zh_Hans", "參加「Light」"),
    ]
    assert "請開啟" in rows[1]["body"] and "请打开" in rows[2]["body"]
    download = site.client.get(page + "/messages.csv").text
    merged = list(csv.DictReader(io.StringIO(download)))
    assert [(m["email"], m["language"]) for m in merged] == [
        ("ann@uni.edu", "en"),
        ("li@uni.edu", "zh_Hant"),
        ("wang@uni.edu", "zh_Hans"),
    ]
    outbox = site.client.get("/manage/outbox").text
    assert "收件人：li@uni.edu · 繁體中文 · " in outbox
    assert "收件人：ann@uni.edu · English · " in outbox
    assert_no_english(outbox, "Times are in", "queued", ">Outbox<", "waiting</p>")
    speak(site, "en")
    assert "To wang@uni.edu · in 简体中文 · queued" in site.client.get("/manage/outbox").text


def test_a_bad_language_in_the_list_is_a_bad_row_shown_in_chinese(
    site: Site, contest_id: int
) -> None:
    speak(site, HONG_KONG)
    create(site, contest_id, addresses="email,language\nok@uni.edu,en\nbad@uni.edu,klingon\n")
    page = site.client.get(campaign_page(site, contest_id)).text
    assert "問題行（1）" in page
    assert "<td>3</td><td>bad@uni.edu,klingon</td>" in page
    assert "無法識別的語言「klingon」：請填寫 en、zh-HK 或 zh-CN" in page
    assert "unknown language" not in page


def test_the_campaign_screens_speak_traditional_chinese_to_a_hong_kong_browser(
    site: Site, contest_id: int
) -> None:
    create(site, contest_id)
    page = campaign_page(site, contest_id)
    speak(site, HONG_KONG)
    shown = site.client.get(page).text
    for chinese in (
        "預覽",
        "寄出",
        "問題行（0）",
        "收件人",
        "修改郵件",
        "加入地址",
        "刪除此郵件活動",
    ):
        assert chinese in shown, chinese
    assert ">中文版本（選填）</legend>" in shown
    assert_no_english(
        shown,
        ">Preview<",
        ">Send<",
        "Bad rows",
        ">Recipients<",
        "Change the message",
        "Add addresses",
        "Delete this campaign",
        "No SMTP configured",
        "Send a test to me",
        "not sent yet",
        "Nothing sent yet",
    )
    site.post(page + "/test", {}, form_page=page)
    site.post(page + "/send", {}, form_page=page)
    after = site.client.get(page).text
    assert "在寄件匣等候：3" in after and "測試郵件寄至 organizer@uni.edu" in after
    assert_no_english(after, "waiting in the outbox", "Send log", "Test to", "Download the")
    listing = site.client.get(f"/manage/contests/{contest_id}/campaigns").text
    assert "關於「Light」的郵件" in listing and "English + 中文" in listing
    assert_no_english(listing, "Invite people", "Announce voting", "Written by", "Campaigns")
    tests = site.rows("SELECT locale, subject FROM outbox WHERE recipient = 'organizer@uni.edu'")
    assert [(t["locale"], t["subject"]) for t in tests] == [
        ("en", "[Test] Take part in Light"),
        ("zh_Hant", "[測試] 參加「Light」"),
        ("zh_Hans", "[测试] 參加「Light」"),
    ]


def test_the_unsubscribe_page_speaks_the_language_of_the_reader_s_mail(
    site: Site, contest_id: int
) -> None:
    create(site, contest_id)
    page = campaign_page(site, contest_id)
    site.post(page + "/send", {}, form_page=page)
    bodies = {r["recipient"]: r["body"] for r in site.rows("SELECT recipient, body FROM outbox")}
    site.client.cookies.clear()  # the reader is not signed in, and their browser says nothing
    li = UNSUBSCRIBE.findall(bodies["li@uni.edu"])[0]
    shown = site.client.get(f"/unsubscribe/{li}").text
    assert '<html lang="zh-Hant">' in shown
    assert "停止向 l**@uni.edu 寄送比賽通告及邀請？" in shown and "Stop sending" not in shown
    wang = UNSUBSCRIBE.findall(bodies["wang@uni.edu"])[0]
    one_click = site.client.post(f"/unsubscribe/{wang}", data={"List-Unsubscribe": "One-Click"})
    assert one_click.text == "已退订。\n"
    ann = UNSUBSCRIBE.findall(bodies["ann@uni.edu"])[0]
    speak(site, HONG_KONG)  # a browser in Chinese, but Ann's mail was English
    assert "Stop sending contest announcements" in site.client.get(f"/unsubscribe/{ann}").text
    site.client.cookies.set("contest_language", "zh_Hant")  # her own choice on the site wins
    assert "停止向 a**@uni.edu" in site.client.get(f"/unsubscribe/{ann}").text


def test_the_chinese_version_is_changed_with_the_message_and_checked_the_same_way(
    site: Site, contest_id: int
) -> None:
    create(site, contest_id)
    page = campaign_page(site, contest_id)
    subject, body = DEFAULTS["invite"]
    speak(site, HONG_KONG)
    refused = site.post(
        page + "/message",
        {"subject": subject, "body": body, "other_subject": "{contst}", "other_body": "x"},
        form_page=page,
    )
    assert refused.status_code == 400 and "無法識別的佔位符 {contst}" in refused.text
    site.post(
        page + "/message",
        {"subject": subject, "body": body, "other_subject": "新消息", "other_body": "{link}"},
        form_page=page,
    )
    site.post(page + "/message", {"subject": subject, "body": body}, form_page=page)
    stored = site.rows("SELECT other_subject, other_body FROM campaigns")
    assert stored == [{"other_subject": "新消息", "other_body": "{link}\n"}]  # kept when absent
