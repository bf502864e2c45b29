"""Jurors' pages for judging in rounds: one photo at a time, decided with a key, and a ranking
juror's order of photos.

A juror sees only their own round and tasks (``juror.juror_round``, ``juror.task``), blind.
Every decision is a plain form post that redirects to the next photo, so the pages work
without JavaScript; ``static/js/judging.js`` only presses the same buttons from the keyboard.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.errors import Conflict, ContestError, NotFound, ValidationError
from contest.core.forms import FormValues, whole_number
from contest.i18n import N_, Message
from contest.judging import panel
from contest.judging.rounds import conflicts, juror
from contest.judging.rounds.model import FLAGS, Progress, Round
from contest.web.context import now, read_form, redirect, require_user, services
from contest.web.notices import with_notice
from contest.web.rendering import render

#: A ranking juror's place for a photo is posted as ``place_<task id>``.
PLACE = "place_"
#: A rubric round's score for a criterion is posted as ``score_<criterion id>`` (the names
#: ``panel.parse_scores`` reads, as on the single-stage score page).
SCORE = "score_"


@dataclass(frozen=True)
class Choice:
    """A decision button: the value it posts, the keys that press it (``judging.js``), and
    its label (a rating's buttons are its stars, written by the page)."""

    value: str
    keys: str
    label: Message | None = None

    @property
    def stars(self) -> int:
        """A rating button's stars."""
        return int(self.value)


YES_NO = (Choice("1", "y 1", N_("Keep (Y)")), Choice("0", "n 0", N_("Drop (N)")))
RATING = tuple(Choice(str(n), str(n)) for n in range(1, 6))


@dataclass(frozen=True)
class JurorRound:
    """An open round on the judges' home page, with the juror's progress in it."""

    contest: Contest
    round: Round
    progress: Progress

    @property
    def kind(self) -> Message:
        """What kind of round it is, in words (a rating round's by its scale)."""
        return self.round.kind_words


async def open_rounds(request: Request, judge: User) -> list[JurorRound]:
    """The judge's open rounds with their progress (for ``judging.judge_home``)."""
    svc = services(request)
    return [
        JurorRound(await svc.contest(round_.contest_id), round_, progress)
        for round_, progress in await juror.rounds_of(svc.db, judge)
    ]


async def _juror_and_round(request: Request) -> tuple[User, Round]:
    """The signed-in judge and the round of the path, which must be theirs."""
    judge = await require_user(request, "judge")
    round_ = await juror.juror_round(services(request).db, request.path_params["round_id"], judge)
    return judge, round_


async def _page(
    request: Request, template: str, judge: User, round_: Round, context: dict[str, Any], **kw: Any
) -> Response:
    """A round's page with what each of them shows: the contest, the round, its directions,
    the juror's progress and whether decisions count now."""
    svc = services(request)
    base = {
        "contest": await svc.contest(round_.contest_id),
        "round": round_,
        "progress": await juror.progress(svc.db, round_.id, judge.id),
        "can_decide": round_.accepts_decisions(now(request)),
        "problem": None,
    }
    return await render(request, template, base | context, **kw)


async def round_home(request: Request) -> Response:
    """Where the juror carries on: their next undecided photo (a ranking round: the order
    page), or the "you are done" page."""
    judge, round_ = await _juror_and_round(request)
    if round_.kind == "ranking":
        return redirect(request, "round_order", round_id=round_.id)
    upcoming = await juror.next_task(services(request).db, round_, judge)
    if upcoming is not None:
        return redirect(request, "round_task", round_id=round_.id, task_id=upcoming.id)
    return await _page(request, "judging/round_done.html", judge, round_, {})


async def _task_page(
    request: Request,
    judge: User,
    round_: Round,
    task_id: int,
    *,
    problem: str | None = None,
    errors: dict[str, str] | None = None,
    form: FormValues | None = None,
    status_code: int = 200,
) -> Response:
    db = services(request).db
    task = await juror.task(db, round_, judge, task_id)
    stored: dict[str, str] = {
        "flag": task.row["flag"] or "",
        "flag_note": task.row["flag_note"] or "",
        "reason": "",
    }
    criteria = await panel.criteria_of(db, round_.contest_id) if round_.by_rubric else []
    if criteria:  # every criterion's field, with the juror's score if they gave one
        scores = {f"{SCORE}{c}": f"{v:g}" for c, v in (await juror.task_scores(db, task)).items()}
        stored |= {f"{SCORE}{row['id']}": scores.get(f"{SCORE}{row['id']}", "") for row in criteria}
    if form is not None:  # what was typed in the form posted; the rest as stored
        stored |= {name: form.get(name) for name in stored if form.submitted(name)}
    errors = errors or {}
    context = {
        "task": task,
        "entry": task.row,
        "choices": YES_NO if round_.kind == "yes_no" else RATING,
        "criteria": criteria,
        "flags": FLAGS,
        "problem": problem,
        "errors": errors,
        "score_errors": {name: text for name, text in errors.items() if name.startswith(SCORE)},
        "form": FormValues.of(stored),
    }
    template = "judging/round_task.html"
    return await _page(request, template, judge, round_, context, status_code=status_code)


async def round_task(request: Request) -> Response:
    """One photo, large, with the decision buttons, favourite, flag, undo and the way on."""
    judge, round_ = await _juror_and_round(request)
    if round_.kind == "ranking":
        return redirect(request, "round_order", round_id=round_.id)
    return await _task_page(request, judge, round_, request.path_params["task_id"])


async def _after_decision(request: Request, judge: User, round_: Round) -> Response:
    upcoming = await juror.next_task(services(request).db, round_, judge)
    if upcoming is None:
        return redirect(request, "round_home", round_id=round_.id)
    return redirect(request, "round_task", round_id=round_.id, task_id=upcoming.id)


def _problem(error: ContestError) -> str:
    """What to tell the juror of a refused change, in their language (a ValidationError's own
    message is its fields' English joined, for logs)."""
    if isinstance(error, ValidationError):
        return next(iter(error.errors.values()), error.title)
    return error.message


async def _refused(
    request: Request,
    judge: User,
    round_: Round,
    task_id: int,
    error: ContestError,
    form: FormValues,
) -> Response:
    """The photo again after a refused mark or conflict: the form's fields explained, with
    what was typed, or what the round's state forbids."""
    if isinstance(error, ValidationError):
        return await _task_page(
            request, judge, round_, task_id, errors=error.errors, form=form, status_code=400
        )
    return await _task_page(
        request, judge, round_, task_id, problem=_problem(error), status_code=error.status_code
    )


def _decision(form: FormValues) -> float:
    try:
        return float(form.get("value"))
    except ValueError:
        raise ValidationError({"value": N_("That is not a decision this round takes.")}) from None


async def decide(request: Request) -> Response:
    """Record the decision on one photo and go to the next undecided one."""
    judge, round_ = await _juror_and_round(request)
    task_id = request.path_params["task_id"]
    form = await read_form(request)
    try:
        await juror.decide(
            services(request).db, round_, judge, task_id, _decision(form), now(request)
        )
    except (Conflict, ValidationError) as error:
        return await _task_page(
            request, judge, round_, task_id, problem=_problem(error), status_code=error.status_code
        )
    return await _after_decision(request, judge, round_)


async def score(request: Request) -> Response:
    """A rubric round: save the juror's score for each criterion of one photo (read as the
    single-stage score page reads them) and go to the next undecided one; a score missing or
    off the scale shows the photo again with what was typed."""
    judge, round_ = await _juror_and_round(request)
    task_id = request.path_params["task_id"]
    form = await read_form(request)
    svc = services(request)
    contest = await svc.contest(round_.contest_id)
    scores, _, errors = panel.parse_scores(
        form, await panel.criteria_of(svc.db, contest.id), contest
    )
    if errors and round_.by_rubric:
        return await _task_page(
            request, judge, round_, task_id, errors=errors, form=form, status_code=400
        )
    try:
        await juror.score(svc.db, round_, judge, task_id, scores, now(request))
    except (Conflict, ValidationError) as error:
        return await _task_page(
            request,
            judge,
            round_,
            task_id,
            problem=_problem(error),
            form=form,
            status_code=error.status_code,
        )
    return await _after_decision(request, judge, round_)


async def undo(request: Request) -> Response:
    """Take back the juror's last decision and show that photo again."""
    judge, round_ = await _juror_and_round(request)
    form = await read_form(request)
    back = whole_number(form.get("task"))
    try:
        undone = await juror.undo(services(request).db, round_, judge, now(request))
    except Conflict as error:
        if back is None:
            raise
        return await _task_page(
            request, judge, round_, back, problem=_problem(error), status_code=409
        )
    if undone is not None:
        shown = redirect(request, "round_task", round_id=round_.id, task_id=undone)
        return with_notice(request, shown, "round_undone")
    if back is not None:
        shown = redirect(request, "round_task", round_id=round_.id, task_id=back)
    else:
        shown = redirect(request, "round_home", round_id=round_.id)
    return with_notice(request, shown, "round_nothing_to_undo")


async def mark(request: Request) -> Response:
    """Set the favourite mark and the flag of one photo, and show it again."""
    judge, round_ = await _juror_and_round(request)
    task_id = request.path_params["task_id"]
    form = await read_form(request)
    try:
        await juror.mark(
            services(request).db,
            round_,
            judge,
            task_id,
            favourite=form.get("favourite") == "1",
            flag=form.get("flag") or None,
            note=form.get("flag_note"),
            now=now(request),
        )
    except (Conflict, ValidationError) as error:
        return await _refused(request, judge, round_, task_id, error, form)
    shown = redirect(request, "round_task", round_id=round_.id, task_id=task_id)
    return with_notice(request, shown, "round_marked")


async def conflict(request: Request) -> Response:
    """Declare a conflict on one photo: recorded with its reason, the photo given to another
    juror, and on to the juror's next photo."""
    judge, round_ = await _juror_and_round(request)
    task_id = request.path_params["task_id"]
    form = await read_form(request)
    try:
        taker = await conflicts.declare_conflict(
            services(request).db, round_, judge, task_id, form.get("reason"), now(request)
        )
    except NotFound:  # declared already (a second press): on to the next photo
        return redirect(request, "round_home", round_id=round_.id)
    except (Conflict, ValidationError) as error:
        return await _refused(request, judge, round_, task_id, error, form)
    shown = redirect(request, "round_home", round_id=round_.id)
    return with_notice(request, shown, "round_conflict_moved" if taker else "round_conflict_kept")


def _ranked_first(tasks: list[Any]) -> list[Any]:
    """The juror's photos in their current order: by place, the unplaced last in queue order."""
    return sorted(tasks, key=lambda row: (row["value"] is None, row["value"] or 0))


def _order_from_places(form: FormValues, task_ids: list[int]) -> list[int]:
    """The task ids sorted by the places typed; ValidationError naming each bad place."""
    errors: dict[str, str] = {}
    places: dict[int, int] = {}
    for task_id in task_ids:
        typed = whole_number(form.get(f"{PLACE}{task_id}"))
        if typed is not None and 1 <= typed <= len(task_ids):
            places[task_id] = typed
        else:
            errors[f"{PLACE}{task_id}"] = N_(
                "Give this photo a place from 1 to %(count)d.", count=len(task_ids)
            )
    given = Counter(places.values())
    for task_id, place in places.items():
        if given[place] > 1:
            errors[f"{PLACE}{task_id}"] = N_(
                "Place %(place)d is given to more than one photo.", place=place
            )
    if errors:
        raise ValidationError(errors)
    return sorted(task_ids, key=places.__getitem__)


async def round_order(request: Request) -> Response:
    """A ranking juror's photos with their places: typed (or moved with keys) and saved."""
    judge, round_ = await _juror_and_round(request)
    # A post's token is checked before anything about the round is said.
    form = await read_form(request) if request.method == "POST" else None
    if round_.kind != "ranking":
        if form is None:
            return redirect(request, "round_home", round_id=round_.id)
        raise Conflict(N_("Only a ranking round takes an order of photos."))
    db = services(request).db
    tasks = _ranked_first(await juror.all_tasks(db, round_, judge))
    errors: dict[str, str] = {}
    problem, status = None, 200
    if form is not None:
        try:
            order = _order_from_places(form, [int(row["task_id"]) for row in tasks])
            await juror.rank(db, round_, judge, order, now(request))
        except ValidationError as error:
            errors, status = error.errors, 400
        except Conflict as error:
            problem, status = _problem(error), 409
        else:
            shown = redirect(request, "round_order", round_id=round_.id)
            return with_notice(request, shown, "round_order_saved")
    if form is None:
        form = FormValues.of(
            {f"{PLACE}{row['task_id']}": str(n) for n, row in enumerate(tasks, start=1)}
        )
    context = {"tasks": tasks, "form": form, "errors": errors, "problem": problem}
    return await _page(
        request, "judging/round_order.html", judge, round_, context, status_code=status
    )


routes = [
    Route("/judging/rounds/{round_id:int}", round_home, name="round_home"),
    Route("/judging/rounds/{round_id:int}/undo", undo, methods=["POST"], name="round_undo"),
    Route(
        "/judging/rounds/{round_id:int}/order",
        round_order,
        methods=["GET", "POST"],
        name="round_order",
    ),
    Route("/judging/rounds/{round_id:int}/tasks/{task_id:int}", round_task, name="round_task"),
    Route(
        "/judging/rounds/{round_id:int}/tasks/{task_id:int}/decide",
        decide,
        methods=["POST"],
        name="round_decide",
    ),
    Route(
        "/judging/rounds/{round_id:int}/tasks/{task_id:int}/score",
        score,
        methods=["POST"],
        name="round_score",
    ),
    Route(
        "/judging/rounds/{round_id:int}/tasks/{task_id:int}/conflict",
        conflict,
        methods=["POST"],
        name="round_conflict",
    ),
    Route(
        "/judging/rounds/{round_id:int}/tasks/{task_id:int}/mark",
        mark,
        methods=["POST"],
        name="round_mark",
    ),
]
