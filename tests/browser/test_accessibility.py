"""WCAG 2.2 AA, measured: axe-core (pinned in package-lock.json) runs in Chromium over every page
of the site, at phone and desktop sizes, as each role sees it, and no page scrolls sideways at
320 px. ``PAGES`` is the table of pages: adding a page is one line."""

# The table of pages keeps one page to a line, however long.
# ruff: noqa: E501
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from contest.accounts.users import User, get_user_row
from contest.app import create_app
from contest.config import Config
from contest.contests import store as contest_store
from contest.contests.phases import Phase
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.judging.rounds import setup
from contest.judging.rounds.setup import RoundPlan
from tests.browser.conftest import PHONE, LiveSite, run_in_own_thread
from tests.browser.test_organizer_journey import sign_in
from tests.conftest import FakeClock
from tests.factories import (
    DAY,
    PASSWORD,
    START,
    add_account,
    add_campaign,
    add_contest,
    add_entry,
    add_like,
    add_published_results,
    add_ranked_contest,
    add_reply,
    add_scores,
)

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', values:
  ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' '))})))"""
DESKTOP: dict[str, Any] = {"viewport": {"width": 1366, "height": 900}}
NARROW = 320
#: The moment the pages are looked at: the "Light & Shade" results were published a day ago.
NOW = START + 6 * DAY + timedelta(hours=1)
#: Who signs in for each role (``None``: nobody).
ROLES: dict[str, str | None] = {
    "anonymous": None,
    "participant": "ann@uni.edu",
    "judge": "judge@uni.edu",
    "organizer": "org@uni.edu",
}


@dataclass(frozen=True)
class Seeded:
    """What the pages are about: a contest with its winners announced, one judging and voting,
    one taking submissions (by email voting), and their entries."""

    winners: str  # slug
    live: str  # slug
    live_id: int
    open: str  # slug
    open_id: int
    entry: int  # approved, in the live contest, with hashtags
    own_pending: int  # Ann's entry awaiting review in the open contest
    campaign: int
    round_id: int  # a yes/no round of the live contest, judged by judge@uni.edu
    ranking_round_id: int  # a ranking round of the winners' contest, by the same judge
    judge_id: int
    newcomer_id: int  # a judge of the live contest's panel outside its round


def failed(button: str) -> Callable[[Page], None]:
    """Press ``button`` with the form as it is (empty), past the browser's own checks."""

    def submit(page: Page) -> None:
        page.locator("form").evaluate_all("forms => forms.forEach(f => f.noValidate = true)")
        page.get_by_role("button", name=button, exact=True).click(timeout=5000)
        page.locator(".notice.error, .field-error").first.wait_for(timeout=10000)

    return submit


def failed_at(button: str) -> Callable[[Page], None]:
    """Press the button ``button`` selects with the form as it is (empty), past the browser's
    own checks: for pages in a language whose words the test does not spell."""

    def submit(page: Page) -> None:
        page.locator("form").evaluate_all("forms => forms.forEach(f => f.noValidate = true)")
        page.locator(button).click(timeout=5000)
        page.locator(".notice.error, .field-error").first.wait_for(timeout=10000)

    return submit


def previewed(pasted: str) -> Callable[[Page], None]:
    """Paste a list of people to invite and preview it."""

    def submit(page: Page) -> None:
        page.get_by_label("Or paste the list").fill(pasted)
        page.get_by_role("button", name="Preview the invitations").click(timeout=5000)
        page.locator("#bad-rows").wait_for(timeout=10000)

    return submit


@dataclass(frozen=True)
class PageState:
    """One row of the table: a page as one role sees it, maybe after an action."""

    name: str
    role: str
    route: str  # the route's name in contest/app.py, for the coverage check
    url: Callable[[Seeded], str]
    then: Callable[[Page], None] | None = None


