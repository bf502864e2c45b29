"""Organizer pages for one contest: create, edit, and its panel of judges."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.accounts import invitations, users
from contest.contests import form as contest_form
from contest.contests import store as contest_store
from contest.contests.model import SCORE_METHODS, TIE_BREAKS, VOTING_MODES
from contest.core.clock import timezone_names
from contest.core.errors import ValidationError
from contest.core.forms import FormValues
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
from contest.web.rendering import render

LOCKED_REASON = (
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
        "timezones": [(name, name.replace("_", " ")) for name in timezone_names()],
        "affiliations": users.AFFILIATIONS,
        "rubric_rows": range(contest_form.RUBRIC_ROWS),
        "schedule_labels": contest_form.SCHEDULE_LABELS,
        "score_methods": list(SCORE_METHODS.items()),
        "tie_breaks": list(TIE_BREAKS.items()),
        "voting_modes": list(VOTING_MODES.items()),
        "locked": locked,
        "locked_inputs": [name for setting in locked for name in contest_form.form_fields(setting)],
        "locked_reason": LOCKED_REASON,
        **extra,
    }


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
        defaults = contest_form.default_settings(now(request), svc.config.default_timezone)
        form = contest_form.settings_to_form(defaults)
        return await render(
            request, "manage/contest_form.html", _form_context(form, {}, contest=None)
        )
    form = await read_form(request)
    try:
        settings = contest_form.parse_contest_form(form)
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
        form = contest_form.settings_to_form(contest.settings)
        context = _form_context(form, {}, locked=locked, contest=contest)
        return await render(request, "manage/contest_form.html", context)
    form = await read_form(request)
    try:
        settings = contest_form.parse_contest_form(form)
        warning = await mode_change.mode_change_warning(svc.db, contest, settings.voting_mode)
        if warning and form.get("confirm_voting_mode") != "yes":
            raise ValidationError({"voting_mode": warning})
        await contest_store.update_contest(
            svc.db, contest.id, settings, now=now(request), actor_id=user.id
        )
        svc.contest_changed(contest)
        if (settings.title, settings.hashtag) != (contest.title, contest.settings.hashtag):
            await forget_share_cards(svc.db, svc.storage, contest.id)
    except ValidationError as error:
        shown = contest_form.with_settings_kept(form, contest.settings, locked)
        context = _form_context(shown, error.errors, locked=locked, contest=contest)
        return await render(request, "manage/contest_form.html", context, status_code=400)
    return redirect(request, "contest", slug=contest.slug)


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
        return await contest_judges(request, errors={"user_id": "Choose a judge."}, status_code=400)
    if form.get("action") == "remove":
        await contest_store.unassign_judge(svc.db, contest_id=contest.id, user_id=judge_id)
    else:
        await contest_store.assign_judge(svc.db, contest_id=contest.id, user_id=judge_id)
    return redirect(request, "contest_judges", contest_id=contest.id)


routes = [
    Route("/manage", manage, name="manage"),
    Route("/manage/contests/new", new_contest, methods=["GET", "POST"], name="new_contest"),
    Route(
        "/manage/contests/{contest_id:int}/edit",
        edit_contest,
        methods=["GET", "POST"],
        name="edit_contest",
    ),
    Route("/manage/contests/{contest_id:int}/judges", contest_judges, name="contest_judges"),
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
