"""Two app instances on one database, each with caches of its own, as two hosts of
`contest serve --workers N` would be: what one changes, the other shows once its change feed
has read the news (``feed.settle()``, which the feed does by itself within a quarter second,
or at once on PostgreSQL); what must hold at once (a sign-out, a disabled account, throttles,
one like per voter) holds at once.

Both instances keep their caches an hour here, so nothing but the feed can freshen them.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from contest.accounts.throttle import SIGN_IN_LIMITS
from contest.app import create_app
from contest.config import Config
from contest.contests.form import settings_to_form
from contest.contests.model import Contest
from contest.contests.phases import Phase
from contest.core.security import csrf_token, token_hash
from contest.web.context import BROWSER_COOKIE, SESSION_COOKIE, Services
from tests.conftest import PASSWORD, FakeClock, Site
from tests.factories import add_account, add_contest, add_entry

JSON = {"Accept": "application/json"}
HOUR = 3600.0


def services(site: Site) -> Services:
    found: Services = site.client.app.state.services  # type: ignore[attr-defined]
    return found


def settle(site: Site) -> None:
    """Let the site's change feed handle every change committed so far."""
    site.run(services(site).change_feed.settle)


@pytest.fixture
def slow_config(config: Config) -> Config:
    return dataclasses.replace(config, gallery_cache_seconds=HOUR)


def _started(config: Config, clock: FakeClock) -> Iterator[Site]:
    with TestClient(create_app(config, clock=clock, fast_passwords=True)) as client:
        site = Site(client, clock, config)
        for cache in (services(site).contest_cache, services(site).brand_cache):
            cache.seconds = HOUR
        yield site


@pytest.fixture
def a(slow_config: Config, clock: FakeClock) -> Iterator[Site]:
    yield from _started(slow_config, clock)


@pytest.fixture
def b(slow_config: Config, clock: FakeClock, a: Site) -> Iterator[Site]:
    yield from _started(slow_config, clock)


@pytest.fixture
def voting(a: Site) -> dict[str, Any]:
    """A contest open for voting with two approved photos by Ann, and its organizer."""

    async def make() -> dict[str, Any]:
        now = a.clock()
        contest = await add_contest(a.db, Phase.JUDGING_AND_VOTING, now=now)
        ann = await add_account(a.db, a.passwords, email="ann@uni.edu", name="Ann Lee", now=now)
        organizer = await add_account(
            a.db, a.passwords, email="org@uni.edu", role="organizer", now=now
        )
        entry, other = [
            await add_entry(
                a.db, a.storage, contest, ann, title=title, moderator=organizer, now=now
            )
            for title in ("Night stacks", "Reading room")
        ]
        return {"contest": contest, "entry": entry, "other": other}

    return a.run(make)


def same_browser(source: Site, target: Site) -> None:
    """Give ``target``'s client the browser and session cookies of ``source``'s."""
    target.client.cookies.clear()
    for name in (BROWSER_COOKIE, SESSION_COOKIE):
        if name in source.client.cookies:
            target.client.cookies.set(name, source.client.cookies[name])


def click(site: Site, entry_id: int, contest_id: int) -> Any:
    """A script's like, as the page's script sends it (the fast path's way)."""
    token = csrf_token(site.config.secret_key or "", site.client.cookies[BROWSER_COOKIE])
    data = {"csrf_token": token, "action": "like", "contest": str(contest_id)}
    return site.client.post(f"/entries/{entry_id}/like", data=data, headers=JSON)


def gallery(site: Site, contest: Contest) -> str:
    return site.client.get(f"/contests/{contest.slug}/gallery").text


def card(html: str, entry_id: int) -> str:
    return html.split(f'id="entry-{entry_id}"')[1].split("</li>")[0]


def likes_stored(site: Site, entry_id: int) -> int:
    return int(site.value("SELECT count(*) FROM likes WHERE entry_id = ?", (entry_id,)))


def test_a_title_edited_through_one_worker_shows_on_the_other(
    a: Site, b: Site, voting: dict[str, Any]
) -> None:
    contest: Contest = voting["contest"]
    assert contest.title in gallery(b, contest)  # cached in B for an hour
    a.sign_in("org@uni.edu")
    form = settings_to_form(contest.settings)
    data = {name: form.getlist(name) for name in form._values} | {"title": "Renamed on A"}
    edit = f"/manage/contests/{contest.id}/edit"
    assert a.post(edit, data, follow_redirects=False).status_code == 303
    settle(b)
    page = gallery(b, contest)
    assert "Renamed on A" in page and contest.title not in page
    renamed = b.run(services(b).contest, contest.id)  # the likes' cache too
    assert renamed.title == "Renamed on A"


def test_a_brand_changed_through_one_worker_shows_on_the_other(
    a: Site, b: Site, voting: dict[str, Any]
) -> None:
    assert "Lamplight Library" not in b.client.get("/").text  # the brand, cached in B
    a.sign_in("org@uni.edu")
    brand = {
        "brand_name": "Lamplight Library",
        "brand_accent": "#8a1538",
        "brand_header": "#003b2f",
        "brand_contact": "library@uni.edu",
        "brand_privacy_url": "https://uni.edu/privacy",
    }
    saved = a.post("/manage/settings", brand)
    assert saved.status_code == 200 and "Lamplight Library" in saved.text
    settle(b)
    assert "Lamplight Library" in b.client.get("/").text


def held(site: Site, session: str) -> bool:
    """Whether the site's session cache holds the session whose cookie is ``session``."""
    return services(site).session_cache.get(token_hash(session), now=site.clock()) is not None


