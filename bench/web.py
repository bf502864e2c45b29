"""Benchmark the web app on loopback: likes, the gallery page and thumbnails.

Run: .venv/bin/python bench/web.py   (the last line printed is a JSON summary)
     .venv/bin/python bench/web.py --only likes   (the like loop alone, its figures only)
     .venv/bin/python bench/web.py --only media   (gallery and thumbnails alone, their figures)
     .venv/bin/python bench/web.py --only earns   (what each speed-up earns: with and without)

The server runs in its own process pinned to the first core, the load generator here on the
second; every loop is bounded in requests and in seconds. Requests are written by hand on
keep-alive connections so the client is not the bottleneck. The like loop runs in three rounds,
each on a fresh database and each followed by the bare baseline endpoint, and the headline takes
the medians: this machine's speed drifts between and within runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contest.config import Config  # noqa: E402
from contest.core.clock import to_db, utcnow  # noqa: E402
from contest.core.security import token_hash  # noqa: E402
from contest.core.storage import LocalStorage  # noqa: E402

CLIENTS = 64
ENTRIES = 500
LIKE_REQUESTS = 12_000
PAGE_REQUESTS = 3_000
THUMB_REQUESTS = 6_000
LIKE_ROUNDS = 3
TIME_LIMIT = 30.0
DUPLICATE_SHARE = 0.2
SECRET = "bench-secret-key-0123456789abcdef0123456789"  # noqa: S105 - a throwaway bench key


@dataclass
class Timings:
    """What one load loop measured."""

    done: int
    seconds: float
    latencies: list[float]
    bodies: list[tuple[int, bytes]]

    @property
    def per_second(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def cores() -> tuple[set[int], set[int]]:
    """One core for the server, another for the load (the same one on a single-core machine)."""
    allowed = sorted(os.sched_getaffinity(0))
    return {allowed[0]}, {allowed[-1]}


def signed_in(
    db: sqlite3.Connection,
    count: int,
    letter: str,
    label: str,
    token_prefix: str,
    *,
    since: str,
    until: str,
    affiliation: str = "other",
) -> list[str]:
    """``count`` participants (``{letter}{i}@bench``), each with a live session; their tokens."""
    tokens = []
    for index in range(count):
        cursor = db.execute(
            "INSERT INTO users (email, mailbox, display_name, role, affiliation, password_hash,"
            " created_at, email_verified_at) VALUES (?1, ?1, ?2, 'participant', ?3, 'x', ?4, ?4)",
            (f"{letter}{index}@bench", f"{label} {index}", affiliation, since),
        )
        token = f"{token_prefix}-{index:04d}-" + letter * 24
        db.execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
            " VALUES (?, ?, ?, ?)",
            (token_hash(token), cursor.lastrowid, since, until),
        )
        tokens.append(token)
    return tokens


def seed(data: Path) -> tuple[str, list[str], int]:
    """A contest in its voting phase, 500 approved entries and 64 signed-in voters."""
    config = Config(data_dir=data, secret_key=SECRET)
    code = (
        "import asyncio, sys; from contest.core.db import Database; from pathlib import Path;"
        "asyncio.run(Database.open(Path(sys.argv[1])))"
    )
    subprocess.run([sys.executable, "-c", code, str(config.database)], check=True)
    now = utcnow()
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (90, 120, 160)).save(buffer, "JPEG", quality=82)
    thumb = LocalStorage(config.media).put(buffer.getvalue())
    db = sqlite3.connect(config.database)
    day = 86400
    stamps = [
        to_db(now.fromtimestamp(now.timestamp() + offset * day, now.tzinfo))
        for offset in (-20, -6, -5, 5, -5, 5, 6)
    ]
    db.execute(
        "INSERT INTO contests (slug, title, hashtag, timezone, eligible_affiliations,"
        " max_entries_per_participant, submissions_open, submissions_close, judging_open,"
        " judging_close, voting_open, voting_close, results_at, is_published, created_at,"
        " updated_at) VALUES ('bench', 'Bench contest', 'Bench', 'UTC', 'student', 3,"
        " ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
        (*stamps, stamps[0], stamps[0]),
    )
    db.execute(
        "INSERT INTO users (email, display_name, role, password_hash, created_at)"
        " VALUES ('author@bench', 'Author', 'participant', 'x', ?)",
        (stamps[0],),
    )
    db.executemany(
        "INSERT INTO entries (contest_id, participant_id, title, status, licence,"
        " consent_own_work, consent_people, original_sha256, dhash, image_format, width, height,"
        " thumb_key, thumb_width, thumb_height, display_key, display_width, display_height,"
        " master_key, created_at, updated_at) VALUES (1, 1, ?, 'approved', 'contest', 1, 1, ?,"
        " '0', 'JPEG', 400, 300, ?, 400, 300, ?, 400, 300, ?, ?, ?)",
        [(f"Photo {i}", str(i), thumb, thumb, thumb, stamps[0], stamps[0]) for i in range(ENTRIES)],
    )
    tokens = signed_in(db, CLIENTS, "v", "Voter", "session", since=stamps[0], until=stamps[6])
    db.commit()
    db.close()
    return thumb, tokens, ENTRIES


def start_server(
    module_app: str, data: Path, port: int, core: set[int], **settings: str
) -> subprocess.Popen[bytes]:
    """Uvicorn serving an app factory on loopback, pinned to one core."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:  # else we would measure someone else's
            raise RuntimeError(f"port {port} is taken: is another benchmark running?")
    env = dict(
        os.environ,
        CONTEST_DATA_DIR=str(data),
        CONTEST_SECRET_KEY=SECRET,
        CONTEST_BASE_URL=f"http://127.0.0.1:{port}",
        BENCH_MEDIA=str(data / "media"),
        **settings,
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            module_app,
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            "--no-proxy-headers",
        ],
        cwd=ROOT,
        env=env,
        preexec_fn=lambda: os.sched_setaffinity(0, core),
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket_to(port):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{module_app} did not start")


