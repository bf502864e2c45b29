"""Organizers' engagement dashboard and the printable report of one contest."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.engagement import report_tables, report_text
from contest.engagement.charts import BarChart, bar_chart, daily_chart
from contest.engagement.figures import Engagement, engagement
from contest.gallery import views
from contest.web.context import now, organizer_contest, services
from contest.web.rendering import render


def charts(figures: Engagement) -> list[tuple[str, BarChart]]:
    """The charts both pages draw, each with an id for its SVG title and table."""
    series = figures.series
    networks = [(n.network, n.clicks) for n in figures.public.networks]
    return [
        ("entries-per-day", daily_chart("Entries per day", series.entries, unit="Entries")),
        ("likes-per-day", daily_chart("Likes per day", series.likes, unit="Likes")),
        ("views-per-day", daily_chart("Entry views per day", series.views, unit="Views")),
        ("shares-per-day", daily_chart("Share clicks per day", series.shares, unit="Share clicks")),
        (
            "shares-by-network",
            bar_chart(
                "Share clicks per network",
                networks if figures.public.shares else [],
                unit="Share clicks",
                label_name="Network",
                axis_labels=[name.split()[0] for name, _ in networks],
            ),
        ),
    ]


async def _page(request: Request, template: str, *, for_report: bool = False) -> Response:
    _, contest = await organizer_contest(request)
    db = services(request).db
    figures = await engagement(db, contest, now=now(request))
    context: dict[str, Any] = {
        "contest": contest,
        "e": figures,
        "charts": charts(figures),
        "view_definition": views.DEFINITION,
    }
    if for_report:
        context |= {
            "summary": report_text.summary(figures),
            "download_tables": report_tables.TABLES,
        }
    return await render(request, template, context)


async def dashboard(request: Request) -> Response:
    """Every engagement figure of a contest, with daily charts and their tables."""
    return await _page(request, "manage/dashboard.html")


async def report(request: Request) -> Response:
    """The engagement report: a written summary, then charts and tables; prints as a PDF."""
    return await _page(request, "manage/report.html", for_report=True)


routes = [
    Route("/manage/contests/{contest_id:int}/dashboard", dashboard, name="dashboard"),
    Route("/manage/contests/{contest_id:int}/report", report, name="report"),
]
