"""An album folder brought up to date: only the files whose content changed are written.

The folder keeps a manifest (``MANIFEST``): every file it holds with what it was made from
(its *source*: a storage key, the inputs of a share card, or the hash of a page's text), its
SHA-256, size and modification time. A file whose source is the same as last time, and which
nobody touched since (same size and time on disk), is left alone without being read; any other
file is made and written (atomically: a temporary file renamed over it) unless its content is
what the folder already holds. Files no longer wanted go. Share cards still to be drawn are
drawn in worker processes, one per core. The manifest is written last, so an export cut short
is put right by the next one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contest.core.storage import Storage
from contest.media.share_card import card_from_storage

MANIFEST = ".album-manifest.json"
FORMAT = "contest-album/1"
#: Temporary files being written inside the album (renamed over their file once complete).
PARTIAL_PREFIX = ".partial-"
#: Progress callback: files settled so far, files in all.
Progress = Callable[[int, int], None]
#: Hears of each share card drawn, with its bytes (the album keeps them in storage).
Drawn = Callable[["Wanted", bytes], None]


@dataclass(frozen=True)
class Card:
    """A share card to draw: where the display image is stored and the words on the card."""

    storage: Storage
    display_key: str
    title: str
    hashtag: str
    contest_title: str


@dataclass(frozen=True)
class Wanted:
    """A file the album holds: its path inside the album, what it is made from, and how.

    Exactly one of ``data`` (the content itself), ``copy`` (a file copied unchanged),
    ``card`` (a share card to draw) or ``make`` (drawn on demand) says how.
    """

    path: str
    source: str
    data: bytes | None = None
    copy: Path | None = None
    card: Card | None = None
    make: Callable[[], bytes] | None = None
    entry_id: int | None = None


@dataclass
class SyncReport:
    """What bringing the folder up to date did."""

    written: int = 0
    unchanged: int = 0
    removed: int = 0
    #: Share cards drawn now (each handed to ``on_drawn`` as it was drawn).
    drawn: int = 0


def source_of(*parts: object) -> str:
    """A short fingerprint of what a file is made from."""
    text = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def read_manifest(root: Path) -> dict[str, dict[str, Any]]:
    """The files the last export wrote, by path; empty when there is no readable manifest."""
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"] if manifest.get("format") == FORMAT else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
    return files if isinstance(files, dict) else {}


def _on_disk(path: Path, record: dict[str, Any] | None) -> bool:
    """Whether the file is on disk as the manifest recorded it (same size and time)."""
    if not record:
        return False
    try:
        stat = path.stat()
    except OSError:
        return False
    return bool(stat.st_size == record.get("bytes") and stat.st_mtime_ns == record.get("mtime"))


def _write(root: Path, name: str, data: bytes) -> None:
    """Write a file of the album atomically, readable by all (it is meant to be published)."""
    target = root / name
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=PARTIAL_PREFIX)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _settle(
    root: Path, wanted: Wanted, data: bytes, old: dict[str, Any] | None, report: SyncReport
) -> dict[str, Any]:
    """Write the file unless the folder holds this content already; its manifest record."""
    digest = hashlib.sha256(data).hexdigest()
    path = root / wanted.path
    if old and old.get("sha256") == digest and _on_disk(path, old):
        report.unchanged += 1
    else:
        _write(root, wanted.path, data)
        report.written += 1
    stat = path.stat()
    return {
        "source": wanted.source,
        "sha256": digest,
        "bytes": stat.st_size,
        "mtime": stat.st_mtime_ns,
    }


def _content(wanted: Wanted) -> bytes:
    """The content of a file that needs no drawing in a worker."""
    if wanted.data is not None:
        return wanted.data
    if wanted.copy is not None:
        return wanted.copy.read_bytes()
    if wanted.make is not None:
        return wanted.make()
    raise ValueError(f"{wanted.path}: nothing says how to make it")


def _draw_args(card: Card) -> tuple[Storage, str, str, str, str]:
    """A card's arguments for ``card_from_storage``."""
    return (card.storage, card.display_key, card.title, card.hashtag, card.contest_title)


def _drawn(cards: list[Wanted], workers: int) -> Iterator[tuple[Wanted, bytes]]:
    """Each card with its drawing, in the order they finish: in worker processes (started
    with "spawn": the caller has threads) when there are several, else here."""
    if workers <= 1 or len(cards) <= 1:
        for wanted in cards:
            assert wanted.card is not None
            yield wanted, card_from_storage(*_draw_args(wanted.card))
        return
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=min(workers, len(cards)), mp_context=context)
    try:
        futures: dict[Future[bytes], Wanted] = {}
        for wanted in cards:
            assert wanted.card is not None
            futures[pool.submit(card_from_storage, *_draw_args(wanted.card))] = wanted
        for future in as_completed(list(futures)):
            yield futures.pop(future), future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _remove_unwanted(root: Path, keep: set[str]) -> int:
    """Remove every file and empty folder of the album not kept; return the files removed."""
    removed = 0
    for folder, folders, names in os.walk(root, topdown=False):
        here = Path(folder)
        for name in names:
            if (here / name).relative_to(root).as_posix() not in keep:
                (here / name).unlink()
                removed += 1
        for name in folders:
            with contextlib.suppress(OSError):  # a folder still holding wanted files stays
                (here / name).rmdir()
    return removed


def sync_folder(
    root: Path,
    wanted: list[Wanted],
    *,
    folders: tuple[str, ...] = (),
    workers: int = 1,
    on_progress: Progress | None = None,
    on_drawn: Drawn | None = None,
) -> SyncReport:
    """Bring the album folder ``root`` up to ``wanted`` (and nothing else); see the module."""
    old = read_manifest(root)
    report, records, total = SyncReport(), {}, len(wanted)
    tick = on_progress or (lambda done, all_: None)
    tick(0, total)
    stale: list[Wanted] = []
    for item in wanted:
        record = old.get(item.path)
        if record and record.get("source") == item.source and _on_disk(root / item.path, record):
            records[item.path] = record
            report.unchanged += 1
            tick(len(records), total)
        else:
            stale.append(item)
    for name in folders:
        (root / name).mkdir(exist_ok=True)
    for item in stale:
        if item.card is None:
            records[item.path] = _settle(root, item, _content(item), old.get(item.path), report)
            tick(len(records), total)
    for item, data in _drawn([item for item in stale if item.card is not None], workers):
        records[item.path] = _settle(root, item, data, old.get(item.path), report)
        report.drawn += 1
        if on_drawn is not None:
            on_drawn(item, data)
        tick(len(records), total)
    report.removed = _remove_unwanted(root, set(records) | {MANIFEST})
    for name in folders:
        (root / name).mkdir(exist_ok=True)
    manifest = {"format": FORMAT, "files": dict(sorted(records.items()))}
    _write(root, MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode())
    return report
