"""The words of campaign mail: default texts per kind, placeholders, and the unsubscribe footer."""

from __future__ import annotations

import string
from collections.abc import Mapping

from contest.core.errors import ValidationError

KINDS = {
    "invite": "Invite people to take part",
    "voting": "Voting is open (to participants)",
    "results": "Winners announced (to participants)",
}
#: Kinds mailed to the contest's participants (an uploaded list is added to them).
TO_PARTICIPANTS = ("voting", "results")
PLACEHOLDERS = {
    "name": "the recipient's name (“there” when the list has none)",
    "contest": "the contest's title",
    "link": "the contest page, the gallery or the winners page, by kind",
    "hashtag": "the contest's hashtag",
    "peoples_choice": "what wins People's Choice (“the most liked photo”, or the most likes on"
    " the network the contest counts)",
}
MAX_SUBJECT = 200
MAX_BODY = 10_000
DEFAULTS: dict[str, tuple[str, str]] = {
    "invite": (
        "Take part in {contest}",
        "Hello {name},\n\n"
        "The library invites you to take part in {contest}, our photo contest for students and"
        " staff. Read the theme and the rules, and send us your best photos here:\n"
        "{link}\n\n"
        "Share your photos with {hashtag} too.\n\n"
        "We look forward to your entries!\n",
    ),
    "voting": (
        "Voting is open in {contest}",
        "Hello {name},\n\n"
        "Thank you for taking part in {contest}. Voting is now open: see every photo and like"
        " your favourites here:\n"
        "{link}\n\n"
        "People's Choice goes to {peoples_choice}, so invite your friends and"
        " classmates to vote too: send them the link, or share it with {hashtag}.\n",
    ),
    "results": (
        "The winners of {contest}",
        "Hello {name},\n\n"
        "The judges have decided and the winners of {contest} are out. See the winning photos"
        " here:\n"
        "{link}\n\n"
        "Thank you for taking part, and congratulations to everyone who entered.\n",
    ),
}


def placeholder_error(text: str) -> str | None:
    """What is wrong with the placeholders in a text, or None."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return "A { or } has no partner; write {{ or }} to show a brace itself."
    allowed = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    for _, field_name, spec, conversion in parts:
        if field_name is None:
            continue
        if field_name not in PLACEHOLDERS or spec or conversion:
            written = "{" + field_name + (f"!{conversion}" if conversion else "")
            written += (f":{spec}" if spec else "") + "}"
            return f"Unknown placeholder {written}; use {allowed}."
    return None


def check_message(subject: str, body: str) -> tuple[str, str]:
    """The subject (on one line) and body, trimmed; ValidationError naming each bad field."""
    subject = " ".join(subject.split())
    body = body.replace("\r\n", "\n").strip() + "\n"
    errors: dict[str, str] = {}
    if not subject:
        errors["subject"] = "Write a subject."
    elif len(subject) > MAX_SUBJECT:
        errors["subject"] = f"Keep the subject under {MAX_SUBJECT} characters."
    elif problem := placeholder_error(subject):
        errors["subject"] = problem
    if not body.strip():
        errors["body"] = "Write the message."
    elif len(body) > MAX_BODY:
        errors["body"] = f"Keep the message under {MAX_BODY:,} characters."
    elif problem := placeholder_error(body):
        errors["body"] = problem
    if errors:
        raise ValidationError(errors)
    return subject, body


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with its placeholders filled (the text has passed ``placeholder_error``)."""
    return text.format_map({name: values.get(name, "") for name in PLACEHOLDERS})


def footer(unsubscribe_link: str) -> str:
    """The lines under every campaign message: why it came, and how to stop it."""
    return (
        "\n-- \nYou receive this message about the library's photo contest."
        f"\nTo receive no more of these messages, open: {unsubscribe_link}\n"
    )


def compose(
    subject: str, body: str, values: Mapping[str, str], unsubscribe_link: str
) -> tuple[str, str]:
    """The subject and full body of one recipient's message."""
    return fill(subject, values), fill(body, values).rstrip() + "\n" + footer(unsubscribe_link)
