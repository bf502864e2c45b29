"""Uploaded CSV lists: their text, delimiter, rows by the line each starts on, and headings."""

from __future__ import annotations

import pytest

from contest.core import csv_files
from contest.core.errors import ValidationError
from contest.core.text_encodings import Reading


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
    chinese = "name\n李明\n".encode("gb18030")
    assert csv_files.decode(chinese, field="f", too_big="", max_bytes=99, legacy=True) == (
        "name\n李明\n"
    )


NAMES = "name,email\n{}\n"
SIMPLIFIED = ["李明", "张伟", "王芳", "陈大文", "刘洋,黄丽"]
TRADITIONAL = ["陳大文", "張偉", "王芳", "李明", "黃麗,劉洋"]
LATIN = ["Renée Dupont", "Jürgen Müller", "José Ñúñez", "Zoë,Ångström"]


def _read(data: bytes, encoding: str = "") -> list[Reading]:
    return csv_files.readings(data, field="f", too_big="", max_bytes=9999, encoding=encoding)


@pytest.mark.parametrize(
    ("names", "encoding"),
    [(name, "gb18030") for name in SIMPLIFIED]
    + [(name, "cp950") for name in TRADITIONAL]
    + [(name, "cp1252") for name in LATIN],
)
def test_each_legacy_file_reads_best_in_its_own_encoding(names: str, encoding: str) -> None:
    text = NAMES.format(names)
    found = _read(text.encode(encoding))
    assert (found[0].encoding, found[0].text) == (encoding, text)
    assert found[0].legacy and found[0].sample == names.replace(",", " · ")
    assert len({reading.encoding for reading in found}) == len(found)


def test_a_big5_file_is_never_read_as_gb18030_garbage_though_both_decode_it() -> None:
    data = NAMES.format("陳大文,chan@uni.hk\n王芳").encode("cp950")
    found = _read(data)
    assert [reading.encoding for reading in found] == ["cp950", "cp1252", "gb18030"]
    assert found[2].text != found[0].text and found[2].label == "Chinese (Simplified, GB18030)"


def test_unicode_files_are_read_alone_and_need_no_confirmation() -> None:
    for data in (
        NAMES.format("李明").encode(),
        NAMES.format("李明").encode("utf-8-sig"),
        NAMES.format("李明").encode("utf-16"),
    ):
        [reading] = _read(data)
        assert reading.text == NAMES.format("李明") and not reading.legacy
        assert csv_files.confirmed([reading], "") == reading


def test_a_guessed_reading_is_confirmed_and_the_organizer_may_choose_another() -> None:
    data = NAMES.format("李明").encode("gb18030")
    with pytest.raises(csv_files.EncodingToConfirm) as unsure:
        csv_files.confirmed(_read(data), "")
    assert unsure.value.readings[0].text == NAMES.format("李明")
    chosen = _read(data, encoding="cp1252")
    assert chosen[0].text == NAMES.format("ÀîÃ÷")
    assert csv_files.confirmed(chosen, "cp1252") == chosen[0]
    with pytest.raises(ValidationError, match="cannot be read as UTF-8"):
        _read(data, encoding="utf-8")


def test_bytes_no_candidate_decodes_are_refused_naming_the_encodings_tried() -> None:
    # 0x81 alone is undefined in Windows-1252 and a cut-off lead byte in GB18030 and Big5.
    with pytest.raises(ValidationError, match="not text in UTF-8, GB18030, Big5 or Windows-1252"):
        _read(b"name\nab\x81")


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
