"""The like button's endpoint: a plain form post that returns to the same place, or JSON."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from contest import contests, entries, likes
from contest.errors import NotSignedIn
from contest.web.context import (
    browser_id,
    client_address,
    current_user,
    now,
    read_form,
    redirect,
    safe_next,
    services,
)
from contest.web.email_votes import email_voter
from contest.web.errors import wants_json


async def toggle_like(request: Request) -> Response:
    """Like or unlike an entry; scripts get the new state as JSON, forms go back where they were."""
    form = await read_form(request)
    db = services(request).db
    entry = await entries.get_entry(db, request.path_params["entry_id"])
    contest = await contests.get_contest(db, entry["contest_id"])
    try:
        voter = likes.voter_for(
            contest,
            await current_user(request),
            browser_id=browser_id(request),
            address=client_address(request),
            email_voter=email_voter(request, contest),
        )
    except NotSignedIn:
        if contest.settings.voting_mode == "email" and not wants_json(request):
            return redirect(request, "vote_by_email", slug=contest.slug)
        raise
    change = likes.unlike if form.get("action") == "unlike" else likes.like
    state = await change(db, contest=contest, entry_id=entry["id"], voter=voter, now=now(request))
    # The liker should see their own like at once; other visitors may wait out the cache.
    services(request).gallery_cache.forget(
        lambda key: isinstance(key, tuple) and key[:2] == ("gallery", contest.id)
    )
    if wants_json(request):
        shown = (
            None
            if contest.settings.hide_counts and not contest.schedule.results_are_out(now(request))
            else state.count
        )
        return JSONResponse({"liked": state.liked, "count": shown})
    back = safe_next(form.get("next")) or str(request.url_for("entry_page", entry_id=entry["id"]))
    return RedirectResponse(f"{back}#entry-{entry['id']}", status_code=303)


routes = [Route("/entries/{entry_id:int}/like", toggle_like, methods=["POST"], name="like")]
