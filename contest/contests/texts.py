"""A contest in several languages: what its organizer wrote in the languages other than its
main one, and which of those texts a reader gets.

The contest's own columns (title, description, rules, category and criterion names) stay in its
main language (``contests.main_locale``), so everything that reads them as data (slugs, the
audit log, exports, copies) works as before. The other languages live in one table,
``contest_texts(contest_id, locale, field, text)``, rather than in a JSON column: the schema
checks every row (a language the site offers, a field it knows, no empty text), SQLite needs no
JSON functions to read it, and one language can be written or dropped without touching the
others. A list (categories, rubric criteria) is one text of lines in the order of the main
list, so a translated name follows its place, and the stored name (what entries and scores point
at) never changes with the reader's language.

A reader gets their language's text, else the other Chinese script's (Traditional for
Simplified and back), else the main text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from contest.i18n import DEFAULT_LOCALE, LOCALES

#: The single texts written again in another language.
TEXT_FIELDS = ("title", "theme", "description_md", "rules_md", "licence_text")
#: The lists written again line by line, in the main list's order.
LIST_FIELDS = ("categories", "criteria")
FIELDS = TEXT_FIELDS + LIST_FIELDS
#: A Chinese reader's second choice: the other script, before the main language.
OTHER_SCRIPT = {"zh_Hant": "zh_Hans", "zh_Hans": "zh_Hant"}


def reading_order(reader: str, main_locale: str) -> tuple[str, ...]:
    """The languages, best first, whose stored texts a reader is shown before the main text."""
    wanted = [reader]
    if reader in OTHER_SCRIPT:
        wanted.append(OTHER_SCRIPT[reader])
    return tuple(locale for locale in wanted if locale != main_locale)


def lines_of(text: str) -> tuple[str, ...]:
    """A list's text as its names: one a line, blank lines and edge spaces dropped."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


@dataclass(frozen=True)
class ContestTexts:
    """A contest's main language and its texts in the other languages (never the main one)."""

    main_locale: str = DEFAULT_LOCALE
    #: (locale, field, text), sorted; no empty text, no text in the main language.
    items: tuple[tuple[str, str, str], ...] = ()

    @classmethod
    def of(cls, main_locale: str, texts: Mapping[str, Mapping[str, str]]) -> ContestTexts:
        """Texts by language and field; empty ones, the main language's and unknown fields
        are left out."""
        main = main_locale if main_locale in LOCALES else DEFAULT_LOCALE
        items = sorted(
            (locale, field, text.strip())
            for locale, by_field in texts.items()
            if locale in LOCALES and locale != main
            for field, text in by_field.items()
            if field in FIELDS and text.strip()
        )
        return cls(main, tuple(items))

    def get(self, locale: str, field: str) -> str:
        """The text written for that language and field, or ``""``."""
        for item_locale, item_field, text in self.items:
            if (item_locale, item_field) == (locale, field):
                return text
        return ""

    def by_locale(self) -> dict[str, dict[str, str]]:
        """Every text, by language then field."""
        grouped: dict[str, dict[str, str]] = {}
        for locale, field, text in self.items:
            grouped.setdefault(locale, {})[field] = text
        return grouped

    def text(self, field: str, main_text: str, reader: str) -> str:
        """A single text as that reader gets it (theirs, the other script's, the main one)."""
        for locale in reading_order(reader, self.main_locale):
            if found := self.get(locale, field):
                return found
        return main_text

    def names(self, field: str, main_names: tuple[str, ...], reader: str) -> tuple[str, ...]:
        """A list as that reader gets it; a language whose lines do not match the main list
        one for one is passed over."""
        for locale in reading_order(reader, self.main_locale):
            lines = lines_of(self.get(locale, field))
            if lines and len(lines) == len(main_names):
                return lines
        return main_names

    def name(self, field: str, main_names: tuple[str, ...], stored: str, reader: str) -> str:
        """One stored (main-language) name of a list as that reader gets it; a name the list
        does not hold stays as it is."""
        if stored not in main_names:
            return stored
        return self.names(field, main_names, reader)[main_names.index(stored)]
