"""The album: a contest's approved photos as a self-contained static site to host anywhere.

It holds display names and departments only (never emails), image files named by entry id
(never the participant's file name), share cards and, once results are out, the winners.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import anyio
import jinja2

from contest.contests.model import Contest
from contest.core.clock import format_local, zone
from contest.core.db import Database, Row
from contest.core.errors import ContestError
from contest.core.storage import LocalStorage
from contest.entries.text import normalize_tag
from contest.gallery.listing import credit
from contest.judging.winners import public_winners
from contest.media.collage import COLLAGE_SIZE, MAX_PHOTOS, make_winners_collage
from contest.media.share_card import CARD_SIZE, make_share_card

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "album"
#: Left in every album so a later export may replace the folder (and no other folder).
MARKER = ".contest-album"
COLLAGE = "winners-collage.jpg"
DESCRIPTION_PREVIEW = 200
STYLE = """\
:root { color-scheme: light dark; --ink: #1d1d1f; --muted: #5f6368; --paper: #fafaf7;
  --accent: #8a6200; --line: #e3e1da; }
@media (prefers-color-scheme: dark) { :root { --ink: #f2f2f2; --muted: #b0b0b0;
  --paper: #161618; --accent: #ffd166; --line: #2e2e33; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--ink);
  background: var(--paper); }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 1rem; }
a { color: inherit; } nav a { margin-right: 1rem; } .muted { color: var(--muted); }
.hashtag, .award { color: var(--accent); font-weight: 600; } .description { white-space: pre-line; }
.grid { display: grid; gap: 1rem; padding: 0; list-style: none;
  grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); }
img { display: block; max-width: 100%; height: auto; border-radius: 4px; background: var(--line); }
.grid img { width: 100%; aspect-ratio: 1; object-fit: cover; }
.grid h2 { font-size: 1rem; margin: .5rem 0 0; } .grid p { margin: 0; }
.winner { border-top: 1px solid var(--line); padding: 1rem 0; } blockquote { margin: .5rem 0; }
footer { border-top: 1px solid var(--line); font-size: .875rem; color: var(--muted); }
"""


class AlbumError(ContestError):
    """The album cannot be written where or how it was asked."""


@dataclass(frozen=True)
class AlbumReport:
    """What an export wrote, for the command line to print."""

    path: Path
    entries: int
    images: int
    winners: int


@dataclass(frozen=True)
class AlbumEntry:
    """One approved entry as the album shows it (public fields only)."""

    id: int
    title: str
    description: str
    alt: str
    author: str
    department: str
    category: str
    thumb_key: str
    thumb_size: tuple[int, int]
    display_key: str
    display_size: tuple[int, int]
    hashtags: list[str] = field(default_factory=list)
    awards: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Image:
    """An image of the album by its path inside the album, with its size."""

    path: str
    size: tuple[int, int]


@dataclass(frozen=True)
class _Plan:
    """Everything the album shows, gathered from the database before any file is written."""

    contest: Contest
    entries: list[AlbumEntry]
    winners: list[dict[str, Any]] | None
    base_url: str | None
    generated: str


async def _approved(db: Database, contest: Contest) -> list[Row]:
    """The contest's approved entries with the public facts about their authors."""
    return await db.fetch_all(
        "SELECT entries.id, entries.title, entries.description, entries.alt_text,"
        " entries.credit, entries.thumb_key, entries.thumb_width, entries.thumb_height,"
        " entries.display_key, entries.display_width, entries.display_height,"
        " users.display_name AS author_name, users.department AS author_department,"
        " categories.name AS category_name FROM entries"
        " JOIN users ON users.id = entries.participant_id"
        " LEFT JOIN categories ON categories.id = entries.category_id"
        " WHERE entries.contest_id = ? AND entries.status = 'approved' ORDER BY entries.id",
        (contest.id,),
    )


