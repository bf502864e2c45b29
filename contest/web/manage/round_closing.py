"""Changing a running round, each shown before it is applied: a juror dropping out (where
their unfinished photos would go), a juror joining (whose photos they would take over) and the
close (what each way of advancing would send on)."""

from __future__ import annotations

import math

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.contests import store as contest_store
from contest.core.errors import NotFound, ValidationError
from contest.core.forms import FormValues, whole_number
from contest.i18n import N_
from contest.judging.rounds import closing, joining, overview, reassigning
from contest.judging.rounds.model import AdvanceRule
from contest.web.context import now, read_form, redirect, services
from contest.web.manage.round_access import organizer_round
from contest.web.rendering import render


def _juror(values: FormValues | dict[str, str]) -> int:
    juror = whole_number(values.get("juror", ""))
    if juror is None:
        raise NotFound(N_("That juror is not working in this round."))
    return juror


def _shown_juror(request: Request) -> int | None:
    """The juror a preview is asked for (None: back to the round, whose form chooses one)."""
    if not request.query_params.get("juror"):
        return None
    return _juror(dict(request.query_params))


def _back_to_round(request: Request, round_id: int, **done: int) -> Response:
    """To the round's page, saying how many photos the change just applied moved."""
    return redirect(request, "manage_round", round_id=round_id, query=done)


async def handover(request: Request) -> Response:
    """GET: where the juror's unfinished photos would go; POST: drop them and move them."""
    user, round_, contest = await organizer_round(request)
    db = services(request).db
    if request.method == "POST":
        dropped = _juror(await read_form(request))
        done = await reassigning.hand_over(db, round_, dropped, actor=user, now=now(request))
        return _back_to_round(request, round_.id, moved=len(done.moves))
    if (leaving := _shown_juror(request)) is None:
        return _back_to_round(request, round_.id)
    plan = await reassigning.plan_handover(db, round_, leaving)
    names = {each.juror_id: each.name for each in await overview.jurors(db, round_)}
    context = {
        "contest": contest,
        "round": round_,
        "plan": plan,
        "names": names,
        "stuck": await overview.photos(db, plan.stuck),
    }
    return await render(request, "manage/round_handover.html", context)


async def join(request: Request) -> Response:
    """GET: which undecided photos the juror would take over, from whom; POST: add them."""
    user, round_, contest = await organizer_round(request)
    db = services(request).db
    if request.method == "POST":
        added = _juror(await read_form(request))
        done = await joining.join(db, round_, added, actor=user, now=now(request))
        return _back_to_round(request, round_.id, joined=len(done.moves))
    if (newcomer := _shown_juror(request)) is None:
        return _back_to_round(request, round_.id)
    plan = await joining.plan_joining(db, round_, newcomer)
    panel = await contest_store.judges_of(db, contest.id)
    context = {
        "contest": contest,
        "round": round_,
        "plan": plan,
        "names": {int(judge["id"]): judge["display_name"] for judge in panel},
    }
    return await render(request, "manage/round_join.html", context)


def _top(text: str | None) -> int | None:
    value = whole_number(text or "")
    return value if value else None


async def close_page(
    request: Request, *, errors: dict[str, str] | None = None, status_code: int = 200
) -> Response:
    """What closing would do: for yes/no and rating rounds, the photos each threshold would
    advance and the organizer's top N with its tie at the cut; for a ranking round, a confirm."""
    _, round_, contest = await organizer_round(request)
    db = services(request).db
    top_n = _top(request.query_params.get("top"))
    shown = None if round_.kind == "ranking" else await closing.preview(db, round_, top_n=top_n)
    tied = await overview.photos(db, shown.top.tied) if shown and shown.top else {}
    context = {
        "contest": contest,
        "round": round_,
        "preview": shown,
        "top_n": top_n,
        "tied": tied,
        # A yes/no photo with fewer jurors than the quorum cannot reach the top thresholds.
        "short": await overview.short_of_jurors(db, round_) if round_.kind == "yes_no" else {},
        "errors": errors or {},
    }
    return await render(request, "manage/round_close.html", context, status_code=status_code)


def _rule(form: FormValues) -> AdvanceRule | None:
    """The way of advancing the organizer pressed (none: a ranking round's confirm)."""
    how = form.get("how")
    if how == "none":
        return None
    try:
        value = float(form.get("value"))
    except ValueError:
        raise ValidationError(
            {"rule": N_("Advance by a threshold or by the top photos.")}
        ) from None
    if not math.isfinite(value):
        raise ValidationError({"rule": N_("Advance by a threshold or by the top photos.")})
    if how == "top" and (value < 1 or value != int(value)):
        raise ValidationError({"top": N_("Type how many photos advance, such as 50.")})
    return AdvanceRule(how, value, with_ties=form.has("with_ties"))


async def close(request: Request) -> Response:
    """Close the round as chosen; back to the round with how many photos advanced."""
    user, round_, _ = await organizer_round(request)
    form = await read_form(request)
    try:
        chosen = await closing.close(
            services(request).db, round_, rule=_rule(form), actor=user, now=now(request)
        )
    except ValidationError as error:
        return await close_page(request, errors=error.errors, status_code=400)
    return redirect(request, "manage_round", round_id=round_.id, query={"advanced": len(chosen)})


async def close_round(request: Request) -> Response:
    """The close page (GET) and the close itself (POST)."""
    if request.method == "POST":
        return await close(request)
    return await close_page(request)


routes = [
    Route(
        "/manage/rounds/{round_id:int}/handover",
        handover,
        methods=["GET", "POST"],
        name="manage_round_handover",
    ),
    Route(
        "/manage/rounds/{round_id:int}/join",
        join,
        methods=["GET", "POST"],
        name="manage_round_join",
    ),
    Route(
        "/manage/rounds/{round_id:int}/close",
        close_round,
        methods=["GET", "POST"],
        name="manage_round_close",
    ),
]
