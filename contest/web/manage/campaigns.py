"""Campaign mail pages: organizers write, preview, test and send; anyone may unsubscribe."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from contest.accounts.users import User
from contest.campaigns import drafts, unsubscribes
from contest.campaigns import log as campaign_log
from contest.campaigns import send as campaign_send
from contest.campaigns.drafts import Campaign
from contest.campaigns.lists import MAX_LIST_BYTES, MAX_LIST_ROWS
from contest.campaigns.log import STATE_LABELS
from contest.campaigns.text import KINDS, PLACEHOLDERS, default_text, is_chinese, other_language
from contest.contests.model import Contest
from contest.core import csv_files
from contest.core.csv_files import EncodingToConfirm
from contest.core.errors import ValidationError
from contest.core.forms import FormValues
from contest.i18n import DEFAULT_LOCALE, LOCALES, N_, current_locale, gettext, known, using_locale
from contest.web.context import (
    absolute,
    check_form_token,
    now,
    organizer_contest,
    read_fields,
    read_form,
    read_upload_form,
    redirect,
    services,
)
from contest.web.downloads import rows_download
from contest.web.language import LANGUAGE_COOKIE, LOCALE_STATE
from contest.web.rendering import render

#: Where each kind of message points its reader.
LINK_ROUTES = {"invite": "contest", "voting": "contest_gallery", "results": "winners"}
FILE_FIELD = "file"
SHOWN_RECIPIENTS = 500


def _link(request: Request, contest: Contest, kind: str) -> str:
    return absolute(request, LINK_ROUTES[kind], slug=contest.slug)


def _unsubscribe_link(request: Request, token: str) -> str:
    return absolute(request, "unsubscribe", token=token)


async def _organizer_campaign(request: Request) -> tuple[User, Contest, Campaign]:
    user, contest = await organizer_contest(request)
    campaign = await drafts.get_campaign(
        services(request).db, contest.id, request.path_params["campaign_id"]
    )
    return user, contest, campaign


def _common(request: Request) -> dict[str, Any]:
    return {
        "smtp": services(request).config.smtp is not None,
        "kinds": KINDS,
        "placeholders": PLACEHOLDERS,
        "max_rows": MAX_LIST_ROWS,
        "readings": [],
        "language_choices": [(code, language.name) for code, language in LOCALES.items()],
        "language_names": {code: language.name for code, language in LOCALES.items()},
        "state_labels": STATE_LABELS,
    }


def _other_is_chinese(main_locale: str) -> bool:
    """Whether a campaign in that main language has its second version in Chinese."""
    return not is_chinese(main_locale)


async def campaign_list(request: Request) -> Response:
    """The contest's campaigns and the log of every send and test."""
    _, contest = await organizer_contest(request)
    db = services(request).db
    context = {
        "contest": contest,
        "campaigns": [
            (row, Campaign.from_row(row)) for row in await drafts.list_campaigns(db, contest.id)
        ],
        "log": await campaign_log.send_log(db, contest.id),
        **_common(request),
    }
    return await render(request, "campaigns/index.html", context)


async def _read_list_form(request: Request) -> tuple[FormValues, bytes]:
    """The submitted form and the uploaded file's bytes.

    A pasted list may be long: the parser lets fields grow to the body cap (which already
    bounds the request while it streams), and ``_list_source`` checks the list's own limit.
    """
    body_cap = services(request).config.max_body_bytes
    return await read_upload_form(request, FILE_FIELD, max_field_size=body_cap)


def _list_source(form: FormValues, data: bytes) -> tuple[str | bytes, str]:
    """The uploaded file's bytes (a new upload, or those carried back while the organizer
    confirms their encoding, with the encoding chosen) or the pasted text."""
    pasted, encoding = form.get("addresses"), ""
    if not data and form.get("file_data"):
        data, encoding = (
            csv_files.carried(form.get("file_data"), field="recipients"),
            form.get("encoding"),
        )
    if data and pasted.strip():
        raise ValidationError(
            {"recipients": N_("Upload a file or paste addresses, not both; keep one of them.")}
        )
    if len(pasted.encode()) > MAX_LIST_BYTES:
        limit = MAX_LIST_BYTES // (1024 * 1024)
        raise ValidationError(
            {
                "recipients": N_(
                    "The pasted list is over %(limit)d MB. Split it and add it in parts.",
                    limit=limit,
                )
            }
        )
    return data or pasted, encoding


