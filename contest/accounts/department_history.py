"""The department list's recent changes in the reader's language.

The audit log keeps each change as the English sentence written when it happened (``Added
CIVL: Civil Engineering``), for any reader of the log. The departments page shows it in the
reader's language by reading those sentences back: each known pattern becomes the same sentence
as a Message with the codes, names and counts as its parameters. A sentence of no known pattern
(written by an older version, say) is shown as stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from contest.i18n import N_, Message, Nn_

_PEOPLE = r"(?P<count>\d+) (?:person|people)"
_CODE = r"(?P<code>\S+)"

Reading = Callable[[re.Match[str]], str]


def _added(match: re.Match[str]) -> Message:
    code, name, count = match["code"], match["name"], match["count"]
    if count is None:
        return N_("Added %(code)s: %(name)s", code=code, name=name)
    return Nn_(
        "Added %(code)s: %(name)s (%(count)d person already had %(code)s)",
        "Added %(code)s: %(name)s (%(count)d people already had %(code)s)",
        int(count),
        code=code,
        name=name,
    )


def _removed(match: re.Match[str]) -> Message:
    code, name, count = match["code"], match["name"], match["count"]
    if count is None:
        return N_("Removed %(code)s: %(name)s", code=code, name=name)
    return Nn_(
        "Removed %(code)s: %(name)s (%(count)d person keeps %(code)s, now unlisted)",
        "Removed %(code)s: %(name)s (%(count)d people keep %(code)s, now unlisted)",
        int(count),
        code=code,
        name=name,
    )


def _changed(match: re.Match[str]) -> str:
    code, new_code, count = match["code"], match["new_code"], match["count"]
    old_name, new_name = match["old_name"], match["new_name"]
    if new_code is not None and old_name is not None:
        return Nn_(
            "Changed %(code)s: code %(code)s → %(new_code)s (%(count)d person moved),"
            " name “%(old_name)s” → “%(new_name)s”",
            "Changed %(code)s: code %(code)s → %(new_code)s (%(count)d people moved),"
            " name “%(old_name)s” → “%(new_name)s”",
            int(count),
            code=code,
            new_code=new_code,
            old_name=old_name,
            new_name=new_name,
        )
    if new_code is not None:
        return Nn_(
            "Changed %(code)s: code %(code)s → %(new_code)s (%(count)d person moved)",
            "Changed %(code)s: code %(code)s → %(new_code)s (%(count)d people moved)",
            int(count),
            code=code,
            new_code=new_code,
        )
    if old_name is None:
        return match.string
    return N_(
        "Changed %(code)s: name “%(old_name)s” → “%(new_name)s”",
        code=code,
        old_name=old_name,
        new_name=new_name,
    )


def _merged(match: re.Match[str]) -> Message:
    return Nn_(
        "Merged %(values)s into %(code)s: %(count)d person",
        "Merged %(values)s into %(code)s: %(count)d people",
        int(match["count"]),
        values=match["values"],
        code=match["code"],
    )


def _imported(match: re.Match[str]) -> Message:
    line = N_(
        "Imported the file: %(added)s added, %(renamed)s renamed, %(unchanged)s unchanged",
        added=match["added"],
        renamed=match["renamed"],
        unchanged=match["unchanged"],
    )
    if match["added_codes"] is not None:
        line = N_("%(summary)s; added %(codes)s", summary=line, codes=match["added_codes"])
    if match["renamed_codes"] is not None:
        line = N_("%(summary)s; renamed %(codes)s", summary=line, codes=match["renamed_codes"])
    return line


#: The sentences ``departments`` and ``department_import`` write, and how each reads back.
PATTERNS: tuple[tuple[re.Pattern[str], Reading], ...] = (
    (
        re.compile(rf"Added {_CODE}: (?P<name>.*?)(?: \({_PEOPLE} already had (?P=code)\))?"),
        _added,
    ),
    (
        re.compile(
            rf"Removed {_CODE}: (?P<name>.*?)(?: \({_PEOPLE} keeps? (?P=code), now unlisted\))?"
        ),
        _removed,
    ),
    (
        re.compile(
            rf"Changed {_CODE}: (?:code (?P=code) → (?P<new_code>\S+) \({_PEOPLE} moved\))?"
            r"(?:, )?(?:name “(?P<old_name>.*)” → “(?P<new_name>.*)”)?"
        ),
        _changed,
    ),
    (re.compile(rf"Merged (?P<values>.+) into {_CODE}: {_PEOPLE}"), _merged),
    (
        re.compile(
            r"Imported the file: (?P<added>\d+) added, (?P<renamed>\d+) renamed,"
            r" (?P<unchanged>\d+) unchanged(?:; added (?P<added_codes>.*?))?"
            r"(?:; renamed (?P<renamed_codes>.*))?"
        ),
        _imported,
    ),
)


def described(details: str) -> str:
    """One stored change as a sentence in the reader's language (a Message; its ``str`` value
    is the stored English again), or the stored text if it follows no known pattern."""
    for pattern, reading in PATTERNS:
        if match := pattern.fullmatch(details):
            return reading(match)
    return details
