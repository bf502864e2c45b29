"""Site-wide settings that organizers change from the web, kept in the ``settings`` table."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import cast

from contest.accounts import brand
from contest.core.clock import zone
from contest.core.db import Database
from contest.core.errors import ValidationError
from contest.i18n import DEFAULT_LOCALE, LOCALES, N_, Message

SIGNUP_DOMAINS = "signup_domains"
SHARED_NETWORKS = "shared_networks"
TIMEZONE = "timezone"
LOCALE = "default_locale"
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,62}\.)+[a-z]{2,63})$")
#: The widest range accepted as one organization's network (an IPv4 /7 would be a 128th of the
#: internet; organizations hold IPv6 /48s, registries /32s): a typo such as 0.0.0.0/0 must not
#: lift the per-address limit for everyone.
WIDEST_PREFIX = {4: 8, 6: 32}
#: Networks listed at most: a campus has a few; each like is checked against them all.
MAX_SHARED_NETWORKS = 100
#: IPv6 ranges that stand for IPv4 addresses (mapped, NAT64, 6to4): IPv4 is listed as IPv4.
IPV4_IN_IPV6 = tuple(
    ipaddress.ip_network(text) for text in ("::ffff:0:0/96", "64:ff9b::/96", "2002::/16")
)
#: How much of a refused entry an error message repeats.
SHOWN_CHARACTERS = 40

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


async def get(db: Database, key: str, default: str = "") -> str:
    """The stored value of a setting, or the default."""
    value = await db.fetch_value("SELECT value FROM settings WHERE key = ?", (key,))
    return default if value is None else str(value)


async def put(db: Database, values: Mapping[str, str]) -> None:
    """Store settings' values, all or none."""
    async with db.transaction() as tx:
        for key, value in values.items():
            await tx.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


def _items(
    text: str, field: str, read: Callable[[str], str | None], refusal: Callable[[str], Message]
) -> list[str]:
    """Values typed one per line or separated by commas, each as ``read`` writes it (nothing
    for ""), repeats dropped; ValidationError (``refusal`` of the value) on the first that
    ``read`` does not recognise."""
    items: dict[str, None] = {}
    for part in re.split(r"[\s,]+", text):
        item = read(part) if part else ""
        if item is None:
            shown = part if len(part) <= SHOWN_CHARACTERS else part[:SHOWN_CHARACTERS] + "…"
            raise ValidationError({field: refusal(shown)})
        if item:
            items[item] = None
    return list(items)


def _domain(part: str) -> str | None:
    domain = part.lstrip("@")
    return domain if not domain or _DOMAIN.match(domain) else None


def _network(part: str) -> str | None:
    """The range an address or range names, if it is plausibly one organization's."""
    if "%" in part:  # a zone (fe80::1%eth0) names a local link, never a visitor's network
        return None
    try:
        network = ipaddress.ip_network(part, strict=False)
    except ValueError:
        return None
    if network.prefixlen < WIDEST_PREFIX[network.version]:
        return None
    if isinstance(network, ipaddress.IPv6Network) and any(
        network.overlaps(ipv4) for ipv4 in IPV4_IN_IPV6
    ):
        return None
    return str(network)


def parse_domains(text: str) -> list[str]:
    """Email domains typed one per line or separated by commas; ValidationError if one is bad."""
    return _items(text.lower(), SIGNUP_DOMAINS, _domain, _not_a_domain)


def _not_a_domain(value: str) -> Message:
    return N_("'%(value)s' is not an email domain.", value=value)


def _not_a_network(value: str) -> Message:
    return N_(
        "'%(value)s' is not a network address or range of one organization (such as"
        " 203.0.113.7 or 203.0.113.0/24).",
        value=value,
    )


def parse_networks(text: str) -> list[str]:
    """Network addresses or ranges (``203.0.113.7``, ``203.0.113.0/24``, IPv6 alike), as
    ranges, overlapping ones merged; ValidationError on anything else, on a range too wide to
    be one organization's, or on more than ``MAX_SHARED_NETWORKS``."""
    ranges = _items(text, SHARED_NETWORKS, _network, _not_a_network)
    merged = [str(network) for network in _merged(ipaddress.ip_network(r) for r in ranges)]
    if len(merged) > MAX_SHARED_NETWORKS:
        raise ValidationError(
            {
                SHARED_NETWORKS: N_(
                    "List at most %(most)d networks (ranges count as one).",
                    most=MAX_SHARED_NETWORKS,
                )
            }
        )
    return merged


