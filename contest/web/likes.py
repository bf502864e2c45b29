"""The like button's endpoint: a plain form post that returns to the same place, or JSON."""

from __future__ import annotations

from functools import partial

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from contest import entries, likes
from contest.contests import Contest
from contest.errors import ContestError, NotSignedIn
from contest.forms import FormValues
from contest.web.context import (
    cached_contest,
    current_user,
    forget_user,
    now,
    read_form,
    redirect,
    safe_next,
    services,
    session_hash,
)
from contest.web.email_votes import mailbox_key, request_voter
from contest.web.errors import wants_json
from contest.web.gallery import counts_shown

#: Likes one network address may give per hour in open (device) voting: generous, because a
#: whole campus may share one address, but it stops one machine minting endless browsers.
DEVICE_LIKES_PER_ADDRESS_HOUR = 600


#: Entries whose contest is remembered at most; past that the memory starts afresh.
ENTRY_CONTESTS_KEPT = 100_000


async def _contest_of(request: Request, entry_id: int) -> Contest:
    """The contest of an entry, with neither read repeated on the hot path.

    The entry's contest never changes, so it is remembered; its status and author may, so
    those are checked inside the write (``likes.apply_like``).
    """
    svc = services(request)
    contest_id = svc.entry_contests.get(entry_id)
    if contest_id is None:
        contest_id = int((await entries.get_entry(svc.db, entry_id))["contest_id"])
        if len(svc.entry_contests) >= ENTRY_CONTESTS_KEPT:
            svc.entry_contests.clear()
        svc.entry_contests[entry_id] = contest_id
    return await cached_contest(request, contest_id)


async def _like(request: Request, contest: Contest) -> likes.LikeState:
    """Like through the group commit, the voter recognised from the session cache.

    The write checks the session again; should it have ended or changed meanwhile (elsewhere
    than in this process, which forgets at once), the voter is looked up afresh, once.
    """
    svc = services(request)
    email_mode = contest.settings.voting_mode == "email"

    async def attempt() -> likes.LikeState:
        voter = await request_voter(request, contest)
        user = await current_user(request)
        return await svc.like_writer.like(
            contest,
            entry_id=request.path_params["entry_id"],
            voter=voter,
            now=now(request),
            author_key=partial(mailbox_key, request) if email_mode else None,
            address_budget=DEVICE_LIKES_PER_ADDRESS_HOUR,
            session_hash=session_hash(request) if user is not None else None,
            role=user.role if user is not None else None,
        )

    await current_user(request, cached=True)
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
        actual = int((await entries.get_entry(svc.db, entry_id))["contest_id"])
        svc.entry_contests[entry_id] = actual
        if actual == remembered:
            raise
        return await _toggle(request, form)


async def _toggle(request: Request, form: FormValues) -> Response:
    svc = services(request)
    entry_id: int = request.path_params["entry_id"]
    contest = await _contest_of(request, entry_id)
    try:
        if form.get("action") == "unlike":
            voter = await request_voter(request, contest)
            state = await svc.like_writer.unlike(
                contest, entry_id=entry_id, voter=voter, now=now(request)
            )
        else:
            state = await _like(request, contest)
    except NotSignedIn:
        if contest.settings.voting_mode == "email" and not wants_json(request):
            return redirect(request, "vote_by_email", slug=contest.slug)
        raise
    # The liker should see their own like at once; other visitors may wait out the cache.
    svc.gallery_cache.forget(
        lambda key: isinstance(key, tuple) and key[:2] == ("gallery", contest.id)
    )
    if wants_json(request):
        shown = state.count if await counts_shown(contest, request) else None
        return JSONResponse({"liked": state.liked, "count": shown})
    back = safe_next(form.get("next")) or str(request.url_for("entry_page", entry_id=entry_id))
    return RedirectResponse(f"{back}#entry-{entry_id}", status_code=303)


routes = [Route("/entries/{entry_id:int}/like", toggle_like, methods=["POST"], name="like")]