async def _hashtags(db: Database, contest: Contest) -> dict[int, list[str]]:
    """Each approved entry's hashtags, the official one spelled as the contest spells it."""
    official = contest.settings.hashtag
    rows = await db.fetch_all(
        "SELECT entry_hashtags.entry_id, entry_hashtags.tag FROM entry_hashtags"
        " JOIN entries ON entries.id = entry_hashtags.entry_id"
        " WHERE entries.contest_id = ? AND entries.status = 'approved'"
        " ORDER BY entry_hashtags.tag",
        (contest.id,),
    )
    tags: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        tag = official if row["tag"] == normalize_tag(official) else row["tag"]
        tags[row["entry_id"]].append(tag)
    return tags


def _likes_text(count: int) -> str:
    """``207 likes``, ``1 like``."""
    return f"{count} like{'' if count == 1 else 's'}"


def _award_line(winner: dict[str, Any]) -> str:
    """An award as an entry's page names it, People's Choice with its likes when the contest
    shows counts: ``People's Choice · 207 likes``."""
    if winner["likes"] is None:
        return str(winner["award"])
    return f"{winner['award']} · {_likes_text(winner['likes'])}"


def _entry(row: Row, hashtags: list[str], awards: list[str], *, named: bool) -> AlbumEntry:
    """An entry row as the album shows it (authors only once judging has closed)."""
    return AlbumEntry(
        id=row["id"],
        title=row["title"],
        description=row["description"],
        alt=row["alt_text"] or row["title"],
        author=credit(row) if named else "Author revealed after judging",
        department=(row["author_department"] or "") if named else "",
        category=row["category_name"] or "",
        thumb_key=row["thumb_key"],
        thumb_size=(row["thumb_width"], row["thumb_height"]),
        display_key=row["display_key"],
        display_size=(row["display_width"], row["display_height"]),
        hashtags=hashtags,
        awards=awards,
    )


def _base_url(base_url: str | None) -> str | None:
    """The album's public address without a trailing slash; AlbumError if it is not http(s)."""
    if base_url is None or not base_url.strip():
        return None
    base = base_url.strip().rstrip("/")
    if not base.startswith(("https://", "http://")) or any(c.isspace() for c in base):
        raise AlbumError("The base URL must be an http:// or https:// address.")
    return base


def _check_target(out_dir: Path) -> Path:
    """The folder's full path; AlbumError if it holds anything but an earlier album."""
    out_dir = out_dir.resolve()
    if out_dir.is_file() or (
        out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file()
    ):
        raise AlbumError(
            f"{out_dir} is not empty and holds no earlier album; choose a new or empty folder."
        )
    return out_dir


def _environment() -> jinja2.Environment:
    """Templates with autoescaping on; undefined names are errors."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _og(plan: _Plan, page: str, cover: _Image | None, **text: str) -> dict[str, Any]:
    """Open Graph facts for a page: absolute with a base URL, else relative to the page."""
    if plan.base_url:
        url, up = f"{plan.base_url}/{page}", f"{plan.base_url}/"
    else:
        url, up = page.rsplit("/", 1)[-1], "../" * page.count("/")
    og: dict[str, Any] = {"url": url, "image": None, "type": "website", **text}
    if cover is not None:
        og |= {"image": up + cover.path, "width": cover.size[0], "height": cover.size[1]}
    return og


def _cover(plan: _Plan, *, collage: bool) -> _Image | None:
    """The album's preview image: the winners collage, else the first entry's share card."""
    if collage:
        return _Image(COLLAGE, COLLAGE_SIZE)
    if plan.entries:
        return _Image(f"images/{plan.entries[0].id}-card.jpg", CARD_SIZE)
    return None


def _write_images(plan: _Plan, storage: LocalStorage, images: Path) -> int:
    """Copy each entry's thumbnail and display copy and draw its share card; return the count."""
    settings = plan.contest.settings
    for entry in plan.entries:
        display = storage.read(entry.display_key)
        (images / f"{entry.id}-thumb.jpg").write_bytes(storage.read(entry.thumb_key))
        (images / f"{entry.id}-display.jpg").write_bytes(display)
        card = make_share_card(
            display, title=entry.title, hashtag=settings.hashtag, contest_title=settings.title
        )
        (images / f"{entry.id}-card.jpg").write_bytes(card)
    return 3 * len(plan.entries)


