"""The catalogs are complete: no Chinese message untranslated or fuzzy, every message marked
in the templates and modules is in them, and no words a person reads are left unmarked (a new
string without a translation fails)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from contest.i18n import LOCALE_DIR
from tests.i18n.marking import CHINESE, report, unmarked_in_template


def catalog(locale: str):  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=locale)


@pytest.mark.parametrize("locale", CHINESE)
def test_every_message_of_the_chinese_catalogs_is_translated_and_none_is_fuzzy(
    locale: str,
) -> None:
    messages = [message for message in catalog(locale) if message.id]
    assert messages
    assert [m.id for m in messages if not m.string or not all(m.string)] == []
    assert [m.id for m in messages if m.fuzzy] == []
    assert catalog(locale).fuzzy is False


def test_every_template_and_module_marks_what_people_read_and_the_catalogs_translate_it() -> None:
    assert report() == {}


def test_the_marking_check_finds_unmarked_words(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '{% block title %}{{ _("Judging") }} · Photo contests{% endblock %}\n'
        '<p>{% trans %}Marked{% endtrans %} Plain words <img alt="A photo" src="{{ x }}">'
        ' {{ "dynamic" }} #nightowls CSV</p>',
        encoding="utf-8",
    )
    assert unmarked_in_template(page) == ["Plain words", "A photo"]


@pytest.mark.parametrize("locale", CHINESE)
def test_translations_keep_every_placeholder(locale: str) -> None:
    for message in catalog(locale):
        if message.id and "%(" in message.id:
            names = sorted(part.split(")")[0] for part in message.id.split("%(")[1:])
            got = sorted(part.split(")")[0] for part in message.string.split("%(")[1:])
            assert got == names, message.id


def test_the_catalogs_write_chinese_plurals_with_one_form() -> None:
    for locale in CHINESE:
        assert catalog(locale).num_plurals == 1
