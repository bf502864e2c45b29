"""Organizer pages for one contest: create, edit, and its panel of judges."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.accounts import invitations, site_settings, users
from contest.contests import calendar_shift, language_form
from contest.contests import defaults as contest_defaults
from contest.contests import form as contest_form
from contest.contests import store as contest_store
from contest.contests.model import (
    CAMPUS_SIGN_IN,
    PEOPLES_CHOICE_BASES,
    SCORE_METHODS,
    TIE_BREAKS,
    VOTING_MODES,
    Contest,
    ContestSettings,
    peoples_choice_basis_label,
)
from contest.contests.slugs import clean_slug, with_slug
from contest.contests.texts import FIELDS
from contest.core.clock import timezone_names
from contest.core.errors import NotFound, ValidationError
from contest.core.forms import FormValues
from contest.i18n import LOCALES, N_, current_locale, html_lang, known, zone_choices
from contest.media.photos import forget_share_cards
from contest.voting import mode_change
from contest.web.context import (
    absolute,
    now,
    organizer_contest,
    read_form,
    redirect,
    require_user,
    services,
)
from contest.web.notices import with_notice
from contest.web.rendering import render

LOCKED_REASON = N_(
    "Read-only: the results are published and were decided under these rules."
    " Dates and texts can still change."
)


def _form_context(
    form: FormValues,
    errors: dict[str, str],
    *,
    locked: tuple[str, ...] = (),
    **extra: object,
) -> dict[str, object]:
    return {
        "form": form,
        "errors": errors,
        "timezones": zone_choices(timezone_names()),
        "affiliations": users.AFFILIATIONS,
        "rubric_rows": range(contest_form.RUBRIC_ROWS),
        "schedule_labels": contest_form.SCHEDULE_FIELD_LABELS,
        "score_methods": list(SCORE_METHODS.items()),
        "tie_breaks": list(TIE_BREAKS.items()),
        "voting_modes": list(VOTING_MODES.items()),
        "campus_sign_in": list(CAMPUS_SIGN_IN.items()),
        "peoples_choice_bases": [
            (basis, peoples_choice_basis_label(basis, form.get("external_network")))
            for basis in PEOPLES_CHOICE_BASES
        ],
        "main_locales": [(code, language.name) for code, language in LOCALES.items()],
        "language_sections": _language_sections(form, errors),
        "locked": locked,
        "locked_inputs": [name for setting in locked for name in contest_form.form_fields(setting)],
        "locked_reason": LOCKED_REASON,
        **extra,
    }


def _language_sections(form: FormValues, errors: dict[str, str]) -> list[dict[str, object]]:
    """The form's sections for the languages other than the main one: each language's own
    name and tag, its fields' names, and whether it opens (something typed or wrong in it)."""
    sections: list[dict[str, object]] = []
    for locale in language_form.other_locales(language_form.main_locale_of(form)):
        names = {field: language_form.text_field(locale, field) for field in FIELDS}
        filled = any(form.get(name).strip() or name in errors for name in names.values())
        sections.append(
            {
                "name": LOCALES[locale].name,
                "tag": html_lang(locale),
                "fields": names,
                "open": filled,
            }
        )
    return sections


def _campus_offered(request: Request) -> bool:
    """Whether the site has campus sign-in set up, so a contest may ask for it."""
    return bool(services(request).config.campus_providers)


def _parsed(form: FormValues, *, campus_offered: bool) -> tuple[ContestSettings, str | None]:
    """The settings and the address an edit form gives (None: the form has no address field,
    so it stays); ValidationError naming every bad field of both."""
    errors: dict[str, str] = {}
    slug = clean_slug(form.get("slug"), errors) if form.submitted("slug") else None
    try:
        settings = contest_form.parse_contest_form(form, campus_offered=campus_offered)
    except ValidationError as error:
        raise ValidationError(error.errors | errors) from error
    if errors:
        raise ValidationError(errors)
    return settings, slug


async def manage(request: Request) -> Response:
    """The organizer's overview: every contest, drafts included."""
    await require_user(request, "organizer")
    everything = await contest_store.list_contests(services(request).db, include_unpublished=True)
    return await render(request, "manage/index.html", {"contests": everything})


async def new_contest(request: Request) -> Response:
    """Create a contest."""
    user = await require_user(request, "organizer")
    svc = services(request)
    if request.method == "GET":
        defaults = contest_defaults.default_settings(
            now(request), svc.config.default_timezone, main_locale=current_locale.get()
        )
        form = contest_form.settings_to_form(defaults)
        return await render(
            request, "manage/contest_form.html", _form_context(form, {}, contest=None)
        )
    form = await read_form(request)
    try:
        settings = contest_form.parse_contest_form(form, campus_offered=_campus_offered(request))
    except ValidationError as error:
        context = _form_context(form, error.errors, contest=None)
        return await render(request, "manage/contest_form.html", context, status_code=400)
    contest = await contest_store.create_contest(
        svc.db, settings, created_by=user.id, now=now(request)
    )
    return redirect(request, "contest_judges", contest_id=contest.id)


