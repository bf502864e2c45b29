"""Form values are cleaned once as they enter: NFC, plain line breaks, no control characters
or bidirectional overrides; passwords are kept as typed."""

import pytest

from contest.core.forms import FormValues, clean_text, whole_number


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Cafe\u0301 at night", "Caf\u00e9 at night"),  # decomposed é becomes one character
        ("Night\x00 shift", "Night shift"),
        ("Stacks \u202etxt.exe\u202c", "Stacks txt.exe"),  # right-to-left override and pop
        ("\u2067isolated\u2069", "isolated"),
        ("bell\x07 and \x1b[31mred", "bell and [31mred"),
        ("C1 \x85control", "C1 control"),
        ("line one\r\nline two\rline three", "line one\nline two\nline three"),
        ("tab\tkept", "tab\tkept"),
        ("圖書館的夜晚 \u200fمكتبة", "圖書館的夜晚 \u200fمكتبة"),  # CJK, Arabic and RLM kept
    ],
)
def test_typed_text_is_cleaned_as_it_enters(typed: str, kept: str) -> None:
    assert clean_text(typed) == kept
    assert FormValues([("title", typed)]).get("title") == kept
    assert FormValues.of({"tags": [typed, typed]}).getlist("tags") == [kept, kept]


def test_a_password_is_kept_exactly_as_typed() -> None:
    typed = "Cafe\u0301\u202e secret"
    assert FormValues([("password", typed)]).get("password") == typed


def test_whole_numbers_are_plain_ascii_digits() -> None:
    assert whole_number(" 42 ") == 42
    assert whole_number("²") is None
    assert whole_number("1" * 19) is None
