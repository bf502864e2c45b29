"""Organizers' pages for judging in rounds: the contest's rounds and the form opening the
next, a round's progress, marks and standings, and a ranking round's pairwise table.

Closing, dropping a juror and the downloads have modules of their own (``round_closing``,
``round_exports``); their routes are listed here, the one list ``contest.app`` registers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from contest.contests import store as contest_store
from contest.contests.model import Contest
from contest.core.clock import local_input_value, parse_local_input
from contest.core.errors import Conflict, ValidationError
from contest.core.forms import FormValues, whole_number
from contest.i18n import N_
from contest.judging.rounds import closing, overview, setup
from contest.judging.rounds.model import FLAGS, KINDS, SCALES
from contest.web.context import now, organizer_contest, read_form, redirect, services
from contest.web.manage import round_closing, round_exports
from contest.web.manage.round_access import organizer_round
from contest.web.rendering import render

#: Standings shown per page: a first round may hold 20,000 photos.
STANDINGS_PAGE = 100
#: A new round's default length, from now.
DEFAULT_DAYS = 7


def _blank_form(contest: Contest, panel: list[int], moment_now: datetime) -> FormValues:
    """The form as it first appears: yes/no, quorum 3 (or fewer jurors), the whole panel,
    from now for a week in the contest's time zone."""
    tz = contest.settings.timezone
    return FormValues.of(
        {
            "kind": "yes_no",
            "scale": "stars",
            "quorum": str(min(3, max(len(panel), 1))),
            "jurors": [str(juror) for juror in panel],
            "opens_at": local_input_value(moment_now, tz),
            "closes_at": local_input_value(moment_now + timedelta(days=DEFAULT_DAYS), tz),
        }
    )


def parse_plan(form: FormValues, contest: Contest) -> setup.RoundPlan:
    """The round the form asks for; ValidationError naming each field it cannot read (the
    domain's ``check_plan`` then judges the values themselves)."""
    errors: dict[str, str] = {}
    quorum = whole_number(form.get("quorum"))
    if quorum is None and form.get("kind") != "ranking":
        errors["quorum"] = N_("Type how many jurors see each photo, such as 3.")
    jurors = [whole_number(value) for value in form.getlist("jurors")]
    moments = {}
    for name in ("opens_at", "closes_at"):
        try:
            moments[name] = parse_local_input(form.get(name), contest.settings.timezone)
        except ValueError:
            errors[name] = N_("Use a date and time such as 2026-05-15 18:00.")
    if errors:
        raise ValidationError(errors)
    return setup.RoundPlan(
        kind=form.get("kind"),
        quorum=quorum if quorum is not None else 0,
        jurors=tuple(juror for juror in jurors if juror is not None),
        opens_at=moments["opens_at"],
        closes_at=moments["closes_at"],
        directions=form.get("directions").strip(),
        show_description=form.has("show_description"),
        scale=form.get("scale") or "stars",
    )


async def rounds_page(request: Request) -> Response:
    """The contest's rounds in order and, when none is open, the form opening the next;
    a POST opens it (errors shown with every value kept)."""
    user, contest = await organizer_contest(request)
    db = services(request).db
    panel = await contest_store.judges_of(db, contest.id)
    errors: dict[str, str] = {}
    conflict: str | None = None
    form = _blank_form(contest, [int(judge["id"]) for judge in panel], now(request))
    if request.method == "POST":
        form = await read_form(request)
        try:
            plan = parse_plan(form, contest)
            opened = await setup.open_round(
                db, contest=contest, plan=plan, actor=user, now=now(request)
            )
        except ValidationError as error:
            errors = error.errors
        except Conflict as error:
            conflict = str(error.message)
        else:
            return redirect(request, "manage_round", round_id=opened.round.id, query={"opened": 1})
    rounds = await overview.contest_rounds(db, contest.id)
    context = {
        "contest": contest,
        "rounds": rounds,
        "open_round": next((each.round for each in rounds if each.round.is_open), None),
        # The last round closed without advancing anything: judging is over, no form.
        "finished": bool(rounds) and not rounds[-1].round.is_open and not rounds[-1].advanced,
        "panel": panel,
        "kinds": KINDS,
        "scales": SCALES,
        "form": form,
        "errors": errors,
        "conflict": conflict,
    }
    status = 400 if errors else 409 if conflict else 200
    return await render(request, "manage/rounds.html", context, status_code=status)


async def round_page(request: Request) -> Response:
    """One round: progress overall and per juror, flags and favourites, a page of the
    standings, a ranking round's final order, the forms that drop a juror or close it."""
    _, round_, contest = await organizer_round(request)
    db = services(request).db
    # A ranking round's standings are its final order (the average place would mislead).
    standings = [] if round_.kind == "ranking" else await closing.standings(db, round_)
    pages = max(1, -(-len(standings) // STANDINGS_PAGE))
    page = min(max(whole_number(request.query_params.get("page", "1")) or 1, 1), pages)
    shown = standings[(page - 1) * STANDINGS_PAGE : page * STANDINGS_PAGE]
    order = await closing.final_order(db, round_) if round_.kind == "ranking" else None
    named = await overview.photos(
        db, [each.entry_id for each in shown] + list(order.candidates if order else ())
    )
    jurors = await overview.jurors(db, round_)
    working = {each.juror_id for each in jurors if each.active}
    context = {
        "contest": contest,
        "round": round_,
        "progress": await overview.round_progress(db, round_),
        "jurors": jurors,
        # Judges of the panel who could join the round (a ranking round takes nobody late).
        "joinable": [
            judge
            for judge in await contest_store.judges_of(db, contest.id)
            if int(judge["id"]) not in working
            and judge["role"] == "judge"
            and judge["disabled_at"] is None
        ]
        if round_.is_open and round_.kind != "ranking"
        else [],
        # Still open after the date it was planned to close by.
        "overdue": round_.is_open and now(request) > round_.closes_at,
        "marks": await overview.marks(db, round_),
        "standings": shown,
        "photo_count": len(standings),
        "page": page,
        "pages": pages,
        "order": order,
        "named": named,
        "short": await overview.short_of_jurors(db, round_) if round_.is_open else {},
        "notice": _notice(request),
        "flags": FLAGS,
    }
    return await render(request, "manage/round.html", context)


def _notice(request: Request) -> dict[str, int]:
    """What the redirect that led here says was just done (numbers only, never text)."""
    found = {}
    for name in ("opened", "advanced", "moved", "joined"):
        value = whole_number(request.query_params.get(name, ""))
        if value is not None:
            found[name] = value
    return found


async def pairwise_page(request: Request) -> Response:
    """A ranking round's full pairwise table, d[a, b] for every pair, for audit."""
    _, round_, contest = await organizer_round(request)
    db = services(request).db
    if round_.kind != "ranking":
        raise Conflict(N_("Only a ranking round has a pairwise table."))
    order = await closing.final_order(db, round_)
    context = {
        "contest": contest,
        "round": round_,
        "order": order,
        "named": await overview.photos(db, order.candidates),
        "ranked": [entry for tier in order.ranking for entry in tier],
    }
    return await render(request, "manage/round_pairwise.html", context)


routes: list[BaseRoute] = [
    Route(
        "/manage/contests/{contest_id:int}/rounds",
        rounds_page,
        methods=["GET", "POST"],
        name="manage_rounds",
    ),
    Route("/manage/rounds/{round_id:int}", round_page, name="manage_round"),
    Route("/manage/rounds/{round_id:int}/pairwise", pairwise_page, name="manage_round_pairwise"),
    *round_closing.routes,
    *round_exports.routes,
]
