"""Counting entry views per browser per day, and share clicks per network, without trackers.

A view is one browser opening an entry's page on a day (in the contest's time zone). The
browser is known by the site's own first-party id cookie (the one the CSRF tokens are bound
to), never by its address: a campus behind one address is as many visitors as browsers. A
first visit, which brings no cookie yet, counts under the id handed out with that very response,
so a visit from a shared link counts at once and the same browser's later visits that day do
not. Not counted: crawlers, link-preview fetchers, scripts and headless browsers (by their
User-Agent, or none), prefetches and requests that are not a page load, and staff: organizers
and judges, and the entry's own author, while signed in and afterwards from the browser they
signed in on. A client that keeps no cookie at all counts on every page load.

Every arrival from outside keeps its source, once per browser, entry, day and source: the share
link's network (``?src=``), the ``utm_source`` and the referring site's host.

The keys stored are salted hashes, so no address or cookie value is kept; the keys of staff
browsers are salted apart from the visitors' keys, so no view can be tied to an account.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import quote, urlsplit

from contest.accounts.users import User
from contest.core.clock import to_db, zone
from contest.core.db import Database, Transaction
from contest.i18n import N_

#: What the dashboard says a view is, next to the figure.
DEFINITION = N_(
    "A view is one browser opening an entry's page on a day; crawlers, link previews and"
    " staff (organizers, judges, the entry's author) are not counted."
)
BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|facebookcatalog|whatsapp/|embedly"
    r"|iframely|headless|phantomjs|selenium|puppeteer|playwright|lighthouse|pagespeed"
    r"|python|curl|wget|httpx|go-http|java/|okhttp|scrapy|axios|node-fetch|libwww|http\.rb"
    r"|monitor|validator|feedfetcher|mediapartners|google-inspectiontool|googleother",
    re.IGNORECASE,
)
NETWORKS = {
    "facebook": (N_("Facebook"), "https://www.facebook.com/sharer/sharer.php?u={url}"),
    "x": (N_("X"), "https://twitter.com/intent/tweet?url={url}&text={text}"),
    "whatsapp": (N_("WhatsApp"), "https://wa.me/?text={text}%20{url}"),
    "weibo": (N_("Weibo"), "https://service.weibo.com/share/share.php?url={url}&title={text}"),
    "line": (N_("LINE"), "https://social-plugins.line.me/lineit/share?url={url}"),
    "email": (N_("Email"), "mailto:?subject={text}&body={url}"),
}
#: WeChat has no web share address: its QR code of the tagged link is scanned instead.
WECHAT = "wechat"
SOURCES = (*NETWORKS, WECHAT, "copy", "native")
#: How each share-link source is named in a table.
SOURCE_LABELS = {
    **{key: label for key, (label, _) in NETWORKS.items()},
    WECHAT: N_("WeChat"),
    "copy": N_("Copied link"),
    "native": N_("Phone share sheet"),
}
#: The same names where a chart's bars leave little room, keyed by the table's name.
SHORT_SOURCE_LABELS: dict[str, str] = {
    SOURCE_LABELS["copy"]: N_("Copied"),
    SOURCE_LABELS["native"]: N_("Phone"),
}
STAFF_ROLES = ("organizer", "judge")
_UTM = re.compile(r"[^a-z0-9._-]+")
MAX_UTM = 40
MAX_HOST = 100
TOP_SOURCES = 10

ViewOutcome = Literal["counted", "repeat", "not_a_visit", "staff"]


@dataclass(frozen=True)
class Visit:
    """One request for an entry's page, as much of it as counting needs.

    ``browser`` is the browser's id: the one its cookie carries, or, on a first visit without
    the cookie, the one handed out with this response. ``fetch_dest`` and ``purpose`` are the
    ``Sec-Fetch-Dest`` and ``Sec-Purpose`` (or ``Purpose``) headers, ``method`` the request's
    (a HEAD is a link checker); ``site_host`` is this site's host, where a referrer is one of
    our own pages rather than an arrival from outside.
    """

    browser: str
    user_agent: str
    channel: str = ""
    utm_source: str = ""
    referrer: str = ""
    site_host: str = ""
    fetch_dest: str = ""
    purpose: str = ""
    method: str = "GET"


def is_bot(user_agent: str) -> bool:
    """Whether a User-Agent belongs to a crawler, a preview fetcher, a script or a headless
    browser (or is missing)."""
    return not user_agent.strip() or bool(BOT_AGENT.search(user_agent))


def is_page_load(visit: Visit) -> bool:
    """Whether a request is a person's browser loading the page: a GET, not from a bot, not a
    prefetch, not a script's fetch or a frame (browsers that say nothing of the last two are
    taken at their word)."""
    if visit.method != "GET" or is_bot(visit.user_agent) or not visit.browser:
        return False
    if "prefetch" in visit.purpose.lower() or "prerender" in visit.purpose.lower():
        return False
    return visit.fetch_dest.lower() in ("", "document")


def visitor_key(secret: str, browser: str) -> str:
    """A salted, one-way key for a browser, from its first-party id."""
    return hashlib.sha256(f"{secret}|{browser}".encode()).hexdigest()[:32]


def _staff_key(secret: str, browser: str, who: str) -> str:
    """A browser's key as staff (``who`` is "staff", or "author:<account id>"): salted apart
    from ``visitor_key``, so the two cannot be matched."""
    return hashlib.sha256(f"{secret}|{who}|{browser}".encode()).hexdigest()[:32]


def referrer_site(referrer: str, site_host: str) -> str:
    """The host of a referring page on another site; "" for none, ours or nonsense."""
    try:
        host = (urlsplit(referrer.strip()).hostname or "").lower()
    except ValueError:
        return ""
    own = site_host.lower().split(":")[0]
    return "" if not host or host == own else host[:MAX_HOST]


def clean_utm(value: str) -> str:
    """A ``utm_source`` as stored: lower case, letters, digits and ``._-`` only, short."""
    return _UTM.sub("-", value.strip().lower()).strip("-")[:MAX_UTM]


async def count_view(
    db: Database,
    secret: str,
    *,
    entry_id: int,
    author_id: int,
    viewer: User | None,
    visit: Visit,
    tz_name: str,
    now: datetime,
) -> ViewOutcome:
    """Count a browser's view of an entry's page, and keep where it came from (see the module's
    doc for what counts); say what became of it."""
    if not is_page_load(visit):
        return "not_a_visit"
    staff = _staff_key(secret, visit.browser, "staff")
    author = _staff_key(secret, visit.browser, f"author:{author_id}")
    if viewer is not None and (viewer.role in STAFF_ROLES or viewer.id == author_id):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO staff_browsers (key, seen_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (staff if viewer.role in STAFF_ROLES else author, to_db(now)),
            )
        return "staff"
    async with db.transaction() as tx:
        if await tx.fetch_value(
            "SELECT count(*) FROM staff_browsers WHERE key IN (?, ?)", (staff, author)
        ):
            return "staff"
        counted = await _store_view(
            tx,
            entry_id=entry_id,
            visitor=visitor_key(secret, visit.browser),
            channel=visit.channel,
            utm_source=visit.utm_source,
            referrer=referrer_site(visit.referrer, visit.site_host),
            day=_local_day(tz_name, now),
        )
    return "counted" if counted else "repeat"


def _local_day(tz_name: str, now: datetime) -> str:
    return now.astimezone(zone(tz_name)).date().isoformat()


async def _store_view(
    tx: Transaction,
    *,
    entry_id: int,
    visitor: str,
    channel: str,
    utm_source: str,
    referrer: str,
    day: str,
) -> bool:
    """Store a view unless this visitor already viewed the entry that day, and the arrival if
    it came from outside; return whether the view was new."""
    channel = channel if channel in SOURCES else ""
    utm_source = clean_utm(utm_source)
    added = await tx.execute_rowcount(
        "INSERT INTO entry_views (entry_id, day, visitor, source) VALUES (?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (entry_id, day, visitor, channel),
    )
    if channel or utm_source or referrer:
        await tx.execute(
            "INSERT INTO entry_arrivals (entry_id, day, visitor, channel, utm_source, referrer)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (entry_id, day, visitor, channel, utm_source, referrer),
        )
    return bool(added)


async def record_view(
    db: Database,
    *,
    entry_id: int,
    visitor: str,
    source: str,
    tz_name: str,
    now: datetime,
    utm_source: str = "",
    referrer: str = "",
) -> bool:
    """Store a visitor's view (``visitor`` is already a key) unless they viewed the entry that
    day, and the arrival from ``source`` (a share link's network), ``utm_source`` or
    ``referrer`` (a host); return whether the view counted. ``count_view`` decides who counts."""
    async with db.transaction() as tx:
        return await _store_view(
            tx,
            entry_id=entry_id,
            visitor=visitor,
            channel=source,
            utm_source=utm_source,
            referrer=referrer,
            day=_local_day(tz_name, now),
        )


async def record_share(db: Database, *, entry_id: int, network: str, now: datetime) -> None:
    """Count a click on a share button."""
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO share_clicks (entry_id, network, at) VALUES (?, ?, ?)",
            (entry_id, network, to_db(now)),
        )


def tagged_link(url: str, source: str) -> str:
    """A page's link tagged with where it is shared, so arrivals through it count as such."""
    return f"{url}?src={source}"


def share_target(network: str, *, url: str, text: str) -> str:
    """The network's share address for a page, its link tagged with the network as source."""
    _, template = NETWORKS[network]
    tagged = tagged_link(url, network)
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
        row["channel"]: row["n"]
        for row in await db.fetch_all(
            "SELECT channel, count(*) AS n FROM entry_arrivals"
            " JOIN entries ON entries.id = entry_id"
            " WHERE entries.contest_id = ? AND channel != '' GROUP BY channel",
            (contest_id,),
        )
    }
    return [
        (label, clicks.get(key, 0), arrivals.get(key, 0)) for key, label in SOURCE_LABELS.items()
    ]


async def arrivals_by_source(db: Database, contest_id: int) -> list[tuple[str, int]]:
    """Arrivals from outside per source, most first (at most ``TOP_SOURCES``): a share link's
    network by name, else the ``utm_source``, else the referring site."""
    rows = await db.fetch_all(
        "SELECT CASE WHEN channel != '' THEN channel WHEN utm_source != '' THEN utm_source"
        " ELSE referrer END AS source, channel != '' AS shared, count(*) AS n"
        " FROM entry_arrivals JOIN entries ON entries.id = entry_id"
        " WHERE entries.contest_id = ? GROUP BY source, shared",
        (contest_id,),
    )
    named = [(SOURCE_LABELS[r["source"]] if r["shared"] else r["source"], r["n"]) for r in rows]
    return sorted(named, key=lambda item: (-item[1], item[0]))[:TOP_SOURCES]


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
