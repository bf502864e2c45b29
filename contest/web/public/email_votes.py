"""Voting by verified email: ask for a link, then follow it to become a voter on this device."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.contests import store as contest_store
from contest.core.errors import NotFound, ValidationError
from contest.core.forms import FormValues, whole_number
from contest.i18n import N_
from contest.voting import email_voters
from contest.web.context import (
    absolute,
    now,
    read_form,
    redirect,
    services,
    set_private_cookie,
)
from contest.web.public.voters import cookie_name
from contest.web.rendering import render


async def vote_by_email(request: Request) -> Response:
    """Ask for a voting link by email."""
    db = services(request).db
    contest = await contest_store.get_contest_by_slug(
        db, request.path_params["slug"], include_unpublished=False
    )
    if contest.settings.voting_mode != "email":
        raise NotFound(N_("This contest does not use email voting."))
    photo = whole_number(request.query_params.get("entry", ""))
    context = {"contest": contest, "sent": False, "form": FormValues(), "photo": photo}
    if request.method == "GET":
        return await render(request, "public/vote_by_email.html", context)
    form = await read_form(request)
    photo = whole_number(form.get("entry"))
    context["photo"] = photo
    # The photo the visitor wanted to like rides in the link, so following it leads back there.
    back = f"?entry={photo}" if photo else ""
    try:
        await email_voters.send_link(
            db,
            contest=contest,
            address=form.get("email"),
            secret=services(request).config.secret_key or "",
            link_for=lambda token: absolute(request, "redeem_vote_link", token=token) + back,
            now=now(request),
        )
    except ValidationError as error:
        context |= {"form": form, "errors": error.errors}
        return await render(request, "public/vote_by_email.html", context, status_code=400)
    return await render(request, "public/vote_by_email.html", context | {"sent": True})


async def redeem_vote_link(request: Request) -> Response:
    """Follow a voting link: a page with one button (mail scanners open links; a GET must not
    use the link up), and pressing it makes this browser a voter in the contest."""
    svc = services(request)
    token = request.path_params["token"]
    if request.method == "GET":
        contest_id = await email_voters.check_link(svc.db, token, now=now(request))
        contest = await contest_store.get_contest(svc.db, contest_id)
        photo = whole_number(request.query_params.get("entry", ""))
        context = {"contest": contest, "token": token, "photo": photo}
        return await render(request, "public/vote_confirm.html", context)
    form = await read_form(request)
    contest_id, voter = await email_voters.redeem_link(svc.db, token, now=now(request))
    contest = await contest_store.get_contest(svc.db, contest_id)
    photo = await email_voters.photo_in(svc.db, contest_id, whole_number(form.get("entry")))
    if photo is None:
        response = redirect(request, "contest_gallery", slug=contest.slug, query={"verified": 1})
    else:  # back to the photo, whose page offers one button to confirm the like
        response = redirect(request, "entry_page", entry_id=photo, query={"like": 1})
    lifetime = int((contest.schedule.voting_close - now(request)).total_seconds())
    signed = email_voters.sign_voter(svc.config.secret_key or "", contest.id, voter)
    set_private_cookie(
        request, response, cookie_name(contest.id), signed, max_age=max(lifetime, 60)
    )
    return response


routes = [
    Route(
        "/contests/{slug}/vote-by-email",
        vote_by_email,
        methods=["GET", "POST"],
        name="vote_by_email",
    ),
    Route("/vote/{token}", redeem_vote_link, methods=["GET", "POST"], name="redeem_vote_link"),
]
