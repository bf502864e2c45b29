"""The exported album: a static site of approved entries only, safe to publish anywhere."""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
import pytest
from PIL import Image

from contest import cli
from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.entries import moderation
from contest.entries import store as entry_store
from contest.gallery.album import MARKER, AlbumError, AlbumReport, export_album
from contest.judging import results
from tests.factories import HASHTAG, START, add_account, add_contest, add_entry, photo_bytes

pytestmark = pytest.mark.anyio
NOW = START
SCRIPT_TITLE = "<script>alert(1)</script> at night"
EMAILS = ("maya@uni.edu", "leo@uni.edu", "olivia@uni.edu")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
LINK = re.compile(r'(?:href|src)="([^"]+)"')
OG_IMAGE = re.compile(r'<meta property="og:image" content="([^"]+)">')
OG_URL = re.compile(r'<meta property="og:url" content="([^"]+)">')


@dataclass
class Setup:
    """A contest with approved, pending and rejected entries, and who runs it."""

    contest: Contest
    storage: LocalStorage
    organizer: User
    ids: dict[str, int]


async def account(db: Database, passwords: Passwords, email: str, name: str, role: str) -> User:
    staff = role != "participant"
    return await add_account(
        db,
        passwords,
        email=email,
        name=name,
        role=role,
        now=NOW,
        affiliation="staff" if staff else "student",
        department="LIB" if staff else "CIVL",
    )


async def setup(db: Database, passwords: Passwords, tmp_path: Path) -> Setup:
    storage = LocalStorage(tmp_path / "media")
    contest = await add_contest(db, "submissions")
    organizer = await account(db, passwords, EMAILS[2], "Olivia Organizer", "organizer")
    maya = await account(db, passwords, EMAILS[0], "Maya Chen", "participant")
    leo = await account(db, passwords, EMAILS[1], "Leo Martin", "participant")
    plan = [  # photos of several shapes
        (maya, "Lamplight on the reading room", (480, 320), "approved", "name"),
        (maya, "Moon above the dome", (400, 400), "approved", "initials"),
        (leo, SCRIPT_TITLE, (270, 480), "approved", "name"),
        (leo, "Pending photo stays private", (360, 240), "pending", "name"),
        (leo, "Rejected photo stays private", (240, 360), "rejected", "name"),
    ]
    ids: dict[str, int] = {}
    for seed, (author, title, size, status, credit) in enumerate(plan):
        ids[title] = await add_entry(
            db,
            storage,
            contest,
            author,
            title=title,
            status=status,
            moderator=organizer,
            photo=photo_bytes(seed, size=size),
            description=f"About {title}.",
            alt_text="",
            hashtags="nightowls",
            credit=credit,
        )
    return Setup(contest, storage, organizer, ids)


async def review(
    db: Database, contest: Contest, organizer: User, entry_ids: list[int], action: str
) -> None:
    reason = "Not taken at the library." if action == "reject" else ""
    await moderation.moderate(
        db,
        contest=contest,
        entry_ids=entry_ids,
        action=action,
        reason=reason,
        moderator=organizer,
        now=NOW,
    )


async def announce_winners(db: Database, s: Setup) -> datetime:
    """Decide two awards, publish, and return the moment the winners are out."""
    for key, title in (
        ("champion", "Lamplight on the reading room"),
        ("runner_up_1", SCRIPT_TITLE),
    ):
        await results.decide_award(
            db,
            contest=s.contest,
            award_key=key,
            entry_id=s.ids[title],
            reason="The panel's choice",
            citation=f"Praise for {title}",
            actor=s.organizer,
            now=NOW,
        )
    await results.publish(
        db, contest=s.contest, actor=s.organizer, now=s.contest.schedule.judging_close
    )
    return s.contest.schedule.results_at


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def size_of(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


def leftovers(folder: Path) -> list[Path]:
    """Half-written albums left beside the target."""
    return list(folder.glob(".album-*"))


def html_pages(root: Path) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in root.rglob("*.html")}


async def export(db: Database, s: Setup, out: Path, **options: object) -> AlbumReport:
    now = options.pop("now", NOW)
    assert isinstance(now, datetime)
    base_url = options.pop("base_url", None)
    assert base_url is None or isinstance(base_url, str)
    return await export_album(db, s.storage, s.contest, out, now=now, base_url=base_url)


