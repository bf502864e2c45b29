"""Fifty likes by one voter on one entry, all at once through HTTP, leave exactly one."""

import asyncio
from pathlib import Path

import httpx2 as httpx
import pytest

from contest.accounts import sessions, users
from contest.app import create_app
from contest.config import Config
from contest.contests import store as contest_store
from contest.core.clock import utcnow
from contest.core.security import csrf_token
from contest.demo.contests import judging_demo_settings
from tests.factories import insert_entry

pytestmark = pytest.mark.anyio
BROWSER = "20000101." + "b" * 43


async def test_fifty_concurrent_likes_through_http_leave_exactly_one(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path, base_url="http://testserver", secret_key="s" * 40)
    app = create_app(config, fast_passwords=True)
    async with app.router.lifespan_context(app):
        services = app.state.services
        db, now = services.db, utcnow()
        contest = await contest_store.create_contest(
            db, judging_demo_settings(now, "UTC"), created_by=None, now=now
        )
        author, fan = [
            await users.create_user(
                db,
                services.passwords,
                email=email,
                display_name=email[:3],
                password="x" * 12,
                role="participant",
                now=now,
            )
            for email in ("author@uni.edu", "fan@uni.edu")
        ]
        async with db.transaction() as tx:
            entry = await insert_entry(tx, contest.id, author, "Photo", "approved")
        token = await sessions.start_session(db, user_id=fan, now=now)
        form = {"csrf_token": csrf_token(config.secret_key or "", BROWSER), "action": "like"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://testserver",
            cookies={"contest_session": token, "contest_browser": BROWSER},
            headers={"Accept": "application/json", "Sec-Fetch-Site": "same-origin"},
        ) as client:
            answers = await asyncio.gather(
                *(client.post(f"/entries/{entry}/like", data=form) for _ in range(50))
            )
        assert {answer.status_code for answer in answers} == {200}
        assert all(answer.json() == {"liked": True, "count": 1} for answer in answers)
        assert await db.fetch_value("SELECT count(*) FROM likes") == 1
        assert await db.fetch_value("SELECT count(*) FROM like_events") == 1
