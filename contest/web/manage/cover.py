"""The organizer's page for a contest's cover photo: chosen from its entries, or uploaded."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.contests.model import Contest
from contest.core.errors import ValidationError
from contest.core.forms import FormValues, whole_number
from contest.gallery import covers
from contest.i18n import N_
from contest.web.context import now, organizer_contest, read_upload_form, redirect, services
from contest.web.notices import with_notice
from contest.web.rendering import render


async def _page(
    request: Request,
    contest: Contest,
    *,
    form: FormValues | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    """The cover page: the cover now, the approved photos to choose from, and an upload."""
    db = services(request).db
    context: dict[str, Any] = {
        "contest": contest,
        "cover": await covers.cover_of(db, contest.id),
        "choices": await covers.cover_choices(db, contest.id),
        "form": form or FormValues(),
        "errors": errors or {},
        "max_alt": covers.MAX_ALT,
    }
    return await render(request, "manage/cover.html", context, status_code=400 if errors else 200)


async def cover_page(request: Request) -> Response:
    """Show the contest's cover and the ways to change it; a post changes it."""
    if request.method == "POST":
        return await change_cover(request)
    _, contest = await organizer_contest(request)
    return await _page(request, contest)


async def change_cover(request: Request) -> Response:
    """Choose an approved entry as the cover, upload a photo for it, or remove it."""
    user, contest = await organizer_contest(request)
    svc = services(request)
    form, data = await read_upload_form(request, "photo")
    action = form.get("action")
    moment = now(request)
    try:
        if action == "choose":
            entry_id = whole_number(form.get("entry_id"))
            await covers.choose_entry(
                svc.db,
                svc.storage,
                contest_id=contest.id,
                entry_id=entry_id,
                user_id=user.id,
                now=moment,
            )
        elif action == "upload":
            await covers.upload_cover(
                svc.db,
                svc.storage,
                data,
                alt_text=form.get("alt_text"),
                contest_id=contest.id,
                user_id=user.id,
                now=moment,
                limiter=svc.image_limiter,
            )
        elif action == "remove":
            await covers.remove_cover(
                svc.db, svc.storage, contest_id=contest.id, user_id=user.id, now=moment
            )
        else:
            raise ValidationError({"action": N_("Choose what to do with the cover.")})
    except ValidationError as error:
        return await _page(request, contest, form=form, errors=error.errors)
    notice = "cover_removed" if action == "remove" else "cover_saved"
    return with_notice(request, redirect(request, "contest_cover", contest_id=contest.id), notice)


routes = [
    Route(
        "/manage/contests/{contest_id:int}/cover",
        cover_page,
        methods=["GET", "POST"],
        name="contest_cover",
    ),
]