# fmt: off
PAGES: list[PageState] = [
    PageState("home", "anonymous", "home", lambda s: "/"),
    PageState("contest", "anonymous", "contest", lambda s: f"/contests/{s.live}"),
    PageState("gallery", "anonymous", "contest_gallery", lambda s: f"/contests/{s.live}/gallery"),
    PageState("entry", "anonymous", "entry_page", lambda s: f"/entries/{s.entry}"),
    PageState("hashtag", "anonymous", "hashtag", lambda s: "/hashtags/readingroomsatmidnightinwinter"),
    PageState("winners", "anonymous", "winners", lambda s: f"/contests/{s.winners}/winners"),
    PageState("winners contest", "anonymous", "contest", lambda s: f"/contests/{s.winners}"),
    PageState("sign-in", "anonymous", "sign_in", lambda s: "/sign-in"),
    PageState("sign-in failed", "anonymous", "sign_in", lambda s: "/sign-in", failed("Sign in")),
    PageState("sign-up", "anonymous", "sign_up", lambda s: "/sign-up"),
    PageState("sign-up failed", "anonymous", "sign_up", lambda s: "/sign-up", failed("Create account")),
    PageState("check email", "anonymous", "check_email", lambda s: "/sign-up/check-email"),
    PageState("forgot", "anonymous", "forgot_password", lambda s: "/password/forgot"),
    PageState("reset, bad link", "anonymous", "reset_password", lambda s: "/password/reset/x"),
    PageState("invitation, bad", "anonymous", "accept_invitation", lambda s: "/invitations/x"),
    PageState("confirm, bad link", "anonymous", "confirm_email", lambda s: "/confirm-email/x"),
    PageState("vote by email", "anonymous", "vote_by_email", lambda s: f"/contests/{s.open}/vote-by-email"),
    PageState("vote by email failed", "anonymous", "vote_by_email", lambda s: f"/contests/{s.open}/vote-by-email", failed("Send me the link")),
    PageState("vote link, bad", "anonymous", "redeem_vote_link", lambda s: "/vote/x"),
    PageState("unsubscribe, bad", "anonymous", "unsubscribe", lambda s: "/unsubscribe/x"),
    PageState("campus sign-in failed", "anonymous", "campus_callback", lambda s: "/sign-in/campus/callback?state=x"),
    PageState("signed out", "anonymous", "signed_out", lambda s: "/signed-out"),
    PageState("not found", "anonymous", "", lambda s: "/no/such/page"),
    PageState("sign-in needed", "anonymous", "", lambda s: "/my/entries"),
    PageState("home", "participant", "home", lambda s: "/"),
    PageState("entry", "participant", "entry_page", lambda s: f"/entries/{s.entry}"),
    PageState("account", "participant", "account", lambda s: "/account"),
    PageState("my entries", "participant", "my_entries", lambda s: "/my/entries"),
    PageState("entry form", "participant", "enter_contest", lambda s: f"/contests/{s.open}/enter"),
    PageState("entry form failed", "participant", "enter_contest", lambda s: f"/contests/{s.open}/enter", failed("Submit my photo")),
    PageState("edit entry", "participant", "edit_entry", lambda s: f"/my/entries/{s.own_pending}/edit"),
    PageState("withdraw", "participant", "withdraw_entry", lambda s: f"/my/entries/{s.own_pending}/withdraw"),
    PageState("forbidden", "participant", "", lambda s: "/manage"),
    PageState("judge home", "judge", "judge_home", lambda s: "/judging"),
    PageState("judge queue", "judge", "judge_queue", lambda s: f"/judging/{s.live_id}"),
    PageState("score", "judge", "score_entry", lambda s: f"/judging/{s.live_id}/entries/{s.entry}"),
    PageState("score failed", "judge", "score_entry", lambda s: f"/judging/{s.live_id}/entries/{s.entry}", failed("Save and next")),
    PageState("round photo", "judge", "round_task", lambda s: f"/judging/rounds/{s.round_id}"),  # round_home redirects to it
    PageState("ranking order", "judge", "round_order", lambda s: f"/judging/rounds/{s.ranking_round_id}/order"),
    PageState("manage", "organizer", "manage", lambda s: "/manage"),
    PageState("entry with replies", "organizer", "entry_page", lambda s: f"/entries/{s.entry}"),
    PageState("new contest", "organizer", "new_contest", lambda s: "/manage/contests/new"),
    PageState("edit contest", "organizer", "edit_contest", lambda s: f"/manage/contests/{s.live_id}/edit"),
    PageState("copy contest", "organizer", "copy_contest", lambda s: f"/manage/contests/{s.live_id}/copy"),
    PageState("shift dates", "organizer", "shift_dates", lambda s: f"/manage/contests/{s.live_id}/shift-dates"),
    PageState("preview", "organizer", "preview_contest", lambda s: f"/manage/contests/{s.live_id}/preview"),
    PageState("judges", "organizer", "contest_judges", lambda s: f"/manage/contests/{s.live_id}/judges"),
    PageState("judges again", "organizer", "judges_again", lambda s: f"/manage/contests/{s.live_id}/judges/again"),
    PageState("judging", "organizer", "judging_progress", lambda s: f"/manage/contests/{s.live_id}/judging"),
    PageState("moderation", "organizer", "moderation", lambda s: f"/manage/contests/{s.open_id}/moderation"),
    PageState("results", "organizer", "results", lambda s: f"/manage/contests/{s.live_id}/results"),
    PageState("likes review", "organizer", "review_likes", lambda s: f"/manage/contests/{s.live_id}/likes"),
    PageState("dashboard", "organizer", "dashboard", lambda s: f"/manage/contests/{s.live_id}/dashboard"),
    PageState("report", "organizer", "report", lambda s: f"/manage/contests/{s.live_id}/report"),
    PageState("campaigns", "organizer", "campaigns", lambda s: f"/manage/contests/{s.open_id}/campaigns"),
    PageState("new campaign", "organizer", "new_campaign", lambda s: f"/manage/contests/{s.open_id}/campaigns/new"),
    PageState("campaign", "organizer", "campaign", lambda s: f"/manage/contests/{s.open_id}/campaigns/{s.campaign}"),
    PageState("people", "organizer", "people", lambda s: "/manage/people"),
    PageState("invite participants", "organizer", "invite_participants", lambda s: "/manage/people/invite"),
    PageState("invite participants failed", "organizer", "invite_participants", lambda s: "/manage/people/invite", failed("Preview the invitations")),
    PageState("invite judges", "organizer", "invite_judges", lambda s: f"/manage/contests/{s.live_id}/judges/list"),
    PageState("invite judges preview", "organizer", "invite_judges", lambda s: f"/manage/contests/{s.live_id}/judges/list", previewed("Nia New, nia@uni.edu\nbad@\n")),
    PageState("outbox", "organizer", "outbox", lambda s: "/manage/outbox"),
    PageState("settings", "organizer", "site_settings", lambda s: "/manage/settings"),
    PageState("settings failed", "organizer", "site_settings", lambda s: "/manage/settings", failed("Upload the logo")),
    PageState("cover photo", "organizer", "contest_cover", lambda s: f"/manage/contests/{s.live_id}/cover"),
    PageState("departments", "organizer", "departments", lambda s: "/manage/departments"),
    PageState("likes elsewhere", "organizer", "external_likes", lambda s: f"/manage/contests/{s.live_id}/likes-elsewhere"),
    PageState("likes elsewhere history", "organizer", "external_likes_history", lambda s: f"/manage/contests/{s.live_id}/likes-elsewhere/history"),
    PageState("rounds", "organizer", "manage_rounds", lambda s: f"/manage/contests/{s.live_id}/rounds"),
    PageState("open a round failed", "organizer", "manage_rounds", lambda s: f"/manage/contests/{s.open_id}/rounds", failed("Open the round")),
    PageState("round", "organizer", "manage_round", lambda s: f"/manage/rounds/{s.round_id}"),
    PageState("ranking round", "organizer", "manage_round", lambda s: f"/manage/rounds/{s.ranking_round_id}"),
    PageState("pairwise table", "organizer", "manage_round_pairwise", lambda s: f"/manage/rounds/{s.ranking_round_id}/pairwise"),
    PageState("juror handover", "organizer", "manage_round_handover", lambda s: f"/manage/rounds/{s.round_id}/handover?juror={s.judge_id}"),
    PageState("juror joins", "organizer", "manage_round_join", lambda s: f"/manage/rounds/{s.round_id}/join?juror={s.newcomer_id}"),
    PageState("close round", "organizer", "manage_round_close", lambda s: f"/manage/rounds/{s.round_id}/close?top=1"),
    PageState("close ranking round", "organizer", "manage_round_close", lambda s: f"/manage/rounds/{s.ranking_round_id}/close"),
]
# fmt: on

