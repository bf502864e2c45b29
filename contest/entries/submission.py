"""Entering a photo, and changing an entry: the use cases behind the entry form.

A submission is the form's fields and the photo's bytes (empty when the participant sent none,
or when a photo held from an earlier attempt is named by the form's ``upload_token``). It is
either stored, or refused with every reason at once; a refused form keeps its new photo as a
held upload, so the participant need not pick it again.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

import anyio

from contest.accounts.users import User
from contest.contests.model import Contest
from contest.contests.store import get_contest
from contest.core.db import Database, Row
from contest.core.errors import ContestError, Forbidden, ValidationError
from contest.core.forms import FormValues
from contest.core.storage import Storage
from contest.entries import store
from contest.entries.text import EntryText, check_entry_text
from contest.i18n import N_
from contest.media.photos import (
    StoredPhoto,
    forget_upload,
    held_upload,
    keep_upload,
    process_upload,
    release_files,
)

T = TypeVar("T")
DUPLICATE_OF_OWN = N_("You have already entered this photo in this contest.")
NO_PHOTO = N_("Choose a photo to upload.")


@dataclass(frozen=True)
class EntryForm:
    """What the entry form starts with: why it is closed to this person (if it is), the
    contest's categories to choose from, and the values to fill in (an existing entry's own,
    or a new entry's defaults)."""

    problem: str | None
    categories: list[Row]
    values: FormValues


@dataclass(frozen=True)
class Refusal:
    """Why a submission was not stored, with the photo held for the form shown again."""

    errors: dict[str, str]
    held: StoredPhoto | None = None
    upload_token: str = ""


@dataclass(frozen=True)
class Posted:
    """An entry form as the participant posted it: who, to which contest, when, its fields
    and the photo's bytes (empty when none was sent; ``upload_token`` may name a held one)."""

    contest: Contest
    user: User
    form: FormValues
    photo: bytes
    now: datetime


@dataclass
class _Checked:
    """A posted form once checked: its photo (new or held), its text and choices, and every
    problem found."""

    posted: Posted
    photo: StoredPhoto | None
    is_new: bool
    text: EntryText | None
    choices: store.Choices
    errors: dict[str, str] = field(default_factory=dict)


async def own_entry(db: Database, entry_id: int, user: User) -> tuple[Row, Contest]:
    """An entry of the participant's own, and its contest; Forbidden for anyone else's."""
    entry = await store.get_entry(db, entry_id)
    if entry["participant_id"] != user.id:
        raise Forbidden(N_("You can only change your own entries."))
    return entry, await get_contest(db, entry["contest_id"])


async def entry_form(
    db: Database, *, contest: Contest, user: User, entry: Row | None = None, now: datetime
) -> EntryForm:
    """The form's start: for a new entry, whether this person may enter now (eligibility,
    the calendar, their entry limit); for an existing one, whether it may still change, and
    its words and choices as they stand."""
    categories = await store.category_options(db, contest.id)
    if entry is not None:
        problem = None
        if not contest.schedule.submissions_are_open(now):
            problem = N_("Submissions have closed, so this entry can no longer be changed.")
        values = _values_of(entry, await store.hashtags_of(db, entry["id"]), contest)
        return EntryForm(problem=problem, categories=categories, values=values)
    problem = store.submission_problem(contest, user, now)
    limit = contest.settings.max_entries_per_participant
    entered = await store.count_entries(db, contest_id=contest.id, user_id=user.id)
    if problem is None and entered >= limit:
        problem = store.limit_message(limit)
    values = FormValues.of({"licence": "contest", "credit": "name"})
    return EntryForm(problem=problem, categories=categories, values=values)


def _values_of(entry: Row, hashtags: list[str], contest: Contest) -> FormValues:
    """The form filled in as the entry stands (the official hashtag is always added anyway)."""
    official = contest.settings.hashtag.casefold()
    own = [f"#{tag}" for tag in hashtags if tag != official]
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


