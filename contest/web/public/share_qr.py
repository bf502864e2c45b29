"""The WeChat share option's QR code: the entry's link, tagged as shared on WeChat, as an SVG."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.gallery import qr, views
from contest.web.context import absolute
from contest.web.public.gallery import shown_entry

#: A published entry's code changes only with the site's address: kept a day, like its card.
PUBLIC_CACHE = "public, max-age=86400"
#: An organizer's look at a draft contest is kept by their browser only.
DRAFT_CACHE = "private, max-age=3600"


async def entry_qr(request: Request) -> Response:
    """The QR code of an entry's public link (from the configured base, ``?src=wechat``), to
    scan with WeChat; seen by whoever may see the entry's page."""
    entry, contest = await shown_entry(request)
    link = views.tagged_link(absolute(request, "entry_page", entry_id=entry["id"]), views.WECHAT)
    cache = PUBLIC_CACHE if contest.settings.is_published else DRAFT_CACHE
    return Response(qr.qr_svg(link), media_type="image/svg+xml", headers={"Cache-Control": cache})


routes = [Route("/entries/{entry_id:int}/qr.svg", entry_qr, name="entry_qr")]