@contextlib.contextmanager
def serving(
    module_app: str, data: Path, core: set[int], **settings: str
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """An app served on a free loopback port for the block's length: (process, port)."""
    port = free_port()
    server = start_server(module_app, data, port, core, **settings)
    try:
        yield server, port
    finally:
        server.terminate()
        server.wait(10)


def cpu_seconds(process: subprocess.Popen[bytes]) -> float:
    """CPU time (user + system, all threads) a process has used so far."""
    fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def socket_to(port: int):  # type: ignore[no-untyped-def]
    return socket.create_connection(("127.0.0.1", port), timeout=1)


async def request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes
) -> tuple[int, bytes]:
    """Send one HTTP/1.1 request on a keep-alive connection and read the whole response."""
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    match = re.search(rb"(?i)content-length: *(\d+)", head)
    body = await reader.readexactly(int(match.group(1))) if match else b""
    return status, body


async def load(port: int, make: list[bytes], clients: int) -> Timings:
    """Fire the prepared requests from concurrent keep-alive clients, bounded in time."""
    queue = list(enumerate(make))
    latencies: list[float] = []
    bodies: list[tuple[int, bytes]] = [(0, b"")] * len(make)
    stop_at = time.monotonic() + TIME_LIMIT

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while queue and time.monotonic() < stop_at:
            index, raw = queue.pop()
            started = time.perf_counter()
            bodies[index] = await request(reader, writer, raw)
            latencies.append(time.perf_counter() - started)
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return Timings(len(latencies), time.perf_counter() - started, latencies, bodies)


