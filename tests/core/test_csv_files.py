"""Uploaded CSV lists: their text, delimiter, rows by the line each starts on, and headings."""

from __future__ import annotations

import pytest

from contest.core import csv_files
from contest.core.errors import ValidationError


def _refusal(data: bytes, *, legacy: bool = False) -> str:
    with pytest.raises(ValidationError) as refused:
        csv_files.decode(data, field="f", too_big="too big", max_bytes=100, legacy=legacy)
    return refused.value.errors["f"]


def test_utf8_is_read_with_or_without_its_bom_and_legacy_encodings_only_when_asked() -> None:
    assert csv_files.decode("\ufeffnom,café\n".encode(), field="f", too_big="", max_bytes=99) == (
        "nom,café\n"
    )
    latin = "nom,café\n".encode("cp1252")
    assert "Line 1 is not UTF-8 text" in _refusal(latin)
    assert csv_files.decode(latin, field="f", too_big="", max_bytes=99, legacy=True) == "nom,café\n"
    wide = "email\nzoë@uni.edu\n".encode("utf-16")
    assert "zoë" in csv_files.decode(wide, field="f", too_big="", max_bytes=99, legacy=True)


def test_workbooks_binary_and_oversized_files_are_refused_with_what_to_do() -> None:
    assert "spreadsheet workbook, not CSV" in _refusal(b"PK\x03\x04rest")
    assert "not plain text" in _refusal(b"a,b\x00\n")
    assert _refusal(b"x" * 101) == "too big"


def test_the_delimiter_is_the_one_the_first_line_uses_most() -> None:
    assert csv_files.delimiter_of("\n\ncode;name;x,y\n") == ";"
    assert csv_files.delimiter_of("a\tb\n") == "\t"
    assert csv_files.delimiter_of("just-one-cell\n") == ","


def test_rows_skip_blank_lines_and_start_at_their_first_line() -> None:
    text = 'code,name\n\nCIVL,"Civil\nEngineering"\nARTS,Arts\n'
    assert list(csv_files.rows(text, field="f")) == [
        (1, ["code", "name"]),
        (3, ["CIVL", "Civil\nEngineering"]),
        (5, ["ARTS", "Arts"]),
    ]
    with pytest.raises(ValidationError, match="Line 2 could not be read as CSV"):
        list(csv_files.rows('a,b\nc,"d\n', field="f"))


def test_headings_compare_loosely() -> None:
    assert {csv_files.heading(cell) for cell in ("E-mail ", "email", "EMAIL", "e_mail")} == {
        "email"
    }
