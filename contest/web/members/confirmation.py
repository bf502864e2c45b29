"""Confirming an account's address: the page after sign-up, the mailed link, and sending the
link again."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.accounts import users, verification
from contest.web.context import (
    absolute,
    client_address,
    current_user,
    now,
    read_form,
    redirect,
    require_user,
    safe_next,
    services,
)
from contest.web.rendering import render


async def check_email(request: Request) -> Response:
    """Where every sign-up lands, new account or taken address alike."""
    return await render(request, "auth/check_email.html")


async def confirm_email(request: Request) -> Response:
    """Follow the mailed link: the account's address is confirmed, its likes count."""
    svc = services(request)
    await verification.confirm(
        svc.db, svc.config.secret_key or "", request.path_params["token"], now=now(request)
    )
    next_page = safe_next(request.query_params.get("next")) or ""
    context = {
        "user": await current_user(request),
        "next": next_page,
        "to_like": "like=1" in next_page,
    }
    return await render(request, "auth/email_confirmed.html", context)


async def resend_confirmation(request: Request) -> Response:
    """Mail the signed-in, unconfirmed account its link again."""
    user = await require_user(request)
    await read_form(request)
    svc = services(request)
    await users.resend_confirmation(
        svc.db,
        user,
        address=client_address(request),
        secret=svc.config.secret_key or "",
        confirm_link_for=lambda token: absolute(request, "confirm_email", token=token),
        now=now(request),
    )
    return redirect(request, "check_email")


routes = [
    Route("/sign-up/check-email", check_email, name="check_email"),
    Route("/confirm-email/{token}", confirm_email, name="confirm_email"),
    Route(
        "/account/confirm-email",
        resend_confirmation,
        methods=["POST"],
        name="resend_confirmation",
    ),
]
