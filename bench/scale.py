"""Benchmark the site beyond one process: likes on SQLite and on PostgreSQL, with 1 and 2
workers; photo files stored on a local disk and in an S3 bucket; mail delivered by two
senders at once.

Run: .venv/bin/python bench/scale.py   (the last line printed is a JSON summary)

Each like run starts `contest serve --workers N` on a fresh database seeded alike (a contest in
its voting phase, 500 approved entries, 64 signed-in voters) and sends the same 6,000 like
requests from 64 keep-alive clients (a fifth replaying earlier ones), then counts what was
stored against what was acknowledged; each run is made three times, the rounds alternating
between the databases, and the median round (by CPU per like) is reported, with the other
two beside it. CPU per like is the app's processes' CPU time, plus, on PostgreSQL, the
database server's own processes (on SQLite the database works inside the app), over the
likes answered. PostgreSQL runs in a throw-away cluster in a temporary folder with its default
durability (fsync and synchronous commits on), as SQLite runs with synchronous=FULL. The
machine has two cores shared by the load generator, the workers and PostgreSQL: that, not
the app, bounds what a second worker can add.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import io
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import median

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.web import (  # noqa: E402
    CLIENTS,
    ENTRIES,
    SECRET,
    Timings,
    free_port,
    like_requests,
    load,
)
from contest.core import outbox  # noqa: E402
from contest.core.clock import to_db, utcnow  # noqa: E402
from contest.core.db import Database  # noqa: E402
from contest.core.security import token_hash  # noqa: E402
from contest.core.storage import LocalStorage, Storage  # noqa: E402

LIKES = 6_000
UPLOADS = 60
MAILS = 200
WORKER_COUNTS = (1, 2)
#: Each like run is made this many times; the figures are the median round's.
ROUNDS = 3


@dataclass
class LikeRun:
    backend: str
    workers: int
    timings: Timings
    app_cpu_us: float
    database_cpu_us: float
    lost: int
    doubled: int

    @property
    def cpu_us(self) -> float:
        return self.app_cpu_us + self.database_cpu_us


# -- processes and their CPU time ---------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


def tree_cpu_seconds(root: int) -> float:
    """CPU time (user + system) of a process and every process below it."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) is not None:
            parents[int(entry)] = int(fields[1])
    family, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    total = 0
    for pid in family:
        if (fields := _stat(pid)) is not None:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


