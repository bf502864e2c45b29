"""The organizer's pages for people, departments, bulk invitations and site settings speak
繁體中文 to a Hong Kong browser and 简体中文 to a mainland one, and a bulk list is mailed in
the language the organizer picks."""
# ruff: noqa: RUF001 -- Chinese pages use full-width punctuation

from __future__ import annotations

import html
import re
from typing import Any

from tests.conftest import Site

HONG_KONG = "zh-HK,zh;q=0.9,en;q=0.8"
MAINLAND = "zh-CN,zh;q=0.9"


def speak(site: Site, accept_language: str) -> None:
    site.client.headers["Accept-Language"] = accept_language


def submit(site: Site, page: str, **data: str) -> Any:
    """Post the list form as a browser would (multipart, with the page's token)."""
    fields = {"action": "preview", "addresses": ""} | data
    fields["csrf_token"] = site.csrf(page)
    files = {"file": ("people.csv", b"", "text/csv")}
    return site.client.post(page, data=fields, files=files, follow_redirects=False)


def test_the_people_page_speaks_traditional_chinese(site: Site) -> None:
    site.sign_in_as("organizer", "org@uni.edu")
    speak(site, HONG_KONG)
    page = site.client.get("/manage/people").text
    assert "<title>人員 · 攝影比賽</title>" in page
    assert "主辦單位及評審（1）" in page and "主辦單位（你）" in page
    assert "尚未有人提交相片。" in page
    for english in ("Organizers and judges", "Nobody has entered", "(you)"):
        assert english not in page


def test_the_settings_page_and_its_errors_speak_simplified_chinese(site: Site) -> None:
    site.sign_in_as("organizer", "org@uni.edu")
    speak(site, MAINLAND)
    page = site.client.get("/manage/settings").text
    assert "谁可以注册" in page and "默认语言" in page and "上传标志" in page
    assert 'value="摄影比赛"' in page  # the default name, as the library has given none
    brand = {"brand_accent": "#1f5fbf", "brand_header": "#16213e", "brand_contact": ""}
    kept = site.post("/manage/settings", {"brand_name": "摄影比赛", **brand})
    assert kept.status_code == 200
    assert site.value("SELECT value FROM settings WHERE key = 'brand_name'") == ""
    speak(site, HONG_KONG)
    assert "<title>攝影比賽</title>" in site.client.get("/").text
    speak(site, MAINLAND)
    refused = site.post(
        "/manage/settings",
        {"brand_name": "Library", "brand_accent": "#ffff00", "brand_header": "#16213e"},
    )
    assert refused.status_code == 400
    assert "主题色 #ffff00 与白色文字及浅色背景的对比度只有" in refused.text
    assert "The accent colour" not in refused.text


def test_the_departments_page_speaks_traditional_chinese_with_its_notices(site: Site) -> None:
    site.sign_in_as("organizer", "org@uni.edu")
    speak(site, HONG_KONG)
    page = site.client.get("/manage/departments").text
    assert "新增學系／部門" in page and "匯入 CSV 檔案" in page
    refused = site.post("/manage/departments", {"code": "", "name": "Library"})
    assert refused.status_code == 400 and "請為學系／部門填寫簡短代碼，例如 CIVL。" in refused.text
    added = site.post("/manage/departments", {"code": "LIB", "name": "Library"})
    assert added.status_code == 200 and "已新增學系／部門。" in added.text


def test_a_bulk_list_previews_in_chinese_and_is_mailed_in_the_language_picked(
    site: Site,
) -> None:
    site.sign_in_as("organizer", "org@uni.edu")
    speak(site, HONG_KONG)
    page = "/manage/people/invite"
    assert "以清單邀請參加者" in site.client.get(page).text
    preview = submit(site, page, addresses="Ana Ng, ana@uni.edu\nbroken@\n")
    assert preview.status_code == 200
    assert "<strong>1</strong> 行有問題" in preview.text
    good = submit(site, page, addresses="Ana Ng, ana@uni.edu\n")
    assert "發送給 1 人" in good.text and 'name="mail_locale"' in good.text
    assert '<option value="en" lang="en" selected>' in good.text  # the site's default
    listed = re.search(r'name="list_text" value="([^"]*)"', good.text)
    assert listed is not None
    sent = submit(
        site, page, action="send", list_text=html.unescape(listed.group(1)), mail_locale="zh_Hans"
    )
    assert sent.status_code == 303
    mail = site.rows("SELECT subject, locale FROM outbox WHERE recipient = 'ana@uni.edu'")
    assert mail == [{"subject": "摄影比赛邀请", "locale": "zh_Hans"}]
