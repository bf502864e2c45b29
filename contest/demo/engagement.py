"""Seed a few days of public response in the demo contest, so its dashboard has something to show.

Likes go through ``likes.like`` and views and shares through ``views``, at the moments they
would have happened, so the dashboard reads them exactly as it reads real visitors.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.clock import zone
from contest.core.db import Database
from contest.entries import replies
from contest.gallery import views
from contest.voting import likes

#: Replies the demo organizer wrote, and how many hours after the entry each one came.
DEMO_REPLIES = (
    (2, "Lovely light! Share it with your friends: People's Choice voting is open."),
    (30, "Thank you for taking part. The judges will love the colours."),
)
DEMO_ADDRESS = "192.0.2.10"  # a documentation address (RFC 5737), never a real visitor


def _on_day(start: datetime, day: int, hour: int, tz_name: str, now: datetime) -> datetime:
    """That hour, local time, on the day-th day after ``start``, kept between start and now."""
    local = (start + timedelta(days=day)).astimezone(zone(tz_name))
    return max(start, min(now, local.replace(hour=hour, minute=17)))


async def seed_engagement(
    db: Database,
    contest: Contest,
    *,
    organizer: User,
    voter_ids: list[int],
    base_url: str,
    entered_at: datetime,
    now: datetime,
) -> None:
    """Views, share clicks and likes on each voting day so far, and replies to the first entries."""
    rng = random.Random(contest.id)  # noqa: S311 - made-up visitors, the same on every machine
    rows = await db.fetch_all(
        "SELECT id, participant_id FROM entries WHERE contest_id = ? AND status = 'approved'"
        " ORDER BY id",
        (contest.id,),
    )
    for (hours, body), row in zip(DEMO_REPLIES, rows, strict=False):
        await replies.add_reply(
            db,
            entry_id=row["id"],
            author=organizer,
            body=body,
            entry_link=f"{base_url.rstrip('/')}/entries/{row['id']}",
            now=entered_at + timedelta(hours=hours),
        )
    voting = contest.settings.schedule.voting_open
    days = max(0, (now - voting).days)
    for day in range(days + 1):
        moment = _on_day(voting, day, rng.randint(8, 21), contest.settings.timezone, now)
        for row in rows:
            for visitor in range(rng.randint(2, 9)):
                await views.record_view(
                    db,
                    entry_id=row["id"],
                    visitor=f"demo-{day}-{visitor}",
                    source=rng.choice(("", "", "facebook", "whatsapp", "x")),
                    tz_name=contest.settings.timezone,
                    now=moment,
                )
            if rng.random() < 0.5:
                network = rng.choice(tuple(views.NETWORKS))
                await views.record_share(db, entry_id=row["id"], network=network, now=moment)
    for index, voter_id in enumerate(voter_ids):
        voter = likes.Voter(f"user:{voter_id}", "vote", voter_id, DEMO_ADDRESS)
        chosen = [row["id"] for row in rows if row["participant_id"] != voter_id]
        for entry_id in rng.sample(chosen, k=min(len(chosen), 2 + index)):
            day = rng.randint(0, days)
            moment = _on_day(voting, day, rng.randint(8, 22), contest.settings.timezone, now)
            await likes.like(db, contest=contest, entry_id=entry_id, voter=voter, now=moment)
    pick = likes.Voter(f"user:{organizer.id}", "pick", organizer.id, DEMO_ADDRESS)
    if rows:
        await likes.like(db, contest=contest, entry_id=rows[-1]["id"], voter=pick, now=now)