#: The language the Chinese pages are read in (the switch's cookie), and their ``<html lang>``.
CHINESE = ("zh_Hant", "zh-Hant")
#: A handful of pages in Traditional Chinese: the language is marked, labels and names are
#: there in Chinese too.
# fmt: off
CHINESE_PAGES: list[PageState] = [
    PageState("home", "anonymous", "home", lambda s: "/"),
    PageState("contest", "anonymous", "contest", lambda s: f"/contests/{s.live}"),
    PageState("gallery", "anonymous", "contest_gallery", lambda s: f"/contests/{s.live}/gallery"),
    PageState("entry", "anonymous", "entry_page", lambda s: f"/entries/{s.entry}"),
    PageState("winners", "anonymous", "winners", lambda s: f"/contests/{s.winners}/winners"),
    PageState("sign-in failed", "anonymous", "sign_in", lambda s: "/sign-in", failed_at("main form button[type=submit]")),
    PageState("entry form", "participant", "enter_contest", lambda s: f"/contests/{s.open}/enter"),
    PageState("entry form failed", "participant", "enter_contest", lambda s: f"/contests/{s.open}/enter", failed_at("form[data-upload-form] button[type=submit]")),
    PageState("my entries", "participant", "my_entries", lambda s: "/my/entries"),
    PageState("judge queue", "judge", "judge_queue", lambda s: f"/judging/{s.live_id}"),
    PageState("score", "judge", "score_entry", lambda s: f"/judging/{s.live_id}/entries/{s.entry}"),
    PageState("score failed", "judge", "score_entry", lambda s: f"/judging/{s.live_id}/entries/{s.entry}", failed_at("form:has(fieldset.score) button[type=submit]")),
    PageState("manage", "organizer", "manage", lambda s: "/manage"),
    PageState("dashboard", "organizer", "dashboard", lambda s: f"/manage/contests/{s.live_id}/dashboard"),
    PageState("preview", "organizer", "preview_contest", lambda s: f"/manage/contests/{s.live_id}/preview"),
]
# fmt: on

