"""The words of campaign mail: default texts per kind, placeholders, and the unsubscribe footer.

A campaign is written in a main language and may carry a version in the other one (Chinese
next to English, or English next to Chinese); each reader gets the version of their language.
One Chinese version serves readers of both scripts: a library writes its Chinese once, and a
reader of one script reads the other; what the site itself adds (the footer, a missing name)
follows the reader's own script.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from contest.core.errors import ValidationError
from contest.i18n import DEFAULT_LOCALE, N_, Message, gettext, number, using_locale

KINDS = {
    "invite": N_("Invite people to take part"),
    "voting": N_("Voting is open (to participants)"),
    "results": N_("Winners announced (to participants)"),
}
#: Kinds mailed to the contest's participants (an uploaded list is added to them).
TO_PARTICIPANTS = ("voting", "results")
PLACEHOLDERS = {
    "name": N_("the recipient's name (“there” when the list has none)"),
    "contest": N_("the contest's title"),
    "link": N_("the contest page, the gallery or the winners page, by kind"),
    "hashtag": N_("the contest's hashtag"),
    "peoples_choice": N_(
        "what wins People's Choice (“the most liked photo”, or the most likes on"
        " the network the contest counts)"
    ),
}
MAX_SUBJECT = 200
MAX_BODY = 10_000
#: The texts a new campaign starts from, in the organizer's language where they are shown
#: (``str()`` of each in ``using_locale``); their English is what ``DEFAULTS`` compares equal to.
DEFAULTS: dict[str, tuple[Message, Message]] = {
    "invite": (
        N_("Take part in {contest}"),
        N_(
            "Hello {name},\n\n"
            "The library invites you to take part in {contest}, our photo contest for students"
            " and staff. Read the theme and the rules, and send us your best photos here:\n"
            "{link}\n\n"
            "Share your photos with {hashtag} too.\n\n"
            "We look forward to your entries!\n"
        ),
    ),
    "voting": (
        N_("Voting is open in {contest}"),
        N_(
            "Hello {name},\n\n"
            "Thank you for taking part in {contest}. Voting is now open: see every photo and like"
            " your favourites here:\n"
            "{link}\n\n"
            "People's Choice goes to {peoples_choice}, so invite your friends and"
            " classmates to vote too: send them the link, or share it with {hashtag}.\n"
        ),
    ),
    "results": (
        N_("The winners of {contest}"),
        N_(
            "Hello {name},\n\n"
            "The judges have decided and the winners of {contest} are out. See the winning"
            " photos here:\n"
            "{link}\n\n"
            "Thank you for taking part, and congratulations to everyone who entered.\n"
        ),
    ),
}


def default_text(kind: str, locale: str) -> tuple[str, str]:
    """The subject and body a new campaign of that kind starts from, written in ``locale``."""
    subject, body = DEFAULTS[kind]
    with using_locale(locale):
        return str(subject), str(body)


def is_chinese(locale: str) -> bool:
    """Whether a locale writes Chinese (either script)."""
    return locale.startswith("zh")


def other_language(main_locale: str, organizer_locale: str) -> str:
    """The language of a campaign's second version: Chinese next to English (in the
    organizer's script when they read Chinese, else Traditional), English next to Chinese."""
    if is_chinese(main_locale):
        return DEFAULT_LOCALE
    return organizer_locale if is_chinese(organizer_locale) else "zh_Hant"


def placeholder_error(text: str) -> Message | None:
    """What is wrong with the placeholders in a text, or None."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return N_("A { or } has no partner; write {{ or }} to show a brace itself.")
    allowed = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    for _, field_name, spec, conversion in parts:
        if field_name is None:
            continue
        if field_name not in PLACEHOLDERS or spec or conversion:
            written = "{" + field_name + (f"!{conversion}" if conversion else "")
            written += (f":{spec}" if spec else "") + "}"
            return N_(
                "Unknown placeholder %(written)s; use %(allowed)s.",
                written=written,
                allowed=allowed,
            )
    return None


def _checked(
    subject: str, body: str, fields: tuple[str, str]
) -> tuple[str, str, dict[str, Message]]:
    """The subject (on one line) and body, trimmed, with the errors of each field."""
    subject = " ".join(subject.split())
    body = body.replace("\r\n", "\n").strip() + "\n"
    subject_field, body_field = fields
    errors: dict[str, Message] = {}
    if not subject:
        errors[subject_field] = N_("Write a subject.")
    elif len(subject) > MAX_SUBJECT:
        errors[subject_field] = N_(
            "Keep the subject under %(limit)d characters.", limit=MAX_SUBJECT
        )
    elif problem := placeholder_error(subject):
        errors[subject_field] = problem
    if not body.strip():
        errors[body_field] = N_("Write the message.")
    elif len(body) > MAX_BODY:
        errors[body_field] = N_(
            "Keep the message under %(limit)s characters.", limit=number(MAX_BODY)
        )
    elif problem := placeholder_error(body):
        errors[body_field] = problem
    return subject, body, errors


def check_message(subject: str, body: str) -> tuple[str, str]:
    """The subject (on one line) and body, trimmed; ValidationError naming each bad field."""
    subject, body, errors = _checked(subject, body, ("subject", "body"))
    if errors:
        raise ValidationError(errors)
    return subject, body


def check_other_version(subject: str, body: str) -> tuple[str, str]:
    """The optional version in the other language, checked as the main one (both empty: none;
    ``("", "")``); ValidationError naming ``other_subject`` or ``other_body``."""
    if not subject.strip() and not body.strip():
        return "", ""
    subject, body, errors = _checked(subject, body, ("other_subject", "other_body"))
    if errors:
        raise ValidationError(errors)
    return subject, body


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with its placeholders filled (the text has passed ``placeholder_error``)."""
    return text.format_map({name: values.get(name, "") for name in PLACEHOLDERS})


def footer(unsubscribe_link: str) -> str:
    """The lines under every campaign message, in the current locale: why it came, and how to
    stop it."""
    return (
        "\n-- \n"
        + gettext(
            "You receive this message about the library's photo contest.\n"
            "To receive no more of these messages, open: %(link)s"
        )
        % {"link": unsubscribe_link}
        + "\n"
    )


def compose(
    subject: str, body: str, values: Mapping[str, str], unsubscribe_link: str
) -> tuple[str, str]:
    """The subject and full body of one recipient's message (the footer in the current
    locale: callers compose inside ``using_locale`` of the message's language)."""
    return fill(subject, values), fill(body, values).rstrip() + "\n" + footer(unsubscribe_link)