def _confirming(form: FormValues, data: bytes, unsure: EncodingToConfirm) -> dict[str, Any]:
    """What the list fields need to ask which reading of a file that is not UTF-8 is right."""
    carried = data or csv_files.carried(form.get("file_data"), field="recipients")
    return {"readings": unsure.readings, "file_data": base64.b64encode(carried).decode()}


async def new_campaign(request: Request) -> Response:
    """Write a new campaign and give its list; storing it leads to the preview.

    Its texts start in the organizer's language, the second version in the other one."""
    user, contest = await organizer_contest(request)
    svc = services(request)
    if request.method == "GET":
        kind = request.query_params.get("kind", "invite")
        kind = kind if kind in KINDS else "invite"
        organizer_locale = current_locale.get()
        main = known(request.query_params.get("locale")) or organizer_locale
        subject, body = default_text(kind, main)
        other_subject, other_body = default_text(kind, other_language(main, organizer_locale))
        form = FormValues.of(
            {
                "kind": kind,
                "locale": main,
                "subject": subject,
                "body": body,
                "other_subject": other_subject,
                "other_body": other_body,
            }
        )
        context = {
            "contest": contest,
            "form": form,
            "other_is_chinese": _other_is_chinese(main),
            **_common(request),
        }
        return await render(request, "campaigns/new.html", context)
    form, data = await _read_list_form(request)
    main_locale = form.get("locale") or DEFAULT_LOCALE
    form_context = {
        "contest": contest,
        "form": form,
        "other_is_chinese": _other_is_chinese(main_locale),
    }
    try:
        source, encoding = _list_source(form, data)
        listing = await drafts.prepare_list(svc.db, source, encoding=encoding)
        campaign_id = await drafts.create_campaign(
            svc.db,
            contest_id=contest.id,
            kind=form.get("kind"),
            subject=form.get("subject"),
            body=form.get("body"),
            listing=listing,
            author_id=user.id,
            now=now(request),
            locale=main_locale,
            other_subject=form.get("other_subject"),
            other_body=form.get("other_body"),
        )
    except EncodingToConfirm as unsure:
        context = form_context | _confirming(form, data, unsure)
        return await render(request, "campaigns/new.html", _common(request) | context)
    except ValidationError as error:
        context = form_context | {"errors": error.errors, **_common(request)}
        return await render(request, "campaigns/new.html", context, status_code=400)
    return redirect(request, "campaign", contest_id=contest.id, campaign_id=campaign_id)


async def _campaign_page(
    request: Request,
    contest: Contest,
    campaign: Campaign,
    *,
    form: FormValues | None = None,
    list_form: FormValues | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    extra: dict[str, Any] | None = None,
) -> Response:
    """The campaign page; ``form`` is the message form, ``list_form`` the add-addresses form
    (``extra`` asks it which reading of an uploaded file is right)."""
    db = services(request).db
    states = await campaign_log.state_counts(db, campaign.id)
    context = {
        "contest": contest,
        "campaign": campaign,
        "preview": await drafts.preview(
            db,
            campaign,
            contest=contest,
            link=_link(request, contest, campaign.kind),
            unsubscribe_link=_unsubscribe_link(request, "(personal-link)"),
        ),
        "send_problem": await campaign_send.send_problem(db, campaign, contest, now(request)),
        # A draft: nobody dealt with yet (as campaigns.delete_draft requires).
        "can_delete": set(states) <= {campaign_log.NOT_SENT_YET},
        "problems": await campaign_log.problems(db, campaign.id),
        "recipients": await campaign_log.recipients(db, campaign.id, limit=SHOWN_RECIPIENTS),
        "states": states,
        "log": await campaign_log.send_log(db, contest.id, campaign_id=campaign.id),
        "form": form
        or FormValues.of(
            {
                "subject": campaign.subject,
                "body": campaign.body,
                "other_subject": campaign.other_subject,
                "other_body": campaign.other_body,
            }
        ),
        "other_is_chinese": _other_is_chinese(campaign.locale),
        "errors": errors or {},
        "done": request.query_params.get("done", ""),
        "shown_recipients": SHOWN_RECIPIENTS,
        "list_form": list_form or FormValues(),
        **_common(request),
        **(extra or {}),
    }
    return await render(request, "campaigns/campaign.html", context, status_code=status_code)


