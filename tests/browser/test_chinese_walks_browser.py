# ruff: noqa: RUF001 -- Chinese text uses full-width commas
"""Three walks in Traditional Chinese on a phone: a participant enters a photo, a judge scores
the panel's entries, a reader browses the public gallery and likes a photo. Every page of the
walks is photographed (into the test's folder, with copies in ``var/screenshots/zh_Hant/`` for
people to look at) and its visible text holds no English word but the names people typed.
The language switch works without JavaScript: 繁體中文, then 简体中文, then English."""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import anyio
import pytest
from playwright.sync_api import Page, expect

from contest.accounts.users import User, list_users
from contest.contests.model import Contest, Criterion
from contest.contests.phases import Phase
from contest.core.db import Database
from contest.core.storage import LocalStorage
from contest.media.masters import complete_pending_masters
from tests.browser.conftest import (
    ORGANIZER_EMAIL,
    ORGANIZER_NAME,
    PASSWORD,
    PHONE,
    LiveSite,
    NewContext,
)
from tests.browser.test_organizer_journey import horizontal_overflow
from tests.browser.test_participant_and_judge import PASSWORDS, phone_photo, seed
from tests.conftest import FakeClock
from tests.factories import (
    DAY,
    START,
    add_account,
    add_contest,
    add_entry,
    add_judge,
    add_published_results,
    add_ranked_contest,
    photo_bytes,
)
from tests.i18n.marking import SAME_IN_EVERY_LANGUAGE

pytestmark = pytest.mark.browser

#: Where copies of the walks' screenshots are kept for people to look at.
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "zh_Hant"
#: A Hong Kong phone: the browser asks for Traditional Chinese first.
HONG_KONG_PHONE = PHONE | {"locale": "zh-HK"}
_WORD = re.compile(r"(?<![#@\w])[A-Za-z][A-Za-z'’]*(?![\w@])")
#: A web address (a share link) is not words.
_ADDRESS = re.compile(r"https?://\S+")
#: Words that stay as they are in Chinese too, beyond the catalog check's list: the languages'
#: own names in the switch, Creative Commons licences' codes (CC BY 4.0), a network, a photo
#: format, sizes' units and the example department code the forms give (CIVL).
ALSO_THE_SAME = frozenset(
    {"English", "CC", "BY", "NC", "ND", "SA", "LINE", "HEIC", "MB", "KB", "CIVL"}
)

# What people typed: the organizer's contest, the authors' photos and everyone's names. Mostly
# Chinese, with one English title and name, as a bilingual library's people write them.
CONTEST_TITLE = "夜讀圖書館攝影比賽"
HASHTAG = "夜讀"
CATEGORIES = ("日間", "夜間")
CRITERIA = (Criterion("切合主題", 2), Criterion("創意", 1))
PARTICIPANT = ("chan.taiman@uni.edu", "陳大文")
JUDGE_EMAIL = "judge.wong@uni.edu"
AUTHORS = (("lee.siuming@uni.edu", "李小明"), ("amy.ho@uni.edu", "Amy Ho"))
ENTRIES = (
    (AUTHORS[0], "閱覽室的燈光", "閉館前最後一小時，每張書桌仍然亮着燈。#夜讀 #溫書", "夜間"),
    (AUTHORS[1], "Lamplight", "雨後的中庭。", "日間"),
    (AUTHORS[0], "天窗上的雨", "四月的驟雨落在天窗上。", "日間"),
)
MY_TITLE = "樓梯上的第一道曙光"
MY_DESCRIPTION = "清晨六時，圖書館正門的樓梯。"


@pytest.fixture
def live_clock() -> FakeClock:
    """The live site runs on a fixed clock, a day after a finished contest's results were
    published (see ``_winners_contest``)."""
    return FakeClock(START + 6 * DAY + timedelta(hours=1))


def _settings() -> dict[str, object]:
    return {
        "title": CONTEST_TITLE,
        "theme": "圖書館裏的光，日與夜",
        "description_md": "拍下圖書館的光影。",
        "rules_md": "只接受參加者親自拍攝的相片。",
        "hashtag": HASHTAG,
        "timezone": "Asia/Hong_Kong",
        "categories": CATEGORIES,
        "criteria": CRITERIA,
    }


