"""Submitted form values, kept as typed so a form with errors can be shown again unchanged."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class FormValues:
    """Field name to the list of submitted strings; ``get`` gives the first, trimmed of nothing."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._values: dict[str, list[str]] = {}
        for name, value in items:
            self._values.setdefault(name, []).append(value)

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
