"""Crash the app with kill -9 while people upload photos and like them, and check what survives.

Run: .venv/bin/python bench/crash.py   (the last line printed is a JSON summary)

One data folder serves every round. Each round starts the real app (uvicorn, in a subprocess),
waits for its start-up file sweep, then runs signed-in voters liking entries of a contest in its
voting phase and signed-in participants entering 12 MP photos in a contest taking submissions
(each upload as a browser does it: the form page for its CSRF token, then the multipart post),
and kills the server and its decoding workers with SIGKILL at a random moment. With the server
dead it checks the folder: every acknowledged like (200, liked true) and upload (303 to "My
entries" with the entry id in ``received``) is in the database, every file an entry names
exists, and ``PRAGMA integrity_check`` is ok.

The sweep removes only files nothing uses that are older than an hour, and no setting changes
that age. So after each crash the bench moves every file's time back two hours (as if the app had
stayed down that long) and plants two old canaries (an unreferenced file and a half-written
temporary); the next start-up's sweep must remove them, which shows it ran, and
``orphans_after_sweep`` counts the old files no entry or held upload names left after it.

Last, in one run on a fresh folder: like latency while 4 clients upload 12 MP photos, then like
latency alone. The server there may use every core, as in production (its decoding workers keep
the second core); the load generator runs unpinned beside it.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.web import (  # noqa: E402
    ENTRIES,
    Timings,
    free_port,
    like_requests,
    load,
    request,
    seed,
    signed_in,
    start_server,
    stored_against_acknowledged,
)
from contest.core.clock import to_db, utcnow  # noqa: E402

APP = "bench.web_apps:contest_app"
ROUNDS = 10
UPLOADERS = 4
LIKERS = 16
#: The kill comes this many seconds (uniformly at random) after the load starts.
KILL_AFTER = (1.0, 3.5)
#: Distinct photos generated before the run; each upload adds its own comment, so no two
#: uploads have the same bytes (their pixels repeat, so some derived files are shared).
PHOTOS = 12
PHOTO_SIZE = (4000, 3000)
#: The sweep's age (contest.media.photos.UNREFERENCED_FILE_AGE), and how far files are aged.
SWEEP_AGE = 3600
AGED_BY = 2 * SWEEP_AGE
SWEEP_WAIT = 60.0
#: Like clients for the latency figures: a closed loop of 8 keeps the server busy without
#: turning p99 into the queue's length.
LATENCY_LIKERS = 8
LATENCY_LIKES = 5000
WARM_UP = 1.0
KEY_COLUMNS = ("thumb_key", "display_key", "master_key", "source_key", "share_card_key")
CANARY_KEY = "ff/ff/" + "f" * 64 + ".jpg"
CANARY_TEMPORARY = "ff/ff/.incoming-bench-canary"


# --- the folder ------------------------------------------------------------------------------


def add_open_contest(data: Path) -> list[str]:
    """A second contest, taking submissions, and the participants' sessions for it.

    Voting cannot open before submissions close and likes need approved entries, so the bench
    likes in web.seed's voting contest (id 1) while uploads go to this one (slug "open")."""
    db = sqlite3.connect(data / "contest.db")
    now = utcnow()
    day = 86400
    stamps = [
        to_db(now.fromtimestamp(now.timestamp() + offset * day, now.tzinfo))
        for offset in (-1, 5, 6, 7, 6, 7, 8, 9)
    ]
    db.execute(
        "INSERT INTO contests (slug, title, hashtag, timezone, eligible_affiliations,"
        " max_entries_per_participant, submissions_open, submissions_close, judging_open,"
        " judging_close, voting_open, voting_close, results_at, is_published, created_at,"
        " updated_at) VALUES ('open', 'Open contest', 'Open', 'UTC', 'student', 100000,"
        " ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
        (*stamps[:7], stamps[0], stamps[0]),
    )
    tokens = signed_in(
        db,
        UPLOADERS,
        "u",
        "Uploader",
        "upload-session",
        since=stamps[0],
        until=stamps[7],
        affiliation="student",
    )
    db.commit()
    db.close()
    return tokens


