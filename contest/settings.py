"""Site-wide settings that organizers change from the web, kept in the ``settings`` table."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence

from contest.db import Database
from contest.errors import ValidationError

SIGNUP_DOMAINS = "signup_domains"
SHARED_NETWORKS = "shared_networks"
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,62}\.)+[a-z]{2,63})$")
#: The widest range accepted as one organization's network (a /7 would be a 128th of the
#: internet): a typo such as 0.0.0.0/0 must not lift the per-address limit for everyone.
WIDEST_PREFIX = {4: 8, 6: 16}

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


def _items(text: str, field: str, read: Callable[[str], str | None], what: str) -> list[str]:
    """Values typed one per line or separated by commas, each as ``read`` writes it, repeats
    dropped; ValidationError on the first that ``read`` does not recognise."""
    items: list[str] = []
    for part in re.split(r"[\s,]+", text):
        if not part:
            continue
        item = read(part)
        if item is None:
            raise ValidationError({field: f"{part!r} is not {what}."})
        if item not in items:
            items.append(item)
    return items


def _domain(part: str) -> str | None:
    domain = part.lower().lstrip("@")
    return domain if _DOMAIN.match(domain) else None


def _network(part: str) -> str | None:
    try:
        network = ipaddress.ip_network(part, strict=False)
    except ValueError:
        return None
    return str(network) if network.prefixlen >= WIDEST_PREFIX[network.version] else None


def parse_domains(text: str) -> list[str]:
    """Email domains typed one per line or separated by commas; ValidationError if one is bad."""
    return _items(text, SIGNUP_DOMAINS, _domain, "an email domain")


def parse_networks(text: str) -> list[str]:
    """Network addresses or ranges (``203.0.113.7``, ``203.0.113.0/24``, IPv6 alike), as
    ranges; ValidationError on anything else, or on a range too wide to be one organization's."""
    return _items(
        text,
        SHARED_NETWORKS,
        _network,
        "a network address or range of one organization (such as 203.0.113.7 or 203.0.113.0/24)",
    )


async def signup_domains(db: Database) -> list[str]:
    """The email domains sign-up is limited to; empty means anyone may sign up."""
    return parse_domains(await get(db, SIGNUP_DOMAINS))


async def shared_networks(db: Database) -> list[Network]:
    """The networks many people reach the site from (a campus's public address, say)."""
    return [ipaddress.ip_network(text) for text in parse_networks(await get(db, SHARED_NETWORKS))]


def in_networks(address: str, networks: Sequence[Network]) -> bool:
    """Whether an address (as the request came from) lies in one of the networks."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


async def set_site_settings(
    db: Database, *, signup_domains: str, shared_networks: str
) -> tuple[list[str], list[str]]:
    """Save the sign-up domains (empty opens sign-up to all) and the shared networks, both or
    neither; ValidationError naming every field that is wrong. Returns them as stored."""
    errors: dict[str, str] = {}
    domains: list[str] = []
    networks: list[str] = []
    try:
        domains = parse_domains(signup_domains)
    except ValidationError as error:
        errors.update(error.errors)
    try:
        networks = parse_networks(shared_networks)
    except ValidationError as error:
        errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    await put(db, {SIGNUP_DOMAINS: "\n".join(domains), SHARED_NETWORKS: "\n".join(networks)})
    return domains, networks