def get(path: str, port: int, cookie: str = "") -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "User-Agent: bench/1.0"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def like_requests(port: int, tokens: list[str]) -> tuple[list[bytes], list[tuple[int, int]]]:
    """Like requests from each voter's session, with a fifth of them replaying earlier ones."""
    from contest.core.security import csrf_token

    rng = random.Random(7)
    made: list[bytes] = []
    pairs: list[tuple[int, int]] = []
    for _ in range(LIKE_REQUESTS):
        if pairs and rng.random() < DUPLICATE_SHARE:
            voter, entry = rng.choice(pairs)
        else:
            voter, entry = rng.randrange(len(tokens)), rng.randrange(1, ENTRIES + 1)
        pairs.append((voter, entry))
        browser = f"bench-browser-{voter:04d}-" + "y" * 24
        body = f"csrf_token={csrf_token(SECRET, browser)}&action=like&contest=1".encode()
        head = (
            f"POST /entries/{entry}/like HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Cookie: contest_session={tokens[voter]}; contest_browser={browser}\r\n"
            "Accept: application/json\r\nSec-Fetch-Site: same-origin\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        made.append(head.encode() + body)
    return made, pairs


@dataclass
class LikeRound:
    """One round of likes against our app and then against the bare baseline endpoint."""

    ours: Timings
    ours_cpu_us: float
    minimal: Timings
    minimal_cpu_us: float
    acknowledged: int
    stored: int
    lost: int
    doubled: int


def stored_against_acknowledged(folder: Path, acked: set[tuple[int, int]]) -> tuple[int, int, int]:
    """How many likes are stored, how many acknowledged ones are missing, how many counted twice."""
    db = sqlite3.connect(folder / "contest.db")
    stored = {
        (int(v.split(":")[1]) - 2, e) for v, e in db.execute("SELECT voter, entry_id FROM likes")
    }
    events = db.execute("SELECT count(*) FROM like_events WHERE action = 'like'").fetchone()[0]
    db.close()
    return len(stored), len(acked - stored), events - len(stored) + len(stored - acked)


def timed_load(
    server: subprocess.Popen[bytes], port: int, raw: list[bytes]
) -> tuple[Timings, float]:
    """The like requests from 64 clients, and the server's CPU time per request meanwhile."""
    before = cpu_seconds(server)
    timings = asyncio.run(load(port, raw, CLIENTS))
    return timings, 1e6 * (cpu_seconds(server) - before) / max(timings.done, 1)


def like_round(core: set[int]) -> LikeRound:
    """Likes through our endpoint on a fresh database, then the same requests to the baseline,
    a bare Starlette + aiosqlite like endpoint with no checks (the issue's reference figure,
    about 12,000 likes/s on one core, came from such an endpoint)."""
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        _, tokens, _ = seed(data)
        with serving("bench.web_apps:contest_app", data, core) as (app, port):
            raw, pairs = like_requests(port, tokens)
            ours, ours_cpu_us = timed_load(app, port, raw)
        acked = {
            pairs[i]
            for i, (status, body) in enumerate(ours.bodies)
            if status == 200 and b'"liked":true' in body
        }
        stored, lost, doubled = stored_against_acknowledged(data, acked)
        with serving("bench.web_apps:minimal_like_app", data, core) as (bare, port):
            minimal, minimal_cpu_us = timed_load(bare, port, like_requests(port, tokens)[0])
    return LikeRound(ours, ours_cpu_us, minimal, minimal_cpu_us, len(acked), stored, lost, doubled)


def report_like_rounds(rounds: list[LikeRound]) -> dict[str, float]:
    """Print each round and the medians; the headline figures are the medians."""
    for number, run in enumerate(rounds, 1):
        ours, minimal = run.ours, run.minimal
        print(
            f"likes round {number}: {ours.done} in {ours.seconds:.1f} s = {ours.per_second:.0f}/s,"
            f" p50 {ours.percentile(0.5):.1f} ms, p99 {ours.percentile(0.99):.1f} ms,"
            f" server CPU {run.ours_cpu_us:.0f} us per like; bare endpoint"
            f" {minimal.per_second:.0f}/s, p99 {minimal.percentile(0.99):.1f} ms,"
            f" {run.minimal_cpu_us:.0f} us per like; ours does"
            f" {ours.per_second / max(minimal.per_second, 1):.2f}x its rate"
        )
        print(
            f"likes round {number}: {run.acknowledged} distinct acknowledged, {run.stored} stored,"
            f" lost {run.lost}, double-counted {run.doubled}"
        )
    rate = median(run.ours.per_second for run in rounds)
    bare = median(run.minimal.per_second for run in rounds)
    p50 = median(run.ours.percentile(0.5) for run in rounds)
    p99 = median(run.ours.percentile(0.99) for run in rounds)
    cpu = median(run.ours_cpu_us for run in rounds)
    bare_cpu = median(run.minimal_cpu_us for run in rounds)
    ratio = median(run.ours.per_second / max(run.minimal.per_second, 1) for run in rounds)
    print(
        f"likes, median of {len(rounds)} rounds: {rate:.0f}/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms,"
        f" {cpu:.0f} us server CPU per like; bare endpoint {bare:.0f}/s, {bare_cpu:.0f} us;"
        f" ours does {ratio:.2f}x its rate"
    )
    return {
        "likes_per_s": round(rate),
        "like_p50_ms": round(p50, 2),
        "like_p99_ms": round(p99, 2),
        "likes_lost": sum(run.lost for run in rounds),
        "likes_double_counted": sum(run.doubled for run in rounds),
    }


def free_port() -> int:
    """A loopback port nobody listens on, so concurrent benchmark runs never meet."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Measured:
    """A load loop's timings and the server's CPU time per request during it."""

    timings: Timings
    cpu_us: float

    @property
    def per_second(self) -> float:
        return self.timings.per_second


def measure(server: subprocess.Popen[bytes], port: int, path: str, count: int) -> Measured:
    """GET one path from 16 keep-alive clients, and what the server spent on it."""
    before = cpu_seconds(server)
    timings = asyncio.run(load(port, [get(path, port)] * count, 16))
    return Measured(timings, 1e6 * (cpu_seconds(server) - before) / max(timings.done, 1))


def media_loops(
    server: subprocess.Popen[bytes], port: int, thumb: str
) -> tuple[Measured, Measured]:
    """The gallery page and a thumbnail, from the app with its caches on."""
    gallery = measure(server, port, "/contests/bench/gallery", PAGE_REQUESTS)
    return gallery, measure(server, port, f"/media/{thumb}", THUMB_REQUESTS)


def baseline_loops(data: Path, thumb: str, core: set[int]) -> tuple[Measured, Measured]:
    """The baselines: the gallery rendered afresh each time, and StaticFiles on the thumbnail."""
    app = "bench.web_apps:contest_app"
    with serving(app, data, core, CONTEST_GALLERY_CACHE_SECONDS="0") as (uncached, port):
        fresh = measure(uncached, port, "/contests/bench/gallery", PAGE_REQUESTS)
    with serving("bench.web_apps:static_app", data, core) as (static, port):
        plain = measure(static, port, f"/static/{thumb}", THUMB_REQUESTS)
    return fresh, plain


def report_media(
    gallery: Measured, fresh: Measured, thumbs: Measured, plain: Measured
) -> dict[str, float]:
    """Print the gallery and thumbnail figures, each against its baseline from the same run."""
    print(
        f"gallery: {gallery.per_second:.0f} pages/s cached vs {fresh.per_second:.0f}/s fresh"
        f" = {gallery.per_second / max(fresh.per_second, 1):.2f}x"
    )
    print(
        f"thumbnails: {thumbs.per_second:.0f}/s vs StaticFiles {plain.per_second:.0f}/s"
        f" = {thumbs.per_second / max(plain.per_second, 1):.2f}x"
    )
    # On a shared machine the server's CPU time per request is steadier than the rate.
    print(
        f"gallery: server CPU {gallery.cpu_us:.0f} us per cached page vs {fresh.cpu_us:.0f} us"
        f" fresh = {fresh.cpu_us / max(gallery.cpu_us, 1):.2f}x"
    )
    print(
        f"thumbnails: server CPU {thumbs.cpu_us:.0f} us vs StaticFiles {plain.cpu_us:.0f} us"
        f" = {plain.cpu_us / max(thumbs.cpu_us, 1):.2f}x"
    )
    return {
        "gallery_rps": round(gallery.per_second),
        "gallery_cache_ratio": round(gallery.per_second / max(fresh.per_second, 1), 2),
        "thumb_rps": round(thumbs.per_second),
        "thumb_ratio_vs_staticfiles": round(thumbs.per_second / max(plain.per_second, 1), 2),
    }


def media_figures(server_core: set[int]) -> dict[str, float]:
    """The gallery and thumbnail loops, each with its baseline, on a database of their own."""
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        thumb, _, _ = seed(data)
        with serving("bench.web_apps:contest_app", data, server_core) as (app, port):
            gallery, thumbs = media_loops(app, port, thumb)
        fresh, plain = baseline_loops(data, thumb, server_core)
    return report_media(gallery, fresh, thumbs, plain)


#: The speed-ups each loop can tell about: a like by account, a gallery page, a thumbnail.
EARNS = {
    "likes": ("like_fast_path", "indexed_router", "session_cache", "contest_cache"),
    "gallery": ("indexed_router",),
    "thumbnails": ("media_fast_path",),
}
#: A speed-up stays only if the loop it serves runs at least this much faster with it.
EARNS_ITS_PLACE = 1.3


def variant_likes(core: set[int], without: str) -> Measured:
    """Likes through our app without one speed-up ("" for none), on a fresh database."""
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        _, tokens, _ = seed(data)
        app = "bench.web_apps:variant_app"
        with serving(app, data, core, BENCH_WITHOUT=without) as (server, port):
            raw, _ = like_requests(port, tokens)
            timings, cpu_us = timed_load(server, port, raw)
    refused = sum(1 for status, _ in timings.bodies[: timings.done] if status != 200)
    if refused:
        print(f"  ({refused} likes refused without {without or 'nothing'})")
    return Measured(timings, cpu_us)


def variant_gets(core: set[int], without: str, loop: str) -> Measured:
    """The gallery page or a thumbnail from our app without one speed-up ("" for none)."""
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        thumb, _, _ = seed(data)
        app = "bench.web_apps:variant_app"
        with serving(app, data, core, BENCH_WITHOUT=without) as (server, port):
            if loop == "gallery":
                return measure(server, port, "/contests/bench/gallery", PAGE_REQUESTS)
            return measure(server, port, f"/media/{thumb}", THUMB_REQUESTS)


def earns_figures(core: set[int]) -> dict[str, float]:
    """Each loop with every speed-up, then without each one in turn, in rounds; each speed-up's
    figure is the median over the rounds of (rate with it) / (rate without it)."""
    ratios: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    for number in range(1, LIKE_ROUNDS + 1):
        for loop, speed_ups in EARNS.items():

            def run(without: str, loop: str = loop) -> Measured:
                if loop == "likes":
                    return variant_likes(core, without)
                return variant_gets(core, without, loop)

            whole = run("")
            for name in speed_ups:
                bare = run(name)
                ratio = whole.per_second / max(bare.per_second, 1)
                ratios.setdefault((loop, name), []).append(ratio)
                cpu.setdefault((loop, name), []).append(bare.cpu_us / max(whole.cpu_us, 1))
                print(
                    f"earns, round {number}, {loop}: {whole.per_second:.0f}/s with everything,"
                    f" {bare.per_second:.0f}/s without {name} = {ratio:.2f}x"
                    f" (server CPU {whole.cpu_us:.0f} vs {bare.cpu_us:.0f} us)"
                )
    figures: dict[str, float] = {}
    for (loop, name), values in ratios.items():
        ratio, cpu_ratio = median(values), median(cpu[loop, name])
        verdict = "earns its place" if ratio >= EARNS_ITS_PLACE else "does not earn its place"
        print(
            f"earns: {name} on {loop}: {ratio:.2f}x the rate, {cpu_ratio:.2f}x less server CPU"
            f" per request (median of {len(values)} rounds): {verdict}"
            f" (at least {EARNS_ITS_PLACE}x)"
        )
        figures[f"earns_{name}_on_{loop.replace(' ', '_')}"] = round(ratio, 2)
    return figures


def main() -> None:
    part = sys.argv[2] if sys.argv[1:2] == ["--only"] and len(sys.argv) == 3 else "all"
    server_core, load_core = cores()
    os.sched_setaffinity(0, load_core)
    figures: dict[str, float] = {}
    if part in ("all", "likes"):
        figures |= report_like_rounds([like_round(server_core) for _ in range(LIKE_ROUNDS)])
    if part in ("all", "media"):
        figures |= media_figures(server_core)
    if part in ("all", "earns"):
        figures |= earns_figures(server_core)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
