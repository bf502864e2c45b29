"""The brand's colours as a tiny stylesheet (the site's CSP allows no inline styles)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.accounts.brand import stylesheet
from contest.web.context import services

#: Pages link it with the colours in the query, so a change of colours is a new address.
BRAND_CSS_CACHE = "public, max-age=86400"


async def brand_css(request: Request) -> Response:
    """``:root`` colour variables overriding static/css/site.css's; anyone may read them."""
    css = stylesheet(await services(request).brand())
    return Response(css, media_type="text/css", headers={"Cache-Control": BRAND_CSS_CACHE})


routes = [Route("/brand.css", brand_css, name="brand_css")]