# -- PostgreSQL in a temporary folder -----------------------------------------------------


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@contextlib.contextmanager
def postgres_cluster() -> Iterator[tuple[str, int]]:
    """A throw-away PostgreSQL server (its defaults, a Unix socket only): (URL of its
    maintenance database, the postmaster's pid)."""
    bindir = _postgres_bin()
    if bindir is None:
        raise SystemExit(
            "PostgreSQL's server programs are not installed (apt-get install postgresql)"
        )
    folder = Path(tempfile.mkdtemp(prefix="contest-bench-pg."))
    owner: list[str] = []
    if os.getuid() == 0:
        shutil.chown(folder, "postgres")
        owner = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    subprocess.run(
        [
            *owner,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        check=True,
        capture_output=True,
    )
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(f"unix_socket_directories = '{folder}'\nlisten_addresses = ''\nport = 5432\n")
    pg_ctl = [*owner, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w"]
    subprocess.run([*pg_ctl, "start"], check=True, capture_output=True)
    try:
        pid = int((data / "postmaster.pid").read_text().split()[0])
        yield f"postgresql://postgres@/postgres?host={folder}&port=5432", pid
    finally:
        subprocess.run([*pg_ctl, "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def _admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(sql.encode())


# -- seeding ------------------------------------------------------------------------------


async def seed(target: str, media: Path) -> list[str]:
    """A contest in its voting phase, 500 approved entries and 64 signed-in voters (through
    the database interface, so the same rows land on either database); their session tokens."""
    db = await Database.open(target)
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (90, 120, 160)).save(buffer, "JPEG", quality=82)
    thumb = LocalStorage(media).put(buffer.getvalue())
    now = utcnow()
    stamps = [
        to_db(now.fromtimestamp(now.timestamp() + offset * 86400, now.tzinfo))
        for offset in (-20, -6, -5, 5, -5, 5, 6)
    ]
    tokens = []
    try:
        async with db.transaction() as tx:
            contest = await tx.insert(
                "INSERT INTO contests (slug, title, hashtag, timezone, eligible_affiliations,"
                " max_entries_per_participant, submissions_open, submissions_close,"
                " judging_open, judging_close, voting_open, voting_close, results_at,"
                " is_published, created_at, updated_at) VALUES ('bench', 'Bench contest',"
                " 'Bench', 'UTC', 'student', 3, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                (*stamps, stamps[0], stamps[0]),
            )
            author = await tx.insert(
                "INSERT INTO users (email, mailbox, display_name, role, password_hash,"
                " created_at) VALUES ('author@bench', 'author@bench', 'Author', 'participant',"
                " 'x', ?)",
                (stamps[0],),
            )
            await tx.execute_many(
                "INSERT INTO entries (contest_id, participant_id, title, status, licence,"
                " consent_own_work, consent_people, original_sha256, dhash, image_format,"
                " width, height, thumb_key, thumb_width, thumb_height, display_key,"
                " display_width, display_height, master_key, created_at, updated_at) VALUES"
                " (?, ?, ?, 'approved', 'contest', 1, 1, ?, '0', 'JPEG', 400, 300, ?, 400,"
                " 300, ?, 400, 300, ?, ?, ?)",
                [
                    (
                        contest,
                        author,
                        f"Photo {i}",
                        str(i),
                        thumb,
                        thumb,
                        thumb,
                        stamps[0],
                        stamps[0],
                    )
                    for i in range(ENTRIES)
                ],
            )
            for index in range(CLIENTS):
                voter = await tx.insert(
                    "INSERT INTO users (email, mailbox, display_name, role, affiliation,"
                    " password_hash, created_at, email_verified_at) VALUES"
                    " (?, ?, ?, 'participant', 'other', 'x', ?, ?)",
                    (f"v{index}@bench", f"v{index}@bench", f"Voter {index}", stamps[0], stamps[0]),
                )
                token = f"session-{index:04d}-" + "v" * 24
                await tx.execute(
                    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
                    " VALUES (?, ?, ?, ?)",
                    (token_hash(token), voter, stamps[0], stamps[6]),
                )
                tokens.append(token)
    finally:
        await db.close()
    return tokens


async def stored_likes(target: str) -> tuple[set[tuple[int, int]], int]:
    """The likes stored, as (voter number, entry), and how many like events the log holds
    (voters are accounts 2 to 65: account 1 is the photos' author)."""
    db = await Database.open(target)
    try:
        rows = await db.fetch_all("SELECT voter, entry_id FROM likes")
        events = await db.fetch_value("SELECT count(*) FROM like_events WHERE action = 'like'")
    finally:
        await db.close()
    return {(int(voter.split(":")[1]) - 2, int(entry)) for voter, entry in rows}, int(events)


# -- likes ---------------------------------------------------------------------------------


def serve(target: str, data: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        CONTEST_DATA_DIR=str(data),
        CONTEST_DATABASE=target,
        CONTEST_SECRET_KEY=SECRET,
        CONTEST_BASE_URL=f"http://127.0.0.1:{port}",
        CONTEST_DRAW_CARDS_AHEAD="0",
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "contest.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                time.sleep(1.0 if workers > 1 else 0.2)  # let every worker start listening
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


def like_run(backend: str, target: str, workers: int, database_pid: int | None) -> LikeRun:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        tokens = asyncio.run(seed(target, data / "media"))
        port = free_port()
        server = serve(target, data, port, workers)
        try:
            raw, pairs = like_requests(port, tokens)
            raw, pairs = raw[:LIKES], pairs[:LIKES]
            app_before = tree_cpu_seconds(server.pid)
            db_before = tree_cpu_seconds(database_pid) if database_pid else 0.0
            timings = asyncio.run(load(port, raw, CLIENTS))
            app_cpu = tree_cpu_seconds(server.pid) - app_before
            db_cpu = (tree_cpu_seconds(database_pid) - db_before) if database_pid else 0.0
        finally:
            server.terminate()
            server.wait(30)
        acked = {
            pairs[i]
            for i, (status, body) in enumerate(timings.bodies)
            if status == 200 and b'"liked":true' in body
        }
        stored, events = asyncio.run(stored_likes(target))
    done = max(timings.done, 1)
    lost = len(acked - stored)  # acknowledged, yet not stored
    doubled = events - len(stored) + len(stored - acked)  # logged twice, or never acknowledged
    return LikeRun(
        backend, workers, timings, 1e6 * app_cpu / done, 1e6 * db_cpu / done, lost, doubled
    )


# -- uploads and mail ------------------------------------------------------------------------


def photos(count: int) -> list[bytes]:
    made = []
    for index in range(count):
        image = Image.effect_noise((640, 480), 40 + index % 50).convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
        made.append(buffer.getvalue())
    return made


def stores_per_second(storage: Storage, blobs: list[bytes]) -> float:
    started = time.perf_counter()
    for blob in blobs:
        storage.put(blob)
    return len(blobs) / (time.perf_counter() - started)


@contextlib.contextmanager
def s3_storage() -> Iterator[Storage]:
    """A bucket on moto's S3 server on loopback, through the client the app uses."""
    import boto3
    from moto.server import ThreadedMotoServer

    from contest.core.s3_storage import S3Settings
    from contest.core.storage import open_storage

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="bench",
            aws_secret_access_key="bench",  # noqa: S106 - moto accepts any key
        ).create_bucket(Bucket="bench")
        yield open_storage(
            S3Settings(
                url="s3://bench/media",
                endpoint=endpoint,
                access_key_id="bench",
                secret_access_key="bench",  # noqa: S106 - moto accepts any key
                region="us-east-1",
            )
        )
    finally:
        server.stop()


class SmtpSink:
    """A loopback SMTP server that counts what each recipient was sent."""

    def __init__(self) -> None:
        self.received: dict[str, int] = {}
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        def say(line: str) -> None:
            writer.write(line.encode() + b"\r\n")

        say("220 sink")
        recipients: list[str] = []
        while line := (await reader.readline()).decode(errors="replace").strip():
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                say("250 sink")
            elif verb == "RCPT":
                recipients.append(line.split(":", 1)[1].strip(" <>").lower())
                say("250 ok")
            elif verb == "DATA":
                say("354 go on")
                while (await reader.readline()) not in (b".\r\n", b".\n", b""):
                    pass
                for recipient in recipients:
                    self.received[recipient] = self.received.get(recipient, 0) + 1
                recipients = []
                say("250 queued")
            elif verb == "QUIT":
                say("221 bye")
                break
            else:
                say("250 ok")
            await writer.drain()
        writer.close()

    def __enter__(self) -> SmtpSink:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._session, "127.0.0.1", self.port), self._loop
        ).result()
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)


