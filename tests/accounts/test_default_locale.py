"""The site's default language: one of those offered, English until organizers choose."""

from __future__ import annotations

import pytest

from contest.accounts import site_settings
from contest.core.db import Database
from contest.core.errors import ValidationError


@pytest.mark.anyio
async def test_the_default_language_is_english_until_chosen(db: Database) -> None:
    assert await site_settings.default_locale(db) == "en"
    await site_settings.set_site_settings(
        db, signup_domains=None, shared_networks=None, locale="zh_Hant"
    )
    assert await site_settings.default_locale(db) == "zh_Hant"


@pytest.mark.anyio
async def test_a_language_not_offered_is_refused_with_the_other_fields(db: Database) -> None:
    with pytest.raises(ValidationError) as refused:
        await site_settings.set_site_settings(
            db, signup_domains="not a domain", shared_networks=None, locale="fr"
        )
    assert set(refused.value.errors) == {"default_locale", "signup_domains"}
    assert await site_settings.get(db, site_settings.LOCALE) == ""


@pytest.mark.anyio
async def test_a_value_edited_by_hand_reads_as_english(db: Database) -> None:
    await site_settings.put(db, {site_settings.LOCALE: "klingon"})
    assert await site_settings.default_locale(db) == "en"
