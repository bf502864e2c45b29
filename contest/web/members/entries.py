"""Participants' pages: enter a photo, see "my entries", edit, withdraw or delete them."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.accounts.users import User
from contest.contests import store as contest_store
from contest.contests.model import Contest
from contest.core.db import Row
from contest.core.errors import ContestError, Forbidden, ValidationError
from contest.core.forms import FormValues
from contest.entries import store as entry_store
from contest.entries.text import LICENCES, EntryText, check_entry_text
from contest.media.photos import (
    StoredPhoto,
    forget_upload,
    held_upload,
    keep_upload,
    process_upload,
    release_files,
)
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

T = TypeVar("T")
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"


async def _form_page(
    request: Request,
    contest: Contest,
    form: FormValues,
    *,
    entry: Row | None = None,
    errors: dict[str, str] | None = None,
    held: StoredPhoto | None = None,
    upload_token: str = "",
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "contest": contest,
        "form": form,
        "entry": entry,
        "errors": errors or {},
        "held": held,
        "upload_token": upload_token,
        "problem": problem,
        "category_choices": [("", "Choose…")]
        + [
            (str(row["id"]), row["name"])
            for row in await entry_store.category_options(services(request).db, contest.id)
        ],
        "licences": LICENCES,
        "accept": ACCEPT_ATTRIBUTE,
        "max_upload_mb": services(request).config.max_body_bytes // (1024 * 1024),
    }
    return await render(request, "entries/form.html", context, status_code=status_code)


async def _photo_from_request(
    request: Request,
    data: bytes,
    form: FormValues,
    user: User,
    contest: Contest,
    *,
    exclude: int | None,
) -> tuple[StoredPhoto | None, bool, dict[str, str]]:
    """The photo of this submission (new or held), whether it is new, and any problem with it."""
    svc = services(request)
    if data:
        try:
            photo = await process_upload(svc.storage, data, limiter=svc.image_limiter)
        except ValidationError as error:
            return None, False, error.errors
        if await entry_store.duplicate_of_own(
            svc.db,
            contest_id=contest.id,
            user_id=user.id,
            sha256=photo.original_sha256,
            exclude=exclude,
        ):
            await release_files(svc.db, svc.storage, photo.keys)
            return None, False, {"photo": "You have already entered this photo in this contest."}
        return photo, True, {}
    token = form.get("upload_token")
    if token:
        held = await held_upload(svc.db, token, user_id=user.id, now=now(request))
        if held is not None:
            return held, False, {}
    return None, False, {}


@dataclass
class Submission:
    """A posted entry form: its fields, its photo (new or held) and what is wrong with it."""

    form: FormValues
    photo: StoredPhoto | None
    is_new: bool
    text: EntryText | None
    choices: entry_store.Choices
    errors: dict[str, str]


async def _read_submission(
    request: Request, user: User, contest: Contest, *, entry_id: int | None
) -> Submission:
    form, data = await read_upload_form(request, "photo")
    photo, is_new, errors = await _photo_from_request(
        request, data, form, user, contest, exclude=entry_id
    )
    text, text_errors = check_entry_text(
        form,
        official_hashtag=contest.settings.hashtag,
        description_required=contest.settings.description_required,
    )
    choices, choice_errors = await entry_store.check_choices(services(request).db, contest, form)
    return Submission(form, photo, is_new, text, choices, errors | text_errors | choice_errors)


async def _show_errors(
    request: Request, contest: Contest, sent: Submission, user: User, entry: Row | None = None
) -> Response:
    """The form again with its messages; a new photo is held so it need not be picked again."""
    token = sent.form.get("upload_token")
    if sent.photo is not None and sent.is_new:
        token = await keep_upload(
            services(request).db, photo=sent.photo, user_id=user.id, now=now(request)
        )
    return await _form_page(
        request,
        contest,
        sent.form,
        entry=entry,
        errors=sent.errors,
        held=sent.photo,
        upload_token=token if sent.photo else "",
        status_code=400,
    )


async def _saving(request: Request, sent: Submission, saving: Awaitable[T]) -> T:
    """Store the entry; on refusal drop the new photo's files, on success the held upload."""
    svc = services(request)
    try:
        result = await saving
    except ContestError:
        if sent.photo is not None and sent.is_new:
            await release_files(svc.db, svc.storage, sent.photo.keys)
        raise
    if sent.form.get("upload_token"):
        await forget_upload(svc.db, svc.storage, sent.form.get("upload_token"))
    svc.wake_media_worker()
    return result


