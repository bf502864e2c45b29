"""Submitted form values, kept as typed so a form with errors can be shown again unchanged.

Every value is cleaned once, here, as it enters: Unicode normalised to NFC (so "é" typed two
ways is one title), line breaks made ``\n``, and control and bidirectional-override
characters removed (a NUL, or a right-to-left override that makes a title read backwards in
every list it appears in). Passwords are kept exactly as typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

#: Fields whose value is a secret to compare byte for byte: never changed.
VERBATIM_FIELDS = frozenset({"password"})
#: C0 and C1 controls except tab and line feed, and the bidi embeddings, overrides and
#: isolates (U+202A-U+202E, U+2066-U+2069).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str) -> str:
    """A typed value as it is kept: NFC, ``\n`` line breaks, no control or bidi overrides."""
    value = _UNSAFE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return unicodedata.normalize("NFC", value)  # after the removal: it may join what it split


class FormValues:
    """Field name to the list of submitted strings; ``get`` gives the first, trimmed of nothing."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._values: dict[str, list[str]] = {}
        for name, value in items:
            kept = value if name in VERBATIM_FIELDS else clean_text(value)
            self._values.setdefault(name, []).append(kept)

    @classmethod
    def of(cls, mapping: Mapping[str, str | list[str]]) -> FormValues:
        """Form values from a plain mapping (lists for multi-valued fields)."""
        items: list[tuple[str, str]] = []
        for name, value in mapping.items():
            values = value if isinstance(value, list) else [value]
            items.extend((name, item) for item in values)
        return cls(items)

    def get(self, name: str, default: str = "") -> str:
        """The first value submitted for the field, or the default."""
        values = self._values.get(name)
        return values[0] if values else default

    def getlist(self, name: str) -> list[str]:
        """Every value submitted for the field (checkbox groups)."""
        return list(self._values.get(name, []))

    def submitted(self, name: str) -> bool:
        """Whether the field was in the form at all, even empty (a cleared text box)."""
        return name in self._values

    def has(self, name: str) -> bool:
        """Whether the field was submitted with a value (a ticked checkbox)."""
        return any(self._values.get(name, []))

    def as_dict(self) -> dict[str, str]:
        """First values only, for simple forms."""
        return {name: values[0] for name, values in self._values.items() if values}


def whole_number(text: str) -> int | None:
    """The number typed, if it is plain ASCII digits (``"²".isdigit()`` is True, int() fails)."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:  # SQLite integers are 64-bit
        return None
    return int(text)