async def _contest_with_entries(
    db: Database, storage: LocalStorage, *, now: datetime, phase: Phase, **settings: object
) -> Contest:
    """A contest in ``phase`` with the authors' three approved entries and the judge on its
    panel, and the participant's account."""
    [organizer] = [User.from_row(row) for row in await list_users(db, role="organizer")]
    assert organizer.email == ORGANIZER_EMAIL
    contest = await add_contest(
        db, phase, now=now, created_by=organizer.id, **(_settings() | settings)
    )
    authors = {
        email: await add_account(db, PASSWORDS, email=email, name=name, now=now)
        for email, name in AUTHORS
    }
    for index, ((email, _), title, description, category) in enumerate(ENTRIES):
        await add_entry(
            db,
            storage,
            contest,
            authors[email],
            title=title,
            photo=photo_bytes(index),
            moderator=organizer,
            now=now,
            description=description,
            category=category,
        )
    await complete_pending_masters(db, storage, limiter=anyio.CapacityLimiter(1))
    await add_judge(db, PASSWORDS, contest, email=JUDGE_EMAIL)
    email, name = PARTICIPANT
    await add_account(db, PASSWORDS, email=email, name=name, now=now)
    return contest


async def _open_contest(db: Database, storage: LocalStorage, *, now: datetime) -> Contest:
    return await _contest_with_entries(db, storage, now=now, phase=Phase.SUBMISSIONS)


async def _judging_contest(db: Database, storage: LocalStorage, *, now: datetime) -> Contest:
    return await _contest_with_entries(db, storage, now=now, phase=Phase.JUDGING)


async def _voting_contest(db: Database, storage: LocalStorage, *, now: datetime) -> Contest:
    # Voting by browser, so a reader likes a photo without an account.
    return await _contest_with_entries(
        db, storage, now=now, phase=Phase.VOTING, voting_mode="device"
    )


async def _winners_contest(db: Database, storage: LocalStorage, *, now: datetime) -> str:
    """Last month's contest (its entries titled in English), its results published a day
    ago; its slug."""
    ranked = await add_ranked_contest(
        db, PASSWORDS, storage, now=START, title="光影之間", timezone="Asia/Hong_Kong"
    )
    await add_published_results(db, ranked.contest, ranked.organizer, now=START + 5 * DAY)
    return ranked.contest.slug


def typed_names(site: LiveSite) -> list[str]:
    """Everything people typed that a page may show as they typed it, longest first: contests'
    texts, categories and criteria, entries' titles and descriptions, names, emails, hashtags
    and departments (the library's name is the default one, which is translated)."""
    typed = {
        ORGANIZER_NAME,
        ORGANIZER_EMAIL,
        JUDGE_EMAIL,
        *(value for person in (PARTICIPANT, *AUTHORS) for value in person),
        *(value for _, title, description, _ in ENTRIES for value in (title, description)),
        MY_TITLE,
        MY_DESCRIPTION,
    }
    for row in site.rows("SELECT display_name, email FROM users"):
        typed.update((row["display_name"], row["email"]))
    for row in site.rows("SELECT title, theme, description_md, rules_md, hashtag FROM contests"):
        typed.update(str(value) for value in row.values())
    for row in site.rows("SELECT name FROM categories UNION SELECT name FROM rubric_criteria"):
        typed.add(row["name"])
    for row in site.rows("SELECT code, name FROM departments"):
        typed.update((row["code"], row["name"]))
    for row in site.rows("SELECT title, description FROM entries"):
        typed.update((row["title"], row["description"]))
    return sorted((value for value in typed if value), key=len, reverse=True)


def english_words(text: str, typed: list[str]) -> list[str]:
    """The English words of a page's visible text once what people typed is taken out."""
    for value in typed:
        text = text.replace(value, " ")
    text = _ADDRESS.sub(" ", text)
    return [
        word
        for word in _WORD.findall(text)
        if word not in SAME_IN_EVERY_LANGUAGE and word not in ALSO_THE_SAME
    ]


