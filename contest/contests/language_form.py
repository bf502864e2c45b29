"""The contest form's languages: which one the main fields are written in, and the optional
sections that write the contest again in the others (see ``texts`` for how they are kept)."""

from __future__ import annotations

from collections.abc import Mapping

from contest.contests.texts import LIST_FIELDS, TEXT_FIELDS, ContestTexts, lines_of
from contest.core.forms import FormValues
from contest.i18n import DEFAULT_LOCALE, LOCALES, N_, Message, Nn_

#: The form field that says which language the main fields are in.
MAIN_LOCALE_FIELD = "main_locale"
#: What each text is called in a message about it.
TEXT_LABELS = {
    "title": N_("The title"),
    "theme": N_("The theme"),
    "description_md": N_("The description"),
    "rules_md": N_("The rules"),
    "licence_text": N_("The licence text"),
}


def text_field(locale: str, field: str) -> str:
    """The form field of one text in one language: ``title__zh_Hant``."""
    return f"{field}__{locale}"


def other_locales(main_locale: str) -> list[str]:
    """The languages the form offers sections for: every one but the main language."""
    return [locale for locale in LOCALES if locale != main_locale]


def main_locale_of(form: FormValues) -> str:
    """The main language the form says (English when it says none the site offers)."""
    chosen = form.get(MAIN_LOCALE_FIELD)
    return chosen if chosen in LOCALES else DEFAULT_LOCALE


def _list_mismatch(field: str, count: int, given: int) -> Message:
    if field == "categories":
        return Nn_(
            "The main list has %(count)d category: write its name here on one line"
            " (%(given)d lines now).",
            "The main list has %(count)d categories: write one name a line, in the same"
            " order (%(given)d lines now).",
            count,
            given=given,
        )
    return Nn_(
        "The rubric has %(count)d criterion: write its name here on one line"
        " (%(given)d lines now).",
        "The rubric has %(count)d criteria: write one name a line, in the same order"
        " (%(given)d lines now).",
        count,
        given=given,
    )


def _names(
    form: FormValues,
    name: str,
    field: str,
    main_names: tuple[str, ...],
    limit: int,
    errors: dict[str, str],
) -> str:
    """One language's list, checked against the main list: as many lines, none too long,
    none twice."""
    lines = lines_of(form.get(name))
    if not lines:
        return ""
    seen: set[str] = set()
    for line in lines:
        if len(line) > limit:
            errors[name] = N_("Keep each name under %(limit)d characters.", limit=limit)
        elif line.casefold() in seen:
            errors[name] = N_("“%(name)s” is listed twice.", name=line)
        seen.add(line.casefold())
    if len(lines) != len(main_names):
        errors[name] = _list_mismatch(field, len(main_names), len(lines))
    return "\n".join(lines)


def parse_texts(
    form: FormValues,
    *,
    main_names: Mapping[str, tuple[str, ...]],
    limits: Mapping[str, int],
    errors: dict[str, str],
) -> ContestTexts:
    """The main language and the texts of the other languages' sections; each bad field named
    in ``errors`` (a text too long, a list whose lines do not match the main list's)."""
    chosen = form.get(MAIN_LOCALE_FIELD)
    if chosen and chosen not in LOCALES:
        errors[MAIN_LOCALE_FIELD] = N_("Choose the language the texts above are written in.")
    main = main_locale_of(form)
    texts: dict[str, dict[str, str]] = {}
    for locale in other_locales(main):
        by_field: dict[str, str] = {}
        for field in TEXT_FIELDS:
            name = text_field(locale, field)
            value = form.get(name).strip()
            if len(value) > limits[field]:
                errors[name] = N_(
                    "%(label)s is %(length)d characters long; keep it under %(limit)d.",
                    label=TEXT_LABELS[field],
                    length=len(value),
                    limit=limits[field],
                )
            by_field[field] = value
        for field in LIST_FIELDS:
            name = text_field(locale, field)
            by_field[field] = _names(form, name, field, main_names[field], limits[field], errors)
        texts[locale] = by_field
    return ContestTexts.of(main, texts)


def texts_to_form(texts: ContestTexts) -> dict[str, str | list[str]]:
    """The form's language fields as they would be typed to give these texts."""
    values: dict[str, str | list[str]] = {MAIN_LOCALE_FIELD: texts.main_locale}
    for locale, field, text in texts.items:
        values[text_field(locale, field)] = text
    return values