async def edit_contest(request: Request) -> Response:
    """Change a contest's settings (once the results are published, not the rules that
    decided them: the form shows those read-only)."""
    user, contest = await organizer_contest(request)
    svc = services(request)
    locked = await contest_store.locked_rules(svc.db, contest.id)
    if request.method == "GET":
        form = with_slug(contest_form.settings_to_form(contest.settings), contest.slug)
        context = _form_context(form, {}, locked=locked, contest=contest)
        return await render(request, "manage/contest_form.html", context)
    form = await read_form(request)
    try:
        settings, slug = _parsed(form, campus_offered=_campus_offered(request))
        if problem := await mode_change.campus_change_problem(svc.db, contest, settings):
            raise ValidationError({"campus_sign_in_for": problem})
        warning = await mode_change.mode_change_warning(svc.db, contest, settings.voting_mode)
        if warning and form.get("confirm_voting_mode") != "yes":
            raise ValidationError({"voting_mode": warning})
        saved = await contest_store.update_contest(
            svc.db, contest.id, settings, now=now(request), actor_id=user.id, slug=slug
        )
        await svc.contest_changed(contest)
        # Share cards draw the main title (never a reader's language).
        if (settings.title, settings.hashtag) != (contest.settings.title, contest.settings.hashtag):
            await forget_share_cards(svc.db, svc.storage, contest.id)
    except ValidationError as error:
        shown = contest_form.with_settings_kept(form, contest.settings, locked)
        context = _form_context(shown, error.errors, locked=locked, contest=contest)
        return await render(request, "manage/contest_form.html", context, status_code=400)
    return with_notice(request, redirect(request, "contest", slug=saved.slug), "settings_saved")


async def contest_judges(
    request: Request,
    *,
    errors: dict[str, str] | None = None,
    form: FormValues | None = None,
    status_code: int = 200,
) -> Response:
    """The contest's panel: judges on it, judges to add, and the invitation form."""
    _, contest = await organizer_contest(request)
    svc = services(request)
    panel = await contest_store.judges_of(svc.db, contest.id)
    on_panel = {row["id"] for row in panel}
    available = [
        row for row in await users.list_users(svc.db, role="judge") if row["id"] not in on_panel
    ]
    pending = [
        row for row in await invitations.list_invitations(svc.db) if row["contest_id"] == contest.id
    ]
    context = {
        "contest": contest,
        "panel": panel,
        "available": available,
        "invitations": pending,
        "form": form or FormValues(),
        "errors": errors or {},
        "smtp": svc.config.smtp is not None,
        "mail_locale": known((form or FormValues()).get("mail_locale"))
        or await site_settings.default_locale(svc.db),
    }
    return await render(request, "manage/judges.html", context, status_code=status_code)


async def invite_judge(request: Request) -> Response:
    """Invite a judge to the contest by email (the mail goes through the outbox)."""
    user, contest = await organizer_contest(request)
    svc = services(request)
    form = await read_form(request)
    try:
        await invitations.invite(
            svc.db,
            email=form.get("email"),
            role="judge",
            contest_id=contest.id,
            invited_by=user,
            link_for=lambda token: absolute(request, "accept_invitation", token=token),
            now=now(request),
            locale=known(form.get("mail_locale")),
        )
    except ValidationError as error:
        return await contest_judges(request, errors=error.errors, form=form, status_code=400)
    return redirect(request, "contest_judges", contest_id=contest.id)


async def change_panel(request: Request) -> Response:
    """Add an existing judge account to the panel, or take one off."""
    _, contest = await organizer_contest(request)
    svc = services(request)
    form = await read_form(request)
    try:
        judge_id = int(form.get("user_id"))
    except ValueError:
        errors: dict[str, str] = {"user_id": N_("Choose a judge.")}
        return await contest_judges(request, errors=errors, status_code=400)
    if form.get("action") == "remove":
        await contest_store.unassign_judge(svc.db, contest_id=contest.id, user_id=judge_id)
    else:
        await contest_store.assign_judge(svc.db, contest_id=contest.id, user_id=judge_id)
    return redirect(request, "contest_judges", contest_id=contest.id)


async def copy_contest(request: Request) -> Response:
    """Start next year's contest as a copy of this one: the new-contest form filled in with
    its settings, every date a year later, for the organizer to review before it is created.
    Entries, likes and scores stay with the original; its judges are offered again."""
    user, source = await organizer_contest(request)
    svc = services(request)
    if request.method == "GET":
        form = contest_form.copy_form(source.settings)
        context = _form_context(form, {}, contest=None, copy_of=source)
        return await render(request, "manage/contest_form.html", context)
    form = await read_form(request)
    try:
        settings = contest_form.parse_contest_form(form, campus_offered=_campus_offered(request))
    except ValidationError as error:
        context = _form_context(form, error.errors, contest=None, copy_of=source)
        return await render(request, "manage/contest_form.html", context, status_code=400)
    contest = await contest_store.create_contest(
        svc.db, settings, created_by=user.id, now=now(request)
    )
    return _judges_again(request, contest.id, source.id)


