"""Organizers' judging progress and results pages, exports, and the public winners page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.contests import store as contest_store
from contest.contests.model import TIE_BREAKS
from contest.core.errors import NotFound, ValidationError
from contest.core.forms import whole_number
from contest.gallery import views
from contest.i18n import N_, current_locale, known, using_locale
from contest.judging import panel, publishing, result_exports, results
from contest.judging import winners as public_results
from contest.judging.rounds.outcome import outcome
from contest.media import winners_card
from contest.web.context import (
    absolute,
    current_user,
    now,
    organizer_contest,
    read_form,
    redirect,
    require_user,
    services,
)
from contest.web.downloads import MEDIA_TYPES, rows_download
from contest.web.notices import with_notice
from contest.web.rendering import render

#: The winners card's address changes with what is drawn on it, so it may be kept a day.
CARD_CACHE = "public, max-age=86400"


async def judging_progress(request: Request) -> Response:
    """Progress per judge and per entry, with a reminder button."""
    _, contest = await organizer_contest(request)
    db = services(request).db
    context = {
        "contest": contest,
        "panel": await panel.panel_progress(db, contest),
        "coverage": await panel.entry_coverage(db, contest),
        "reminded": request.query_params.get("reminded"),
    }
    return await render(request, "manage/judging.html", context)


async def remind(request: Request) -> Response:
    """Mail the judges who still have entries to score."""
    _, contest = await organizer_contest(request)
    await read_form(request)
    sent = await panel.remind_judges(
        services(request).db,
        contest=contest,
        link=absolute(request, "judge_queue", contest_id=contest.id),
        now=now(request),
    )
    return redirect(
        request, "judging_progress", contest_id=contest.id, query={"reminded": len(sent)}
    )


async def results_page(
    request: Request,
    *,
    errors: dict[str, str] | None = None,
    confirming: bool = False,
    status_code: int | None = None,
) -> Response:
    """The ranking with every judge's scores, proposed awards, overrides and publishing;
    ``confirming`` asks the organizer to confirm publishing, with the ranking's gaps."""
    _, contest = await organizer_contest(request)
    db = services(request).db
    computed = await results.compute(db, contest)
    context = {
        "contest": contest,
        "results": computed,
        "audit": await panel.audit_log(db, contest.id),
        "tie_rule": TIE_BREAKS[contest.settings.tie_break],
        "errors": errors or {},
        "gaps": publishing.publish_gaps(computed),
        "publish_blocker": publishing.publish_blocker(
            contest, published=computed.published_at, now=now(request), rounds=computed.rounds
        ),
        "confirming": confirming,
    }
    status = status_code or (400 if errors else 200)
    return await render(request, "manage/results.html", context, status_code=status)


async def decide_award(request: Request) -> Response:
    """Confirm or override one award, with a citation."""
    _, contest = await organizer_contest(request)
    form = await read_form(request)
    chosen = form.get("entry_id")
    try:
        await results.decide_award(
            services(request).db,
            contest=contest,
            award_key=form.get("award"),
            entry_id=whole_number(chosen),
            reason=form.get("reason"),
            citation=form.get("citation"),
            actor=await require_user(request, "organizer"),
            now=now(request),
        )
    except ValidationError as error:
        return await results_page(request, errors=error.errors)
    return with_notice(request, redirect(request, "results", contest_id=contest.id), "award_saved")


async def publish(request: Request) -> Response:
    """Publish the results once the organizer has confirmed, having seen the ranking's gaps;
    the winners page opens at the announcement time."""
    _, contest = await organizer_contest(request)
    form = await read_form(request)
    db = services(request).db
    blocker = publishing.publish_blocker(
        contest,
        published=await results.published_at(db, contest.id),
        now=now(request),
        rounds=await outcome(db, contest.id),
    )
    if blocker is not None:
        return await results_page(request, errors={"publish": blocker}, status_code=409)
    if form.get("confirm") != "yes":
        return await results_page(request, confirming=True)
    await results.publish(
        db, contest=contest, actor=await require_user(request, "organizer"), now=now(request)
    )
    return with_notice(request, redirect(request, "results", contest_id=contest.id), "published")


