"""One place that turns any failure into a page (or JSON) that tells a person what happened."""

from __future__ import annotations

import errno
import logging
from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from contest.core.db import trouble
from contest.core.errors import (
    ContestError,
    InsufficientStorage,
    NotFound,
    NotSignedIn,
    Unavailable,
)
from contest.i18n import N_, shown, using_locale
from contest.web.language import request_locale
from contest.web.rendering import render

log = logging.getLogger("contest")


FRIENDLY = {
    400: N_("That request could not be understood"),
    401: N_("Please sign in to continue"),
    403: N_("You don't have permission to do that"),
    404: N_("We couldn't find that page"),
    405: N_("That action isn't available here"),
    410: N_("That link has expired"),
    413: N_("That upload is too large"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
    503: N_("The site is busy"),
    507: N_("The site is out of storage space"),
}
EXPLANATION = {
    404: N_("The address may be mistyped, or the page may have been removed."),
    405: N_("Please use the buttons and forms on our pages."),
    413: N_("The request was larger than this site accepts. Please send a smaller file."),
    500: N_("The problem has been logged. Please try again in a moment."),
}


def accepts_json(accept: str) -> bool:
    """Whether an Accept header asks for JSON rather than a page."""
    return "application/json" in accept and "text/html" not in accept


def wants_json(request: Request) -> bool:
    """Whether the caller is a script that expects JSON rather than a page."""
    return str(request.scope["path"]).startswith("/api/") or accepts_json(
        request.headers.get("accept", "")
    )


FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def storage_failure(exc: BaseException) -> ContestError | None:
    """What a failure of the database or disk means to the caller: a busy database is
    Unavailable (503), a full disk InsufficientStorage (507); None for anything else."""
    condition = trouble(exc)
    if condition == "busy":
        return Unavailable()
    if condition == "full":
        return InsufficientStorage()
    if isinstance(exc, OSError) and exc.errno in FULL_ERRNOS:
        return InsufficientStorage()
    return None


def storage_json(method: str, path: str, exc: BaseException) -> JSONResponse | None:
    """A busy database or full disk as a script is told it, logged in one line; None for any
    other failure (for hot paths answered outside the router, such as the like fast path)."""
    failure = storage_failure(exc)
    if failure is None:
        return None
    _log_storage_failure(method, path, failure, exc)
    return json_error(failure)


def _log_storage_failure(method: str, path: str, failure: ContestError, exc: BaseException) -> None:
    log.warning("%d on %s %s: %s: %s", failure.status_code, method, path, type(exc).__name__, exc)


def _headers_for(error: ContestError) -> dict[str, str]:
    retry_after = getattr(error, "retry_after", None)
    return {"Retry-After": str(retry_after)} if retry_after is not None else {}


def json_error(error: ContestError) -> JSONResponse:
    """A domain error as a script is told it, in the current locale."""
    body = {"error": shown(error.message), "status": error.status_code}
    return JSONResponse(body, status_code=error.status_code, headers=_headers_for(error))


async def error_response(request: Request, error: ContestError) -> Response:
    """The response for a domain error: JSON for scripts, the site's error page for people."""
    if wants_json(request):
        with using_locale(await request_locale(request)):
            return json_error(error)
    headers = _headers_for(error)
    if isinstance(error, NotSignedIn) and request.method in ("GET", "HEAD"):
        target = request.url_for("sign_in").include_query_params(next=request.url.path)
        return RedirectResponse(target, status_code=303)
    return await render_error(request, error.status_code, error.message, headers)


async def render_error(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """The site's error page for that status, in the reader's language (the site's own
    sentences translated; a text that is not one of them shown as it is)."""
    title = FRIENDLY.get(status) or HTTPStatus(status).phrase
    message = message if message != title else EXPLANATION.get(status, "")
    with using_locale(await request_locale(request)):
        context = {"status": status, "title": shown(title), "message": shown(message)}
    return await render(request, "error.html", context, status_code=status, headers=headers)


async def handle_contest_error(request: Request, exc: Exception) -> Response:
    """Exception handler for the ContestError family."""
    assert isinstance(exc, ContestError)
    return await error_response(request, exc)


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    """Exception handler for Starlette's own errors (404 routes, 405 methods, 413 bodies)."""
    assert isinstance(exc, HTTPException)
    message = FRIENDLY.get(exc.status_code, exc.detail)
    if exc.status_code == 400 and exc.detail:
        message = N_("The form could not be read: %(reason)s", reason=exc.detail)
    if wants_json(request):
        with using_locale(await request_locale(request)):
            text = shown(message)
        return JSONResponse(
            {"error": text, "status": exc.status_code},
            status_code=exc.status_code,
            headers=exc.headers,
        )
    return await render_error(request, exc.status_code, message, dict(exc.headers or {}))


async def handle_overflow(request: Request, exc: Exception) -> Response:
    """An id too large for SQLite names nothing that exists."""
    return await error_response(request, NotFound())


async def handle_storage_error(request: Request, exc: Exception) -> Response:
    """Exception handler for the database's operational errors and ``OSError``: a busy or
    unreachable database is a 503 and a full disk a 507, each with Retry-After and one warning
    line; anything else is the calm 500. Registered for those classes, it answers inside the
    router, so the connection is kept (the handler for ``Exception`` answers, then lets the
    error reach the server)."""
    failure = storage_failure(exc)
    if failure is None:
        return await _server_error(request, exc)
    _log_storage_failure(request.method, request.url.path, failure, exc)
    if wants_json(request):
        return json_error(failure)
    # The page must not need the database that just failed (nor wait its busy timeout again):
    # it is shown without looking up who is signed in.
    request.scope.setdefault("state", {}).setdefault("user", None)
    headers = _headers_for(failure)
    try:
        return await render_error(request, failure.status_code, failure.message, headers)
    except Exception:  # the page itself failed: plain text
        text = f"{failure.status_code} {failure.message}"
        return Response(text, failure.status_code, headers, media_type="text/plain")


async def handle_server_error(request: Request, exc: Exception) -> Response:
    """Exception handler for anything unexpected: log it, show a calm page (a busy database
    or full disk reaching it is still answered as ``handle_storage_error`` answers it)."""
    if storage_failure(exc) is not None:
        return await handle_storage_error(request, exc)
    return await _server_error(request, exc)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if wants_json(request):
        return JSONResponse({"error": FRIENDLY[500], "status": 500}, status_code=500)
    try:
        return await render_error(request, 500, EXPLANATION[500])
    except Exception:  # the page itself failed (say, the database is gone): plain text
        return Response(f"500 {FRIENDLY[500]}", status_code=500, media_type="text/plain")
