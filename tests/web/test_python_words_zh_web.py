"""Words written in Python that pages show: the dashboard's share chart, the "move every date"
schedule, the departments' history, the share buttons and the time-zone pickers speak 繁體中文
to a Hong Kong browser and 简体中文 to a mainland one, and English as before."""
# ruff: noqa: RUF001 -- Chinese pages use full-width punctuation

from __future__ import annotations

import html
import re

from contest.accounts import department_history, departments
from contest.contests.phases import Phase
from contest.i18n import using_locale
from tests.conftest import Site
from tests.engagement.engagement_data import NOW, ORGANIZER_EMAIL, build
from tests.factories import add_contest, add_entry

HONG_KONG = "zh-HK,zh;q=0.9,en;q=0.8"
MAINLAND = "zh-CN,zh;q=0.9"
TAG = re.compile(r"<[^>]+>")


def speak(site: Site, accept_language: str) -> None:
    site.client.headers["Accept-Language"] = accept_language


def text(fragment: str) -> str:
    return " ".join(html.unescape(TAG.sub(" ", fragment)).split())


def share_chart(page: str) -> tuple[list[str], list[str]]:
    """The share chart's labels under its bars, and the first column of its table."""
    match = re.search(r'<figure[^>]*id="shares-by-network".*?</figure>', page, re.S)
    assert match, "no share chart"
    figure = match.group()
    bars = [text(t) for t in re.findall(r'<text[^>]*text-anchor="middle">(.*?)</text>', figure)]
    rows = re.findall(r"<tr>(.*?)</tr>", figure.split("</thead>")[-1], re.S)
    names = [text(re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[0]) for row in rows]
    return bars, names


def test_the_share_chart_names_its_bars_in_the_readers_language(site: Site) -> None:
    site.clock.moment = NOW
    known = site.run(build, site.db, site.passwords)
    site.sign_in(ORGANIZER_EMAIL)
    url = f"/manage/contests/{known.contest.id}/dashboard"
    short = {"已複製連結": "複製連結", "手機分享選單": "手機", "已复制链接": "复制链接"}
    short |= {"手机分享菜单": "手机", "Copied link": "Copied", "Phone share sheet": "Phone"}
    speak(site, HONG_KONG)
    bars, names = share_chart(site.client.get(url).text)
    assert bars == [short.get(name, name) for name in names]  # the table's, short where long
    assert {"微博", "微信", "電郵", "手機", "Facebook"} <= set(bars)
    speak(site, MAINLAND)
    bars, names = share_chart(site.client.get(url).text)
    assert bars == [short.get(name, name) for name in names] and {"微博", "微信", "邮箱"} <= set(
        bars
    )
    speak(site, "en")
    bars, names = share_chart(site.client.get(url).text)
    assert bars == [short.get(name, name) for name in names]
    assert {"Weibo", "WeChat", "Copied", "Facebook", "X"} <= set(bars)


def test_the_move_every_date_page_names_each_date_in_chinese(site: Site) -> None:
    site.sign_in_as("organizer", "org@uni.edu")
    contest = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock())
    url = f"/manage/contests/{contest.id}/shift-dates"
    speak(site, HONG_KONG)
    page = site.client.get(url).text
    assert '<th scope="row">開始收件時間</th>' in page
    assert '<th scope="row">公佈結果時間</th>' in page
    for english in ("When submissions open", "Submissions open", "The results are announced"):
        assert english not in page
    speak(site, MAINLAND)
    assert '<th scope="row">征稿开始时间</th>' in site.client.get(url).text
    speak(site, "en")
    assert '<th scope="row">When submissions open</th>' in site.client.get(url).text


def test_the_department_history_reads_in_chinese_and_the_log_keeps_english(site: Site) -> None:
    org_id = site.sign_in_as("organizer", "org@uni.edu")
    site.add_user("participant", "ann@uni.edu", name="Ann")
    site.execute("UPDATE users SET department = ''")
    site.execute("UPDATE users SET department = 'CE' WHERE email = 'ann@uni.edu'")
    now = site.clock()
    site.run(departments.add_department, site.db, code="CIVL", name="Civil", actor_id=None, now=now)
    physics = site.run(
        departments.add_department, site.db, code="PHYS", name="Physics", actor_id=org_id, now=now
    )
    site.run(
        departments.change_department,
        site.db,
        physics,
        code="PHYSICS",
        name="Physics and Astronomy",
        actor_id=org_id,
        now=now,
    )
    site.run(departments.merge_values, site.db, ["CE"], code="CIVL", actor_id=org_id, now=now)
    site.run(departments.remove_department, site.db, physics, actor_id=org_id, now=now)
    stored = [row["details"] for row in site.rows("SELECT details FROM audit_log ORDER BY id")]
    assert stored == [
        "Added CIVL: Civil",
        "Added PHYS: Physics",
        "Changed PHYS: code PHYS → PHYSICS (0 people moved), name “Physics” → “Physics and"
        " Astronomy”",
        "Merged “CE” (1) into CIVL: 1 person",
        "Removed PHYSICS: Physics and Astronomy",
    ]
    speak(site, HONG_KONG)
    page = html.unescape(site.client.get("/manage/departments").text)
    assert "系統 · 新增 CIVL：Civil" in page
    assert "Organizer Person · 新增 PHYS：Physics" in page
    assert (
        "更改 PHYS：代碼 PHYS → PHYSICS（0 人隨之轉移），名稱「Physics」→「Physics and Astronomy」"
        in page
    )
    assert "將 “CE” (1) 合併到 CIVL：1 人" in page
    assert "移除 PHYSICS：Physics and Astronomy" in page
    for english in ("Added ", "Changed ", "Merged ", "Removed ", "某人"):
        assert english not in page
    speak(site, MAINLAND)
    page = html.unescape(site.client.get("/manage/departments").text)
    assert "系统 · 新增 CIVL：Civil" in page and "删除 PHYSICS：Physics and Astronomy" in page
    speak(site, "en")
    page = html.unescape(site.client.get("/manage/departments").text)
    assert "System · Added CIVL: Civil" in page and "Merged “CE” (1) into CIVL: 1 person" in page


