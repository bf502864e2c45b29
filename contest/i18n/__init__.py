"""The site's languages: which one a reader gets, and the catalogs that translate into it."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from babel.core import Locale, UnknownLocaleError, parse_locale
from babel.dates import format_skeleton, format_timedelta, get_timezone, get_timezone_location
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations
from markupsafe import Markup, escape

#: The folder of catalogs: ``<locale>/LC_MESSAGES/messages.po``, the single source.
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "messages"


@dataclass(frozen=True)
class Language:
    """One language the site speaks: its catalog's code, BCP 47 tag and own name."""

    code: str
    tag: str
    name: str


#: The languages offered, in the order the switch lists them; English needs no catalog.
LOCALES: dict[str, Language] = {
    "en": Language("en", "en", "English"),
    "zh_Hant": Language("zh_Hant", "zh-Hant", "繁體中文"),
    "zh_Hans": Language("zh_Hans", "zh-Hans", "简体中文"),
}
DEFAULT_LOCALE = "en"
#: Chinese regions that write Traditional characters; other Chinese is Simplified.
TRADITIONAL_REGIONS = frozenset({"HK", "TW", "MO"})
#: Accept-Language entries read at most (a header may be long; the first few decide).
MAX_LANGUAGE_RANGES = 20

#: The locale of what is being rendered now (a request's page, one mail): set per task.
current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LOCALE)


def known(locale: str | None) -> str | None:
    """The locale if the site offers it, else None."""
    return locale if locale in LOCALES else None


def html_lang(locale: str) -> str:
    """The BCP 47 tag for ``<html lang>``: ``zh-Hant``."""
    return LOCALES.get(locale, LOCALES[DEFAULT_LOCALE]).tag


def locale_of_tag(tag: str) -> str | None:
    """The site's locale for one language tag (``zh-HK`` → zh_Hant), or None."""
    try:
        language, region, script = parse_locale(tag.strip().replace("_", "-"), sep="-")[:3]
    except (ValueError, UnknownLocaleError):
        return None
    language = language.lower()
    if language == "en":
        return "en"
    if language != "zh":
        return None
    if script:
        return "zh_Hant" if script.title() == "Hant" else "zh_Hans"
    return "zh_Hant" if (region or "").upper() in TRADITIONAL_REGIONS else "zh_Hans"


def _ranges(accept_language: str) -> list[str]:
    """The header's language tags, most wanted first (q=0 dropped, ties in written order)."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")[:MAX_LANGUAGE_RANGES]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(accept_language: str, default: str) -> str:
    """The locale an ``Accept-Language`` header asks for first among those offered, else
    ``default``: ``zh-HK`` → zh_Hant, ``zh-CN`` → zh_Hans, ``en-GB`` → en."""
    for tag in _ranges(accept_language):
        if (locale := locale_of_tag(tag)) is not None:
            return locale
    return default


@cache
def translations(locale: str) -> Translations:
    """The locale's catalog, compiled from its .po file in memory at first use (English and
    unknown locales: none, so the messages stay as written)."""
    po_file = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if locale == DEFAULT_LOCALE or known(locale) is None or not po_file.is_file():
        return Translations()
    with po_file.open("rb") as source:
        catalog = read_po(source, locale=locale, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def gettext(message: str) -> str:
    """The message in the current locale."""
    return translations(current_locale.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The message for ``count`` in the current locale, by its catalog's plural forms."""
    return translations(current_locale.get()).ngettext(singular, plural, count)


@contextmanager
def using_locale(locale: str) -> Iterator[None]:
    """Render in that locale inside the block (a mail, a test), then as before."""
    token = current_locale.set(known(locale) or DEFAULT_LOCALE)
    try:
        yield
    finally:
        current_locale.reset(token)


def written_date(
    local: date | datetime, locale: str, *, with_year: bool = False, with_time: bool = False
) -> str:
    """A day (already in the reader's zone) as the locale writes it: ``5月15日``,
    ``2026年5月15日``, with ``18:00`` after it when asked."""
    day = format_skeleton("yMMMd" if with_year else "MMMd", local, locale=locale)
    if with_time and isinstance(local, datetime):
        return f"{day} {local:%H:%M}"
    return day


class Message(str):
    """A sentence of the site whose words are translated where it is shown.

    As a ``str`` it is the English text with its parameters filled in (what logs, JSON files
    and tests compare); ``str()``, ``format()`` and a template's ``{{ }}`` give it in the
    locale being rendered (``current_locale``). Parameters that are Messages themselves
    translate too. Made with ``N_`` (one form) or ``Nn_`` (a count's plural forms), the
    keywords ``make translations`` extracts."""

    msgid: str
    plural: str | None
    quantity: int | None
    params: dict[str, Any]

    def __new__(
        cls,
        msgid: str,
        params: dict[str, Any] | None = None,
        *,
        plural: str | None = None,
        count: int | None = None,
    ) -> Message:
        english = msgid if plural is None or count == 1 else plural
        values = dict(params or {})
        if count is not None:
            values.setdefault("count", count)
        self = super().__new__(cls, _filled(english, values, translate=False))
        self.msgid, self.plural, self.quantity, self.params = msgid, plural, count, values
        return self

    def translated(self) -> str:
        """The sentence in the current locale, its parameters filled in (translated too)."""
        catalog = translations(current_locale.get())
        if self.plural is None:
            text = catalog.gettext(self.msgid)
        else:
            text = catalog.ngettext(self.msgid, self.plural, self.quantity or 0)
        return _filled(text, self.params, translate=True)

    def __str__(self) -> str:
        return self.translated()

    def __format__(self, spec: str) -> str:
        return format(self.translated(), spec)

    def __html__(self) -> Markup:
        return escape(self.translated())

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuilt, (self.msgid, self.params, self.plural, self.quantity))


