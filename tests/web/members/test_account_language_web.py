"""Which language a reader gets, in order: their saved choice (account page), else the
header switch's cookie, else Accept-Language, else the site's default; saved with plain form
posts (no JavaScript), kept by the switch, and given to new accounts in the language they
were made in."""
# ruff: noqa: RUF001 -- Chinese pages use full-width punctuation

from __future__ import annotations

from contest.accounts import invitations, site_settings
from contest.web.language import LANGUAGE_COOKIE
from tests.conftest import Site

ENGLISH = "en-GB,en;q=0.9"
HONG_KONG = "zh-HK,zh;q=0.9"
MAINLAND = "zh-CN,zh;q=0.9"


def lang_of(site: Site, path: str = "/", accept_language: str = ENGLISH) -> str:
    page = site.client.get(path, headers={"Accept-Language": accept_language})
    assert page.status_code == 200, page.text
    return page.text.split('<html lang="', 1)[1].split('"', 1)[0]


def saved(site: Site, email: str) -> str | None:
    value = site.value("SELECT locale FROM users WHERE email = ?", (email,))
    return None if value is None else str(value)


def test_the_account_page_offers_each_language_in_its_own_name_and_the_browser(
    site: Site,
) -> None:
    site.sign_in_as("participant", "pat@uni.edu")
    page = site.client.get("/account").text
    assert '/account/language"' in page
    for code, name in (("en", "English"), ("zh_Hant", "繁體中文"), ("zh_Hans", "简体中文")):
        assert f'name="locale" value="{code}"' in page and name in page
    assert 'name="locale" value="" checked' in page and "Follow my browser" in page


def test_a_saved_language_comes_first_over_the_cookie_and_the_browser(site: Site) -> None:
    site.sign_in_as("participant", "pat@uni.edu")
    done = site.post(
        "/account/language", {"locale": "zh_Hans"}, form_page="/account", follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"].endswith("/account?saved=language")
    assert saved(site, "pat@uni.edu") == "zh_Hans"
    site.client.cookies.set(LANGUAGE_COOKIE, "zh_Hant")
    assert lang_of(site, "/", HONG_KONG) == "zh-Hans"
    notice = site.client.get("/account?saved=language", headers={"Accept-Language": ENGLISH})
    assert "语言已保存。" in notice.text
    assert 'name="locale" value="zh_Hans" checked' in notice.text


def test_without_a_saved_language_the_cookie_then_the_browser_then_the_default_decide(
    site: Site,
) -> None:
    site.run(site_settings.put, site.db, {site_settings.LOCALE: "zh_Hant"})
    site.sign_in_as("participant", "pat@uni.edu")
    assert saved(site, "pat@uni.edu") is None
    site.client.cookies.set(LANGUAGE_COOKIE, "zh_Hant")
    assert lang_of(site, "/", MAINLAND) == "zh-Hant"
    site.client.cookies.delete(LANGUAGE_COOKIE)
    assert lang_of(site, "/", MAINLAND) == "zh-Hans"
    assert lang_of(site, "/", "fr-FR") == "zh-Hant"


def test_following_the_browser_again_forgets_the_choice_and_the_switchs_cookie(
    site: Site,
) -> None:
    site.sign_in_as("participant", "pat@uni.edu")
    chosen = site.post("/account/language", {"locale": "zh_Hant"}, form_page="/account")
    assert chosen.status_code == 200
    assert site.client.cookies.get(LANGUAGE_COOKIE) == "zh_Hant"
    site.post("/account/language", {"locale": ""}, form_page="/account")
    assert saved(site, "pat@uni.edu") is None
    assert site.client.cookies.get(LANGUAGE_COOKIE) is None
    assert lang_of(site, "/", MAINLAND) == "zh-Hans"
    assert lang_of(site, "/", ENGLISH) == "en"


def test_the_header_switch_saves_a_signed_in_readers_choice_on_the_account(site: Site) -> None:
    site.sign_in_as("participant", "pat@uni.edu")
    switched = site.post("/language", {"locale": "zh_Hant", "next": "/account"}, form_page="/")
    assert switched.status_code == 200 and '<html lang="zh-Hant">' in switched.text
    assert saved(site, "pat@uni.edu") == "zh_Hant"
    assert 'name="locale" value="zh_Hant" checked' in switched.text
    site.client.cookies.delete(LANGUAGE_COOKIE)
    assert lang_of(site, "/", ENGLISH) == "zh-Hant"


def test_the_switch_saves_nothing_for_a_reader_who_is_not_signed_in(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu")
    switched = site.post("/language", {"locale": "zh_Hans", "next": "/"}, form_page="/")
    assert '<html lang="zh-Hans">' in switched.text
    assert saved(site, "pat@uni.edu") is None


def test_a_language_form_without_its_token_is_refused_and_saves_nothing(site: Site) -> None:
    site.sign_in_as("participant", "pat@uni.edu")
    refused = site.client.post("/account/language", data={"locale": "zh_Hant"})
    assert refused.status_code == 400
    assert saved(site, "pat@uni.edu") is None


def test_a_language_the_site_does_not_offer_is_refused(site: Site) -> None:
    site.sign_in_as("participant", "pat@uni.edu")
    refused = site.post("/account/language", {"locale": "fr"}, form_page="/account")
    assert refused.status_code == 400
    assert saved(site, "pat@uni.edu") is None


def test_an_account_made_by_sign_up_keeps_the_language_of_the_sign_up_page(site: Site) -> None:
    site.client.headers["Accept-Language"] = HONG_KONG
    made = site.post(
        "/sign-up",
        {
            "display_name": "Ann Wong",
            "email": "ann@uni.edu",
            "affiliation": "student",
            "password": "a good password",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    assert saved(site, "ann@uni.edu") == "zh_Hant"
    mail = site.rows("SELECT subject, locale FROM outbox WHERE recipient = 'ann@uni.edu'")
    assert mail == [{"subject": "確認你的電郵地址", "locale": "zh_Hant"}]


def test_an_account_made_by_an_invitation_keeps_the_language_it_was_accepted_in(
    site: Site,
) -> None:
    inviter = site.user(site.add_user("organizer", "org@uni.edu"))
    token = site.run(
        invitations.invite,
        site.db,
        email="jun@uni.edu",
        role="judge",
        contest_id=None,
        invited_by=inviter,
        link_for=lambda token: token,
        now=site.clock(),
    )
    site.client.headers["Accept-Language"] = MAINLAND
    fields = {"display_name": "Jun", "affiliation": "staff", "password": "judging is fun"}
    accepted = site.post(f"/invitations/{token}", fields, follow_redirects=False)
    assert accepted.status_code == 303
    assert saved(site, "jun@uni.edu") == "zh_Hans"


def test_sign_in_and_sign_up_refusals_are_in_the_readers_language(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu")
    site.client.headers["Accept-Language"] = HONG_KONG
    wrong = site.post("/sign-in", {"email": "pat@uni.edu", "password": "wrong password"})
    assert wrong.status_code == 400 and "電郵地址與密碼不符合任何帳戶。" in wrong.text
    site.client.headers["Accept-Language"] = MAINLAND
    short = site.post(
        "/sign-up",
        {"display_name": "", "email": "ann@", "affiliation": "x", "password": "short"},
    )
    assert short.status_code == 400
    for sentence in ("密码至少需要 10 个字符。", "请输入在你的照片旁显示的名字。"):
        assert sentence in short.text
    assert "请输入邮箱地址，例如 name@university.edu。" in short.text
