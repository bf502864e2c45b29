"""Jinja2 set-up and the one function handlers use to render a page."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from contest.accounts.brand import Brand
from contest.accounts.users import AFFILIATION_LABELS
from contest.core.clock import as_moment, format_calendar_date, format_local, zone
from contest.core.forms import FormValues
from contest.core.markdown import render_markdown
from contest.engagement import report_text
from contest.i18n import (
    DEFAULT_LOCALE,
    LOCALES,
    current_locale,
    html_lang,
    number,
    relative_time,
    written_date,
    zone_place,
)
from contest.i18n.jinja import translated_environment
from contest.web import media_links
from contest.web.context import current_user, form_token, now, services
from contest.web.language import request_locale
from contest.web.notices import clear_notice, pending_notice, pending_notice_is_plain

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
STATIC_DIR = Path(__file__).resolve().parents[2] / "static"


def _now(context: jinja2.runtime.Context) -> datetime | None:
    """The page's moment (``render`` gives every page one), to write other years' dates."""
    moment = context.get("now")
    return moment if isinstance(moment, datetime) else None


@jinja2.pass_context
def local_time(
    context: jinja2.runtime.Context,
    moment: datetime | str,
    tz_name: str,
    *,
    with_year: bool = False,
    date_only: bool = False,
) -> str:
    """``{{ row.created_at | local_time(contest.settings.timezone) }}``: a moment (stored UTC
    text or a datetime) in that zone, ``15 May 01:30``, the year written when it is not this
    year's (or when asked)."""
    locale = current_locale.get()
    if locale != DEFAULT_LOCALE:
        local = as_moment(moment).astimezone(zone(tz_name))
        page_now = _now(context)
        other_year = page_now is not None and page_now.astimezone(local.tzinfo).year != local.year
        return written_date(
            local, locale, with_year=with_year or other_year, with_time=not date_only
        )
    return format_local(
        moment, tz_name, with_year=with_year, date_only=date_only, now=_now(context)
    )


@jinja2.pass_context
def local_date(
    context: jinja2.runtime.Context,
    moment: datetime | str,
    tz_name: str,
    *,
    with_year: bool = False,
) -> str:
    """``local_time`` where only the day is meant: ``15 May``."""
    return local_time(context, moment, tz_name, with_year=with_year, date_only=True)


@jinja2.pass_context
def calendar_date(
    context: jinja2.runtime.Context, value: date | datetime | str, *, with_year: bool = False
) -> str:
    """A date as written where it was written, not converted (a camera's local time, a day
    already counted in the contest's zone): ``14 May``, ``5月14日``."""
    locale = current_locale.get()
    if locale != DEFAULT_LOCALE:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        day = moment.date() if isinstance(moment, datetime) else moment
        page_now = _now(context)
        other_year = page_now is not None and page_now.year != day.year
        return written_date(day, locale, with_year=with_year or other_year)
    return format_calendar_date(value, with_year=with_year, now=_now(context))


def build_templates(directory: Path = TEMPLATES_DIR) -> Jinja2Templates:
    """The template environment: autoescaping on, undefined names are errors, messages
    translated into the locale being rendered (``contest.i18n.current_locale``)."""
    env = translated_environment(directory)
    env.filters["markdown"] = render_markdown
    env.filters["local_time"] = local_time
    env.filters["local_date"] = local_date
    env.filters["calendar_date"] = calendar_date
    env.filters["number"] = number
    env.filters["relative_time"] = relative_time
    env.filters["zone_place"] = zone_place
    env.filters["percent"] = report_text.percent
    env.filters["duration"] = report_text.duration
    env.globals["AFFILIATION_LABELS"] = AFFILIATION_LABELS
    env.globals["NO_DATA"] = report_text.NO_DATA
    # Pages that render without ``render`` (the gallery's cached pages) pass their own brand;
    # this default keeps any other one whole.
    env.globals["brand"] = Brand()
    # Defaults for a page rendered without ``render``: the gallery's cached pages pass their
    # own locale (each language is cached apart).
    env.globals["locale"] = DEFAULT_LOCALE
    env.globals["html_lang"] = html_lang(DEFAULT_LOCALE)
    env.globals["languages"] = list(LOCALES.values())
    media_links.install(env)  # photo files linked at CONTEST_MEDIA_PUBLIC_URL when set
    return Jinja2Templates(env=env)


async def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """Render a page with what every page needs: the user, a CSRF token, the time, the
    library's brand, in the reader's language."""
    locale = await request_locale(request)
    page: dict[str, Any] = {
        "locale": locale,
        "html_lang": html_lang(locale),
        "user": await current_user(request),
        "csrf_token": form_token(request),
        "now": now(request),
        "errors": {},
        "form": FormValues(),
        "site_url": services(request).config.base_url.rstrip("/"),
        "done_notice": pending_notice(request),
        "plain_notice": pending_notice_is_plain(request),
        "brand": await services(request).brand(),
    }
    page.update(context or {})
    token = current_locale.set(locale)
    try:
        response = services(request).templates.TemplateResponse(
            request, template, page, status_code=status_code, headers=headers
        )
    finally:
        current_locale.reset(token)
    clear_notice(request, response)
    return response