def _write_collage(plan: _Plan, storage: LocalStorage, root: Path) -> bool:
    """Draw the winners collage if there are winners; return whether one was written."""
    if not plan.winners:
        return False
    photos = [
        (storage.read(winner["display_key"]), f"{winner['award']} · {winner['title']}")
        for winner in plan.winners[:MAX_PHOTOS]
    ]
    (root / COLLAGE).write_bytes(make_winners_collage(photos, contest_title=plan.contest.title))
    return True


def _entry_og(plan: _Plan, entry: AlbumEntry) -> dict[str, Any]:
    """Open Graph facts for an entry's page, its share card as the preview."""
    page = f"entries/{entry.id}.html"
    return _og(
        plan,
        page,
        _Image(f"images/{entry.id}-card.jpg", CARD_SIZE),
        title=f"{entry.title} · #{plan.contest.settings.hashtag}",
        description=(entry.description or plan.contest.title)[:DESCRIPTION_PREVIEW],
        alt=entry.alt,
        type="article",
    )


def _pages(plan: _Plan, *, collage: bool) -> dict[str, str]:
    """Every HTML page of the album by its path: index, winners, one per entry."""
    env, contest, cover = _environment(), plan.contest, _cover(plan, collage=collage)
    common = {"contest": contest, "generated": plan.generated, "collage": collage, "root": ""}
    common["results_on"] = format_local(
        contest.schedule.results_at, contest.settings.timezone, with_year=True
    )
    about = {
        "description": contest.settings.theme or f"Photos from {contest.title}",
        "alt": f"Photos from {contest.title}",
    }
    pages = {
        "index.html": env.get_template("index.html").render(
            common,
            entries=plan.entries,
            og=_og(plan, "index.html", cover, title=contest.title, **about),
        ),
        "winners.html": env.get_template("winners.html").render(
            common,
            winners=plan.winners,
            by_id={entry.id: entry for entry in plan.entries},
            og=_og(plan, "winners.html", cover, title=f"Winners · {contest.title}", **about),
        ),
    }
    entry_page = env.get_template("entry.html")
    for entry in plan.entries:
        pages[f"entries/{entry.id}.html"] = entry_page.render(
            common | {"root": "../"}, entry=entry, og=_entry_og(plan, entry)
        )
    return pages


def _build(plan: _Plan, storage: LocalStorage, out_dir: Path) -> AlbumReport:
    """Write the album into a fresh folder beside the target, then put it in the target's place."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".album-", dir=out_dir.parent))
    try:
        (staging / "entries").mkdir()
        (staging / "images").mkdir()
        images = _write_images(plan, storage, staging / "images")
        collage = _write_collage(plan, storage, staging)
        for name, html in _pages(plan, collage=collage).items():
            (staging / name).write_text(html, encoding="utf-8")
        (staging / "style.css").write_text(STYLE, encoding="utf-8")
        (staging / MARKER).write_text("Written by `contest export-album`; replaced by the next.\n")
        staging.chmod(0o755)
        _check_target(out_dir)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return AlbumReport(out_dir, len(plan.entries), images + int(collage), len(plan.winners or []))


async def export_album(
    db: Database,
    storage: LocalStorage,
    contest: Contest,
    out_dir: Path,
    *,
    now: datetime,
    base_url: str | None = None,
) -> AlbumReport:
    """Write the contest's album (approved entries, winners once announced) into ``out_dir``."""
    base = _base_url(base_url)
    out_dir = await anyio.to_thread.run_sync(_check_target, out_dir)
    rows = await _approved(db, contest)
    tags = await _hashtags(db, contest)
    winners = await public_winners(db, contest, now=now)
    awards: dict[int, list[str]] = defaultdict(list)
    for winner in winners or []:
        awards[winner["entry_id"]].append(_award_line(winner))
    named = contest.names_authors(now)
    entries = [
        _entry(row, tags.get(row["id"], []), awards.get(row["id"], []), named=named) for row in rows
    ]
    local = now.astimezone(zone(contest.settings.timezone))
    generated = f"{local.day} {local:%B %Y}"
    plan = _Plan(contest, entries, winners, base, generated)
    return await anyio.to_thread.run_sync(_build, plan, storage, out_dir)
