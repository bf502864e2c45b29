"""The words that go with a photo: title, description, alt text and hashtags, checked and tidied.

Lengths are counted by display width: a wide (Chinese, Japanese, Korean) character counts as two,
so the two-character title 夜读 passes the minimum that "ab" fails, and a limit takes as much room
on the page in any script."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from contest.core.forms import FormValues
from contest.i18n import N_, Message

TITLE_MIN = 3
TITLE_MAX = 80
DESCRIPTION_MAX = 1_000
ALT_TEXT_MAX = 300
HASHTAG_MAX_LENGTH = 40
MAX_HASHTAGS = 10  # the participant's own; the contest's official hashtag comes on top
LICENCES = {
    "contest": N_("Only for this contest and its promotion by the organizers"),
    "cc-by-4.0": N_("Also for anyone, with credit to me (Creative Commons BY 4.0)"),
}

_CAMERA_NAME = re.compile(
    r"^(?:img|dsc[nf]?|pxl|mvimg|vid|dji|gopr|sam|wp|photo|image|picture|pic|screenshot|p|dcim)"
    r"[\s_\-]*\d[\w\s\-]*(?:\.\w{3,4})?$"
    r"|^\d{6,}[\s_\-]?\d*(?:\.\w{3,4})?$",
    re.IGNORECASE,
)
_PLACEHOLDER_TITLES = {"untitled", "no title", "title", "image", "photo", "picture", "img", "test"}
#: Phone and app file names: WeChat's exports (mmexport…, wx_camera_…).
_APP_FILE_NAME = re.compile(r"^(?:mmexport|wx_camera_?|qq_?image_?)\d{6,}(?:\.\w{3,4})?$")
#: Chinese placeholders and file names, Simplified and Traditional (matched after NFKC):
#: 无标题/無標題, 未命名, 图片/圖片, 照片 2, 新建文件夹, 截图/截圖, 微信图片_20240512…,
#: 屏幕截图 2024-05-12 123456, 截屏 下午3.15.
_CHINESE_PLACEHOLDER = re.compile(
    r"^(?:qq|微信|wechat|新浪|微博)?[\s_\-]*"
    r"(?:无标题|無標題|未标题|未標題|无题|無題|标题|標題|未命名|无名|無名|图片|圖片|照片|相片|图像|圖像"
    r"|影像|截图|截圖|截屏|屏幕截图|屏幕截圖|螢幕截圖|熒幕截圖|荧幕截图|屏幕快照|螢幕快照|新建文件夹|新增資料夾"
    r"|新建資料夾|新建位图图像|测试|測試|图|圖)"
    r"[\s_\-]*[\d\s_\-.:年月日时時分秒上下午()]*(?:\.\w{3,4})?$"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_CANDIDATE = re.compile(r"(?<![\w/])\+?\(?\d[\d\s().\-]{6,}\d(?![\w/])")
_DATE_LIKE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")
#: A hashtag starts with # (or the full-width U+FF03 of Chinese keyboards) not glued to a Latin word
#: (C#, &#38;), though it may follow Chinese text directly; Weibo's closing # (#夜读#) is taken too.
_TAG = rf"(?<![A-Za-z0-9_#\uff03&])[#\uff03](\w{{1,{HASHTAG_MAX_LENGTH}}})[#\uff03]?+"
_INLINE_TAG = re.compile(_TAG)
_TAG_WORD = re.compile(r"^\w+$")
_TAG_SEPARATORS = re.compile(r"[\s,;\uff0c\uff1b、]+")
#: What may stand between the hashtags that end a description, and after the last.
_BETWEEN_TAGS = " \t\r\n,;.!\uff0c\uff1b\u3002\uff01\u3001"
_BEFORE_TAGS = " \t\r\n,;\uff0c\uff1b\u3001"


def display_width(text: str) -> int:
    """How many columns the text takes: wide and full-width characters count as two."""
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in text)


def clip_to_width(text: str, width: int) -> str:
    """The longest start of the text that fits in ``width`` columns."""
    used = 0
    for index, character in enumerate(text):
        used += display_width(character)
        if used > width:
            return text[:index]
    return text


def _has_wide(text: str) -> bool:
    """Whether the text has wide characters, which the sentences remind count as two."""
    return display_width(text) != len(text)


def _folded(text: str) -> str:
    """The text as compared with placeholders: NFKC (full-width letters are plain), case folded."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


@dataclass(frozen=True)
class EntryText:
    """The checked words of an entry."""

    title: str
    description: str
    alt_text: str
    hashtags: tuple[str, ...]


def normalize_tag(text: str) -> str:
    """One spelling per hashtag: ``#Library_Nights`` and ``library_nights`` are the same tag."""
    return unicodedata.normalize("NFKC", text).strip().strip("#").casefold()


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


def _without_trailing_tags(description: str) -> str:
    """The description without the hashtags that end it (and the commas between them)."""
    cut = len(description)
    for match in reversed(list(_INLINE_TAG.finditer(description))):
        if description[match.end() : cut].strip(_BETWEEN_TAGS):
            break
        cut = match.start()
    return description if cut == len(description) else description[:cut].rstrip(_BEFORE_TAGS)


def default_alt_text(title: str, description: str) -> str:
    """Alt text when none is typed: the description without its hashtags (those that end it
    dropped, those inside a sentence read as words), else the title."""
    words = _INLINE_TAG.sub(r"\1", _without_trailing_tags(description)).split()
    return clip_to_width(" ".join(words) if words else title, ALT_TEXT_MAX)


