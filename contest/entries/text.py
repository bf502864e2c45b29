"""The words that go with a photo: title, description, alt text and hashtags, checked and tidied."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from contest.core.forms import FormValues

TITLE_MIN = 3
TITLE_MAX = 80
DESCRIPTION_MAX = 1_000
ALT_TEXT_MAX = 300
HASHTAG_MAX_LENGTH = 40
MAX_HASHTAGS = 10  # the participant's own; the contest's official hashtag comes on top
LICENCES = {
    "contest": "Only for this contest and its promotion by the organizers",
    "cc-by-4.0": "Also for anyone, with credit to me (Creative Commons BY 4.0)",
}

_CAMERA_NAME = re.compile(
    r"^(?:img|dsc[nf]?|pxl|mvimg|vid|dji|gopr|sam|wp|photo|image|picture|pic|screenshot|p|dcim)"
    r"[\s_\-]*\d[\w\s\-]*(?:\.\w{3,4})?$"
    r"|^\d{6,}[\s_\-]?\d*(?:\.\w{3,4})?$",
    re.IGNORECASE,
)
_PLACEHOLDER_TITLES = {"untitled", "no title", "title", "image", "photo", "picture", "img", "test"}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_CANDIDATE = re.compile(r"(?<![\w/])\+?\(?\d[\d\s().\-]{6,}\d(?![\w/])")
_DATE_LIKE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")
_INLINE_TAG = re.compile(rf"(?<![\w#&])#(\w{{1,{HASHTAG_MAX_LENGTH}}})")
_TAG_WORD = re.compile(r"^\w+$")
#: Hashtags that end a description (with the spaces and commas between them).
_TRAILING_TAGS = re.compile(rf"(?:[\s,;]*(?<![\w#&])#\w{{1,{HASHTAG_MAX_LENGTH}}})+[\s,;.!]*$")


@dataclass(frozen=True)
class EntryText:
    """The checked words of an entry."""

    title: str
    description: str
    alt_text: str
    hashtags: tuple[str, ...]


def normalize_tag(text: str) -> str:
    """One spelling per hashtag: ``#Library_Nights`` and ``library_nights`` are the same tag."""
    return unicodedata.normalize("NFKC", text).strip().lstrip("#").casefold()


def without_emails(text: str) -> str:
    """The text with every email address replaced by ``[email removed]``."""
    return _EMAIL.sub("[email removed]", text)


def contains_contact_details(text: str) -> str | None:
    """'an email address' or 'a phone number' if the text holds one, else None."""
    if _EMAIL.search(text):
        return "an email address"
    for match in _PHONE_CANDIDATE.finditer(text):
        candidate = match.group(0).strip()
        digits = sum(character.isdigit() for character in candidate)
        if digits >= 8 and not _DATE_LIKE.match(candidate):
            return "a phone number"
    return None


def default_alt_text(title: str, description: str) -> str:
    """Alt text when none is typed: the description without its hashtags (those that end it
    dropped, those inside a sentence read as words), else the title."""
    words = _INLINE_TAG.sub(r"\1", _TRAILING_TAGS.sub("", description)).split()
    return " ".join(words)[:ALT_TEXT_MAX] if words else title[:ALT_TEXT_MAX]


def title_error(title: str) -> str | None:
    """What is wrong with a title, or None."""
    if not title:
        return "Give your photo a title."
    if len(title) < TITLE_MIN:
        return f"Use a title of at least {TITLE_MIN} characters that says what the photo shows."
    if len(title) > TITLE_MAX:
        return f"Keep the title under {TITLE_MAX} characters (it is {len(title)})."
    if _CAMERA_NAME.match(title) or title.casefold() in _PLACEHOLDER_TITLES:
        return (
            f"“{title}” looks like a camera file name. Give the photo a title that says what it"
            " shows, such as “Lamplight on the reading room”."
        )
    return None


def parse_hashtags(field: str, description: str, *, official: str) -> tuple[list[str], str | None]:
    """Hashtags from the field and the description, official one first; and any problem found."""
    words = re.split(r"[\s,;]+", field) + _INLINE_TAG.findall(description)
    tags: list[str] = []
    for word in words:
        tag = normalize_tag(word)
        if not tag:
            continue
        if not _TAG_WORD.match(tag) or len(tag) > HASHTAG_MAX_LENGTH:
            return tags, (
                f"“{word}” is not a hashtag: use letters, digits and _ only, up to"
                f" {HASHTAG_MAX_LENGTH} characters."
            )
        if tag not in tags:
            tags.append(tag)
    official_tag = normalize_tag(official)
    own = [tag for tag in tags if tag != official_tag]
    if len(own) > MAX_HASHTAGS:
        return (
            tags,
            f"Use at most {MAX_HASHTAGS} hashtags besides #{official} (you gave {len(own)}).",
        )
    return [official_tag, *own], None


def check_entry_text(
    form: FormValues, *, official_hashtag: str, description_required: bool
) -> tuple[EntryText | None, dict[str, str]]:
    """The tidied words of an entry form, or the errors to show beside each field."""
    errors: dict[str, str] = {}
    title = " ".join(form.get("title").split())
    description = form.get("description").strip()
    typed_alt = " ".join(form.get("alt_text").split())
    alt_text = typed_alt or default_alt_text(title, description)
    if problem := title_error(title):
        errors["title"] = problem
    if description_required and not description:
        errors["description"] = "Tell viewers about your photo in a sentence or two."
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = (
            f"Keep the description under {DESCRIPTION_MAX} characters (it is {len(description)})."
        )
    if len(alt_text) > ALT_TEXT_MAX:
        errors["alt_text"] = f"Keep the alt text under {ALT_TEXT_MAX} characters."
    # Alt text that copies the description (or is left to it) shares its error: list it once.
    # (Alt text left empty comes from the title or description, checked already.)
    copies_description = typed_alt == " ".join(description.split())[:ALT_TEXT_MAX]
    for field, text in (("title", title), ("description", description), ("alt_text", alt_text)):
        if field == "alt_text" and (
            not typed_alt or (copies_description and "description" in errors)
        ):
            continue
        if field not in errors and (found := contains_contact_details(text)):
            errors[field] = (
                f"This contains {found}. Your photo and its words are public, so please keep"
                " contact details out."
            )
    hashtags, problem = parse_hashtags(form.get("hashtags"), description, official=official_hashtag)
    if problem:
        errors["hashtags"] = problem
    if errors:
        return None, errors
    return EntryText(title, description, alt_text, tuple(hashtags)), errors
