"""A photo's alt text, when none is typed, reads as a sentence: no trailing hashtags."""

import pytest

from contest.entries.text import ALT_TEXT_MAX, default_alt_text


@pytest.mark.parametrize(
    ("description", "alt"),
    [
        ("Empty chairs under the lamps. #nightowl #quiet", "Empty chairs under the lamps."),
        ("Late light, #nightowl, #quiet", "Late light"),
        ("Studying in the #atrium at noon", "Studying in the atrium at noon"),
        ("Desk no. 4 & #5 of the C&#233;line room", "Desk no. 4 & 5 of the C&#233;line room"),
        ("#nightowl #quiet", "Reading room"),
        ("   ", "Reading room"),
    ],
)
def test_the_default_alt_text_drops_hashtags_or_falls_back_to_the_title(
    description: str, alt: str
) -> None:
    assert default_alt_text("Reading room", description) == alt


def test_the_default_alt_text_keeps_to_its_limit() -> None:
    assert len(default_alt_text("Reading room", "word " * 200)) == ALT_TEXT_MAX