async def test_album_has_every_approved_entry_and_every_link_resolves(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await setup(db, passwords, tmp_path)
    out = tmp_path / "album"
    report = await export(db, s, out)
    approved = [s.ids[t] for t in ("Lamplight on the reading room", "Moon above the dome")]
    approved.append(s.ids[SCRIPT_TITLE])
    assert (report.entries, report.images, report.winners) == (3, 9, 0)
    for name in ("index.html", "winners.html", "style.css", MARKER):
        assert (out / name).is_file()
    index = (out / "index.html").read_text()
    for entry_id in approved:
        assert f'href="entries/{entry_id}.html"' in index
        for kind in ("thumb", "display", "card"):
            assert (out / "images" / f"{entry_id}-{kind}.jpg").is_file()
    assert re.search(r'<img src="images/\d+-thumb.jpg"[^>]* width="\d+" height="\d+"', index)
    for page, html in html_pages(out).items():
        for link in LINK.findall(html) + OG_IMAGE.findall(html) + OG_URL.findall(html):
            assert (page.parent / link).resolve().is_file(), f"{page.name} links {link}"


async def test_a_contest_without_approved_entries_still_makes_an_album(
    db: Database, tmp_path: Path
) -> None:
    contest = await add_contest(db, "submissions")
    storage = LocalStorage(tmp_path / "media")
    report = await export_album(db, storage, contest, tmp_path / "album", now=NOW)
    assert (report.entries, report.images, report.winners) == (0, 0, 0)
    index = (tmp_path / "album" / "index.html").read_text()
    assert (
        "No photos are on show yet." in index and 'name="twitter:card" content="summary"' in index
    )


async def test_album_leaves_out_pending_and_rejected_entries(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await setup(db, passwords, tmp_path)
    out = tmp_path / "album"
    await export(db, s, out)
    written = files(out)
    for title in ("Pending photo stays private", "Rejected photo stays private"):
        entry_id = s.ids[title]
        assert f"entries/{entry_id}.html" not in written
        assert not list((out / "images").glob(f"{entry_id}-*"))
        assert all(title.encode() not in data for data in written.values())


async def test_album_names_authors_by_display_name_and_holds_no_email(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await setup(db, passwords, tmp_path)
    during = tmp_path / "during-judging"
    await export(db, s, during)  # judging still open: no author is named anywhere
    lamplight_id = s.ids["Lamplight on the reading room"]
    early = (during / "entries" / f"{lamplight_id}.html").read_text()
    assert "Maya Chen" not in early and "Author revealed after judging" in early
    assert "by Author revealed" not in early
    index = (during / "index.html").read_text()
    assert "Author revealed after judging" in index and "by Author revealed" not in index
    out = tmp_path / "album"
    await export(db, s, out, now=s.contest.schedule.judging_close)
    for name, data in files(out).items():
        assert all(email.encode() not in data for email in EMAILS), name
        if not name.endswith(".jpg"):
            assert not EMAIL.search(data.decode()), name
    lamplight = (out / "entries" / f"{s.ids['Lamplight on the reading room']}.html").read_text()
    assert "by Maya Chen, CIVL" in lamplight
    moon = (out / "entries" / f"{s.ids['Moon above the dome']}.html").read_text()
    assert "by M.C., CIVL" in moon and "Maya Chen" not in moon
    assert f"#{HASHTAG}" in moon and "#nightowls" in moon


async def test_images_are_named_by_entry_and_copied_unchanged(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await setup(db, passwords, tmp_path)
    out = tmp_path / "album"
    await export(db, s, out)
    names = [p.name for p in (out / "images").iterdir()]
    assert all(re.fullmatch(r"\d+-(thumb|display|card)\.jpg", name) for name in names)
    entry = await entry_store.get_entry(db, s.ids["Moon above the dome"])
    copied = (out / "images" / f"{entry['id']}-display.jpg").read_bytes()
    assert copied == s.storage.read(entry["display_key"])
    assert size_of(out / "images" / f"{entry['id']}-card.jpg") == (1200, 630)


async def test_titles_are_escaped_in_every_page(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await setup(db, passwords, tmp_path)
    out = tmp_path / "album"
    await export(db, s, out)
    page = (out / "entries" / f"{s.ids[SCRIPT_TITLE]}.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; at night" in page
    assert all("<script" not in html for html in html_pages(out).values())


async def test_winners_wait_for_the_announcement_then_get_a_collage(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await setup(db, passwords, tmp_path)
    out = tmp_path / "album"
    out_at = await announce_winners(db, s)
    early = await export(db, s, out, now=out_at - timedelta(minutes=1))
    assert early.winners == 0 and not (out / "winners-collage.jpg").exists()
    assert "not out yet" in (out / "winners.html").read_text()
    report = await export(db, s, out, now=out_at)
    assert report.winners == 2 and report.images == 10
    assert size_of(out / "winners-collage.jpg") == (1080, 1080)
    winners = (out / "winners.html").read_text()
    champion = s.ids["Lamplight on the reading room"]
    assert "Champion" in winners and f'href="entries/{champion}.html"' in winners
    assert "Praise for Lamplight on the reading room" in winners
    assert "Champion" in (out / "entries" / f"{champion}.html").read_text()
    assert 'content="winners-collage.jpg"' in (out / "index.html").read_text()


async def test_preview_urls_are_relative_unless_a_base_url_is_given(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await setup(db, passwords, tmp_path)
    entry_id = s.ids["Moon above the dome"]
    out = tmp_path / "album"
    await export(db, s, out)
    page = (out / "entries" / f"{entry_id}.html").read_text()
    assert OG_IMAGE.findall(page) == [f"../images/{entry_id}-card.jpg"]
    assert OG_URL.findall(page) == [f"{entry_id}.html"]
    await export(db, s, out, base_url="https://library.example.edu/album/")
    page = (out / "entries" / f"{entry_id}.html").read_text()
    assert OG_IMAGE.findall(page) == [
        f"https://library.example.edu/album/images/{entry_id}-card.jpg"
    ]
    assert OG_URL.findall(page) == [f"https://library.example.edu/album/entries/{entry_id}.html"]
    with pytest.raises(AlbumError, match="http"):
        await export(db, s, out, base_url="javascript:alert(1)")


async def test_export_replaces_an_earlier_album_but_never_another_folder(
    db: Database, passwords: Passwords, tmp_path: Path
) -> None:
    s = await setup(db, passwords, tmp_path)
    out = tmp_path / "album"
    await export(db, s, out)
    moon = s.ids["Moon above the dome"]
    await review(db, s.contest, s.organizer, [moon], "reject")
    report = await export(db, s, out)
    assert report.entries == 2
    assert not (out / "entries" / f"{moon}.html").exists()
    assert not list((out / "images").glob(f"{moon}-*"))
    other = tmp_path / "documents"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(AlbumError, match="not empty"):
        await export(db, s, other)
    assert (other / "notes.txt").read_text() == "keep me"
    assert not leftovers(tmp_path)


def seed(
    data_dir: Path, build: Callable[[Database, Passwords, Path], Awaitable[Any]] = setup
) -> str:
    """A test contest (``build``'s) in the database and media folder the command will use;
    its slug."""

    async def work() -> str:
        db = await Database.open(data_dir / "contest.db")
        try:
            return str((await build(db, Passwords(fast=True), data_dir)).contest.slug)
        finally:
            await db.close()

    return anyio.run(work)


def test_cli_exports_the_album_and_explains_an_unknown_contest(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    slug = seed(data_dir)
    out = data_dir / "album"
    assert cli.main(["export-album", slug, str(out), "--base-url", "https://x.edu/a"]) == 0
    printed = capsys.readouterr().out
    assert "3 entries, 9 images, 0 winners" in printed and str(out) in printed
    assert len(list((out / "entries").glob("*.html"))) == 3
    assert "https://x.edu/a/images/" in (out / "index.html").read_text()
    with pytest.raises(SystemExit, match="no contest") as exit_info:
        cli.main(["export-album", "no-such-contest", str(data_dir / "other")])
    assert isinstance(exit_info.value.code, str)
    assert not (data_dir / "other").exists()
