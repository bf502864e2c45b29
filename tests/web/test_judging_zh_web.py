# ruff: noqa: RUF001 -- Chinese pages use full-width commas, colons and brackets
"""The judge's pages and the organizer's moderation queue speak 繁體中文 and 简体中文 when the
browser asks for them, and stay word for word English otherwise."""

from typing import Any

import pytest

from tests.conftest import Site
from tests.web.manage.test_moderation_web import entries_by, organizer
from tests.web.members.test_entries_web import contest_slug
from tests.web.members.test_judging_web import judged, score

__all__ = ["contest_slug", "judged"]

HONG_KONG = {"Accept-Language": "zh-HK,zh;q=0.9,en;q=0.8"}
MAINLAND = {"Accept-Language": "zh-CN"}
JUDGE_ENGLISH = [
    "scored</",
    "Judging is open until",
    "Entries are shown without their authors",
    "Start scoring",
    "To score",
    "Save and next",
    "conflict of interest",
    "Take it out of my queue",
    "All entries",
    "Open the full-size photo",
]


def english_left(html: str, sentences: list[str]) -> list[str]:
    """The English sentences still on a page."""
    return [sentence for sentence in sentences if sentence in html]


def test_a_hong_kong_judge_reads_the_panel_list_in_traditional_chinese(
    site: Site, judged: dict[str, Any]
) -> None:
    site.sign_in("judge0@uni.edu")
    page = site.client.get("/judging", headers=HONG_KONG)
    assert page.status_code == 200
    assert '<html lang="zh-Hant">' in page.text
    assert "<h1>評審</h1>" in page.text
    assert "已評分 0 件，共 2 件" in page.text
    assert "評審開放至 " in page.text
    assert english_left(page.text, JUDGE_ENGLISH) == []


def test_a_mainland_judge_scores_an_entry_in_simplified_chinese(
    site: Site, judged: dict[str, Any]
) -> None:
    site.sign_in("judge0@uni.edu")
    site.client.headers.update(MAINLAND)
    contest, first = judged["contest"], judged["entries"][0]
    queue = site.client.get(f"/judging/{contest}").text
    assert '<html lang="zh-Hans">' in queue
    assert "评审：" in queue and "参赛作品不显示作者。" in queue
    assert ">开始评分</a>" in queue and queue.count(">待评分</span>") == 2
    form = site.client.get(f"/judging/{contest}/entries/{first}").text
    assert ">保存并评下一件</button>" in form
    assert "<summary>我与这件作品存在利益冲突</summary>" in form
    assert "备注（选填，仅主办方可见）" in form and "← 全部参赛作品" in form
    assert english_left(queue + form, JUDGE_ENGLISH) == []

    assert score(site, contest, first, [5, 4, 3]).status_code == 303
    saved = site.rows(
        "SELECT value FROM review_scores WHERE entry_id = ? ORDER BY criterion_id", (first,)
    )
    assert [row["value"] for row in saved] == [5, 4, 3]
    after = site.client.get(f"/judging/{contest}").text
    assert "已评分 1 件，共 2 件" in after
    assert ">继续评分</a>" in after and ">已评分</span>" in after and ">待评分</span>" in after


def test_an_organizer_moderates_in_traditional_chinese(site: Site, contest_slug: str) -> None:
    entries_by(site, contest_slug, "ann@uni.edu", 2)
    queue = organizer(site)
    site.client.headers.update(HONG_KONG)
    page = site.client.get(queue).text
    assert '<html lang="zh-Hant">' in page
    assert "<h1>審核作品：" in page
    assert page.count("· 已參賽 2 件（上限 3 件）") == 2
    assert ">接納所選作品</button>" in page and ">不接納所選作品</button>" in page
    assert "原因（不接納作品時會發送給參加者）" in page and "選取「View number 0 of ann」" in page
    for sentence in ("Approve selected", "Reject selected", "· entry ", "Select “"):
        assert sentence not in page
    empty = site.client.get(queue + "?status=approved").text
    assert "暫時沒有已接納的作品，接納後的作品會在這裏列出。" in empty


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        ("pending", "Nothing here: waiting for review entries will appear in this list."),
        ("approved", "Nothing here: approved entries will appear in this list."),
        ("rejected", "Nothing here: not accepted entries will appear in this list."),
    ],
)
def test_the_english_empty_queue_says_the_same_sentence_as_before(
    site: Site, contest_slug: str, status: str, sentence: str
) -> None:
    queue = organizer(site)
    page = site.client.get(f"{queue}?status={status}", headers={"Accept-Language": "en"})
    assert f'<p class="empty">{sentence}</p>' in page.text


def test_a_mainland_organizer_sees_an_empty_queue_in_simplified_chinese(
    site: Site, contest_slug: str
) -> None:
    queue = organizer(site)
    page = site.client.get(f"{queue}?status=rejected", headers=MAINLAND).text
    assert "暂无未通过的作品，未通过审核的作品会在这里列出。" in page
    assert "Nothing here" not in page


def test_after_judging_closes_a_hong_kong_judge_reads_that_scores_are_read_only(
    site: Site, judged: dict[str, Any]
) -> None:
    contest, first = judged["contest"], judged["entries"][0]
    site.clock.advance(days=40)
    site.sign_in("judge0@uni.edu")
    site.client.headers.update(HONG_KONG)
    home = site.client.get("/judging").text
    assert "得獎名單已於 " in home and "Winners announced" not in home
    queue = site.client.get(f"/judging/{contest}").text
    assert "評審已結束，你的評分只供查閱，不能再修改。" in queue
    page = site.client.get(f"/judging/{contest}/entries/{first}").text
    assert (
        "評審已結束，評分只供查閱，不能再修改。" in page and "<form" not in page.split("<main")[1]
    )
    assert "read-only" not in queue + page


def test_a_mainland_organizer_reads_the_reason_and_date_of_a_rejected_entry(
    site: Site, contest_slug: str
) -> None:
    ids = entries_by(site, contest_slug, "ann@uni.edu", 1, taken="2026:05:14 18:00:00")
    queue = organizer(site)
    site.client.headers.update(MAINLAND)
    rejected = site.post(queue, {"entry_ids": [str(ids[0])], "action": "reject", "reason": "模糊"})
    assert rejected.status_code == 200
    assert site.value("SELECT rejection_reason FROM entries WHERE id = ?", (ids[0],)) == "模糊"
    page = site.client.get(f"{queue}?status=rejected").text
    assert "已告知的原因：模糊" in page and "· 拍摄于 5月14日" in page
    assert "Reason given" not in page and "taken " not in page