async def submit_photo(
    db: Database, storage: Storage, posted: Posted, *, limiter: anyio.CapacityLimiter
) -> int | Refusal:
    """Enter a photo in the contest: the new entry's id, or why it was refused."""
    checked = await _check(db, storage, posted, limiter=limiter)
    if checked.photo is None and not checked.errors:
        checked.errors["photo"] = NO_PHOTO
    if checked.errors or checked.text is None or checked.photo is None:
        return await _refuse(db, checked)
    saving = store.submit_entry(
        db,
        contest=posted.contest,
        user=posted.user,
        text=checked.text,
        choices=checked.choices,
        photo=checked.photo,
        now=posted.now,
    )
    return await _saving(db, storage, checked, saving)


async def change_entry(
    db: Database,
    storage: Storage,
    posted: Posted,
    *,
    entry: Row,
    limiter: anyio.CapacityLimiter,
) -> Refusal | None:
    """Change an entry's words, category or photo (None once stored), or say why not."""
    checked = await _check(db, storage, posted, limiter=limiter, entry_id=entry["id"])
    if checked.errors or checked.text is None:
        return await _refuse(db, checked)
    saving = store.update_entry(
        db,
        storage,
        entry=entry,
        contest=posted.contest,
        user=posted.user,
        text=checked.text,
        choices=checked.choices,
        photo=checked.photo,
        now=posted.now,
    )
    await _saving(db, storage, checked, saving)
    return None


async def _photo(
    db: Database,
    storage: Storage,
    posted: Posted,
    *,
    limiter: anyio.CapacityLimiter,
    exclude: int | None,
) -> tuple[StoredPhoto | None, bool, dict[str, str]]:
    """The photo of this submission (new or held), whether it is new, and any problem with it."""
    if posted.photo:
        try:
            photo = await process_upload(storage, posted.photo, limiter=limiter)
        except ValidationError as error:
            return None, False, error.errors
        duplicate = await store.duplicate_of_own(
            db,
            contest_id=posted.contest.id,
            user_id=posted.user.id,
            sha256=photo.original_sha256,
            exclude=exclude,
        )
        if duplicate:
            await release_files(db, storage, photo.keys)
            return None, False, {"photo": DUPLICATE_OF_OWN}
        return photo, True, {}
    if token := posted.form.get("upload_token"):
        held = await held_upload(db, token, user_id=posted.user.id, now=posted.now)
        if held is not None:
            return held, False, {}
    return None, False, {}


async def _check(
    db: Database,
    storage: Storage,
    posted: Posted,
    *,
    limiter: anyio.CapacityLimiter,
    entry_id: int | None = None,
) -> _Checked:
    """Every check of a posted form: the photo, the text, the choices."""
    photo, is_new, errors = await _photo(db, storage, posted, limiter=limiter, exclude=entry_id)
    settings = posted.contest.settings
    text, text_errors = check_entry_text(
        posted.form,
        official_hashtag=settings.hashtag,
        description_required=settings.description_required,
    )
    choices, choice_errors = await store.check_choices(db, posted.contest, posted.form)
    return _Checked(posted, photo, is_new, text, choices, errors | text_errors | choice_errors)


async def _refuse(db: Database, checked: _Checked) -> Refusal:
    """The refusal, a new photo held so that the form shown again need not ask for it."""
    posted = checked.posted
    token = posted.form.get("upload_token")
    if checked.photo is not None and checked.is_new:
        token = await keep_upload(db, photo=checked.photo, user_id=posted.user.id, now=posted.now)
    return Refusal(
        errors=checked.errors,
        held=checked.photo,
        upload_token=token if checked.photo is not None else "",
    )


async def _saving(db: Database, storage: Storage, checked: _Checked, saving: Awaitable[T]) -> T:
    """Store the entry; on refusal drop the new photo's files, on success the held upload."""
    try:
        result = await saving
    except ContestError:
        if checked.photo is not None and checked.is_new:
            await release_files(db, storage, checked.photo.keys)
        raise
    if token := checked.posted.form.get("upload_token"):
        await forget_upload(db, storage, token)
    return result
