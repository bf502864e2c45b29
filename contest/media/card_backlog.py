"""Share cards drawn ahead: the media worker draws the link-preview card of every approved
entry that has none, a few at a time, so the first share's preview and the album's export
find it ready instead of drawing it while someone waits (a card takes about 40 ms of CPU)."""

from __future__ import annotations

import anyio

from contest.core.db import Database
from contest.core.storage import Storage
from contest.media.photos import share_card_of

#: Cards drawn per look: the worker looks again at once while there are more.
BATCH = 20


async def draw_missing_cards(
    db: Database,
    storage: Storage,
    *,
    limiter: anyio.CapacityLimiter,
    after: int = 0,
    batch: int = BATCH,
) -> int | None:
    """Draw the cards of up to ``batch`` approved entries (ids above ``after``) that have none;
    return the last id looked at, or None when none was left. A card that cannot be drawn
    stays missing (``share_card_of`` logs it) and is tried again on a later pass."""
    rows = await db.fetch_all(
        "SELECT e.*, c.hashtag AS contest_hashtag, c.title AS contest_title"
        " FROM entries e JOIN contests c ON c.id = e.contest_id"
        " WHERE e.status = 'approved' AND e.share_card_key IS NULL AND e.id > ?"
        " ORDER BY e.id LIMIT ?",
        (after, batch),
    )
    for row in rows:
        await share_card_of(
            db,
            storage,
            row,
            hashtag=row["contest_hashtag"],
            contest_title=row["contest_title"],
            limiter=limiter,
        )
    return int(rows[-1]["id"]) if rows else None


async def draw_all_missing_cards(
    db: Database, storage: Storage, *, limiter: anyio.CapacityLimiter
) -> None:
    """Draw every missing card, batch by batch (each entry at most once per call)."""
    after: int | None = 0
    while after is not None:
        after = await draw_missing_cards(db, storage, limiter=limiter, after=after)
