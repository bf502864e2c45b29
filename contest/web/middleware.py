"""Pure ASGI middleware: security headers, refusal of cross-site state changes, body caps."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import ClientDisconnect, Request, cookie_parser
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contest.core.clock import utcnow
from contest.core.errors import ContestError, Forbidden, PayloadTooLarge
from contest.core.forms import whole_number
from contest.core.security import new_token
from contest.i18n import N_, Nn_
from contest.i18n import Message as Sentence
from contest.web.context import BROWSER_COOKIE, FORM_MAX_BODY_BYTES, UPLOAD_BODY

log = logging.getLogger("contest")
ErrorRenderer = Callable[[Request, ContestError], Awaitable[Response]]
CROSS_SITE_MESSAGE = N_(
    "This form was sent from another site, so it was refused. Please use the form on our own pages."
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def content_security_policy(*, form_targets: Iterable[str] = ()) -> str:
    """The site's policy: everything from itself only; ``form_targets``, origins its forms
    may also lead to (a campus provider's login page, behind the campus sign-in button)."""
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            " ".join(("form-action 'self'", *form_targets)),
            "frame-ancestors 'none'",
        )
    )


CONTENT_SECURITY_POLICY = content_security_policy()


def _added_headers(https: bool) -> list[tuple[bytes, bytes]]:
    added = {
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "strict-origin-when-cross-origin",
        "cross-origin-opener-policy": "same-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=()",
    }
    if https:
        added["strict-transport-security"] = "max-age=31536000; includeSubDomains"
    return [(name.encode(), value.encode()) for name, value in added.items()]


def protective_headers(https: bool) -> list[tuple[bytes, bytes]]:
    """What SecurityHeadersMiddleware gives a response that sets none of its own, as raw
    pairs: for the fast paths that answer before it runs."""
    return [*_added_headers(https), (b"content-security-policy", CONTENT_SECURITY_POLICY.encode())]


class SecurityHeadersMiddleware:
    """Adds a strict CSP and the other protective headers to every response."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https
        self._added = _added_headers(https)
        self._replaced = frozenset(name for name, _ in self._added)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Built as raw pairs once per response: these names are replaced, the policy
                # only added where the route set none of its own.
                raw = [
                    (name, value)
                    for name, value in message.get("headers", ())
                    if name.lower() not in self._replaced
                ]
                if not any(name.lower() == b"content-security-policy" for name, _ in raw):
                    raw.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
                raw.extend(self._added)
                message["headers"] = raw
            await send(message)

        await self.app(scope, receive, send_with_headers)


def is_cross_site(headers: Headers, scheme: str) -> bool:
    """Whether the browser says the request was started by another site.

    Fetch Metadata decides where the browser sends it. Otherwise an Origin must be this site's
    own exactly, ``scheme`` (see ``site_scheme``) and the Host asked for: another host, port or
    scheme is another site, and so are "null" and anything no browser would send (nothing is
    parsed, so nothing malformed can fail here).
    """
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None:
        return False  # not a browser, or an old one: the form token still has to match
    host = headers.get("host", "")
    return not host or origin.lower() != f"{scheme}://{host}".lower()


def site_scheme(scope: Scope, https: bool) -> str:
    """The scheme of this site's own pages: https where the site is served over HTTPS (so
    also behind a proxy that does not forward the scheme), else the one the request came by."""
    return "https" if https else str(scope.get("scheme", "http"))


def new_browser_id(now: datetime) -> str:
    """A random browser id that starts with its issue day (UTC), e.g. ``20261123.Xy…``."""
    return f"{now.astimezone(UTC):%Y%m%d}.{new_token()}"


def known_browser_id(cookie: str | None) -> str | None:
    """The browser id a cookie carries, if it is one this site could have handed out."""
    return cookie if cookie is not None and len(cookie) >= 32 else None


def issued_today(browser: str, now: datetime) -> bool:
    """Whether a browser id was handed out on ``now``'s day (UTC): a first-day visitor."""
    return browser.split(".", 1)[0] == f"{now.astimezone(UTC):%Y%m%d}"