class Walk:
    """Photographs each page of a walk and keeps the English words each one still shows."""

    def __init__(self, site: LiveSite, folder: Path, name: str) -> None:
        self.site, self.folder, self.name = site, folder, name
        self.english: dict[str, list[str]] = {}
        self.overflowing: dict[str, int] = {}
        self.count = 0

    def look(self, page: Page, what: str) -> None:
        """Screenshot the page (whole) and read its visible text and its language."""
        page.wait_for_load_state()
        self.count += 1
        file_name = f"{self.name}_{self.count:02d}_{what}.png"
        page.screenshot(path=self.folder / file_name, full_page=True)
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.folder / file_name, SHOTS / file_name)
        assert page.locator("html").get_attribute("lang") == "zh-Hant", what
        text: str = page.evaluate("document.body.innerText")
        if found := english_words(text, typed_names(self.site)):
            self.english[f"{what} ({page.url.removeprefix(self.site.url)})"] = sorted(set(found))
        if (overflow := horizontal_overflow(page)) > 0:
            self.overflowing[what] = overflow

    def check(self) -> None:
        """Note what is left in a file beside the screenshots, then assert nothing is."""
        report = SHOTS / f"{self.name}_english_left.txt"
        report.write_text(
            "".join(f"{where}: {' '.join(words)}\n" for where, words in self.english.items()),
            encoding="utf-8",
        )
        assert self.overflowing == {}, f"sideways scrolling at 390px: {self.overflowing}"
        assert self.english == {}, "English left on the Chinese pages:\n" + report.read_text(
            encoding="utf-8"
        )


def sign_in_in_chinese(page: Page, walk: Walk, email: str) -> None:
    """Sign in through the Chinese form (by its fields, whatever their words)."""
    page.goto("/sign-in")
    walk.look(page, "sign_in")
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    expect(page.locator("form[action$='/sign-out']")).to_be_attached()


def test_a_participant_enters_a_photo_in_traditional_chinese(
    live_site: LiveSite, new_context: NewContext, tmp_path: Path
) -> None:
    walk = Walk(live_site, tmp_path, "participant")
    contest = seed(live_site, _open_contest)
    page = new_context(**HONG_KONG_PHONE).new_page()
    page.goto("/")
    walk.look(page, "home")
    sign_in_in_chinese(page, walk, PARTICIPANT[0])
    page.goto(f"/contests/{contest.slug}")
    walk.look(page, "contest")
    page.locator(f"main a[href$='/contests/{contest.slug}/enter']").first.click()
    expect(page.locator("#photo")).to_be_attached()
    walk.look(page, "entry_form")

    page.locator("#photo").set_input_files(phone_photo(tmp_path / "IMG_1234.JPG"))
    expect(page.locator("#photo-preview")).to_be_visible()
    page.locator("#title").fill("IMG_1234")  # a camera's name: refused, in Chinese
    page.locator("#description").fill(MY_DESCRIPTION)
    page.locator("#category_id").select_option(label=CATEGORIES[1])
    page.locator("input[name=consent_own_work]").check()
    page.locator("input[name=consent_people]").check()
    page.locator("form[data-upload-form] button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    walk.look(page, "entry_form_refused")

    page.locator("#title").fill(MY_TITLE)
    page.locator("form[data-upload-form] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/my/entries\?received=\d+$"))
    expect(page.get_by_role("heading", name=MY_TITLE)).to_be_visible()
    walk.look(page, "my_entries")
    [entry] = live_site.rows("SELECT title, status FROM entries WHERE title = ?", (MY_TITLE,))
    assert entry["status"] == "pending"
    page.goto("/account")
    walk.look(page, "account")
    walk.check()