async def two_senders(target: str, port: int) -> None:
    """Queue the messages, then deliver them from two senders with their own connections, as
    two workers would."""
    db = await Database.open(target)
    async with db.transaction() as tx:
        for index in range(MAILS):
            await outbox.queue_mail(
                tx,
                recipient=f"reader{index}@bench.example",
                subject="Hello",
                body="Hi",
                now=utcnow(),
            )
    other = await Database.open(target)
    smtp = outbox.SmtpSettings(host="127.0.0.1", port=port, starttls=False)

    async def sender(each: Database) -> None:
        # Rounds until nothing waits (in the app, a round ends early when the other sender
        # took part of a batch, and the next comes MAIL_INTERVAL_SECONDS later).
        while await outbox.count_waiting(each):
            await outbox.deliver_all_waiting(
                each, smtp=smtp, sender="bench@example.edu", now=utcnow()
            )

    try:
        await asyncio.gather(sender(db), sender(other))
    finally:
        await db.close()
        await other.close()


def mail_sent_twice(target: str) -> tuple[int, int]:
    with SmtpSink() as sink:
        asyncio.run(two_senders(target, sink.port))
    return sum(1 for n in sink.received.values() if n > 1), sum(sink.received.values())


# -- the run -------------------------------------------------------------------------------


