# ruff: noqa: RUF001 -- Chinese texts use full-width punctuation
"""An organizer writes a contest in English and Chinese through the contest form: visitors read
it in their language, a bad section is refused by name with everything typed kept, the edit form
shows each language as written, and the address stays ASCII and can be edited."""

from __future__ import annotations

import html

from tests.conftest import Site
from tests.web.manage.test_contests_web import contest_form

HK = {"Accept-Language": "zh-HK"}
CN = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en-GB"}
CHINESE_SECTIONS = {
    "title__zh_Hant": "春之光",
    "description_md__zh_Hant": "拍下**春天**的光。",
    "categories__zh_Hant": "日間\n夜間",
    "criteria__zh_Hant": "切合主題\n創意\n技術質素",
    "title__zh_Hans": "春之光（简体）",
    "categories__zh_Hans": "日间\n夜间",
}


def create(site: Site, **changes: str) -> int:
    """Create a published contest through the form (signed in as an organizer); its id."""
    data = contest_form(site, is_published="on", description_md="Catch the *spring* light.")
    response = site.post("/manage/contests/new", data | changes, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(site.value("SELECT MAX(id) FROM contests"))


def test_visitors_read_the_contest_in_their_language_with_the_other_script_as_fallback(
    site: Site,
) -> None:
    site.sign_in_as("organizer")
    contest_id = create(site, **CHINESE_SECTIONS)
    stored = site.rows(
        "SELECT locale, field, text FROM contest_texts WHERE contest_id = ? ORDER BY 1, 2",
        (contest_id,),
    )
    assert {(row["locale"], row["field"]) for row in stored} == {
        ("zh_Hant", "title"),
        ("zh_Hant", "description_md"),
        ("zh_Hant", "categories"),
        ("zh_Hant", "criteria"),
        ("zh_Hans", "title"),
        ("zh_Hans", "categories"),
    }
    assert site.value("SELECT title FROM contests") == "Spring Light"  # the main text stays
    site.client.cookies.clear()  # a visitor

    hong_kong = site.client.get("/contests/spring-light", headers=HK).text
    assert "<h1>春之光</h1>" in hong_kong and "<title>春之光 · " in hong_kong
    assert "拍下<strong>春天</strong>的光。" in hong_kong
    assert "組別：日間、夜間" in hong_kong and "創意（25%）" in hong_kong
    assert "Spring Light" not in hong_kong and "Creativity" not in hong_kong

    mainland = site.client.get("/contests/spring-light", headers=CN).text
    assert "<h1>春之光（简体）</h1>" in mainland and "类别：日间、夜间" in mainland
    # No Simplified description or criteria were written: the Traditional ones come next.
    assert "拍下<strong>春天</strong>的光。" in mainland and "創意（25%）" in mainland

    english = site.client.get("/contests/spring-light", headers=EN).text
    assert "<h1>Spring Light</h1>" in english and "Categories: Day, Night" in english
    assert "Catch the <em>spring</em> light." in english and "春" not in english


def test_a_section_whose_list_does_not_match_is_refused_and_everything_typed_stays(
    site: Site,
) -> None:
    site.sign_in_as("organizer")
    data = contest_form(site) | CHINESE_SECTIONS | {"categories__zh_Hans": "日间\n夜间\n黄昏"}
    data["rules_md__zh_Hant"] = "只限自己拍攝的相片。"
    data["title__zh_Hans"] = "光" * 121
    response = site.post("/manage/contests/new", data, headers=HK, follow_redirects=False)
    assert response.status_code == 400
    page = html.unescape(response.text)
    assert "主清單有 2 個組別：請每行寫一個名稱，次序相同（現時有 3 行）。" in page
    assert "標題長 121 個字元，請少於 120 個。" in page
    assert 'href="#categories__zh_Hans"' in page and 'href="#title__zh_Hans"' in page
    for typed in ("只限自己拍攝的相片。", "日间\n夜间\n黄昏", "拍下**春天**的光。", "春之光"):
        assert typed in page
    assert '<details class="language-texts" open>' in page
    assert site.value("SELECT COUNT(*) FROM contests") == 0
    assert site.value("SELECT COUNT(*) FROM contest_texts") == 0


def test_the_edit_form_shows_each_language_as_written_and_saves_a_new_address(
    site: Site,
) -> None:
    site.sign_in_as("organizer")
    contest_id = create(site, **CHINESE_SECTIONS)
    edit = f"/manage/contests/{contest_id}/edit"
    page = site.client.get(edit, headers=HK).text
    # The organizer reads the form in Chinese, but each field holds what was written in it.
    assert 'name="title" type="text" value="Spring Light"' in page
    assert 'name="title__zh_Hant" type="text" value="春之光"' in page
    assert '<summary lang="zh-Hans">简体中文</summary>' in page
    assert '<summary lang="en">English</summary>' not in page  # English is the main language
    assert 'name="slug" type="text" value="spring-light"' in page
    assert "比賽的其他語言版本" in page

    data = contest_form(site) | CHINESE_SECTIONS | {"slug": "Spring Light 2026"}
    response = site.post(edit, data, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/contests/spring-light-2026")
    assert site.value("SELECT slug FROM contests") == "spring-light-2026"
    assert site.client.get("/contests/spring-light-2026", headers=HK).status_code == 200
    assert site.client.get("/contests/spring-light").status_code == 404

    refused = site.post(edit, data | {"slug": "春之光"}, headers=CN, follow_redirects=False)
    assert refused.status_code == 400
    assert "网址只能使用小写英文字母 a 到 z" in refused.text
    assert site.value("SELECT slug FROM contests") == "spring-light-2026"


def test_a_contest_written_in_chinese_gets_an_ascii_address_and_english_readers_its_english_title(
    site: Site,
) -> None:
    site.sign_in_as("organizer")
    contest_id = create(
        site,
        title="圖書館的日與夜",
        main_locale="zh_Hant",
        categories="日間\n夜間",
        title__en="Day and Night at the Library",
    )
    slug = site.value("SELECT slug FROM contests")
    assert slug == "day-and-night-at-the-library"
    assert site.value("SELECT main_locale FROM contests") == "zh_Hant"
    site.post(
        "/manage/contests/new",
        contest_form(site, title="夜讀時光", hashtag="#NightReading"),
        follow_redirects=False,
    )
    only_chinese = site.rows("SELECT id, slug FROM contests WHERE title = '夜讀時光'")[0]
    assert only_chinese["slug"] == f"contest-{only_chinese['id']}"
    english = site.client.get(f"/contests/{slug}", headers=EN).text
    assert "<h1>Day and Night at the Library</h1>" in english
    simplified = site.client.get(f"/contests/{slug}", headers=CN).text
    assert "<h1>圖書館的日與夜</h1>" in simplified  # the main text: no Simplified one written
    edit = site.client.get(f"/manage/contests/{contest_id}/edit").text
    assert '<option value="zh_Hant" selected>繁體中文</option>' in edit
    assert '<summary lang="en">English</summary>' in edit


def test_a_new_contest_starts_in_the_organizers_language(site: Site) -> None:
    site.sign_in_as("organizer")
    page = html.unescape(site.client.get("/manage/contests/new", headers=HK).text)
    assert '<option value="zh_Hant" selected>繁體中文</option>' in page
    assert 'value="切合主題"' in page and 'value="創意"' in page
    assert "主辦單位可在比賽及其宣傳中展示此相片" in page  # the licence, to agree to
    assert '<summary lang="en">English</summary>' in page
    assert '<summary lang="zh-Hans">简体中文</summary>' in page
