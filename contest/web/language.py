"""The language of a request (the switch's cookie, else Accept-Language, else the site's
default) and the switch that sets it."""

from __future__ import annotations

from typing import cast

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from contest.accounts import site_settings
from contest.core.errors import BadRequest
from contest.i18n import DEFAULT_LOCALE, current_locale, known, negotiate
from contest.web.context import read_form, safe_next, services, set_private_cookie

LANGUAGE_COOKIE = "contest_language"
LANGUAGE_SECONDS = 365 * 24 * 3600
#: Where a request keeps the locale once found.
LOCALE_STATE = "locale"
#: The key of the site's default locale in the brand's five-second cache.
DEFAULT_KEY = "default_locale"


async def site_default(request: Request) -> str:
    """The site's default locale, from a five-second cache that saving the settings forgets."""
    svc = services(request)
    found = await svc.brand_cache.get(DEFAULT_KEY, lambda: site_settings.default_locale(svc.db))
    return cast(str, found)


def forget_site_default(request: Request) -> None:
    """Forget the cached default, so an organizer's change shows at once."""
    services(request).brand_cache.forget_group(DEFAULT_KEY)


async def request_locale(request: Request) -> str:
    """The reader's locale, found once per request: the switch's cookie, else their
    browser's Accept-Language, else the site's default."""
    state = request.scope.setdefault("state", {})
    locale = state.get(LOCALE_STATE)
    if locale is None:
        locale = known(request.cookies.get(LANGUAGE_COOKIE)) or negotiate(
            request.headers.get("accept-language", ""), ""
        )
        if not locale:
            try:
                locale = await site_default(request)
            except Exception:  # the page about a failing database must not need it
                locale = DEFAULT_LOCALE
        state[LOCALE_STATE] = locale
    return cast(str, locale)


class LanguageMiddleware:
    """Finds the reader's locale before the handler runs and makes it the current locale for
    the whole request, so the domain's sentences (errors, labels, a contest's texts in the
    reader's language) are read in it wherever they are shown."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = current_locale.set(await request_locale(Request(scope)))
        try:
            await self.app(scope, receive, send)
        finally:
            current_locale.reset(token)


async def set_language(request: Request) -> Response:
    """The language switch: keep the chosen language in a cookie for a year, then show the
    page it was pressed on again."""
    form = await read_form(request)
    locale = known(form.get("locale"))
    if locale is None:
        raise BadRequest("Choose one of the languages the site offers.")
    target = safe_next(form.get("next")) or str(request.url_for("home").path)
    response = RedirectResponse(target, status_code=303)
    set_private_cookie(request, response, LANGUAGE_COOKIE, locale, max_age=LANGUAGE_SECONDS)
    return response


routes = [Route("/language", set_language, methods=["POST"], name="set_language")]