def test_a_judge_scores_the_panels_entries_in_traditional_chinese(
    live_site: LiveSite, new_context: NewContext, tmp_path: Path
) -> None:
    walk = Walk(live_site, tmp_path, "judge")
    contest = seed(live_site, _judging_contest)
    page = new_context(**HONG_KONG_PHONE).new_page()
    sign_in_in_chinese(page, walk, JUDGE_EMAIL)
    page.goto("/judging")
    walk.look(page, "judging_home")
    page.goto(f"/judging/{contest.id}")
    walk.look(page, "queue")
    page.locator(f"main a.button[href*='/judging/{contest.id}/entries/']").click()
    for done in range(1, len(ENTRIES) + 1):
        expect(page).to_have_url(re.compile(rf"/judging/{contest.id}/entries/\d+$"))
        scales = page.locator("fieldset.score")
        expect(scales).to_have_count(len(CRITERIA))
        if done == 1:
            walk.look(page, "score")
            page.locator("details.conflict summary").click()
            walk.look(page, "score_conflict_form")
        for scale in scales.all():
            scale.locator('label:has(input[value="7"]) > span').click()
        page.locator("form:has(fieldset.score) button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/judging/{contest.id}$"))
    walk.look(page, "all_scored")
    scores = live_site.rows("SELECT value FROM review_scores")
    assert [row["value"] for row in scores] == [7] * len(ENTRIES) * len(CRITERIA)
    walk.check()


def test_a_reader_browses_the_gallery_and_likes_a_photo_in_traditional_chinese(
    live_site: LiveSite, new_context: NewContext, tmp_path: Path
) -> None:
    walk = Walk(live_site, tmp_path, "gallery")
    contest = seed(live_site, _voting_contest)
    finished = seed(live_site, _winners_contest)
    page = new_context(**HONG_KONG_PHONE).new_page()
    page.goto("/")
    walk.look(page, "home")
    page.goto(f"/contests/{contest.slug}")
    walk.look(page, "contest")
    page.goto(f"/contests/{contest.slug}/gallery")
    expect(page.locator(".photo-card")).to_have_count(len(ENTRIES))
    walk.look(page, "gallery")
    page.goto(f"/hashtags/{HASHTAG}")
    walk.look(page, "hashtag")
    [entry] = live_site.rows("SELECT id FROM entries WHERE title = ?", (ENTRIES[0][1],))
    page.goto(f"/entries/{entry['id']}")
    walk.look(page, "entry")
    page.locator("form[data-like-form] button[type=submit]").click()
    expect(page.locator("[data-like-status]")).not_to_be_empty()
    walk.look(page, "entry_after_like")
    assert live_site.rows("SELECT count(*) AS n FROM likes")[0]["n"] == 1
    page.goto(f"/contests/{finished}")
    walk.look(page, "finished_contest")
    page.goto(f"/contests/{finished}/winners")
    expect(page.locator("main img").first).to_be_visible()
    walk.look(page, "winners")
    walk.check()


def test_the_language_switch_works_without_javascript(
    live_site: LiveSite, new_context: NewContext
) -> None:
    contest = seed(live_site, _voting_contest)
    context = new_context(**PHONE, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto(f"/contests/{contest.slug}/gallery")
    assert page.locator("html").get_attribute("lang") == "en"
    switch = page.locator("form.language-switch")
    expect(switch.locator('[aria-current="true"]')).to_have_text("English")

    for name, tag, sign_in_words in (
        ("繁體中文", "zh-Hant", "登入"),
        ("简体中文", "zh-Hans", "登录"),
        ("English", "en", "Sign in"),
    ):
        switch.get_by_role("button", name=name).click()
        expect(page.locator("html")).to_have_attribute("lang", tag)
        assert page.url.endswith(f"/contests/{contest.slug}/gallery")
        expect(switch.locator('[aria-current="true"]')).to_have_text(name)
        expect(
            page.get_by_role("navigation").get_by_role("link", name=sign_in_words)
        ).to_be_visible()
        expect(page.locator(".photo-card")).to_have_count(len(ENTRIES))
        assert horizontal_overflow(page) <= 0
    cookies = {cookie["name"]: cookie["value"] for cookie in context.cookies()}
    assert cookies["contest_language"] == "en"