def make_photo(number: int) -> bytes:
    """A 12 MP JPEG of smooth colour and grain, a few MB like a phone's."""
    rng = random.Random(number)
    small = Image.frombytes("RGB", (400, 300), rng.randbytes(400 * 300 * 3))
    grain = Image.effect_noise(PHOTO_SIZE, 24).convert("RGB")
    image = Image.blend(small.resize(PHOTO_SIZE, Image.Resampling.BICUBIC), grain, 0.25)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def with_comment(photo: bytes, text: str) -> bytes:
    """The JPEG with a comment segment after its start marker: new bytes, the same pixels."""
    comment = text.encode()
    return photo[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + photo[2:]


def referenced(data: Path) -> set[str]:
    """Every file an entry or a held upload names."""
    db = sqlite3.connect(data / "contest.db")
    keys = {
        row[0]
        for column in KEY_COLUMNS
        for row in db.execute(f"SELECT {column} FROM entries WHERE {column} IS NOT NULL")  # noqa: S608
    }
    for (held,) in db.execute("SELECT keys FROM uploads"):
        keys.update(held.split())
    db.close()
    return keys


def media_files(data: Path) -> list[Path]:
    return [path for path in (data / "media").glob("*/*/*") if path.is_file()]


def orphans(data: Path, *, age: float = SWEEP_AGE) -> list[str]:
    """Files the sweep should have removed: older than its age and named by nothing (or
    half-written)."""
    used, before = referenced(data), time.time() - age
    media = data / "media"
    return sorted(
        str(path.relative_to(media))
        for path in media_files(data)
        if path.stat().st_mtime < before
        and (path.name.startswith(".") or str(path.relative_to(media)) not in used)
    )


def rows_without_file(data: Path) -> list[str]:
    """Files entries name that are not on disk."""
    db = sqlite3.connect(data / "contest.db")
    missing = [
        f"entry {entry_id}: {key}"
        for column in KEY_COLUMNS
        for entry_id, key in db.execute(
            f"SELECT id, {column} FROM entries WHERE {column} IS NOT NULL"  # noqa: S608
        )
        if not (data / "media" / key).exists()
    ]
    db.close()
    return missing


def integrity(data: Path) -> str:
    db = sqlite3.connect(data / "contest.db")
    result = "; ".join(row[0] for row in db.execute("PRAGMA integrity_check"))
    db.close()
    return result


def lost_uploads(data: Path, acked: dict[int, str]) -> list[int]:
    """Acknowledged entries that are not in the database under their title."""
    db = sqlite3.connect(data / "contest.db")
    stored = dict(db.execute("SELECT id, title FROM entries WHERE contest_id = 2"))
    db.close()
    return sorted(entry for entry, title in acked.items() if stored.get(entry) != title)


def age_files(data: Path) -> None:
    """Move every file's time back (as if the app had stayed down) and plant the canaries."""
    media = data / "media"
    (media / "ff" / "ff").mkdir(parents=True, exist_ok=True)
    (media / CANARY_KEY).write_bytes(b"canary")
    (media / CANARY_TEMPORARY).write_bytes(b"canary")
    moment = time.time() - AGED_BY
    for path in media_files(data):
        os.utime(path, (moment, moment))


def wait_for_sweep(data: Path) -> float | None:
    """Seconds until the start-up sweep removed both canaries, or None if it did not in time."""
    started = time.monotonic()
    media = data / "media"
    while time.monotonic() - started < SWEEP_WAIT:
        if not (media / CANARY_KEY).exists() and not (media / CANARY_TEMPORARY).exists():
            time.sleep(0.3)  # the sweep's last temporaries go right after the canary
            return time.monotonic() - started
        time.sleep(0.1)
    return None


# --- the server ------------------------------------------------------------------------------


def descendants(pid: int) -> list[int]:
    """The process's children, grandchildren and so on (its decoding workers)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, of in parents.items() if of == parent]
        found += children
        frontier += children
    return found


def kill_hard(server: subprocess.Popen[bytes]) -> None:
    """SIGKILL the server, then its workers (a machine's crash takes them all at once)."""
    workers = descendants(server.pid)
    server.send_signal(signal.SIGKILL)
    for pid in workers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    server.wait(10)


def start(data: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    every_core = set(os.sched_getaffinity(0))
    return start_server(APP, data, port, every_core, CONTEST_MIN_FREE_MB="0"), port


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        kill_hard(server)


# --- the clients -----------------------------------------------------------------------------


@dataclass
class Load:
    """What the clients saw acknowledged, and what went wrong."""

    likes: set[tuple[int, int]] = field(default_factory=set)
    uploads: dict[int, str] = field(default_factory=dict)
    upload_seconds: list[float] = field(default_factory=list)
    refused: dict[str, int] = field(default_factory=dict)

    def refuse(self, what: str) -> None:
        self.refused[what] = self.refused.get(what, 0) + 1


#: Each upload's number, spelt in letters in its title (digits in a title read as a phone number).
UPLOAD_NUMBERS = itertools.count(int(time.time()) * 100)


def letters(number: int) -> str:
    """The number in base 26, a to z."""
    spelt = ""
    while number:
        number, digit = divmod(number, 26)
        spelt = "abcdefghijklmnopqrstuvwxyz"[digit] + spelt
    return spelt or "a"


BROKEN = (ConnectionError, asyncio.IncompleteReadError, OSError)


async def liker(port: int, raw: list[bytes], pairs: list[tuple[int, int]], seen: Load) -> None:
    """Like until the queue is empty or the server dies."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except BROKEN:
        return
    while raw:
        index = len(raw) - 1
        message = raw.pop()
        try:
            status, body = await request(reader, writer, message)
        except BROKEN:
            return
        if status == 200 and b'"liked":true' in body:
            seen.likes.add(pairs[index])
        else:
            seen.refuse(f"like {status}")
    writer.close()


def upload_request(
    port: int, token: str, browser: str, csrf: str, title: str, photo: bytes
) -> bytes:
    boundary = "----bench" + os.urandom(8).hex()
    fields = {
        "csrf_token": csrf,
        "upload_token": "",
        "title": title,
        "description": "Taken for the crash bench.",
        "alt_text": "Grain and colour.",
        "hashtags": "#bench",
        "licence": "contest",
        "credit": "name",
        "consent_own_work": "on",
        "consent_people": "on",
    }
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="photo.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + photo
        + f"\r\n--{boundary}--\r\n".encode()
    )
    body = b"".join(parts)
    head = (
        f"POST /contests/open/enter HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Cookie: contest_session={token}; contest_browser={browser}\r\n"
        f"Origin: http://127.0.0.1:{port}\r\nSec-Fetch-Site: same-origin\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def uploader(
    port: int, number: int, token: str, photos: list[bytes], seen: Load, until: asyncio.Event
) -> None:
    """Enter photos one after another, as a browser does, until told or the server dies."""
    browser = f"bench-uploader-{number:04d}-" + "w" * 24
    page = (
        f"GET /contests/open/enter HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Cookie: contest_session={token}; contest_browser={browser}\r\n\r\n"
    ).encode()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except BROKEN:
        return
    sent = 0
    while not until.is_set():
        sent += 1
        title = f"Crash photo {letters(next(UPLOAD_NUMBERS))}"
        photo = with_comment(photos[(number + sent * UPLOADERS) % len(photos)], title)
        try:
            status, body = await request(reader, writer, page)
            match = re.search(rb'name="csrf_token" value="([^"]+)"', body)
            if status != 200 or not match:
                seen.refuse(f"form page {status}")
                await asyncio.sleep(0.5)
                continue
            started = time.perf_counter()
            raw = upload_request(port, token, browser, match.group(1).decode(), title, photo)
            writer.write(raw)
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?i)content-length: *(\d+)", head)
            await reader.readexactly(int(length.group(1)) if length else 0)
        except BROKEN:
            return
        status = int(head.split(b" ", 2)[1])
        received = re.search(rb"(?i)\r\nlocation: *[^\r]*received=(\d+)", head)
        if status == 303 and received:
            seen.uploads[int(received.group(1))] = title
            seen.upload_seconds.append(time.perf_counter() - started)
        else:
            seen.refuse(f"upload {status}")
    writer.close()


# --- the rounds ------------------------------------------------------------------------------


@dataclass
class Totals:
    likes: set[tuple[int, int]] = field(default_factory=set)
    uploads: dict[int, str] = field(default_factory=dict)
    likes_lost: int = 0
    uploads_lost: int = 0
    rows_without_file: int = 0
    orphans: int = 0
    integrity_ok: bool = True
    sweeps_unseen: int = 0
    left_behind: int = 0
    notes: list[str] = field(default_factory=list)


def after_start(data: Path, totals: Totals, label: str) -> None:
    """Wait for the start-up sweep and count what it left."""
    waited = wait_for_sweep(data)
    left = orphans(data)
    missing = rows_without_file(data)
    totals.orphans += len(left)
    totals.rows_without_file += len(missing)
    if waited is None:
        totals.sweeps_unseen += 1
    sweep = "not seen" if waited is None else f"done in {waited:.1f} s"
    print(
        f"{label}: start-up sweep {sweep}, {len(left)} old orphans left,"
        f" {len(missing)} entry files missing after it"
        + (f" (e.g. {(left + missing)[0]})" if left or missing else "")
    )


def shifted(
    raw: list[bytes], pairs: list[tuple[int, int]], shift: int
) -> tuple[list[bytes], list[tuple[int, int]]]:
    """web.like_requests' likes moved to other entries, so each round's likes are mostly new."""
    moved = [(voter, (entry - 1 + shift) % ENTRIES + 1) for voter, entry in pairs]
    return [
        message.replace(f"/entries/{old}/like".encode(), f"/entries/{new}/like".encode(), 1)
        for message, (_, old), (_, new) in zip(raw, pairs, moved, strict=True)
    ], moved


async def crash_load(
    port: int, server: subprocess.Popen[bytes], tokens: list[str], uploaders: list[str],
    photos: list[bytes], rng: random.Random,
) -> tuple[Load, float]:  # fmt: skip
    """Likes and uploads until the kill, at a random moment; what was acknowledged."""
    raw, pairs = shifted(*like_requests(port, tokens), rng.randrange(ENTRIES))
    order = list(range(len(raw)))
    rng.shuffle(order)
    raw, pairs = [raw[i] for i in order], [pairs[i] for i in order]
    seen, until = Load(), asyncio.Event()
    tasks = [asyncio.create_task(liker(port, raw, pairs, seen)) for _ in range(LIKERS)]
    tasks += [
        asyncio.create_task(uploader(port, n, token, photos, seen, until))
        for n, token in enumerate(uploaders)
    ]
    after = rng.uniform(*KILL_AFTER)
    await asyncio.sleep(after)
    kill_hard(server)
    until.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 30)
    return seen, after


def crash_round(
    number: int, data: Path, tokens: list[str], uploaders: list[str], photos: list[bytes],
    totals: Totals, rng: random.Random,
) -> None:  # fmt: skip
    server, port = start(data)
    if number > 1:
        after_start(data, totals, f"round {number}")
    seen, after = asyncio.run(crash_load(port, server, tokens, uploaders, photos, rng))
    new_likes = len(seen.likes - totals.likes)
    totals.likes |= seen.likes
    totals.uploads |= seen.uploads
    _, likes_lost, _ = stored_against_acknowledged(data, totals.likes)
    uploads_lost = lost_uploads(data, totals.uploads)
    missing = rows_without_file(data)
    check = integrity(data)
    left_behind = len(orphans(data, age=0))
    totals.left_behind += left_behind
    totals.likes_lost = max(totals.likes_lost, likes_lost)
    totals.uploads_lost = max(totals.uploads_lost, len(uploads_lost))
    totals.rows_without_file += len(missing)
    totals.integrity_ok &= check == "ok"
    slowest = max(seen.upload_seconds, default=0.0)
    print(
        f"round {number}: killed after {after:.1f} s; acknowledged {len(seen.likes)} likes"
        f" ({new_likes} new) and"
        f" {len(seen.uploads)} uploads (slowest {slowest:.1f} s); refused {seen.refused or 0};"
        f" lost so far: {likes_lost} likes, {len(uploads_lost)} uploads;"
        f" {len(missing)} entry files missing; {left_behind} files named by nothing;"
        f" integrity {check}"
    )
    if uploads_lost:
        totals.notes.append(f"round {number}: uploads lost {uploads_lost[:5]}")
    age_files(data)


def crash_rounds(photos: list[bytes]) -> Totals:
    rng = random.Random(int(time.time()))
    totals = Totals()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        _, tokens, _ = seed(data)
        uploaders = add_open_contest(data)
        for number in range(1, ROUNDS + 1):
            crash_round(number, data, tokens, uploaders, photos, totals, rng)
        server, _ = start(data)
        try:
            after_start(data, totals, "after the last round")
            _, likes_lost, _ = stored_against_acknowledged(data, totals.likes)
            uploads_lost = lost_uploads(data, totals.uploads)
        finally:
            stop(server)
        check = integrity(data)
        totals.integrity_ok &= check == "ok"
        totals.likes_lost = max(totals.likes_lost, likes_lost)
        totals.uploads_lost = max(totals.uploads_lost, len(uploads_lost))
        print(
            f"after {ROUNDS} crashes: {len(totals.likes)} likes and {len(totals.uploads)} uploads"
            f" acknowledged, {likes_lost} and {len(uploads_lost)} of them lost; integrity {check}"
        )
    return totals


# --- like latency ----------------------------------------------------------------------------


async def latency_load(
    port: int, tokens: list[str], uploaders: list[str], photos: list[bytes]
) -> tuple[Timings, Timings, Load]:
    """Likes while 4 clients upload, then likes alone, each from LATENCY_LIKERS clients."""
    raw, _ = like_requests(port, tokens)
    busy, alone = raw[:LATENCY_LIKES], raw[LATENCY_LIKES : 2 * LATENCY_LIKES]
    seen, until = Load(), asyncio.Event()
    uploading = [
        asyncio.create_task(uploader(port, n, token, photos, seen, until))
        for n, token in enumerate(uploaders)
    ]
    await asyncio.sleep(WARM_UP)
    while_uploading = await load(port, busy, LATENCY_LIKERS)
    until.set()
    await asyncio.wait_for(asyncio.gather(*uploading), 60)
    return while_uploading, await load(port, alone, LATENCY_LIKERS), seen


def latency(photos: list[bytes]) -> tuple[Timings, Timings, Load]:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        _, tokens, _ = seed(data)
        uploaders = add_open_contest(data)
        server, port = start(data)
        try:
            return asyncio.run(latency_load(port, tokens, uploaders, photos))
        finally:
            stop(server)


def main() -> None:
    began = time.monotonic()
    with ProcessPoolExecutor() as pool:
        photos = list(pool.map(make_photo, range(PHOTOS)))
    average = sum(map(len, photos)) / len(photos) / 1e6
    print(f"{PHOTOS} photos of {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]}, {average:.1f} MB on average")
    totals = crash_rounds(photos)
    busy, alone, seen = latency(photos)
    statuses = {status for status, _ in busy.bodies[: busy.done] + alone.bodies[: alone.done]}
    print(
        f"likes while {UPLOADERS} clients upload 12 MP photos ({len(seen.uploads)} entered,"
        f" refused {seen.refused or 0}): {busy.done} in {busy.seconds:.1f} s ="
        f" {busy.per_second:.0f}/s, p50 {busy.percentile(0.5):.1f} ms,"
        f" p99 {busy.percentile(0.99):.1f} ms"
    )
    print(
        f"likes alone: {alone.done} in {alone.seconds:.1f} s = {alone.per_second:.0f}/s,"
        f" p50 {alone.percentile(0.5):.1f} ms, p99 {alone.percentile(0.99):.1f} ms"
        f" (statuses seen: {sorted(statuses)})"
    )
    for note in totals.notes:
        print(note)
    print(f"took {time.monotonic() - began:.0f} s")
    figures = {
        "rounds": ROUNDS,
        "acknowledged_likes": len(totals.likes),
        "acknowledged_uploads": len(totals.uploads),
        "acknowledged_lost": totals.likes_lost + totals.uploads_lost,
        "likes_lost": totals.likes_lost,
        "uploads_lost": totals.uploads_lost,
        "rows_without_file": totals.rows_without_file,
        "orphans_after_sweep": totals.orphans,
        "sweeps_not_seen": totals.sweeps_unseen,
        "files_left_by_crashes": totals.left_behind,
        "integrity_ok": totals.integrity_ok,
        "like_p99_ms_while_uploading": round(busy.percentile(0.99), 2),
        "like_p99_ms_alone": round(alone.percentile(0.99), 2),
        "uploads_during_latency_run": len(seen.uploads),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
