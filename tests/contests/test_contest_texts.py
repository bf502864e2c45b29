# ruff: noqa: RUF001 -- Chinese texts use full-width punctuation
"""A contest in English and Chinese: the texts stored per language, the reader's language with
its fallbacks, the form's sections, addresses in ASCII, and status lines in the reader's
language."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from contest.contests import store as contest_store
from contest.contests.form import copy_settings, parse_contest_form, settings_to_form
from contest.contests.phases import Phase, status_line
from contest.contests.texts import ContestTexts, reading_order
from contest.core.db import INTEGRITY_ERRORS, Database
from contest.core.errors import ValidationError
from contest.core.forms import FormValues
from contest.i18n import using_locale
from tests.factories import START, add_contest, contest_settings, schedule_for

DAY = timedelta(days=1)
CHINESE = ContestTexts.of(
    "en",
    {
        "zh_Hant": {
            "title": "圖書館的光",
            "description_md": "拍下圖書館的光。",
            "categories": "日間\n夜間",
            "criteria": "切合主題\n創意",
        },
        "zh_Hans": {"title": "图书馆的光"},
    },
)


def test_a_reader_gets_their_script_then_the_other_then_the_main_text() -> None:
    assert reading_order("zh_Hans", "en") == ("zh_Hans", "zh_Hant")
    assert reading_order("en", "zh_Hant") == ("en",)
    assert CHINESE.text("title", "Light", "zh_Hans") == "图书馆的光"
    assert CHINESE.text("description_md", "Show the light.", "zh_Hans") == "拍下圖書館的光。"
    assert CHINESE.text("title", "Light", "en") == "Light"
    assert CHINESE.names("categories", ("Day", "Night"), "zh_Hans") == ("日間", "夜間")
    assert CHINESE.name("categories", ("Day", "Night"), "Night", "zh_Hant") == "夜間"
    # A list that no longer matches the main one is passed over, never shown askew.
    assert CHINESE.names("categories", ("Day", "Dusk", "Night"), "zh_Hant") == (
        "Day",
        "Dusk",
        "Night",
    )


def test_a_chinese_contest_shows_its_english_texts_to_an_english_reader() -> None:
    texts = ContestTexts.of("zh_Hant", {"en": {"title": "Light"}, "zh_Hant": {"title": "光"}})
    assert texts.items == (("en", "title", "Light"),)  # the main language is never stored twice
    assert texts.text("title", "圖書館的光", "en") == "Light"
    assert texts.text("title", "圖書館的光", "zh_Hans") == "圖書館的光"


@pytest.mark.anyio
async def test_the_migration_keeps_texts_per_language_and_field_and_refuses_bad_rows(
    db: Database,
) -> None:
    contest = await add_contest(db)
    assert await db.fetch_value("SELECT main_locale FROM contests") == "en"
    for bad in (("fr", "title", "Lumière"), ("zh_Hant", "hashtag", "光"), ("zh_Hant", "title", "")):
        with pytest.raises(INTEGRITY_ERRORS):
            async with db.transaction() as tx:
                await tx.execute(
                    "INSERT INTO contest_texts (contest_id, locale, field, text)"
                    " VALUES (?, ?, ?, ?)",
                    (contest.id, *bad),
                )
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM contests WHERE id = ?", (contest.id,))
    assert await db.fetch_value("SELECT COUNT(*) FROM contest_texts") == 0


@pytest.mark.anyio
async def test_texts_are_stored_read_back_and_replaced_on_edit(db: Database) -> None:
    contest = await add_contest(db, categories=("Day", "Night"), texts=CHINESE)
    stored = await contest_store.get_contest(db, contest.id)
    assert stored.settings.texts == CHINESE
    assert stored.settings.title == "Light at the Library"  # the main text, as stored
    with using_locale("zh_Hant"):
        assert stored.title == "圖書館的光"
        assert stored.categories == ("日間", "夜間")
        assert stored.category_name("Night") == "夜間"
        assert stored.criterion_name("Creativity") == "創意"
        assert stored.theme == "Light in the library, by day and by night"  # none written
    with using_locale("zh_Hans"):
        assert stored.title == "图书馆的光"
        assert stored.description_md == "拍下圖書館的光。"
    assert stored.title == "Light at the Library"
    fewer = ContestTexts.of("en", {"zh_Hans": {"title": "光"}})
    await contest_store.update_contest(
        db, contest.id, replace(stored.settings, texts=fewer), now=START, actor_id=None
    )
    rows = await db.fetch_all("SELECT locale, field, text FROM contest_texts")
    assert [tuple(row) for row in rows] == [("zh_Hans", "title", "光")]
    log = await db.fetch_value("SELECT details FROM audit_log ORDER BY id DESC LIMIT 1")
    assert "The contest in other languages: edited" in log


@pytest.mark.anyio
async def test_the_audit_log_stays_english_when_an_organizer_reads_chinese(db: Database) -> None:
    contest = await add_contest(db)
    with using_locale("zh_Hant"):
        await contest_store.update_contest(
            db, contest.id, replace(contest.settings, theme="Night"), now=START, actor_id=None
        )
    log = await db.fetch_value("SELECT details FROM audit_log")
    assert log == "Settings changed. Theme: “Light in the library, by day and by night” → “Night”."


@pytest.mark.anyio
async def test_a_chinese_only_title_gets_an_ascii_address(db: Database) -> None:
    chinese = await add_contest(db, title="圖書館的日與夜")
    assert chinese.slug == f"contest-{chinese.id}" and chinese.slug.isascii()
    named = await add_contest(
        db, title="圖書館的光", texts=ContestTexts.of("zh_Hant", {"en": {"title": "Library Light"}})
    )
    assert named.slug == "library-light"


@pytest.mark.anyio
async def test_an_address_can_be_changed_but_not_to_another_contests(db: Database) -> None:
    first = await add_contest(db, title="Spring Light")
    second = await add_contest(db, title="Autumn Light")
    moved = await contest_store.update_contest(
        db, second.id, second.settings, now=START, slug="autumn-2026"
    )
    assert moved.slug == "autumn-2026"
    log = await db.fetch_value("SELECT details FROM audit_log WHERE contest_id = ?", (second.id,))
    assert log == "Settings changed. Address: autumn-light → autumn-2026."
    with pytest.raises(ValidationError) as caught:
        await contest_store.update_contest(
            db, second.id, second.settings, now=START, slug=first.slug
        )
    assert "Another contest has the address “spring-light”" in caught.value.errors["slug"]


def _form(**changes: str) -> FormValues:
    """The form as an organizer would send it for a contest with two categories."""
    form = settings_to_form(contest_settings(categories=("Day", "Night")))
    values = {name: form.getlist(name) for name in form._values}
    return FormValues.of(values | {"hashtag": "#Light"} | changes)


def test_the_form_reads_each_languages_section() -> None:
    settings = parse_contest_form(
        _form(
            title__zh_Hant="圖書館的光",
            rules_md__zh_Hant="",
            categories__zh_Hant="日間\n\n夜間 ",
            criteria__zh_Hans="切合主题\n创意",
        )
    )
    assert settings.texts.main_locale == "en"
    assert settings.texts.by_locale() == {
        "zh_Hant": {"title": "圖書館的光", "categories": "日間\n夜間"},
        "zh_Hans": {"criteria": "切合主题\n创意"},
    }
    assert parse_contest_form(settings_to_form(settings)).texts == settings.texts


def test_a_list_that_does_not_match_the_main_one_is_refused_by_name() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_contest_form(
            _form(categories__zh_Hant="日間", criteria__zh_Hans="一\n二\n三", title__en="X")
        )
    errors = caught.value.errors
    assert errors["categories__zh_Hant"] == (
        "The main list has 2 categories: write one name a line, in the same order (1 lines now)."
    )
    assert "The rubric has 2 criteria" in errors["criteria__zh_Hans"]
    with using_locale("zh_Hant"):
        assert str(errors["categories__zh_Hant"]) == (
            "主清單有 2 個組別：請每行寫一個名稱，次序相同（現時有 1 行）。"
        )
    # English is the main language: its section is not read, so it cannot be wrong.
    assert "title__en" not in errors


def test_an_over_long_text_in_another_language_is_refused_with_its_length() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_contest_form(_form(title__zh_Hans="光" * 121, main_locale="klingon"))
    assert caught.value.errors["title__zh_Hans"] == (
        "The title is 121 characters long; keep it under 120."
    )
    assert "main_locale" in caught.value.errors


def test_a_copy_keeps_the_texts_and_counts_each_title_on_a_year() -> None:
    texts = ContestTexts.of("en", {"zh_Hant": {"title": "光 2026", "theme": "光"}})
    copied = copy_settings(contest_settings(title="Light 2026", texts=texts))
    assert copied.title == "Light 2027"
    assert copied.texts.by_locale() == {"zh_Hant": {"title": "光 2027", "theme": "光"}}


def test_the_status_line_speaks_the_readers_language() -> None:
    now = datetime(2026, 5, 12, 9, 0, tzinfo=UTC)
    plan = schedule_for(Phase.SUBMISSIONS, now)
    close = plan.submissions_close
    english = status_line(plan, close - 3 * DAY, "Asia/Hong_Kong")
    assert english == "Submissions close in 3 days (15 May 17:00)".replace(
        "15 May", f"{close.day} {close:%b}"
    )
    with using_locale("zh_Hant"):
        line = str(status_line(plan, close - 3 * DAY, "Asia/Hong_Kong"))
    assert line == f"3 天後截止收件（{close.month}月{close.day}日 17:00）"
    with using_locale("zh_Hans"):
        line = str(status_line(plan, plan.results_at + DAY, "Asia/Hong_Kong"))
    assert line.startswith("获奖名单已于 2026年") and "Winners" not in line
