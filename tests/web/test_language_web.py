"""The language a reader gets: the switch's cookie, else Accept-Language, else the site's
default; ``<html lang>`` says which, and the site frame and home page speak it."""

from __future__ import annotations

import re

import pytest

from contest.accounts import site_settings
from contest.contests.phases import Phase
from contest.web.language import LANGUAGE_COOKIE
from tests.conftest import Site
from tests.factories import add_contest


@pytest.fixture
def contest_running(site: Site) -> None:
    site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock(), title="Night reading")


def test_a_hong_kong_browser_gets_the_home_page_in_traditional_chinese(
    site: Site, contest_running: None
) -> None:
    page = site.client.get("/", headers={"Accept-Language": "zh-HK,zh;q=0.9,en;q=0.8"})
    assert page.status_code == 200
    assert '<html lang="zh-Hant">' in page.text
    assert "進行中的比賽" in page.text
    assert ">比賽</a>" in page.text
    assert ">登入</a>" in page.text and ">註冊</a>" in page.text
    assert re.search(r"截止收件\uff1a\d+月\d+日 \d\d:\d\d", page.text)
    assert "Now running" not in page.text and "Sign in" not in page.text


def test_a_mainland_browser_gets_simplified_chinese(site: Site, contest_running: None) -> None:
    page = site.client.get("/", headers={"Accept-Language": "zh-CN"})
    assert '<html lang="zh-Hans">' in page.text
    assert "进行中的比赛" in page.text and ">登录</a>" in page.text
    assert re.search(r"征稿截止\uff1a\d+月\d+日", page.text)


def test_english_pages_stay_as_they_were(site: Site, contest_running: None) -> None:
    page = site.client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in page.text
    assert "Now running" in page.text and ">Sign in</a>" in page.text
    assert "Submissions close in" in page.text
    assert "no trackers, no ads" in page.text


def test_the_switch_sets_a_cookie_and_the_next_page_speaks_that_language(site: Site) -> None:
    response = site.post(
        "/language",
        {"locale": "zh_Hant", "next": "/sign-in?next=/manage"},
        form_page="/",
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=/manage"
    cookie = response.headers["set-cookie"]
    assert f"{LANGUAGE_COOKIE}=zh_Hant" in cookie
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert "Max-Age=31536000" in cookie
    # The cookie beats the browser's Accept-Language.
    page = site.client.get("/", headers={"Accept-Language": "en"})
    assert '<html lang="zh-Hant">' in page.text
    assert '<span class="current" lang="zh-Hant" aria-current="true">繁體中文</span>' in page.text


def test_the_switch_refuses_a_form_without_its_token(site: Site) -> None:
    response = site.client.post("/language", data={"locale": "zh_Hant"}, follow_redirects=False)
    assert response.status_code == 400
    assert LANGUAGE_COOKIE not in response.headers.get("set-cookie", "")


def test_the_switch_refuses_a_language_the_site_does_not_offer(site: Site) -> None:
    response = site.post("/language", {"locale": "fr"}, form_page="/", follow_redirects=False)
    assert response.status_code == 400
    assert "Choose one of the languages" in response.text
    assert LANGUAGE_COOKIE not in response.headers.get("set-cookie", "")


def test_the_switch_never_sends_a_reader_to_another_site(site: Site) -> None:
    response = site.post(
        "/language",
        {"locale": "en", "next": "//evil.example/"},
        form_page="/",
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_a_browser_asking_for_no_offered_language_gets_the_site_default(site: Site) -> None:
    assert '<html lang="en">' in site.client.get("/", headers={"Accept-Language": "fr"}).text
    site.sign_in_as("organizer")
    token = site.csrf("/manage/settings")
    saved = site.client.post(
        "/manage/settings", data={"csrf_token": token, "default_locale": "zh_Hans"}
    )
    assert saved.status_code == 200
    assert site.run(site_settings.default_locale, site.db) == "zh_Hans"
    assert site.value("SELECT value FROM settings WHERE key = 'default_locale'") == "zh_Hans"
    page = site.client.get("/", headers={"Accept-Language": "fr"})
    assert '<html lang="zh-Hans">' in page.text
    # A browser that asks for one of ours still gets it.
    assert '<html lang="en">' in site.client.get("/", headers={"Accept-Language": "en"}).text


def test_the_site_default_refuses_an_unknown_language_naming_the_field(site: Site) -> None:
    site.sign_in_as("organizer")
    token = site.csrf("/manage/settings")
    page = site.client.post("/manage/settings", data={"csrf_token": token, "default_locale": "xx"})
    assert page.status_code == 400
    assert "Choose one of the languages in the list." in page.text
    assert site.value("SELECT value FROM settings WHERE key = 'default_locale'") is None


def test_error_pages_speak_the_readers_language(site: Site) -> None:
    page = site.client.get("/no-such-page", headers={"Accept-Language": "zh-TW"})
    assert page.status_code == 404
    assert '<html lang="zh-Hant">' in page.text
    assert "錯誤 404" in page.text and "返回比賽列表" in page.text
    assert "<h1>找不到這個頁面</h1>" in page.text
    assert "網址可能輸入有誤" in page.text and "couldn" not in page.text


def test_a_refused_forms_message_is_in_the_readers_language(site: Site) -> None:
    page = site.client.post(
        "/language", data={"locale": "fr"}, headers={"Accept-Language": "zh-CN"}
    )
    assert page.status_code == 400
    assert '<html lang="zh-Hans">' in page.text and "<h1>无法理解这个请求</h1>" in page.text
    assert "此表单已过期，或来自其他网站。请返回上一页，刷新后再试。" in page.text  # noqa: RUF001
    assert "This form has expired" not in page.text


def test_the_gallerys_shared_cached_page_stays_whole_in_one_language(
    site: Site, entries: list[int]
) -> None:
    slug = site.value("SELECT slug FROM contests")
    address = f"/contests/{slug}/gallery"
    # Kept once per language for every visitor: asked in turn (so each is served from the
    # cache the other's request filled), no reader gets the other language's page.
    pages = {
        (language, turn): site.client.get(address, headers={"Accept-Language": language})
        for turn in (1, 2)
        for language in ("zh-HK", "en", "zh-CN")
    }
    for (language, _turn), page in pages.items():
        assert page.status_code == 200
        if language == "en":
            assert '<html lang="en">' in page.text and ">Sign in</a>" in page.text
            assert "<h1>The photos</h1>" in page.text
            assert "登入" not in page.text and "参赛作品" not in page.text
        elif language == "zh-HK":
            assert '<html lang="zh-Hant">' in page.text and "<h1>參賽作品</h1>" in page.text
            assert ">登入</a>" in page.text and "Sign in" not in page.text
        else:
            assert '<html lang="zh-Hans">' in page.text and "<h1>参赛作品</h1>" in page.text
            assert "The photos" not in page.text and "參賽作品" not in page.text
