"""Mailing lists for campaigns: a CSV file or pasted addresses, with every bad row reported.

Two shapes are read. A file whose first row names its columns (``email``, optional ``name`` and
``language``, any others ignored), or plain addresses: one per line, or several on a line
separated by commas or semicolons, each optionally written ``Name <address>``. Nothing is
dropped silently: each row that is not kept becomes a Problem with its line number and reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from contest.accounts.emails import email_error, is_throwaway, mailbox
from contest.accounts.users import MAX_NAME
from contest.core import csv_files
from contest.core.errors import ValidationError
from contest.core.text_encodings import Reading
from contest.i18n import LOCALES, N_, Message, locale_of_tag, number

MAX_LIST_BYTES = 1024 * 1024
MAX_LIST_ROWS = 5_000
MAX_SHOWN_TEXT = 200
FIELD = "recipients"
EMAIL_HEADINGS = frozenset({"email", "emailaddress", "mail", "mailaddress"})
NAME_HEADINGS = frozenset({"name", "fullname", "displayname"})
LANGUAGE_HEADINGS = frozenset({"language", "lang", "locale", "語言", "语言"})
#: Language names a list may hold besides tags (``en``, ``zh-HK``, ``zh-Hant``, ``zh-CN``):
#: compared as headings are. Chinese without a script reads as a bare ``zh`` tag does.
LANGUAGE_NAMES = {
    "english": "en",
    "英文": "en",
    "英語": "en",
    "英语": "en",
    "chinese": "zh_Hans",
    "中文": "zh_Hans",
    "traditionalchinese": "zh_Hant",
    "繁體": "zh_Hant",
    "繁体": "zh_Hant",
    "繁體中文": "zh_Hant",
    "繁体中文": "zh_Hant",
    "simplifiedchinese": "zh_Hans",
    "简体": "zh_Hans",
    "簡體": "zh_Hans",
    "简体中文": "zh_Hans",
    "簡體中文": "zh_Hans",
}
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
    #: The language the recipient reads, as far as known: the list's column for a row read
    #: from a file, the account's choice where a campaign knows it (None: unknown).
    locale: str | None = None


@dataclass(frozen=True)
class Problem:
    """A row that was not kept, and why (a Message: shown in the reader's language)."""

    line: int
    text: str
    reason: str


def language_of(cell: str) -> str | None:
    """The site's locale for a list's language cell (``zh-HK``, ``English``, ``繁體中文``), or
    None when it names no language the site writes in."""
    written = cell.strip()
    for locale, language in LOCALES.items():
        if written == language.name:
            return locale
    return LANGUAGE_NAMES.get(csv_files.heading(written)) or (
        locale_of_tag(written) if written.isascii() else None
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, Message):
        return {"message": message_json(value)}
    return value


def message_json(message: str) -> str | None:
    """A reason as stored beside its English: the Message's id and parameters (None for a
    plain text)."""
    if not isinstance(message, Message):
        return None
    params = {name: _jsonable(value) for name, value in message.params.items()}
    return json.dumps(
        {
            "msgid": message.msgid,
            "plural": message.plural,
            "count": message.quantity,
            "params": params,
        },
        ensure_ascii=False,
    )


def message_from_json(stored: str | None, english: str) -> str:
    """The reason as a Message again (translated where shown), or the English if none kept."""
    if not stored:
        return english
    data = json.loads(stored)
    params = {
        name: message_from_json(value["message"], "") if isinstance(value, dict) else value
        for name, value in data["params"].items()
    }
    return Message(data["msgid"], params, plural=data["plural"], count=data["count"])


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
    too_big = N_(
        "The file is %(size)s MB; lists must stay under 1 MB.",
        size=format(len(data) / 1024 / 1024, ".1f"),
    )
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
                {
                    FIELD: N_(
                        "The list has more than %(limit)s addresses; split it in parts.",
                        limit=number(MAX_LIST_ROWS),
                    )
                }
            )

    def refuse(self, line: int, text: str, reason: Message) -> None:
        self.result.problems.append(Problem(line, text.strip()[:MAX_SHOWN_TEXT], reason))

    def take(self, line: int, text: str, email: str, name: str = "", language: str = "") -> None:
        """Keep the address, or record why not."""
        email = email.strip().strip('"').strip()
        if email.lower().startswith("mailto:"):
            email = email[len("mailto:") :]
        lowered = email.lower()
        name = " ".join(name.split())
        if not email:
            return self.refuse(line, text, N_("no email address"))
        if email_error(lowered):
            return self.refuse(line, text, N_("not a valid email address"))
        if is_throwaway(lowered):
            return self.refuse(line, text, N_("throw-away address (disposable-mail service)"))
        box = mailbox(lowered)
        if box in self.seen:
            first_line, first_email = self.seen[box]
            if first_email.lower() == lowered:
                return self.refuse(line, text, N_("duplicate of line %(line)d", line=first_line))
            return self.refuse(
                line,
                text,
                N_(
                    "duplicate of line %(line)d (%(email)s: same mailbox)",
                    line=first_line,
                    email=first_email,
                ),
            )
        if box in self.existing:
            return self.refuse(
                line, text, N_("already on this campaign's list (%(how)s)", how=self.existing[box])
            )
        if len(name) > MAX_NAME:
            return self.refuse(
                line, text, N_("name longer than %(limit)d characters", limit=MAX_NAME)
            )
        locale = language_of(language) if language.strip() else None
        if language.strip() and locale is None:
            return self.refuse(
                line,
                text,
                N_(
                    "unknown language “%(language)s”: write en, zh-HK or zh-CN",
                    language=language.strip()[:40],
                ),
            )
        self.seen[box] = (line, email)
        self.result.recipients.append(Recipient(line, email, box, name, locale))
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
            {
                FIELD: N_(
                    "The first row looks like column headings (%(found)s) but none is “email”.",
                    found=found,
                )
            }
        )
    name_at = next((i for i, h in enumerate(headings) if h in NAME_HEADINGS), None)
    language_at = next((i for i, h in enumerate(headings) if h in LANGUAGE_HEADINGS), None)

    def cell(row: list[str], index: int | None) -> str:
        return row[index] if index is not None and index < len(row) else ""

    for line, row in rows:
        reader.count_row()
        reader.take(
            line,
            delimiter.join(row),
            cell(row, email_at),
            cell(row, name_at),
            cell(row, language_at),
        )


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
