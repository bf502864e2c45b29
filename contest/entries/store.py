"""Entries: who may submit, submitting, editing, withdrawing and deleting photos."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contest.accounts.languages import mail_locale
from contest.accounts.users import User
from contest.contests.model import Contest
from contest.contests.store import get_contest
from contest.core.clock import to_db
from contest.core.db import INTEGRITY_ERRORS, Database, Row, Transaction
from contest.core.errors import Conflict, Forbidden, NotFound, ValidationError
from contest.core.forms import FormValues
from contest.core.outbox import queue_mail
from contest.core.storage import Storage
from contest.entries.text import LICENCES, EntryText
from contest.i18n import N_, Message, Nn_, current_locale, using_locale
from contest.media.images import hamming_distance
from contest.media.photos import KEY_COLUMNS, StoredPhoto, release_files

#: Two photos whose perceptual hashes differ in at most this many of 64 bits look the same.
NEAR_DUPLICATE_BITS = 6
COUNTED_STATUSES = ("pending", "approved")
STATUS_LABELS = {
    "pending": N_("Waiting for review"),
    "approved": N_("Approved"),
    "rejected": N_("Not accepted"),
    "withdrawn": N_("Withdrawn"),
}


@dataclass(frozen=True)
class Choices:
    """What the participant picked besides the words: category and licence."""

    category_id: int | None
    licence: str
    credit: str = "name"


def limit_message(limit: int, *, then: str = "") -> Message:
    """What to tell a participant who has entered as many photos as the contest allows
    (``then``: "resubmit" or "restore", the way out said after it)."""
    if then == "resubmit":
        return Nn_(
            "You have entered %(count)d photo, the most this contest allows. Withdraw another"
            " entry to resubmit this one.",
            "You have entered %(count)d photos, the most this contest allows. Withdraw another"
            " entry to resubmit this one.",
            limit,
        )
    if then == "restore":
        return Nn_(
            "You have entered %(count)d photo, the most this contest allows. Withdraw another"
            " entry to restore this one.",
            "You have entered %(count)d photos, the most this contest allows. Withdraw another"
            " entry to restore this one.",
            limit,
        )
    return Nn_(
        "You have entered %(count)d photo, the most this contest allows.",
        "You have entered %(count)d photos, the most this contest allows.",
        limit,
    )


#: Affiliations as a sentence names them (lowercase), translated where shown.
AFFILIATION_WORDS = {
    "student": N_("student"),
    "staff": N_("staff"),
    "alumni": N_("alumni"),
    "other": N_("other"),
}


def affiliation_word(code: str) -> Message:
    """One affiliation as a sentence names it."""
    return AFFILIATION_WORDS.get(code) or Message(code)


def _affiliations(codes: tuple[str, ...] | list[str]) -> Message:
    """Affiliations listed with commas, each one translated where the list is shown."""
    names = {f"a{index}": affiliation_word(code) for index, code in enumerate(codes)}
    return Message(", ".join(f"%({name})s" for name in names), names)


CAMPUS_TO_ENTER = N_(
    "This contest asks entrants to sign in with their campus account: choose it on the"
    " sign-in page (once is enough; your account stays the same)."
)


def submission_problem(contest: Contest, user: User | None, now: datetime) -> Message | None:
    """Why this person cannot submit to the contest right now, or None (entry limit aside)."""
    if user is None:
        return N_("Sign in or create an account to enter a photo.")
    if user.role != "participant":
        return N_("Only participants can enter photos; organizers and judges cannot.")
    if contest.settings.campus_for_entering and not user.campus:
        return CAMPUS_TO_ENTER
    if not contest.admits(user.affiliation):
        return N_(
            "This contest is open to: %(groups)s. Your account is registered as %(affiliation)s.",
            groups=_affiliations(contest.settings.eligible_affiliations),
            affiliation=affiliation_word(user.affiliation),
        )
    if now < contest.schedule.submissions_open:
        return N_("Submissions are not open yet.")
    if not contest.schedule.submissions_are_open(now):
        return N_("Submissions for this contest have closed.")
    return None


async def count_entries(db: Database | Transaction, *, contest_id: int, user_id: int) -> int:
    """How many of the participant's entries count toward the contest's limit."""
    return int(
        await db.fetch_value(
            "SELECT count(*) FROM entries WHERE contest_id = ? AND participant_id = ?"
            " AND status IN ('pending', 'approved')",
            (contest_id, user_id),
        )
    )


async def category_options(db: Database, contest_id: int) -> list[Row]:
    """The contest's categories, in order."""
    return await db.fetch_all(
        "SELECT id, name FROM categories WHERE contest_id = ? ORDER BY position", (contest_id,)
    )


