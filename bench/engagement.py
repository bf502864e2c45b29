"""Benchmark the engagement figures on a busy contest: how long the dashboard's queries take.

Run: .venv/bin/python bench/engagement.py   (the last line printed is a JSON summary)
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from contest.contests import store as contest_store
from contest.contests.model import Contest
from contest.core.clock import to_db
from contest.core.db import Database
from contest.demo.contests import demo_settings
from contest.engagement import report_text
from contest.engagement.figures import engagement
from contest.web.manage.dashboard import charts

PARTICIPANTS, ENTRIES, LIKES, VIEWS, SHARES, REPLIES, RUNS = (
    600,
    1_000,
    20_000,
    30_000,
    2_000,
    800,
    7,
)
NOW = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
START = NOW - timedelta(days=28)


def moment(rnd: random.Random) -> str:
    return to_db(START + timedelta(seconds=rnd.randrange(28 * 86400)))


async def seed(db: Database) -> Contest:
    rnd = random.Random(7)
    contest = await contest_store.create_contest(
        db, demo_settings(START, "Asia/Hong_Kong"), created_by=None, now=START
    )
    async with db.transaction() as tx:
        await tx.execute_many(
            "INSERT INTO users (email, display_name, role, affiliation, department, password_hash,"
            " created_at) VALUES (?, ?, 'participant', ?, ?, 'x', 'x')",
            [
                (
                    f"p{i}@uni.edu",
                    f"P {i}",
                    rnd.choice(["student"] * 9 + ["staff"]),
                    rnd.choice(["CIVL", "COMP", "LIB", "ARTS"]),
                )
                for i in range(PARTICIPANTS)
            ],
        )
        await tx.execute_many(
            "INSERT INTO entries (contest_id, participant_id, title, status, licence,"
            " consent_own_work, consent_people, original_sha256, dhash, image_format, width,"
            " height, thumb_key, thumb_width, thumb_height, display_key, display_width,"
            " display_height, master_key, created_at, updated_at) VALUES (?, ?, ?, ?, 'contest',"
            " 1, 1, ?, '0', 'JPEG', 800, 600, 'k', 400, 300, 'k', 800, 600, 'k', ?, 'x')",
            [
                (
                    contest.id,
                    rnd.randrange(PARTICIPANTS) + 1,
                    f"Photo {i}",
                    rnd.choice(["approved"] * 8 + ["pending", "rejected"]),
                    f"sha{i}",
                    moment(rnd),
                )
                for i in range(ENTRIES)
            ],
        )
        await tx.execute_many(
            "INSERT OR IGNORE INTO likes (entry_id, voter, kind, address, created_at)"
            " VALUES (?, ?, 'vote', '10.0.0.1', ?)",
            [(rnd.randrange(ENTRIES) + 1, f"v{i % 5000}", moment(rnd)) for i in range(LIKES)],
        )
        await tx.execute_many(
            "INSERT OR IGNORE INTO entry_views (entry_id, day, visitor) VALUES (?, ?, ?)",
            [(rnd.randrange(ENTRIES) + 1, moment(rnd)[:10], f"x{i}") for i in range(VIEWS)],
        )
        await tx.execute_many(
            "INSERT INTO share_clicks (entry_id, network, at) VALUES (?, ?, ?)",
            [
                (rnd.randrange(ENTRIES) + 1, rnd.choice(["facebook", "x", "whatsapp"]), moment(rnd))
                for _ in range(SHARES)
            ],
        )
        await tx.execute_many(
            "INSERT INTO replies (entry_id, body, created_at) VALUES (?, 'Thanks', ?)",
            [(rnd.randrange(ENTRIES) + 1, to_db(NOW)) for _ in range(REPLIES)],
        )
    return contest


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.db")
        try:
            contest = await seed(db)
            timings = []
            for _ in range(RUNS):
                began = time.perf_counter()
                figures = await engagement(db, contest, now=NOW)
                charts(figures)
                report_text.summary(figures)
                timings.append((time.perf_counter() - began) * 1000)
        finally:
            await db.close()
    summary = {
        "entries": ENTRIES,
        "likes": figures.public.likes,
        "views": figures.public.views,
        "median_ms": round(statistics.median(timings), 1),
        "max_ms": round(max(timings), 1),
    }
    print(report_text.summary(figures)[0])
    print(json.dumps(summary))


if __name__ == "__main__":
    asyncio.run(main())
