"""Photo files, served by content-hashed key with long-lived caching.

Keys are hashes of the content, so a response never changes: it may be cached for a year,
and its ETag is the hash. Files small enough to keep (thumbnails, mostly) are answered from
memory by ``MediaFastPath`` before the rest of the middleware runs; the first request for a
key, and any key not in memory, goes through the ordinary route below, which checks the key's
shape before touching the store and fills the memory cache. The bytes come through the storage
protocol, so a bucket is served the same way as a folder (where CONTEST_MEDIA_PUBLIC_URL names a
CDN, pages link there instead, and this route stays for anything else).
"""

from __future__ import annotations

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from contest.core.errors import NotFound, Unavailable
from contest.core.storage import Storage, is_valid_key
from contest.web.context import Services, services
from contest.web.middleware import protective_headers

#: A key names its content, so a response never changes and may be cached for a year.
IMMUTABLE = "public, max-age=31536000, immutable"
PREFIX = "/media/"
#: Prepared answers kept at most; past that the table starts afresh (the bytes stay cached).
PREPARED_KEPT = 4096

Headers = list[tuple[bytes, bytes]]


def etag_of(key: str) -> str:
    """The ETag of a key's file: the start of its content hash, quoted."""
    return '"' + key.rsplit("/", 1)[-1].split(".")[0][:32] + '"'


def media_type_of(key: str) -> str:
    """The type of a key's file: JPEG photos, or the PNG logo."""
    return "image/png" if key.endswith(".png") else "image/jpeg"


def etag_matches(header: str, etag: str) -> bool:
    """Whether an If-None-Match header names this ETag (weak or strong) or is ``*``."""
    if header == etag:
        return True
    tags = [part.strip() for part in header.split(",")]
    return "*" in tags or etag in (tag.removeprefix("W/") for tag in tags)


async def media(request: Request) -> Response:
    """The file behind a key; keys are unguessable hashes and are never built from user input."""
    key = request.path_params["key"]
    svc = services(request)
    etag = etag_of(key)
    headers = {"Cache-Control": IMMUTABLE, "ETag": etag}
    if etag_matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    if not is_valid_key(key):
        raise NotFound()
    data = svc.media_cache.get(key)
    if data is not None and not await _exists(svc.storage, key):
        svc.media_cache.drop(key)  # deleted since: a withdrawn photo must not linger in memory
        data = None
    if data is None:
        try:
            data = await anyio.to_thread.run_sync(svc.storage.read, key)
        except FileNotFoundError as error:
            raise NotFound() from error
        svc.media_cache.put(key, data)
    return Response(data, media_type=media_type_of(key), headers=headers)


async def _exists(storage: Storage, key: str) -> bool:
    """Whether the key's file is still stored: a local stat right here (far cheaper than a
    trip to a worker thread), a bucket's HEAD in a worker thread (it must not block the loop)."""
    if storage.quick_checks:
        return storage.exists(key)
    return await anyio.to_thread.run_sync(storage.exists, key)


class _Prepared:
    """The headers for one file held in memory, worked out once (the bytes stay in the cache,
    so a file the cache lets go of is not kept alive here)."""

    __slots__ = ("etag", "full", "not_modified")

    def __init__(self, key: str, size: int, protective: Headers) -> None:
        self.etag = etag_of(key)
        common = [
            (b"cache-control", IMMUTABLE.encode()),
            (b"etag", self.etag.encode()),
            *protective,
        ]
        self.not_modified = common
        self.full = [
            (b"content-type", media_type_of(key).encode()),
            (b"content-length", str(size).encode()),
            *common,
        ]


class MediaFastPath:
    """ASGI middleware that answers GET and HEAD for files already in memory, at once.

    The key from the URL is only looked up in the memory cache; the cache holds only keys the
    route above validated and read. Each answer still checks that the file exists (one stat, or
    a bucket's HEAD), so a deleted photo stops being served at once, in every process.
    Anything else (a key not in memory, another method, an odd path) goes on down the stack.
    No browser-id cookie is set on these answers: images need no CSRF token.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._prepared: dict[str, _Prepared] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (
            scope["type"] != "http"
            or not path.startswith(PREFIX)
            or scope.get("root_path")
            or scope["method"] not in ("GET", "HEAD")
        ):
            await self.app(scope, receive, send)
            return
        svc: Services = scope["app"].state.services
        try:
            found = await self._find(svc, path[len(PREFIX) :])
        except Unavailable:  # the bucket is out of reach: the route answers with its 503 page
            found = None
        if found is None:
            await self.app(scope, receive, send)
            return
        prepared, data = found
        for name, value in scope["headers"]:
            if name == b"if-none-match":
                if etag_matches(value.decode("latin-1"), prepared.etag):
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 304,
                            "headers": prepared.not_modified,
                        }
                    )
                    await send({"type": "http.response.body", "body": b""})
                    return
                break
        await send({"type": "http.response.start", "status": 200, "headers": prepared.full})
        body = data if scope["method"] == "GET" else b""
        await send({"type": "http.response.body", "body": body})

    async def _find(self, svc: Services, key: str) -> tuple[_Prepared, bytes] | None:
        """The prepared headers and bytes for a key in memory whose file still exists (files
        are named by their content, so a key's bytes, and their length, never change)."""
        data = svc.media_cache.get(key)
        if data is None:
            self._prepared.pop(key, None)
            return None
        prepared = self._prepared.get(key)
        if prepared is None:
            if len(self._prepared) >= PREPARED_KEPT:
                self._prepared.clear()
            protective = protective_headers(svc.config.https)
            prepared = _Prepared(key, len(data), protective)
            self._prepared[key] = prepared
        if not await _exists(svc.storage, key):
            svc.media_cache.drop(key)
            del self._prepared[key]
            return None
        return prepared, data


routes = [Route("/media/{key:path}", media, name="media")]
