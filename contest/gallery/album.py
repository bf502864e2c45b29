"""The album: a contest's approved photos as a self-contained static site to host anywhere.

It holds display names and departments only (never emails), image files named by entry id
(never the participant's file name), share cards and, once results are out, the winners.
An export writes only what changed since the last one (``album_files``): share cards kept in
storage are copied, the others drawn on every core and kept for the next export and the site.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import anyio

from contest.accounts.site_settings import default_locale
from contest.contests.model import Contest
from contest.core.clock import format_local, zone
from contest.core.db import Database, Row
from contest.core.errors import ContestError
from contest.core.storage import Storage
from contest.entries.text import normalize_tag
from contest.gallery.album_files import Card, Progress, Wanted, source_of, sync_folder
from contest.gallery.album_pages import STYLE, award_line, environment, local_day, page_words
from contest.gallery.listing import credit
from contest.i18n import DEFAULT_LOCALE, N_, known, using_locale
from contest.judging.winners import public_winners
from contest.media.collage import COLLAGE_SIZE, KICKER_WORDS, MAX_PHOTOS, make_winners_collage
from contest.media.photos import release_files
from contest.media.share_card import CARD_SIZE

#: Left in every album so a later export may replace the folder (and no other folder).
MARKER = ".contest-album"
COLLAGE = "winners-collage.jpg"
DESCRIPTION_PREVIEW = 200
#: Threads storing the share cards drawn for the album (each store waits on the disk).
STORING_THREADS = 4


class AlbumError(ContestError):
    """The album cannot be written where or how it was asked."""


@dataclass(frozen=True)
class AlbumReport:
    """What an export wrote, for the command line to print."""

    path: Path
    entries: int
    images: int
    winners: int
    #: Files written, left as they were, and removed (no longer in the album).
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    #: Share cards drawn for this export (the others were kept in storage or unchanged).
    cards_drawn: int = 0


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
    #: The share card kept in storage, if the site or an earlier export drew one.
    card_key: str | None = None


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
    #: When the album was made, in the contest's zone.
    generated: datetime
    #: The language its pages (and the words drawn on its pictures) are in.
    locale: str = DEFAULT_LOCALE


async def _approved(db: Database, contest: Contest) -> list[Row]:
    """The contest's approved entries with the public facts about their authors."""
    return await db.fetch_all(
        "SELECT entries.id, entries.title, entries.description, entries.alt_text,"
        " entries.credit, entries.thumb_key, entries.thumb_width, entries.thumb_height,"
        " entries.display_key, entries.display_width, entries.display_height,"
        " entries.share_card_key,"
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


def _entry(row: Row, hashtags: list[str], awards: list[str], *, named: bool) -> AlbumEntry:
    """An entry row as the album shows it (authors only once judging has closed)."""
    return AlbumEntry(
        id=row["id"],
        title=row["title"],
        description=row["description"],
        alt=row["alt_text"] or row["title"],
        author=credit(row) if named else "",  # the pages say the author comes later
        department=(row["author_department"] or "") if named else "",
        category=row["category_name"] or "",
        thumb_key=row["thumb_key"],
        thumb_size=(row["thumb_width"], row["thumb_height"]),
        display_key=row["display_key"],
        display_size=(row["display_width"], row["display_height"]),
        hashtags=hashtags,
        awards=awards,
        card_key=row["share_card_key"],
    )


def _base_url(base_url: str | None) -> str | None:
    """The album's public address without a trailing slash; AlbumError if it is not http(s)."""
    if base_url is None or not base_url.strip():
        return None
    base = base_url.strip().rstrip("/")
    if not base.startswith(("https://", "http://")) or any(c.isspace() for c in base):
        raise AlbumError(N_("The base URL must be an http:// or https:// address."))
    return base


def _check_target(out_dir: Path) -> Path:
    """The folder's full path; AlbumError if it holds anything but an earlier album."""
    out_dir = out_dir.resolve()
    if out_dir.is_file() or (
        out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file()
    ):
        raise AlbumError(
            N_(
                "%(folder)s is not empty and holds no earlier album; choose a new or empty folder.",
                folder=out_dir,
            )
        )
    return out_dir


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


def _image_files(plan: _Plan, storage: Storage) -> list[Wanted]:
    """Each entry's thumbnail and display copy, unchanged, and its share card: the one kept in
    storage, or one to draw."""
    settings = plan.contest.settings
    wanted: list[Wanted] = []
    for entry in plan.entries:
        images = f"images/{entry.id}"
        for kind, key in (("thumb", entry.thumb_key), ("display", entry.display_key)):
            copy = partial(storage.read, key)
            wanted.append(Wanted(f"{images}-{kind}.jpg", source_of("copy", key), make=copy))
        words = (entry.title, settings.hashtag, plan.contest.title)
        source = source_of("card", entry.display_key, *words)
        # The card kept in storage names the contest in its main language (see share_card_of).
        main = plan.contest.title == settings.title
        if entry.card_key and main and storage.exists(entry.card_key):
            kept = partial(storage.read, entry.card_key)
            wanted.append(Wanted(f"{images}-card.jpg", source, make=kept))
        else:
            card = Card(storage, entry.display_key, *words)
            # Only a card naming the contest in its main language may become the site's card.
            keeper = entry.id if main else None
            wanted.append(Wanted(f"{images}-card.jpg", source, card=card, entry_id=keeper))
    return wanted


def _collage_file(plan: _Plan, storage: Storage) -> Wanted | None:
    """The winners collage, drawn only when what it shows changed; None before the winners."""
    if not plan.winners:
        return None
    shown = [
        (winner["display_key"], f"{winner['award']} · {winner['title']}")
        for winner in plan.winners[:MAX_PHOTOS]
    ]
    title, kicker = plan.contest.title, str(KICKER_WORDS)

    def make() -> bytes:
        photos = [(storage.read(key), label) for key, label in shown]
        return make_winners_collage(photos, contest_title=title, kicker=kicker)

    return Wanted(COLLAGE, source_of("collage", shown, title, kicker), make=make)


def _text_file(path: str, text: str) -> Wanted:
    """A page or the style sheet, by its content."""
    data = text.encode("utf-8")
    return Wanted(path, source_of("text", hashlib.sha256(data).hexdigest()), data=data)


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
    env, contest, cover = environment(), plan.contest, _cover(plan, collage=collage)
    title = contest.title
    common = {"contest": contest, "collage": collage, "root": "", **page_words()}
    made, tz_name = plan.generated, contest.settings.timezone
    common["generated"] = local_day(made, f"{made.day} {made:%B %Y}")
    results_at = contest.schedule.results_at
    common["results_on"] = local_day(
        results_at.astimezone(zone(tz_name)),
        format_local(results_at, tz_name, with_year=True),
        with_time=True,
    )
    about = {
        "description": contest.theme or str(N_("Photos from %(contest)s", contest=title)),
        "alt": str(N_("Photos from %(contest)s", contest=title)),
    }
    pages = {
        "index.html": env.get_template("index.html").render(
            common,
            entries=plan.entries,
            og=_og(plan, "index.html", cover, title=title, **about),
        ),
        "winners.html": env.get_template("winners.html").render(
            common,
            winners=plan.winners,
            by_id={entry.id: entry for entry in plan.entries},
            og=_og(plan, "winners.html", cover, title=f"{N_('Winners')} · {title}", **about),
        ),
    }
    entry_page = env.get_template("entry.html")
    for entry in plan.entries:
        pages[f"entries/{entry.id}.html"] = entry_page.render(
            common | {"root": "../"}, entry=entry, og=_entry_og(plan, entry)
        )
    return pages


def _build(
    plan: _Plan, storage: Storage, out_dir: Path, workers: int, on_progress: Progress | None
) -> tuple[AlbumReport, list[tuple[Wanted, str]]]:
    """Bring the album in the target folder up to date; the report and the share cards drawn
    now, stored, with their storage keys."""
    with using_locale(plan.locale):  # a worker thread: the pages' and pictures' language
        return _build_in_locale(plan, storage, out_dir, workers, on_progress)


def _build_in_locale(
    plan: _Plan, storage: Storage, out_dir: Path, workers: int, on_progress: Progress | None
) -> tuple[AlbumReport, list[tuple[Wanted, str]]]:
    _check_target(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    out_dir.chmod(0o755)
    marker = "Written by `contest export-album`; replaced by the next.\n"
    if not (out_dir / MARKER).is_file():  # first: a cut-short export is still an album
        (out_dir / MARKER).write_text(marker)
    wanted = _image_files(plan, storage)
    collage = _collage_file(plan, storage)
    wanted += [collage] if collage else []
    pages = _pages(plan, collage=collage is not None)
    wanted += [_text_file(name, html) for name, html in pages.items()]
    wanted += [_text_file("style.css", STYLE), _text_file(MARKER, marker)]
    with ThreadPoolExecutor(max_workers=STORING_THREADS) as threads:  # fsync runs meanwhile
        storing: list[tuple[Wanted, Future[str]]] = []

        def keep(item: Wanted, data: bytes) -> None:
            """Store a drawn card that may become its entry's (one in the main language)."""
            if item.entry_id is not None:
                storing.append((item, threads.submit(storage.put, data)))

        synced = sync_folder(
            out_dir,
            wanted,
            folders=("entries", "images"),
            workers=workers,
            on_progress=on_progress,
            on_drawn=keep,
        )
        kept = [(item, stored.result()) for item, stored in storing]
    images = 3 * len(plan.entries) + int(collage is not None)
    report = AlbumReport(
        out_dir,
        len(plan.entries),
        images,
        len(plan.winners or []),
        written=synced.written,
        unchanged=synced.unchanged,
        removed=synced.removed,
        cards_drawn=synced.drawn,
    )
    return report, kept


async def _keep_cards(
    db: Database, storage: Storage, plan: _Plan, kept: list[tuple[Wanted, str]]
) -> None:
    """Record the share cards drawn for the album on their entries, for the site and the next
    export; a card whose entry changed meanwhile (or got one) is not kept."""
    if not kept:
        return
    by_id = {entry.id: entry for entry in plan.entries}
    unused: list[str] = []
    async with db.transaction() as tx:
        for item, key in kept:
            entry = by_id[item.entry_id or 0]
            recorded = await tx.execute_rowcount(
                "UPDATE entries SET share_card_key = ? WHERE id = ?"
                " AND share_card_key IS NULL AND display_key = ? AND title = ?",
                (key, entry.id, entry.display_key, entry.title),
            )
            if not recorded:
                unused.append(key)
    await release_files(db, storage, unused)


async def _plan(
    db: Database, contest: Contest, *, now: datetime, base_url: str | None, locale: str
) -> _Plan:
    """What the album shows at ``now``, read from the database."""
    rows = await _approved(db, contest)
    tags = await _hashtags(db, contest)
    winners = await public_winners(db, contest, now=now)
    awards: dict[int, list[str]] = defaultdict(list)
    for winner in winners or []:
        awards[winner["entry_id"]].append(award_line(winner))
    named = contest.names_authors(now)
    entries = [
        _entry(row, tags.get(row["id"], []), awards.get(row["id"], []), named=named) for row in rows
    ]
    local = now.astimezone(zone(contest.settings.timezone))
    return _Plan(contest, entries, winners, base_url, local, locale)


async def export_album(
    db: Database,
    storage: Storage,
    contest: Contest,
    out_dir: Path,
    *,
    now: datetime,
    base_url: str | None = None,
    workers: int | None = None,
    on_progress: Progress | None = None,
    locale: str | None = None,
) -> AlbumReport:
    """Write the contest's album (approved entries, winners once announced) into ``out_dir``,
    or bring the album there up to date; share cards are drawn by ``workers`` processes (one
    per core by default). ``on_progress(done, total)`` hears of each file settled. The album
    is in ``locale`` (by default the site's language)."""
    base = _base_url(base_url)
    out_dir = await anyio.to_thread.run_sync(_check_target, out_dir)
    locale = known(locale) or await default_locale(db)
    plan = await _plan(db, contest, now=now, base_url=base, locale=locale)
    workers = workers or os.cpu_count() or 1
    report, kept = await anyio.to_thread.run_sync(
        _build, plan, storage, out_dir, workers, on_progress
    )
    await _keep_cards(db, storage, plan, kept)
    return report
