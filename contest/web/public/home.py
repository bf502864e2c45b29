"""Pages anyone may read: the home page and each contest's page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from contest.contests import store as contest_store
from contest.contests.model import TIE_BREAKS
from contest.gallery import covers
from contest.judging import winners
from contest.voting.tallies import peoples_choice_award, peoples_choice_rule
from contest.web.context import current_user, now, services
from contest.web.public.voters import knows_voter
from contest.web.rendering import STATIC_DIR, render


async def _sees_drafts(request: Request) -> bool:
    user = await current_user(request)
    return user is not None and user.is_organizer


async def home(request: Request) -> Response:
    """Current contests first, then the archive of past ones: finished contests (their winners
    announced) go there at once, with their champion and People's Choice."""
    everything = await contest_store.list_contests(
        services(request).db, include_unpublished=await _sees_drafts(request)
    )
    moment = now(request)
    finished = await winners.finished_contests(services(request).db, everything, now=moment)
    current, past = contest_store.split_current_and_past(everything, moment)
    done = [contest for contest in current if contest.id in finished]
    current = [contest for contest in current if contest.id not in finished]
    past = sorted(done, key=lambda c: c.schedule.results_at, reverse=True) + past
    covers_by_contest = await covers.covers_of(services(request).db, (c.id for c in everything))
    context = {"current": current, "past": past, "winners": finished, "covers": covers_by_contest}
    return await render(request, "public/home.html", context)


async def contest_page(request: Request) -> Response:
    """A contest's theme, rules, calendar and awards."""
    contest = await contest_store.get_contest_by_slug(
        services(request).db,
        request.path_params["slug"],
        include_unpublished=await _sees_drafts(request),
    )
    context = {
        "contest": contest,
        "tie_rule": TIE_BREAKS[contest.settings.tie_break],
        "peoples_choice_rule": peoples_choice_rule(contest.settings),
        "peoples_choice_award": peoples_choice_award(contest.settings),
        "voter_known": await knows_voter(request, contest),
        "cover": await covers.cover_of(services(request).db, contest.id),
    }
    return await render(request, "public/contest.html", context)


async def health(request: Request) -> Response:
    """A liveness check for load balancers: the database answers."""
    await services(request).db.ping()
    return JSONResponse({"status": "ok"})


FAVICON = STATIC_DIR / "favicon.svg"
#: Browsers ask for /favicon.ico on every page; it changes with a release at most.
FAVICON_CACHE = "public, max-age=86400"


async def favicon(request: Request) -> Response:
    """The site's icon (the SVG that pages link), at the address browsers ask for unasked."""
    return FileResponse(
        FAVICON, media_type="image/svg+xml", headers={"Cache-Control": FAVICON_CACHE}
    )


routes = [
    Route("/", home, name="home"),
    Route("/contests/{slug}", contest_page, name="contest"),
    Route("/api/health", health, name="health"),
    Route("/favicon.ico", favicon, name="favicon"),
]
