"""What every handler needs from a request: the services, the user, a checked form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast
from urllib.parse import parse_qsl

import anyio
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates
from starlette.types import Scope

from contest.accounts import sessions
from contest.accounts.brand import Brand, get_brand
from contest.accounts.campus.client import CampusClient
from contest.accounts.users import User
from contest.config import Config
from contest.contests.model import Contest
from contest.contests.store import get_contest
from contest.core import changes
from contest.core.cache import BytesCache, TTLCache
from contest.core.db import Database
from contest.core.errors import BadRequest, Forbidden, InsufficientStorage, NotSignedIn
from contest.core.forms import FormValues
from contest.core.security import Passwords, csrf_token, csrf_token_valid, token_hash
from contest.core.storage import Storage
from contest.entries import store as entry_store
from contest.i18n import N_, Message
from contest.voting.writer import LikeWriter

SESSION_COOKIE = "contest_session"
BROWSER_COOKIE = "contest_browser"

#: Limits on ordinary (non-upload) forms: a contest form has about 50 fields.
FORM_MAX_FIELDS = 200
FORM_MAX_FILES = 0
FORM_MAX_PART_SIZE = 64 * 1024
#: The cap on every request's body while it streams (``BodyLimitMiddleware``), except where the
#: route reads it with ``read_upload_form``, which lets it grow to CONTEST_MAX_UPLOAD_MB. The
#: largest real form, the contest's at its text limits in a script whose every character takes
#: nine bytes url-encoded, is about 250 KB.
FORM_MAX_BODY_BYTES = 512 * 1024
#: Set in a request's state once its route reads the body as an upload (see above).
UPLOAD_BODY = "upload_body"
#: Limits on the photo form: one photo, and about fifteen text fields.
UPLOAD_MAX_FILES = 1
UPLOAD_MAX_FIELDS = 40
#: The first part of the gallery cache's keys of a contest found by its address.
GALLERY_CONTEST = "gallery-contest"


@dataclass
class Services:
    """The long-lived objects the app builds at start-up.

    Its caches are this process's own. A change readers must see at once is forgotten here
    and announced (``core.changes``, in a small transaction of its own right after the
    change's: should the process die between the two, the caches' own seconds still bound
    how stale other processes may be); ``change_feed`` forgets in this process what the
    others announce. A visitor's like is not announced (it is the hot path): it forgets this
    process's gallery, and other processes' pages show it within the gallery's seconds.
    """

    config: Config
    db: Database
    passwords: Passwords
    templates: Jinja2Templates
    clock: Callable[[], datetime]
    storage: Storage
    image_limiter: anyio.CapacityLimiter
    gallery_cache: TTLCache = field(default_factory=lambda: TTLCache(0))
    #: Photo files: each serving checks the file still exists, so a deleted one is dropped
    #: there, in every process, with no announcement (web/public/media.py).
    media_cache: BytesCache = field(default_factory=BytesCache)
    #: Contest settings change rarely; hot paths (likes) may read them two seconds old.
    contest_cache: TTLCache = field(default_factory=lambda: TTLCache(2.0))
    media_wakeup: anyio.Event = field(default_factory=anyio.Event)
    #: Who a session belongs to, for a few seconds (see contest/sessions.py for the bound).
    session_cache: sessions.SessionCache = field(default_factory=sessions.SessionCache)
    #: The campus identity providers' discovery documents and keys, read once an hour.
    campus: CampusClient = field(default_factory=CampusClient)
    #: The library's brand and default language, read by every page: an organizer's change
    #: shows at once, here and (through the change feed) in other processes.
    brand_cache: TTLCache = field(default_factory=lambda: TTLCache(5.0))
    like_writer: LikeWriter = field(init=False)
    change_feed: changes.ChangeFeed = field(init=False)

    def __post_init__(self) -> None:
        self.like_writer = LikeWriter(self.db, on_change=self.likes_changed)
        self.change_feed = changes.ChangeFeed(
            self.db,
            {
                changes.CONTEST: lambda key: self._forget_contest(int(key)),
                changes.BRAND: lambda key: self._forget_brand(),
                changes.GALLERY: lambda key: self.likes_changed(int(key)),
                changes.SESSION: self.session_cache.forget,
                changes.USER: lambda key: self.session_cache.forget_user(int(key)),
            },
            forget_all=self.forget_everything,
        )

    async def contest(self, contest_id: int) -> Contest:
        """The contest, from a two-second cache that every process forgets when it is edited."""
        contest: Contest = await self.contest_cache.get(
            ("contest", contest_id), lambda: get_contest(self.db, contest_id)
        )
        return contest

    async def contest_of_entry(self, entry_id: int) -> Contest:
        """The contest of an entry (the contest itself from the two-second cache)."""
        return await self.contest(
            int((await entry_store.get_entry(self.db, entry_id))["contest_id"])
        )

    async def contest_changed(self, contest: Contest) -> None:
        """Forget what every process cached of a contest (its row, and its gallery's contest
        and snapshots), so an organizer's edit shows everywhere at once."""
        self._forget_contest(contest.id)
        await changes.announce(self.db, changes.CONTEST, contest.id)

    def _forget_contest(self, contest_id: int) -> None:
        self.contest_cache.forget_group(("contest", contest_id))
        # By address, whose slug may just have changed: every contest's (a rare, cheap look).
        self.gallery_cache.forget(lambda key: isinstance(key, tuple) and key[0] == GALLERY_CONTEST)
        self.gallery_cache.forget_group(("gallery", contest_id))

    async def brand(self) -> Brand:
        """The library's brand, from a five-second cache that an organizer's change forgets."""
        found: Brand = await self.brand_cache.get("brand", lambda: get_brand(self.db))
        return found

    async def brand_changed(self) -> None:
        """Forget the cached brand and default language in every process, so the
        organizer's change shows everywhere at once."""
        self._forget_brand()
        await changes.announce(self.db, changes.BRAND)

    def _forget_brand(self) -> None:
        self.brand_cache.forget(lambda key: True)

    def likes_changed(self, contest_id: int) -> None:
        """Forget the contest's cached gallery pages in this process, so a liker sees their
        own like at once (other visitors' pages may be a moment old anyway)."""
        self.gallery_cache.forget_group(("gallery", contest_id))

    async def gallery_changed(self, contest_id: int) -> None:
        """Forget the contest's cached gallery pages in every process (an organizer changed
        what they show, such as the likes read from a social network)."""
        self.likes_changed(contest_id)
        await changes.announce(self.db, changes.GALLERY, contest_id)

    async def user_changed(self, user_id: int) -> None:
        """Forget an account's sessions in every process (its role or standing changed)."""
        self.session_cache.forget_user(user_id)
        await changes.announce(self.db, changes.USER, user_id)

    def forget_everything(self) -> None:
        """Forget every cache but the photo files (which check themselves): for when this
        process may have missed a change."""
        for cache in (self.contest_cache, self.gallery_cache, self.brand_cache):
            cache.forget(lambda key: True)
        self.session_cache.clear()

    def wake_media_worker(self) -> None:
        """Ask the background worker to make pending masters now."""
        self.media_wakeup.set()