def test_a_sign_out_through_one_worker_ends_the_session_on_the_other(
    a: Site, b: Site, voting: dict[str, Any]
) -> None:
    a.add_user("participant", "fan@uni.edu", name="Fan Person")
    a.sign_in("fan@uni.edu")
    same_browser(a, b)
    assert "Fan Person" in b.client.get("/account").text
    assert click(b, voting["entry"], voting["contest"].id).json()["liked"] is True
    session = b.client.cookies[SESSION_COOKIE]
    assert held(b, session)  # B's likes take the session from here on
    assert a.post("/sign-out", {}, form_page="/account").status_code == 200
    b.client.cookies.set(SESSION_COOKIE, session)
    assert b.client.get("/account", follow_redirects=False).status_code == 303  # at once
    settle(b)
    assert not held(b, session)
    again = click(b, voting["entry"], voting["contest"].id)  # it would take the like back
    assert again.status_code == 401 and likes_stored(b, voting["entry"]) == 1


def test_signing_out_everywhere_through_one_worker_is_forgotten_by_the_other(
    a: Site, b: Site, voting: dict[str, Any]
) -> None:
    a.add_user("participant", "fan@uni.edu", name="Fan Person")
    b.sign_in("fan@uni.edu")  # a phone, served by B
    phone = b.client.cookies[SESSION_COOKIE]
    assert click(b, voting["entry"], voting["contest"].id).json()["liked"] is True
    assert held(b, phone)
    a.sign_in("fan@uni.edu")  # a laptop, served by A
    ended = a.post("/account/sign-out-everywhere", {}, form_page="/account")
    assert ended.status_code == 200
    settle(b)
    assert not held(b, phone)
    assert b.client.get("/account", follow_redirects=False).status_code == 303


def test_an_account_disabled_through_one_worker_cannot_like_through_the_other(
    a: Site, b: Site, voting: dict[str, Any]
) -> None:
    fan = a.add_user("participant", "fan@uni.edu", name="Fan Person")
    b.sign_in("fan@uni.edu")
    entry, contest = voting["entry"], voting["contest"]
    liked = click(b, voting["other"], contest.id)  # B's cache holds the session from now on
    assert liked.json()["liked"] is True and held(b, b.client.cookies[SESSION_COOKIE])
    a.sign_in("org@uni.edu")
    disabled = a.post(f"/manage/people/{fan}", {"action": "disable"}, form_page="/manage/people")
    assert disabled.status_code == 200
    refused = click(b, entry, contest.id)  # at once: the like's write checks the account
    assert refused.status_code == 401 and likes_stored(b, entry) == 0


def test_a_role_changed_through_one_worker_is_forgotten_by_the_other(
    a: Site, b: Site, voting: dict[str, Any]
) -> None:
    fan = a.add_user("participant", "fan@uni.edu", name="Fan Person")
    b.sign_in("fan@uni.edu")
    session = b.client.cookies[SESSION_COOKIE]
    assert click(b, voting["entry"], voting["contest"].id).json()["liked"] is True
    a.sign_in("org@uni.edu")
    changed = a.post(
        f"/manage/people/{fan}", {"action": "role", "role": "judge"}, form_page="/manage/people"
    )
    assert changed.status_code == 200
    settle(b)
    assert not held(b, session)


def test_sign_in_failures_through_both_workers_add_up_to_the_limit(
    a: Site, b: Site, voting: dict[str, Any]
) -> None:
    a.add_user("participant", "pat@uni.edu")
    for attempt in range(SIGN_IN_LIMITS.per_account):
        site = (a, b)[attempt % 2]
        wrong = site.post("/sign-in", {"email": "pat@uni.edu", "password": "wrong password"})
        assert wrong.status_code == 400
    for site in (a, b):
        assert (
            site.post("/sign-in", {"email": "pat@uni.edu", "password": PASSWORD}).status_code == 429
        )


def test_one_voter_clicking_through_both_workers_at_once_is_counted_once(
    a: Site, b: Site, voting: dict[str, Any]
) -> None:
    a.add_user("participant", "fan@uni.edu", name="Fan Person")
    a.sign_in("fan@uni.edu")
    same_browser(a, b)
    entry, contest = voting["entry"], voting["contest"]
    for site in (a, b):  # each worker holds the session in its cache: the fast path answers
        site.client.get(f"/entries/{entry}")
    start = threading.Barrier(2)
    answers: list[Any] = []

    def like_through(site: Site) -> None:
        start.wait()
        answers.append(click(site, entry, contest.id).json())

    threads = [threading.Thread(target=like_through, args=(site,)) for site in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [answer["liked"] for answer in answers] == [True, True]
    assert likes_stored(a, entry) == 1
    for site in (a, b):
        settle(site)
        services(site).gallery_cache.forget(lambda key: True)  # other visitors' bound
        assert "1 like<" in card(gallery(site, contest), entry)


def test_a_like_through_one_worker_shows_as_liked_on_the_other_at_once(
    a: Site, b: Site, voting: dict[str, Any]
) -> None:
    entry, contest = voting["entry"], voting["contest"]
    a.add_user("participant", "fan@uni.edu", name="Fan Person")
    a.sign_in("fan@uni.edu")
    same_browser(a, b)
    assert 'aria-pressed="false"' in card(gallery(b, contest), entry)  # B caches the page
    assert click(a, entry, contest.id).json()["liked"] is True
    assert 'aria-pressed="true"' in card(gallery(b, contest), entry)  # no settling needed
