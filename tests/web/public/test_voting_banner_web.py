"""How to vote, said once per page in the contest's voting mode, and a like that survives
signing in: the anonymous like button leads to sign-in and back to the photo, where one
pre-focused button confirms the like (a GET never likes)."""

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from contest.contests.phases import Phase
from tests.conftest import PASSWORD, Site
from tests.factories import add_contest, add_entry
from tests.web.public import test_gallery_web

# The same fixtures: a contest in its voting phase with 30 photos (and any settings changed).
make_voting, voting = test_gallery_web.make_voting, test_gallery_web.voting


def banners(html: str) -> list[str]:
    """The page's voting banners, their links root-relative (pages rendered per request link
    absolutely; cached gallery pages do not)."""
    html = html.replace("http://testserver/", "/")
    return re.findall(r'<aside class="notice voting-banner".*?</aside>', html, re.S)


def test_accounts_mode_says_once_to_sign_in_or_create_an_account(
    site: Site, voting: dict[str, Any]
) -> None:
    entry = voting["ids"][0]
    for path in (
        f"/contests/{voting['slug']}",
        f"/contests/{voting['slug']}/gallery",
        f"/entries/{entry}",
    ):
        html = site.client.get(path).text
        [banner] = banners(html)
        assert "to like photos" in banner and 'href="/sign-in?next=' in banner, path
        assert 'href="/sign-up"' in banner and "create an account" in banner
        assert "Sign in to like photos in this contest." not in html  # no note on every card


def test_an_anonymous_like_leads_to_sign_in_and_back_to_the_photo(
    site: Site, voting: dict[str, Any]
) -> None:
    entry = voting["ids"][0]
    html = site.client.get(f"/entries/{entry}").text
    assert "Sign in to like" in html and " disabled" not in html.split("like-sign-in")[1][:600]
    response = site.post(
        f"/entries/{entry}/like", {}, form_page=f"/entries/{entry}", follow_redirects=False
    )
    assert response.status_code == 303
    intent = f"/entries/{entry}?like=1"
    assert response.headers["location"].endswith(f"/sign-in?next={quote(intent, safe='')}")
    assert site.value("SELECT count(*) FROM likes") == 0


def test_signed_in_from_a_like_the_voter_confirms_it_with_one_tap(
    site: Site, voting: dict[str, Any]
) -> None:
    entry = voting["ids"][2]
    intent = f"/entries/{entry}?like=1"
    site.add_user("participant", "fan@uni.edu", name="Fan Person")
    signed_in = site.post(
        "/sign-in",
        {"email": "fan@uni.edu", "password": PASSWORD, "next": intent},
        form_page=f"/sign-in?next={quote(intent, safe='')}",
        follow_redirects=False,
    )
    assert signed_in.headers["location"].endswith(intent)
    page = site.client.get(intent).text
    assert "Confirm your like" in page and "autofocus" in page
    assert site.value("SELECT count(*) FROM likes") == 0  # the GET liked nothing
    confirm = page.split('class="notice confirm-like"')[1].split("</form>")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', confirm)
    assert token and 'name="action" value="like"' in confirm
    done = site.client.post(
        f"/entries/{entry}/like",
        data={"csrf_token": token.group(1), "action": "like", "next": f"/entries/{entry}"},
        follow_redirects=False,
    )
    assert done.headers["location"] == f"/entries/{entry}#entry-{entry}"
    assert site.value("SELECT count(*) FROM likes WHERE entry_id = ?", (entry,)) == 1
    again = site.client.get(intent).text
    assert "Confirm your like" not in again and 'aria-pressed="true"' in again


def test_no_confirmation_for_the_authors_own_photo(site: Site, voting: dict[str, Any]) -> None:
    site.sign_in("ann@uni.edu")
    assert "Confirm your like" not in site.client.get(f"/entries/{voting['ids'][0]}?like=1").text


def test_email_mode_offers_the_voting_link_or_sign_in(
    site: Site, make_voting: Callable[..., dict[str, Any]]
) -> None:
    voting = make_voting(voting_mode="email")
    entry = voting["ids"][0]
    html = site.client.get(f"/entries/{entry}").text
    [banner] = banners(html)
    assert f'href="/contests/{voting["slug"]}/vote-by-email"' in banner
    assert "Get your voting link by email" in banner and "sign in" in banner
    card = html.replace("http://testserver/", "/").split("like-sign-in")[1].split("</form>")[0]
    assert f'href="/sign-in?next={quote(f"/entries/{entry}?like=1", safe="/")}"' in card