def services(request: Request) -> Services:
    """The application's services (found once per request, then kept in its state)."""
    state = request.scope.setdefault("state", {})
    found = state.get("services")
    if found is None:
        found = state["services"] = request.app.state.services
    return cast(Services, found)


#: Where ``web.preview`` puts the moment an organizer previews this page at.
PREVIEW_MOMENT = "preview_moment"


def now(request: Request) -> datetime:
    """The current time as the application's clock tells it, or, on a page an organizer
    previews (GET only, see ``web.preview``), the moment they chose."""
    moment = request.scope.get("state", {}).get(PREVIEW_MOMENT)
    return moment if isinstance(moment, datetime) else services(request).clock()


def absolute(request: Request, route: str, **params: Any) -> str:
    """The public address of a route, from the configured base URL (never the Host header):
    for links in mail and share cards, which outlive the request."""
    return services(request).config.absolute_url(request.url_for(route, **params).path)


def browser_id(request: Request) -> str:
    """This browser's random id (set as a cookie by the middleware), the base of CSRF tokens."""
    return str(request.scope["state"].get("browser_id", ""))


def form_token(request: Request) -> str:
    """The CSRF token to put in this browser's forms."""
    return csrf_token(services(request).config.secret_key or "", browser_id(request))


async def current_user(request: Request, *, cached: bool = False) -> User | None:
    """The signed-in user, looked up once per request.

    ``cached`` lets a hot path take the user from this process's session cache (a few seconds
    old at most); such a path must check the session again where it writes, as a like does
    (``likes._apply_one``).
    """
    state = request.scope["state"]
    if "user" not in state:
        svc = services(request)
        state["user"] = await sessions.session_user(
            svc.db,
            request.cookies.get(SESSION_COOKIE),
            now=now(request),
            cache=svc.session_cache if cached else None,
        )
    return cast(User | None, state["user"])