async def campaign_page(request: Request) -> Response:
    """The preview, the bad rows, each recipient's state, the log, and the send buttons."""
    _, contest, campaign = await _organizer_campaign(request)
    return await _campaign_page(request, contest, campaign)


async def _act(
    request: Request,
    contest: Contest,
    campaign: Campaign,
    action: Awaitable[object],
    *,
    done: str | None,
    form: FormValues | None = None,
    list_form: FormValues | None = None,
) -> Response:
    """Await an action: back to the campaign page (``?done=``) if it worked, else the page again
    with its errors (400); ``done=None`` goes to the campaign list (the campaign is gone)."""
    try:
        await action
    except ValidationError as error:
        return await _campaign_page(
            request,
            contest,
            campaign,
            form=form,
            list_form=list_form,
            errors=error.errors,
            status_code=400,
        )
    if done is None:
        return redirect(request, "campaigns", contest_id=contest.id)
    return redirect(
        request, "campaign", contest_id=contest.id, campaign_id=campaign.id, query={"done": done}
    )


async def edit_campaign(request: Request) -> Response:
    """Change the subject and text."""
    _, contest, campaign = await _organizer_campaign(request)
    form = await read_form(request)
    update = drafts.update_message(
        services(request).db,
        campaign,
        subject=form.get("subject"),
        body=form.get("body"),
        # A form without the other version's fields keeps it as it is.
        other_subject=form.get("other_subject") if form.submitted("other_subject") else None,
        other_body=form.get("other_body") if form.submitted("other_body") else None,
        now=now(request),
    )
    return await _act(request, contest, campaign, update, done="edit", form=form)


async def add_addresses(request: Request) -> Response:
    """Add addresses to the campaign's list (a later send mails only the new ones)."""
    _, contest, campaign = await _organizer_campaign(request)
    db = services(request).db
    form, data = await _read_list_form(request)
    try:
        source, encoding = _list_source(form, data)
        listing = await drafts.prepare_list(db, source, campaign_id=campaign.id, encoding=encoding)
    except EncodingToConfirm as unsure:
        confirming = _confirming(form, data, unsure)
        return await _campaign_page(request, contest, campaign, list_form=form, extra=confirming)
    except ValidationError as error:
        return await _campaign_page(
            request, contest, campaign, list_form=form, errors=error.errors, status_code=400
        )
    adding = drafts.add_to_list(db, campaign, listing)
    return await _act(request, contest, campaign, adding, done="add", list_form=form)


async def _queue(request: Request, send: Callable[..., Awaitable[object]], done: str) -> Response:
    """Queue a test or the whole send (``campaign_send.send_test`` or ``send``)."""
    user, contest, campaign = await _organizer_campaign(request)
    await read_form(request)
    queuing = send(
        services(request).db,
        campaign,
        contest=contest,
        actor=user,
        now=now(request),
        link=_link(request, contest, campaign.kind),
        unsubscribe_link_for=lambda token: _unsubscribe_link(request, token),
    )
    return await _act(request, contest, campaign, queuing, done=done)


async def test_campaign(request: Request) -> Response:
    """Queue the message to the signed-in organizer only."""
    return await _queue(request, campaign_send.send_test, "test")


