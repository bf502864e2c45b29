"""A participant's pages (sign in, sign up, account, the entry form, my entries, withdraw) speak
繁體中文 to a Hong Kong browser and 简体中文 to a mainland one, with none of their English left."""
# ruff: noqa: RUF001 -- Chinese pages use full-width question marks and commas

from __future__ import annotations

import pytest

from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import add_contest, add_entry

HONG_KONG = "zh-HK,zh;q=0.9,en;q=0.8"
MAINLAND = "zh-CN,zh;q=0.9"


def speak(site: Site, accept_language: str) -> None:
    """Every following request asks for that language, as a browser set to it would."""
    site.client.headers["Accept-Language"] = accept_language


@pytest.fixture
def pending_entry(site: Site) -> tuple[str, int]:
    """Pat signed in, with a pending entry in a contest taking submissions: (slug, entry id)."""
    pat_id = site.sign_in_as("participant", "pat@uni.edu")
    contest = site.run(
        add_contest, site.db, Phase.SUBMISSIONS, now=site.clock(), max_entries_per_participant=3
    )
    entry_id = site.run(
        add_entry,
        site.db,
        site.storage,
        contest,
        site.user(pat_id),
        title="Lamplight",
        status="pending",
        now=site.clock(),
    )
    return contest.slug, entry_id


def test_the_sign_in_page_speaks_traditional_chinese_to_a_hong_kong_browser(site: Site) -> None:
    speak(site, HONG_KONG)
    page = site.client.get("/sign-in")
    assert page.status_code == 200
    assert '<html lang="zh-Hant">' in page.text
    assert "<title>登入 · " in page.text
    assert ">電郵</label>" in page.text and ">密碼</label>" in page.text
    assert "忘記密碼？" in page.text and "第一次來？" in page.text
    for english in ("Forgot your password?", "New here?", ">Password</label>", "Create an account"):
        assert english not in page.text


def test_the_sign_in_page_speaks_simplified_chinese_to_a_mainland_browser(site: Site) -> None:
    speak(site, MAINLAND)
    page = site.client.get("/sign-in")
    assert '<html lang="zh-Hans">' in page.text
    assert ">邮箱</label>" in page.text and "忘记密码？" in page.text and "注册账户" in page.text
    assert "Forgot your password?" not in page.text


def test_a_refused_sign_up_counts_its_errors_in_chinese_and_keeps_what_was_typed(
    site: Site,
) -> None:
    speak(site, HONG_KONG)
    response = site.post("/sign-up", {"display_name": "陳大文", "email": "", "password": ""})
    assert response.status_code == 400
    assert "請修正" in response.text and "個欄位" in response.text
    assert "Please correct" not in response.text
    assert 'value="陳大文"' in response.text
    assert '<option value="student">學生</option>' in response.text
    assert "絕不公開顯示。" in response.text and "最少 10 個字元。" in response.text
    assert site.value("SELECT COUNT(*) FROM users") == 0


def test_the_entry_form_speaks_chinese_down_to_its_licences_and_consents(
    site: Site, pending_entry: tuple[str, int]
) -> None:
    slug, _ = pending_entry
    speak(site, HONG_KONG)
    page = site.client.get(f"/contests/{slug}/enter").text
    assert "<h1>提交相片參賽</h1>" in page
    assert "只限用於本比賽及主辦單位的相關宣傳" in page
    assert "這張相片是我親自拍攝的。" in page and "相片中可被認出的人士均已同意入鏡。" in page
    assert "只用姓名縮寫" in page and "提交我的相片" in page
    assert "系統會自動加上 #" in page
    for english in (
        "Enter a photo",
        "I took this photo myself.",
        "Only for this contest",
        "Submit my photo",
        "Credit me as",
        "Straight from your camera roll",
    ):
        assert english not in page
    speak(site, MAINLAND)
    page = site.client.get(f"/contests/{slug}/enter").text
    assert "<h1>提交照片参赛</h1>" in page and "这张照片是我本人拍摄的。" in page


def test_my_entries_and_withdrawing_speak_simplified_chinese(
    site: Site, pending_entry: tuple[str, int]
) -> None:
    _, entry_id = pending_entry
    speak(site, MAINLAND)
    mine = site.client.get("/my/entries").text
    assert "等待审核" in mine and "编辑或更换照片" in mine
    assert "Waiting for review" not in mine and "Edit or replace photo" not in mine
    question = site.client.get(f"/my/entries/{entry_id}/withdraw").text
    assert "<h1>撤回“Lamplight”？</h1>" in question and "是，撤回" in question
    assert "The photo leaves the contest" not in question
    response = site.post(
        f"/my/entries/{entry_id}/withdraw",
        {"confirm": "yes"},
        form_page=f"/my/entries/{entry_id}/withdraw",
    )
    assert response.status_code == 200
    assert "你的照片已撤回。" in response.text and "恢复参赛" in response.text
    assert site.value("SELECT status FROM entries WHERE id = ?", (entry_id,)) == "withdrawn"


def test_the_account_page_names_role_and_affiliation_in_traditional_chinese(site: Site) -> None:
    site.sign_in_as("participant", "pat@uni.edu")
    speak(site, HONG_KONG)
    page = site.client.get("/account").text
    assert "<h1>你的帳戶</h1>" in page
    assert "<dd>參加者</dd>" in page and "<dd>學生</dd>" in page
    assert "在所有裝置登出" in page
    assert "Your account" not in page and "Sign out on every device" not in page
