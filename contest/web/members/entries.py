"""Participants' pages: enter a photo, see "my entries", edit, withdraw or delete them."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.accounts.users import User
from contest.contests import store as contest_store
from contest.contests.model import Contest
from contest.core.db import Row
from contest.core.forms import FormValues
from contest.entries import store as entry_store
from contest.entries import submission
from contest.entries.submission import EntryForm, Refusal
from contest.entries.text import LICENCES
from contest.i18n import N_
from contest.web.context import (
    current_user,
    now,
    read_form,
    read_upload_form,
    redirect,
    require_user,
    services,
)
from contest.web.rendering import render

ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"


async def _form_page(
    request: Request,
    contest: Contest,
    form: FormValues,
    page: EntryForm,
    *,
    entry: Row | None = None,
    refusal: Refusal | None = None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "contest": contest,
        "form": form,
        "entry": entry,
        "errors": refusal.errors if refusal else {},
        "held": refusal.held if refusal else None,
        "upload_token": refusal.upload_token if refusal else "",
        "problem": page.problem,
        "category_choices": [("", N_("Choose…"))]
        + [(str(row["id"]), contest.category_name(row["name"])) for row in page.categories],
        "licences": LICENCES,
        "accept": ACCEPT_ATTRIBUTE,
        "max_upload_mb": services(request).config.max_body_bytes // (1024 * 1024),
    }
    return await render(request, "entries/form.html", context, status_code=status_code)


async def _posted(request: Request, contest: Contest, user: User) -> submission.Posted:
    """The entry form as posted: one photo and a few fields, its CSRF token checked."""
    form, photo = await read_upload_form(request, "photo")
    return submission.Posted(contest=contest, user=user, form=form, photo=photo, now=now(request))


async def enter_contest(request: Request) -> Response:
    """The entry form, and submitting a photo to the contest."""
    svc = services(request)
    user = await current_user(request)
    contest = await contest_store.get_contest_by_slug(
        svc.db, request.path_params["slug"], include_unpublished=bool(user and user.is_organizer)
    )
    if user is None:
        user = await require_user(request)  # sends visitors to sign in, then back here
    page = await submission.entry_form(svc.db, contest=contest, user=user, now=now(request))
    if request.method == "GET" or page.problem:
        status = 403 if page.problem and request.method == "POST" else 200
        return await _form_page(request, contest, page.values, page, status_code=status)
    posted = await _posted(request, contest, user)
    result = await submission.submit_photo(svc.db, svc.storage, posted, limiter=svc.image_limiter)
    if isinstance(result, Refusal):
        return await _form_page(
            request, contest, posted.form, page, refusal=result, status_code=400
        )
    svc.wake_media_worker()
    return redirect(request, "my_entries", query={"received": result})


async def my_entries(request: Request) -> Response:
    """The participant's entries with their status."""
    user = await require_user(request)
    rows = await entry_store.entries_of(services(request).db, user.id)
    received = request.query_params.get("received", "")
    context = {
        "entries": rows,
        "labels": entry_store.STATUS_LABELS,
        "received": received,
        "withdrawn": request.query_params.get("withdrawn", ""),
        "restored": request.query_params.get("restored", ""),
        "restorable": await entry_store.restorable_ids(services(request).db, rows, now(request)),
    }
    return await render(request, "entries/mine.html", context)


async def _own_entry(request: Request) -> tuple[User, Row, Contest]:
    user = await require_user(request)
    entry, contest = await submission.own_entry(
        services(request).db, request.path_params["entry_id"], user
    )
    return user, entry, contest


async def edit_entry(request: Request) -> Response:
    """Change an entry's words, category or photo while submissions are open."""
    user, entry, contest = await _own_entry(request)
    svc = services(request)
    page = await submission.entry_form(
        svc.db, contest=contest, user=user, entry=entry, now=now(request)
    )
    if request.method == "GET":
        return await _form_page(request, contest, page.values, page, entry=entry)
    posted = await _posted(request, contest, user)
    refusal = await submission.change_entry(
        svc.db, svc.storage, posted, entry=entry, limiter=svc.image_limiter
    )
    if refusal is not None:
        return await _form_page(
            request, contest, posted.form, page, entry=entry, refusal=refusal, status_code=400
        )
    svc.wake_media_worker()
    return redirect(request, "my_entries")


async def withdraw_entry(request: Request) -> Response:
    """Withdraw an entry from its contest: a page asks first (GET), its form withdraws (POST)."""
    user, entry, contest = await _own_entry(request)
    if request.method == "GET":
        context = {
            "entry": entry,
            "contest": contest,
            "problem": entry_store.withdraw_problem(entry, contest, now(request)),
        }
        return await render(request, "entries/withdraw.html", context)
    await read_form(request)
    await entry_store.withdraw_entry(
        services(request).db, entry=entry, contest=contest, user=user, now=now(request)
    )
    return redirect(request, "my_entries", query={"withdrawn": entry["id"]})


async def restore_entry(request: Request) -> Response:
    """Bring a withdrawn entry back (to review) while submissions are open."""
    user, entry, contest = await _own_entry(request)
    await read_form(request)
    await entry_store.restore_entry(
        services(request).db, entry=entry, contest=contest, user=user, now=now(request)
    )
    return redirect(request, "my_entries", query={"restored": entry["id"]})


async def delete_entry(request: Request) -> Response:
    """Delete a withdrawn or rejected entry and its files."""
    user, entry, _ = await _own_entry(request)
    await read_form(request)
    svc = services(request)
    await entry_store.delete_entry(svc.db, svc.storage, entry=entry, user=user)
    return redirect(request, "my_entries")


routes = [
    Route("/contests/{slug}/enter", enter_contest, methods=["GET", "POST"], name="enter_contest"),
    Route("/my/entries", my_entries, name="my_entries"),
    Route(
        "/my/entries/{entry_id:int}/edit", edit_entry, methods=["GET", "POST"], name="edit_entry"
    ),
    Route(
        "/my/entries/{entry_id:int}/withdraw",
        withdraw_entry,
        methods=["GET", "POST"],
        name="withdraw_entry",
    ),
    Route(
        "/my/entries/{entry_id:int}/restore",
        restore_entry,
        methods=["POST"],
        name="restore_entry",
    ),
    Route("/my/entries/{entry_id:int}/delete", delete_entry, methods=["POST"], name="delete_entry"),
]
