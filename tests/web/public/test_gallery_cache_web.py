"""The cached gallery: a moment stale at most, never one visitor's page for another."""

import re
from collections.abc import Callable
from typing import Any

from contest.contests import store as contest_store
from contest.contests.form import settings_to_form
from contest.core.security import csrf_token
from contest.gallery import listing
from tests.conftest import Site
from tests.web.public import test_gallery_web

# The same fixtures: a contest in its voting phase with 30 photos (and any settings changed).
make_voting, voting = test_gallery_web.make_voting, test_gallery_web.voting
gallery_ids = test_gallery_web.gallery_ids


def browser(slot: int, slots: int = listing.ORDER_SLOTS) -> str:
    """A browser id (as the cookie carries it) whose visitor sees the order of that slot."""
    for number in range(100_000):
        candidate = f"20260302.test-browser-{number:08d}-xxxxxxxxxxxx"
        if listing.visitor_slot(candidate, slots) == slot:
            return candidate
    raise AssertionError("no browser id found for the slot")


def visit(site: Site, path: str, browser_id: str) -> str:
    site.client.cookies.clear()
    site.client.cookies.set("contest_browser", browser_id)
    return site.client.get(path).text


def card(html: str, entry_id: int) -> str:
    return html.split(f'id="entry-{entry_id}"')[1].split("</li>")[0]


def like_from_another_process(site: Site, voting: dict[str, Any], entry_id: int) -> None:
    """A like stored behind this process's back (through the domain, not this app's like
    route), so nothing here forgets the cache."""
    test_gallery_web.like_from_an_account(site, voting, entry_id)


def test_a_like_shows_on_the_cached_page_within_a_second(
    site: Site, voting: dict[str, Any]
) -> None:
    entry = voting["ids"][-1]
    path = f"/contests/{voting['slug']}/gallery?sort=newest"
    assert "0 likes" in card(site.client.get(path).text, entry)
    like_from_another_process(site, voting, entry)
    site.clock.advance(seconds=0.9)
    assert "0 likes" in card(site.client.get(path).text, entry)  # still the cached page
    site.clock.advance(seconds=0.1)
    assert "1 like<" in card(site.client.get(path).text, entry)


def test_a_like_in_this_process_shows_to_everyone_at_once(
    site: Site, voting: dict[str, Any]
) -> None:
    entry = voting["ids"][-1]
    path = f"/contests/{voting['slug']}/gallery?sort=newest"
    anonymous = browser(0)
    assert "0 likes" in card(visit(site, path, anonymous), entry)
    site.sign_in_as("participant", "fan@uni.edu")
    site.post(f"/entries/{entry}/like", {}, form_page=path)
    mine = card(site.client.get(path).text, entry)
    assert "1 like<" in mine and 'aria-pressed="true"' in mine
    theirs = card(visit(site, path, anonymous), entry)
    assert "1 like<" in theirs and 'aria-pressed="false"' in theirs


