# ruff: noqa: RUF001 -- Chinese pages use full-width commas and colons
"""The public pages (contest, gallery, photo, winners, hashtag, voting by email) read in
Traditional Chinese for a Hong Kong browser and in Simplified Chinese for a mainland one, with
Chinese measure words, and none of their English sentences left over."""

from __future__ import annotations

from collections.abc import Callable

from contest.contests.phases import Phase
from contest.contests.store import get_contest
from tests.conftest import Site
from tests.factories import add_contest, add_like
from tests.web.public.test_winners_counts_web import announce

HK = {"Accept-Language": "zh-HK"}
CN = {"Accept-Language": "zh-CN"}


def like_first(site: Site, entries: list[int], browsers: int) -> None:
    """Like the first entry from that many browsers."""

    async def like() -> None:
        contest_id = await site.db.fetch_value(
            "SELECT contest_id FROM entries WHERE id = ?", (entries[0],)
        )
        contest = await get_contest(site.db, contest_id)
        for n in range(browsers):
            await add_like(site.db, contest, entries[0], f"browser-{n}", now=site.clock())

    site.run(like)


def test_the_contest_page_reads_in_traditional_chinese_for_a_hong_kong_browser(
    site: Site, entries: list[int]
) -> None:
    slug = site.value("SELECT slug FROM contests")
    page = site.client.get(f"/contests/{slug}", headers=HK)
    assert page.status_code == 200 and '<html lang="zh-Hant">' in page.text
    for chinese in ("瀏覽參賽作品", '<h2 id="calendar-heading">日程</h2>', "參賽資格", "件作品。"):
        assert chinese in page.text
    assert "評審如何評分" in page.text and "位評審評分才會計入排名" in page.text
    for english in ("See the photos", "Calendar", "Who may enter", "photos each", "to be ranked"):
        assert english not in page.text


def test_the_gallery_reads_in_simplified_chinese_with_a_measure_word_for_likes(
    make_entries: Callable[..., list[int]], site: Site
) -> None:
    entries = make_entries(voting_mode="device")
    like_first(site, entries, 3)
    assert site.value("SELECT COUNT(*) FROM likes WHERE entry_id = ?", (entries[0],)) == 3
    slug = site.value("SELECT slug FROM contests")
    page = site.client.get(f"/contests/{slug}/gallery", headers=CN)
    assert page.status_code == 200 and '<html lang="zh-Hans">' in page.text
    assert "<h1>参赛作品</h1>" in page.text and "为你随机排列" in page.text
    assert "3 个赞" in page.text and "0 个赞" in page.text
    assert "点 ♥ 即可点赞，无需账户。" in page.text
    for english in ("The photos", "Shuffled for you", " likes", "Tap ♥", "Author revealed"):
        assert english not in page.text
    # The English gallery, cached beside it, keeps its words and plurals.
    english_page = site.client.get(f"/contests/{slug}/gallery").text
    assert "3 likes" in english_page and "0 likes" in english_page and "个赞" not in english_page


def test_a_photos_page_reads_in_traditional_chinese(
    make_entries: Callable[..., list[int]], site: Site
) -> None:
    entries = make_entries(voting_mode="device")
    like_first(site, entries, 1)
    page = site.client.get(f"/entries/{entries[0]}", headers=HK)
    assert page.status_code == 200 and '<html lang="zh-Hant">' in page.text
    assert "1 個讚" in page.text and "評審完成後公佈作者" in page.text
    assert '分享連結：<span class="share-url">' in page.text and "複製連結" in page.text
    assert "的所有參賽作品" in page.text
    for english in ("Link to share", "Copy link", "Author revealed", "1 like", "All photos of"):
        assert english not in page.text


def test_the_winners_page_reads_in_simplified_chinese(site: Site) -> None:
    slugs = announce(site)
    page = site.client.get(f"/contests/{slugs[False]}/winners", headers=CN)
    assert page.status_code == 200 and '<html lang="zh-Hans">' in page.text
    assert "获奖作品：Light, counts hidden: False" in page.text
    assert "公众点了 3 个赞" in page.text and "分享获奖作品" in page.text
    assert "作者：Bob Roy" in page.text
    for english in ("<h1>Winners:", "likes from the public", "Share the winners", "by Bob Roy"):
        assert english not in page.text


def test_the_hashtag_page_and_voting_by_email_read_in_chinese(
    site: Site, entries: list[int]
) -> None:
    empty = site.client.get("/hashtags/nightowls", headers=HK).text
    assert "暫時未有標籤為 #nightowls 的作品。" in empty and "No photos with" not in empty

    contest = site.run(
        add_contest,
        site.db,
        Phase.JUDGING_AND_VOTING,
        now=site.clock(),
        voting_mode="email",
        title="Night reading",
    )
    page = site.client.get(f"/contests/{contest.slug}/vote-by-email", headers=CN)
    assert page.status_code == 200 and "<h1>为 Night reading 投票</h1>" in page.text
    assert "你的邮箱" in page.text and "把链接发给我" in page.text
    assert "Your email" not in page.text and "Send me the link" not in page.text
