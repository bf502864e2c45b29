"""A round's downloads for organizers: every decision, and a ranking round's final order."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.core.errors import NotFound
from contest.i18n import N_
from contest.judging.rounds import overview
from contest.web.context import services
from contest.web.downloads import MEDIA_TYPES, rows_download
from contest.web.manage.round_access import organizer_round


def _format(request: Request) -> str:
    fmt = str(request.path_params["fmt"])
    if fmt not in MEDIA_TYPES:
        raise NotFound(N_("A round's tables can be downloaded as .csv or .json."))
    return fmt


async def decisions(request: Request) -> Response:
    """Every task of the round: the photo, the juror's name, the decision, marks and note."""
    _, round_, contest = await organizer_round(request)
    fmt = _format(request)
    rows = await overview.decision_rows(services(request).db, round_)
    return rows_download(rows, fmt, f"{contest.slug}-round-{round_.number}-decisions")


async def ranking(request: Request) -> Response:
    """A ranking round's final order: place (ties share one), entry and title."""
    _, round_, contest = await organizer_round(request)
    fmt = _format(request)
    if round_.kind != "ranking":
        raise NotFound(N_("Only a ranking round has a final order to download."))
    rows = await overview.ranking_rows(services(request).db, round_)
    return rows_download(rows, fmt, f"{contest.slug}-round-{round_.number}-ranking")


routes = [
    Route(
        "/manage/rounds/{round_id:int}/decisions.{fmt:str}",
        decisions,
        name="manage_round_decisions",
    ),
    Route("/manage/rounds/{round_id:int}/ranking.{fmt:str}", ranking, name="manage_round_ranking"),
]
