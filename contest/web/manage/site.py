"""Organizer pages for the whole site: people, the outbox, site settings and the brand."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.accounts import brand, directory, site_settings, users
from contest.core import outbox
from contest.core.clock import timezone_names
from contest.core.errors import NotFound, ValidationError
from contest.core.forms import FormValues
from contest.i18n import LOCALES, N_, zone_choices, zone_label
from contest.media import logo
from contest.web.context import (
    client_address,
    now,
    read_form,
    read_upload_form,
    redirect,
    require_user,
    services,
)
from contest.web.language import forget_site_default
from contest.web.notices import with_notice
from contest.web.rendering import render


async def people(request: Request) -> Response:
    """Every account, with role changes and disabling; voting-only accounts apart; and the
    participants invited who have not joined yet."""
    user = await require_user(request, "organizer")
    svc = services(request)
    groups = await directory.people_by_group(svc.db, now=now(request))
    timezone = await site_settings.site_timezone(svc.db, svc.config.default_timezone)
    context = {"groups": groups, "roles": users.ROLES, "me": user, "timezone": timezone}
    return await render(request, "manage/people.html", context)


async def change_person(request: Request) -> Response:
    """Change someone's role, or disable or enable their account."""
    user = await require_user(request, "organizer")
    svc = services(request)
    form = await read_form(request)
    person_id = request.path_params["user_id"]
    action = form.get("action")
    if action == "role":
        await users.set_role(
            svc.db, user_id=person_id, role=form.get("role"), acting_user_id=user.id
        )
    elif action in ("disable", "enable"):
        await users.set_disabled(
            svc.db,
            user_id=person_id,
            disabled=action == "disable",
            acting_user_id=user.id,
            now=now(request),
        )
    else:
        raise ValidationError({"action": N_("Choose what to change.")})
    await svc.user_changed(person_id)  # every process forgets their sessions at once
    return redirect(request, "people")


async def outbox_page(request: Request) -> Response:
    """Mail waiting or sent, readable here when no mail server is configured (but for private
    messages, whose links act as their recipient: those can be sent again, not read)."""
    await require_user(request, "organizer")
    svc = services(request)
    context = {
        "messages": await outbox.list_messages(svc.db),
        "smtp": svc.config.smtp is not None,
        "timezone": await site_settings.site_timezone(svc.db, svc.config.default_timezone),
    }
    return await render(request, "manage/outbox.html", context)


async def send_again(request: Request) -> Response:
    """Queue an unsent message again (given up after its attempts, or caught mid-send)."""
    await require_user(request, "organizer")
    await read_form(request)
    if not await outbox.send_again(services(request).db, request.path_params["message_id"]):
        raise NotFound(N_("That message has been sent already, or there is no such message."))
    return redirect(request, "outbox")


def _settings_form(
    domains: list[str], networks: list[str], timezone: str, locale: str, shown: brand.Brand
) -> FormValues:
    return FormValues.of(
        {
            "signup_domains": "\n".join(domains),
            "shared_networks": "\n".join(networks),
            "timezone": timezone,
            site_settings.LOCALE: locale,
            **brand.brand_form(shown),
        }
    )


async def _stored_form(request: Request) -> FormValues:
    """The settings form as stored."""
    db = services(request).db
    networks = [str(network) for network in await site_settings.shared_networks(db)]
    domains = await site_settings.signup_domains(db)
    timezone = await site_settings.chosen_timezone(db)
    locale = await site_settings.default_locale(db)
    return _settings_form(domains, networks, timezone, locale, await brand.get_brand(db))


def _typed(form: FormValues, name: str) -> str | None:
    """What was typed into a field, or None when the form left it out (its setting stays)."""
    return form.get(name) if form.submitted(name) else None


async def site_settings_page(request: Request) -> Response:
    """Who may sign up, which networks many people share (no per-address like limit), the
    time zone of pages about no one contest, and the library's brand."""
    await require_user(request, "organizer")
    svc = services(request)
    context = {"your_address": client_address(request), "saved": False, "errors": {}}
    if request.method == "GET":
        context["form"] = await _stored_form(request)
        return await _settings_page(request, context)
    form = context["form"] = await read_form(request)
    try:
        stored = await site_settings.set_site_settings(
            svc.db,
            signup_domains=_typed(form, "signup_domains"),
            shared_networks=_typed(form, "shared_networks"),
            timezone=_typed(form, "timezone"),
            locale=_typed(form, site_settings.LOCALE),
            brand_fields={key: form.get(key) for key in brand.FIELDS}
            if form.submitted(brand.NAME)
            else None,
        )
    except ValidationError as error:
        context["errors"] = error.errors
        return await _settings_page(request, context, status_code=400)
    await svc.brand_changed()
    forget_site_default(request)
    timezone = await site_settings.chosen_timezone(svc.db)
    locale = await site_settings.default_locale(svc.db)
    # as stored: ranges written out
    shown = await brand.get_brand(svc.db)
    context.update(form=_settings_form(*stored, timezone, locale, shown), saved=True)
    return await _settings_page(request, context)


async def site_logo(request: Request) -> Response:
    """Upload the library's logo (a PNG, JPEG or WebP image, cleaned) or remove it."""
    await require_user(request, "organizer")
    svc = services(request)
    form, data = await read_upload_form(request, "logo")
    if form.get("action") == "remove":
        await logo.remove_logo(svc.db, svc.storage)
        await svc.brand_changed()
        return with_notice(request, redirect(request, "site_settings"), "logo_removed")
    try:
        await logo.save_logo(svc.db, svc.storage, data, limiter=svc.image_limiter)
    except ValidationError as error:
        context = {
            "your_address": client_address(request),
            "saved": False,
            "errors": error.errors,
            "form": await _stored_form(request),
        }
        return await _settings_page(request, context, status_code=400)
    await svc.brand_changed()
    return with_notice(request, redirect(request, "site_settings"), "logo_saved")


async def _settings_page(
    request: Request, context: dict[str, Any], *, status_code: int = 200
) -> Response:
    """The settings page; its list of time zones starts with following the latest contest."""
    svc = services(request)
    automatic = await site_settings.automatic_timezone(svc.db, svc.config.default_timezone)
    context["brand_now"] = await brand.get_brand(svc.db)
    context["logo_limit_mb"] = logo.MAX_LOGO_BYTES // 1024 // 1024
    context["timezones"] = [
        ("", N_("As the latest contest (now %(zone)s)", zone=zone_label(automatic))),
        *zone_choices(timezone_names()),
    ]
    context["locales"] = [(language.code, language.name) for language in LOCALES.values()]
    return await render(request, "manage/settings.html", context, status_code=status_code)


routes = [
    Route("/manage/people", people, name="people"),
    Route("/manage/people/{user_id:int}", change_person, methods=["POST"], name="change_person"),
    Route("/manage/outbox", outbox_page, name="outbox"),
    Route(
        "/manage/outbox/{message_id:int}/send-again",
        send_again,
        methods=["POST"],
        name="send_again",
    ),
    Route("/manage/settings", site_settings_page, methods=["GET", "POST"], name="site_settings"),
    Route("/manage/settings/logo", site_logo, methods=["POST"], name="site_logo"),
]
