"""Organizers review suspicious likes and void them with a recorded reason."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.accounts import site_settings
from contest.core.errors import ValidationError
from contest.core.forms import whole_number
from contest.gallery import views
from contest.i18n import N_
from contest.voting import likes, tallies
from contest.voting import review as like_review
from contest.web.context import now, organizer_contest, read_form, redirect, services
from contest.web.rendering import render


async def review_likes(request: Request, *, errors: dict[str, str] | None = None) -> Response:
    """Flagged entries with their likes, and the likes already voided."""
    _, contest = await organizer_contest(request)
    svc = services(request)
    db = svc.db
    networks = await site_settings.shared_networks(svc.db)
    context = {
        "contest": contest,
        "suspicions": await like_review.suspicious_entries(db, contest.id),
        "voided": await like_review.voided_likes(db, contest.id),
        "refusals": await like_review.refusals(db, contest.id),
        "describe": like_review.describe_voter,
        "is_shared": lambda address: site_settings.in_networks(address, networks),
        "tallies_match": await tallies.tallies(db, contest.id)
        == await tallies.tallies_from_log(db, contest.id),
        "errors": errors or {},
        "shares": await views.shares_by_network(db, contest.id),
        "views_by_day": await views.views_by_day(db, contest.id),
    }
    return await render(request, "manage/likes.html", context, status_code=400 if errors else 200)


async def void_likes(request: Request) -> Response:
    """Void the ticked likes with one reason (each void is logged)."""
    organizer, contest = await organizer_contest(request)
    db = services(request).db
    form = await read_form(request)
    chosen = [value.split("|", 1) for value in form.getlist("likes") if "|" in value]
    try:
        if not chosen:
            raise ValidationError({"likes": N_("Tick the likes to void.")})
        for entry_id, voter in chosen:
            await likes.void_like(
                db,
                contest=contest,
                entry_id=whole_number(entry_id) or 0,
                voter_key=voter,
                reason=form.get("reason"),
                actor=organizer,
                now=now(request),
            )
    except ValidationError as error:
        return await review_likes(request, errors=error.errors)
    return redirect(request, "review_likes", contest_id=contest.id)


routes = [
    Route("/manage/contests/{contest_id:int}/likes", review_likes, name="review_likes"),
    Route(
        "/manage/contests/{contest_id:int}/likes/void",
        void_likes,
        methods=["POST"],
        name="void_likes",
    ),
]
