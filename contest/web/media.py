"""Photo files, served by content-hashed key with long-lived caching."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from contest.errors import NotFound
from contest.web.context import services

#: A key names its content, so a response never changes and may be cached for a year.
IMMUTABLE = "public, max-age=31536000, immutable"


async def media(request: Request) -> Response:
    """The file behind a key; keys are unguessable hashes and are never built from user input."""
    key = request.path_params["key"]
    try:
        path = services(request).storage.path(key)
    except ValueError as error:
        raise NotFound() from error
    if not path.is_file():
        raise NotFound()
    etag = '"' + key.rsplit("/", 1)[-1].split(".")[0][:32] + '"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": IMMUTABLE})
    return FileResponse(
        path,
        media_type="image/jpeg",
        headers={"Cache-Control": IMMUTABLE, "ETag": etag, "X-Content-Type-Options": "nosniff"},
    )


routes = [Route("/media/{key:path}", media, name="media")]
