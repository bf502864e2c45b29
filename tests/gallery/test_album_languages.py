"""The album in a chosen language: every page's ``<html lang>``, words, dates and the words drawn
on the winners collage; an export in another language rewrites what differs, never keeping an
English page (or picture) for a Chinese album."""
# ruff: noqa: RUF001 -- Chinese pages use full-width punctuation

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import anyio
import pytest

from contest import cli
from contest.accounts import site_settings
from contest.contests.texts import ContestTexts
from contest.core.clock import zone
from contest.core.db import Database
from contest.core.security import Passwords
from contest.gallery.album import export_album
from contest.gallery.album_files import MANIFEST
from contest.i18n import written_date
from tests.gallery.test_album import NOW, announce_winners, html_pages, seed, setup

pytestmark = pytest.mark.anyio


def sources(out: Path) -> dict[str, str]:
    """What each file of the album was made from, as its manifest says."""
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    return {path: record["source"] for path, record in manifest["files"].items()}


async def test_a_traditional_chinese_album_speaks_it_on_every_page(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await setup(db, passwords, tmp_path)
    out = tmp_path / "album"
    out_at = await announce_winners(db, s)

    await export_album(db, s.storage, s.contest, out, now=out_at, locale="zh_Hant")

    pages = html_pages(out)
    assert len(pages) == 5  # index, winners, three entries
    for page, html in pages.items():
        assert '<html lang="zh-Hant">' in html, page.name
        assert ">所有相片</a>" in html and ">得獎作品</a>" in html
        assert "All photos" not in html and "The photo album of" not in html
        assert "Author revealed after judging" not in html and "by Maya" not in html
    local = out_at.astimezone(zone(s.contest.settings.timezone))
    made = written_date(local, "zh_Hant", with_year=True)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f"Light at the Library 相集，截至 {made}。所有相片的版權均屬其作者" in index
    assert "3 張相片" in index and ">得獎作品</a>" in index
    winners = (out / "winners.html").read_text(encoding="utf-8")
    assert "<h1>得獎作品</h1>" in winners and "冠軍" in winners and "Champion" not in winners
    assert 'alt="Light at the Library 的得獎相片"' in winners
    assert "作者：Maya Chen（CIVL）" in winners


async def test_a_simplified_chinese_album_gives_the_announcement_date_in_chinese(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await setup(db, passwords, tmp_path)
    out = tmp_path / "album"

    await export_album(db, s.storage, s.contest, out, now=NOW, locale="zh_Hans")

    winners = (out / "winners.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in winners
    results_at = s.contest.schedule.results_at.astimezone(zone(s.contest.settings.timezone))
    announced = written_date(results_at, "zh_Hans", with_year=True, with_time=True)
    assert f"结果尚未公布：获奖者将于 {announced} 公布。" in winners
    assert "评审结束后公布作者" in (out / "index.html").read_text(encoding="utf-8")


async def test_exporting_in_another_language_rewrites_the_pages_and_the_collage(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await setup(db, passwords, tmp_path)
    out = tmp_path / "album"
    out_at = await announce_winners(db, s)
    await export_album(db, s.storage, s.contest, out, now=out_at, locale="en")
    english = sources(out)
    english_collage = (out / "winners-collage.jpg").read_bytes()

    report = await export_album(db, s.storage, s.contest, out, now=out_at, locale="zh_Hant")

    chinese = sources(out)
    pages = [path for path in english if path.endswith(".html")]
    assert all(chinese[path] != english[path] for path in pages)
    assert chinese["winners-collage.jpg"] != english["winners-collage.jpg"]
    assert (out / "winners-collage.jpg").read_bytes() != english_collage
    assert report.written >= len(pages) + 1
    assert '<html lang="zh-Hant">' in (out / "index.html").read_text(encoding="utf-8")
    # The photos and share cards (the same words in any language) are kept as they were.
    kept = [path for path in english if path.endswith(("-thumb.jpg", "-display.jpg"))]
    assert kept and all(chinese[path] == english[path] for path in kept)


def test_the_command_takes_a_language_and_defaults_to_the_sites(data_dir: Path) -> None:
    slug = seed(data_dir)
    chosen, default = data_dir / "zh-hant", data_dir / "default"

    assert cli.main(["export-album", slug, str(chosen), "--lang", "zh_Hant", "--quiet"]) == 0

    async def choose_simplified() -> None:
        db = await Database.open(data_dir / "contest.db")
        try:
            await site_settings.put(db, {site_settings.LOCALE: "zh_Hans"})
        finally:
            await db.close()

    anyio.run(choose_simplified)
    assert cli.main(["export-album", slug, str(default), "--quiet"]) == 0
    assert '<html lang="zh-Hant">' in (chosen / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in (default / "index.html").read_text(encoding="utf-8")
    with pytest.raises(SystemExit):
        cli.main(["export-album", slug, str(data_dir / "other"), "--lang", "fr"])


async def test_a_chinese_title_gets_share_cards_of_its_own_and_keeps_the_sites(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await setup(db, passwords, tmp_path)
    texts = ContestTexts.of("en", {"zh_Hant": {"title": "圖書館之光"}})
    contest = replace(s.contest, settings=replace(s.contest.settings, texts=texts))
    english, chinese = tmp_path / "en", tmp_path / "zh"
    await export_album(db, s.storage, contest, english, now=NOW, locale="en")
    kept = {row["id"]: row["share_card_key"] for row in await db.fetch_all("SELECT * FROM entries")}

    await export_album(db, s.storage, contest, chinese, now=NOW, locale="zh_Hant")

    index = (chinese / "index.html").read_text(encoding="utf-8")
    assert "<h1>圖書館之光</h1>" in index and "Light at the Library" not in index
    cards = sorted(path.name for path in (english / "images").glob("*-card.jpg"))
    assert len(cards) == 3
    for name in cards:
        assert (chinese / "images" / name).read_bytes() != (english / "images" / name).read_bytes()
    after = {
        row["id"]: row["share_card_key"] for row in await db.fetch_all("SELECT * FROM entries")
    }
    assert after == kept  # the site's cards (in the main language) stay the entries' own


async def test_an_album_exported_first_in_chinese_leaves_the_sites_cards_to_the_main_language(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await setup(db, passwords, tmp_path)
    texts = ContestTexts.of("en", {"zh_Hant": {"title": "圖書館之光"}})
    contest = replace(s.contest, settings=replace(s.contest.settings, texts=texts))
    files_before = {path.name for path in s.storage.root.rglob("*") if path.is_file()}

    await export_album(db, s.storage, contest, tmp_path / "zh", now=NOW, locale="zh_Hant")

    shown = "SELECT share_card_key FROM entries WHERE status = 'approved'"
    keys = [row["share_card_key"] for row in await db.fetch_all(shown)]
    assert len(keys) == 3 and set(keys) == {None}  # the Chinese cards are the album's only
    files_after = {path.name for path in s.storage.root.rglob("*") if path.is_file()}
    assert files_after == files_before  # nor stored for nothing
    await export_album(db, s.storage, contest, tmp_path / "en", now=NOW, locale="en")
    english = (tmp_path / "en" / "images").glob("*-card.jpg")
    for card in english:
        assert card.read_bytes() != (tmp_path / "zh" / "images" / card.name).read_bytes()
    keys = [row["share_card_key"] for row in await db.fetch_all(shown)]
    assert None not in keys
