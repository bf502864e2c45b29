"""Counting entry views per day and share clicks per network, without trackers or cookies banners.

A view is counted once per visitor per entry per day; known bots and link-preview fetchers are
not visitors. The visitor key is a salted hash, so no address or cookie value is stored.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from urllib.parse import quote

from contest.core.clock import to_db, zone
from contest.core.db import Database

BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|whatsapp|telegram|discord|embedly"
    r"|headless|python|curl|wget|httpx|go-http|java/|okhttp|scrapy|monitor|lighthouse",
    re.IGNORECASE,
)
NETWORKS = {
    "facebook": ("Facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
    "x": ("X", "https://twitter.com/intent/tweet?url={url}&text={text}"),
    "whatsapp": ("WhatsApp", "https://wa.me/?text={text}%20{url}"),
    "weibo": ("Weibo", "https://service.weibo.com/share/share.php?url={url}&title={text}"),
    "line": ("LINE", "https://social-plugins.line.me/lineit/share?url={url}"),
    "email": ("Email", "mailto:?subject={text}&body={url}"),
}
SOURCES = (*NETWORKS, "copy", "native")


def is_bot(user_agent: str) -> bool:
    """Whether a User-Agent belongs to a crawler, a preview fetcher or a script."""
    return not user_agent or bool(BOT_AGENT.search(user_agent))


def visitor_key(secret: str, browser: str, address: str, user_agent: str) -> str:
    """A salted, one-way key for a visitor: their browser id, or address and agent without one."""
    raw = browser or f"{address}|{user_agent}"
    return hashlib.sha256(f"{secret}|{raw}".encode()).hexdigest()[:32]


async def record_view(
    db: Database, *, entry_id: int, visitor: str, source: str, tz_name: str, now: datetime
) -> bool:
    """Count a view unless this visitor already viewed the entry today; return whether counted."""
    day = now.astimezone(zone(tz_name)).date().isoformat()
    async with db.transaction() as tx:
        added = await tx.execute_rowcount(
            "INSERT INTO entry_views (entry_id, day, visitor, source) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (entry_id, day, visitor, source if source in SOURCES else ""),
        )
    return bool(added)


async def record_share(db: Database, *, entry_id: int, network: str, now: datetime) -> None:
    """Count a click on a share button."""
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO share_clicks (entry_id, network, at) VALUES (?, ?, ?)",
            (entry_id, network, to_db(now)),
        )


def share_target(network: str, *, url: str, text: str) -> str:
    """The network's share address for a page, its link tagged with the network as source."""
    _, template = NETWORKS[network]
    tagged = f"{url}?src={network}"
    return template.format(url=quote(tagged, safe=""), text=quote(text, safe=""))


async def shares_by_network(db: Database, contest_id: int) -> list[tuple[str, int, int]]:
    """Per network: share-button clicks and visits that arrived through a shared link."""
    clicks = {
        row["network"]: row["n"]
        for row in await db.fetch_all(
            "SELECT network, count(*) AS n FROM share_clicks JOIN entries ON entries.id = entry_id"
            " WHERE entries.contest_id = ? GROUP BY network",
            (contest_id,),
        )
    }
    arrivals = {
        row["source"]: row["n"]
        for row in await db.fetch_all(
            "SELECT source, count(*) AS n FROM entry_views JOIN entries ON entries.id = entry_id"
            " WHERE entries.contest_id = ? AND source != '' GROUP BY source",
            (contest_id,),
        )
    }
    return [
        (label, clicks.get(key, 0), arrivals.get(key, 0))
        for key, label in [(key, NETWORKS[key][0]) for key in NETWORKS]
        + [("copy", "Copied link"), ("native", "Phone share sheet")]
    ]


async def views_by_day(
    db: Database, contest_id: int, *, approved_only: bool = False
) -> list[tuple[str, int]]:
    """Counted entry views per day (in the contest's time zone), oldest first; of approved
    entries only if asked (an entry may be rejected after it was seen)."""
    rows = await db.fetch_all(
        "SELECT day, count(*) AS n FROM entry_views JOIN entries ON entries.id = entry_id"
        " WHERE entries.contest_id = ? AND (entries.status = 'approved' OR ?)"
        " GROUP BY day ORDER BY day",
        (contest_id, int(not approved_only)),
    )
    return [(row["day"], row["n"]) for row in rows]
