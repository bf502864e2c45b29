# ruff: noqa: RUF001 -- Chinese pages use full-width commas, colons and brackets
"""The site's frame in Chinese: the organizer's contest list and dashboard, the rehearsal
banner and form, the "done" notices and the refusals the plumbing gives (a page for another
role, a form from another site, a body too large), each in the reader's language."""

from __future__ import annotations

import re

from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import add_contest
from tests.web.manage.test_preview_web import BANNER, make_world, start_preview

HONG_KONG = {"Accept-Language": "zh-HK,zh;q=0.9,en;q=0.8"}
MAINLAND = {"Accept-Language": "zh-CN"}
STATUS = '<p class="notice success done" role="status">'


def notice_in(page: str) -> str | None:
    return page.split(STATUS, 1)[1].split("</p>", 1)[0] if STATUS in page else None


def test_the_organizers_contest_list_is_in_traditional_chinese(site: Site) -> None:
    site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock(), is_published=False)
    site.sign_in_as("organizer")
    page = site.client.get("/manage", headers=HONG_KONG).text
    assert '<html lang="zh-Hant">' in page
    assert re.search(r"<title>管理 · [^<]+</title>", page) and "<h1>管理比賽</h1>" in page
    for words in ("建立比賽", "網站設定", "學系／部門", ">草稿</span>", "複製為新比賽"):
        assert words in page, words
    assert '<th scope="col">比賽</th><th scope="col">現況</th><th scope="col">操作</th>' in page
    assert "Create a contest" not in page and "Copy as a new contest" not in page


def test_an_empty_contest_list_says_so_in_simplified_chinese(site: Site) -> None:
    site.sign_in_as("organizer")
    page = site.client.get("/manage", headers=MAINLAND).text
    assert "还没有比赛。创建第一个吧。" in page and "<h1>管理比赛</h1>" in page


def test_the_dashboard_counts_in_chinese_with_measure_words(site: Site) -> None:
    world = make_world(site, Phase.VOTING)
    page = site.client.get(f"/manage/contests/{world.contest_id}/dashboard", headers=HONG_KONG)
    assert page.status_code == 200
    text = page.text
    assert "<h1>數據概覽：Light at the Library</h1>" in text
    assert '<span class="key-number">2</span> 件作品' in text
    assert '<span class="key-number">1</span> 位參加者' in text
    assert '<span class="key-number">0</span> 個讚' in text
    assert '<h2 id="daily-heading">每日數字</h2>' in text
    assert re.search(r"截至 2026年\d+月\d+日 \d\d:\d\d（UTC）；日數按比賽所在時區計算。", text)
    assert "Key figures" not in text and "Day by day" not in text


def test_the_rehearsal_form_and_banner_are_in_traditional_chinese(site: Site) -> None:
    world = make_world(site)
    form = site.client.get(f"/manage/contests/{world.contest_id}/preview", headers=HONG_KONG)
    assert "<h1>預覽「Light at the Library」</h1>" in form.text
    assert "← 返回管理" in form.text and "預覽此時刻" in form.text
    # The phase buttons: their words and their moment, as Chinese writes a date.
    assert re.search(r"<span>投票期間</span><small>（\d+月\d+日 \d\d:\d\d）</small>", form.text)
    assert "During voting" not in form.text

    site.client.headers.update(HONG_KONG)
    start_preview(site, world, phase="voting")
    page = site.client.get(f"/contests/{world.slug}").text
    assert BANNER in page and 'aria-label="預覽"' in page
    assert re.search(
        r"<strong>預覽：</strong>網站於 <strong>2026年\d+月\d+日 \d\d:\d\d</strong>", page
    )
    assert "（評審及投票）" in page  # the phase, in the catalog's words
    assert "停止預覽" in page and "Stop preview" not in page
    # The banner on a page of another contest's time: the contest named, the real time kept.
    other = site.client.get("/manage").text
    assert "於 2026年" in other and "本頁顯示的是實際時間。" in other

    stopped = site.post("/manage/preview/stop", {}, form_page=f"/contests/{world.slug}")
    assert stopped.status_code == 200 and BANNER not in stopped.text
    assert notice_in(stopped.text) == "完成：預覽已結束；頁面已回復顯示實際時間。"


def test_a_done_notice_is_english_for_an_english_reader(site: Site) -> None:
    world = make_world(site)
    start_preview(site, world, phase="voting")
    stopped = site.post("/manage/preview/stop", {}, form_page=f"/contests/{world.slug}")
    assert notice_in(stopped.text) == "Done: the preview is over; pages show the real time again."


def test_a_page_for_organizers_tells_a_participant_so_in_chinese(site: Site) -> None:
    site.sign_in_as("participant")
    hong_kong = site.client.get("/manage", headers=HONG_KONG)
    assert hong_kong.status_code == 403 and "此頁面只供主辦單位使用。" in hong_kong.text
    mainland = site.client.get("/manage", headers=MAINLAND)
    assert "此页面仅供主办方使用。" in mainland.text
    english = site.client.get("/manage")
    assert "This page is for organizers." in english.text


def test_a_form_from_another_site_is_refused_in_the_readers_language(site: Site) -> None:
    headers = {**HONG_KONG, "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    response = site.client.post("/sign-in", data={"email": "a@uni.edu"}, headers=headers)
    assert response.status_code == 403
    assert "此表格由其他網站送出，因此已被拒絕。請使用本網站頁面上的表格。" in response.text


def test_a_form_too_large_is_refused_in_simplified_chinese(site: Site) -> None:
    data = {"email": "pat@uni.edu", "padding": "x" * 1024 * 1024}
    response = site.post("/sign-in", data, headers=MAINLAND, follow_redirects=False)
    assert response.status_code == 413
    assert "此表单超出本网站接受的大小（最多 512 KB）。请删减输入的内容后再试。" in response.text
