"""Likes from elsewhere: like counts an organizer read from a social network, per entry.

Each reading is a snapshot (the count, the moment it was read in the contest's time zone, who
typed it), never overwritten: a new reading is a new row, and the latest read counts. Typed one
at a time or imported from a CSV file, all or nothing, every bad line named with its number.
Every change goes to the contest's audit log.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from contest.contests.model import Contest
from contest.core import audit_log, csv_files
from contest.core.clock import from_db, local_input_value, parse_local_input, to_db
from contest.core.csv_files import ImportRefused, Problem
from contest.core.db import Database, Row, Transaction
from contest.core.errors import Conflict, ValidationError
from contest.core.forms import clean_text, whole_number
from contest.i18n import N_, Message, Nn_, number
from contest.voting import tallies

MAX_LIKES = 100_000_000
MAX_FILE_BYTES = 256 * 1024
MAX_FILE_ROWS = 5_000
MAX_SHOWN_TEXT = 120
FILE_FIELD = "csv_file"
#: A reading may be dated a little ahead of the server's clock (a phone's clock runs fast).
CLOCK_SLACK = timedelta(minutes=5)
ENTRY_HEADINGS = frozenset({"entry", "entrynumber", "entryno", "number", "no", "id", "entryid"})
COUNT_HEADINGS = frozenset({"count", "likes", "likecount", "likescount"})
READ_HEADINGS = frozenset({"readat", "read", "time", "date", "when", "readon"})
PUBLISHED = N_(
    "The results are published and People's Choice was decided on the readings as they were,"
    " so no reading can be added."
)


@dataclass(frozen=True)
class Reading:
    """One stored reading of an entry's likes elsewhere."""

    id: int
    entry_id: int
    entry_title: str
    likes: int
    read_at: datetime
    recorded_by: str
    recorded_at: datetime
    source: str


@dataclass(frozen=True)
class EntryLikes:
    """An approved entry with its likes on this site and its latest outside reading."""

    entry_id: int
    title: str
    author: str
    site_likes: int
    latest: Reading | None


@dataclass(frozen=True)
class _Checked:
    entry_id: int
    likes: int
    read_at: datetime


def _likes_problem(text: str) -> tuple[int | None, Message | None]:
    """The count typed, or why it cannot be one."""
    text = text.strip().replace(",", "").replace("_", "")
    if not text:
        return None, N_("Type the number of likes.")
    if text.startswith("-") and whole_number(text[1:]) is not None:
        return None, N_("A count of likes cannot be negative.")
    count = whole_number(text)
    if count is None:
        return None, N_("The count of likes must be a whole number, such as 120.")
    if count > MAX_LIKES:
        return None, N_(
            "%(count)s likes is more than any photo gets (at most %(maximum)s).",
            count=number(count, locale="en"),
            maximum=number(MAX_LIKES, locale="en"),
        )
    return count, None


def _read_at_problem(
    text: str, tz_name: str, now: datetime
) -> tuple[datetime | None, Message | None]:
    """The moment typed (in the contest's time zone), or why it cannot be one."""
    if not text.strip():
        return None, N_("Give the date and time the count was read.")
    try:
        moment = parse_local_input(text, tz_name)
    except ValueError:
        return None, N_("Use a date and time such as 2026-05-15 18:00.")
    if moment > now + CLOCK_SLACK:
        return None, N_("That moment is still to come: give the time the count was read.")
    return moment, None


async def _entries(db: Database | Transaction, contest_id: int) -> dict[int, str]:
    """The contest's approved entries by number, with their titles."""
    rows = await db.fetch_all(
        "SELECT id, title FROM entries WHERE contest_id = ? AND status = 'approved'",
        (contest_id,),
    )
    return {row["id"]: row["title"] for row in rows}


def _entry_problem(text: str, entries: dict[int, str]) -> tuple[int | None, Message | None]:
    """The entry number typed, or why it names no entry of this contest's gallery."""
    entry_id = whole_number(text.strip().lstrip("#"))
    if entry_id is None:
        return None, N_("Give the entry's number, such as 16 or #16.")
    if entry_id not in entries:
        return None, N_("#%(number)s is not an entry in this contest's gallery.", number=entry_id)
    return entry_id, None


def _one_after_another(reasons: list[Message]) -> Message:
    """Sentences one after another (with a space in English, none in Chinese)."""
    joined = reasons[0]
    for reason in reasons[1:]:
        joined = N_("%(first)s %(then)s", first=joined, then=reason)
    return joined


async def _ensure_open(db: Database | Transaction, contest: Contest) -> None:
    """Refuse a reading once published results were decided on the readings."""
    published = await db.fetch_value(
        "SELECT results_published_at FROM contests WHERE id = ?", (contest.id,)
    )
    if published is not None and tallies.counts_outside(contest.settings):
        raise Conflict(PUBLISHED)


