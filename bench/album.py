"""Benchmark `contest export-album` on 1,000 approved entries: today's way against the new one.

The old way is a faithful copy of the export before it wrote only what changed: one entry at a
time, every share card drawn again (with the card drawing of that commit, BASELINE, read from
git), the whole album written into a fresh folder. The new way
is run three times: cold (a new folder, no share card kept: every card drawn on every core),
warm (the same folder again, nothing changed) and cold with the cards kept (a new folder; the
cards the first run kept in storage are copied). Every run's output is compared with the old
one's, file by file (the cards, drawn faster now, by their count and size).

Run: .venv/bin/python bench/album.py [ENTRIES]   (the last line printed is a JSON summary)
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageDraw

from contest.contests import store as contest_store
from contest.contests.model import Contest
from contest.core.clock import to_db
from contest.core.db import Database
from contest.core.storage import LocalStorage
from contest.demo.contests import demo_settings
from contest.gallery import album
from contest.gallery.album_files import MANIFEST
from contest.media.collage import MAX_PHOTOS, make_winners_collage

ROOT = Path(__file__).resolve().parent.parent
#: The commit before the album wrote only what changed and before cards were drawn faster.
BASELINE = "e693e42"

ENTRIES = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000
PARTICIPANTS = 200
NOW = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
START = NOW - timedelta(days=28)
WORDS = ("lamp", "moon", "dome", "reading", "room", "night", "owl", "stairs", "window", "rain")


def photo(index: int, rnd: random.Random) -> tuple[bytes, bytes, tuple[int, int]]:
    """A distinct display copy (1600 px on its long edge, a third of them portrait) and its
    400 px thumbnail, as JPEGs like the site's."""
    size = (1200, 1600) if index % 3 == 0 else (1600, 1200)
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(24):
        x, y = rnd.randrange(size[0]), rnd.randrange(size[1])
        side = rnd.randrange(60, 400)
        colour = (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
        draw.rectangle((x, y, x + side, y + side // 2), fill=colour)
    display, thumb = io.BytesIO(), io.BytesIO()
    image.save(display, "JPEG", quality=88, subsampling=0)
    image.resize((size[0] // 4, size[1] // 4)).save(thumb, "JPEG", quality=82)
    return display.getvalue(), thumb.getvalue(), size


async def seed(db: Database, storage: LocalStorage) -> Contest:
    """A contest whose judging has closed, with ENTRIES approved entries of distinct photos."""
    rnd = random.Random(7)
    contest = await contest_store.create_contest(
        db, demo_settings(START, "Asia/Hong_Kong"), created_by=None, now=START
    )
    rows = []
    for index in range(ENTRIES):
        display, thumb, size = photo(index, rnd)
        title = " ".join(rnd.choice(WORDS) for _ in range(rnd.randrange(2, 9))).capitalize()
        rows.append(
            (
                contest.id,
                rnd.randrange(PARTICIPANTS) + 1,
                title,
                f"sha{index}",
                storage.put(thumb),
                size[0] // 4,
                size[1] // 4,
                storage.put(display),
                *size,
                storage.put(display),  # the master: as large as the display copy here
                to_db(START),
            )
        )
    async with db.transaction() as tx:
        await tx.execute_many(
            "INSERT INTO users (email, display_name, role, affiliation, department, password_hash,"
            " created_at) VALUES (?, ?, 'participant', 'student', 'CIVL', 'x', 'x')",
            [(f"p{i}@uni.edu", f"P {i}") for i in range(PARTICIPANTS)],
        )
        await tx.execute_many(
            "INSERT INTO entries (contest_id, participant_id, title, status, licence,"
            " consent_own_work, consent_people, original_sha256, dhash, image_format, width,"
            " height, thumb_key, thumb_width, thumb_height, display_key, display_width,"
            " display_height, master_key, created_at, updated_at) VALUES (?, ?, ?, 'approved',"
            " 'contest', 1, 1, ?, '0', 'JPEG', 1600, 1200, ?, ?, ?, ?, ?, ?, ?, ?, 'x')",
            rows,
        )
    return contest


# Today's way, copied faithfully from contest/gallery/album.py before this change.


def baseline_share_card() -> types.ModuleType:
    """contest/media/share_card.py as it was at BASELINE, loaded as a module of its own."""
    source = subprocess.run(
        ["git", "show", f"{BASELINE}:contest/media/share_card.py"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    module = types.ModuleType("baseline_share_card")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, "baseline_share_card.py", "exec"), module.__dict__)  # noqa: S102
    return module


OLD_CARDS = baseline_share_card()


def old_write_images(plan: album._Plan, storage: LocalStorage, images: Path) -> int:
    settings = plan.contest.settings
    for entry in plan.entries:
        display = storage.read(entry.display_key)
        (images / f"{entry.id}-thumb.jpg").write_bytes(storage.read(entry.thumb_key))
        (images / f"{entry.id}-display.jpg").write_bytes(display)
        card = OLD_CARDS.make_share_card(
            display, title=entry.title, hashtag=settings.hashtag, contest_title=settings.title
        )
        (images / f"{entry.id}-card.jpg").write_bytes(card)
    return 3 * len(plan.entries)


def old_write_collage(plan: album._Plan, storage: LocalStorage, root: Path) -> bool:
    if not plan.winners:
        return False
    photos = [
        (storage.read(winner["display_key"]), f"{winner['award']} · {winner['title']}")
        for winner in plan.winners[:MAX_PHOTOS]
    ]
    (root / album.COLLAGE).write_bytes(
        make_winners_collage(photos, contest_title=plan.contest.title)
    )
    return True


def old_build(plan: album._Plan, storage: LocalStorage, out_dir: Path) -> None:
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".album-", dir=out_dir.parent))
    (staging / "entries").mkdir()
    (staging / "images").mkdir()
    old_write_images(plan, storage, staging / "images")
    collage = old_write_collage(plan, storage, staging)
    for name, html in album._pages(plan, collage=collage).items():
        (staging / name).write_text(html, encoding="utf-8")
    (staging / "style.css").write_text(album.STYLE, encoding="utf-8")
    (staging / album.MARKER).write_text(
        "Written by `contest export-album`; replaced by the next.\n"
    )
    staging.chmod(0o755)
    album._check_target(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    staging.rename(out_dir)


async def old_export(db: Database, storage: LocalStorage, contest: Contest, out: Path) -> None:
    plan = await album._plan(db, contest, now=NOW, base_url=None)
    await asyncio.to_thread(old_build, plan, storage, out)


def contents(root: Path) -> dict[str, bytes]:
    """Every file of an album by its path, the manifest left out; a share card by its size
    (the old and new drawings differ in their pixels, not in what they show)."""
    found = {}
    for path in root.rglob("*"):
        if path.is_file() and path.name != MANIFEST:
            data = path.read_bytes()
            if path.name.endswith("-card.jpg"):
                with Image.open(io.BytesIO(data)) as card:
                    data = f"card {card.size} {card.format}".encode()
            found[path.relative_to(root).as_posix()] = data
    return found


async def timed(work: object) -> float:
    began = time.perf_counter()
    await work  # type: ignore[misc]
    return time.perf_counter() - began


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        storage = LocalStorage(root / "media")
        db = await Database.open(root / "bench.db")
        try:
            began = time.perf_counter()
            contest = await seed(db, storage)
            print(f"seeded {ENTRIES} entries in {time.perf_counter() - began:.1f} s")
            old = await timed(old_export(db, storage, contest, root / "old"))
            reference = contents(root / "old")

            def new(out: str) -> object:
                return album.export_album(db, storage, contest, root / out, now=NOW)

            cold = await timed(new("new"))
            same_cold = contents(root / "new") == reference
            before = {p: p.stat().st_mtime_ns for p in (root / "new").rglob("*") if p.is_file()}
            warm = await timed(new("new"))
            after = {p: p.stat().st_mtime_ns for p in (root / "new").rglob("*") if p.is_file()}
            rewritten = sum(
                1 for p, t in after.items() if p.name != MANIFEST and before.get(p) != t
            )
            kept = await timed(new("kept"))
            same_kept = contents(root / "kept") == reference
        finally:
            await db.close()
    per = {
        name: 1000 * seconds / ENTRIES
        for name, seconds in [("old", old), ("cold", cold), ("warm", warm), ("kept", kept)]
    }
    print(f"workers: {os.cpu_count()} cores")
    print(f"old way (sequential, every card drawn):   {old:7.2f} s  {per['old']:6.2f} ms/entry")
    print(
        f"new, cold (no card kept, all cores):       {cold:7.2f} s  {per['cold']:6.2f} ms/entry"
        f"  {old / cold:5.1f}x  identical output: {same_cold}"
    )
    print(
        f"new, warm (nothing changed):               {warm:7.2f} s  {per['warm']:6.2f} ms/entry"
        f"  {old / warm:5.1f}x  files rewritten: {rewritten}"
    )
    print(
        f"new, cold with cards kept (a new folder):  {kept:7.2f} s  {per['kept']:6.2f} ms/entry"
        f"  {old / kept:5.1f}x  identical output: {same_kept}"
    )
    summary = {
        "entries": ENTRIES,
        "cores": os.cpu_count(),
        "ms_per_entry": {name: round(value, 2) for name, value in per.items()},
        "speedup": {
            "cold": round(old / cold, 1),
            "warm": round(old / warm, 1),
            "cold_cards_kept": round(old / kept, 1),
        },
        "identical": same_cold and same_kept,
        "warm_files_rewritten": rewritten,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    asyncio.run(main())
