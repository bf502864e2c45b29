"""Lists organizers upload as CSV files (recipients, invitations, departments, like readings):
the file's text, its delimiter, its non-blank rows with the line each starts on, and headings
compared loosely. Every refusal is a ValidationError on the form's field, saying what to do."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from contest.core.errors import ValidationError

#: The first bytes of an .xlsx (a zip) and of an old .xls: a workbook, not a CSV file.
EXCEL_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
SAVE_AS_UTF8 = "Save the file as “CSV UTF-8” and upload it again."
DELIMITERS = ",;\t"
#: Bad lines of a refused import listed one by one; the rest are counted.
MAX_SHOWN_PROBLEMS = 50


@dataclass(frozen=True)
class Problem:
    """A line of an import that cannot be taken, and why."""

    line: int
    text: str
    reason: str


class ImportRefused(ValidationError):
    """An import with bad lines: nothing was stored; ``problems`` says what to fix."""

    def __init__(self, problems: Sequence[Problem], *, field: str) -> None:
        count = len(problems)
        super().__init__(
            {
                field: f"Nothing was imported: {count} line{'s' if count != 1 else ''}"
                " of the file need another look (listed below)."
            }
        )
        self.problems = list(problems)[:MAX_SHOWN_PROBLEMS]
        self.more = max(0, count - MAX_SHOWN_PROBLEMS)


def decode(data: bytes, *, field: str, too_big: str, max_bytes: int, legacy: bool = False) -> str:
    """The text of an uploaded file: UTF-8 with or without its BOM, and, when ``legacy``, UTF-16
    with a BOM or else Windows-1252 (older Excel's "CSV"); ``too_big`` is the message for a
    file over ``max_bytes``. A workbook, a binary file or text in another encoding is refused."""
    if len(data) > max_bytes:
        raise ValidationError({field: too_big})
    if data.startswith(EXCEL_SIGNATURES):
        raise ValidationError({field: "This is a spreadsheet workbook, not CSV. " + SAVE_AS_UTF8})
    if legacy and data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            if legacy:
                text = data.decode("cp1252", errors="replace")
            else:
                line = data[: error.start].count(b"\n") + 1
                raise ValidationError(
                    {field: f"Line {line} is not UTF-8 text. " + SAVE_AS_UTF8}
                ) from error
    if "\x00" in text:
        raise ValidationError({field: "This file is not plain text. " + SAVE_AS_UTF8})
    return text


def delimiter_of(text: str) -> str:
    """The delimiter the first non-blank line uses most (comma, semicolon or tab; else comma)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {mark: first.count(mark) for mark in DELIMITERS}
    best = max(counts, key=lambda mark: counts[mark])
    return best if counts[best] else ","


def heading(cell: str) -> str:
    """A heading as compared: lower case, letters and digits only ("E-mail " is "email")."""
    return "".join(char for char in cell.lower() if char.isalnum())


def rows(text: str, *, field: str, delimiter: str | None = None) -> Iterator[tuple[int, list[str]]]:
    """The non-blank rows with the line each starts on (a quoted cell may span lines); a row
    that cannot be read as CSV is refused with its line."""
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter or delimiter_of(text), strict=True
    )
    line = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield line, row
            line = reader.line_num + 1
    except csv.Error as error:
        raise ValidationError(
            {field: f"Line {line} could not be read as CSV ({error}). " + SAVE_AS_UTF8}
        ) from error
