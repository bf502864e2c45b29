"""Where pages link photo files: the app's own ``/media/<key>``, or, when
CONTEST_MEDIA_PUBLIC_URL names a CDN or the bucket's web address, ``<public url>/<key>`` there.

Keys are content hashes, so the CDN serves the same names as the app, cached for ever. The
address is the operator's setting, checked to be http(s) when the config is built; the key is
one we issued (hex, slashes, an extension), quoted all the same, and templates escape the whole.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from starlette.datastructures import URL
from starlette.requests import Request

MEDIA_ROUTE = "media"


def public_media_url(base: str | None, key: str) -> str | None:
    """The address of a key's file at the public base, or None when there is none (or it is
    not an http(s) address: then the app serves the file itself)."""
    if not base or urlsplit(base).scheme not in ("http", "https"):
        return None
    return base.rstrip("/") + "/" + quote(key, safe="/")


def _public_base(request: Request) -> str | None:
    """The configured public address of photo files, if any."""
    services = getattr(request.app.state, "services", None)
    return None if services is None else services.config.media_public_url


def media_href(request: Request, key: str) -> str | None:
    """A key's file at the public address configured for this app, if one is."""
    return public_media_url(_public_base(request), key)


@jinja2.pass_context
def url_for(context: dict[str, Any], name: str, /, **params: Any) -> URL:
    """Starlette's ``url_for`` for templates, with photo files linked at the public address
    when one is configured."""
    request: Request = context["request"]
    if name == MEDIA_ROUTE:
        public = media_href(request, str(params.get("key", "")))
        if public is not None:
            return URL(public)
    return request.url_for(name, **params)


@jinja2.pass_context
def absolute_media_url(context: dict[str, Any], key: str, site_url: str) -> str:
    """A key's file as an absolute address (for link previews): at the public address, or at
    the site's own ``/media``."""
    request: Request = context["request"]
    public = media_href(request, key)
    return public or site_url + request.url_for(MEDIA_ROUTE, key=key).path


def install(env: jinja2.Environment) -> None:
    """Make the templates' ``url_for`` and ``absolute_media_url`` these (before Starlette's
    Jinja2Templates adds its own ``url_for``, which it does only when none is there)."""
    env.globals["url_for"] = url_for
    env.globals["absolute_media_url"] = absolute_media_url
