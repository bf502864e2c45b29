"""Starting a signed-in session, however the person proved who they are (a password, an
invitation or reset link, the campus's provider): the session cookie, the known-device cookie,
and the page they go on to."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from contest.accounts import sessions, throttle
from contest.web.context import SESSION_COOKIE, now, safe_next, services, set_private_cookie

HOME_BY_ROLE = {"organizer": "manage", "judge": "judge_home", "participant": "home"}
#: The known-device cookie: set at each sign-in, it lets the owner sign in from this browser
#: while failures elsewhere have their account locked (see ``accounts.throttle``).
DEVICE_COOKIE = "contest_device"


def secret_key(request: Request) -> str:
    """The site's signing key (empty in a test app without one)."""
    return services(request).config.secret_key or ""


async def signed_in_response(
    request: Request,
    user_id: int,
    role: str,
    target: str | None,
    *,
    campus_provider: str | None = None,
) -> Response:
    """Start a fresh session (rotating any old one) and send the user on; ``campus_provider``:
    the campus provider they signed in through, if any."""
    svc = services(request)
    token = await sessions.start_session(
        svc.db,
        user_id=user_id,
        now=now(request),
        replacing=request.cookies.get(SESSION_COOKIE),
        campus_provider=campus_provider,
    )
    destination = safe_next(target) or str(request.url_for(HOME_BY_ROLE[role]))
    response = RedirectResponse(destination, status_code=303)
    lifetime = int(sessions.SESSION_LIFETIME.total_seconds())
    set_private_cookie(request, response, SESSION_COOKIE, token, max_age=lifetime)
    if secret := secret_key(request):
        device = await throttle.remember_device(
            svc.db, user_id=user_id, secret=secret, now=now(request)
        )
        lifetime = int(throttle.DEVICE_LIFETIME.total_seconds())
        set_private_cookie(request, response, DEVICE_COOKIE, device, max_age=lifetime)
    return response
