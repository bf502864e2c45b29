"""The gallery page, assembled from cached parts.

A snapshot of a gallery (a contest's entries under one filter, their like counts, the
categories) lives in ``Services.gallery_cache`` for ``CONTEST_GALLERY_CACHE_SECONDS`` (one by
default), and a like forgets it at once for the liker's process. Within a snapshot each entry's
card is rendered once per kind of viewer, and a whole page for visitors who are not signed in
and like nothing on it is rendered once per order, so most requests only join cached bytes.

What differs between visitors is never baked into cached text: the CSRF token and the address
to come back to are left as markers, filled in when the page is sent; links are root-relative,
so a cached page does not depend on the Host header either. Cards and pages are kept per
language: they are rendered in the current locale (``contest.i18n.current_locale``), which is
part of their keys.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jinja2
from markupsafe import Markup, escape
from starlette.requests import Request

from contest.contests.model import Contest
from contest.core.db import Database, Row
from contest.entries import store as entry_store
from contest.gallery import listing
from contest.gallery.ribbons import Ribbons, contest_ribbons
from contest.i18n import current_locale
from contest.web import media_links

#: Stand-ins for the per-visitor parts of cached HTML; random, so no title can contain one.
CSRF_MARK = f"csrf-{secrets.token_hex(16)}"
NEXT_MARK = f"next-{secrets.token_hex(16)}"
#: Whole pages kept per snapshot at most, in number and in bytes (a snapshot lives about a
#: second; the byte budget bounds memory however many orders and filters visitors ask for).
PAGES_KEPT = 512
PAGE_BYTES_KEPT = 4 * 1024 * 1024

CardKey = tuple[Any, ...]
PageKey = tuple[Any, ...]


@dataclass
class Snapshot:
    """A gallery's entries (with like counts) and categories as read at one moment, and the
    cards and pages rendered from them."""

    contest_id: int
    rows: list[Row]
    categories: list[Row]
    cards: dict[CardKey, str] = field(default_factory=dict)
    pages: dict[PageKey, list[bytes]] = field(default_factory=dict)
    page_bytes: int = 0
    ribbons: Ribbons = field(default_factory=Ribbons)
    _sorted: dict[str, list[Row]] = field(default_factory=dict)

    def ordered(self, sort: str, seed: str) -> list[Row]:
        """The entries in a sort; for "shuffled", in the order of the visitor's seed."""
        if sort not in self._sorted:
            if sort == "shuffled":
                self._sorted[sort] = listing.base_shuffle(self.rows, contest_id=self.contest_id)
            else:
                self._sorted[sort] = listing.order(
                    self.rows, sort=sort, contest_id=self.contest_id, seed=""
                )
        rows = self._sorted[sort]
        return listing.visitor_order(rows, seed) if sort == "shuffled" else rows

    def inherit(self, previous: Snapshot | None) -> None:
        """Take over the cards of the entries that have not changed since the last snapshot
        (a like changes one entry's card; the rest need not be rendered again)."""
        if previous is None:
            return
        before = {row["id"]: tuple(row) for row in previous.rows}
        same = {row["id"] for row in self.rows if before.get(row["id"]) == tuple(row)}
        self.cards = {key: html for key, html in previous.cards.items() if key[0] in same}

    def keep_page(self, key: PageKey, parts: list[bytes]) -> None:
        """Keep a rendered page for the snapshot's lifetime, within PAGES_KEPT and
        PAGE_BYTES_KEPT."""
        size = sum(len(part) for part in parts)
        if len(self.pages) < PAGES_KEPT and self.page_bytes + size <= PAGE_BYTES_KEPT:
            self.pages[key] = parts
            self.page_bytes += size


async def load_snapshot(
    db: Database,
    contest: Contest,
    *,
    category_id: int | None,
    tag: str | None,
    previous: Snapshot | None = None,
) -> Snapshot:
    """Read a gallery's entries and the contest's categories (keeping the previous snapshot's
    cards of entries that have not changed)."""
    rows = await listing.contest_entries(db, contest, category_id=category_id, tag=tag)
    categories = await entry_store.category_options(db, contest.id)
    snapshot = Snapshot(contest.id, rows, categories, ribbons=await contest_ribbons(db, contest))
    snapshot.inherit(previous)
    return snapshot


