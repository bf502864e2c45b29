"""Rehearsal: an organizer previews a contest's public pages as on a chosen moment.

Choosing sets a short-lived signed cookie (``web.preview`` reads it) and goes to the contest's
page; nothing about the contest is stored or changed. Stopping clears the cookie.
"""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.contests import preview as rehearsal
from contest.contests.model import Contest
from contest.contests.phases import Phase
from contest.contests.store import get_contest
from contest.core.errors import ContestError, ValidationError
from contest.core.forms import FormValues
from contest.i18n import N_, Message
from contest.web.context import (
    now,
    organizer_contest,
    read_form,
    redirect,
    require_user,
    services,
    set_private_cookie,
)
from contest.web.notices import with_notice
from contest.web.preview import PREVIEW_COOKIE
from contest.web.rendering import render

#: A phase's button: the moment it previews lies inside the phase, not at its start.
BUTTON_WORDS: dict[str, Message] = {
    Phase.SUBMISSIONS.value: N_("During submissions"),
    Phase.JUDGING.value: N_("During judging"),
    Phase.VOTING.value: N_("During voting"),
    Phase.RESULTS.value: N_("After the results"),
}


def _page(
    request: Request, contest: Contest, form: FormValues, errors: dict[str, str]
) -> dict[str, object]:
    """What the preview page shows: a button per phase (with its moment, which the template
    writes in the contest's zone and the reader's language) and the typed one."""
    buttons = [
        (phase, BUTTON_WORDS[phase], moment)
        for phase, moment in rehearsal.phase_moments(contest).items()
    ]
    return {
        "contest": contest,
        "form": form,
        "errors": errors,
        "buttons": buttons,
        "typed": form.get("at")
        if form.getlist("at")
        else rehearsal.input_value(contest, now(request)),
        "typed_max": rehearsal.TYPED_MAX_LENGTH,
    }


async def preview_contest(request: Request) -> Response:
    """The "preview the site as on..." form, and choosing a moment from it."""
    _, contest = await organizer_contest(request)
    if request.method == "GET":
        return await render(
            request, "manage/preview.html", _page(request, contest, FormValues(), {})
        )
    form = await read_form(request)
    try:
        moment = rehearsal.chosen_moment(contest, phase=form.get("phase"), typed=form.get("at"))
    except ValidationError as error:
        context = _page(request, contest, form, error.errors)
        return await render(request, "manage/preview.html", context, status_code=400)
    return _start(request, contest, moment)


def _start(request: Request, contest: Contest, moment: datetime) -> Response:
    """Set the preview cookie and go to the contest's public page."""
    svc = services(request)
    choice = rehearsal.PreviewChoice(contest.id, moment)
    value = rehearsal.sign_preview(svc.config.secret_key or "", choice, now=svc.clock())
    response = redirect(request, "contest", slug=contest.slug)
    lifetime = int(rehearsal.PREVIEW_LIFETIME.total_seconds())
    set_private_cookie(request, response, PREVIEW_COOKIE, value, max_age=lifetime)
    return response


async def stop_preview(request: Request) -> Response:
    """Clear the preview cookie and show the contest's page at the real time."""
    await require_user(request, "organizer")
    await read_form(request)
    svc = services(request)
    choice = rehearsal.read_preview(
        svc.config.secret_key or "", request.cookies.get(PREVIEW_COOKIE), now=svc.clock()
    )
    response = redirect(request, "manage")
    if choice is not None:
        try:
            contest = await get_contest(svc.db, choice.contest_id)
            response = redirect(request, "contest", slug=contest.slug)
        except ContestError:
            pass
    response.delete_cookie(PREVIEW_COOKIE, httponly=True, samesite="lax", secure=svc.config.https)
    return with_notice(request, response, "preview_stopped")


routes = [
    Route(
        "/manage/contests/{contest_id:int}/preview",
        preview_contest,
        methods=["GET", "POST"],
        name="preview_contest",
    ),
    Route("/manage/preview/stop", stop_preview, methods=["POST"], name="stop_preview"),
]
