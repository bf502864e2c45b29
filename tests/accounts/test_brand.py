"""The library's brand: colours checked for contrast, links checked, stored and read back."""

import pytest

from contest.accounts import brand, site_settings
from contest.core.db import Database
from contest.core.errors import ValidationError


def test_contrast_ratio_matches_wcag_for_black_on_white_and_equal_colours() -> None:
    assert brand.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert brand.contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
    assert brand.contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_an_accent_readable_on_white_but_not_on_a_secondary_button_is_refused() -> None:
    assert brand.contrast_ratio("#5f6f8f", "#ffffff") >= 4.5
    assert brand.contrast_ratio("#5f6f8f", "#e8eefb") < 4.5
    with pytest.raises(ValidationError):
        brand.parse_colour("#5f6f8f", brand.ACCENT)
    assert brand.parse_colour("#5f6f8f", brand.HEADER, brand.HEADER_GROUNDS)


def test_the_stylesheets_own_colours_pass_the_check() -> None:
    assert brand.parse_colour(brand.DEFAULT_ACCENT, "a") == "#1f5fbf"
    assert brand.parse_colour("16213E", "h") == "#16213e"


def test_a_light_colour_is_refused_with_its_ratio_and_a_darker_suggestion() -> None:
    with pytest.raises(ValidationError) as refused:
        brand.parse_colour("#7fb2ff", brand.ACCENT)
    message = refused.value.errors[brand.ACCENT]
    ratio = min(brand.contrast_ratio("#7fb2ff", ground) for ground in brand.ACCENT_GROUNDS)
    assert f"{ratio:.2f}:1" in message
    assert "4.5:1" in message
    suggestion = message.rsplit("such as ", 1)[1].rstrip(".")
    assert all(brand.contrast_ratio(suggestion, g) >= 4.5 for g in brand.ACCENT_GROUNDS)
    assert brand.parse_colour(suggestion, brand.ACCENT) == suggestion


@pytest.mark.parametrize("typed", ["red", "#12345", "#1234567", "#ggg000", "rgb(0,0,0)", ""])
def test_a_colour_not_written_as_six_hex_digits_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError) as refused:
        brand.parse_colour(typed, brand.HEADER)
    assert "six hex digits" in refused.value.errors[brand.HEADER]


@pytest.mark.parametrize(
    "typed",
    [
        "javascript:alert(1)",
        "data:text/html,hi",
        "ftp://library.edu/privacy",
        "https://",
        "https://exa mple.edu/x",
        "//library.edu/privacy",
        "library.edu/privacy",
    ],
)
def test_a_privacy_link_must_be_an_http_or_https_address(typed: str) -> None:
    with pytest.raises(ValidationError) as refused:
        brand.parse_brand({brand.NAME: "Library", brand.PRIVACY_URL: typed} | _colours())
    assert "https://" in refused.value.errors[brand.PRIVACY_URL]


def _colours() -> dict[str, str]:
    return {brand.ACCENT: brand.DEFAULT_ACCENT, brand.HEADER: brand.DEFAULT_HEADER}


def test_a_contact_is_an_email_address_or_a_web_address() -> None:
    assert brand.parse_contact(" library@uni.edu ") == "library@uni.edu"
    assert brand.parse_contact("https://uni.edu/library/contact") == (
        "https://uni.edu/library/contact"
    )
    assert brand.parse_contact("") == ""
    for bad in ("call us", "mailto:library@uni.edu", "javascript://x%0aalert(1)"):
        with pytest.raises(ValidationError) as refused:
            brand.parse_contact(bad)
        assert brand.CONTACT in refused.value.errors


def test_every_bad_brand_field_is_named_at_once() -> None:
    with pytest.raises(ValidationError) as refused:
        brand.parse_brand(
            {
                brand.NAME: "  ",
                brand.ACCENT: "#ffff00",
                brand.HEADER: "#eeeeee",
                brand.CONTACT: "nobody",
                brand.PRIVACY_URL: "file:///etc/passwd",
            }
        )
    assert set(refused.value.errors) == set(brand.FIELDS)


def test_a_long_name_is_refused_with_its_length() -> None:
    with pytest.raises(ValidationError) as refused:
        brand.parse_name("x" * 61)
    assert "61" in refused.value.errors[brand.NAME]


@pytest.mark.anyio
async def test_a_saved_brand_is_stored_and_read_back(db: Database) -> None:
    assert await brand.get_brand(db) == brand.Brand()
    await site_settings.set_site_settings(
        db,
        signup_domains=None,
        shared_networks=None,
        brand_fields={
            brand.NAME: "  City   Library Photo Contests ",
            brand.ACCENT: "#8A1538",
            brand.HEADER: "#003b2f",
            brand.CONTACT: "library@uni.edu",
            brand.PRIVACY_URL: "https://uni.edu/privacy",
        },
    )
    stored = await brand.get_brand(db)
    assert stored == brand.Brand(
        name="City Library Photo Contests",
        accent="#8a1538",
        header="#003b2f",
        contact="library@uni.edu",
        privacy_url="https://uni.edu/privacy",
    )
    assert stored.contact_url == "mailto:library@uni.edu"
    assert await db.fetch_value("SELECT value FROM settings WHERE key = 'brand_accent'") == (
        "#8a1538"
    )
    assert brand.stylesheet(stored) == ":root { --accent: #8a1538; --night: #003b2f; }\n"


@pytest.mark.anyio
async def test_a_refused_brand_changes_no_setting(db: Database) -> None:
    with pytest.raises(ValidationError):
        await site_settings.set_site_settings(
            db,
            signup_domains="uni.edu",
            shared_networks=None,
            brand_fields={brand.NAME: "Library", brand.ACCENT: "#ffffff", brand.HEADER: "#000"},
        )
    assert await db.fetch_all("SELECT * FROM settings") == []


@pytest.mark.anyio
async def test_a_value_edited_by_hand_into_something_unsafe_reads_as_the_default(
    db: Database,
) -> None:
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO settings (key, value) VALUES ('brand_accent', '#fff; } body { x: y'),"
            " ('brand_privacy_url', 'javascript:alert(1)'), ('brand_logo', 'not json')"
        )
    shown = await brand.get_brand(db)
    assert (shown.accent, shown.privacy_url, shown.logo) == (brand.DEFAULT_ACCENT, "", None)