#: Routes that answer with a file, a redirect or JSON rather than a page.
NOT_PAGES = {
    "health", "favicon", "media", "share_card", "share", "winners_card", "export_results",
    "export_audit", "campaign_messages", "report_table", "brand_css",
    "entry_qr", "manage_round_decisions", "manage_round_ranking", "round_home",
}  # fmt: skip


async def _seed(config: Config) -> Seeded:
    """The contests, people, entries, scores, likes, replies and a campaign the pages show."""
    db = await Database.open(config.database)
    passwords, storage = Passwords(fast=True), LocalStorage(Path(config.media))
    try:
        ranked = await add_ranked_contest(
            db, passwords, storage, now=START, title="Light & Shade", award_runners_up=0
        )
        await add_published_results(db, ranked.contest, ranked.organizer, now=START + 5 * DAY)
        org, ann = ranked.organizer, ranked.ann
        live = await add_contest(db, Phase.JUDGING_AND_VOTING, now=NOW, title="Night Owls")
        judge_id = int(await db.fetch_value("SELECT id FROM users WHERE email = 'judge@uni.edu'"))
        await contest_store.assign_judge(db, contest_id=live.id, user_id=judge_id)
        newcomer = await add_account(
            db, passwords, email="newcomer.juror@uni.edu", name="Nia Newcomer", role="judge"
        )
        await contest_store.assign_judge(db, contest_id=live.id, user_id=newcomer.id)
        judge = User.from_row(await get_user_row(db, judge_id))
        entry = await add_entry(
            db, storage, live, ann, title="Reading room at midnight", moderator=org, now=NOW,
            description="Empty chairs under the lamps #nightowl #quiet", alt_text="",
            hashtags="#nightowl #readingroomsatmidnightinwinter",
        )  # fmt: skip
        scored = await add_entry(
            db, storage, live, ranked.bob, title="Stacks by torchlight", moderator=org, now=NOW
        )
        await add_scores(db, live, judge, scored, [8, 7], now=NOW)
        await add_like(db, live, entry, ranked.bob, now=NOW)
        await add_reply(db, entry, org, body="A lovely quiet moment.", now=NOW)
        await add_account(
            db, passwords, email="bartholomew.featherstonehaugh@library.university.example.edu",
            name="Bartholomew Featherstonehaugh-Montgomery", department="Special Collections",
        )  # fmt: skip
        opened = await add_contest(
            db, Phase.SUBMISSIONS, now=NOW, title="Day at the Library", voting_mode="email"
        )
        own = await add_entry(
            db, storage, opened, ann, title="Sunlit atrium", status="pending", now=NOW,
            hashtags="#sunlitatriumsandstairwellsinspring",
        )  # fmt: skip
        campaign = await add_campaign(
            db, opened, org, addresses="a.very.long.address.for.testing@library.example.edu\n"
            "second.reader@uni.edu, not-an-address", now=NOW,
        )  # fmt: skip
        rounds = [
            await setup.open_round(
                db, contest=contest, actor=org, now=NOW,
                plan=RoundPlan(kind, 1, (judge_id,), NOW, NOW + 7 * DAY, "Look for the light."),
            )
            for contest, kind in ((live, "yes_no"), (ranked.contest, "ranking"))
        ]  # fmt: skip
        return Seeded(
            winners=ranked.contest.slug,
            live=live.slug,
            live_id=live.id,
            open=opened.slug,
            open_id=opened.id,
            entry=entry,
            own_pending=own,
            campaign=campaign.id,
            round_id=rounds[0].round.id,
            ranking_round_id=rounds[1].round.id,
            judge_id=judge_id,
            newcomer_id=newcomer.id,
        )
    finally:
        await db.close()


