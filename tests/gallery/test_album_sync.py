"""The album export writes only what changed: unchanged files stay untouched, a changed entry
rewrites its own files, a withdrawn one's go; share cards kept in storage are reused, the ones
drawn are kept; the command line shows a summary, or nothing with --quiet."""

import json
from dataclasses import dataclass
from pathlib import Path

import anyio
import pytest

from contest import cli
from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.entries import moderation, submission
from contest.entries import store as entry_store
from contest.gallery.album import AlbumReport, export_album
from contest.gallery.album_files import MANIFEST
from contest.media.photos import share_card_of
from contest.media.share_card import make_share_card
from tests.factories import START, add_account, add_contest, add_entry, entry_form, photo_bytes
from tests.gallery.test_album import seed

pytestmark = pytest.mark.anyio
NOW = START
TITLES = ("Lamplight on the stacks", "Moon above the dome", "Rain on the skylight")
SIZES = ((480, 320), (300, 300), (270, 480))


@dataclass
class Site:
    """A contest taking submissions, with three approved entries by one author."""

    contest: Contest
    storage: LocalStorage
    author: User
    organizer: User
    ids: list[int]


async def site(db: Database, passwords: Passwords, root: Path) -> Site:
    storage = LocalStorage(root / "media")
    contest = await add_contest(db, "submissions")
    author = await add_account(db, passwords, email="maya@uni.edu", name="Maya Chen")
    organizer = await add_account(db, passwords, email="boss@uni.edu", role="organizer")
    ids = [
        await add_entry(
            db,
            storage,
            contest,
            author,
            title=title,
            moderator=organizer,
            photo=photo_bytes(seed, size=size),
        )
        for seed, (title, size) in enumerate(zip(TITLES, SIZES, strict=True))
    ]
    return Site(contest, storage, author, organizer, ids)


async def export(db: Database, s: Site, out: Path, **options: object) -> AlbumReport:
    return await export_album(db, s.storage, s.contest, out, now=NOW, **options)  # type: ignore[arg-type]


def stamps(root: Path) -> dict[str, tuple[int, int]]:
    """Every file of the album (the manifest aside) with its inode and modification time."""
    return {
        path.relative_to(root).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in root.rglob("*")
        if path.is_file() and path.name != MANIFEST
    }