def test_device_mode_needs_no_account(
    site: Site, make_voting: Callable[..., dict[str, Any]]
) -> None:
    voting = make_voting(voting_mode="device")
    html = site.client.get(f"/contests/{voting['slug']}/gallery").text
    [banner] = banners(html)
    assert "Tap ♥ to like; no account needed" in banner and "sign-in" not in banner
    assert "like-sign-in" not in html and "data-like-form" in html


def test_a_signed_in_voter_is_told_to_tap_the_heart(site: Site, voting: dict[str, Any]) -> None:
    site.sign_in_as("participant", "fan@uni.edu")
    [banner] = banners(site.client.get(f"/contests/{voting['slug']}/gallery").text)
    assert "tap ♥ to like" in banner and "sign-in" not in banner


def test_before_and_after_voting_the_banner_says_when(site: Site) -> None:
    upcoming = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock())
    [banner] = banners(site.client.get(f"/contests/{upcoming.slug}").text)
    assert "Public voting opens" in banner and "sign-in" not in banner
    over = site.run(add_contest, site.db, Phase.RESULTS, now=site.clock(), title="Past one")
    [banner] = banners(site.client.get(f"/contests/{over.slug}").text)
    assert "Public voting has closed." in banner and "sign-in" not in banner


def test_sign_up_no_longer_promises_voting_without_an_account(site: Site) -> None:
    html = site.client.get("/sign-up").text
    assert "Voting and browsing need none" not in html
    assert "Some contests let anyone like photos; others ask you to sign in." in html


def test_once_voting_closes_the_banner_says_so_instead_of_every_card(
    site: Site, voting: dict[str, Any]
) -> None:
    site.clock.advance(days=90)  # long past the close of voting
    html = site.client.get(f"/contests/{voting['slug']}/gallery").text
    [banner] = banners(html)
    assert "Public voting has closed." in banner
    assert "Voting is closed." not in html and "like-sign-in" not in html
    assert html.count("disabled") == html.count('class="like-button"')


def _voting_link(site: Site) -> str:
    body = site.value("SELECT body FROM outbox ORDER BY id DESC LIMIT 1")
    found = re.search(r"http://testserver(/vote/\S+)", body)
    assert found, body
    return found.group(1)


def test_an_email_link_asked_for_from_a_like_comes_back_to_the_photo(
    site: Site, make_voting: Callable[..., dict[str, Any]]
) -> None:
    voting = make_voting(voting_mode="email")
    entry = voting["ids"][3]
    asked = site.post(
        f"/entries/{entry}/like", {}, form_page=f"/entries/{entry}", follow_redirects=False
    )
    form = f"/contests/{voting['slug']}/vote-by-email?entry={entry}"
    assert asked.headers["location"].endswith(form)
    page = site.client.get(form).text
    assert f'name="entry" value="{entry}"' in page
    sent = site.post(form, {"email": "fan@uni.edu", "entry": str(entry)})
    assert "brings you back to the photo" in sent.text
    link = _voting_link(site)
    assert link.endswith(f"?entry={entry}")
    assert f'name="entry" value="{entry}"' in site.client.get(link).text
    followed = site.post(link, {"entry": str(entry)}, form_page=link, follow_redirects=False)
    assert followed.headers["location"].endswith(f"/entries/{entry}?like=1")
    assert site.value("SELECT count(*) FROM likes") == 0  # nothing liked without a tap
    photo = site.client.get(f"/entries/{entry}?like=1").text
    assert "Confirm your like" in photo
    [banner] = banners(site.client.get(f"/contests/{voting['slug']}").text)
    assert "tap ♥ to like" in banner and "vote-by-email" not in banner


def test_a_voting_link_edited_to_name_another_contests_photo_lands_on_the_gallery(
    site: Site, make_voting: Callable[..., dict[str, Any]]
) -> None:
    voting = make_voting(voting_mode="email")
    author = site.user(site.add_user("participant", "bo@uni.edu", name="Bo Chan"))
    moderator = site.user(voting["moderator"])

    async def elsewhere() -> int:
        other = await add_contest(site.db, Phase.JUDGING_AND_VOTING, now=site.clock())
        return await add_entry(
            site.db, site.storage, other, author, moderator=moderator, now=site.clock()
        )

    stranger = site.run(elsewhere)
    site.post(f"/contests/{voting['slug']}/vote-by-email", {"email": "fan@uni.edu"})
    link = _voting_link(site)
    assert "?entry=" not in link
    followed = site.post(link, {"entry": str(stranger)}, follow_redirects=False)
    assert followed.headers["location"].endswith(f"/contests/{voting['slug']}/gallery?verified=1")
