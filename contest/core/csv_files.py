"""Lists organizers upload as CSV files (recipients, invitations, departments, like readings):
the file's text (its encoding guessed when it is not UTF-8: see text_encodings), its delimiter,
its non-blank rows with the line each starts on, and headings compared loosely. Every refusal
is a ValidationError on the form's field, saying what to do."""

from __future__ import annotations

import base64
import binascii
import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from contest.core import text_encodings
from contest.core.errors import ValidationError
from contest.core.text_encodings import Reading
from contest.i18n import N_, Nn_

#: The first bytes of an .xlsx (a zip) and of an old .xls: a workbook, not a CSV file.
EXCEL_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
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
                field: Nn_(
                    "Nothing was imported: %(count)d line of the file needs another look"
                    " (listed below).",
                    "Nothing was imported: %(count)d lines of the file need another look"
                    " (listed below).",
                    count,
                )
            }
        )
        self.problems = list(problems)[:MAX_SHOWN_PROBLEMS]
        self.more = max(0, count - MAX_SHOWN_PROBLEMS)


class EncodingToConfirm(Exception):
    """A file that is not UTF-8: its likeliest reading and the others, for the organizer to
    choose from before anything is kept."""

    def __init__(self, found: Sequence[Reading]) -> None:
        super().__init__(f"The file reads best as {found[0].label}; confirm the encoding.")
        self.readings = list(found)


def confirmed(found: Sequence[Reading], encoding: str) -> Reading:
    """The reading to keep: the first, unless it was guessed and ``encoding`` is empty (then
    EncodingToConfirm, listing them all)."""
    if found[0].legacy and not encoding:
        raise EncodingToConfirm(found)
    return found[0]


def readings(
    data: bytes, *, field: str, too_big: str, max_bytes: int, encoding: str = ""
) -> list[Reading]:
    """An uploaded file's text, first as it is read and then the other ways it could be: UTF-8
    with or without its BOM and UTF-16 with a BOM are read alone; other bytes in each legacy
    encoding that decodes them (GB18030, Big5, Windows-1252), the likeliest first, unless
    ``encoding`` (one of them, as the organizer chose) says which comes first. ``too_big`` is
    the message for a file over ``max_bytes``; a workbook or a binary file is refused."""
    if len(data) > max_bytes:
        raise ValidationError({field: too_big})
    if data.startswith(EXCEL_SIGNATURES):
        raise ValidationError(
            {
                field: N_(
                    "This is a spreadsheet workbook, not CSV. Save the file as “CSV UTF-8” and"
                    " upload it again."
                )
            }
        )
    found = _unicode_reading(data) or text_encodings.legacy_readings(data)
    if not found:
        raise ValidationError(
            {
                field: N_(
                    "The file is not text in UTF-8, GB18030, Big5 or Windows-1252. Save the file"
                    " as “CSV UTF-8” and upload it again."
                )
            }
        )
    if encoding and encoding != found[0].encoding:
        chosen = [reading for reading in found if reading.encoding == encoding]
        if not chosen:
            label = text_encodings.LABELS.get(encoding)
            refusal = N_(
                "The file cannot be read as %(encoding)s. Save the file as “CSV UTF-8” and upload"
                " it again.",
                encoding=label,
            )
            if label is None:
                refusal = N_(
                    "The file cannot be read as that encoding. Save the file as “CSV UTF-8” and"
                    " upload it again."
                )
            raise ValidationError({field: refusal})
        found = chosen + [reading for reading in found if reading.encoding != encoding]
    if "\x00" in found[0].text:
        raise ValidationError(
            {
                field: N_(
                    "This file is not plain text. Save the file as “CSV UTF-8” and upload it again."
                )
            }
        )
    return found


def _unicode_reading(data: bytes) -> list[Reading]:
    """The file read as UTF-16 (with its BOM) or UTF-8; empty if it is neither."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return [Reading("utf-16", data.decode("utf-16"))]
        except UnicodeDecodeError:
            return []
    try:
        return [Reading("utf-8", data.decode("utf-8-sig"))]
    except UnicodeDecodeError:
        return []


def decode(data: bytes, *, field: str, too_big: str, max_bytes: int, legacy: bool = False) -> str:
    """The text of an uploaded file: UTF-8 with or without its BOM, and, when ``legacy``, UTF-16
    with a BOM or the likeliest of GB18030, Big5 and Windows-1252 (see ``readings``); without
    ``legacy`` text in another encoding is refused with its line."""
    if not legacy and len(data) <= max_bytes and not data.startswith(EXCEL_SIGNATURES):
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise ValidationError(
                {
                    field: N_(
                        "Line %(line)d is not UTF-8 text. Save the file as “CSV UTF-8” and upload"
                        " it again.",
                        line=line,
                    )
                }
            ) from error
    return readings(data, field=field, too_big=too_big, max_bytes=max_bytes)[0].text


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
            {
                field: N_(
                    "Line %(line)d could not be read as CSV (%(error)s). Save the file as"
                    " “CSV UTF-8” and upload it again.",
                    line=line,
                    error=str(error),
                )
            }
        ) from error


def carried(file_data: str, *, field: str) -> bytes:
    """A file's bytes as a preview carried them back in a hidden field (base64), so the
    organizer can confirm how it is written without choosing it again."""
    try:
        return base64.b64decode(file_data, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValidationError(
            {field: N_("The file did not come back whole. Choose it again.")}
        ) from error
