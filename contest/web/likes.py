"""The like button's endpoint: a plain form post that returns to the same place, or JSON."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from contest import entries, likes
from contest.clock import to_db
from contest.contests import Contest
from contest.db import Database
from contest.errors import NotSignedIn, RateLimited
from contest.web.context import (
    cached_contest,
    now,
    read_form,
    redirect,
    safe_next,
    services,
)
from contest.web.email_votes import author_key_finder, request_voter
from contest.web.errors import wants_json
from contest.web.gallery import counts_shown

#: Likes one network address may give per hour in open (device) voting: generous, because a
#: whole campus may share one address, but it stops one machine minting endless browsers.
DEVICE_LIKES_PER_ADDRESS_HOUR = 600


async def ensure_device_budget(
    db: Database, contest: Contest, voter: likes.Voter, now: datetime
) -> None:
    """Refuse a device-mode like once the voter's address has spent its hourly budget."""
    if not voter.key.startswith("device:"):
        return
    recent = await db.fetch_value(
        "SELECT count(*) FROM likes WHERE address = ? AND created_at > ?",
        (voter.address, to_db(now - timedelta(hours=1))),
    )
    if int(recent) >= DEVICE_LIKES_PER_ADDRESS_HOUR:
        raise RateLimited(
            3600, "Too many likes from your network in the last hour. Please try later."
        )


async def toggle_like(request: Request) -> Response:
    """Like or unlike an entry; scripts get the new state as JSON, forms go back where they were."""
    form = await read_form(request)
    db = services(request).db
    entry = await entries.get_entry(db, request.path_params["entry_id"])
    contest = await cached_contest(request, entry["contest_id"])
    try:
        voter = await request_voter(request, contest)
    except NotSignedIn:
        if contest.settings.voting_mode == "email" and not wants_json(request):
            return redirect(request, "vote_by_email", slug=contest.slug)
        raise
    if form.get("action") == "unlike":
        state = await likes.unlike(
            db, contest=contest, entry_id=entry["id"], voter=voter, now=now(request)
        )
    else:
        await ensure_device_budget(db, contest, voter, now(request))
        email_mode = contest.settings.voting_mode == "email"
        state = await likes.like(
            db,
            contest=contest,
            entry_id=entry["id"],
            voter=voter,
            now=now(request),
            author_key=author_key_finder(request) if email_mode else None,
        )
    # The liker should see their own like at once; other visitors may wait out the cache.
    services(request).gallery_cache.forget(
        lambda key: isinstance(key, tuple) and key[:2] == ("gallery", contest.id)
    )
    if wants_json(request):
        shown = state.count if await counts_shown(contest, request) else None
        return JSONResponse({"liked": state.liked, "count": shown})
    back = safe_next(form.get("next")) or str(request.url_for("entry_page", entry_id=entry["id"]))
    return RedirectResponse(f"{back}#entry-{entry['id']}", status_code=303)


routes = [Route("/entries/{entry_id:int}/like", toggle_like, methods=["POST"], name="like")]