@dataclass(frozen=True)
class GalleryQuery:
    """A gallery address's parameters, made canonical."""

    category_id: int | None
    tag: str
    sort: str
    sort_chosen: bool  # the address names the sort (rather than taking the default)
    page: int  # as asked: the page shown may be the last one instead

    def link(self, number: int) -> str:
        """The query string of another page of the same gallery."""
        values = {"category": self.category_id or "", "tag": self.tag, "sort": self.sort}
        return urlencode({**values, "page": number})

    def here(self, path: str, number: int) -> str:
        """The address of the page shown, for a like without JavaScript to come back to."""
        values = {
            "category": self.category_id or "",
            "tag": self.tag,
            "sort": self.sort if self.sort_chosen else "",
            "page": number if number > 1 else "",
        }
        chosen = {name: value for name, value in values.items() if value}
        return f"{path}?{urlencode(chosen)}" if chosen else path


class Links:
    """``url_for`` for templates that gives root-relative paths (no scheme, no host)."""

    def __init__(self, request: Request) -> None:
        self.root = str(request.scope.get("root_path", ""))
        self._router = request.app.router
        self._request = request

    def __call__(self, name: str, /, **params: Any) -> str:
        if name == media_links.MEDIA_ROUTE:  # at CONTEST_MEDIA_PUBLIC_URL when set
            public = media_links.media_href(self._request, str(params.get("key", "")))
            if public is not None:
                return public
        return self.root + str(self._router.url_path_for(name, **params))


@dataclass(frozen=True)
class Viewer:
    """What in a gallery card depends on who looks at it."""

    liked_ids: frozenset[int]
    user_id: int | None
    can_vote: bool
    vote_note: str
    counts_shown: bool
    authors_shown: bool
    like_via: str = ""  # "sign_in", "email" or "campus": the like button leads there first


def card(
    env: jinja2.Environment,
    snapshot: Snapshot,
    entry: Row,
    viewer: Viewer,
    url_for: Links,
    ribbons: tuple[str, ...] = (),
) -> str:
    """One entry's card for this kind of viewer (with its award ribbons), rendered once per
    snapshot and language."""
    liked = entry["id"] in viewer.liked_ids
    own = viewer.user_id is not None and entry["participant_id"] == viewer.user_id
    key = (
        entry["id"],
        current_locale.get(),
        url_for.root,
        liked,
        own,
        viewer.can_vote,
        viewer.vote_note,
        viewer.counts_shown,
        viewer.authors_shown,
        viewer.like_via,
        ribbons,
    )
    html = snapshot.cards.get(key)
    if html is None:
        html = env.get_template("public/_entry_card.html").render(
            entry=entry,
            liked=liked,
            own=own,
            can_vote=viewer.can_vote,
            vote_note=viewer.vote_note,
            counts_shown=viewer.counts_shown,
            authors_shown=viewer.authors_shown,
            like_via=viewer.like_via,
            credit=listing.credit,
            ribbons=ribbons,
            here=NEXT_MARK,
            csrf_token=CSRF_MARK,
            url_for=url_for,
        )
        snapshot.cards[key] = html
    return html


def page_html(
    env: jinja2.Environment,
    snapshot: Snapshot,
    viewer: Viewer,
    context: Mapping[str, Any],
    url_for: Links,
) -> str:
    """The gallery page with markers for the token; ``context`` is what gallery.html needs
    besides the cards (and ``page``, ``here`` and ``now`` among it)."""
    now = context["now"]
    cards = "".join(
        card(env, snapshot, entry, viewer, url_for, snapshot.ribbons.of(entry["id"], now))
        for entry in context["page"].entries
    )
    filled = Markup(cards.replace(NEXT_MARK, str(escape(context["here"]))))  # noqa: S704
    return env.get_template("public/gallery.html").render(
        {**context, "cards": filled, "csrf_token": CSRF_MARK, "url_for": url_for}
    )


def split_for_token(html: str) -> list[bytes]:
    """A page as the bytes around its token markers, ready to be joined with a token."""
    return [part.encode() for part in html.split(CSRF_MARK)]