async def check_choices(
    db: Database, contest: Contest, form: FormValues
) -> tuple[Choices, dict[str, str]]:
    """Category, licence and consents from the form, and what is missing."""
    errors: dict[str, str] = {}
    categories = {str(row["id"]): row["id"] for row in await category_options(db, contest.id)}
    category_id = categories.get(form.get("category_id"))
    if categories and category_id is None:
        errors["category_id"] = N_("Choose the category your photo fits.")
    licence = form.get("licence")
    if licence not in LICENCES:
        errors["licence"] = N_("Choose how the photo may be used.")
    if not form.has("consent_own_work"):
        errors["consent_own_work"] = N_("Confirm that you took this photo yourself.")
    if not form.has("consent_people"):
        errors["consent_people"] = N_("Confirm that people who can be recognised agreed to appear.")
    credit = form.get("credit") if form.get("credit") in ("name", "initials") else "name"
    return Choices(category_id, licence if licence in LICENCES else "contest", credit), errors


async def duplicate_of_own(
    db: Database, *, contest_id: int, user_id: int, sha256: str, exclude: int | None = None
) -> bool:
    """Whether the participant already entered exactly this photo in the contest."""
    return bool(
        await db.fetch_value(
            "SELECT 1 FROM entries WHERE contest_id = ? AND participant_id = ?"
            " AND original_sha256 = ?"
            " AND id IS NOT ?",
            (contest_id, user_id, sha256, exclude),
        )
    )


async def _near_duplicate(
    tx: Transaction, *, contest_id: int, user_id: int, dhash: str
) -> int | None:
    """An entry of another participant that looks the same, if any (flagged, not refused)."""
    mine = int(dhash, 16)
    rows = await tx.fetch_all(
        "SELECT id, dhash FROM entries WHERE contest_id = ? AND participant_id != ?"
        " AND status != 'withdrawn' ORDER BY id",
        (contest_id, user_id),
    )
    for row in rows:
        if hamming_distance(mine, int(row["dhash"], 16)) <= NEAR_DUPLICATE_BITS:
            return int(row["id"])
    return None


async def _save_hashtags(tx: Transaction, entry_id: int, hashtags: tuple[str, ...]) -> None:
    await tx.execute("DELETE FROM entry_hashtags WHERE entry_id = ?", (entry_id,))
    await tx.execute_many(
        "INSERT INTO entry_hashtags (entry_id, tag, position) VALUES (?, ?, ?)",
        [(entry_id, tag, position) for position, tag in enumerate(hashtags)],
    )


async def submit_entry(
    db: Database,
    *,
    contest: Contest,
    user: User,
    text: EntryText,
    choices: Choices,
    photo: StoredPhoto,
    now: datetime,
) -> int:
    """Record a new entry (pending review) and tell the participant it arrived; return its id."""
    if problem := submission_problem(contest, user, now):
        raise Forbidden(problem)
    async with db.transaction() as tx:
        limit = contest.settings.max_entries_per_participant
        if await count_entries(tx, contest_id=contest.id, user_id=user.id) >= limit:
            raise Conflict(limit_message(limit))
        columns = photo.columns() | {
            "contest_id": contest.id,
            "participant_id": user.id,
            "category_id": choices.category_id,
            "title": text.title,
            "description": text.description,
            "alt_text": text.alt_text,
            "licence": choices.licence,
            "credit": choices.credit,
            "consent_own_work": 1,
            "consent_people": 1,
            "near_duplicate_of": await _near_duplicate(
                tx, contest_id=contest.id, user_id=user.id, dhash=photo.dhash
            ),
            "created_at": to_db(now),
            "updated_at": to_db(now),
        }
        names = ", ".join(columns)
        marks = ", ".join("?" * len(columns))
        try:
            entry_id = await tx.insert(
                f"INSERT INTO entries ({names}) VALUES ({marks})",  # noqa: S608 - fixed names
                tuple(columns.values()),
            )
        except INTEGRITY_ERRORS as error:
            raise ValidationError(
                {"photo": N_("You have already entered this photo in this contest.")}
            ) from error
        await _save_hashtags(tx, entry_id, text.hashtags)
        # The author's saved language, else the language of the page they entered it from.
        locale = await mail_locale(tx, user.id, default=current_locale.get())
        with using_locale(locale):
            subject = str(N_("We received your photo “%(title)s”", title=text.title))
            body = str(
                N_(
                    "Hello %(name)s,\n\nThank you for entering “%(title)s” in %(contest)s. The"
                    " organizers will review it soon and we will tell you when it is approved.\n",
                    name=user.display_name,
                    title=text.title,
                    contest=contest.title,
                )
            )
        await queue_mail(
            tx, recipient=user.email, subject=subject, body=body, now=now, locale=locale
        )
    return entry_id


