"""Rows as CSV or JSON text for downloads: spreadsheet-safe CSV, readable JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

#: A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A text cell that would start a formula, prefixed with an apostrophe; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Rows as CSV text with a header line (formula-looking cells are defused for spreadsheets).

    The header is ``columns`` when given (so an empty table still has one), else the first
    row's keys.
    """
    fieldnames = list(columns) if columns is not None else list(rows[0]) if rows else []
    buffer = io.StringIO()
    if fieldnames:
        writer = csv.DictWriter(buffer, fieldnames=fieldnames)
        writer.writeheader()
        for row in rows:
            writer.writerow({key: safe_cell(value) for key, value in row.items()})
    return buffer.getvalue()


def to_json(value: Any) -> str:
    """Any JSON value (rows, or a table with its columns) as indented UTF-8 JSON text."""
    return json.dumps(value, ensure_ascii=False, indent=2)