async def send_campaign(request: Request) -> Response:
    """Queue one message per recipient not yet mailed by this campaign."""
    return await _queue(request, campaign_send.send, "send")


async def delete_campaign(request: Request) -> Response:
    """Delete a campaign that has mailed nobody yet."""
    _, contest, campaign = await _organizer_campaign(request)
    await read_form(request)
    deleting = drafts.delete_draft(services(request).db, campaign)
    return await _act(request, contest, campaign, deleting, done=None)


async def mark_sent_by_hand(request: Request) -> Response:
    """The organizer sent the downloaded messages themselves: keep the outbox from sending them."""
    _, contest, campaign = await _organizer_campaign(request)
    await read_form(request)
    marking = campaign_log.mark_sent_by_hand(services(request).db, campaign.id, now=now(request))
    return await _act(request, contest, campaign, marking, done="by-hand")


async def campaign_messages(request: Request) -> Response:
    """The campaign's queued messages as CSV, for a mail merge when no mail server is set up."""
    _, contest, campaign = await _organizer_campaign(request)
    rows = await campaign_log.messages(services(request).db, campaign.id)
    return rows_download(rows, "csv", f"{contest.slug}-mail-{campaign.id}")


async def unsubscribe(request: Request) -> Response:
    """A confirm button (mail scanners open links; a GET changes nothing), then the record;
    in the language the reader chose on the site, else the language of their mail."""
    db = services(request).db
    token = request.path_params["token"]
    one_click = False
    if request.method == "POST":
        form = await read_fields(request)
        # RFC 8058: a mail provider's server posts this with no cookie and no CSRF token; the
        # link's own random token is the credential, and unsubscribing twice changes nothing.
        one_click = form.get("List-Unsubscribe") == "One-Click"
        if not one_click:
            check_form_token(request, form)
    link = await unsubscribes.open_link(db, token)
    reader_locale = known(request.cookies.get(LANGUAGE_COOKIE)) or known(link["locale"])
    if reader_locale is not None:
        request.scope.setdefault("state", {})[LOCALE_STATE] = reader_locale
    mailbox, done = link["mailbox"], link["unsubscribed_at"] is not None
    if request.method == "POST":
        mailbox, done = await unsubscribes.unsubscribe(db, token, now=now(request)), True
        if one_click:
            with using_locale(reader_locale or current_locale.get()):
                return PlainTextResponse(gettext("Unsubscribed.") + "\n")
    context = {"token": token, "address": unsubscribes.masked(mailbox), "done": done}
    return await render(request, "campaigns/unsubscribe.html", context)


_CAMPAIGN = "/manage/contests/{contest_id:int}/campaigns/{campaign_id:int}"
routes = [
    Route("/manage/contests/{contest_id:int}/campaigns", campaign_list, name="campaigns"),
    Route(
        "/manage/contests/{contest_id:int}/campaigns/new",
        new_campaign,
        methods=["GET", "POST"],
        name="new_campaign",
    ),
    Route(_CAMPAIGN, campaign_page, name="campaign"),
    Route(_CAMPAIGN + "/message", edit_campaign, methods=["POST"], name="edit_campaign"),
    Route(_CAMPAIGN + "/addresses", add_addresses, methods=["POST"], name="add_addresses"),
    Route(_CAMPAIGN + "/test", test_campaign, methods=["POST"], name="test_campaign"),
    Route(_CAMPAIGN + "/send", send_campaign, methods=["POST"], name="send_campaign"),
    Route(_CAMPAIGN + "/delete", delete_campaign, methods=["POST"], name="delete_campaign"),
    Route(_CAMPAIGN + "/messages.csv", campaign_messages, name="campaign_messages"),
    Route(
        _CAMPAIGN + "/messages/sent", mark_sent_by_hand, methods=["POST"], name="mark_sent_by_hand"
    ),
    Route("/unsubscribe/{token}", unsubscribe, methods=["GET", "POST"], name="unsubscribe"),
]
