"""The language of a request (a signed-in person's saved choice, else the switch's cookie,
else Accept-Language, else the site's default) and the switch that sets it."""

from __future__ import annotations

from typing import cast

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from contest.accounts import languages, site_settings
from contest.core.errors import BadRequest
from contest.i18n import DEFAULT_LOCALE, N_, current_locale, known, negotiate
from contest.web.context import (
    current_user,
    forget_user,
    now,
    read_form,
    safe_next,
    services,
    session_hash,
    set_private_cookie,
)

LANGUAGE_COOKIE = "contest_language"
LANGUAGE_SECONDS = 365 * 24 * 3600
#: Files that are the same in every language: no need to find the reader's.
STATIC_PREFIX = "/static/"
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


async def saved_choice(request: Request) -> str | None:
    """The language a signed-in reader saved on their account, or None: from the user a
    handler already found, else from the session cache when it holds the session, else by one
    small read (which keeps neither the user on the request nor the session in the cache)."""
    key = session_hash(request)
    if key is None:
        return None
    state = request.scope.setdefault("state", {})
    svc = services(request)
    moment = now(request)
    if "user" in state:
        user = state["user"]
    elif (user := svc.session_cache.get(key, now=moment)) is None:
        return await languages.session_locale(svc.db, key, now=moment)
    return known(user.locale) if user is not None else None


async def request_locale(request: Request) -> str:
    """The reader's locale, found once per request: the language a signed-in reader saved
    on their account, else the switch's cookie, else their browser's Accept-Language, else
    the site's default."""
    state = request.scope.setdefault("state", {})
    locale = state.get(LOCALE_STATE)
    if locale is None:
        try:
            locale = await saved_choice(request)
        except Exception:  # the page about a failing database must not need it
            locale = None
        locale = (
            locale
            or known(request.cookies.get(LANGUAGE_COOKIE))
            or negotiate(request.headers.get("accept-language", ""), "")
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
        if scope["type"] != "http" or scope["path"].startswith(STATIC_PREFIX):
            await self.app(scope, receive, send)
            return
        token = current_locale.set(await request_locale(Request(scope)))
        try:
            await self.app(scope, receive, send)
        finally:
            current_locale.reset(token)


async def set_language(request: Request) -> Response:
    """The language switch: keep the chosen language in a cookie for a year (and, for a
    signed-in reader, on their account, so the switch and the account page agree), then show
    the page it was pressed on again."""
    form = await read_form(request)
    locale = known(form.get("locale"))
    if locale is None:
        raise BadRequest(N_("Choose one of the languages the site offers."))
    if (user := await current_user(request)) is not None:
        await languages.save_locale(services(request).db, user.id, locale)
        forget_user(request)
    target = safe_next(form.get("next")) or str(request.url_for("home").path)
    response = RedirectResponse(target, status_code=303)
    set_private_cookie(request, response, LANGUAGE_COOKIE, locale, max_age=LANGUAGE_SECONDS)
    return response


routes = [Route("/language", set_language, methods=["POST"], name="set_language")]
