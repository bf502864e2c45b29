"""A contest's address: made from its title, ASCII only, unique, and editable by organizers."""

from __future__ import annotations

import re
import unicodedata

from contest.core.db import Transaction
from contest.core.forms import FormValues
from contest.i18n import N_

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 60


def clean_slug(text: str, errors: dict[str, str]) -> str:
    """The contest's address as typed (lower case, spaces to hyphens); a message in ``errors``
    unless it is ASCII letters, digits and single hyphens, at most MAX_SLUG long."""
    slug = "-".join(text.strip().lower().split())
    if not slug or len(slug) > MAX_SLUG or not _SLUG.match(slug):
        errors["slug"] = N_(
            "Use lower-case letters a to z, digits and hyphens for the address, such as"
            " day-and-night-2026 (at most %(limit)d characters).",
            limit=MAX_SLUG,
        )
    return slug


def slugify(title: str) -> str:
    """A readable URL part from a title: ``Day & Night`` -> ``day-night``; ``""`` for a title
    with no Latin letters or digits (a Chinese one)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:MAX_SLUG].rstrip("-")


async def slug_taken(tx: Transaction, slug: str, *, other_than: int | None = None) -> bool:
    """Whether another contest has that address."""
    found = await tx.fetch_value(
        "SELECT 1 FROM contests WHERE slug = ? AND id IS NOT ?", (slug, other_than)
    )
    return bool(found)


async def unique_slug(tx: Transaction, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever no contest has yet."""
    slug, counter = base, 2
    while await slug_taken(tx, slug):
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def fallback_slug(contest_id: int) -> str:
    """The address of a contest whose titles give none in ASCII: ``contest-12``."""
    return f"contest-{contest_id}"


def with_slug(form: FormValues, slug: str) -> FormValues:
    """The form with the contest's address filled in (the edit form's "slug" field)."""
    values = {name: form.getlist(name) for name in form.as_dict()}
    return FormValues.of(values | {"slug": slug})