def is_placeholder_title(title: str) -> bool:
    """Whether a title is a camera or app file name or a placeholder (IMG_1234, 无标题, 圖片)."""
    folded = _folded(title)
    return bool(
        _CAMERA_NAME.match(folded)
        or _APP_FILE_NAME.match(folded)
        or folded in _PLACEHOLDER_TITLES
        or _CHINESE_PLACEHOLDER.match(folded)
    )


def title_error(title: str) -> Message | None:
    """What is wrong with a title, or None."""
    if not title:
        return N_("Give your photo a title.")
    width = display_width(title)
    if width < TITLE_MIN:
        if _has_wide(title):
            return N_(
                "Use a title of at least %(minimum)d characters, or two Chinese characters, that"
                " says what the photo shows.",
                minimum=TITLE_MIN,
            )
        return N_(
            "Use a title of at least %(minimum)d characters that says what the photo shows.",
            minimum=TITLE_MIN,
        )
    if width > TITLE_MAX:
        if _has_wide(title):
            return N_(
                "Keep the title under %(maximum)d characters (it is %(width)d; a Chinese"
                " character counts as two).",
                maximum=TITLE_MAX,
                width=width,
            )
        return N_(
            "Keep the title under %(maximum)d characters (it is %(width)d).",
            maximum=TITLE_MAX,
            width=width,
        )
    if not is_placeholder_title(title):
        return None
    if _CAMERA_NAME.match(_folded(title)) or _APP_FILE_NAME.match(_folded(title)):
        return N_(
            "“%(title)s” looks like a camera file name. Give the photo a title that says what it"
            " shows, such as “Lamplight on the reading room”.",
            title=title,
        )
    return N_(
        "“%(title)s” looks like a placeholder or a camera file name. Give the photo a title that"
        " says what it shows, such as “Lamplight on the reading room”.",
        title=title,
    )


def parse_hashtags(
    field: str, description: str, *, official: str
) -> tuple[list[str], Message | None]:
    """Hashtags from the field and the description, official one first; and any problem found."""
    words = _TAG_SEPARATORS.split(field) + _INLINE_TAG.findall(description)
    tags: list[str] = []
    for word in words:
        tag = normalize_tag(word)
        if not tag:
            continue
        if not _TAG_WORD.match(tag) or display_width(tag) > HASHTAG_MAX_LENGTH:
            if _has_wide(tag):
                return tags, N_(
                    "“%(word)s” is not a hashtag: use letters, digits and _ only, up to"
                    " %(maximum)d characters (a Chinese character counts as two).",
                    word=word,
                    maximum=HASHTAG_MAX_LENGTH,
                )
            return tags, N_(
                "“%(word)s” is not a hashtag: use letters, digits and _ only, up to"
                " %(maximum)d characters.",
                word=word,
                maximum=HASHTAG_MAX_LENGTH,
            )
        if tag not in tags:
            tags.append(tag)
    official_tag = normalize_tag(official)
    own = [tag for tag in tags if tag != official_tag]
    if len(own) > MAX_HASHTAGS:
        return tags, N_(
            "Use at most %(maximum)d hashtags besides #%(official)s (you gave %(count)d).",
            maximum=MAX_HASHTAGS,
            official=official,
            count=len(own),
        )
    return [official_tag, *own], None


#: What to say when a text holds contact details, by what it holds.
CONTACT_DETAILS_FOUND = {
    "an email address": N_(
        "This contains an email address. Your photo and its words are public, so please keep"
        " contact details out."
    ),
    "a phone number": N_(
        "This contains a phone number. Your photo and its words are public, so please keep"
        " contact details out."
    ),
}


def _too_long_description(description: str) -> Message:
    width = display_width(description)
    if _has_wide(description):
        return N_(
            "Keep the description under %(maximum)d characters (it is %(width)d; a Chinese"
            " character counts as two).",
            maximum=DESCRIPTION_MAX,
            width=width,
        )
    return N_(
        "Keep the description under %(maximum)d characters (it is %(width)d).",
        maximum=DESCRIPTION_MAX,
        width=width,
    )


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
        errors["description"] = N_("Tell viewers about your photo in a sentence or two.")
    elif display_width(description) > DESCRIPTION_MAX:
        errors["description"] = _too_long_description(description)
    if display_width(alt_text) > ALT_TEXT_MAX:
        errors["alt_text"] = (
            N_(
                "Keep the alt text under %(maximum)d characters (a Chinese character counts as"
                " two).",
                maximum=ALT_TEXT_MAX,
            )
            if _has_wide(alt_text)
            else N_("Keep the alt text under %(maximum)d characters.", maximum=ALT_TEXT_MAX)
        )
    # Alt text that copies the description (or is left to it) shares its error: list it once.
    # (Alt text left empty comes from the title or description, checked already.)
    copies_description = typed_alt == clip_to_width(" ".join(description.split()), ALT_TEXT_MAX)
    for field, text in (("title", title), ("description", description), ("alt_text", alt_text)):
        if field == "alt_text" and (
            not typed_alt or (copies_description and "description" in errors)
        ):
            continue
        if field not in errors and (found := contains_contact_details(text)):
            errors[field] = CONTACT_DETAILS_FOUND[found]
    hashtags, problem = parse_hashtags(form.get("hashtags"), description, official=official_hashtag)
    if problem:
        errors["hashtags"] = problem
    if errors:
        return None, errors
    return EntryText(title, description, alt_text, tuple(hashtags)), errors