def changed(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> set[str]:
    return {name for name, stamp in after.items() if before.get(name) != stamp}


def own_files(entry_id: int) -> set[str]:
    kinds = ("thumb", "display", "card")
    return {f"images/{entry_id}-{kind}.jpg" for kind in kinds} | {f"entries/{entry_id}.html"}


async def test_a_second_export_with_nothing_changed_rewrites_no_file(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await site(db, passwords, tmp_path)
    out = tmp_path / "album"
    first = await export(db, s, out)
    before = stamps(out)
    assert first.written == len(before) and first.unchanged == 0 and first.cards_drawn == 3
    second = await export(db, s, out)
    assert changed(before, stamps(out)) == set() and set(stamps(out)) == set(before)
    assert (second.written, second.removed, second.cards_drawn) == (0, 0, 0)
    assert second.unchanged == len(before)
    manifest = json.loads((out / MANIFEST).read_text())
    assert set(manifest["files"]) == set(before)


async def test_a_changed_entry_rewrites_only_its_own_files_and_the_index(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await site(db, passwords, tmp_path)
    out = tmp_path / "album"
    await export(db, s, out)
    before = stamps(out)
    moon = s.ids[1]
    entry = await entry_store.get_entry(db, moon)
    posted = submission.Posted(s.contest, s.author, entry_form("Moon over the dome"), b"", NOW)
    refused = await submission.change_entry(
        db, s.storage, posted, entry=entry, limiter=anyio.CapacityLimiter(1)
    )
    assert refused is None
    await moderation.moderate(
        db,
        contest=s.contest,
        entry_ids=[moon],
        action="approve",
        reason="",
        moderator=s.organizer,
        now=NOW,
    )
    report = await export(db, s, out)
    assert changed(before, stamps(out)) == {
        f"images/{moon}-card.jpg",
        f"entries/{moon}.html",
        "index.html",
    }
    assert report.written == 3 and report.cards_drawn == 1
    assert "Moon over the dome" in (out / "entries" / f"{moon}.html").read_text()


async def test_a_withdrawn_entrys_files_are_removed_and_the_rest_stay(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await site(db, passwords, tmp_path)
    out = tmp_path / "album"
    await export(db, s, out)
    before = stamps(out)
    rain = s.ids[2]
    entry = await entry_store.get_entry(db, rain)
    await entry_store.withdraw_entry(db, entry=entry, contest=s.contest, user=s.author, now=NOW)
    report = await export(db, s, out)
    after = stamps(out)
    assert set(before) - set(after) == own_files(rain)
    assert report.removed == 4 and report.entries == 2
    assert changed(before, after) == {"index.html"}
    assert not own_files(rain) & set(json.loads((out / MANIFEST).read_text())["files"])


async def test_a_file_changed_by_hand_is_put_right_and_stray_files_go(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await site(db, passwords, tmp_path)
    out = tmp_path / "album"
    await export(db, s, out)
    thumb = out / "images" / f"{s.ids[0]}-thumb.jpg"
    original = thumb.read_bytes()
    thumb.write_bytes(b"not a photo")
    (out / "images" / "stray.jpg").write_bytes(b"left by hand")
    report = await export(db, s, out)
    assert thumb.read_bytes() == original
    assert not (out / "images" / "stray.jpg").exists()
    assert (report.written, report.removed) == (1, 1)


async def test_cards_drawn_for_the_album_are_kept_and_reused_by_the_next_export(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await site(db, passwords, tmp_path)
    settings = s.contest.settings
    first = tmp_path / "first"
    await export(db, s, first)
    for entry_id in s.ids:
        entry = await entry_store.get_entry(db, entry_id)
        card = (first / "images" / f"{entry_id}-card.jpg").read_bytes()
        assert s.storage.read(entry["share_card_key"]) == card
        drawn = make_share_card(
            s.storage.read(entry["display_key"]),
            title=entry["title"],
            hashtag=settings.hashtag,
            contest_title=settings.title,
        )
        assert card == drawn  # the same card the export always drew
    report = await export(db, s, tmp_path / "second")
    assert report.cards_drawn == 0 and report.written > 0
    for entry_id in s.ids:
        name = f"images/{entry_id}-card.jpg"
        assert (tmp_path / "second" / name).read_bytes() == (first / name).read_bytes()


async def test_a_card_the_site_keeps_is_copied_not_drawn_again(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await site(db, passwords, tmp_path)
    entry = await entry_store.get_entry(db, s.ids[0])
    key = await share_card_of(
        db,
        s.storage,
        entry,
        hashtag=s.contest.settings.hashtag,
        contest_title=s.contest.title,
        limiter=anyio.CapacityLimiter(1),
    )
    out = tmp_path / "album"
    report = await export(db, s, out, workers=1)
    assert report.cards_drawn == 2
    assert (out / "images" / f"{s.ids[0]}-card.jpg").read_bytes() == s.storage.read(key)


async def test_progress_counts_every_file_up_to_the_total(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await site(db, passwords, tmp_path)
    heard: list[tuple[int, int]] = []
    out = tmp_path / "album"
    await export(db, s, out, on_progress=lambda done, total: heard.append((done, total)))
    total = len(stamps(out))
    assert heard[0] == (0, total) and heard[-1] == (total, total)
    assert [done for done, _ in heard] == sorted(done for done, _ in heard)


def test_the_command_prints_a_summary_and_nothing_but_errors_when_quiet(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    slug = seed(data_dir, site)
    out = data_dir / "album"
    assert cli.main(["export-album", slug, str(out)]) == 0
    said = capsys.readouterr()
    assert "3 entries, 9 images, 0 winners" in said.out
    assert "files written, 0 unchanged, 0 removed; 3 share cards drawn" in said.out
    assert cli.main(["export-album", slug, str(out)]) == 0
    assert "0 files written" in capsys.readouterr().out
    assert cli.main(["export-album", "--quiet", slug, str(data_dir / "quiet")]) == 0
    said = capsys.readouterr()
    assert (said.out, said.err) == ("", "")
    assert len(list((data_dir / "quiet" / "entries").glob("*.html"))) == 3
    with pytest.raises(SystemExit, match="no contest"):
        cli.main(["export-album", "--quiet", "no-such-contest", str(data_dir / "other")])


def test_the_command_shows_a_progress_bar_on_a_terminal(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    slug = seed(data_dir, site)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert cli.main(["export-album", slug, str(data_dir / "album")]) == 0
    said = capsys.readouterr()
    assert "Exporting the album" in said.err and "Album written to" in said.out
    assert cli.main(["export-album", "-q", slug, str(data_dir / "album")]) == 0
    assert capsys.readouterr().err == ""
