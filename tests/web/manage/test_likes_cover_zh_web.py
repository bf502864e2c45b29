"""The organizers' likes review, likes from elsewhere and cover pages in Chinese, with none of
their English left; a refused reading says why in the organizer's language."""
# ruff: noqa: RUF001 -- Chinese pages use full-width punctuation

from __future__ import annotations

from typing import Any

from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import add_account, add_contest, add_entry, photo_bytes

HONG_KONG = "zh-HK,zh;q=0.9,en;q=0.8"
MAINLAND = "zh-CN,zh;q=0.9"


def scene(site: Site, **settings: Any) -> tuple[int, int]:
    """An organizer signed in to a contest in voting with one approved photo: its id, entry."""
    now = site.clock()
    organizer = site.user(site.sign_in_as("organizer", "org@uni.edu"))

    async def create() -> tuple[int, int]:
        contest = await add_contest(site.db, Phase.JUDGING_AND_VOTING, now=now, **settings)
        ann = await add_account(site.db, site.passwords, email="ann@uni.edu", name="Ann Lee")
        entry = await add_entry(
            site.db,
            site.storage,
            contest,
            ann,
            title="Lamplight",
            photo=photo_bytes(1),
            moderator=organizer,
            now=now,
        )
        return contest.id, entry

    return site.run(create)


def test_the_likes_review_speaks_traditional_chinese(site: Site) -> None:
    contest_id, _ = scene(site)
    site.client.headers["Accept-Language"] = HONG_KONG

    page = site.client.get(f"/manage/contests/{contest_id}/likes")

    assert page.status_code == 200 and '<html lang="zh-Hant">' in page.text
    assert "讚好與分享：Light at the Library" in page.text
    assert "<h2>被拒絕的讚好</h2>" in page.text and "沒有發現異常。" in page.text
    assert "讚好統計與只可追加的紀錄相符。" in page.text
    for english in ("Refused likes", "Nothing looks unusual", "Shares and views", "Voided likes"):
        assert english not in page.text


def test_likes_from_elsewhere_speak_simplified_chinese_and_refuse_in_it(site: Site) -> None:
    contest_id, entry = scene(site, external_network="Instagram")
    site.client.headers["Accept-Language"] = MAINLAND
    path = f"/manage/contests/{contest_id}/likes-elsewhere"

    page = site.client.get(path).text
    refused = site.post(
        f"{path}/record",
        {"entry": str(entry), "likes": "-3", "read_at": "2026-03-01T10:00"},
        form_page=path,
    )

    assert "其他平台的点赞：Light at the Library" in page
    assert (
        "从 Instagram 读取的点赞数" in page and '<h2 id="import-heading">导入 CSV 文件</h2>' in page
    )
    assert "Like counts read from" not in page and "Import a CSV file" not in page
    assert refused.status_code == 400
    assert "点赞数不能为负数。" in refused.text
    assert "A count of likes cannot be negative." not in refused.text


def test_the_cover_page_speaks_traditional_chinese(site: Site) -> None:
    contest_id, _ = scene(site)
    site.client.headers["Accept-Language"] = HONG_KONG

    page = site.client.get(f"/manage/contests/{contest_id}/cover").text
    refused = site.post(
        f"/manage/contests/{contest_id}/cover",
        {"action": "choose", "entry_id": "999"},
        form_page=f"/manage/contests/{contest_id}/cover",
    )

    assert "<h1>封面相片</h1>" in page and "以這張相片作封面" in page and "或上載相片" in page
    assert "Cover photo" not in page and "Upload as the cover" not in page
    assert refused.status_code == 400
    assert "請從本比賽已通過審核的相片中選擇一張。" in refused.text
