# ruff: noqa: RUF001 -- Chinese pages use full-width commas, colons and brackets
"""The engagement report, judging progress and results pages read in 繁體中文 and 简体中文 with
the same figures as in English; reminders reach each judge in the judge's own language."""

import re
from typing import Any

from tests.conftest import Site
from tests.engagement.engagement_data import Known, publish_results
from tests.web.manage.test_dashboard_web import facts, known, table, text
from tests.web.members.test_judging_web import judged, score

__all__ = ["judged", "known"]

HONG_KONG = {"Accept-Language": "zh-HK,zh;q=0.9,en;q=0.8"}
MAINLAND = {"Accept-Language": "zh-CN"}
REPORT_ENGLISH = [
    "Engagement report",
    "Key figures",
    "Day by day",
    "Entries by status",
    "Public response",
    "Staff response",
    "Judging progress",
    "Download the data",
    "For publication",
    "entries from",
    "The album",
    "no data yet",
    "No data yet",
    " per day from ",
]
KEY_NUMBER = re.compile(r'<span class="key-number">([^<]*)</span>')


def summary_of(page: str) -> str:
    return text(page.split('id="summary">')[1].split("</div>")[0])


def english_left(html: str, sentences: list[str]) -> list[str]:
    return [sentence for sentence in sentences if sentence in html]


def test_the_report_in_traditional_chinese_has_the_same_figures_as_in_english(
    site: Site, known: Known
) -> None:
    path = f"/manage/contests/{known.contest.id}/report"
    site.run(publish_results, site.db, known)
    english = site.client.get(path).text
    chinese = site.client.get(path, headers=HONG_KONG).text
    assert '<html lang="zh-Hant">' in chinese
    assert english_left(chinese, REPORT_ENGLISH) == []
    # The same key figures, tile by tile, and the same daily numbers.
    assert KEY_NUMBER.findall(chinese) == KEY_NUMBER.findall(english)
    assert table(chinese, "daily-numbers-1")[4][1:] == table(english, "daily-numbers-1")[4][1:]
    assert table(chinese, "daily-numbers-1")[4][0] == "3月5日"
    assert table(chinese, "entries-by-status") == [
        ["已通過", "4"],
        ["等候審核", "1"],
        ["未獲接納", "1"],
        ["已撤回", "1"],
        ["總計", "7"],
    ]
    summary = summary_of(chinese)
    assert summary.startswith(
        "本屆共有 5 位參加者提交 7 件作品，包括 3 位學生、1 位教職員及 1 位校友。"
        "當中 4 件通過審核、1 件正等候審核、1 件未獲接納及 1 件已撤回。"
    )
    assert "作品集獲 3 位投票者合共 4 個讚。" in summary
    assert "冠軍作品「Steps」獲得 1 個讚。" in summary
    assert "最受歡迎獎由「Lamplight」以 3 個讚奪得。" in summary
    assert "首次回覆的時間中位數為作品通過審核後 5 小時。" in summary
    # Every figure of the English summary is in the Chinese one.
    assert sorted(re.findall(r"\d[\d,.%]*", summary)) == sorted(
        re.findall(r"\d[\d,.%]*", summary_of(english))
    )


def test_the_report_in_simplified_chinese_names_staff_response_in_its_words(
    site: Site, known: Known
) -> None:
    page = site.client.get(f"/manage/contests/{known.contest.id}/report", headers=MAINLAND).text
    assert '<html lang="zh-Hans">' in page
    assert english_left(page, REPORT_ENGLISH) == []
    staff = facts(page, "staff-facts")
    assert "提交后一天内得到回复" in staff
    assert "从通过审核到首次回复的时间中位数" in staff
    summary = summary_of(page)
    assert summary.startswith(
        "本届共有 5 名参与者提交 7 件作品，包括 3 名学生、1 名教职工和 1 名校友。"
    )
    assert "作品集获得 3 名投票者共 4 个赞。" in summary
    assert "首次回复时间的中位数为作品通过审核后 5小时。" in summary


def test_judging_progress_and_results_speak_chinese_with_measure_words(
    site: Site, judged: dict[str, Any]
) -> None:
    contest, (first, _) = judged["contest"], judged["entries"]
    site.sign_in("judge0@uni.edu")
    score(site, contest, first, [5, 5, 5])
    site.client.cookies.clear()
    site.sign_in_as("organizer", "org@uni.edu")
    progress = site.client.get(f"/manage/contests/{contest}/judging", headers=HONG_KONG).text
    assert "評審進度：" in progress and "2 件中的 1 件" in progress
    assert "每件作品需要 2 位評審評分；評分最少的作品排在最前。" in progress
    assert "（未達最低要求）" in progress and "below minimum" not in progress
    results = site.client.get(f"/manage/contests/{contest}/results", headers=MAINLAND).text
    assert "结果：" in results and "1 位评审：未达最低要求" in results
    assert "作品须有 2 位评审评分才会参与排名。" in results
    assert ">冠军</h3>" in results
    assert "judges" not in text(results.split("<main")[1]).replace("judges/", "")


def test_reminders_reach_each_judge_in_the_judges_own_language(
    site: Site, judged: dict[str, Any]
) -> None:
    contest = judged["contest"]
    judge0 = judged["judges"][0]
    site.execute("UPDATE users SET locale = 'zh_Hant' WHERE id = ?", (judge0,))
    site.sign_in_as("organizer", "org@uni.edu")
    response = site.post(
        f"/manage/contests/{contest}/judging/remind",
        {},
        form_page=f"/manage/contests/{contest}/judging",
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = site.client.get(response.headers["location"], headers=HONG_KONG).text
    assert "已為 2 位評審排定提醒電郵。" in page
    mail = {
        row["recipient"]: row
        for row in site.rows("SELECT recipient, subject, body, locale FROM outbox")
    }
    chinese, english = mail["judge0@uni.edu"], mail["judge1@uni.edu"]
    assert chinese["locale"] == "zh_Hant"
    assert chinese["subject"] == "尚有 2 張相片等候你評分"
    assert chinese["body"].startswith("Judge 0，你好：\n\n在「")
    assert "的 2 件作品中，你已評分 0 件。評審將於 " in chinese["body"]
    assert "年" in chinese["body"] and "請按此繼續評分：http" in chinese["body"]
    assert english["locale"] == "en"
    assert english["subject"] == "2 photos are waiting for your scores"
    assert english["body"].startswith("Hello Judge 1,\n\nYou have scored 0 of 2 entries in")


def test_a_judges_score_out_of_range_is_refused_in_chinese(
    site: Site, judged: dict[str, Any]
) -> None:
    contest, first = judged["contest"], judged["entries"][0]
    site.sign_in("judge0@uni.edu")
    site.client.headers.update(HONG_KONG)
    response = score(site, contest, first, [5, 50, 5])
    assert response.status_code == 400
    assert "「Creativity」的分數範圍是 1 至 10。" in response.text
    stored = site.rows("SELECT count(*) AS n FROM reviews")
    assert stored[0]["n"] == 0
