"""The catalogs are complete: no Chinese message untranslated or fuzzy, and every message
marked in the translated templates and modules is in them (a new string without a translation
fails)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from contest.i18n import LOCALE_DIR, LOCALES

ROOT = Path(__file__).resolve().parents[2]
#: The templates translated so far; later pages join this list as they are marked.
TRANSLATED_TEMPLATES = (
    "templates/base.html",
    "templates/_language_switch.html",
    "templates/error.html",
    "templates/public/home.html",
    "templates/public/_contest_card.html",
    "templates/public/_contest_status.html",
)
#: The modules whose messages are translated so far (marked with ``N_`` or ``gettext``).
TRANSLATED_MODULES = ("contest/web/errors.py",)
CHINESE = [code for code in LOCALES if code != "en"]


def catalog(locale: str):  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=locale)


def marked_messages() -> set[str]:
    """The msgids the jinja2 extractor finds in the translated templates, as babel.cfg says."""
    found: set[str] = set()
    for name in TRANSLATED_TEMPLATES:
        for _, message, _, _ in extract_from_file(
            "jinja2", ROOT / name, options={"trimmed": "true"}
        ):
            found.add(message if isinstance(message, str) else message[0])
    for name in TRANSLATED_MODULES:
        for _, message, _, _ in extract_from_file("python", ROOT / name):
            found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("locale", CHINESE)
def test_every_message_of_the_chinese_catalogs_is_translated_and_none_is_fuzzy(
    locale: str,
) -> None:
    messages = [message for message in catalog(locale) if message.id]
    assert messages
    assert [m.id for m in messages if not m.string or not all(m.string)] == []
    assert [m.id for m in messages if m.fuzzy] == []
    assert catalog(locale).fuzzy is False


@pytest.mark.parametrize("locale", CHINESE)
def test_every_message_marked_in_the_translated_templates_is_in_the_catalog(locale: str) -> None:
    marked = marked_messages()
    assert "Skip to content" in marked and "See all the winners of %(title)s" in marked
    assert "We couldn't find that page" in marked
    assert marked - {message.id for message in catalog(locale)} == set()


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
