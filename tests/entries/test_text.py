import pytest

from contest.core.forms import FormValues
from contest.entries.text import (
    ALT_TEXT_MAX,
    DESCRIPTION_MAX,
    HASHTAG_MAX_LENGTH,
    MAX_HASHTAGS,
    TITLE_MAX,
    EntryText,
    check_entry_text,
    contains_contact_details,
    normalize_tag,
    parse_hashtags,
    title_error,
    without_emails,
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


OK = {
    "title": "Noon light",
    "description": "Sun on the desks.",
    "alt_text": "Desks",
    "hashtags": "",
}
CONTACT = (
    "This contains {}. Your photo and its words are public, so please keep contact details out."
)


def check(**fields: str) -> tuple[EntryText | None, dict[str, str]]:
    """The entry form ``OK`` with some fields changed, checked with the official tag #Lib."""
    form = FormValues.of(OK | fields)
    return check_entry_text(form, official_hashtag="Lib", description_required=True)


def test_title_length_limits_are_exact() -> None:
    assert title_error("") == "Give your photo a title."
    assert title_error("Ow") == (
        "Use a title of at least 3 characters that says what the photo shows."
    )
    assert title_error("Owl") is None
    assert title_error("O" * TITLE_MAX) is None
    assert title_error("O" * (TITLE_MAX + 1)) == "Keep the title under 80 characters (it is 81)."


def test_a_camera_file_name_is_refused_with_an_example_of_a_title() -> None:
    assert title_error("IMG_1") == (
        "“IMG_1” looks like a camera file name. Give the photo a title that says what it"
        " shows, such as “Lamplight on the reading room”."
    )


def test_a_phone_number_needs_eight_digits() -> None:
    assert contains_contact_details("call 1234 5678") == "a phone number"
    assert contains_contact_details("call 123 4567") is None


def test_email_addresses_are_replaced_and_the_rest_kept() -> None:
    assert without_emails("Write to ann.lee+photos@uni.edu or bo@x.org.hk, thanks") == (
        "Write to [email removed] or [email removed], thanks"
    )
    assert without_emails("no address here") == "no address here"


def test_tags_are_normalised_to_one_spelling() -> None:
    assert normalize_tag("  #Library_Nights ") == "library_nights"
    assert normalize_tag("#XRay") == "xray"  # only the hash goes, not the letters after it
    assert normalize_tag("##") == ""


def test_hashtag_length_limit_is_exact() -> None:
    longest = "a" * HASHTAG_MAX_LENGTH
    assert parse_hashtags(longest, "", official="Lib") == (["lib", longest], None)
    too_long = "a" * (HASHTAG_MAX_LENGTH + 1)
    assert parse_hashtags(f"#{too_long}", "", official="Lib")[1] == (
        f"“#{too_long}” is not a hashtag: use letters, digits and _ only, up to 40 characters."
    )


def test_hashtag_count_limit_is_exact_and_the_official_tag_is_not_counted() -> None:
    ten = [f"tag{i}" for i in range(MAX_HASHTAGS)]
    assert parse_hashtags(" ".join(["#Lib", *ten]), "", official="Lib") == (["lib", *ten], None)
    eleven = [*ten, "tag10"]
    tags, problem = parse_hashtags(" ".join(eleven), "", official="Lib")
    assert problem == "Use at most 10 hashtags besides #Lib (you gave 11)."
    assert tags == eleven


def test_empty_words_between_separators_are_skipped_not_the_end() -> None:
    assert parse_hashtags(" , #, sunrise;;dusk", "", official="Lib") == (
        ["lib", "sunrise", "dusk"],
        None,
    )


def test_title_and_alt_text_spaces_are_collapsed() -> None:
    text, errors = check(title="  Noon   light ", alt_text="Sun  on\n the   desks")
    assert errors == {}
    assert text == EntryText("Noon light", "Sun on the desks.", "Sun on the desks", ("lib",))


def test_alt_text_taken_from_a_long_description_is_cut_to_its_limit() -> None:
    text, errors = check(description="word " * 100, alt_text="")
    assert errors == {} and text is not None
    assert text.alt_text == ("word " * 60)[:ALT_TEXT_MAX]


def test_a_missing_description_is_asked_for() -> None:
    assert check(description="  ") == (
        None,
        {"description": "Tell viewers about your photo in a sentence or two."},
    )


def test_description_length_limit_is_exact() -> None:
    assert check(description="d" * DESCRIPTION_MAX)[1] == {}
    assert check(description="d" * (DESCRIPTION_MAX + 1)) == (
        None,
        {"description": "Keep the description under 1000 characters (it is 1001)."},
    )


def test_alt_text_length_limit_is_exact() -> None:
    assert check(alt_text="a" * ALT_TEXT_MAX)[1] == {}
    assert check(alt_text="a" * (ALT_TEXT_MAX + 1)) == (
        None,
        {"alt_text": "Keep the alt text under 300 characters."},
    )


def test_a_title_problem_is_reported_as_the_title_error() -> None:
    assert check(title="IMG_0001")[1] == {"title": title_error("IMG_0001")}


@pytest.mark.parametrize("field", ["title", "description", "alt_text"])
def test_contact_details_are_reported_on_the_field_that_holds_them(field: str) -> None:
    assert check(**{field: "Call 1234 5678"}) == (None, {field: CONTACT.format("a phone number")})
    assert check(**{field: "Mail a@b.co"}) == (None, {field: CONTACT.format("an email address")})


def test_an_overlong_field_is_not_also_checked_for_contact_details() -> None:
    long_with_phone = "Call 1234 5678 " + "d" * DESCRIPTION_MAX
    assert check(description=long_with_phone, alt_text="Sun")[1] == {
        "description": "Keep the description under 1000 characters (it is 1015)."
    }


def test_a_hashtag_problem_is_reported_as_the_hashtags_error() -> None:
    assert check(hashtags="#bad-tag") == (
        None,
        {
            "hashtags": "“#bad-tag” is not a hashtag: use letters, digits and _ only, up to"
            " 40 characters."
        },
    )
