"""The engagement report's tables as CSV or JSON downloads, for organizers."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.core import tabular
from contest.core.errors import BadRequest, NotFound
from contest.engagement import report_tables
from contest.i18n import N_
from contest.web.context import now, organizer_contest, services
from contest.web.downloads import MEDIA_TYPES, download

#: ``?for=publication`` drops emails and names as public pages would; no ``for`` is for organizers.
AUDIENCES = ("", "publication")


async def report_table(request: Request) -> Response:
    """One report table, with emails for organizers' records or without for publication."""
    _, contest = await organizer_contest(request)
    db = services(request).db
    name, fmt = request.path_params["table"], request.path_params["fmt"]
    if fmt not in MEDIA_TYPES:
        raise NotFound(N_("Report tables can be downloaded as .csv or .json."))
    audience = request.query_params.get("for", "")
    if audience not in AUDIENCES:
        raise BadRequest(N_("Add ?for=publication for the version without emails, or nothing."))
    publication = audience == "publication"
    table = await report_tables.build_table(  # NotFound for an unknown table
        db, contest, name, publication=publication, now=now(request)
    )
    records = table.records()
    if fmt == "csv":
        body = tabular.to_csv(records, table.columns)
    else:
        body = tabular.to_json({"table": name, "columns": list(table.columns), "rows": records})
    suffix = "-publication" if publication else ""
    return download(body, fmt, f"{contest.slug}-{name}{suffix}")


routes = [
    Route(
        "/manage/contests/{contest_id:int}/report/{table:str}.{fmt:str}",
        report_table,
        name="report_table",
    ),
]