def middle(rounds: list[LikeRun]) -> LikeRun:
    """The round with the median CPU per like (a run of a few seconds on a shared machine
    varies by a tenth either way); the lost and double-counted likes of every round."""
    ranked = sorted(rounds, key=lambda run: run.cpu_us)
    chosen = ranked[len(ranked) // 2]
    return replace(
        chosen,
        lost=sum(run.lost for run in rounds),
        doubled=sum(run.doubled for run in rounds),
    )


def main() -> None:
    rounds: dict[tuple[str, int], list[LikeRun]] = {}
    with tempfile.TemporaryDirectory() as folder, postgres_cluster() as (server, postmaster):
        # Rounds alternate between the databases, so a slow spell of the machine weighs on
        # both alike rather than on whichever ran then.
        for n in range(ROUNDS):
            for workers in WORKER_COUNTS:
                target = str(Path(folder) / f"w{workers}r{n}.db")
                rounds.setdefault(("sqlite", workers), []).append(
                    like_run("sqlite", target, workers, None)
                )
                name = f"bench_w{workers}r{n}"
                _admin(server, f"CREATE DATABASE {name}")
                target = server.replace("/postgres?", f"/{name}?")
                rounds.setdefault(("postgresql", workers), []).append(
                    like_run("postgresql", target, workers, postmaster)
                )
        twice_sqlite, sent_sqlite = mail_sent_twice(str(Path(folder) / "mail.db"))
        _admin(server, "CREATE DATABASE bench_mail")
        twice_pg, sent_pg = mail_sent_twice(server.replace("/postgres?", "/bench_mail?"))
    runs = [middle(each) for each in rounds.values()]
    spread = {key: sorted(run.cpu_us for run in each) for key, each in rounds.items()}
    for run in runs:
        t = run.timings
        each = ", ".join(f"{cpu:.0f}" for cpu in spread[run.backend, run.workers])
        print(
            f"likes on {run.backend}, {run.workers} worker(s), median of {ROUNDS} rounds:"
            f" {t.done} in {t.seconds:.1f} s = {t.per_second:.0f}/s, p50"
            f" {t.percentile(0.5):.1f} ms, p99 {t.percentile(0.99):.1f} ms; CPU per like"
            f" {run.app_cpu_us:.0f} us in the app + {run.database_cpu_us:.0f} us in the"
            f" database server (rounds: {each} us); lost {run.lost}, double-counted {run.doubled}"
        )
    blobs = photos(UPLOADS)
    with tempfile.TemporaryDirectory() as folder:
        local_rate = stores_per_second(LocalStorage(Path(folder)), blobs)
    with s3_storage() as bucket:
        s3_rate = stores_per_second(bucket, blobs)
    size = median(len(blob) for blob in blobs) / 1024
    print(
        f"photo files stored ({UPLOADS} JPEGs, median {size:.0f} KB): local disk"
        f" {local_rate:.0f}/s, S3 (moto on loopback) {s3_rate:.0f}/s"
    )
    print(
        f"mail: {MAILS} messages, two senders at once: SQLite {sent_sqlite} delivered,"
        f" {twice_sqlite} recipients twice; PostgreSQL {sent_pg} delivered, {twice_pg} twice"
    )
    by = {(run.backend, run.workers): run for run in runs}
    pg_ratio = by["postgresql", 1].cpu_us / max(by["sqlite", 1].cpu_us, 1e-9)
    two_worker = by["postgresql", 2].timings.per_second / max(
        by["postgresql", 1].timings.per_second, 1e-9
    )
    print(
        f"PostgreSQL spends {pg_ratio:.2f}x SQLite's CPU per like (app + database, 1 worker);"
        f" 2 workers on PostgreSQL do {two_worker:.2f}x the likes/s of 1 (two cores shared by"
        " the load generator, both workers and PostgreSQL)"
    )
    summary = {
        **{
            f"likes_per_s_{run.backend}_{run.workers}w": round(run.timings.per_second)
            for run in runs
        },
        **{f"cpu_us_per_like_{run.backend}_{run.workers}w": round(run.cpu_us) for run in runs},
        "uploads_per_s_local": round(local_rate, 1),
        "uploads_per_s_s3": round(s3_rate, 1),
        "likes_lost": sum(run.lost for run in runs),
        "likes_double_counted": sum(run.doubled for run in runs),
        "mail_sent_twice": twice_sqlite + twice_pg,
        "pg_cpu_ratio_vs_sqlite": round(pg_ratio, 2),
        "two_worker_ratio": round(two_worker, 2),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
