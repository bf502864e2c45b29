"""Share cards drawn ahead: the media worker draws the link-preview card of every approved
entry that has none, a few at a time, so the first share's preview and the album's export
find it ready instead of drawing it while someone waits (a card takes about 40 ms of CPU).

Every worker process asks for the round; one at a time draws it, under the lease
``CARDS_LEASE`` (renewed batch by batch, given up at the end), so no card is drawn twice at
once. A card is a few dozen milliseconds, so a whole round under one lease is simpler than a
claim per card, and a worker that finds the lease held simply leaves the round to its holder.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import anyio

from contest.core.claims import release_lease, take_lease, this_process
from contest.core.clock import utcnow
from contest.core.db import Database
from contest.core.storage import Storage
from contest.media.photos import share_card_of

#: Cards drawn per look: the worker looks again at once while there are more.
BATCH = 20
#: The lease a round of the backlog is drawn under, and how long each batch renews it for (a
#: batch is a second or two of work; a holder that died loses the round after this).
CARDS_LEASE = "share-card backlog"
CARDS_LEASE_TIME = timedelta(minutes=5)


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
    db: Database,
    storage: Storage,
    *,
    limiter: anyio.CapacityLimiter,
    clock: Callable[[], datetime] = utcnow,
    holder: str | None = None,
) -> bool:
    """Draw every missing card, batch by batch (each entry at most once per call), holding
    the backlog's lease for ``holder`` (this process); return False, drawing nothing, when
    another worker holds it (that worker draws them), or when it is lost midway."""
    holder = holder or this_process()
    after: int | None = 0
    try:
        while after is not None:
            if not await take_lease(
                db, CARDS_LEASE, now=clock(), lasting=CARDS_LEASE_TIME, holder=holder
            ):
                return False
            after = await draw_missing_cards(db, storage, limiter=limiter, after=after)
    except Exception:  # (a round cancelled at shut-down keeps the lease until it lapses)
        await release_lease(db, CARDS_LEASE, holder=holder)
        raise
    await release_lease(db, CARDS_LEASE, holder=holder)
    return True
