"""Benchmark campaign mail at the list limit: read 5,000 rows, store them, queue 5,000 messages.

Run: .venv/bin/python bench/campaigns.py   (the last line printed is a JSON summary)
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from contest.accounts import users
from contest.campaigns import drafts
from contest.campaigns import send as campaign_send
from contest.campaigns.lists import MAX_LIST_ROWS
from contest.campaigns.text import DEFAULTS
from contest.contests import store as contest_store
from contest.core.db import Database
from contest.core.security import Passwords
from contest.demo.contests import demo_settings

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def main() -> dict[str, float]:
    """Time each step once on a fresh database file."""
    rows = "".join(f"Student {n},s{n:05d}@uni.edu,student\n" for n in range(MAX_LIST_ROWS))
    data = ("name,email,affiliation\n" + rows).encode()  # an extra column, ignored
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.db")
        user_id = await users.create_user(
            db,
            Passwords(fast=True),
            email="org@uni.edu",
            display_name="Olivia",
            password="x" * 12,
            role="organizer",
            now=NOW,
        )
        user = users.User.from_row(await users.get_user_row(db, user_id))
        contest = await contest_store.create_contest(
            db, demo_settings(NOW, "UTC"), created_by=None, now=NOW
        )
        started = time.perf_counter()
        listing = await drafts.prepare_list(db, data)
        parsed = time.perf_counter()
        subject, body = DEFAULTS["invite"]
        campaign_id = await drafts.create_campaign(
            db,
            contest_id=contest.id,
            kind="invite",
            subject=subject,
            body=body,
            listing=listing,
            author_id=user.id,
            now=NOW,
        )
        stored = time.perf_counter()
        campaign = await drafts.get_campaign(db, contest.id, campaign_id)

        async def send(minutes: int) -> campaign_send.SendReport:
            return await campaign_send.send(
                db,
                campaign,
                contest=contest,
                sender=user,
                link="http://site/contests/x",
                unsubscribe_link_for=lambda token: f"http://site/unsubscribe/{token}",
                now=NOW + timedelta(minutes=minutes),
            )

        report = await send(1)
        sent = time.perf_counter()
        again = await send(2)  # mails nobody: everyone was mailed by the first
        resent = time.perf_counter()
        await db.close()
    return {
        "rows": len(listing.recipients),
        "file_kb": round(len(data) / 1024, 1),
        "parse_s": round(parsed - started, 3),
        "store_s": round(stored - parsed, 3),
        "send_s": round(sent - stored, 3),
        "queued": report.queued,
        "second_send_s": round(resent - sent, 3),
        "second_send_queued": again.queued,
    }


if __name__ == "__main__":
    summary = asyncio.run(main())
    for name, value in summary.items():
        print(f"{name:>20}: {value}")
    print(json.dumps(summary))
