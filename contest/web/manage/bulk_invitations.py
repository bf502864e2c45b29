"""Organizer pages that invite judges (to a contest's panel) or participants from a CSV file or
pasted lines: upload, preview every row (bad ones by line), then confirm to send."""

from __future__ import annotations

import base64

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.accounts import bulk_invitations, site_settings
from contest.accounts.invitation_lists import FIELD, MAX_LIST_BYTES, MAX_LIST_ROWS
from contest.contests.model import Contest
from contest.core import csv_files
from contest.core.errors import ValidationError
from contest.core.forms import FormValues
from contest.i18n import LOCALES, N_
from contest.web.context import (
    absolute,
    now,
    organizer_contest,
    read_upload_form,
    redirect,
    require_user,
    services,
)
from contest.web.notices import with_notice
from contest.web.rendering import render

FILE_FIELD = "file"


async def _page(
    request: Request,
    *,
    role: str,
    contest: Contest | None,
    form: FormValues | None = None,
    errors: dict[str, str] | None = None,
    plan: bulk_invitations.Plan | None = None,
    file_data: str = "",
    status_code: int = 200,
) -> Response:
    """The upload form, or the preview of a list with its confirm button (and, for a file that
    is not UTF-8, buttons to read its bytes, carried in ``file_data``, another way)."""
    context = {
        "role": role,
        "contest": contest,
        "form": form or FormValues(),
        "errors": errors or {},
        "plan": plan,
        "file_data": file_data,
        "max_rows": MAX_LIST_ROWS,
        "max_kb": MAX_LIST_BYTES // 1024,
        "smtp": services(request).config.smtp is not None,
        "languages": list(LOCALES.values()),
        "mail_locale": await site_settings.default_locale(services(request).db),
    }
    return await render(request, "manage/bulk_invitations.html", context, status_code=status_code)


def _source(form: FormValues, data: bytes) -> tuple[str | bytes, str]:
    """The uploaded file's bytes (or those carried back to read them in the ``encoding``
    chosen) or the pasted text, whichever was given (not both), and the encoding chosen."""
    pasted, encoding = form.get("addresses"), ""
    if not data and form.get("file_data"):
        data, encoding = csv_files.carried(form.get("file_data"), field=FIELD), form.get("encoding")
    if data and pasted.strip():
        raise ValidationError({FIELD: N_("Upload a file or paste the list, not both; keep one.")})
    if not data and not pasted.strip():
        raise ValidationError({FIELD: N_("Choose a CSV file or paste the people to invite.")})
    return data or pasted, encoding


async def _handle(request: Request, *, role: str, contest: Contest | None) -> Response:
    """Preview the list (``action=preview``, nothing sent) or send it as previewed."""
    user = await require_user(request, "organizer")
    svc = services(request)
    # The preview's hidden fields carry the list (text, or a file's bytes in base64).
    form, data = await read_upload_form(request, FILE_FIELD, max_field_size=2 * MAX_LIST_BYTES)
    contest_id = contest.id if contest else None
    try:
        if form.get("action") == "send":
            await bulk_invitations.send_invitations(
                svc.db,
                form.get("list_text"),
                role=role,
                contest_id=contest_id,
                invited_by=user,
                link_for=lambda token: absolute(request, "accept_invitation", token=token),
                now=now(request),
                locale=form.get("mail_locale") or None,
            )
        else:
            source, encoding = _source(form, data)
            plan = await bulk_invitations.plan_invitations(
                svc.db,
                source,
                role=role,
                contest_id=contest_id,
                now=now(request),
                encoding=encoding,
            )
            carried = base64.b64encode(source).decode() if isinstance(source, bytes) else ""
            return await _page(
                request, role=role, contest=contest, form=form, plan=plan, file_data=carried
            )
    except bulk_invitations.BulkRefused as refused:
        return await _page(
            request,
            role=role,
            contest=contest,
            plan=refused.plan,
            status_code=400,
            errors=refused.errors,
        )
    except ValidationError as error:
        return await _page(
            request, role=role, contest=contest, form=form, errors=error.errors, status_code=400
        )
    if contest is not None:
        done = redirect(request, "contest_judges", contest_id=contest.id)
        return with_notice(request, done, "judges_invited")
    return with_notice(request, redirect(request, "people"), "participants_invited")


async def invite_judges(request: Request) -> Response:
    """Invite judges to a contest's panel from a list."""
    _, contest = await organizer_contest(request)
    if request.method == "GET":
        return await _page(request, role="judge", contest=contest)
    return await _handle(request, role="judge", contest=contest)


async def invite_participants(request: Request) -> Response:
    """Invite participants to the site from a list."""
    await require_user(request, "organizer")
    if request.method == "GET":
        return await _page(request, role="participant", contest=None)
    return await _handle(request, role="participant", contest=None)


routes = [
    Route(
        "/manage/contests/{contest_id:int}/judges/list",
        invite_judges,
        methods=["GET", "POST"],
        name="invite_judges",
    ),
    Route(
        "/manage/people/invite",
        invite_participants,
        methods=["GET", "POST"],
        name="invite_participants",
    ),
]
