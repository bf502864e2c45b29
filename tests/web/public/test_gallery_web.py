"""The public side: gallery order and filters, entry pages, likes through HTTP, sharing, views."""

import io
import re
from collections.abc import Callable
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from PIL import Image

from contest.contests import store as contest_store
from contest.contests.model import Contest
from contest.contests.phases import Phase
from contest.core.clock import from_db
from contest.web.context import BROWSER_COOKIE, SESSION_COOKIE
from tests.conftest import Site
from tests.factories import (
    add_account,
    add_contest,
    add_device_like,
    add_entry,
    add_like,
    photo_bytes,
)

EXPECTED_OG = {
    "og:title",
    "og:description",
    "og:url",
    "og:image",
    "og:image:width",
    "og:image:height",
}


class MetaTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        key = values.get("property") or values.get("name")
        if tag == "meta" and key and values.get("content") is not None:
            self.tags[key] = str(values["content"])


def meta(html: str) -> dict[str, str]:
    parser = MetaTags()
    parser.feed(html)
    return parser.tags


PHOTOS = 30  # more than a gallery page holds


@pytest.fixture
def make_voting(site: Site) -> Callable[..., dict[str, Any]]:
    """Make a published contest whose public voting (and judging) is open, with any of its
    settings overridden, and thirty approved photos in it by Ann Lee, the fourth tagged
    #nightowls; returns the contest's id and slug, the entries' ids, Ann's and the
    moderator's ids, and the last mail the entries queued."""

    def make(**overrides: Any) -> dict[str, Any]:
        now = site.clock()
        # Room for Ann's thirty photos and a few more.
        settings = {"max_entries_per_participant": PHOTOS + 5} | overrides

        async def create() -> dict[str, Any]:
            contest = await add_contest(site.db, Phase.JUDGING_AND_VOTING, now=now, **settings)
            ann = await add_account(
                site.db, site.passwords, email="ann@uni.edu", name="Ann Lee", now=now
            )
            moderator = await add_account(
                site.db, site.passwords, email="moderator@uni.edu", role="organizer", now=now
            )
            ids = [
                await add_entry(
                    site.db,
                    site.storage,
                    contest,
                    ann,
                    title=f"Library view {index:02d}",
                    photo=photo_bytes(index),
                    moderator=moderator,
                    now=now,
                    hashtags="#nightowls" if index == 3 else "",
                )
                for index in range(PHOTOS)
            ]
            mail = await site.db.fetch_value("SELECT max(id) FROM outbox")
            return {
                "contest": contest.id,
                "ids": ids,
                "slug": contest.slug,
                "author": ann.id,
                "moderator": moderator.id,
                "mail": mail,
            }

        return site.run(create)

    return make


