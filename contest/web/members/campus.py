"""Campus sign-in's two addresses: the button's post, which sends the person to their
campus's identity provider, and the provider's way back, which signs them in.

The domain (``contest.accounts.campus``) does the checks; here a refused or failed sign-in
becomes a page that says why, with nobody signed in.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from contest.accounts.campus import flow, identities
from contest.accounts.campus.client import CampusRefused, CampusUnavailable, logout_url
from contest.accounts.campus.providers import Provider
from contest.core.errors import ContestError, Forbidden, NotFound
from contest.web.context import (
    absolute,
    client_address,
    current_user,
    now,
    read_form,
    safe_next,
    services,
    set_private_cookie,
)
from contest.web.members.signing import signed_in_response
from contest.web.middleware import content_security_policy
from contest.web.notices import with_notice
from contest.web.rendering import render

#: The browser's half of a sign-in under way: the provider's answer counts only here. Sent
#: only to the campus sign-in's own addresses (``CAMPUS_PATH``), not with every page.
CAMPUS_COOKIE = "contest_campus"
CAMPUS_PATH = "/sign-in/campus"


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
            address=client_address(request),
            browser_secret=request.cookies.get(CAMPUS_COOKIE),
        )
    except CampusUnavailable as error:
        return await _failed(request, error)
    response = RedirectResponse(started.url, status_code=303)
    seconds = int(flow.LOGIN_LIFETIME.total_seconds())
    set_private_cookie(
        request, response, CAMPUS_COOKIE, started.browser_secret, max_age=seconds, path=CAMPUS_PATH
    )
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
        current = await current_user(request)
        user = await identities.account_for(
            svc.db, svc.passwords, person, now=now(request), signed_in=current
        )
    except (CampusRefused, CampusUnavailable, Forbidden) as error:
        return await _failed(request, error)
    # The browser's secret stays until it expires: a sign-in begun in another tab may still
    # come back with it (each state is used once all the same).
    response = await signed_in_response(
        request, user.id, user.role, person.next_path, campus_provider=person.provider.key
    )
    if current is not None and current.id != user.id:  # never a silent change of account
        response = with_notice(request, response, "campus_other_account")
    elif current is not None:
        response = with_notice(request, response, "campus_linked")
    return response


async def _failed(request: Request, error: ContestError) -> Response:
    """The page of a sign-in that did not happen, with its reason."""
    context = {"failure": error.message}
    return await render(request, "auth/campus_failed.html", context, status_code=error.status_code)


async def sign_in_page(
    request: Request, context: dict[str, Any], *, status_code: int = 200
) -> Response:
    """The sign-in page with a button per campus provider. Its form-action policy lets those
    buttons' forms go on to the providers (the site's own policy allows only itself, and a
    browser holds a form's redirect to it too)."""
    providers = services(request).config.campus_providers
    response = await render(
        request,
        "auth/sign_in.html",
        context | {"campus_providers": providers},
        status_code=status_code,
    )
    if providers:
        origins = [await _login_origin(request, provider) for provider in providers]
        response.headers["content-security-policy"] = content_security_policy(form_targets=origins)
    return response


async def _login_origin(request: Request, provider: Provider) -> str:
    """The origin of the provider's login page (its issuer's while it cannot be asked)."""
    try:
        address = (await services(request).campus.metadata(provider)).authorization_endpoint
    except CampusUnavailable:
        address = provider.issuer
    parts = urlsplit(address)
    return f"{parts.scheme}://{parts.netloc}"


async def sign_out_offer(request: Request, key: str | None) -> tuple[str, str] | None:
    """For a session begun through a campus provider that can sign people out too: its name
    and the address that does, coming back to "signed out"; None otherwise."""
    svc = services(request)
    provider = _providers(request).get(key or "")
    if provider is None:
        return None
    try:
        metadata = await svc.campus.metadata(provider)
    except CampusUnavailable:
        return None
    address = logout_url(provider, metadata, absolute(request, "signed_out"))
    return (provider.label, address) if address else None


async def signed_out(request: Request) -> Response:
    """Where a campus provider sends people back after signing them out there too."""
    return await render(request, "auth/signed_out.html", {"campus": None})


routes = [
    Route("/sign-in/campus/callback", campus_callback, name="campus_callback"),
    Route("/signed-out", signed_out, name="signed_out"),
    Route("/sign-in/campus/{provider:str}", campus_begin, methods=["POST"], name="campus_begin"),
]
