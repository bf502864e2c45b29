"""Campus sign-in's two addresses: the button's post, which sends the person to their
campus's identity provider, and the provider's way back, which signs them in.

The domain (``contest.accounts.campus``) does the checks; here a refused or failed sign-in
becomes a page that says why, with nobody signed in.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from contest.accounts.campus import flow, identities
from contest.accounts.campus.client import CampusRefused, CampusUnavailable
from contest.accounts.campus.providers import Provider
from contest.core.errors import ContestError, Forbidden, NotFound
from contest.web.context import (
    absolute,
    now,
    read_form,
    safe_next,
    services,
    set_private_cookie,
)
from contest.web.members.auth import signed_in_response
from contest.web.rendering import render

#: The browser's half of a sign-in under way: the provider's answer counts only here.
CAMPUS_COOKIE = "contest_campus"


def _providers(request: Request) -> dict[str, Provider]:
    return {each.key: each for each in services(request).config.campus_providers}


async def campus_begin(request: Request) -> Response:
    """Send the person to the provider (a form post: the CSRF token is checked first)."""
    form = await read_form(request)
    provider = _providers(request).get(request.path_params["provider"])
    if provider is None:
        raise NotFound(flow.UNKNOWN_PROVIDER)
    try:
        started = await flow.begin(
            services(request).db,
            services(request).campus,
            provider,
            redirect_uri=absolute(request, "campus_callback"),
            next_path=safe_next(form.get("next")) or "",
            now=now(request),
        )
    except CampusUnavailable as error:
        return await _failed(request, error)
    response = RedirectResponse(started.url, status_code=303)
    seconds = int(flow.LOGIN_LIFETIME.total_seconds())
    set_private_cookie(request, response, CAMPUS_COOKIE, started.browser_secret, max_age=seconds)
    return response


async def campus_callback(request: Request) -> Response:
    """The provider's answer: the person signed in to their account, or a page saying why not."""
    svc = services(request)
    try:
        person = await flow.finish(
            svc.db,
            svc.campus,
            _providers(request),
            dict(request.query_params),
            browser_secret=request.cookies.get(CAMPUS_COOKIE),
            redirect_uri=absolute(request, "campus_callback"),
            now=now(request),
        )
        user = await identities.account_for(svc.db, svc.passwords, person, now=now(request))
    except (CampusRefused, CampusUnavailable, Forbidden) as error:
        return await _failed(request, error)
    response = await signed_in_response(request, user.id, user.role, person.next_path)
    response.delete_cookie(CAMPUS_COOKIE)
    return response


async def _failed(request: Request, error: ContestError) -> Response:
    """The page of a sign-in that did not happen, with its reason."""
    response = await render(
        request,
        "auth/campus_failed.html",
        {"failure": error.message},
        status_code=error.status_code,
    )
    response.delete_cookie(CAMPUS_COOKIE)
    return response


routes = [
    Route("/sign-in/campus/callback", campus_callback, name="campus_callback"),
    Route("/sign-in/campus/{provider:str}", campus_begin, methods=["POST"], name="campus_begin"),
]