async def get_entry(db: Database, entry_id: int) -> Row:
    """The entry with that id; NotFound if there is none."""
    row = await db.fetch_one("SELECT * FROM entries WHERE id = ?", (entry_id,))
    if row is None:
        raise NotFound(N_("There is no such entry."))
    return row


async def hashtags_of(db: Database, entry_id: int) -> list[str]:
    """An entry's hashtags, official one first (as stored)."""
    rows = await db.fetch_all(
        "SELECT tag FROM entry_hashtags WHERE entry_id = ? ORDER BY position", (entry_id,)
    )
    return [row["tag"] for row in rows]


async def entries_of(db: Database, user_id: int) -> list[Row]:
    """A participant's entries with their contest, newest first."""
    return await db.fetch_all(
        "SELECT entries.*, contests.title AS contest_title, contests.slug AS contest_slug,"
        " categories.name AS category_name FROM entries"
        " JOIN contests ON contests.id = entries.contest_id"
        " LEFT JOIN categories ON categories.id = entries.category_id"
        " WHERE participant_id = ? ORDER BY entries.id DESC",
        (user_id,),
    )


async def _keys_now(tx: Transaction, entry_id: int) -> list[str]:
    """The files the entry uses at this moment, read inside the write that changes them."""
    row = await tx.fetch_one(
        f"SELECT {', '.join(KEY_COLUMNS)} FROM entries WHERE id = ?",  # noqa: S608 - fixed names
        (entry_id,),
    )
    return [] if row is None else [row[column] for column in KEY_COLUMNS if row[column]]


def withdraw_problem(entry: Row, contest: Contest, now: datetime) -> Message | None:
    """Why the entry cannot be changed or withdrawn right now, or None."""
    if not contest.schedule.submissions_are_open(now):
        return N_("Submissions have closed, so entries can no longer be changed or withdrawn.")
    if entry["status"] == "withdrawn":
        return N_("This entry was withdrawn and can no longer be changed.")
    return None


def _ensure_changeable(entry: Row, contest: Contest, user: User, now: datetime) -> None:
    if entry["participant_id"] != user.id:
        raise Forbidden(N_("You can only change your own entries."))
    if problem := withdraw_problem(entry, contest, now):
        raise Conflict(problem)


async def update_entry(
    db: Database,
    storage: Storage,
    *,
    entry: Row,
    contest: Contest,
    user: User,
    text: EntryText,
    choices: Choices,
    photo: StoredPhoto | None,
    now: datetime,
) -> None:
    """Change an entry's words, category or photo; it goes back to review."""
    _ensure_changeable(entry, contest, user, now)
    old_keys = [entry[column] for column in KEY_COLUMNS if entry[column]]
    columns: dict[str, object] = {
        "title": text.title,
        "description": text.description,
        "alt_text": text.alt_text,
        "category_id": choices.category_id,
        "licence": choices.licence,
        "credit": choices.credit,
        "status": "pending",
        "share_card_key": None,
        "rejection_reason": None,
        "updated_at": to_db(now),
    }
    async with db.transaction() as tx:
        limit = contest.settings.max_entries_per_participant
        counted = await count_entries(tx, contest_id=contest.id, user_id=user.id)
        if entry["status"] == "rejected" and counted >= limit:
            raise Conflict(limit_message(limit, then="resubmit"))
        if photo is not None:
            # The old photo's files as they are now (the master job may have recorded a master
            # since the caller read the entry); the new one's master starts afresh.
            old_keys += await _keys_now(tx, entry["id"])
            columns |= photo.columns() | {
                "master_attempts": 0,
                "master_retry_at": None,
                "master_error": None,
            }
            columns["near_duplicate_of"] = await _near_duplicate(
                tx, contest_id=contest.id, user_id=user.id, dhash=photo.dhash
            )
        assignments = ", ".join(f"{name} = ?" for name in columns)
        try:
            await tx.execute(
                f"UPDATE entries SET {assignments} WHERE id = ?",  # noqa: S608 - fixed names
                (*columns.values(), entry["id"]),
            )
        except INTEGRITY_ERRORS as error:
            raise ValidationError(
                {"photo": N_("You have already entered this photo in this contest.")}
            ) from error
        await _save_hashtags(tx, entry["id"], text.hashtags)
    # The old share card (its title or photo changed) and, with a new photo, the old files.
    old_card = [entry["share_card_key"]] if entry["share_card_key"] else []
    await release_files(db, storage, old_keys if photo is not None else old_card)


