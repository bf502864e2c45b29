"""The catalogs are complete: no Chinese message untranslated or fuzzy, every message marked
in the templates and modules is in them, and no words a person reads are left unmarked (a new
string without a translation fails)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from contest.i18n import LOCALE_DIR
from tests.i18n.marking import CHINESE, report, unmarked_in_template

#: Files still being translated (this list only shrinks; the issue is done when it is empty).
PENDING = frozenset(
    {
        "templates/_preview_banner.html",
        "templates/album/_base.html",
        "templates/album/entry.html",
        "templates/album/index.html",
        "templates/album/winners.html",
        "templates/campaigns/_encoding.html",
        "templates/campaigns/_list_fields.html",
        "templates/campaigns/_log.html",
        "templates/campaigns/_smtp_note.html",
        "templates/campaigns/campaign.html",
        "templates/campaigns/index.html",
        "templates/campaigns/new.html",
        "templates/campaigns/unsubscribe.html",
        "templates/manage/_chart.html",
        "templates/manage/_engagement.html",
        "templates/manage/_preview_form.html",
        "templates/manage/bulk_invitations.html",
        "templates/manage/contest_form.html",
        "templates/manage/copy_contest.html",
        "templates/manage/cover.html",
        "templates/manage/dashboard.html",
        "templates/manage/departments.html",
        "templates/manage/external_likes.html",
        "templates/manage/index.html",
        "templates/manage/judges.html",
        "templates/manage/judging.html",
        "templates/manage/likes.html",
        "templates/manage/outbox.html",
        "templates/manage/people.html",
        "templates/manage/preview.html",
        "templates/manage/report.html",
        "templates/manage/results.html",
        "templates/manage/settings.html",
        "templates/manage/shift_dates.html",
        "contest/accounts/brand.py",
        "contest/accounts/bulk_invitations.py",
        "contest/accounts/department_import.py",
        "contest/accounts/departments.py",
        "contest/accounts/invitation_lists.py",
        "contest/accounts/invitations.py",
        "contest/accounts/recovery.py",
        "contest/accounts/site_settings.py",
        "contest/accounts/users.py",
        "contest/accounts/verification.py",
        "contest/campaigns/drafts.py",
        "contest/campaigns/lists.py",
        "contest/campaigns/text.py",
        "contest/campaigns/unsubscribes.py",
        "contest/contests/form.py",
        "contest/contests/phases.py",
        "contest/contests/preview.py",
        "contest/contests/store.py",
        "contest/core/csv_files.py",
        "contest/engagement/report_tables.py",
        "contest/entries/moderation.py",
        "contest/entries/replies.py",
        "contest/entries/store.py",
        "contest/entries/submission.py",
        "contest/entries/text.py",
        "contest/gallery/album.py",
        "contest/gallery/covers.py",
        "contest/gallery/listing.py",
        "contest/judging/panel.py",
        "contest/judging/results.py",
        "contest/media/logo.py",
        "contest/media/photos.py",
        "contest/voting/email_voters.py",
        "contest/voting/external_likes.py",
        "contest/voting/likes.py",
        "contest/voting/pace.py",
        "contest/web/context.py",
        "contest/web/language.py",
        "contest/web/manage/bulk_invitations.py",
        "contest/web/manage/campaigns.py",
        "contest/web/manage/contests.py",
        "contest/web/manage/cover.py",
        "contest/web/manage/departments.py",
        "contest/web/manage/like_review.py",
        "contest/web/manage/report_downloads.py",
        "contest/web/manage/results.py",
        "contest/web/manage/site.py",
        "contest/web/public/email_votes.py",
        "contest/web/public/gallery.py",
    }
)


def catalog(locale: str):  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=locale)


@pytest.mark.parametrize("locale", CHINESE)
def test_every_message_of_the_chinese_catalogs_is_translated_and_none_is_fuzzy(
    locale: str,
) -> None:
    messages = [message for message in catalog(locale) if message.id]
    assert messages
    assert [m.id for m in messages if not m.string or not all(m.string)] == []
    assert [m.id for m in messages if m.fuzzy] == []
    assert catalog(locale).fuzzy is False


def test_every_template_and_module_marks_what_people_read_and_the_catalogs_translate_it() -> None:
    left = {name: problems for name, problems in report().items() if name not in PENDING}
    assert left == {}


def test_the_marking_check_finds_unmarked_words(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '{% block title %}{{ _("Judging") }} · Photo contests{% endblock %}\n'
        '<p>{% trans %}Marked{% endtrans %} Plain words <img alt="A photo" src="{{ x }}">'
        ' {{ "dynamic" }} #nightowls CSV</p>',
        encoding="utf-8",
    )
    assert unmarked_in_template(page) == ["Plain words", "A photo"]


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
