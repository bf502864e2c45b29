"""Properties of the form cleaning and parsing, on text and bytes that Hypothesis makes up.

``clean_text`` keeps no control or bidi-override character, never grows past its input's NFC
form and, whenever it removed nothing, gives NFC text that a second cleaning leaves alone;
``FormValues`` keeps every name and cleaned value; ``whole_number`` is ``int()`` on at most
18 ASCII digits and None on anything else; ``urlencoded_fields`` answers any body with
FormValues or the site's BadRequest.
"""

from __future__ import annotations

import re
import string
import unicodedata
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from contest.core.errors import BadRequest
from contest.core.forms import VERBATIM_FIELDS, FormValues, clean_text, whole_number
from contest.web.context import FORM_MAX_FIELDS, FORM_MAX_PART_SIZE, urlencoded_fields

#: Few examples each, no example database in the checkout: the file runs in a few seconds.
FAST = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
#: C0 and C1 controls but tab and line feed, carriage returns, and bidi embeddings,
#: overrides and isolates: none may survive cleaning.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\r\u202a-\u202e\u2066-\u2069]")
UNSAFE_CHARS = [chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n"]
UNSAFE_CHARS += [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]

#: Text that leans on the awkward corners: combining marks, controls, bidi characters,
#: line breaks and characters whose NFC form is longer, between ordinary text.
awkward = st.characters(
    codec="utf-8",
    categories=("Mn", "Cc", "Cf", "Zl", "Zp", "Lo", "Ll"),
)
texts = st.one_of(
    st.text(),
    st.text(alphabet=awkward, max_size=40),
    st.lists(
        st.sampled_from(
            [
                "e",
                "\u0301",
                "\u0308",
                "\r",
                "\n",
                "\r\n",
                "\t",
                "\x00",
                "\x85",
                "\u202e",
                "\u2066",
                "\u0958",
                "\u1100",
                "\u1161",
                "A",
                " ",
            ]
        ),
        max_size=20,
    ).map("".join),
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@FAST
@given(texts)
def test_clean_text_keeps_no_control_or_bidi_override_and_grows_only_by_nfc(text: str) -> None:
    cleaned = clean_text(text)
    assert UNSAFE.search(cleaned) is None
    assert "\r" not in cleaned
    # NFC itself may lengthen text ("\u0958" is two characters in NFC); cleaning adds nothing.
    assert len(cleaned) <= len(nfc(text))
    assert len(cleaned.encode("utf-8")) <= len(nfc(text).encode("utf-8"))


@FAST
@given(texts.filter(lambda text: not any(char in UNSAFE_CHARS for char in text)))
def test_clean_text_is_nfc_and_idempotent_when_nothing_is_removed(text: str) -> None:
    cleaned = clean_text(text)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_text(cleaned) == cleaned


@FAST
@given(texts)
def test_clean_text_keeps_safe_text_as_its_nfc_form(text: str) -> None:
    """Text already clean in every way is only normalised."""
    if UNSAFE.search(nfc(text)) is None:
        assert clean_text(text) == nfc(text)


@pytest.mark.parametrize("removed", ["\x00", "\x07", "\x85", "\u202e", "\u2066"])
def test_removing_a_character_between_a_letter_and_its_accent_leaves_nfc_text(
    removed: str,
) -> None:
    cleaned = clean_text("Caf" + "e" + removed + "\u0301")
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_text(cleaned) == cleaned
    assert cleaned == "Caf\u00e9"  # one title however the accent was typed


names = st.one_of(st.sampled_from(["title", "password", "csrf_token", "tags"]), st.text())


@FAST
@given(st.lists(st.tuples(names, texts), max_size=12))
def test_form_values_keep_every_name_and_every_cleaned_value_in_order(
    items: list[tuple[str, str]],
) -> None:
    form = FormValues(items)
    for name in {name for name, _ in items}:
        expected = [
            value if name in VERBATIM_FIELDS else clean_text(value)
            for submitted, value in items
            if submitted == name
        ]
        assert form.submitted(name)
        assert form.getlist(name) == expected
        assert form.get(name) == expected[0]
        assert form.has(name) == any(expected)
    assert list(form.as_dict()) == list(dict.fromkeys(name for name, _ in items))


@FAST
@given(st.dictionaries(names, st.one_of(texts, st.lists(texts, min_size=1, max_size=3))))
def test_form_values_of_a_mapping_keep_its_names(mapping: dict[str, str | list[str]]) -> None:
    form = FormValues.of(mapping)
    for name, value in mapping.items():
        values = value if isinstance(value, list) else [value]
        assert form.getlist(name) == [
            v if name in VERBATIM_FIELDS else clean_text(v) for v in values
        ]
    assert set(form.as_dict()) == set(mapping)


digits = st.text(alphabet=string.digits, min_size=1, max_size=18)
spaces = st.text(alphabet=" \t\n\r\x0b\x0c\u00a0\u2003", max_size=3)


@FAST
@given(spaces, digits, spaces)
def test_whole_number_is_int_of_up_to_18_ascii_digits(before: str, number: str, after: str) -> None:
    assert whole_number(before + number + after) == int(number)
    assert int(number) < 2**63  # what SQLite can hold


@FAST
@given(st.one_of(st.text(), st.text(alphabet=string.digits + "+-_. ²٣۴१", max_size=24)))
@example("1" * 19)
@example("0" * 19)
@example("+5")
@example("-5")
@example("1_000")
@example("²")
@example("١٢")
@example("")
def test_whole_number_is_none_for_anything_else(text: str) -> None:
    stripped = text.strip()
    if stripped.isascii() and stripped.isdigit() and len(stripped) <= 18:
        assert whole_number(text) == int(stripped)
    else:
        assert whole_number(text) is None


#: Bodies a client may send: anything, form-like bytes, and many separators.
form_bytes = st.lists(
    st.sampled_from(
        [b"a", b"=", b"&", b";", b"%", b"%2", b"%zz", b"%e9", b"%C3%A9", b"+", b"\xff"]
    ),
    max_size=40,
).map(b"".join)
bodies = st.one_of(
    st.binary(max_size=600),
    form_bytes,
    st.integers(0, FORM_MAX_FIELDS + 5).map(lambda n: b"&".join([b"f=1"] * n)),
    st.integers(FORM_MAX_PART_SIZE - 4, FORM_MAX_PART_SIZE + 4).map(lambda n: b"f=" + b"x" * n),
)


@FAST
@given(bodies)
@example(b"&" * FORM_MAX_FIELDS)
@example(b"&" * (FORM_MAX_FIELDS - 1))
@example(b"%" * 10)
@example(b"a=%ff%fe%00")
@example(b'{"title": "json where a form belongs"}')
def test_urlencoded_fields_answer_any_body_with_values_or_bad_request(body: bytes) -> None:
    try:
        form = urlencoded_fields(body)
    except BadRequest as error:
        assert error.status_code == 400
        return
    assert isinstance(form, FormValues)
    assert body.count(b"&") < FORM_MAX_FIELDS  # at most FORM_MAX_FIELDS fields
    for value in form.as_dict().values():
        assert UNSAFE.search(value) is None


def test_urlencoded_fields_refuse_more_fields_or_bigger_fields_than_the_limits() -> None:
    assert len(urlencoded_fields(b"&".join([b"f=1"] * FORM_MAX_FIELDS)).getlist("f")) == 200
    with pytest.raises(BadRequest):
        urlencoded_fields(b"&".join([b"f=1"] * (FORM_MAX_FIELDS + 1)))
    assert urlencoded_fields(b"f=" + b"x" * (FORM_MAX_PART_SIZE - 1)).get("f")
    with pytest.raises(BadRequest):
        urlencoded_fields(b"f=" + b"x" * FORM_MAX_PART_SIZE)


@FAST
@given(st.lists(st.tuples(st.text(min_size=1), texts), max_size=10))
def test_urlencoded_fields_read_back_what_a_browser_encodes(pairs: list[tuple[str, str]]) -> None:
    form = urlencoded_fields(urlencode(pairs).encode("ascii"))
    for name in {name for name, _ in pairs}:
        assert form.getlist(name) == [
            value if name in VERBATIM_FIELDS else clean_text(value)
            for submitted, value in pairs
            if submitted == name
        ]


@FAST
@given(texts)
def test_clean_text_is_idempotent_and_nfc_for_any_text(text: str) -> None:
    cleaned = clean_text(text)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_text(cleaned) == cleaned
    assert UNSAFE.search(cleaned) is None
