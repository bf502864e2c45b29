"""Voting by verified email: ask for a link, then follow it to become a voter on this device."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.accounts.users import User
from contest.contests import store as contest_store
from contest.contests.model import Contest
from contest.core.errors import NotFound, ValidationError
from contest.core.forms import FormValues
from contest.voting import email_voters, likes
from contest.web.context import (
    absolute,
    browser_id,
    client_address,
    current_user,
    now,
    read_form,
    redirect,
    services,
)
from contest.web.rendering import render


def cookie_name(contest_id: int) -> str:
    """The cookie that names this browser's verified voter for one contest."""
    return f"contest_voter_{contest_id}"


def carried_voter(secret: str, cookies: Mapping[str, str], contest: Contest) -> str | None:
    """The verified voter key a browser's cookies carry for the contest, if any."""
    return email_voters.verified_voter(secret, cookies.get(cookie_name(contest.id)), contest.id)


def email_voter(request: Request, contest: Contest) -> str | None:
    """The verified voter key this browser carries for the contest, if any."""
    return carried_voter(services(request).config.secret_key or "", request.cookies, contest)


async def vote_by_email(request: Request) -> Response:
    """Ask for a voting link by email."""
    db = services(request).db
    contest = await contest_store.get_contest_by_slug(
        db, request.path_params["slug"], include_unpublished=False
    )
    if contest.settings.voting_mode != "email":
        raise NotFound("This contest does not use email voting.")
    context = {"contest": contest, "sent": False, "form": FormValues()}
    if request.method == "GET":
        return await render(request, "public/vote_by_email.html", context)
    form = await read_form(request)
    try:
        await email_voters.send_link(
            db,
            contest=contest,
            address=form.get("email"),
            secret=services(request).config.secret_key or "",
            link_for=lambda token: absolute(request, "redeem_vote_link", token=token),
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
        return await render(
            request, "public/vote_confirm.html", {"contest": contest, "token": token}
        )
    await read_form(request)
    contest_id, voter = await email_voters.redeem_link(svc.db, token, now=now(request))
    contest = await contest_store.get_contest(svc.db, contest_id)
    response = redirect(request, "contest_gallery", slug=contest.slug, query={"verified": 1})
    lifetime = int((contest.schedule.voting_close - now(request)).total_seconds())
    response.set_cookie(
        cookie_name(contest.id),
        email_voters.sign_voter(svc.config.secret_key or "", contest.id, voter),
        max_age=max(lifetime, 60),
        httponly=True,
        samesite="lax",
        secure=svc.config.https,
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


def mailbox_key(secret: str, email: str) -> str | None:
    """The email-voter key of an account's address (None for an address that cannot vote)."""
    try:
        normalized = email_voters.normalize_voter_email(email)
    except ValidationError:
        return None
    return email_voters.voter_key(secret, normalized)


def agent_signature(user_agent: str) -> str:
    """A short hash of a browser's User-Agent, for spotting many voters from one kind."""
    return hashlib.sha256(user_agent.encode()).hexdigest()[:12]


def voter_of(
    contest: Contest,
    user: User | None,
    *,
    secret: str,
    cookies: Mapping[str, str],
    browser_id: str,
    address: str,
    user_agent: str,
) -> likes.Voter:
    """The voter behind a request's parts, by the contest's voting mode; NotSignedIn if none."""
    return likes.voter_for(
        contest,
        user,
        browser_id=browser_id,
        address=address,
        email_voter=carried_voter(secret, cookies, contest),
        user_email_key=mailbox_key(secret, user.email)
        if user is not None and contest.settings.voting_mode == "email"
        else None,
        signature=agent_signature(user_agent),
    )


async def request_voter(request: Request, contest: Contest) -> likes.Voter:
    """The voter behind this request, by the contest's voting mode; NotSignedIn if none."""
    return voter_of(
        contest,
        await current_user(request),
        secret=services(request).config.secret_key or "",
        cookies=request.cookies,
        browser_id=browser_id(request),
        address=client_address(request),
        user_agent=request.headers.get("user-agent", ""),
    )