async def withdraw_entry(
    db: Database, *, entry: Row, contest: Contest, user: User, now: datetime
) -> None:
    """Take an entry out of the contest (it stays in the participant's list as withdrawn)."""
    _ensure_changeable(entry, contest, user, now)
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE entries SET status = 'withdrawn', updated_at = ? WHERE id = ?",
            (to_db(now), entry["id"]),
        )


def restore_problem(contest: Contest, now: datetime) -> Message | None:
    """Why a withdrawn entry of this contest cannot be restored right now, or None."""
    if not contest.schedule.submissions_are_open(now):
        return N_(
            "Submissions for this contest have closed, so a withdrawn entry can no longer be"
            " restored."
        )
    return None


async def restorable_ids(db: Database, entries: list[Row], now: datetime) -> set[int]:
    """Which of these (a participant's) entries are withdrawn and could be restored now."""
    withdrawn = [entry for entry in entries if entry["status"] == "withdrawn"]
    open_contests: dict[int, bool] = {}
    for entry in withdrawn:
        contest_id = entry["contest_id"]
        if contest_id not in open_contests:
            contest = await get_contest(db, contest_id)
            open_contests[contest_id] = restore_problem(contest, now) is None
    return {entry["id"] for entry in withdrawn if open_contests[entry["contest_id"]]}


async def restore_entry(
    db: Database, *, entry: Row, contest: Contest, user: User, now: datetime
) -> None:
    """Bring a withdrawn entry back into the contest while submissions are open.

    It goes back to review (pending), whatever it was before it was withdrawn: nothing records
    that status, and the organizers see the photo again before it returns to the gallery. It
    counts toward the entry limit again, so a participant at the limit is refused.
    """
    if entry["participant_id"] != user.id:
        raise Forbidden(N_("You can only restore your own entries."))
    if problem := restore_problem(contest, now):
        raise Conflict(problem)
    async with db.transaction() as tx:
        limit = contest.settings.max_entries_per_participant
        if await count_entries(tx, contest_id=contest.id, user_id=user.id) >= limit:
            raise Conflict(limit_message(limit, then="restore"))
        changed = await tx.execute_rowcount(
            "UPDATE entries SET status = 'pending', rejection_reason = NULL, updated_at = ?"
            " WHERE id = ? AND status = 'withdrawn'",
            (to_db(now), entry["id"]),
        )
        if changed != 1:
            raise Conflict(N_("This entry is not withdrawn, so there is nothing to restore."))


async def delete_entry(db: Database, storage: Storage, *, entry: Row, user: User) -> None:
    """Remove a withdrawn or rejected entry for good, with every file it used."""
    if entry["participant_id"] != user.id and not user.is_organizer:
        raise Forbidden(N_("You can only delete your own entries."))
    if entry["status"] not in ("withdrawn", "rejected") and not user.is_organizer:
        raise Conflict(N_("Withdraw the entry before deleting it."))
    async with db.transaction() as tx:
        # The files as they are now: the master job may have recorded a master since the
        # caller read the entry.
        current = await _keys_now(tx, entry["id"])
        await tx.execute("DELETE FROM entries WHERE id = ?", (entry["id"],))
    keys = [entry[column] for column in KEY_COLUMNS if entry[column]]
    await release_files(db, storage, [*keys, *current])