def session_hash(request: Request) -> str | None:
    """The hash of this request's session token, if it carries one."""
    token = request.cookies.get(SESSION_COOKIE)
    return token_hash(token) if token else None


def forget_user(request: Request) -> None:
    """Drop the user found for this request (and its cached session) so the next look is fresh."""
    request.scope["state"].pop("user", None)
    if key := session_hash(request):
        services(request).session_cache.forget(key)


#: Why a page refuses someone without the role it is for (by the roles it names).
PAGE_FOR_ROLES: dict[tuple[str, ...], Message] = {
    ("organizer",): N_("This page is for organizers."),
    ("judge",): N_("This page is for judges."),
    ("participant",): N_("This page is for participants."),
    ("judge", "organizer"): N_("This page is for judges and organizers."),
    ("organizer", "judge"): N_("This page is for organizers and judges."),
}
PAGE_FOR_OTHERS = N_("This page is for other people's accounts.")


async def require_user(request: Request, *roles: str) -> User:
    """The signed-in user, who must hold one of the roles when any are named."""
    user = await current_user(request)
    if user is None:
        raise NotSignedIn()
    if roles and user.role not in roles:
        raise Forbidden(PAGE_FOR_ROLES.get(roles, PAGE_FOR_OTHERS))
    return user


async def organizer_contest(request: Request) -> tuple[User, Contest]:
    """The signed-in organizer, and the contest the path's ``contest_id`` names."""
    user = await require_user(request, "organizer")
    return user, await get_contest(services(request).db, request.path_params["contest_id"])


def check_form_token(request: Request, values: FormValues) -> None:
    """Refuse a form whose CSRF token is not this browser's."""
    config = services(request).config
    if not csrf_token_valid(config.secret_key or "", browser_id(request), values.get("csrf_token")):
        raise BadRequest(
            N_(
                "This form has expired or came from another site. Please go back, reload the"
                " page and try again."
            )
        )


def urlencoded_fields(body: bytes) -> FormValues:
    """A url-encoded body's fields, held to the same limits as the form parser's."""
    try:
        pairs = parse_qsl(
            body.decode("latin-1"), keep_blank_values=True, max_num_fields=FORM_MAX_FIELDS
        )
    except ValueError as error:
        raise BadRequest(
            N_("Too many fields: a form has %(count)d at most.", count=FORM_MAX_FIELDS)
        ) from error
    if any(len(name) + len(value) > FORM_MAX_PART_SIZE for name, value in pairs):
        raise BadRequest(
            N_(
                "A field of this form is longer than this site accepts (%(size)d KB at most).",
                size=FORM_MAX_PART_SIZE // 1024,
            )
        )
    return FormValues(pairs)