class CrossSiteRequestMiddleware:
    """Refuses state-changing requests from other sites, and gives each browser a CSRF id.

    The Fetch Metadata and Origin checks stop cross-site posts outright; every form also carries
    a token bound to the browser's id cookie (checked where the form is read). ``secure_cookies``
    says the site is served over HTTPS: its cookies are Secure, and its own origin is https.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        secure_cookies: bool,
        refuse: ErrorRenderer,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.app = app
        self.secure_cookies = secure_cookies
        self.refuse = refuse
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        existing = known_browser_id(cookie_parser(headers.get("cookie", "")).get(BROWSER_COOKIE))
        state = scope.setdefault("state", {})
        state["browser_id"] = existing or new_browser_id(self.clock())
        scheme = site_scheme(scope, self.secure_cookies)
        if scope["method"] not in SAFE_METHODS and is_cross_site(headers, scheme):
            await self._refuse(scope, receive, send)
            return
        if existing:
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                flags = "; Secure" if self.secure_cookies else ""
                MutableHeaders(scope=message).append(
                    "Set-Cookie",
                    f"{BROWSER_COOKIE}={scope['state']['browser_id']}; Path=/; HttpOnly;"
                    f" SameSite=Lax; Max-Age=31536000{flags}",
                )
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = await self.refuse(request, Forbidden(CROSS_SITE_MESSAGE))
        await response(scope, receive, send)


def _size(count: int) -> str | Sentence:
    """A size as people read it: ``25 MB``, ``512 KB`` (the units are the same in Chinese)."""
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):g} MB"
    if count >= 1024:
        return f"{count // 1024} KB"
    return Nn_("%(count)d byte", "%(count)d bytes", count)


class BodyLimitMiddleware:
    """Caps the request body while it streams, so an oversized one is never stored whole.

    The rule: every body is capped at ``form_max_bytes`` (``FORM_MAX_BODY_BYTES``, ample for
    any form of fields); only one its route reads as an upload (``context.read_upload_form``,
    which marks the request) may grow to ``max_bytes`` (CONTEST_MAX_UPLOAD_MB). A declared
    Content-Length over ``max_bytes`` is refused before the route runs, one over the request's
    cap at its first read; a body that grows past it raises PayloadTooLarge from ``receive``,
    which the error handlers turn into the site's 413 page, and nothing more is read.

    A client that goes away while sending its body gets one line in the log and no answer.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        refuse: ErrorRenderer,
        form_max_bytes: int = FORM_MAX_BODY_BYTES,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.form_max_bytes = min(form_max_bytes, max_bytes)
        self.refuse = refuse

    def _message(self) -> Sentence:
        return N_(
            "This site accepts requests of up to %(size)s. Please send a smaller file.",
            size=_size(self.max_bytes),
        )

    def _form_message(self) -> Sentence:
        return N_(
            "This form is larger than this site accepts (%(size)s at most). Please shorten what"
            " you typed and try again.",
            size=_size(self.form_max_bytes),
        )

    def _too_large(self, state: MutableMapping[str, Any], size: int) -> PayloadTooLarge | None:
        """The refusal of a body of ``size`` bytes, by the request's cap; None within it."""
        if state.get(UPLOAD_BODY):
            return PayloadTooLarge(self._message()) if size > self.max_bytes else None
        return PayloadTooLarge(self._form_message()) if size > self.form_max_bytes else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = whole_number(Headers(scope=scope).get("content-length", ""))
        if declared is not None and declared > self.max_bytes:
            response = await self.refuse(Request(scope, receive), PayloadTooLarge(self._message()))
            await response(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        received = 0
        went_away = False

        async def limited_receive() -> Message:
            nonlocal received, went_away
            # The cap is the route's by now: it is marked as an upload before its first read.
            refusal = self._too_large(state, max(received, declared or 0))
            if refusal is not None:
                raise refusal
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if (refusal := self._too_large(state, received)) is not None:
                    raise refusal
            elif message["type"] == "http.disconnect":
                went_away = True
            return message

        try:
            await self.app(scope, limited_receive, send)
        except ClientDisconnect:
            if not went_away:
                raise
            # Nobody is left to answer, and a traceback would tell nothing more.
            log.info("client went away during upload to %s", scope["path"])
