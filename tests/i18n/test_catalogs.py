"""The catalogs are complete: no Chinese message untranslated or fuzzy, and every message
marked in the translated templates and modules is in them (a new string without a translation
fails)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from contest.i18n import LOCALE_DIR, LOCALES

ROOT = Path(__file__).resolve().parents[2]
#: The templates translated so far; later pages join this list as they are marked.
TRANSLATED_TEMPLATES = (
    "templates/base.html",
    "templates/_language_switch.html",
    "templates/error.html",
    "templates/public/home.html",
    "templates/public/_contest_card.html",
    "templates/public/_contest_status.html",
    "templates/public/contest.html",
    "templates/public/gallery.html",
    "templates/public/entry.html",
    "templates/public/_entry_card.html",
    "templates/public/_like_button.html",
    "templates/public/_voting_banner.html",
    "templates/public/_share_tools.html",
    "templates/public/_wechat_share.html",
    "templates/public/_outside_likes.html",
    "templates/public/winners.html",
    "templates/public/hashtag.html",
    "templates/public/vote_by_email.html",
    "templates/public/vote_confirm.html",
    "templates/public/_social.html",
    "templates/public/_like_words.html",
    "templates/_forms.html",
    "templates/_member_labels.html",
    "templates/auth/account.html",
    "templates/auth/check_email.html",
    "templates/auth/email_confirmed.html",
    "templates/auth/forgot.html",
    "templates/auth/invitation.html",
    "templates/auth/reset.html",
    "templates/auth/sign_in.html",
    "templates/auth/sign_up.html",
    "templates/entries/form.html",
    "templates/entries/mine.html",
    "templates/entries/withdraw.html",
    "templates/judging/home.html",
    "templates/judging/queue.html",
    "templates/judging/score.html",
    "templates/judging/_progress.html",
    "templates/manage/moderation.html",
)
#: The modules whose messages are translated so far (marked with ``N_`` or ``gettext``).
TRANSLATED_MODULES = ("contest/web/errors.py",)
CHINESE = [code for code in LOCALES if code != "en"]


def catalog(locale: str):  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=locale)


def marked_messages() -> set[str]:
    """The msgids the jinja2 extractor finds in the translated templates, as babel.cfg says."""
    found: set[str] = set()
    for name in TRANSLATED_TEMPLATES:
        for _, message, _, _ in extract_from_file(
            "jinja2", ROOT / name, options={"trimmed": "true"}
        ):
            found.add(message if isinstance(message, str) else message[0])
    for name in TRANSLATED_MODULES:
        for _, message, _, _ in extract_from_file("python", ROOT / name):
            found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("locale", CHINESE)
def test_every_message_of_the_chinese_catalogs_is_translated_and_none_is_fuzzy(
    locale: str,
) -> None:
    messages = [message for message in catalog(locale) if message.id]
    assert messages
    assert [m.id for m in messages if not m.string or not all(m.string)] == []
    assert [m.id for m in messages if m.fuzzy] == []
    assert catalog(locale).fuzzy is False


@pytest.mark.parametrize("locale", CHINESE)
def test_every_message_marked_in_the_translated_templates_is_in_the_catalog(locale: str) -> None:
    marked = marked_messages()
    assert "Skip to content" in marked and "See all the winners of %(title)s" in marked
    assert "We couldn't find that page" in marked
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(locale)}  # plurals: singular
    assert marked - ids == set()


@pytest.mark.parametrize("locale", CHINESE)
def test_translations_keep_every_placeholder(locale: str) -> None:
    for message in catalog(locale):
        if message.id and "%(" in message.id:
            names = sorted(part.split(")")[0] for part in message.id.split("%(")[1:])
            got = sorted(part.split(")")[0] for part in message.string.split("%(")[1:])
            assert got == names, message.id


def test_the_catalogs_write_chinese_plurals_with_one_form() -> None:
    for locale in CHINESE:
        assert catalog(locale).num_plurals == 1
