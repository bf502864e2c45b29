"""Judges' pages: their contests, a blind queue, one entry at a time with the rubric."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.core.errors import ValidationError
from contest.core.forms import FormValues
from contest.judging import panel
from contest.judging.rounds import store as rounds_store
from contest.web.context import now, read_form, redirect, require_user, services
from contest.web.members.rounds import open_rounds
from contest.web.notices import with_notice
from contest.web.rendering import render


async def judge_home(request: Request) -> Response:
    """The contests the judge sits on, with progress in each."""
    judge = await require_user(request, "judge")
    db = services(request).db
    contests = await panel.contests_judged_by(db, judge.id)
    in_rounds = await rounds_store.judged_in_rounds(db, (contest.id for contest in contests))
    panels = [  # a contest judged in rounds is judged on the rounds' pages only
        (contest, await panel.progress(db, contest, judge))
        for contest in contests
        if contest.id not in in_rounds
    ]
    rounds = await open_rounds(request, judge)
    return await render(request, "judging/home.html", {"panels": panels, "rounds": rounds})


async def judge_queue(request: Request) -> Response:
    """The judge's entries in one contest: progress, and where to carry on."""
    judge = await require_user(request, "judge")
    db = services(request).db
    contest = await panel.panel_contest(db, request.path_params["contest_id"], judge)
    rows = await panel.queue(db, contest, judge)
    state = panel.Progress(scored=sum(1 for r in rows if r["scored_by_me"]), total=len(rows))
    next_entry = next((r for r in rows if not r["scored_by_me"]), None)
    context = {"contest": contest, "entries": rows, "progress": state, "next_entry": next_entry}
    return await render(request, "judging/queue.html", context)


async def _score_page(
    request: Request,
    *,
    form: FormValues | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    judge = await require_user(request, "judge")
    db = services(request).db
    contest = await panel.panel_contest(db, request.path_params["contest_id"], judge)
    entry = await panel.entry_for_judge(db, contest, judge, request.path_params["entry_id"])
    criteria = await panel.criteria_of(db, contest.id)
    if form is None:
        scores, note = await panel.review_of(db, entry["id"], judge.id)
        values: dict[str, str | list[str]] = {f"score_{c}": f"{v:g}" for c, v in scores.items()}
        form = FormValues.of(values | {"note": note})
    context = {
        "contest": contest,
        "entry": entry,
        "criteria": criteria,
        "form": form,
        "errors": errors or {},
        "progress": await panel.progress(db, contest, judge),
        "scale": range(contest.settings.scale_min, contest.settings.scale_max + 1),
        "open": contest.schedule.judging_is_open(now(request)),
    }
    return await render(request, "judging/score.html", context, status_code=status_code)


async def score_entry(request: Request) -> Response:
    """One entry, blind, with the rubric; saving moves on to the next unscored entry."""
    if request.method == "GET":
        return await _score_page(request)
    judge = await require_user(request, "judge")
    db = services(request).db
    contest = await panel.panel_contest(db, request.path_params["contest_id"], judge)
    entry_id = request.path_params["entry_id"]
    form = await read_form(request)
    criteria = await panel.criteria_of(db, contest.id)
    scores, note, errors = panel.parse_scores(form, criteria, contest)
    if errors:
        return await _score_page(request, form=form, errors=errors, status_code=400)
    await panel.save_review(
        db,
        contest=contest,
        judge=judge,
        entry_id=entry_id,
        scores=scores,
        note=note,
        now=now(request),
    )
    rows = await panel.queue(db, contest, judge)
    following = next((r for r in rows if not r["scored_by_me"]), None)
    if following is None:
        done = redirect(request, "judge_queue", contest_id=contest.id)
    else:
        done = redirect(request, "score_entry", contest_id=contest.id, entry_id=following["id"])
    return with_notice(request, done, "scores_saved")


async def declare_conflict(request: Request) -> Response:
    """Take an entry out of the judge's queue, recording the conflict for organizers."""
    judge = await require_user(request, "judge")
    db = services(request).db
    contest = await panel.panel_contest(db, request.path_params["contest_id"], judge)
    form = await read_form(request)
    try:
        await panel.declare_conflict(
            db,
            contest=contest,
            judge=judge,
            entry_id=request.path_params["entry_id"],
            reason=form.get("reason"),
            now=now(request),
        )
    except ValidationError as error:
        return await _score_page(request, errors=error.errors, status_code=400)
    done = redirect(request, "judge_queue", contest_id=contest.id)
    return with_notice(request, done, "conflict_declared")


routes = [
    Route("/judging", judge_home, name="judge_home"),
    Route("/judging/{contest_id:int}", judge_queue, name="judge_queue"),
    Route(
        "/judging/{contest_id:int}/entries/{entry_id:int}",
        score_entry,
        methods=["GET", "POST"],
        name="score_entry",
    ),
    Route(
        "/judging/{contest_id:int}/entries/{entry_id:int}/conflict",
        declare_conflict,
        methods=["POST"],
        name="declare_conflict",
    ),
]