async def read_fields(request: Request) -> FormValues:
    """The submitted form's fields within the size limits, its CSRF token not yet checked.

    Url-encoded forms (every form but uploads, and every like) are read directly from the
    body; anything else goes through Starlette's parser.
    """
    content_type = request.headers.get("content-type", "")
    if content_type.partition(";")[0].strip().lower() == "application/x-www-form-urlencoded":
        return urlencoded_fields(await request.body())
    async with request.form(
        max_files=FORM_MAX_FILES, max_fields=FORM_MAX_FIELDS, max_part_size=FORM_MAX_PART_SIZE
    ) as form:
        return FormValues(
            (key, value) for key, value in form.multi_items() if isinstance(value, str)
        )


async def read_form(request: Request) -> FormValues:
    """The submitted form, after checking its CSRF token and size limits."""
    values = await read_fields(request)
    check_form_token(request, values)
    return values


async def read_upload_form(
    request: Request, file_field: str, *, max_field_size: int = FORM_MAX_PART_SIZE
) -> tuple[FormValues, bytes]:
    """A form with one file: its fields (CSRF checked) and the file's bytes (empty if none).

    The one way a route takes a file: its body may grow past ``FORM_MAX_BODY_BYTES`` to the
    site's upload limit, still capped while it streams (BodyLimitMiddleware); the parser is held
    to one file and a few fields of at most ``max_field_size`` bytes each. While the media
    folder's disk is below CONTEST_MIN_FREE_MB, it refuses the upload (507) before reading it.
    """
    svc = services(request)
    await check_free_space(svc.storage, svc.config.min_free_bytes)
    request.scope.setdefault("state", {})[UPLOAD_BODY] = True
    async with request.form(
        max_files=UPLOAD_MAX_FILES, max_fields=UPLOAD_MAX_FIELDS, max_part_size=max_field_size
    ) as form:
        values = FormValues(
            (key, value) for key, value in form.multi_items() if isinstance(value, str)
        )
        check_form_token(request, values)
        upload = form.get(file_field)
        data = await upload.read() if isinstance(upload, UploadFile) else b""
    return values, data


async def check_free_space(storage: Storage, min_free_bytes: int) -> None:
    """Refuse an upload (InsufficientStorage, 507) while the store has less free space than
    the configured floor (a folder's disk; a bucket, with no space to check, never)."""
    if min_free_bytes <= 0:
        return
    free = await anyio.to_thread.run_sync(storage.free_bytes)
    if free is not None and free < min_free_bytes:
        raise InsufficientStorage(
            message=N_(
                "The site is nearly out of storage space, so it cannot take uploads at the"
                " moment. Nothing was saved; please try again later."
            )
        )


def client_host(scope: Scope) -> str:
    """The caller's network address (the proxy's view when uvicorn trusts forwarded headers)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def client_address(request: Request) -> str:
    """The caller's network address, as ``client_host`` tells it."""
    return client_host(request.scope)


def redirect(
    request: Request, route: str, /, *, query: dict[str, Any] | None = None, **params: Any
) -> RedirectResponse:
    """A 303 redirect to a named route, so a reload never re-posts a form."""
    url = request.url_for(route, **params)
    if query:
        url = url.include_query_params(**query)
    return RedirectResponse(url, status_code=303)


def set_private_cookie(
    request: Request, response: Response, name: str, value: str, *, max_age: int, path: str = "/"
) -> None:
    """A cookie scripts cannot read, sent only to this site (and only over TLS on https);
    ``path``: the addresses it is sent to, when not every one needs it."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        httponly=True,
        samesite="lax",
        secure=services(request).config.https,
    )


def safe_next(target: str | None) -> str | None:
    """A local path to return to after sign-in; anything pointing elsewhere is dropped."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None
