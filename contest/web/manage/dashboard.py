"""Organizers' engagement dashboard and the printable report of one contest."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.engagement import report_tables, report_text
from contest.engagement.charts import HEIGHT, PRINTED_HEIGHT, BarChart, bar_chart, daily_chart
from contest.engagement.figures import Engagement, engagement
from contest.engagement.report_print import printed_report
from contest.gallery import views
from contest.i18n import N_, shown
from contest.web.context import now, organizer_contest, services
from contest.web.rendering import render


def charts(figures: Engagement, *, height: int = HEIGHT) -> list[tuple[str, BarChart]]:
    """The charts both pages draw, ``height`` units high, each with an id for its SVG title
    and table."""
    series = figures.series
    networks = [(n.network, n.clicks) for n in figures.public.networks]
    return [
        (
            "entries-per-day",
            daily_chart(N_("Entries per day"), series.entries, unit=N_("Entries"), height=height),
        ),
        (
            "likes-per-day",
            daily_chart(N_("Likes per day"), series.likes, unit=N_("Likes"), height=height),
        ),
        (
            "views-per-day",
            daily_chart(N_("Entry views per day"), series.views, unit=N_("Views"), height=height),
        ),
        (
            "shares-per-day",
            daily_chart(
                N_("Share clicks per day"), series.shares, unit=N_("Share clicks"), height=height
            ),
        ),
        (
            "shares-by-network",
            bar_chart(
                N_("Share clicks per network"),
                networks if figures.public.shares else [],
                unit=N_("Share clicks"),
                label_name=N_("Network"),
                axis_labels=[
                    shown(views.SHORT_SOURCE_LABELS.get(name, name)) for name, _ in networks
                ],
                height=height,
            ),
        ),
    ]


async def dashboard(request: Request) -> Response:
    """Every engagement figure of a contest, with daily charts and their tables."""
    _, contest = await organizer_contest(request)
    figures = await engagement(services(request).db, contest, now=now(request))
    context: dict[str, Any] = {
        "contest": contest,
        "e": figures,
        "charts": charts(figures),
        "view_definition": views.DEFINITION,
    }
    return await render(request, "manage/dashboard.html", context)


async def report(request: Request) -> Response:
    """The engagement report: a cover with the winners, key figures, a written summary, then
    charts and tables; prints on a few A4 pages."""
    _, contest = await organizer_contest(request)
    printed = await printed_report(services(request).db, contest, now=now(request))
    context: dict[str, Any] = {
        "contest": contest,
        "e": printed.figures,
        "charts": charts(printed.figures, height=PRINTED_HEIGHT),
        "winners": printed.winners,
        "day_blocks": printed.day_blocks,
        "view_definition": views.DEFINITION,
        "summary": report_text.summary(printed.figures),
        "download_tables": report_tables.TABLES,
    }
    return await render(request, "manage/report.html", context)


routes = [
    Route("/manage/contests/{contest_id:int}/dashboard", dashboard, name="dashboard"),
    Route("/manage/contests/{contest_id:int}/report", report, name="report"),
]
