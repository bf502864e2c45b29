"""An entry form whose alt text copies the description hears of a problem in it once."""

import pytest

from contest.core.forms import FormValues
from contest.entries.text import check_entry_text


def check(description: str, alt_text: str) -> dict[str, str]:
    form = FormValues.of(
        {"title": "Reading room at dusk", "description": description, "alt_text": alt_text}
    )
    entry, errors = check_entry_text(form, official_hashtag="lightlib", description_required=False)
    assert entry is None
    return errors


@pytest.mark.parametrize("copied", ["", "same"], ids=["alt-left-empty", "alt-copies"])
def test_contact_details_in_a_copied_description_are_listed_once(copied: str) -> None:
    description = "Late light in the reading room. Write to me at pat@uni.edu"
    alt_text = description if copied else ""

    errors = check(description, alt_text)

    assert list(errors) == ["description"]
    assert "an email address" in errors["description"]


def test_alt_text_of_its_own_with_contact_details_still_has_its_own_error() -> None:
    errors = check("Call me on 9123 4567 about it", "A lamp; mail pat@uni.edu")

    assert set(errors) == {"description", "alt_text"}
    assert "an email address" in errors["alt_text"]