def _likes_named(contest: Contest) -> str:
    """The likes as the audit log names them: "Instagram likes", or before a network is
    named "Likes elsewhere (no network named yet)"."""
    network = contest.settings.external_network
    return f"{network} likes" if network else "Likes elsewhere (no network named yet)"


async def _store(
    tx: Transaction, readings: list[_Checked], *, actor_id: int | None, source: str, now: datetime
) -> None:
    for reading in readings:
        await tx.execute(
            "INSERT INTO external_like_readings"
            " (entry_id, likes, read_at, recorded_by, recorded_at, source)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (reading.entry_id, reading.likes, to_db(reading.read_at), actor_id, to_db(now), source),
        )


async def _audit(
    tx: Transaction, contest: Contest, details: str, *, actor_id: int | None, now: datetime
) -> None:
    await audit_log.record(
        tx,
        contest_id=contest.id,
        actor_id=actor_id,
        action="external_likes",
        details=details,
        now=now,
    )


def _when(moment: datetime, tz_name: str) -> str:
    """A moment as the audit log writes it: local time and the zone."""
    return f"{local_input_value(moment, tz_name).replace('T', ' ')} {tz_name}"


async def record_reading(
    db: Database,
    *,
    contest: Contest,
    entry: str,
    likes: str,
    read_at: str,
    actor_id: int | None,
    now: datetime,
) -> int:
    """Store one reading typed on the form (as a new snapshot) and audit it; ValidationError
    naming each bad field (``entry``, ``likes``, ``read_at``). Returns the entry's number."""
    await _ensure_open(db, contest)
    errors: dict[str, str] = {}
    entry_id, problem = _entry_problem(entry, await _entries(db, contest.id))
    if problem:
        errors["entry"] = problem
    count, problem = _likes_problem(likes)
    if problem:
        errors["likes"] = problem
    moment, problem = _read_at_problem(read_at, contest.settings.timezone, now)
    if problem:
        errors["read_at"] = problem
    if errors or entry_id is None or count is None or moment is None:
        raise ValidationError(errors)
    async with db.transaction() as tx:
        await _store(
            tx, [_Checked(entry_id, count, moment)], actor_id=actor_id, source="form", now=now
        )
        details = (
            f"{_likes_named(contest)} of entry #{entry_id}: {count:,},"
            f" read {_when(moment, contest.settings.timezone)} (typed on the form)."
        )
        await _audit(tx, contest, details, actor_id=actor_id, now=now)
    return entry_id