def _rebuilt(msgid: str, params: dict[str, Any], plural: str | None, count: int | None) -> Message:
    return Message(msgid, params, plural=plural, count=count)


def _filled(text: str, params: dict[str, Any], *, translate: bool) -> str:
    """``text % params``; Message parameters as English or translated (a text with no
    parameters is left alone, so a lone ``%`` stays)."""
    if not params:
        return text
    values = {
        name: (value.translated() if translate else str.__str__(value))
        if isinstance(value, Message)
        else value
        for name, value in params.items()
    }
    return text % values


def N_(msgid: str, /, **params: Any) -> Message:
    """Mark a sentence for the catalogs (pybabel keyword ``N_``) and keep its parameters:
    ``N_("“%(title)s” is already taken", title=title)``; translated where it is shown."""
    return Message(msgid, params)


def Nn_(singular: str, plural: str, count: int, /, **params: Any) -> Message:
    """A sentence about a number, in the plural form the reader's language gives it:
    ``Nn_("%(count)d photo", "%(count)d photos", n)`` (``count`` is a parameter too)."""
    return Message(singular, params, plural=plural, count=count)


def shown(value: object) -> str:
    """Any value as a person reads it in the current locale (Messages translated)."""
    return value.translated() if isinstance(value, Message) else str(value)


def number(value: float, *, locale: str | None = None) -> str:
    """A number as the locale writes it: ``12,345``."""
    return format_decimal(value, locale=locale or current_locale.get())


def percent(value: float, *, locale: str | None = None, digits: int = 0) -> str:
    """A share (0.25) as the locale writes a percentage: ``25%``."""
    pattern = "#,##0%" if digits == 0 else "#,##0." + "0" * digits + "%"
    return format_percent(value, pattern, locale=locale or current_locale.get())


def relative_time(seconds: float, *, locale: str | None = None, threshold: float = 0.85) -> str:
    """A time from now as the locale says it: ``in 3 days`` / ``3天後``, ``2 hours ago``. A
    day or more is written in whole days (``in 11 days``, never rounded to ``in 2 weeks``)."""
    days = int(abs(seconds) // 86400)
    if days >= 1:
        return format_timedelta(
            timedelta(days=days if seconds >= 0 else -days),
            add_direction=True,
            granularity="day",
            threshold=float("inf"),
            format="long",
            locale=locale or current_locale.get(),
        )
    return format_timedelta(
        timedelta(seconds=seconds),
        add_direction=True,
        threshold=threshold,
        format="long",
        locale=locale or current_locale.get(),
    )


def duration(seconds: float, *, locale: str | None = None) -> str:
    """A length of time as the locale says it: ``3 days`` / ``3天``."""
    return format_timedelta(
        timedelta(seconds=seconds), threshold=0.85, locale=locale or current_locale.get()
    )


def zone_place(tz_name: str, *, locale: str | None = None) -> str:
    """The place a time zone is named after, as the locale writes it: ``Hong Kong`` / ``香港``."""
    try:
        zone = get_timezone(tz_name)
    except LookupError:
        return tz_name.rsplit("/", 1)[-1].replace("_", " ")
    return get_timezone_location(zone, locale=locale or current_locale.get(), return_city=True)


#: The IANA name's first part as a territory of the CLDR (``Asia`` → 142 → 亞洲); the oceans
#: and the pole, which are no territory, as Messages.
_ZONE_REGIONS: dict[str, str | Message] = {
    "Africa": "002",
    "America": "019",
    "Antarctica": "AQ",
    "Asia": "142",
    "Australia": "AU",
    "Brazil": "BR",
    "Canada": "CA",
    "Chile": "CL",
    "Europe": "150",
    "Mexico": "MX",
    "US": "US",
    "Arctic": N_("Arctic"),
    "Atlantic": N_("Atlantic"),
    "Indian": N_("Indian Ocean"),
    "Pacific": N_("Pacific"),
}


#: Chinese writes a slash between words full-width.
_WIDE_SLASH = "\uff0f"


def zone_label(tz_name: str, *, locale: str | None = None) -> str:
    """A time zone as a picker shows it: ``Asia/Hong Kong`` in English; in Chinese its region
    and its place in the reader's words, with a full-width slash between (亞洲, 香港); ``UTC``
    as it is."""
    locale = locale or current_locale.get()
    if locale == DEFAULT_LOCALE:
        return tz_name.replace("_", " ")
    region, _, rest = tz_name.partition("/")
    place = zone_place(tz_name, locale=locale)
    known_region = _ZONE_REGIONS.get(region)
    if not rest or known_region is None:
        return place
    if isinstance(known_region, Message):
        with using_locale(locale):
            return f"{known_region.translated()}{_WIDE_SLASH}{place}"
    territories = Locale.parse(locale).territories
    return f"{territories.get(known_region, region)}{_WIDE_SLASH}{place}"


def zone_choices(tz_names: Iterable[str], *, locale: str | None = None) -> list[tuple[str, str]]:
    """(IANA name, label) for a time-zone picker, in the IANA names' order (grouped by
    region); two names of one place (an old alias) get their IANA name after the label."""
    locale = locale or current_locale.get()
    labelled = [(name, zone_label(name, locale=locale)) for name in tz_names]
    seen = Counter(label for _, label in labelled)
    aside = "{label} ({name})" if locale == DEFAULT_LOCALE else "{label}\uff08{name}\uff09"
    return [
        (name, aside.format(label=label, name=name) if seen[label] > 1 else label)
        for name, label in labelled
    ]