def _judges_again(request: Request, contest_id: int, source_id: int) -> Response:
    return redirect(request, "judges_again", contest_id=contest_id, query={"from": source_id})


async def judges_again(request: Request) -> Response:
    """A copied contest's judges step: the earlier contest's judges, each with a button that
    puts them on the new panel."""
    _, contest = await organizer_contest(request)
    svc = services(request)
    form = await read_form(request) if request.method == "POST" else FormValues()
    source_id = request.query_params.get("from", "")
    panel = await contest_store.judges_of(svc.db, contest.id)
    if not (source_id.isascii() and source_id.isdigit() and len(source_id) <= 18):
        if request.method == "POST":
            raise NotFound(contest_store.NO_SUCH_CONTEST)
        context = {"contest": contest, "source": None, "offered": [], "panel": panel}
        return await render(request, "manage/copy_contest.html", context)
    source = await contest_store.get_contest(svc.db, int(source_id))
    if request.method == "POST":
        await contest_store.add_judge_again(
            svc.db, source_id=source.id, contest_id=contest.id, user_id=form.get("user_id")
        )
        return _judges_again(request, contest.id, source.id)
    offered = await contest_store.judges_to_invite_again(
        svc.db, source_id=source.id, contest_id=contest.id
    )
    context = {"contest": contest, "source": source, "offered": offered, "panel": panel}
    return await render(request, "manage/copy_contest.html", context)


def _shift_page(
    contest: Contest,
    form: FormValues,
    errors: dict[str, str],
    days: int | None,
) -> dict[str, object]:
    """What the "move every date" page shows: the dates now and, once a number of days is
    given, where each would go."""
    settings = contest.settings
    moved = (
        calendar_shift.shift_by_days(settings.schedule, days, settings.timezone)
        if days is not None
        else None
    )
    problem = calendar_shift.shift_problem(moved) if moved is not None else None
    if problem and "days" not in errors:
        errors = errors | {"days": problem}
    rows = [
        (
            label,
            getattr(settings.schedule, name),
            getattr(moved, name) if moved is not None else None,
        )
        for name, label in contest_form.SCHEDULE_FIELD_LABELS.items()
    ]
    return {
        "contest": contest,
        "form": form,
        "errors": errors,
        "rows": rows,
        "days": days,
        "can_confirm": moved is not None and not errors,
        "seen": contest_store.schedule_fingerprint(settings.schedule),
    }


async def shift_dates(request: Request) -> Response:
    """Move every date of the contest by a number of days: the new dates are shown first,
    then stored as an edit would store them (checked and audited)."""
    user, contest = await organizer_contest(request)
    svc = services(request)
    if request.method == "GET":
        context = _shift_page(contest, FormValues(), {}, None)
        return await render(request, "manage/shift_dates.html", context)
    form = await read_form(request)
    try:
        days = calendar_shift.parse_shift_days(form.get("days"))
    except ValueError as error:
        context = _shift_page(contest, form, {"days": error.args[0]}, None)
        return await render(request, "manage/shift_dates.html", context, status_code=400)
    if form.get("confirm") != "yes":
        context = _shift_page(contest, form, {}, days)
        status = 200 if context["can_confirm"] else 400
        return await render(request, "manage/shift_dates.html", context, status_code=status)
    try:
        await contest_store.shift_dates(
            svc.db, contest.id, days, seen=form.get("seen"), now=now(request), actor_id=user.id
        )
    except ValidationError as error:
        current = await contest_store.get_contest(svc.db, contest.id)
        context = _shift_page(current, form, error.errors, days)
        return await render(request, "manage/shift_dates.html", context, status_code=400)
    await svc.contest_changed(contest)
    return redirect(request, "edit_contest", contest_id=contest.id)


routes = [
    Route("/manage", manage, name="manage"),
    Route("/manage/contests/new", new_contest, methods=["GET", "POST"], name="new_contest"),
    Route(
        "/manage/contests/{contest_id:int}/edit",
        edit_contest,
        methods=["GET", "POST"],
        name="edit_contest",
    ),
    Route(
        "/manage/contests/{contest_id:int}/copy",
        copy_contest,
        methods=["GET", "POST"],
        name="copy_contest",
    ),
    Route(
        "/manage/contests/{contest_id:int}/shift-dates",
        shift_dates,
        methods=["GET", "POST"],
        name="shift_dates",
    ),
    Route("/manage/contests/{contest_id:int}/judges", contest_judges, name="contest_judges"),
    Route(
        "/manage/contests/{contest_id:int}/judges/again",
        judges_again,
        methods=["GET", "POST"],
        name="judges_again",
    ),
    Route(
        "/manage/contests/{contest_id:int}/judges/invite",
        invite_judge,
        methods=["POST"],
        name="invite_judge",
    ),
    Route(
        "/manage/contests/{contest_id:int}/judges/panel",
        change_panel,
        methods=["POST"],
        name="change_panel",
    ),
]