def _decode(data: bytes) -> str:
    """The text of an uploaded file, or a ValidationError saying why it cannot be read."""
    if not data.strip():
        raise ValidationError({FILE_FIELD: N_("Choose a CSV file of entry numbers and counts.")})
    too_big = N_(
        "The file is %(size)s KB; keep it under %(maximum)s KB.",
        size=number(round(len(data) / 1024), locale="en"),
        maximum=number(MAX_FILE_BYTES // 1024, locale="en"),
    )
    text = csv_files.decode(data, field=FILE_FIELD, too_big=too_big, max_bytes=MAX_FILE_BYTES)
    return clean_text(text)


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """The file's non-blank rows with the line each starts on, cells trimmed."""
    for line, row in csv_files.rows(text, field=FILE_FIELD):
        yield line, [cell.strip() for cell in row]


def _columns(header: list[str]) -> tuple[int, int, int | None] | None:
    """The entry's, the count's and the read-at column when the first row is a header."""
    headings = [csv_files.heading(cell) for cell in header]

    def find(names: frozenset[str]) -> int | None:
        return next((i for i, heading in enumerate(headings) if heading in names), None)

    entry_at, count_at = find(ENTRY_HEADINGS), find(COUNT_HEADINGS)
    if entry_at is None or count_at is None:
        return None
    return entry_at, count_at, find(READ_HEADINGS)


def _check_rows(
    rows: list[tuple[int, list[str]]],
    columns: tuple[int, int, int | None],
    *,
    entries: dict[int, str],
    default_read_at: str,
    contest: Contest,
    now: datetime,
) -> tuple[list[_Checked], list[Problem]]:
    """Every row checked: the readings, and each bad line with its reason."""
    entry_at, count_at, read_at = columns
    checked: list[_Checked] = []
    problems: list[Problem] = []
    seen: dict[tuple[int, datetime], int] = {}
    for line, row in rows:

        def cell(index: int | None, row: list[str] = row) -> str:
            return row[index] if index is not None and index < len(row) else ""

        text = ",".join(row)[:MAX_SHOWN_TEXT]
        entry_id, problem = _entry_problem(cell(entry_at), entries)
        count, count_problem = _likes_problem(cell(count_at))
        moment, time_problem = _read_at_problem(
            cell(read_at) or default_read_at, contest.settings.timezone, now
        )
        reasons = [reason for reason in (problem, count_problem, time_problem) if reason]
        if entry_id is not None and moment is not None and (entry_id, moment) in seen:
            reasons.append(
                N_(
                    "#%(number)s at this time is already on line %(line)s.",
                    number=entry_id,
                    line=seen[entry_id, moment],
                )
            )
        if reasons or entry_id is None or count is None or moment is None:
            problems.append(Problem(line, text, _one_after_another(reasons)))
            continue
        seen[entry_id, moment] = line
        checked.append(_Checked(entry_id, count, moment))
    return checked, problems


async def import_readings(
    db: Database,
    data: bytes,
    *,
    contest: Contest,
    default_read_at: str,
    actor_id: int | None,
    now: datetime,
) -> int:
    """Store every reading of a CSV file (entry number, count, optionally read-at; rows
    without their own time take ``default_read_at``), all or nothing: ImportRefused names
    each bad line. Returns how many readings were stored."""
    await _ensure_open(db, contest)
    rows = list(_rows(_decode(data)))
    if not rows:
        raise ValidationError({FILE_FIELD: N_("The file has no lines with counts.")})
    columns = _columns(rows[0][1])
    if columns is None:
        columns = (0, 1, 2)
    else:
        rows = rows[1:]
    if len(rows) > MAX_FILE_ROWS:
        raise ValidationError(
            {
                FILE_FIELD: N_(
                    "The file has %(count)s lines; at most %(maximum)s at once.",
                    count=number(len(rows), locale="en"),
                    maximum=number(MAX_FILE_ROWS, locale="en"),
                )
            }
        )
    if not rows:
        raise ValidationError({FILE_FIELD: N_("The file has headings but no lines with counts.")})
    checked, problems = _check_rows(
        rows,
        columns,
        entries=await _entries(db, contest.id),
        default_read_at=default_read_at,
        contest=contest,
        now=now,
    )
    if problems:
        raise ImportRefused(problems, field=FILE_FIELD)
    async with db.transaction() as tx:
        await _store(tx, checked, actor_id=actor_id, source="csv", now=now)
        listed = ", ".join(f"#{r.entry_id}: {r.likes:,}" for r in checked)
        # The audit log keeps English (a Message's str value).
        details = Nn_(
            "%(likes)s imported from a CSV file, %(count)d reading: %(listed)s.",
            "%(likes)s imported from a CSV file, %(count)d readings: %(listed)s.",
            len(checked),
            likes=_likes_named(contest),
            listed=listed,
        )
        await _audit(tx, contest, details, actor_id=actor_id, now=now)
    return len(checked)


def _reading(row: Row) -> Reading:
    return Reading(
        id=row["id"],
        entry_id=row["entry_id"],
        entry_title=row["title"],
        likes=row["likes"],
        read_at=from_db(row["read_at"]),
        recorded_by=row["recorded_by_name"] or "someone",
        recorded_at=from_db(row["recorded_at"]),
        source=row["source"],
    )


_READINGS = (
    "SELECT readings.*, entries.title, users.display_name AS recorded_by_name"
    " FROM external_like_readings AS readings JOIN entries ON entries.id = readings.entry_id"
    " LEFT JOIN users ON users.id = readings.recorded_by WHERE entries.contest_id = ?"
)


async def latest_readings(db: Database, contest_id: int) -> dict[int, Reading]:
    """Each approved entry's latest reading (the latest read, then the last typed)."""
    rows = await db.fetch_all(
        f"{_READINGS} AND entries.status = 'approved' AND {tallies.LATEST_READING}",
        (contest_id,),
    )
    return {row["entry_id"]: _reading(row) for row in rows}


async def history(db: Database, contest_id: int, *, entry_id: int | None = None) -> list[Reading]:
    """Every reading of the contest's entries (or of one entry), latest read first."""
    sql, params = _READINGS, [contest_id]
    if entry_id is not None:
        sql, params = f"{sql} AND entries.id = ?", [contest_id, entry_id]
    rows = await db.fetch_all(
        f"{sql} ORDER BY readings.read_at DESC, readings.id DESC", tuple(params)
    )
    return [_reading(row) for row in rows]


async def overview(db: Database, contest: Contest) -> list[EntryLikes]:
    """The contest's approved entries with their likes here and their latest outside reading."""
    rows = await db.fetch_all(
        "SELECT entries.id, entries.title, users.display_name,"  # noqa: S608 - fixed SQL
        f" {tallies.ENTRY_LIKES} AS likes"
        " FROM entries JOIN users ON users.id = entries.participant_id"
        " WHERE entries.contest_id = ? AND entries.status = 'approved' ORDER BY entries.id",
        (contest.id,),
    )
    latest = await latest_readings(db, contest.id)
    return [
        EntryLikes(
            row["id"], row["title"], row["display_name"], row["likes"], latest.get(row["id"])
        )
        for row in rows
    ]


async def recording_blocker(db: Database, contest: Contest) -> str | None:
    """Why no reading can be added now, or None."""
    try:
        await _ensure_open(db, contest)
    except Conflict as refused:
        return str(refused)
    return None
