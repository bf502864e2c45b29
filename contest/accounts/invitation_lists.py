"""Lists of people to invite, from a CSV file or pasted lines: every row checked alone and
against the file's other rows, each bad one named with its line number and reason.

A file whose first row names its columns (``email``, optional ``name`` and ``department``,
other columns ignored), or rows without headings: the cell holding an ``@`` is the address,
the others are the name and then the department.
"""

from __future__ import annotations

from dataclasses import dataclass

from contest.accounts.emails import email_error, is_throwaway, mailbox, normalize_email
from contest.accounts.users import MAX_DEPARTMENT, MAX_NAME
from contest.core import csv_files
from contest.core.errors import ValidationError
from contest.core.forms import clean_text
from contest.core.text_encodings import Reading
from contest.i18n import N_, number

#: Small enough to travel back in the confirm form's hidden field.
MAX_LIST_BYTES = 60 * 1024
MAX_LIST_ROWS = 500
MAX_SHOWN_TEXT = 200
FIELD = "people"
EMAIL_HEADINGS = frozenset({"email", "emailaddress", "mail", "mailaddress"})
NAME_HEADINGS = frozenset({"name", "fullname", "displayname"})
DEPARTMENT_HEADINGS = frozenset({"department", "dept", "departmentcode", "deptcode", "faculty"})


@dataclass(frozen=True)
class Problem:
    """A row that cannot be used, and why."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Person:
    """A row that reads well: the address as stored, its mailbox, name and department."""

    line: int
    email: str
    mailbox: str
    name: str = ""
    department: str = ""
    #: The row as written (shortened), to show it whole should a later check refuse it.
    text: str = ""


def list_readings(data: bytes, *, encoding: str = "") -> list[Reading]:
    """An uploaded list's text: UTF-8 (with or without BOM) or UTF-16, or else each legacy
    encoding that reads it (GB18030, Big5, Windows-1252), the likeliest or ``encoding`` first."""
    too_big = N_(
        "The file is %(size)s KB; a list must stay under %(limit)s KB.",
        size=number(round(len(data) / 1024)),
        limit=number(MAX_LIST_BYTES // 1024),
    )
    return csv_files.readings(
        data, field=FIELD, too_big=too_big, max_bytes=MAX_LIST_BYTES, encoding=encoding
    )


def decode_list(data: bytes) -> str:
    """The text of an uploaded list, as ``list_readings`` reads it first."""
    return list_readings(data)[0].text


@dataclass(frozen=True)
class _Columns:
    email: int
    name: int | None
    department: int | None


def _columns(header: list[str]) -> _Columns:
    """Where the address, name and department are, from a row of headings."""
    headings = [csv_files.heading(cell) for cell in header]

    def find(names: frozenset[str]) -> int | None:
        return next((i for i, h in enumerate(headings) if h in names), None)

    email_at = find(EMAIL_HEADINGS)
    if email_at is None:
        found = ", ".join(cell.strip() for cell in header if cell.strip())[:MAX_SHOWN_TEXT]
        raise ValidationError(
            {
                FIELD: N_(
                    "The first row looks like column headings (%(headings)s) but none is “email”.",
                    headings=found,
                )
            }
        )
    return _Columns(email_at, find(NAME_HEADINGS), find(DEPARTMENT_HEADINGS))


def _cells(row: list[str], columns: _Columns | None) -> tuple[str, str, str] | None:
    """The address, name and department of a row; None when a row without headings has more
    cells than those three."""
    if columns is not None:

        def cell(index: int | None) -> str:
            return row[index] if index is not None and index < len(row) else ""

        return cell(columns.email), cell(columns.name), cell(columns.department)
    filled = [cell for cell in row if cell.strip()]
    email = next((cell for cell in filled if "@" in cell), "")
    others = [cell for cell in filled if cell is not email]
    if len(others) > 2:
        return None
    name, department = [*others, "", ""][:2]
    return email, name, department


class _Checker:
    """Checks rows one by one, remembering the mailboxes already seen."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}
        self.people: list[Person] = []
        self.problems: list[Problem] = []

    def check(self, line: int, text: str, cells: tuple[str, str, str] | None) -> None:
        """Keep the row as a person, or record why not."""
        if cells is None:
            reason = N_("more cells than a name, an address and a department: add a heading row")
            return self.refuse(line, text, reason)
        raw, name, department = (clean_text(cell) for cell in cells)
        email = normalize_email(raw.strip().strip('"').removeprefix("mailto:"))
        name, department = " ".join(name.split()), " ".join(department.split()).upper()
        if not email:
            return self.refuse(line, text, N_("no email address"))
        if email_error(email):
            return self.refuse(line, text, N_("not a valid email address"))
        if is_throwaway(email):
            return self.refuse(line, text, N_("throw-away address (disposable-mail service)"))
        box = mailbox(email)
        if box in self.seen:
            duplicate = N_("duplicate of line %(line)d (same mailbox)", line=self.seen[box])
            return self.refuse(line, text, duplicate)
        if len(name) > MAX_NAME:
            too_long = N_("name longer than %(most)d characters", most=MAX_NAME)
            return self.refuse(line, text, too_long)
        if len(department) > MAX_DEPARTMENT:
            too_long = N_("department longer than %(most)d characters", most=MAX_DEPARTMENT)
            return self.refuse(line, text, too_long)
        self.seen[box] = line
        self.people.append(Person(line, email, box, name, department, _shown(text)))
        return None

    def refuse(self, line: int, text: str, reason: str) -> None:
        """Record a bad row."""
        self.problems.append(Problem(line, _shown(text), reason))


def _shown(text: str) -> str:
    """A row as the preview shows it: cleaned and shortened."""
    return clean_text(text).strip()[:MAX_SHOWN_TEXT]


def read_people(source: str | bytes) -> tuple[list[Person], list[Problem]]:
    """The rows of an uploaded file (bytes) or pasted text (str): the people who read well,
    and the problems of the other rows, by line."""
    text = decode_list(source) if isinstance(source, bytes) else source
    if len(text.encode()) > MAX_LIST_BYTES:
        raise ValidationError(
            {
                FIELD: N_(
                    "The list is over %(limit)s KB. Split it and invite in parts.",
                    limit=number(MAX_LIST_BYTES // 1024),
                )
            }
        )
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        raise ValidationError({FIELD: N_("Upload a CSV file or paste the addresses to invite.")})
    delimiter = csv_files.delimiter_of(text)
    rows = csv_files.rows(text, field=FIELD, delimiter=delimiter)
    columns = None
    if "@" not in first:
        columns = _columns(next(rows)[1])
    checker = _Checker()
    for count, (line, row) in enumerate(rows, start=1):
        if count > MAX_LIST_ROWS:
            raise ValidationError(
                {
                    FIELD: N_(
                        "The list has more than %(most)s people; invite them in parts.",
                        most=number(MAX_LIST_ROWS),
                    )
                }
            )
        checker.check(line, delimiter.join(row), _cells(row, columns))
    if not checker.people and not checker.problems:
        raise ValidationError({FIELD: N_("The list has headings but nobody to invite.")})
    return checker.people, checker.problems
