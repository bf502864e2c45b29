"""Signing in and out, signing up, password reset and invitation links."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.accounts import (
    departments,
    invitations,
    languages,
    recovery,
    sessions,
    site_settings,
    users,
)
from contest.core.errors import ContestError, RateLimited, ValidationError
from contest.core.forms import FormValues
from contest.i18n import LOCALES, known
from contest.web.context import (
    SESSION_COOKIE,
    absolute,
    client_address,
    current_user,
    forget_user,
    now,
    read_form,
    redirect,
    require_user,
    safe_next,
    services,
    set_private_cookie,
)
from contest.web.errors import error_response
from contest.web.language import LANGUAGE_COOKIE, LANGUAGE_SECONDS
from contest.web.members import campus
from contest.web.members.signing import DEVICE_COOKIE, secret_key, signed_in_response
from contest.web.rendering import render


async def sign_in(request: Request) -> Response:
    """The sign-in form, and signing in."""
    next_page = safe_next(request.query_params.get("next")) or ""
    if request.method == "GET":
        context = {"form": FormValues(), "next": next_page, "failure": ""}
        return await campus.sign_in_page(request, context)
    form = await read_form(request)
    svc = services(request)
    try:
        user = await users.authenticate(
            svc.db,
            svc.passwords,
            email=form.get("email"),
            password=form.get("password"),
            address=client_address(request),
            now=now(request),
            device_cookie=request.cookies.get(DEVICE_COOKIE),
            secret=secret_key(request),
            sign_in_link=absolute(request, "sign_in"),
        )
    except RateLimited as error:
        return await error_response(request, error)
    except ContestError as error:
        context = {"form": form, "next": form.get("next"), "failure": error.message}
        return await campus.sign_in_page(request, context, status_code=400)
    return await signed_in_response(request, user.id, user.role, form.get("next"))


async def sign_out(request: Request) -> Response:
    """End this browser's session; one begun through a campus provider that can sign people
    out too ends on a page offering to sign out of the campus as well."""
    await read_form(request)
    svc = services(request)
    token = request.cookies.get(SESSION_COOKIE)
    offer = await campus.sign_out_offer(request, await sessions.campus_provider_of(svc.db, token))
    await sessions.end_session(svc.db, token)
    response = (
        await render(request, "auth/signed_out.html", {"campus": offer})
        if offer
        else redirect(request, "home")
    )
    response.delete_cookie(SESSION_COOKIE)
    return response


async def sign_up(request: Request) -> Response:
    """The participant sign-up form, and creating the account.

    A new account and a taken address get the same answer: the page that asks to follow the
    link we mailed. Nobody is signed in, so nothing tells the two apart; a new account's owner
    gets the confirmation link, a taken address's owner a notice.
    """
    svc = services(request)
    domains = await site_settings.signup_domains(svc.db)
    context: dict[str, object] = {
        "domains": domains,
        "affiliations": users.AFFILIATIONS,
        "departments": await departments.choices(svc.db),
    }
    if request.method == "GET":
        next_page = safe_next(request.query_params.get("next")) or ""
        form = FormValues.of({"next": next_page})
        return await render(request, "auth/sign_up.html", {**context, "form": form})
    form = await read_form(request)
    after = safe_next(form.get("next"))
    try:
        # Before the account is made, alike for a taken address (see ``sign_up``).
        await departments.refuse_unlisted(svc.db, form.as_dict())
        await users.sign_up(
            svc.db,
            svc.passwords,
            fields=form.as_dict(),
            address=client_address(request),
            secret=secret_key(request),
            confirm_link_for=lambda token: confirm_link(request, token, after),
            now=now(request),
            sign_in_link=absolute(request, "sign_in"),
        )
    except ValidationError as error:
        context |= {"form": form, "errors": error.errors}
        return await render(request, "auth/sign_up.html", context, status_code=400)
    return redirect(request, "check_email")


def confirm_link(request: Request, token: str, next_page: str | None) -> str:
    """The mailed confirmation link; the page to go back to rides along, outside the signature."""
    link = absolute(request, "confirm_email", token=token)
    return f"{link}?{urlencode({'next': next_page})}" if next_page else link


async def forgot_password(request: Request) -> Response:
    """Ask for a reset link; the answer is the same whether or not the address has an account.

    Too many requests for one mailbox are answered alike and send nothing more; too many from
    one network address get a 429 with Retry-After (which tells nothing about any account and
    tells a real person why no mail comes)."""
    if request.method == "GET":
        return await render(request, "auth/forgot.html", {"form": FormValues(), "sent": False})
    form = await read_form(request)
    try:
        await recovery.request_reset(
            services(request).db,
            email=form.get("email"),
            address=client_address(request),
            link_for=lambda token: absolute(request, "reset_password", token=token),
            now=now(request),
        )
    except RateLimited as error:
        return await error_response(request, error)
    return await render(request, "auth/forgot.html", {"form": form, "sent": True})


async def reset_password(request: Request) -> Response:
    """Choose a new password from an emailed link."""
    token = request.path_params["token"]
    svc = services(request)
    if request.method == "GET":
        await recovery.check_reset_token(svc.db, token, now=now(request))
        return await render(request, "auth/reset.html", {"token": token})
    form = await read_form(request)
    try:
        user_id = await recovery.reset_password(
            svc.db, svc.passwords, token, password=form.get("password"), now=now(request)
        )
    except ValidationError as error:
        return await render(
            request, "auth/reset.html", {"token": token, "errors": error.errors}, status_code=400
        )
    await svc.user_changed(user_id)  # the reset ended their sessions: in every process
    row = await users.get_user_row(svc.db, user_id)
    return await signed_in_response(request, user_id, row["role"], None)


async def accept_invitation(request: Request) -> Response:
    """Accept an invitation: choose a name and password, and arrive signed in."""
    token = request.path_params["token"]
    svc = services(request)
    invitation = await invitations.open_invitation(svc.db, token, now=now(request))
    context = {
        "invitation": invitation,
        "token": token,
        "affiliations": users.AFFILIATIONS,
        "departments": await departments.choices(svc.db),
        "existing": invitation["role"] == "participant"
        and await invitations.account_of(svc.db, invitation) is not None,
    }
    if request.method == "GET":
        form = FormValues.of(
            {
                "affiliation": "student" if invitation["role"] == "participant" else "staff",
                "display_name": invitation["display_name"],
                "department": invitation["department"],
            }
        )
        return await render(request, "auth/invitation.html", {**context, "form": form})
    form = await read_form(request)
    try:
        user_id = await invitations.accept(
            svc.db, svc.passwords, token, fields=form.as_dict(), now=now(request)
        )
    except ValidationError as error:
        context |= {"form": form, "errors": error.errors}
        return await render(request, "auth/invitation.html", context, status_code=400)
    return await signed_in_response(request, user_id, invitation["role"], None)


async def _account_page(
    request: Request, user: users.User, *, status_code: int = 200, **context: object
) -> Response:
    db = services(request).db
    page: dict[str, object] = {
        "departments": await departments.choices(db),
        "department_name": await departments.name_of(db, user.department),
        "form": FormValues.of({"department": user.department}),
        "saved": request.query_params.get("saved") == "department",
        "languages": list(LOCALES.values()),
        "chosen_locale": user.locale or "",
        "language_saved": request.query_params.get("saved") == "language",
    }
    return await render(request, "auth/account.html", page | context, status_code=status_code)


async def account(request: Request) -> Response:
    """The signed-in person's own account page."""
    user = await current_user(request)
    if user is None:
        return redirect(request, "sign_in")
    return await _account_page(request, user)


