"""Fifty likes by one voter on one entry, all at once through HTTP, leave exactly one."""

import asyncio
from pathlib import Path

import httpx2 as httpx
import pytest

from contest.accounts import sessions
from contest.app import create_app
from contest.config import Config
from contest.contests.phases import Phase
from contest.core.security import csrf_token
from tests.conftest import FakeClock
from tests.factories import add_account, add_contest, add_entry

pytestmark = pytest.mark.anyio
BROWSER = "20000101." + "b" * 43


async def test_fifty_concurrent_likes_through_http_leave_exactly_one(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path, base_url="http://testserver", secret_key="s" * 40)
    clock = FakeClock()
    app = create_app(config, clock=clock, fast_passwords=True)
    async with app.router.lifespan_context(app):
        services = app.state.services
        db, now = services.db, clock()
        contest = await add_contest(db, Phase.VOTING, now=now)
        passwords = services.passwords
        author = await add_account(db, passwords, email="author@uni.edu", now=now)
        fan = await add_account(db, passwords, email="fan@uni.edu", now=now)
        organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer", now=now)
        entry = await add_entry(db, services.storage, contest, author, moderator=organizer, now=now)
        token = await sessions.start_session(db, user_id=fan.id, now=now)
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