def test_visitors_in_different_slots_get_their_own_stable_orders(
    site: Site, voting: dict[str, Any]
) -> None:
    path = f"/contests/{voting['slug']}/gallery"
    first, second = browser(0), browser(listing.ORDER_SLOTS // 2)
    one = gallery_ids(visit(site, path, first))
    two = gallery_ids(visit(site, path, second))
    assert one != two
    assert gallery_ids(visit(site, path, first)) == one  # served from the cache, still theirs
    assert gallery_ids(visit(site, path, second)) == two
    # Every order is the one shuffle started elsewhere: all 30 photos, in the same cycle.
    whole = gallery_ids(visit(site, path, first)) + gallery_ids(
        visit(site, f"{path}?page=2", first)
    )
    assert sorted(whole) == sorted(voting["ids"])
    start = whole.index(two[0])
    assert (whole[start:] + whole[:start])[:24] == two


def test_the_entry_page_neighbours_follow_the_visitors_order(
    site: Site, voting: dict[str, Any]
) -> None:
    visitor = browser(5)
    ids = gallery_ids(visit(site, f"/contests/{voting['slug']}/gallery", visitor))
    page = visit(site, f"/entries/{ids[1]}", visitor)
    links = re.findall(r'href="(?:http://testserver)?/entries/(\d+)"', page)
    assert str(ids[0]) in links and str(ids[2]) in links


def test_each_visitor_gets_their_own_form_token_in_the_shared_page(
    site: Site, make_voting: Callable[..., dict[str, Any]]
) -> None:
    voting = make_voting(voting_mode="device")
    path = f"/contests/{voting['slug']}/gallery?sort=newest"
    first, second = browser(0), browser(0)[:-1] + "y"
    for visitor, entry in ((first, voting["ids"][-1]), (second, voting["ids"][-2])):
        html = visit(site, path, visitor)
        tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', html))
        assert tokens == {csrf_token(site.config.secret_key or "", visitor)}
        liked = site.client.post(
            f"/entries/{entry}/like",
            data={"csrf_token": tokens.pop(), "action": "like"},
            headers={"Accept": "application/json"},
        )
        assert liked.json() == {"liked": True, "count": 1}
    assert site.value("SELECT count(DISTINCT voter) FROM likes") == 2
    # The device voter sees their own like; a third visitor's page shows none pressed.
    assert 'aria-pressed="true"' in card(visit(site, path, first), voting["ids"][-1])
    assert 'aria-pressed="true"' not in visit(site, path, browser(1))


def test_hidden_counts_stay_hidden_in_the_cached_page_until_results(
    site: Site, make_voting: Callable[..., dict[str, Any]]
) -> None:
    voting = make_voting(hide_counts=True)
    entry = voting["ids"][-1]
    like_from_another_process(site, voting, entry)
    path = f"/contests/{voting['slug']}/gallery?sort=newest"
    for _ in range(2):  # rendered, then from the cache
        html = card(site.client.get(path).text, entry)
        assert "counts hidden until results" in html and "1 like" not in html
    site.clock.advance(days=7)  # the results are out: counts may show
    assert "1 like<" in card(site.client.get(f"/contests/{voting['slug']}/gallery").text, entry)


def test_judges_get_no_counts_even_when_a_page_with_counts_is_cached(
    site: Site, voting: dict[str, Any]
) -> None:
    entry = voting["ids"][-1]
    like_from_another_process(site, voting, entry)
    path = f"/contests/{voting['slug']}/gallery?sort=newest"
    assert "1 like<" in card(site.client.get(path).text, entry)  # the public page, cached
    site.sign_in_as("judge", "judge@uni.edu")
    html = site.client.get(path).text
    assert "counts hidden until results" in card(html, entry) and "1 like" not in html
    assert "Ann Lee" not in html


def test_signed_in_pages_are_never_shared(site: Site, voting: dict[str, Any]) -> None:
    path = f"/contests/{voting['slug']}/gallery?sort=newest"
    services = site.client.app.state.services  # type: ignore[attr-defined]

    def pages_kept() -> int:
        snapshot = services.gallery_cache.stale(("gallery", voting["contest"], None, None))
        return len(snapshot.pages)

    site.sign_in_as("organizer", "org@uni.edu")
    assert "Organizer Person" in site.client.get(path).text
    assert pages_kept() == 0  # rendered for the organizer alone
    site.client.cookies.delete("contest_session")
    html = site.client.get(path).text
    assert "Organizer Person" not in html and "Sign in" in html
    assert pages_kept() == 1  # a stranger's page is kept for the next stranger


def test_links_in_the_gallery_do_not_depend_on_the_host_header(
    site: Site, voting: dict[str, Any]
) -> None:
    html = site.client.get(f"/contests/{voting['slug']}/gallery").text
    cards = html.split('<ul class="photo-grid">')[1]
    assert 'href="/entries/' in cards and 'src="/media/' in cards
    assert "testserver" not in cards


def test_a_verified_email_voter_never_gets_the_page_cached_for_strangers(
    site: Site, make_voting: Callable[..., dict[str, Any]]
) -> None:
    voting = make_voting(voting_mode="email")
    path = f"/contests/{voting['slug']}/gallery?sort=newest"
    stranger = site.client.get(path).text
    assert "Get your voting link by email" in stranger and "Confirm your email" in stranger
    link = test_gallery_web._email_link(site, voting["slug"], "fan.person@gmail.com")
    site.post(link, {})
    voter = site.client.get(path).text
    assert "Get your voting link by email" not in voter and "Confirm your email" not in voter


def test_a_click_that_changes_nothing_leaves_the_cached_gallery_alone(
    site: Site, voting: dict[str, Any]
) -> None:
    liked, unseen = voting["ids"][-1], voting["ids"][-2]
    path = f"/contests/{voting['slug']}/gallery?sort=newest"
    site.sign_in_as("participant", "fan@uni.edu")
    token = csrf_token(site.config.secret_key or "", site.client.cookies["contest_browser"])

    def click(action: str) -> Any:
        return site.client.post(
            f"/entries/{liked}/like",
            data={"csrf_token": token, "action": action},
            headers={"Accept": "application/json"},
        ).json()

    assert click("like") == {"liked": True, "count": 1}
    assert "1 like<" in card(site.client.get(path).text, liked)  # cached from here on
    like_from_another_process(site, voting, unseen)
    assert click("like") == {"liked": True, "count": 1}  # a repeat: nothing changed
    assert "0 likes" in card(site.client.get(path).text, unseen)  # still the cached page
    assert click("unlike") == {"liked": False, "count": 0}  # a change: the cache is forgotten
    assert "1 like<" in card(site.client.get(path).text, unseen)


def test_an_organizers_edit_shows_on_the_cached_gallery_at_once(
    site: Site, voting: dict[str, Any]
) -> None:
    path = f"/contests/{voting['slug']}/gallery"
    contest = site.run(contest_store.get_contest, site.db, voting["contest"])
    assert contest.title in site.client.get(path).text  # cached from here on
    site.sign_in_as("organizer", "org@uni.edu")
    form = settings_to_form(contest.settings)
    data = {name: form.getlist(name) for name in form._values} | {"title": "Renamed at once"}
    edit = f"/manage/contests/{contest.id}/edit"
    assert site.post(edit, data, follow_redirects=False).status_code == 303
    site.client.cookies.delete("contest_session")
    assert "Renamed at once" in site.client.get(path).text
