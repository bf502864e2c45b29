import pytest

from contest.core.forms import FormValues
from contest.entries.text import (
    MAX_HASHTAGS,
    check_entry_text,
    contains_contact_details,
    parse_hashtags,
    title_error,
)


@pytest.mark.parametrize(
    "title",
    [
        "IMG_1234",
        "img_1234.jpg",
        "DSC_0042",
        "DSCN0042.JPG",
        "PXL_20240512_123456789",
        "20240512_123456",
        "untitled",
        "Untitled",
        "Photo 3",
        "Screenshot 2024-05-12",
    ],
)
def test_camera_file_names_are_not_titles(title: str) -> None:
    assert title_error(title) is not None and "camera file name" in str(title_error(title))


@pytest.mark.parametrize("title", ["Lamplight on the reading room", "3 AM at the stacks", "Noon"])
def test_meaningful_titles_pass(title: str) -> None:
    assert title_error(title) is None


def test_empty_short_and_long_titles_are_explained() -> None:
    assert "Give your photo a title" in str(title_error(""))
    assert "at least 3" in str(title_error("ab"))
    assert "under 80" in str(title_error("x" * 81))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("write to me at ann.lee+photos@uni.edu", "an email address"),
        ("call +852 9123 4567 any time", "a phone number"),
        ("WhatsApp (555) 123-4567", "a phone number"),
        ("taken 2024-05-12 at 18:30 in room 1234", None),
        ("Exam week 2024, floor 3", None),
    ],
)
def test_contact_details_are_found_but_dates_are_not(text: str, found: str | None) -> None:
    assert contains_contact_details(text) == found


def test_hashtags_from_field_and_description_are_normalised_and_official_is_first() -> None:
    tags, problem = parse_hashtags(
        "#NightOwls, studyspace", "Quiet #nightowls #Exam_Week", official="DayAndNight"
    )
    assert problem is None
    assert tags == ["dayandnight", "nightowls", "studyspace", "exam_week"]


def test_too_many_hashtags_and_bad_ones_are_refused() -> None:
    many = " ".join(f"#tag{i}" for i in range(MAX_HASHTAGS + 1))
    assert "at most 10" in str(parse_hashtags(many, "", official="x")[1])
    assert "not a hashtag" in str(parse_hashtags("#good #bad-tag!", "", official="x")[1])


def test_alt_text_defaults_to_the_description() -> None:
    form = FormValues.of(
        {"title": "Noon light", "description": "Sun on the  desks.", "hashtags": ""}
    )
    text, errors = check_entry_text(form, official_hashtag="Lib", description_required=True)
    assert errors == {} and text is not None
    assert text.alt_text == "Sun on the desks." and text.hashtags == ("lib",)


def test_every_problem_is_reported_with_its_field() -> None:
    form = FormValues.of({"title": "IMG_0001", "description": "", "alt_text": "mail me a@b.co"})
    text, errors = check_entry_text(form, official_hashtag="Lib", description_required=True)
    assert text is None
    assert set(errors) == {"title", "description", "alt_text"}
    assert "keep contact details out" in errors["alt_text"]


def test_description_may_be_optional() -> None:
    form = FormValues.of({"title": "Noon light"})
    text, errors = check_entry_text(form, official_hashtag="Lib", description_required=False)
    assert errors == {} and text is not None and text.description == ""