async def export(request: Request) -> Response:
    """Results as CSV or JSON (with emails: for the organizers' own records)."""
    _, contest = await organizer_contest(request)
    computed = await results.compute(services(request).db, contest)
    rows = result_exports.export_rows(
        computed, with_emails=request.query_params.get("emails") == "1"
    )
    fmt = request.path_params["fmt"]
    if fmt not in MEDIA_TYPES:
        raise NotFound(N_("Results can be downloaded as .csv or .json."))
    return rows_download(rows, fmt, f"{contest.slug}-results")


async def export_audit(request: Request) -> Response:
    """The audit log of overrides, conflicts and publishing, as CSV."""
    _, contest = await organizer_contest(request)
    rows = [
        {"at": row["at"], "who": row["actor"], "action": row["action"], "details": row["details"]}
        for row in await panel.audit_log(services(request).db, contest.id)
    ]
    return rows_download(rows, "csv", f"{contest.slug}-audit")


async def winners(request: Request) -> Response:
    """The public winners page, once results are published and announced."""
    user = await current_user(request)
    db = services(request).db
    contest = await contest_store.get_contest_by_slug(
        db, request.path_params["slug"], include_unpublished=bool(user and user.is_organizer)
    )
    announced = await public_results.public_winners(db, contest, now=now(request))
    page_url = absolute(request, "winners", slug=contest.slug)
    text = str(
        N_("Winners: %(title)s #%(hashtag)s", title=contest.title, hashtag=contest.settings.hashtag)
    )
    context = {
        "contest": contest,
        "winners": announced,
        "page_url": page_url,
        "share_text": text,
        "share_links": {
            label: views.share_target(key, url=page_url, text=text)
            for key, (label, _) in views.NETWORKS.items()
        },
        "card_url": absolute(request, "winners_card", slug=contest.slug)
        + f"?v={winners_card.card_version(contest.title, announced)}"
        + f"&lang={current_locale.get()}"
        if announced
        else None,
    }
    return await render(request, "public/winners.html", context)


async def winners_preview(request: Request) -> Response:
    """The winners page's 1200x630 link preview: the winners' collage, drawn once per version,
    in the language its address names (the page's reader's; else the contest's main one), so a
    shared cache never holds one language's card under another's address."""
    svc = services(request)
    user = await current_user(request)
    contest = await contest_store.get_contest_by_slug(
        svc.db, request.path_params["slug"], include_unpublished=bool(user and user.is_organizer)
    )
    drawn_in = known(request.query_params.get("lang")) or contest.settings.texts.main_locale
    with using_locale(drawn_in):
        announced = await public_results.public_winners(svc.db, contest, now=now(request))
        if not announced:
            raise NotFound(N_("The winners are not announced yet."))
        card = await winners_card.winners_card(
            svc.storage,
            svc.media_cache,
            announced,
            contest_id=contest.id,
            contest_title=contest.title,
            limiter=svc.image_limiter,
        )
    return Response(card, media_type="image/jpeg", headers={"Cache-Control": CARD_CACHE})


routes = [
    Route("/manage/contests/{contest_id:int}/judging", judging_progress, name="judging_progress"),
    Route(
        "/manage/contests/{contest_id:int}/judging/remind",
        remind,
        methods=["POST"],
        name="remind_judges",
    ),
    Route("/manage/contests/{contest_id:int}/results", results_page, name="results"),
    Route(
        "/manage/contests/{contest_id:int}/results/award",
        decide_award,
        methods=["POST"],
        name="decide_award",
    ),
    Route(
        "/manage/contests/{contest_id:int}/results/publish",
        publish,
        methods=["POST"],
        name="publish_results",
    ),
    Route("/manage/contests/{contest_id:int}/results.{fmt:str}", export, name="export_results"),
    Route("/manage/contests/{contest_id:int}/audit.csv", export_audit, name="export_audit"),
    Route("/contests/{slug}/winners", winners, name="winners"),
    Route("/contests/{slug}/winners.jpg", winners_preview, name="winners_card"),
]
