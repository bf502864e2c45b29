"""Entry views: one per browser per entry per local day, never bots or staff, and where every
arrival came from."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.engagement.figures import engagement
from contest.engagement.response import Count
from contest.gallery import views
from tests.factories import (
    START,
    add_account,
    add_browser_view,
    add_contest,
    add_entry,
    add_view,
    photo_bytes,
)

pytestmark = pytest.mark.anyio


@dataclass(frozen=True)
class Setup:
    contest: Contest
    entry: int
    other: int  # another entry by the same author
    author: User
    organizer: User
    judge: User
    fan: User  # a participant with no entry of their own here


@pytest.fixture
async def setup(db: Database, passwords: Passwords, storage: LocalStorage) -> Setup:
    contest = await add_contest(db, "judging_and_voting", timezone="Asia/Hong_Kong")
    author = await add_account(db, passwords, email="ann@uni.edu", name="Ann Lee")
    organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    judge = await add_account(db, passwords, email="jo@uni.edu", role="judge")
    fan = await add_account(db, passwords, email="fan@uni.edu", name="Fan")
    entry, other = [
        await add_entry(
            db, storage, contest, author, title=title, photo=photo_bytes(n), moderator=organizer
        )
        for n, title in enumerate(("Lamplight", "Stairwell"))
    ]
    return Setup(contest, entry, other, author, organizer, judge, fan)


async def views_of(db: Database, entry: int) -> int:
    return int(
        await db.fetch_value("SELECT count(*) FROM entry_views WHERE entry_id = ?", (entry,))
    )


async def test_thirty_browsers_behind_one_address_are_thirty_views_bots_and_staff_none(
    db: Database, setup: Setup
) -> None:
    s = setup
    # A campus: thirty phones of one model, one public address (which counting never sees).
    outcomes = [
        await add_browser_view(db, s.contest, s.entry, browser=f"20260302.phone-{n:02d}")
        for n in range(30)
    ]
    assert outcomes == ["counted"] * 30
    bots = [
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "WhatsApp/2.23.20.0 A",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "TelegramBot (like TwitterBot)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/126.0 Safari/537.36",
        "python-requests/2.32",
        "curl/8.5.0",
        "",
    ]
    for n, agent in enumerate(bots):
        outcome = await add_browser_view(
            db, s.contest, s.entry, browser=f"20260302.bot-{n}", user_agent=agent
        )
        assert outcome == "not_a_visit", agent
    for staff in (s.organizer, s.judge, s.author):
        outcome = await add_browser_view(
            db, s.contest, s.entry, browser=f"20260302.staff-{staff.id}", viewer=staff
        )
        assert outcome == "staff", staff.role
    # A signed-in participant who is not the author is the public.
    assert await add_browser_view(db, s.contest, s.entry, browser="20260302.fan", viewer=s.fan) == (
        "counted"
    )
    assert await views_of(db, s.entry) == 31
    assert (await engagement(db, s.contest, now=START)).public.views == 31


async def test_a_browser_counts_once_per_entry_per_day_of_the_contest(
    db: Database, setup: Setup
) -> None:
    s = setup
    phone = "20260302.phone"
    assert await add_browser_view(db, s.contest, s.entry, browser=phone) == "counted"
    assert await add_browser_view(db, s.contest, s.entry, browser=phone) == "repeat"
    assert await add_browser_view(db, s.contest, s.other, browser=phone) == "counted"
    # 09:00 UTC is 17:00 in Hong Kong; 16:30 UTC is already the next day there.
    later = START + timedelta(hours=7, minutes=30)
    assert await add_browser_view(db, s.contest, s.entry, browser=phone, now=later) == "counted"
    assert await views_of(db, s.entry) == 2


async def test_in_app_browsers_count_while_prefetches_checkers_and_script_fetches_do_not(
    db: Database, setup: Setup
) -> None:
    s = setup
    people = [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
        " (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.40.97]",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
        " Chrome/126.0 Mobile Safari/537.36 Telegram-Android/11.0.0",
        "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
        " Instagram 340.0.0.22.109 Android",
        "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.49",
    ]
    for n, agent in enumerate(people):
        outcome = await add_browser_view(
            db, s.contest, s.entry, browser=f"20260302.app-{n}", user_agent=agent
        )
        assert outcome == "counted", agent
    for n, (purpose, dest) in enumerate(
        [("prefetch", ""), ("prefetch;prerender", "document"), ("", "empty"), ("", "iframe")]
    ):
        outcome = await add_browser_view(
            db, s.contest, s.entry, browser=f"20260302.ahead-{n}", purpose=purpose, fetch_dest=dest
        )
        assert outcome == "not_a_visit", (purpose, dest)
    checker = await add_browser_view(db, s.contest, s.entry, browser="y", method="HEAD")
    assert checker == "not_a_visit"
    page_load = await add_browser_view(db, s.contest, s.entry, browser="x", fetch_dest="document")
    assert page_load == "counted"
    assert await views_of(db, s.entry) == len(people) + 1


async def test_staff_browsers_stay_uncounted_once_signed_out_and_authors_only_for_their_own(
    db: Database, storage: LocalStorage, setup: Setup
) -> None:
    s = setup
    desk, ann_phone = "20260302.library-desk", "20260302.ann-phone"
    assert await add_browser_view(db, s.contest, s.other, browser=desk, viewer=s.organizer) == (
        "staff"
    )
    assert await add_browser_view(db, s.contest, s.entry, browser=desk) == "staff"
    assert await add_browser_view(db, s.contest, s.entry, browser=ann_phone, viewer=s.author) == (
        "staff"
    )
    # Signed out on the same phone, Ann's views of her photos do not count...
    assert await add_browser_view(db, s.contest, s.entry, browser=ann_phone) == "staff"
    assert await add_browser_view(db, s.contest, s.other, browser=ann_phone) == "staff"
    assert await views_of(db, s.entry) == await views_of(db, s.other) == 0
    # ...but her views of other people's photos do.
    fan_entry = await add_entry(
        db,
        storage,
        s.contest,
        s.fan,
        title="Fan's photo",
        photo=photo_bytes(9),
        moderator=s.organizer,
    )
    assert await add_browser_view(db, s.contest, fan_entry, browser=ann_phone) == "counted"
    # The staff keys cannot be matched with any visitor key.
    staff_keys = {row["key"] for row in await db.fetch_all("SELECT key FROM staff_browsers")}
    visitors = {row["visitor"] for row in await db.fetch_all("SELECT visitor FROM entry_views")}
    assert len(staff_keys) == 2 and not staff_keys & visitors
    assert views.visitor_key("test-secret-key", ann_phone) in visitors


async def test_every_arrival_keeps_its_source_once_per_browser_and_day(
    db: Database, setup: Setup
) -> None:
    s = setup
    arrivals = [  # browser, ?src=, ?utm_source=, Referer
        ("a", "facebook", "", "https://l.facebook.com/"),
        ("b", "facebook", "", ""),
        ("b", "facebook", "", ""),  # a reload: the same arrival
        ("b", "whatsapp", "", ""),  # the same browser through another link
        ("c", "", "Library Newsletter!", ""),
        ("d", "", "", "https://www.Instagram.com/p/xyz"),
        ("e", "", "", "http://testserver/contests/x/gallery"),  # our own page
        ("f", "no-such-network", "", ""),
        ("g", "", "", "not a [url"),
    ]
    for browser, channel, utm, referrer in arrivals:
        await add_browser_view(
            db,
            s.contest,
            s.entry,
            browser=f"20260302.{browser}",
            channel=channel,
            utm_source=utm,
            referrer=referrer,
        )
    stored = await db.fetch_all(
        "SELECT channel, utm_source, referrer FROM entry_arrivals ORDER BY channel, utm_source,"
        " referrer"
    )
    assert [tuple(row) for row in stored] == [
        ("", "", "www.instagram.com"),
        ("", "library-newsletter", ""),
        ("facebook", "", ""),
        ("facebook", "", "l.facebook.com"),
        ("whatsapp", "", ""),
    ]
    assert await views_of(db, s.entry) == 7  # one per browser
    public = (await engagement(db, s.contest, now=START)).public
    assert {n.network: n.arrivals for n in public.networks if n.arrivals} == {
        "Facebook": 2,
        "WhatsApp": 1,
    }
    assert public.arrival_sources == (
        Count("Facebook", 2),
        Count("WhatsApp", 1),
        Count("library-newsletter", 1),
        Count("www.instagram.com", 1),
    )
    # Staff arriving through a link leave no arrival behind.
    await add_browser_view(
        db, s.contest, s.entry, browser="20260302.o", viewer=s.organizer, channel="x"
    )
    assert await db.fetch_value("SELECT count(*) FROM entry_arrivals WHERE channel = 'x'") == 0


async def test_views_stored_before_keep_their_arrivals(db: Database, setup: Setup) -> None:
    """``record_view`` (the demo's and older data's way in) stores an arrival for a source."""
    s = setup
    assert await add_view(db, s.contest, s.entry, visitor="v", source="line")
    assert not await add_view(db, s.contest, s.entry, visitor="v", source="line")
    assert await db.fetch_value("SELECT count(*) FROM entry_arrivals") == 1


@pytest.mark.parametrize(
    ("referrer", "site"),
    [
        ("https://t.co/abc", "t.co"),
        ("https://TESTSERVER/entries/1", ""),
        ("http://testserver:8000/", ""),
        ("", ""),
        ("http://[::1", ""),
    ],
)
def test_referrer_site_is_the_host_of_another_site(referrer: str, site: str) -> None:
    assert views.referrer_site(referrer, "testserver") == site
