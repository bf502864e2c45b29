"""Mailing lists for campaigns: a CSV file or pasted addresses, with every bad row reported.

Two shapes are read. A file whose first row names its columns (``email``, optional ``name``, any
others ignored), or plain addresses: one per line, or several on a line
separated by commas or semicolons, each optionally written ``Name <address>``. Nothing is
dropped silently: each row that is not kept becomes a Problem with its line number and reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from contest.accounts.emails import email_error, is_throwaway, mailbox
from contest.accounts.users import MAX_NAME
from contest.core import csv_files
from contest.core.errors import ValidationError
from contest.core.text_encodings import Reading

MAX_LIST_BYTES = 1024 * 1024
MAX_LIST_ROWS = 5_000
MAX_SHOWN_TEXT = 200
FIELD = "recipients"
EMAIL_HEADINGS = frozenset({"email", "emailaddress", "mail", "mailaddress"})
NAME_HEADINGS = frozenset({"name", "fullname", "displayname"})
#: A comma or semicolon separates addresses, except inside a quoted display name.
_ITEM = re.compile(r'(?:"[^"]*"|[^,;"])+|"[^"]*$')
_NAMED = re.compile(r"^(?P<name>[^<>]*)<(?P<email>[^<>]*)>$")


@dataclass(frozen=True)
class Recipient:
    """One address to mail, as given, with the mailbox it delivers to."""

    line: int
    email: str
    mailbox: str
    name: str = ""


@dataclass(frozen=True)
class Problem:
    """A row that was not kept, and why."""

    line: int
    text: str
    reason: str


@dataclass
class MailingList:
    """The addresses kept and the rows refused, in the order they were read."""

    recipients: list[Recipient] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def drop_mailboxes(self, mailboxes: set[str], reason: str) -> None:
        """Move the recipients whose mailbox is in the set to the problems, with the reason."""
        dropped = [r for r in self.recipients if r.mailbox in mailboxes]
        self.recipients = [r for r in self.recipients if r.mailbox not in mailboxes]
        self.problems.extend(Problem(r.line, r.email, reason) for r in dropped)
        self.problems.sort(key=lambda problem: problem.line)


def list_readings(data: bytes, *, encoding: str = "") -> list[Reading]:
    """An uploaded list's text: UTF-8 (with or without BOM) or UTF-16, or else each legacy
    encoding that reads it (GB18030, Big5, Windows-1252), the likeliest or ``encoding`` first."""
    too_big = f"The file is {len(data) / 1024 / 1024:.1f} MB; lists must stay under 1 MB."
    return csv_files.readings(
        data, field=FIELD, too_big=too_big, max_bytes=MAX_LIST_BYTES, encoding=encoding
    )


def decode_list(data: bytes, *, encoding: str = "") -> str:
    """The text of an uploaded list, read as ``list_readings`` reads it first."""
    return list_readings(data, encoding=encoding)[0].text


def confirmed_text(data: bytes, *, encoding: str = "") -> str:
    """The text of an uploaded list in UTF-8 or UTF-16, or in the legacy ``encoding`` the
    organizer confirmed; a guessed one is EncodingToConfirm with every reading."""
    return csv_files.confirmed(list_readings(data, encoding=encoding), encoding).text


class _Reader:
    """Checks rows one by one, remembering mailboxes already seen."""

    def __init__(self, existing: Mapping[str, str]) -> None:
        self.existing = existing
        self.seen: dict[str, tuple[int, str]] = {}
        self.rows = 0
        self.result = MailingList()

    def count_row(self) -> None:
        self.rows += 1
        if self.rows > MAX_LIST_ROWS:
            raise ValidationError(
                {FIELD: f"The list has more than {MAX_LIST_ROWS:,} addresses; split it in parts."}
            )

    def refuse(self, line: int, text: str, reason: str) -> None:
        self.result.problems.append(Problem(line, text.strip()[:MAX_SHOWN_TEXT], reason))

    def take(self, line: int, text: str, email: str, name: str = "") -> None:
        """Keep the address, or record why not."""
        email = email.strip().strip('"').strip()
        if email.lower().startswith("mailto:"):
            email = email[len("mailto:") :]
        lowered = email.lower()
        name = " ".join(name.split())
        if not email:
            return self.refuse(line, text, "no email address")
        if email_error(lowered):
            return self.refuse(line, text, "not a valid email address")
        if is_throwaway(lowered):
            return self.refuse(line, text, "throw-away address (disposable-mail service)")
        box = mailbox(lowered)
        if box in self.seen:
            first_line, first_email = self.seen[box]
            same = "" if first_email.lower() == lowered else f" ({first_email}: same mailbox)"
            return self.refuse(line, text, f"duplicate of line {first_line}{same}")
        if box in self.existing:
            return self.refuse(
                line, text, f"already on this campaign's list ({self.existing[box]})"
            )
        if len(name) > MAX_NAME:
            return self.refuse(line, text, f"name longer than {MAX_NAME} characters")
        self.seen[box] = (line, email)
        self.result.recipients.append(Recipient(line, email, box, name))
        return None


def _read_table(reader: _Reader, text: str, delimiter: str) -> None:
    rows = csv_files.rows(text, field=FIELD, delimiter=delimiter)
    _, header = next(rows)
    headings = [csv_files.heading(cell) for cell in header]
    email_at = next((i for i, h in enumerate(headings) if h in EMAIL_HEADINGS), None)
    if email_at is None:
        found = ", ".join(cell.strip() for cell in header if cell.strip())
        if len(found) > MAX_SHOWN_TEXT:
            found = found[:MAX_SHOWN_TEXT] + "…"
        raise ValidationError(
            {FIELD: f"The first row looks like column headings ({found}) but none is “email”."}
        )
    name_at = next((i for i, h in enumerate(headings) if h in NAME_HEADINGS), None)

    def cell(row: list[str], index: int | None) -> str:
        return row[index] if index is not None and index < len(row) else ""

    for line, row in rows:
        reader.count_row()
        reader.take(line, delimiter.join(row), cell(row, email_at), cell(row, name_at))


def _read_loose(reader: _Reader, text: str) -> None:
    for line, content in enumerate(text.splitlines(), start=1):
        for item in _ITEM.findall(content):
            if not item.strip():
                continue
            reader.count_row()
            named = _NAMED.match(item.strip())
            if named:
                name = named["name"].strip().strip('"')
                reader.take(line, item, named["email"], name)
            else:
                reader.take(line, item, item)


def parse_list(text: str, *, existing: Mapping[str, str] | None = None) -> MailingList:
    """Read a list; ``existing`` maps mailboxes already on the campaign to how they got there."""
    reader = _Reader(existing or {})
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        return reader.result
    delimiter = csv_files.delimiter_of(text)
    cells = [csv_files.heading(cell) for cell in first.split(delimiter)]
    looks_like_headings = "@" not in first and (
        len(cells) > 1 or any(cell in EMAIL_HEADINGS for cell in cells)
    )
    if looks_like_headings:
        _read_table(reader, text, delimiter)
    else:
        _read_loose(reader, text)
    return reader.result


def read_list(
    source: str | bytes, *, existing: Mapping[str, str] | None = None, encoding: str = ""
) -> MailingList:
    """Decode an uploaded file (bytes; when it is not UTF-8, EncodingToConfirm until the
    organizer confirms an ``encoding``) or take pasted text (str), and read it as a list.

    CPU-bound on a large file: callers on the event loop run it in a worker thread.
    """
    text = confirmed_text(source, encoding=encoding) if isinstance(source, bytes) else source
    return parse_list(text, existing=existing)
