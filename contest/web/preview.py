"""Rehearsal plumbing: a signed-in organizer's preview cookie turns the time of one contest's
public pages into the moment they chose (``web.context.now``), and every page into one with
the preview banner.

Only GET and HEAD requests are previewed, so anything that writes (a like, an entry, a score,
a reply) runs at the real time; visitors who are not organizers see the real site whatever
cookie they carry. Requests without the cookie cost one look at the Cookie header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from starlette.requests import Request, cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from contest.accounts import sessions
from contest.contests.model import Contest
from contest.contests.preview import PreviewChoice, describe, is_results_phase, read_preview
from contest.core.errors import ContestError
from contest.entries import store as entry_store
from contest.i18n import N_
from contest.judging.results import published_at
from contest.web.context import PREVIEW_MOMENT, SESSION_COOKIE, Services

PREVIEW_COOKIE = "contest_preview"
#: Where the banner's facts wait in a request's state.
PREVIEW_STATE = "preview"
#: The contest's own public pages (its page, gallery and winners) and its entries' pages.
CONTEST_PAGE = re.compile(r"/contests/(?P<slug>[^/]+)(?:/gallery|/winners)?/?")
ENTRY_PAGE = re.compile(r"/entries/(?P<entry_id>[0-9]{1,18})/?")
#: The note by a like button on a previewed page: a like would post at the real time.
LIKES_OFF_IN_PREVIEW = N_("Likes are off in a preview")


@dataclass(frozen=True)
class PreviewBanner:
    """What the preview banner says on a page."""

    contest_id: int
    contest_title: str
    contest_slug: str
    when: str  # "Tue 12 Mar 2027, 10:00" (English; other languages write ``moment``)
    phase: str  # "judging and voting" (translated where it is shown)
    moment: datetime  # the chosen moment, written in the contest's ``timezone``
    timezone: str
    applies: bool  # this page is the contest's and shows the chosen moment
    results_unpublished: bool  # previewing the results before they are published


def banner(request: Request) -> PreviewBanner | None:
    """The preview banner for this request's page, if an organizer is previewing."""
    found = request.scope.get("state", {}).get(PREVIEW_STATE)
    return found if isinstance(found, PreviewBanner) else None


def previewed(request: Request) -> bool:
    """Whether this page shows an organizer's chosen moment rather than the real time."""
    return PREVIEW_MOMENT in request.scope.get("state", {})


def _route_path(scope: Scope) -> str:
    """The request's path below the app's root path."""
    path, root = str(scope.get("path", "")), str(scope.get("root_path", ""))
    return path[len(root) :] if root and path.startswith(root) else path


async def _is_contest_page(services: Services, scope: Scope, contest: Contest) -> bool:
    """Whether the request is for one of the contest's public pages."""
    path = _route_path(scope)
    if match := CONTEST_PAGE.fullmatch(path):
        return match["slug"] == contest.slug
    if match := ENTRY_PAGE.fullmatch(path):
        try:
            entry = await entry_store.get_entry(services.db, int(match["entry_id"]))
        except ContestError:
            return False
        return int(entry["contest_id"]) == contest.id
    return False


async def _resolve(services: Services, scope: Scope, cookies: dict[str, str]) -> None:
    """Put the preview (and the organizer found) in the request's state, when the cookie is
    genuine and comes with a signed-in organizer's session; on the previewed contest's own
    pages, the chosen moment too."""
    real_now = services.clock()
    choice = read_preview(
        services.config.secret_key or "", cookies.get(PREVIEW_COOKIE), now=real_now
    )
    if choice is None:
        return
    user = await sessions.session_user(services.db, cookies.get(SESSION_COOKIE), now=real_now)
    if user is None or not user.is_organizer:
        return
    try:
        contest = await services.contest(choice.contest_id)
    except ContestError:
        return
    state = scope.setdefault("state", {})
    # The organizer as of the real time: a preview months ahead must not end their session.
    state["user"] = user
    applies = await _is_contest_page(services, scope, contest)
    if applies:
        state[PREVIEW_MOMENT] = choice.moment
    state[PREVIEW_STATE] = await _banner(services, contest, choice, applies=applies)


async def _banner(
    services: Services, contest: Contest, choice: PreviewChoice, *, applies: bool
) -> PreviewBanner:
    """The banner's facts for a preview of that contest."""
    when, phase = describe(contest, choice.moment)
    unpublished = is_results_phase(contest, choice.moment) and (
        await published_at(services.db, contest.id) is None
    )
    return PreviewBanner(
        contest_id=contest.id,
        contest_title=contest.title,
        contest_slug=contest.slug,
        when=when,
        phase=phase,
        moment=choice.moment,
        timezone=contest.settings.timezone,
        applies=applies,
        results_unpublished=unpublished,
    )


class PreviewMiddleware:
    """Sets the preview moment for an organizer's GET of a previewed contest's pages."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            header = next((v for k, v in scope["headers"] if k == b"cookie"), b"")
            if PREVIEW_COOKIE.encode() in header:
                services: Services = scope["app"].state.services
                await _resolve(services, scope, cookie_parser(header.decode("latin-1")))
        await self.app(scope, receive, send)
