"""The like button's endpoint: a plain form post that returns to the same place, or JSON.

A script's like usually never reaches this route: ``LikeFastPath`` (like_fast_path.py)
answers the plain case before the middleware stack through the same use case,
``voting.clicks.click_like``, and leaves everything else (refusals included) to this route.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from contest.contests.model import Contest
from contest.core.errors import NotSignedIn
from contest.voting.clicks import LikeAnswer, click_like
from contest.voting.likes import SessionChanged
from contest.web.context import forget_user, now, read_form, redirect, safe_next, services
from contest.web.errors import wants_json
from contest.web.public.voters import request_caller


def like_json(answer: LikeAnswer) -> JSONResponse:
    """A script's answer after a click."""
    return JSONResponse({"liked": answer.liked, "count": answer.count})


async def _click(request: Request, contest: Contest, action: str) -> LikeAnswer:
    """Store the click, the voter recognised from the session cache.

    The write checks the session again; should it have ended or changed since it was cached,
    the voter is looked up afresh, once.
    """
    svc = services(request)

    async def attempt() -> LikeAnswer:
        return await click_like(
            svc.db,
            contest,
            writer=svc.like_writer,
            entry_id=request.path_params["entry_id"],
            action=action,
            caller=await request_caller(request, contest, cached=True),
            secret=svc.config.secret_key or "",
            now=now(request),
        )

    try:
        return await attempt()
    except SessionChanged:
        forget_user(request)
    try:
        return await attempt()
    except SessionChanged as error:  # changed again at once: treat as signed out
        raise NotSignedIn() from error


def _to_sign_in(request: Request, entry_id: int) -> Response:
    """Send a visitor who must sign in to like on to do so, coming back to the photo with the
    like to confirm (``?like=1``: the entry page offers one button; a GET never likes)."""
    photo = request.url_for("entry_page", entry_id=entry_id).path
    target = request.url_for("sign_in").include_query_params(next=f"{photo}?like=1")
    return RedirectResponse(str(target), status_code=303)


async def toggle_like(request: Request) -> Response:
    """Like or unlike an entry; scripts get the new state as JSON, forms go back where they were."""
    form = await read_form(request)
    entry_id: int = request.path_params["entry_id"]
    contest = await services(request).contest_of_entry(entry_id)
    try:
        answer = await _click(request, contest, form.get("action"))
    except NotSignedIn:
        if wants_json(request):
            raise
        if contest.settings.like_via == "email":
            return redirect(request, "vote_by_email", slug=contest.slug, query={"entry": entry_id})
        return _to_sign_in(request, entry_id)
    if wants_json(request):
        return like_json(answer)
    back = safe_next(form.get("next")) or str(request.url_for("entry_page", entry_id=entry_id))
    return RedirectResponse(f"{back}#entry-{entry_id}", status_code=303)


routes = [Route("/entries/{entry_id:int}/like", toggle_like, methods=["POST"], name="like")]
