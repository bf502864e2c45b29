"""The library's own brand: its name, logo, colours and footer links, checked and stored."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from contest.accounts.emails import email_error
from contest.core.db import Database
from contest.core.errors import ValidationError
from contest.i18n import LOCALES, N_, Message, shown, using_locale

#: The ``settings`` keys the brand is stored under.
NAME = "brand_name"
ACCENT = "brand_accent"
HEADER = "brand_header"
CONTACT = "brand_contact"
PRIVACY_URL = "brand_privacy_url"
#: Written by ``media.logo`` (which stores the file), read here.
LOGO = "brand_logo"
FIELDS = (NAME, ACCENT, HEADER, CONTACT, PRIVACY_URL)

#: The name shown while the library has given none (translated where it is shown).
DEFAULT_NAME: str = N_("Photo contests")
#: The colours of static/css/site.css (``--accent`` and ``--night``).
DEFAULT_ACCENT = "#1f5fbf"
DEFAULT_HEADER = "#16213e"
#: The text drawn on both colours (the buttons' label, the header's links), and the page the
#: accent is drawn on as links.
TEXT_ON_COLOUR = "#ffffff"
PAGE = "#fbfaf7"
#: The light backgrounds the accent is drawn on as text: the page and secondary buttons
#: (``.button.secondary``), the darkest of them last.
ACCENT_GROUNDS = (TEXT_ON_COLOUR, PAGE, "#e8eefb")
#: The header's links and the white "Sign up" button whose label is the header colour.
HEADER_GROUNDS = (TEXT_ON_COLOUR,)
#: WCAG 2.2 AA for normal text (1.4.3).
MIN_CONTRAST = 4.5
MAX_NAME = 60
MAX_CONTACT = 254
MAX_URL = 500
_COLOUR = re.compile(r"^#[0-9a-f]{6}$")
_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,62}\.)*[a-z0-9-]{1,63})(?::[0-9]{1,5})?$")


def _colour_not_hex(field: str, example: str) -> Message:
    if field == HEADER:
        return N_(
            "Write the header colour as # and six hex digits, such as %(example)s.", example=example
        )
    return N_(
        "Write the accent colour as # and six hex digits, such as %(example)s.", example=example
    )


def _colour_too_light(field: str, colour: str, ratio: str, needed: str, suggestion: str) -> Message:
    params = {"colour": colour, "ratio": ratio, "needed": needed, "suggestion": suggestion}
    if field == HEADER:
        return N_(
            "The header colour %(colour)s has a contrast of %(ratio)s:1 with the white text and"
            " light backgrounds it meets; at least %(needed)s:1 is needed to be readable. Try a"
            " darker colour, such as %(suggestion)s.",
            **params,
        )
    return N_(
        "The accent colour %(colour)s has a contrast of %(ratio)s:1 with the white text and"
        " light backgrounds it meets; at least %(needed)s:1 is needed to be readable. Try a"
        " darker colour, such as %(suggestion)s.",
        **params,
    )


def _not_web_address(field: str) -> Message:
    if field == PRIVACY_URL:
        return N_(
            "Write the privacy policy's link as a web address starting with https:// (or http://)."
        )
    return N_("Write the contact page as a web address starting with https:// (or http://).")


@dataclass(frozen=True)
class Logo:
    """The stored logo: a PNG in storage and its size in pixels."""

    key: str
    width: int
    height: int


@dataclass(frozen=True)
class Brand:
    """What every page shows of the library: name, logo, colours and footer links."""

    name: str = DEFAULT_NAME
    accent: str = DEFAULT_ACCENT
    header: str = DEFAULT_HEADER
    contact: str = ""
    privacy_url: str = ""
    logo: Logo | None = None

    @property
    def contact_url(self) -> str:
        """The contact as a link: ``mailto:`` for an address, else the web address itself."""
        if self.contact and "://" not in self.contact:
            return "mailto:" + self.contact
        return self.contact

    @property
    def is_custom_colour(self) -> bool:
        """Whether either colour differs from the stylesheet's."""
        return (self.accent, self.header) != (DEFAULT_ACCENT, DEFAULT_HEADER)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{part:02x}" for part in rgb)


def _luminance(colour: str) -> float:
    """The relative luminance of a ``#rrggbb`` colour (WCAG 2.2)."""
    linear = []
    for part in _rgb(colour):
        channel = part / 255
        linear.append(channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4)
    red, green, blue = linear
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours, 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def darker_passing(colour: str, against: str) -> str:
    """The same hue darkened step by step until it has ``MIN_CONTRAST`` with ``against``."""
    rgb = _rgb(colour)
    for step in range(1, 101):
        factor = 1 - step / 100
        candidate = _hex((round(rgb[0] * factor), round(rgb[1] * factor), round(rgb[2] * factor)))
        if contrast_ratio(candidate, against) >= MIN_CONTRAST:
            return candidate
    return "#000000"