async def change_department(request: Request) -> Response:
    """Choose one's department (from the organizers' list when they keep one)."""
    user = await require_user(request)
    form = await read_form(request)
    try:
        await departments.set_user_department(
            services(request).db, user_id=user.id, value=form.get("department")
        )
    except ValidationError as error:
        return await _account_page(
            request, user, status_code=400, form=form, errors=error.errors, saved=False
        )
    forget_user(request)
    return redirect(request, "account", query={"saved": "department"})


async def change_language(request: Request) -> Response:
    """Choose the language of one's pages and mail ("" follows the browser again). A chosen
    language is also kept in the switch's cookie, so it stays after signing out; following
    the browser drops that cookie."""
    user = await require_user(request)
    form = await read_form(request)
    chosen = form.get("locale") or None
    await languages.save_locale(services(request).db, user.id, chosen)
    locale = known(chosen)
    forget_user(request)
    response = redirect(request, "account", query={"saved": "language"})
    if locale is None:
        response.delete_cookie(LANGUAGE_COOKIE)
    else:
        set_private_cookie(request, response, LANGUAGE_COOKIE, locale, max_age=LANGUAGE_SECONDS)
    return response


async def sign_out_everywhere(request: Request) -> Response:
    """End every session of the signed-in person, on all their devices."""
    await read_form(request)
    user = await current_user(request)
    if user is not None:
        await sessions.end_all_sessions(services(request).db, user_id=user.id)
    response = redirect(request, "sign_in")
    response.delete_cookie(SESSION_COOKIE)
    return response


routes = [
    Route("/sign-in", sign_in, methods=["GET", "POST"], name="sign_in"),
    Route("/sign-out", sign_out, methods=["POST"], name="sign_out"),
    Route("/sign-up", sign_up, methods=["GET", "POST"], name="sign_up"),
    Route("/account", account, name="account"),
    Route("/account/department", change_department, methods=["POST"], name="account_department"),
    Route("/account/language", change_language, methods=["POST"], name="account_language"),
    Route(
        "/account/sign-out-everywhere",
        sign_out_everywhere,
        methods=["POST"],
        name="sign_out_everywhere",
    ),
    Route("/password/forgot", forgot_password, methods=["GET", "POST"], name="forgot_password"),
    Route(
        "/password/reset/{token}", reset_password, methods=["GET", "POST"], name="reset_password"
    ),
    Route(
        "/invitations/{token}", accept_invitation, methods=["GET", "POST"], name="accept_invitation"
    ),
]