@pytest.fixture
def voting(make_voting: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """A published contest in its voting phase with thirty approved photos by Ann Lee."""
    return make_voting()


def contest_of(site: Site, voting: dict[str, Any]) -> Contest:
    return site.run(contest_store.get_contest, site.db, voting["contest"])


def new_mail(site: Site, voting: dict[str, Any]) -> list[dict[str, Any]]:
    """The mail queued after the entries' own ("received", "approved"), oldest first."""
    sql = "SELECT recipient, subject, body FROM outbox WHERE id > ? ORDER BY id"
    return site.rows(sql, (voting["mail"],))


def add_photo(site: Site, voting: dict[str, Any], title: str, **fields: Any) -> int:
    """One more photo by Ann (approved unless a ``status`` says otherwise)."""
    ann, moderator = site.user(voting["author"]), site.user(voting["moderator"])
    return site.run(
        add_entry,
        site.db,
        site.storage,
        contest_of(site, voting),
        ann,
        title=title,
        moderator=moderator,
        now=site.clock(),
        **fields,
    )


def like_from_an_account(site: Site, voting: dict[str, Any], entry_id: int) -> None:
    """A like by someone's account, stored through the domain (not this app's like route)."""
    voter = site.run(
        add_account, site.db, site.passwords, email=f"voter{entry_id}@uni.edu", now=site.clock()
    )
    site.run(add_like, site.db, contest_of(site, voting), entry_id, voter, now=site.clock())


def gallery_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li class="photo-card" id="entry-(\d+)"', html)]


def test_gallery_pages_hold_24_with_sizes_set_and_lazy_loading(
    site: Site, voting: dict[str, Any]
) -> None:
    html = site.client.get(f"/contests/{voting['slug']}/gallery").text
    assert len(gallery_ids(html)) == 24 and "Page 1 of 2" in html
    for tag in re.findall(r"<img [^>]+>", html):
        if "/media/" in tag:
            assert 'width="' in tag and 'height="' in tag and 'loading="lazy"' in tag
    second = site.client.get(f"/contests/{voting['slug']}/gallery?page=2").text
    assert len(gallery_ids(second)) == 6
    assert set(gallery_ids(html)) | set(gallery_ids(second)) == set(voting["ids"])


def test_order_is_shuffled_per_visitor_but_stable_for_each(
    site: Site, voting: dict[str, Any]
) -> None:
    path = f"/contests/{voting['slug']}/gallery"
    first = gallery_ids(site.client.get(path).text)
    assert gallery_ids(site.client.get(path).text) == first
    orders = set()
    for _ in range(4):
        site.client.cookies.clear()
        orders.add(tuple(gallery_ids(site.client.get(path).text)))
    assert len(orders) > 1
    assert first != sorted(first) and first != sorted(first, reverse=True)


def test_most_liked_order_only_after_results(site: Site, voting: dict[str, Any]) -> None:
    path = f"/contests/{voting['slug']}/gallery?sort=likes"
    assert (
        "Shuffled for you" in site.client.get(path).text.split('id="sort"')[1].split("</select>")[0]
    )
    assert '<option value="likes"' not in site.client.get(path).text


def test_hashtag_filter_and_hashtag_page(site: Site, voting: dict[str, Any]) -> None:
    html = site.client.get(f"/contests/{voting['slug']}/gallery?tag=%23NightOwls").text
    assert gallery_ids(html) == [voting["ids"][3]]
    page = site.client.get("/hashtags/nightowls").text
    assert "Library view 03" in page and "Library view 04" not in page


def test_entry_page_has_absolute_open_graph_tags_and_a_1200x630_card(
    site: Site, voting: dict[str, Any]
) -> None:
    entry = voting["ids"][0]
    html = site.client.get(f"/entries/{entry}").text
    tags = meta(html)
    assert set(tags) >= EXPECTED_OG
    for key in ("og:url", "og:image", "twitter:image"):
        assert tags[key].startswith("http://testserver/"), key
    assert tags["twitter:card"] == "summary_large_image"
    card = site.client.get(tags["og:image"].removeprefix("http://testserver"))
    assert card.status_code == 200 and card.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(card.content)).size == (1200, 630)
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert "ann@uni.edu" not in html


@pytest.mark.parametrize(
    "path", ["/", "/contests/{slug}", "/contests/{slug}/gallery", "/contests/{slug}/winners"]
)
def test_every_shared_page_has_open_graph_basics(
    site: Site, voting: dict[str, Any], path: str
) -> None:
    tags = meta(site.client.get(path.format(slug=voting["slug"])).text)
    assert {"og:site_name", "og:title", "og:description", "og:url", "twitter:card"} <= set(tags)
    assert tags["og:url"].startswith("http://testserver/")
    assert tags["og:title"] and tags["og:description"]


