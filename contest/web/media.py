"""Photo files, served by content-hashed key with long-lived caching."""

from __future__ import annotations

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.errors import NotFound
from contest.web.context import services

#: A key names its content, so a response never changes and may be cached for a year.
IMMUTABLE = "public, max-age=31536000, immutable"


async def media(request: Request) -> Response:
    """The file behind a key; keys are unguessable hashes and are never built from user input.

    Thumbnails are small and asked for constantly, so their bytes are kept in memory.
    """
    key = request.path_params["key"]
    svc = services(request)
    etag = '"' + key.rsplit("/", 1)[-1].split(".")[0][:32] + '"'
    headers = {"Cache-Control": IMMUTABLE, "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    data = svc.media_cache.get(key)
    if data is not None and not svc.storage.exists(key):
        data = None  # deleted since (a withdrawn photo must not linger in memory either)
    if data is None:
        try:
            path = svc.storage.path(key)
        except ValueError as error:
            raise NotFound() from error
        try:
            data = await anyio.to_thread.run_sync(path.read_bytes)
        except FileNotFoundError as error:
            raise NotFound() from error
        svc.media_cache.put(key, data)
    return Response(data, media_type="image/jpeg", headers=headers)


routes = [Route("/media/{key:path}", media, name="media")]