@pytest.fixture
def live_clock() -> FakeClock:
    """The site is looked at a day after the "Light & Shade" results were published."""
    return FakeClock(NOW)


@pytest.fixture
def seeded(live_site: LiveSite) -> Seeded:
    """The site's data (see ``_seed``)."""
    return run_in_own_thread(_seed(live_site.config))


@pytest.fixture
def role_pages(browser: Browser, live_site: LiveSite) -> Iterator[Callable[..., dict[str, Page]]]:
    """Open one signed-in page per role with the given browser options; closed afterwards."""
    contexts: list[BrowserContext] = []

    def open_pages(**options: Any) -> dict[str, Page]:
        pages: dict[str, Page] = {}
        for role, email in ROLES.items():
            # The site's CSP allows no inline script; axe is injected as one.
            context = browser.new_context(base_url=live_site.url, bypass_csp=True, **options)
            contexts.append(context)
            pages[role] = context.new_page()
            if email is not None:
                sign_in(pages[role], email, PASSWORD)
        return pages

    yield open_pages
    for context in contexts:
        context.close()


def _axe_violations(page: Page, where: str) -> list[str]:
    """Run axe-core on the page; one readable line per violation."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(AXE_RUN)
    return [
        f"{where}: {v['id']} ({v['impact']}) {v['help']} at {', '.join(v['targets'][:6])}"
        for v in found
    ]


def _sideways(page: Page, where: str) -> list[str]:
    """Whether the page scrolls sideways at 320 px wide (WCAG 1.4.10 reflow)."""
    size = page.viewport_size
    page.set_viewport_size({"width": NARROW, "height": 700})
    width = int(page.evaluate("document.scrollingElement.scrollWidth"))
    culprits = page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > limit + 1
          && el.parentElement.getBoundingClientRect().right <= limit + 1)
        .slice(0, 4).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))""",
        NARROW,
    )
    if size is not None:
        page.set_viewport_size(size)
    if width <= NARROW:
        return []
    return [f"{where}: scrolls sideways at {NARROW}px (scrollWidth {width}) by {culprits}"]


def _walk(
    pages: dict[str, Page],
    seeded: Seeded,
    size: str,
    *,
    narrow: bool,
    states: list[PageState] = PAGES,
    lang: str = "en",
) -> list[str]:
    """Every page of the table (or of ``states``) in its role's page: axe's violations, the
    page's ``<html lang>`` and, if asked, reflow."""
    problems: list[str] = []
    for state in states:
        page = pages[state.role]
        url = state.url(seeded)
        page.goto(url)
        if state.then is not None:
            state.then(page)
        where = f"{state.name} [{state.role}, {size}] {url}"
        if (found := page.locator("html").get_attribute("lang")) != lang:
            problems.append(f"{where}: <html lang={found!r}>, not {lang!r}")
        problems += _axe_violations(page, where)
        if narrow:
            problems += _sideways(page, where)
    return problems


def test_axe_core_is_installed() -> None:
    assert AXE.exists(), "run `npm ci` (make test does) to install axe-core from package-lock.json"


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_page_meets_wcag_2_2_aa_and_reflows_at_320px(
    size: str, seeded: Seeded, role_pages: Callable[..., dict[str, Page]]
) -> None:
    pages = role_pages(**(PHONE if size == "phone" else DESKTOP))
    problems = _walk(pages, seeded, size, narrow=size == "phone")
    assert not problems, f"{len(problems)} accessibility problems:\n" + "\n".join(problems)


def test_the_chinese_pages_meet_wcag_2_2_aa_and_reflow_at_320px(
    seeded: Seeded, role_pages: Callable[..., dict[str, Page]], live_site: LiveSite
) -> None:
    pages = role_pages(**PHONE)
    locale, tag = CHINESE
    for page in pages.values():  # signed in (in English), then switched to Chinese
        page.context.add_cookies(
            [{"name": "contest_language", "value": locale, "url": live_site.url}]
        )
    problems = _walk(pages, seeded, "phone", narrow=True, states=CHINESE_PAGES, lang=tag)
    assert not problems, f"{len(problems)} accessibility problems:\n" + "\n".join(problems)


def test_the_table_lists_every_page_of_the_site(tmp_path: Path) -> None:
    app = create_app(Config(data_dir=tmp_path, base_url="http://x", secret_key="x" * 32))
    pages = {
        name
        for route in app.routes
        if "GET" in (getattr(route, "methods", None) or ())
        and (name := getattr(route, "name", "")) not in NOT_PAGES
    }
    missing = pages - {state.route for state in PAGES}
    assert not missing, f"add these pages to PAGES in {Path(__file__).name}: {sorted(missing)}"
