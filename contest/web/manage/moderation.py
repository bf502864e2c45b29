"""The organizers' moderation queue: approve or reject entries, one by one or in bulk."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.core.errors import ValidationError
from contest.core.forms import FormValues, whole_number
from contest.entries import moderation
from contest.entries.store import STATUS_LABELS
from contest.judging.rounds import setup
from contest.web.context import now, organizer_contest, read_form, redirect, require_user, services
from contest.web.notices import with_notice
from contest.web.rendering import render

SHOWN_STATUSES = ("pending", "approved", "rejected")


async def moderation_queue(request: Request) -> Response:
    """Entries waiting for review (or already decided), with flags, and the decision form."""
    _, contest = await organizer_contest(request)
    svc = services(request)
    status = request.query_params.get("status", "pending")
    if status not in SHOWN_STATUSES:
        status = "pending"
    errors: dict[str, str] = {}
    form = FormValues()
    if request.method == "POST":
        form = await read_form(request)
        try:
            ids = [n for n in map(whole_number, form.getlist("entry_ids")) if n is not None]
            await moderation.moderate(
                svc.db,
                contest=contest,
                entry_ids=ids,
                action=form.get("action"),
                reason=form.get("reason"),
                moderator=await require_user(request, "organizer"),
                now=now(request),
            )
        except ValidationError as error:
            errors = error.errors
        else:
            query: dict[str, str | int] = {"status": status}
            if form.get("action") == "approve":
                # Photos approved while a first round runs join it, with its quorum.
                joined = await setup.admit_late_entries(svc.db, contest=contest, now=now(request))
                if joined:
                    query["joined"] = joined
            done = redirect(request, "moderation", contest_id=contest.id, query=query)
            return with_notice(request, done, "moderated")
    items = await moderation.queue_for(svc.db, contest, status=status)
    context = {
        "contest": contest,
        "items": items,
        "status": status,
        "statuses": SHOWN_STATUSES,
        "labels": STATUS_LABELS,
        "form": form,
        "errors": errors,
        "joined": whole_number(request.query_params.get("joined", "")),
    }
    return await render(
        request, "manage/moderation.html", context, status_code=400 if errors else 200
    )


routes = [
    Route(
        "/manage/contests/{contest_id:int}/moderation",
        moderation_queue,
        methods=["GET", "POST"],
        name="moderation",
    )
]