def test_every_stored_pattern_reads_back_as_the_same_english() -> None:
    lines = [
        "Added EE&CS: Electrical: and Computer (2 people already had EE&CS)",
        "Removed LIB: Library (1 person keeps LIB, now unlisted)",
        "Changed LIB: code LIB → LIBR (3 people moved)",
        "Changed LIB: name “Library” → “University Library”",
        "Merged “CIVIL ENGINEERING” (2), “CE” (1) into CIVL: 3 people",
        "Imported the file: 2 added, 1 renamed, 4 unchanged; added ARTS, LAW; renamed LIB",
        "Something written by an older version",
    ]
    for line in lines:
        assert department_history.described(line) == line
    with using_locale("zh_Hant"):
        assert str(department_history.described(lines[2])) == (
            "更改 LIB：代碼 LIB → LIBR（3 人隨之轉移）"
        )
        assert str(department_history.described(lines[5])) == (
            "已匯入檔案：新增 2 個，改名 1 個，4 個不變；新增 ARTS, LAW；改名 LIB"
        )
        assert str(department_history.described(lines[6])) == lines[6]


def test_share_buttons_name_weibo_and_wechat_in_chinese(site: Site) -> None:
    contest = site.run(add_contest, site.db, Phase.VOTING, now=site.clock())
    author = site.user(site.add_user("participant", "pat@uni.edu", name="Pat"))
    organizer = site.user(site.add_user("organizer", "org@uni.edu", name="Org"))
    entry_id = site.run(
        add_entry, site.db, site.storage, contest, author, moderator=organizer, now=site.clock()
    )
    speak(site, MAINLAND)
    page = site.client.get(f"/entries/{entry_id}").text
    assert 'rel="nofollow">微博</a>' in page and ">微信</summary>" in page
    assert 'rel="nofollow">邮箱</a>' in page and 'rel="nofollow">Facebook</a>' in page
    assert ">Weibo<" not in page and ">WeChat<" not in page
    speak(site, HONG_KONG)
    page = site.client.get(f"/entries/{entry_id}").text
    assert 'rel="nofollow">微博</a>' in page and 'rel="nofollow">電郵</a>' in page
    speak(site, "en")
    assert 'rel="nofollow">Weibo</a>' in site.client.get(f"/entries/{entry_id}").text


def test_time_zone_pickers_name_the_place_in_chinese_and_keep_the_iana_value(site: Site) -> None:
    site.sign_in_as("organizer", "org@uni.edu")
    contest = site.run(
        add_contest, site.db, Phase.SUBMISSIONS, now=site.clock(), timezone="Asia/Hong_Kong"
    )
    speak(site, HONG_KONG)
    form = site.client.get(f"/manage/contests/{contest.id}/edit").text
    assert re.search(r'<option value="Asia/Hong_Kong"[^>]*>亞洲／香港</option>', form)
    assert re.search(r'<option value="Europe/Paris"[^>]*>歐洲／巴黎</option>', form)
    assert ">Asia/Hong Kong<" not in form
    settings = site.client.get("/manage/settings").text
    assert "跟隨最新的比賽（現為 亞洲／香港）" in settings
    assert re.search(r'<option value="Asia/Tokyo"[^>]*>亞洲／東京</option>', settings)
    speak(site, MAINLAND)
    form = site.client.get(f"/manage/contests/{contest.id}/edit").text
    assert re.search(r'<option value="Asia/Tokyo"[^>]*>亚洲／东京</option>', form)
    # Two IANA names of one place (Chongqing is an old alias of Shanghai) show their names.
    assert re.search(
        r'<option value="Asia/Shanghai"[^>]*>亚洲／上海（Asia/Shanghai）</option>', form
    )
    speak(site, "en")
    form = site.client.get(f"/manage/contests/{contest.id}/edit").text
    assert re.search(r'<option value="Asia/Hong_Kong"[^>]*>Asia/Hong Kong</option>', form)
    settings = site.client.get("/manage/settings").text
    assert "As the latest contest (now Asia/Hong Kong)" in settings