async def enter_contest(request: Request) -> Response:
    """The entry form, and submitting a photo to the contest."""
    svc = services(request)
    user = await current_user(request)
    contest = await contest_store.get_contest_by_slug(
        svc.db, request.path_params["slug"], include_unpublished=bool(user and user.is_organizer)
    )
    if user is None:
        user = await require_user(request)  # sends visitors to sign in, then back here
    problem = entry_store.submission_problem(contest, user, now(request))
    limit = contest.settings.max_entries_per_participant
    if (
        problem is None
        and await entry_store.count_entries(svc.db, contest_id=contest.id, user_id=user.id) >= limit
    ):
        problem = entry_store.limit_message(limit)
    if request.method == "GET" or problem:
        form = FormValues.of({"licence": "contest", "credit": "name"})
        return await _form_page(
            request,
            contest,
            form,
            problem=problem,
            status_code=403 if problem and request.method == "POST" else 200,
        )
    sent = await _read_submission(request, user, contest, entry_id=None)
    if sent.errors or sent.text is None or sent.photo is None:
        if sent.photo is None and not sent.errors:
            sent.errors["photo"] = "Choose a photo to upload."
        return await _show_errors(request, contest, sent, user)
    text, photo = sent.text, sent.photo
    entry_id = await _saving(
        request,
        sent,
        entry_store.submit_entry(
            svc.db,
            contest=contest,
            user=user,
            text=text,
            choices=sent.choices,
            photo=photo,
            now=now(request),
        ),
    )
    return redirect(request, "my_entries", query={"received": entry_id})


async def my_entries(request: Request) -> Response:
    """The participant's entries with their status."""
    user = await require_user(request)
    rows = await entry_store.entries_of(services(request).db, user.id)
    received = request.query_params.get("received", "")
    context = {"entries": rows, "labels": entry_store.STATUS_LABELS, "received": received}
    return await render(request, "entries/mine.html", context)


async def _own_entry(request: Request) -> tuple[User, Row, Contest]:
    user = await require_user(request)
    svc = services(request)
    entry = await entry_store.get_entry(svc.db, request.path_params["entry_id"])
    if entry["participant_id"] != user.id:
        raise Forbidden("You can only change your own entries.")
    contest = await contest_store.get_contest(svc.db, entry["contest_id"])
    return user, entry, contest


def _entry_form_values(entry: Row, hashtags: list[str], official: str) -> FormValues:
    own = [f"#{tag}" for tag in hashtags if tag != official.casefold()]
    values: dict[str, str | list[str]] = {
        "title": entry["title"],
        "description": entry["description"],
        "alt_text": entry["alt_text"],
        "hashtags": " ".join(own),
        "category_id": str(entry["category_id"] or ""),
        "licence": entry["licence"],
        "credit": entry["credit"],
        "consent_own_work": "on",
        "consent_people": "on",
    }
    return FormValues.of(values)


async def edit_entry(request: Request) -> Response:
    """Change an entry's words, category or photo while submissions are open."""
    user, entry, contest = await _own_entry(request)
    svc = services(request)
    if request.method == "GET":
        hashtags = await entry_store.hashtags_of(svc.db, entry["id"])
        form = _entry_form_values(entry, hashtags, contest.settings.hashtag)
        closed = (
            None
            if contest.schedule.submissions_are_open(now(request))
            else "Submissions have closed, so this entry can no longer be changed."
        )
        return await _form_page(request, contest, form, entry=entry, problem=closed)
    sent = await _read_submission(request, user, contest, entry_id=entry["id"])
    if sent.errors or sent.text is None:
        return await _show_errors(request, contest, sent, user, entry=entry)
    await _saving(
        request,
        sent,
        entry_store.update_entry(
            svc.db,
            svc.storage,
            entry=entry,
            contest=contest,
            user=user,
            text=sent.text,
            choices=sent.choices,
            photo=sent.photo,
            now=now(request),
        ),
    )
    return redirect(request, "my_entries")


async def withdraw_entry(request: Request) -> Response:
    """Withdraw an entry from its contest."""
    user, entry, contest = await _own_entry(request)
    await read_form(request)
    await entry_store.withdraw_entry(
        services(request).db, entry=entry, contest=contest, user=user, now=now(request)
    )
    return redirect(request, "my_entries")


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
        methods=["POST"],
        name="withdraw_entry",
    ),
    Route("/my/entries/{entry_id:int}/delete", delete_entry, methods=["POST"], name="delete_entry"),
]