def parse_colour(text: str, field: str, grounds: tuple[str, ...] = ACCENT_GROUNDS) -> str:
    """A colour typed as ``#rrggbb`` (or ``rrggbb``, any case) that white text on it, and it on
    the light ``grounds``, read at WCAG AA; ValidationError naming the field, the ratio and a
    darker suggestion."""
    typed = text.strip().lower()
    colour = typed if typed.startswith("#") else "#" + typed
    if not _COLOUR.match(colour):
        raise ValidationError({field: _colour_not_hex(field, DEFAULT_ACCENT)})
    ratio = min(contrast_ratio(colour, ground) for ground in grounds)
    if ratio < MIN_CONTRAST:
        suggestion = darker_passing(colour, min(grounds, key=_luminance))
        refusal = _colour_too_light(field, colour, f"{ratio:.2f}", f"{MIN_CONTRAST}", suggestion)
        raise ValidationError({field: refusal})
    return colour


def parse_web_address(text: str, field: str) -> str:
    """An http(s) address ("" for none); ValidationError for any other scheme or a bad host."""
    address = text.strip()
    if not address:
        return ""
    parts = urlsplit(address) if len(address) <= MAX_URL else None
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not _HOST.match(parts.netloc.lower())
        or any(char.isspace() for char in address)
    ):
        raise ValidationError({field: _not_web_address(field)})
    return address


def parse_contact(text: str) -> str:
    """A contact: an email address or a web address ("" for none); ValidationError if neither."""
    contact = text.strip()
    if not contact or "://" in contact:
        return parse_web_address(contact, CONTACT)
    if len(contact) > MAX_CONTACT or email_error(contact):
        raise ValidationError(
            {
                CONTACT: N_(
                    "Write the contact as an email address (such as library@university.edu)"
                    " or a web address starting with https://."
                )
            }
        )
    return contact


def parse_name(text: str) -> str:
    """The site's name, one line of at most ``MAX_NAME`` characters; ValidationError if not."""
    name = " ".join(text.split())
    if not name:
        raise ValidationError({NAME: N_("Give the site a name, such as your library's.")})
    if len(name) > MAX_NAME:
        raise ValidationError(
            {
                NAME: N_(
                    "Keep the site's name to %(most)d characters (it has %(count)d).",
                    most=MAX_NAME,
                    count=len(name),
                )
            }
        )
    return name


def parse_brand(typed: Mapping[str, str]) -> dict[str, str]:
    """The brand's fields as typed (keys of ``FIELDS``), as they are stored; ValidationError
    naming every field that is wrong."""
    parsers: dict[str, Callable[[str], str]] = {
        NAME: parse_name,
        ACCENT: lambda text: parse_colour(text, ACCENT),
        HEADER: lambda text: parse_colour(text, HEADER, HEADER_GROUNDS),
        CONTACT: parse_contact,
        PRIVACY_URL: lambda text: parse_web_address(text, PRIVACY_URL),
    }
    stored: dict[str, str] = {}
    errors: dict[str, str] = {}
    for key, parse in parsers.items():
        try:
            stored[key] = parse(typed.get(key, ""))
        except ValidationError as error:
            errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    if stored[NAME] in default_names():
        stored[NAME] = ""  # kept unset, so the default name shows in each reader's language
    return stored


def default_names() -> set[str]:
    """The default name as each language writes it (what the settings form shows unchanged)."""
    names = set()
    for code in LOCALES:
        with using_locale(code):
            names.add(shown(DEFAULT_NAME))
    return names


def _lenient(parse: Callable[[str], str], text: str, default: str) -> str:
    """A stored value read again through its parser; the default if it no longer passes."""
    try:
        return parse(text) if text else default
    except ValidationError:  # edited by hand, or the rules changed: as if unset
        return default


def _logo(text: str) -> Logo | None:
    """The logo stored as JSON, or None (none stored, or unreadable)."""
    if not text:
        return None
    try:
        found = json.loads(text)
        return Logo(key=str(found["key"]), width=int(found["width"]), height=int(found["height"]))
    except (ValueError, TypeError, KeyError):
        return None


async def get_brand(db: Database) -> Brand:
    """The brand as stored, each value read leniently (a bad one is the default)."""
    rows = await db.fetch_all(
        "SELECT key, value FROM settings WHERE key IN (?, ?, ?, ?, ?, ?)", (*FIELDS, LOGO)
    )
    stored = {row["key"]: str(row["value"]) for row in rows}
    return Brand(
        name=_lenient(parse_name, stored.get(NAME, ""), DEFAULT_NAME),
        accent=_lenient(
            lambda text: parse_colour(text, ACCENT), stored.get(ACCENT, ""), DEFAULT_ACCENT
        ),
        header=_lenient(
            lambda text: parse_colour(text, HEADER, HEADER_GROUNDS),
            stored.get(HEADER, ""),
            DEFAULT_HEADER,
        ),
        contact=_lenient(parse_contact, stored.get(CONTACT, ""), ""),
        privacy_url=_lenient(
            lambda text: parse_web_address(text, PRIVACY_URL), stored.get(PRIVACY_URL, ""), ""
        ),
        logo=_logo(stored.get(LOGO, "")),
    )


def brand_form(brand: Brand) -> dict[str, str]:
    """The brand's fields as the settings form shows them."""
    return {
        NAME: shown(brand.name),
        ACCENT: brand.accent,
        HEADER: brand.header,
        CONTACT: brand.contact,
        PRIVACY_URL: brand.privacy_url,
    }


def stylesheet(brand: Brand) -> str:
    """The CSS that gives the pages the brand's colours (``:root`` variables of site.css)."""
    return f":root {{ --accent: {brand.accent}; --night: {brand.header}; }}\n"
