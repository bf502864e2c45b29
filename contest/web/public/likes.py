"""The like button's endpoint: a plain form post that returns to the same place, or JSON.

A script's like usually never reaches this route: ``LikeFastPath`` (like_fast_path.py)
answers the plain case before the middleware stack, through the same ``store_click`` and
``like_answer`` as here, and leaves everything else (refusals included) to this route.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from contest.accounts import site_settings
from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.errors import ContestError, NotSignedIn
from contest.core.forms import FormValues
from contest.entries import store as entry_store
from contest.voting import likes
from contest.web.context import (
    Services,
    current_user,
    forget_user,
    now,
    read_form,
    redirect,
    safe_next,
    services,
    session_hash,
)
from contest.web.errors import wants_json
from contest.web.public.email_votes import mailbox_key, request_voter
from contest.web.public.gallery import counts_visible

#: Likes one network address may give per hour in open (device) voting: generous, because a
#: whole campus may share one address, but it stops one machine minting endless browsers.
#: Networks the organizers list as shared (Manage → Site settings) have no such limit.
DEVICE_LIKES_PER_ADDRESS_HOUR = 600


@dataclass(frozen=True)
class Click:
    """One press of the like button: who pressed it, on what, and when."""

    entry_id: int
    action: str  # "like", or "unlike" to take it back
    voter: likes.Voter
    #: The signed-in account as a cache knew it, and the hash of its session token: the
    #: write checks that the session still stands with that role.
    user: User | None
    session_hash: str | None
    now: datetime


async def store_click(svc: Services, contest: Contest, click: Click) -> likes.LikeState:
    """Store a like or unlike through the group commit, then let the gallery show a change."""
    mode = contest.settings.voting_mode
    budget: int | None = DEVICE_LIKES_PER_ADDRESS_HOUR
    if mode == "device" and site_settings.in_networks(
        click.voter.address, await svc.shared_networks()
    ):
        budget = None  # a network organizers named as shared by many (a campus, say)
    request = likes.click_request(
        contest,
        entry_id=click.entry_id,
        voter=click.voter,
        now=click.now,
        action=click.action,
        author_key=partial(mailbox_key, svc.config.secret_key or "") if mode == "email" else None,
        address_budget=budget,
        session_hash=click.session_hash if click.user is not None else None,
        role=click.user.role if click.user is not None else None,
    )
    state = await svc.like_writer.submit(request)
    if state.changed:
        svc.likes_changed(contest.id)
    return state


def like_answer(state: likes.LikeState, contest: Contest, click: Click) -> dict[str, Any]:
    """What a script is told after a click: the voter's state, and the count if they may see it."""
    shown = counts_visible(contest, click.user, click.now)
    return {"liked": state.liked, "count": state.count if shown else None}


async def _store(request: Request, contest: Contest, action: str) -> tuple[likes.LikeState, Click]:
    """Store the click, the voter recognised from the session cache.

    The write checks the session again; should it have ended or changed since it was cached,
    the voter is looked up afresh, once.
    """

    async def attempt() -> tuple[likes.LikeState, Click]:
        user = await current_user(request, cached=True)
        click = Click(
            entry_id=request.path_params["entry_id"],
            action=action,
            voter=await request_voter(request, contest),
            user=user,
            session_hash=session_hash(request),
            now=now(request),
        )
        return await store_click(services(request), contest, click), click

    try:
        return await attempt()
    except likes.SessionChanged:
        forget_user(request)
    try:
        return await attempt()
    except likes.SessionChanged as error:  # changed again at once: treat as signed out
        raise NotSignedIn() from error


async def toggle_like(request: Request) -> Response:
    """Like or unlike an entry; scripts get the new state as JSON, forms go back where they were."""
    form = await read_form(request)
    try:
        return await _toggle(request, form)
    except ContestError:
        # SQLite may give a deleted newest entry's id to the next entry, in any contest, and
        # the remembered contest's phase or rules would then refuse wrongly: if the entry now
        # belongs elsewhere, try once more with its contest.
        svc, entry_id = services(request), request.path_params["entry_id"]
        remembered = svc.entry_contests.pop(entry_id, None)
        if remembered is None:
            raise
        actual = int((await entry_store.get_entry(svc.db, entry_id))["contest_id"])
        svc.entry_contests[entry_id] = actual
        if actual == remembered:
            raise
        return await _toggle(request, form)


async def _toggle(request: Request, form: FormValues) -> Response:
    entry_id: int = request.path_params["entry_id"]
    contest = await services(request).contest_of_entry(entry_id)
    action = "unlike" if form.get("action") == "unlike" else "like"
    try:
        state, click = await _store(request, contest, action)
    except NotSignedIn:
        if contest.settings.voting_mode == "email" and not wants_json(request):
            return redirect(request, "vote_by_email", slug=contest.slug)
        raise
    if wants_json(request):
        return JSONResponse(like_answer(state, contest, click))
    back = safe_next(form.get("next")) or str(request.url_for("entry_page", entry_id=entry_id))
    return RedirectResponse(f"{back}#entry-{entry_id}", status_code=303)


routes = [Route("/entries/{entry_id:int}/like", toggle_like, methods=["POST"], name="like")]
