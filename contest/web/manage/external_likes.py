"""Organizer page for likes from elsewhere: like counts read from a social network, typed per
entry or imported from a CSV file, and their history."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.contests.model import Contest
from contest.core.clock import local_input_value
from contest.core.csv_files import ImportRefused
from contest.core.errors import Conflict, ValidationError
from contest.core.forms import FormValues, whole_number
from contest.voting import external_likes, tallies
from contest.web.context import (
    now,
    organizer_contest,
    read_form,
    read_upload_form,
    redirect,
    services,
)
from contest.web.notices import with_notice
from contest.web.rendering import render

TEMPLATE = "manage/external_likes.html"


async def _page(
    request: Request, contest: Contest, *, status_code: int = 200, **context: Any
) -> Response:
    """The page, with whatever a refused form adds (its values and errors)."""
    db = services(request).db
    settings = contest.settings
    page: dict[str, Any] = {
        "contest": contest,
        "network": settings.external_network,
        "counts_outside": tallies.counts_outside(settings),
        "wording": tallies.peoples_choice_wording(settings),
        "rows": await external_likes.overview(db, contest),
        "blocker": await external_likes.recording_blocker(db, contest),
        "now_value": local_input_value(now(request), settings.timezone),
        "editing": None,
        "form": FormValues(),
        "errors": {},
        "import_form": FormValues(),
        "import_errors": {},
        "problems": [],
        "more_problems": 0,
        "history": None,
        "limits": {
            "likes": external_likes.MAX_LIKES,
            "rows": external_likes.MAX_FILE_ROWS,
            "kb": external_likes.MAX_FILE_BYTES // 1024,
        },
    }
    page.update(context)
    return await render(request, TEMPLATE, page, status_code=status_code)


async def external_likes_page(request: Request) -> Response:
    """Every entry with its likes here and its latest reading elsewhere, a form per entry and
    the CSV upload."""
    _, contest = await organizer_contest(request)
    return await _page(request, contest)


async def record_reading(request: Request) -> Response:
    """Record one reading typed on an entry's form."""
    user, contest = await organizer_contest(request)
    form = await read_form(request)
    editing = whole_number(form.get("entry"))
    try:
        await external_likes.record_reading(
            services(request).db,
            contest=contest,
            entry=form.get("entry"),
            likes=form.get("likes"),
            read_at=form.get("read_at"),
            actor_id=user.id,
            now=now(request),
        )
    except ValidationError as error:
        return await _page(
            request, contest, status_code=400, editing=editing, form=form, errors=error.errors
        )
    except Conflict as error:
        return await _page(request, contest, status_code=409, blocker=error.message)
    await services(request).gallery_changed(contest.id)  # gallery cards show the latest reading
    target = redirect(request, "external_likes", contest_id=contest.id)
    return with_notice(request, target, "reading_recorded")


async def import_readings(request: Request) -> Response:
    """Record every reading of a CSV file, all or nothing."""
    user, contest = await organizer_contest(request)
    form, data = await read_upload_form(request, external_likes.FILE_FIELD)
    try:
        await external_likes.import_readings(
            services(request).db,
            data,
            contest=contest,
            default_read_at=form.get("read_at"),
            actor_id=user.id,
            now=now(request),
        )
    except ImportRefused as error:
        return await _page(
            request,
            contest,
            status_code=400,
            import_form=form,
            import_errors=error.errors,
            problems=error.problems,
            more_problems=error.more,
        )
    except ValidationError as error:
        return await _page(
            request, contest, status_code=400, import_form=form, import_errors=error.errors
        )
    except Conflict as error:
        return await _page(request, contest, status_code=409, blocker=error.message)
    await services(request).gallery_changed(contest.id)
    target = redirect(request, "external_likes", contest_id=contest.id)
    return with_notice(request, target, "readings_imported")


async def readings_history(request: Request) -> Response:
    """Every reading recorded, latest read first (one entry's with ``?entry=N``)."""
    _, contest = await organizer_contest(request)
    entry_id = whole_number(request.query_params.get("entry", ""))
    readings = await external_likes.history(services(request).db, contest.id, entry_id=entry_id)
    return await _page(request, contest, history=readings, history_entry=entry_id)


routes = [
    Route(
        "/manage/contests/{contest_id:int}/likes-elsewhere",
        external_likes_page,
        name="external_likes",
    ),
    Route(
        "/manage/contests/{contest_id:int}/likes-elsewhere/record",
        record_reading,
        methods=["POST"],
        name="record_external_likes",
    ),
    Route(
        "/manage/contests/{contest_id:int}/likes-elsewhere/import",
        import_readings,
        methods=["POST"],
        name="import_external_likes",
    ),
    Route(
        "/manage/contests/{contest_id:int}/likes-elsewhere/history",
        readings_history,
        name="external_likes_history",
    ),
]
