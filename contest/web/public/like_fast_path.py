"""A script's like, answered before the middleware stack and the router.

The like button is the one request a contest's busiest hour is made of, and the way through
the whole stack (five middlewares, the router, the request and response objects, the form
parser) cost more than the like itself. ``LikeFastPath`` takes only the plain case and, like
the route in likes.py, calls the one use case ``voting.clicks.click_like``; it parses and
answers, and holds no rule of its own:

- a POST to ``/entries/<id>/like`` from this site (Fetch Metadata or Origin), asking for JSON,
  with a small url-encoded body and a valid CSRF token bound to the browser's id cookie;
- a voter recognised without reading the database: a session this process holds in its
  session cache (the write checks it still stands), or a device or email-vote cookie;
- an entry whose contest's voting is open. The form names the contest (the page knew it), so
  the contest comes from the contest cache with no read of the entry; the write checks that
  the entry belongs to it, and a form that names another contest goes on to the route, which
  reads the entry.

It answers with the route's JSON and the site's protective headers; a refusal by the write
itself (one's own photo, an address over its budget) is answered with the route's own
``json_error``. Anything else, and every other refusal, goes on down the stack with the body
replayed, so the route answers it as it always has.
"""

from __future__ import annotations

import re

from starlette.datastructures import Headers
from starlette.requests import Request, cookie_parser
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contest.core.db import OPERATIONAL_ERRORS
from contest.core.errors import ContestError, Forbidden, RateLimited
from contest.core.forms import whole_number
from contest.core.security import csrf_token_valid, token_hash
from contest.i18n import using_locale
from contest.voting.clicks import Caller, click_like
from contest.voting.likes import SessionChanged
from contest.web.context import (
    BROWSER_COOKIE,
    SESSION_COOKIE,
    Services,
    client_host,
    urlencoded_fields,
)
from contest.web.errors import accepts_json, json_error, storage_json
from contest.web.language import request_locale
from contest.web.middleware import (
    is_cross_site,
    known_browser_id,
    protective_headers,
    site_scheme,
)
from contest.web.public.likes import like_json
from contest.web.public.voters import carried_voter

LIKE_PATH = re.compile(r"/entries/([1-9][0-9]{0,17})/like")
#: A busy or unreachable database, a full disk: answered as JSON with Retry-After.
FAILURES: tuple[type[Exception], ...] = (*OPERATIONAL_ERRORS, OSError)
#: A like's form is about a hundred bytes; anything larger (or over the site's own body limit,
#: should that be smaller) is left to the full stack.
MAX_FORM_BYTES = 4096
URLENCODED = "application/x-www-form-urlencoded"
#: Refusals the write makes once the entry is known to be the remembered contest's: answered
#: here, as the route would, rather than written again. Any other (a phase, an entry not found
#: where remembered) goes to the route, which looks the entry's contest up afresh.
WRITE_REFUSALS = (Forbidden, RateLimited)


async def _small_form(
    headers: Headers, receive: Receive, limit: int
) -> tuple[bytes | None, list[Message]]:
    """The body of a url-encoded form of at most ``limit`` bytes (None for anything else), and
    every message read from the client, to replay if the request goes on down the stack."""
    if headers.get("content-type", "").partition(";")[0].strip().lower() != URLENCODED:
        return None, []
    declared = whole_number(headers.get("content-length", ""))
    if declared is None or declared > limit:
        return None, []
    read: list[Message] = []
    body = b""
    while True:
        message = await receive()
        read.append(message)
        if message["type"] != "http.request":
            return None, read
        body += message.get("body", b"")
        if len(body) > limit:
            return None, read
        if not message.get("more_body", False):
            return body, read


def _replaying(read: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that gives the messages already read again, then the client's own."""
    pending = list(read)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


class LikeFastPath:
    """ASGI middleware answering a script's plain like or unlike at once (see module doc)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._protective: list[tuple[bytes, bytes]] | None = None
        #: How many clicks it answered itself (for tests and curious operators).
        self.answered = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = None
        if scope["type"] == "http" and scope["method"] == "POST" and not scope.get("root_path"):
            match = LIKE_PATH.fullmatch(scope["path"])
        if match is None:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        svc: Services = scope["app"].state.services
        limit = min(MAX_FORM_BYTES, svc.config.max_body_bytes)
        body, read = await _small_form(headers, receive, limit)
        answer = None
        if body is not None:
            answer = await self._answer(svc, scope, headers, int(match[1]), body)
        if answer is None:
            await self.app(scope, _replaying(read, receive), send)
            return
        self.answered += 1
        if self._protective is None:
            self._protective = protective_headers(svc.config.https)
        answer.raw_headers.extend(self._protective)
        await answer(scope, receive, send)

    async def _answer(
        self, svc: Services, scope: Scope, headers: Headers, entry_id: int, body: bytes
    ) -> JSONResponse | None:
        """The JSON answer to a plain click, once stored, or to its refusal by the write (own
        photo, the address's budget); None to leave it to the full stack."""
        if not accepts_json(headers.get("accept", "")):
            return None
        if is_cross_site(headers, site_scheme(scope, svc.config.https)):
            return None  # the route refuses it, with the site's own words
        cookies = cookie_parser(headers.get("cookie", ""))
        browser = known_browser_id(cookies.get(BROWSER_COOKIE))
        if browser is None:
            return None
        secret = svc.config.secret_key or ""
        try:
            form = urlencoded_fields(body)
        except ContestError:
            return None
        if not csrf_token_valid(secret, browser, form.get("csrf_token")):
            return None
        moment = svc.clock()
        token = cookies.get(SESSION_COOKIE)
        session = token_hash(token) if token else None
        user = None
        if session is not None:
            user = svc.session_cache.get(session, now=moment)
            if user is None:  # not held in memory: the route looks the session up
                return None
        try:
            named = whole_number(form.get("contest"))
            if named is None:
                contest = await svc.contest_of_entry(entry_id)
            else:
                contest = await svc.contest(named)
            caller = Caller(
                user=user,
                session_hash=session,
                browser_id=browser,
                address=client_host(scope),
                user_agent=headers.get("user-agent", ""),
                email_voter=carried_voter(secret, cookies, contest),
            )
            answer = await click_like(
                svc.db,
                contest,
                writer=svc.like_writer,
                entry_id=entry_id,
                action=form.get("action"),
                caller=caller,
                secret=secret,
                now=moment,
            )
        except SessionChanged:
            if session is not None:
                svc.session_cache.forget(session)
            return None
        except WRITE_REFUSALS as refusal:  # in the reader's language, as the route says it
            with using_locale(await request_locale(Request(scope))):
                return json_error(refusal)
        except ContestError:
            return None
        except FAILURES as failure:  # a busy database, a full disk
            busy = storage_json("POST", scope["path"], failure)
            if busy is None:
                raise
            return busy
        return like_json(answer)