def test_like_without_javascript_returns_to_the_same_place(
    site: Site, voting: dict[str, Any]
) -> None:
    site.sign_in_as("participant", "fan@uni.edu")
    entry = voting["ids"][-1]  # the newest: first on the first page when sorted by newest
    back = f"/contests/{voting['slug']}/gallery?sort=newest&page=1"
    response = site.post(
        f"/entries/{entry}/like", {"next": back}, form_page=back, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{back}#entry-{entry}"
    card = site.client.get(back).text.split(f'id="entry-{entry}"')[1].split("</li>")[0]
    assert "1 like" in card  # the gallery cache forgets the contest when someone likes
    again = site.post(f"/entries/{entry}/like", {"next": back}, form_page=back)
    assert again.status_code == 200
    assert site.value("SELECT count(*) FROM likes") == 1
    assert 'aria-pressed="true"' in site.client.get(f"/entries/{entry}").text


def test_like_with_javascript_answers_json(site: Site, voting: dict[str, Any]) -> None:
    site.sign_in_as("participant", "fan@uni.edu")
    entry = voting["ids"][1]
    token = site.csrf(f"/entries/{entry}")
    headers = {"Accept": "application/json"}
    liked = site.client.post(
        f"/entries/{entry}/like", data={"csrf_token": token, "action": "like"}, headers=headers
    )
    assert liked.json() == {"liked": True, "count": 1}
    unliked = site.client.post(
        f"/entries/{entry}/like", data={"csrf_token": token, "action": "unlike"}, headers=headers
    )
    assert unliked.json() == {"liked": False, "count": 0}


def test_visitors_must_sign_in_to_like_in_accounts_mode(site: Site, voting: dict[str, Any]) -> None:
    entry = voting["ids"][0]
    token = site.csrf(f"/entries/{entry}")
    response = site.client.post(
        f"/entries/{entry}/like", data={"csrf_token": token}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 401
    assert site.value("SELECT count(*) FROM likes") == 0


def test_author_cannot_like_own_photo(site: Site, voting: dict[str, Any]) -> None:
    site.sign_in("ann@uni.edu")
    entry = voting["ids"][0]
    assert "This is your photo." in site.client.get(f"/entries/{entry}").text
    response = site.post(f"/entries/{entry}/like", {}, form_page=f"/entries/{entry}")
    assert response.status_code == 403
    assert site.value("SELECT count(*) FROM likes") == 0


def test_hidden_counts_stay_hidden_until_results(
    site: Site, make_voting: Callable[..., dict[str, Any]]
) -> None:
    voting = make_voting(hide_counts=True)
    site.sign_in_as("participant", "fan@uni.edu")
    entry = voting["ids"][0]
    token = site.csrf(f"/entries/{entry}")
    answer = site.client.post(
        f"/entries/{entry}/like", data={"csrf_token": token}, headers={"Accept": "application/json"}
    )
    assert answer.json() == {"liked": True, "count": None}
    assert "counts hidden until results" in site.client.get(f"/entries/{entry}").text


def test_views_count_once_per_visitor_per_day_and_skip_bots(
    site: Site, voting: dict[str, Any]
) -> None:
    entry = voting["ids"][0]
    browser = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1"}
    site.client.get(f"/entries/{entry}?src=whatsapp", headers=browser)
    site.client.get(f"/entries/{entry}", headers=browser)
    site.client.get(f"/entries/{entry}", headers={"User-Agent": "facebookexternalhit/1.1"})
    site.client.get(f"/entries/{entry}", headers={"User-Agent": "Googlebot/2.1"})
    assert site.rows("SELECT source FROM entry_views") == [{"source": "whatsapp"}]
    site.clock.advance(days=1)
    site.client.get(f"/entries/{entry}", headers=browser)
    assert site.value("SELECT count(*) FROM entry_views") == 2


def test_browsers_behind_one_address_each_count_a_view_bots_and_organizers_do_not(
    site: Site, voting: dict[str, Any]
) -> None:
    entry = voting["ids"][0]
    page = f"/entries/{entry}"
    phone = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Safari/604.1"}
    # Thirty phones of one model on the campus network arrive from a shared link: each first
    # visit counts under the id the page hands out, and a second look the same day does not.
    for _ in range(30):
        site.client.cookies.clear()
        assert site.client.get(f"{page}?src=facebook", headers=phone).status_code == 200
        assert site.client.get(page, headers=phone).status_code == 200
    assert site.value("SELECT count(*) FROM entry_views") == 30
    assert site.value("SELECT count(*) FROM entry_arrivals WHERE channel = 'facebook'") == 30
    site.client.cookies.clear()
    site.client.get(page, headers={"User-Agent": "Mozilla/5.0 (compatible; bingbot/2.0)"})
    site.client.cookies.clear()
    site.sign_in_as("organizer", "org@uni.edu")
    site.client.get(f"{page}?src=whatsapp", headers=phone)
    site.client.cookies.delete(SESSION_COOKIE)  # signed out, on the same browser
    assert "Sign in" in site.client.get(page, headers=phone).text
    assert site.value("SELECT count(*) FROM entry_views") == 30
    html = site.client.get(f"/entries/{voting['ids'][1]}", headers=phone).text
    assert "Library view 01" in html and site.value("SELECT count(*) FROM entry_views") == 30
    site.client.cookies.clear()
    site.sign_in_as("participant", "ann-friend@uni.edu")  # the public, signed in
    site.client.get(page, headers=phone)
    assert site.value("SELECT count(*) FROM entry_views") == 31


def test_a_browser_id_is_dated_by_the_apps_clock(site: Site) -> None:
    site.client.get("/")
    assert site.client.cookies[BROWSER_COOKIE].startswith(f"{site.clock():%Y%m%d}.")


def test_share_buttons_count_clicks_and_tag_the_link(site: Site, voting: dict[str, Any]) -> None:
    entry = voting["ids"][0]
    response = site.client.get(f"/entries/{entry}/share/whatsapp", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("https://wa.me/?text=")
    assert f"entries%2F{entry}%3Fsrc%3Dwhatsapp" in response.headers["location"]
    assert site.rows("SELECT network FROM share_clicks") == [{"network": "whatsapp"}]
    assert site.client.get(f"/entries/{entry}/share/myspace").status_code == 404


def test_pending_entries_have_no_public_page(site: Site, voting: dict[str, Any]) -> None:
    pending = add_photo(site, voting, "Waiting for the organizers", status="pending")
    assert site.client.get(f"/entries/{pending}").status_code == 404
    assert pending not in gallery_ids(site.client.get(f"/contests/{voting['slug']}/gallery").text)


def test_initials_when_the_participant_prefers(site: Site, voting: dict[str, Any]) -> None:
    entry = add_photo(site, voting, "Signed with initials", credit="initials")
    html = site.client.get(f"/entries/{entry}").text
    assert "Author revealed after judging" in html and "Ann Lee" not in html
    site.clock.advance(days=6)  # judging has closed: authors are named
    html = site.client.get(f"/entries/{entry}").text
    assert "by A.L." in html and "Ann Lee" not in html


def test_judges_never_learn_authors_or_likes_from_public_pages(
    site: Site, voting: dict[str, Any]
) -> None:
    entry = voting["ids"][0]
    like_from_an_account(site, voting, entry)
    site.sign_in_as("judge", "judge@uni.edu")
    for path in (f"/entries/{entry}", f"/contests/{voting['slug']}/gallery", "/hashtags/nightowls"):
        html = site.client.get(path).text
        assert "Ann Lee" not in html and "1 like" not in html, path


def test_a_like_given_under_an_accounts_old_key_shows_as_liked_and_is_not_counted_twice(
    site: Site, voting: dict[str, Any]
) -> None:
    contest, entry = contest_of(site, voting), voting["ids"][0]
    fan_id = site.sign_in_as("participant", "fan@uni.edu")
    fan = site.user(fan_id)
    site.run(add_like, site.db, contest, entry, fan)  # stored as user:ID, as before mailboxes
    assert site.value("SELECT voter FROM likes") == f"user:{fan_id}"
    page = site.client.get(f"/entries/{entry}").text
    assert 'aria-pressed="true"' in page  # the page knows the like is theirs
    again = site.post(f"/entries/{entry}/like", {}, form_page=f"/entries/{entry}")
    assert again.status_code == 200
    assert site.value("SELECT count(*) FROM counted_likes") == 1
    assert site.value("SELECT voter FROM likes") == site.voter_key(fan_id)  # moved, once


def test_organizer_sees_a_burst_and_voids_it_with_a_reason(
    site: Site, make_voting: Callable[..., dict[str, Any]]
) -> None:
    voting = make_voting(voting_mode="device")
    contest, entry = contest_of(site, voting), voting["ids"][0]
    voters = [
        site.run(
            add_device_like,
            site.db,
            contest,
            entry,
            browser=f"burst-browser-{index}",
            address="203.0.113.9",
            now=site.clock() + timedelta(minutes=index % 10),
        )
        for index in range(20)
    ]
    site.sign_in_as("organizer", "org@uni.edu")
    page = f"/manage/contests/{voting['contest']}/likes"
    html = site.client.get(page).text
    assert "20 likes within 10 minutes" in html and "20 voters from one network address" in html
    assert "(a shared network)" not in html and html.count("203.0.113.9") == 20
    site.post("/manage/settings", {"shared_networks": "203.0.113.0/28"})
    assert html.count("203.0.113.9") == site.client.get(page).text.count(
        '203.0.113.9 <span class="hint">(a shared network)</span>'
    )
    chosen = [f"{entry}|{voter}" for voter in voters[:3]]
    refused = site.post(f"{page}/void", {"likes": chosen, "reason": ""}, form_page=page)
    assert refused.status_code == 400
    site.post(f"{page}/void", {"likes": chosen, "reason": "Scripted burst"}, form_page=page)
    assert site.value("SELECT count(*) FROM likes WHERE voided_at IS NOT NULL") == 3
    assert "Scripted burst" in site.client.get(page).text


def test_organizer_voids_a_whole_cluster_with_one_reason(
    site: Site, make_voting: Callable[..., dict[str, Any]]
) -> None:
    voting = make_voting(voting_mode="device")
    contest, entry = contest_of(site, voting), voting["ids"][0]
    for index in range(20):
        site.run(
            add_device_like,
            site.db,
            contest,
            entry,
            browser=f"cluster-browser-{index}",
            address="198.51.100.20",
            now=site.clock() + timedelta(minutes=index),
        )
    site.run(add_device_like, site.db, contest, entry, browser="a-student", address="10.1.1.1")
    site.sign_in_as("organizer", "org@uni.edu")
    page = f"/manage/contests/{voting['contest']}/likes"
    html = site.client.get(page).text
    assert "20 voters from one network address within an hour" in html
    assert "Void these 20 likes" in html
    # The cluster's form carries its likes as hidden fields, right after its reason.
    chosen = re.findall(r'name="likes" value="([^"]+)"', html.split("20 voters from one")[1])[:20]
    assert len(set(chosen)) == 20
    done = site.post(f"{page}/void", {"likes": chosen, "reason": "One script"}, form_page=page)
    assert done.status_code == 200
    assert site.value("SELECT count(*) FROM likes WHERE void_reason = 'One script'") == 20
    assert site.value("SELECT count(*) FROM counted_likes") == 1  # the student's stands


def test_refused_likes_are_listed_with_the_rule_that_refused_them(
    site: Site, make_voting: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from contest.voting import clicks
    from contest.voting.pace import DeviceLimits

    monkeypatch.setattr(clicks, "DEVICE_LIMITS", DeviceLimits(new_devices_per_minute=1))
    voting = make_voting(voting_mode="device")
    entry = voting["ids"][0]
    statuses = []
    for _ in range(3):
        site.client.cookies.clear()
        statuses.append(
            site.post(f"/entries/{entry}/like", {}, form_page=f"/entries/{entry}").status_code
        )
    assert statuses == [200, 429, 429]
    site.sign_in_as("organizer", "org@uni.edu")
    html = site.client.get(f"/manage/contests/{voting['contest']}/likes").text
    refused = html.split("<h2>Refused likes</h2>")[1]
    assert "too many new browsers from one network address within a minute" in refused
    assert "<td>2</td>" in refused


def test_email_voting_from_link_to_like(
    site: Site, make_voting: Callable[..., dict[str, Any]]
) -> None:
    voting = make_voting(voting_mode="email")
    entry = voting["ids"][0]
    assert "Get your voting link by email" in site.client.get(f"/entries/{entry}").text
    token = site.csrf(f"/entries/{entry}")
    response = site.client.post(
        f"/entries/{entry}/like", data={"csrf_token": token}, follow_redirects=False
    )
    assert response.headers["location"].endswith(
        f"/contests/{voting['slug']}/vote-by-email?entry={entry}"
    )
    form = f"/contests/{voting['slug']}/vote-by-email"
    refused = site.post(form, {"email": "me@mailinator.com"})
    assert refused.status_code == 400 and "throw-away" in refused.text
    sent = site.post(form, {"email": "Fan.Person+likes@gmail.com"})
    assert "Check your inbox" in sent.text
    [mail] = new_mail(site, voting)
    body = mail["body"]
    link = re.search(r"http://testserver(/vote/\S+)", body).group(1)
    assert site.client.get(link).status_code == 200  # a mail scanner opening it uses nothing
    confirmed = site.post(link, {}, follow_redirects=False)
    assert confirmed.status_code == 303
    assert site.client.get(link).status_code == 410  # single use
    site.post(f"/entries/{entry}/like", {}, form_page=f"/entries/{entry}")
    voters = [row["voter"] for row in site.rows("SELECT voter FROM likes")]
    assert len(voters) == 1 and voters[0].startswith("email:") and "fan" not in voters[0]
    site.client.cookies.clear()  # same mailbox, other spelling, other device: same voter
    site.post(form, {"email": "fanperson@googlemail.com"})
    link = re.search(
        r"http://testserver(/vote/\S+)",
        site.value("SELECT body FROM outbox ORDER BY id DESC LIMIT 1"),
    ).group(1)
    site.post(link, {})
    site.post(f"/entries/{entry}/like", {}, form_page=f"/entries/{entry}")
    assert site.value("SELECT count(*) FROM likes") == 1


def test_device_voting_needs_no_account(
    site: Site, make_voting: Callable[..., dict[str, Any]]
) -> None:
    voting = make_voting(voting_mode="device")
    entry = voting["ids"][0]
    site.post(f"/entries/{entry}/like", {}, form_page=f"/entries/{entry}")
    site.post(f"/entries/{entry}/like", {}, form_page=f"/entries/{entry}")
    assert site.value("SELECT count(*) FROM likes") == 1
    assert site.value("SELECT voter FROM likes").startswith("device:")


@pytest.mark.parametrize("query", ["page=²", "category=²", "page=-1", "sort=<script>"])
def test_odd_query_strings_never_break_the_gallery(
    site: Site, voting: dict[str, Any], query: str
) -> None:
    response = site.client.get(f"/contests/{voting['slug']}/gallery?{query}")
    assert response.status_code == 200 and "<script>" not in response.text.split("</head>")[1]


def test_own_photos_show_no_active_like_button_in_the_gallery(
    site: Site, voting: dict[str, Any]
) -> None:
    site.sign_in("ann@uni.edu")
    html = site.client.get(f"/contests/{voting['slug']}/gallery?sort=newest").text
    card = html.split(f'id="entry-{voting["ids"][-1]}"')[1].split("</li>")[0]
    assert " disabled" in card and "Your photo" in card


def test_organizer_reply_shows_under_the_photo_and_reaches_the_author(
    site: Site, voting: dict[str, Any]
) -> None:
    entry = voting["ids"][0]
    site.sign_in_as("organizer", "org@uni.edu")
    page = f"/entries/{entry}"
    empty = site.post(f"{page}/replies", {"body": "  "}, form_page=page)
    assert empty.status_code == 400
    site.post(
        f"{page}/replies", {"body": "Lovely light! Ask your friends to vote <3"}, form_page=page
    )
    mail = new_mail(site, voting)[0]
    assert mail["recipient"] == "ann@uni.edu" and "Lovely light!" in mail["body"]
    site.client.cookies.clear()
    html = site.client.get(page).text
    assert "Lovely light! Ask your friends to vote &lt;3" in html and "Post the reply" not in html
    site.sign_in_as("participant", "pat@uni.edu")
    refused = site.post(f"{page}/replies", {"body": "me too"}, form_page=page)
    assert refused.status_code == 403 and site.value("SELECT count(*) FROM replies") == 1


def test_judges_get_no_counts_from_the_like_endpoint(site: Site, voting: dict[str, Any]) -> None:
    entry = voting["ids"][0]
    site.sign_in_as("judge", "judge@uni.edu")
    token = site.csrf(f"/entries/{entry}")
    answer = site.client.post(
        f"/entries/{entry}/like",
        data={"csrf_token": token, "action": "unlike"},
        headers={"Accept": "application/json"},
    )
    assert answer.json() == {"liked": False, "count": None}


def _email_link(site: Site, slug: str, address: str) -> str:
    site.post(f"/contests/{slug}/vote-by-email", {"email": address})
    body = site.value("SELECT body FROM outbox ORDER BY id DESC LIMIT 1")
    return re.search(r"http://testserver(/vote/\S+)", body).group(1)


def test_in_email_mode_an_account_and_its_mailbox_are_one_voter(
    site: Site, make_voting: Callable[..., dict[str, Any]]
) -> None:
    voting = make_voting(voting_mode="email")
    entry = voting["ids"][0]
    site.sign_in_as("participant", "fan@uni.edu")
    site.post(f"/entries/{entry}/like", {}, form_page=f"/entries/{entry}")
    site.client.cookies.clear()
    site.post(_email_link(site, voting["slug"], "fan+again@uni.edu"), {})
    site.post(f"/entries/{entry}/like", {}, form_page=f"/entries/{entry}")
    assert site.value("SELECT count(*) FROM likes") == 1
    site.client.cookies.clear()  # the author, through an emailed link, on their own photo
    site.post(_email_link(site, voting["slug"], "ann@uni.edu"), {})
    refused = site.post(f"/entries/{entry}/like", {}, form_page=f"/entries/{entry}")
    assert refused.status_code == 403 and site.value("SELECT count(*) FROM likes") == 1


def test_voting_links_are_rationed_and_only_sent_while_voting_is_open(
    site: Site, make_voting: Callable[..., dict[str, Any]]
) -> None:
    voting = make_voting(voting_mode="email")
    form = f"/contests/{voting['slug']}/vote-by-email"
    for _ in range(3):
        assert site.post(form, {"email": "victim@uni.edu"}).status_code == 200
    assert site.post(form, {"email": "victim@uni.edu"}).status_code == 400
    site.clock.advance(days=30)
    assert site.post(form, {"email": "other@uni.edu"}).status_code == 400
    assert len(new_mail(site, voting)) == 3


def test_one_address_cannot_mint_endless_device_voters(
    site: Site, make_voting: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from contest.voting import clicks
    from contest.voting.pace import DeviceLimits

    monkeypatch.setattr(clicks, "DEVICE_LIMITS", DeviceLimits(new_devices_per_minute=3))
    voting = make_voting(voting_mode="device")
    statuses = []
    for entry in voting["ids"][:5]:
        site.client.cookies.clear()  # a fresh "browser" every time
        statuses.append(
            site.post(f"/entries/{entry}/like", {}, form_page=f"/entries/{entry}").status_code
        )
    assert statuses == [200, 200, 200, 429, 429]
    assert site.value("SELECT count(*) FROM likes") == 3


class TestACampusSharingOneAddress:
    @pytest.fixture
    def client_address(self) -> tuple[str, int]:
        return ("203.0.113.7", 50000)

    def test_is_not_limited_per_address_once_organizers_name_its_network(
        self,
        site: Site,
        make_voting: Callable[..., dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        from contest.voting import clicks
        from contest.voting.pace import DeviceLimits

        monkeypatch.setattr(clicks, "DEVICE_LIMITS", DeviceLimits(new_devices_per_minute=3))
        voting = make_voting(voting_mode="device")

        def likes_from_fresh_browsers(entries: list[int]) -> list[int]:
            statuses = []
            for entry in entries:
                site.client.cookies.clear()  # a fresh "browser" every time
                page = f"/entries/{entry}"
                statuses.append(site.post(f"{page}/like", {}, form_page=page).status_code)
            return statuses

        assert likes_from_fresh_browsers(voting["ids"][:4]) == [200, 200, 200, 429]
        site.sign_in_as("organizer")
        page = site.client.get("/manage/settings").text
        assert "reaches this site from 203.0.113.7 right now" in page
        saved = site.post("/manage/settings", {"shared_networks": "203.0.113.0/24"})
        assert saved.status_code == 200 and "Saved." in saved.text
        assert likes_from_fresh_browsers(voting["ids"][4:9]) == [200] * 5
        assert site.value("SELECT count(*) FROM likes WHERE address = '203.0.113.7'") == 8


def test_site_settings_refuse_a_bad_network_and_keep_what_was_typed(site: Site) -> None:
    site.sign_in_as("organizer")
    typed = {"signup_domains": "uni.edu", "shared_networks": "203.0.113.7\ncampus wifi"}
    refused = site.post("/manage/settings", typed)
    assert refused.status_code == 400
    assert "&#39;campus&#39; is not a network address" in refused.text
    assert "campus wifi</textarea>" in refused.text and "uni.edu</textarea>" in refused.text
    assert site.rows("SELECT * FROM settings WHERE key = 'shared_networks'") == []
    saved = site.post("/manage/settings", {**typed, "shared_networks": "203.0.113.7"})
    assert "Saved." in saved.text
    assert "203.0.113.7/32</textarea>" in site.client.get("/manage/settings").text


@pytest.mark.parametrize(
    "path", ["/entries/99999999999999999999999", "/entries/99999999999999999999999/card.jpg"]
)
def test_ids_too_large_for_the_database_are_404(
    site: Site, voting: dict[str, Any], path: str
) -> None:
    assert site.client.get(path).status_code == 404


def test_renaming_the_contest_redraws_share_cards_under_a_new_address(
    site: Site, voting: dict[str, Any]
) -> None:
    from contest.contests.form import settings_to_form

    entry = voting["ids"][0]
    before = meta(site.client.get(f"/entries/{entry}").text)["og:image"]
    first = site.client.get(before.removeprefix("http://testserver")).content
    old_key = site.value("SELECT share_card_key FROM entries WHERE id = ?", (entry,))
    site.sign_in_as("organizer", "org@uni.edu")
    form = settings_to_form(
        site.run(contest_store.get_contest, site.db, voting["contest"]).settings
    )
    data = {name: form.getlist(name) for name in form._values}
    edit = f"/manage/contests/{voting['contest']}/edit"
    site.post(edit, data | {"title": "Spring Light Renamed"}, follow_redirects=False)
    after = meta(site.client.get(f"/entries/{entry}").text)["og:image"]
    assert after != before
    assert site.client.get(after.removeprefix("http://testserver")).content != first
    assert not site.storage.exists(old_key)


def test_many_voters_from_one_browser_signature_are_flagged(
    site: Site, make_voting: Callable[..., dict[str, Any]]
) -> None:
    voting = make_voting(voting_mode="device")
    entry = voting["ids"][0]
    agent = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}
    for _ in range(5):
        site.client.cookies.clear()
        token = site.csrf(f"/entries/{entry}")
        site.client.post(f"/entries/{entry}/like", data={"csrf_token": token}, headers=agent)
    assert site.value("SELECT count(DISTINCT signature) FROM likes") == 1
    site.sign_in_as("organizer", "org@uni.edu")
    html = site.client.get(f"/manage/contests/{voting['contest']}/likes").text
    assert "5 voters with one browser signature on one address" in html


def test_organizers_count_shares_per_network_and_views_per_day(
    site: Site, voting: dict[str, Any]
) -> None:
    entry = voting["ids"][0]
    phone = {"User-Agent": "Mozilla/5.0 (iPhone) Safari/604.1"}
    site.client.get(f"/entries/{entry}/share/line", follow_redirects=False)
    site.client.get(f"/entries/{entry}/share/line", follow_redirects=False)
    site.client.get(f"/entries/{entry}?src=line", headers=phone)
    site.sign_in_as("organizer", "org@uni.edu")
    html = site.client.get(f"/manage/contests/{voting['contest']}/likes").text
    assert "<tr><td>LINE</td><td>2</td><td>1</td></tr>" in html
    assert "<tr><td>2 Mar</td><td>1</td></tr>" in html


def test_a_reply_can_invite_the_author_to_bring_friends_to_vote_while_voting_runs(
    site: Site, voting: dict[str, Any]
) -> None:
    entry = voting["ids"][0]
    page = f"/entries/{entry}"
    site.sign_in_as("organizer", "org@uni.edu")
    assert 'name="invite_friends" value="yes" checked' in site.client.get(page).text
    site.post(f"{page}/replies", {"body": "Lovely!", "invite_friends": "yes"}, form_page=page)
    site.post(f"{page}/replies", {"body": "Thanks again."}, form_page=page)
    invited, plain = new_mail(site, voting)
    closes = site.value("SELECT voting_close FROM contests")
    closing = from_db(closes)
    assert (
        f"People's Choice voting is open until {closing.day} {closing:%b} {closing.year}"
        in invited["body"]
    )
    assert f"sending them this link: http://testserver/entries/{entry}" in invited["body"]
    assert "People's Choice" not in plain["body"]
    shown = site.client.get(page).text
    assert (
        "Lovely!" in shown and "Invite your friends" not in shown
    )  # the page shows the reply only

    site.clock.advance(days=6)  # voting has closed
    assert 'name="invite_friends"' not in site.client.get(page).text
    refused = site.post(
        f"{page}/replies", {"body": "Late!", "invite_friends": "yes"}, form_page=page
    )
    assert refused.status_code == 400 and "voting has closed" in refused.text
    assert site.value("SELECT count(*) FROM replies") == 2


def test_no_invitation_to_vote_where_there_is_no_people_s_choice(
    site: Site, make_voting: Callable[..., dict[str, Any]]
) -> None:
    voting = make_voting(award_peoples_choice=False)
    entry = voting["ids"][0]
    page = f"/entries/{entry}"
    site.sign_in_as("organizer", "org@uni.edu")
    assert 'name="invite_friends"' not in site.client.get(page).text
    refused = site.post(f"{page}/replies", {"body": "Hi", "invite_friends": "yes"}, form_page=page)
    assert refused.status_code == 400 and "Choice award, or it is not published" in refused.text
    assert new_mail(site, voting) == []