def _merged(networks: Iterable[Network]) -> list[Network]:
    """The networks with overlapping and adjacent ones joined, IPv4 first."""
    by_version: dict[int, list[Network]] = {4: [], 6: []}
    for network in networks:
        by_version[network.version].append(network)
    return [
        *ipaddress.collapse_addresses(cast(list[ipaddress.IPv4Network], by_version[4])),
        *ipaddress.collapse_addresses(cast(list[ipaddress.IPv6Network], by_version[6])),
    ]


async def signup_domains(db: Database) -> list[str]:
    """The email domains sign-up is limited to; empty means anyone may sign up."""
    return parse_domains(await get(db, SIGNUP_DOMAINS))


async def shared_networks(db: Database) -> list[Network]:
    """The networks many people reach the site from (a campus's public address, say).

    Read leniently: a stored line that no longer passes (edited by hand, or the rules changed)
    is skipped rather than let it break likes or the page that would fix it.
    """
    networks = []
    for line in (await get(db, SHARED_NETWORKS)).splitlines()[:MAX_SHARED_NETWORKS]:
        if (network := _network(line.strip())) is not None:
            networks.append(ipaddress.ip_network(network))
    return networks


def in_networks(address: str, networks: Sequence[Network]) -> bool:
    """Whether an address (as the request came from) lies in one of the networks; an IPv4
    address seen in its IPv6 form (``::ffff:203.0.113.7``) counts as itself."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


def parse_timezone(text: str) -> str:
    """A time zone name as chosen from the list ("" for none); ValidationError if unknown."""
    name = text.strip()
    try:
        return name and zone(name).key
    except ValueError:
        raise ValidationError(
            {
                TIMEZONE: N_(
                    "'%(value)s' is not a time zone; choose one from the list.",
                    value=name[:SHOWN_CHARACTERS],
                )
            }
        ) from None


async def chosen_timezone(db: Database) -> str:
    """The site's time zone as the organizers chose it, or "" if they have not."""
    try:
        return parse_timezone(await get(db, TIMEZONE))
    except ValidationError:  # edited by hand, or the zone left the database: as if unchosen
        return ""


async def site_timezone(db: Database, default: str) -> str:
    """The time zone of pages about no one contest (the outbox): the one organizers chose,
    else ``automatic_timezone``."""
    return await chosen_timezone(db) or await automatic_timezone(db, default)


async def automatic_timezone(db: Database, default: str) -> str:
    """The site's time zone while organizers choose none: that of the contest created last (a
    library's contests share its zone), else ``default`` (the zone new contests start in)."""
    latest = await db.fetch_value("SELECT timezone FROM contests ORDER BY id DESC LIMIT 1")
    return str(latest) if latest else default


def parse_locale(text: str) -> str:
    """A language as chosen from the list; ValidationError if the site does not offer it."""
    code = text.strip()
    if code not in LOCALES:
        raise ValidationError({LOCALE: N_("Choose one of the languages in the list.")})
    return code


async def default_locale(db: Database) -> str:
    """The language of readers whose browser asks for none the site offers (English unless
    the organizers chose another; a value edited by hand counts as unchosen)."""
    stored = await get(db, LOCALE, DEFAULT_LOCALE)
    return stored if stored in LOCALES else DEFAULT_LOCALE


async def set_site_settings(
    db: Database,
    *,
    signup_domains: str | None,
    shared_networks: str | None,
    timezone: str | None = None,
    locale: str | None = None,
    brand_fields: Mapping[str, str] | None = None,
) -> tuple[list[str], list[str]]:
    """Save the sign-up domains (empty opens sign-up to all), the shared networks, the
    site's time zone ("" lets it follow the latest contest), its default language and the
    brand's words and colours (``brand.FIELDS``), all or none (None keeps a setting as it
    is); ValidationError naming every field that is wrong. Returns the domains and the
    networks as they are now stored."""
    errors: dict[str, str] = {}
    stored: dict[str, str] = {}
    if brand_fields is not None:
        try:
            stored.update(brand.parse_brand(brand_fields))
        except ValidationError as error:
            errors.update(error.errors)
    if timezone is not None:
        try:
            stored[TIMEZONE] = parse_timezone(timezone)
        except ValidationError as error:
            errors.update(error.errors)
    if locale is not None:
        try:
            stored[LOCALE] = parse_locale(locale)
        except ValidationError as error:
            errors.update(error.errors)
    values: dict[str, list[str]] = {}
    for key, text, parse in (
        (SIGNUP_DOMAINS, signup_domains, parse_domains),
        (SHARED_NETWORKS, shared_networks, parse_networks),
    ):
        try:
            values[key] = parse(await get(db, key) if text is None else text)
        except ValidationError as error:
            errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    await put(db, {key: "\n".join(items) for key, items in values.items()} | stored)
    return values[SIGNUP_DOMAINS], values[SHARED_NETWORKS]
