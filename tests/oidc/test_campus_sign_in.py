"""Campus sign-in against the real OpenID provider on localhost: a student and a staff member
sign in (accounts made or linked, affiliation and department taken from the claims), and every
way a sign-in can go wrong shows a clear page, creates nothing and signs nobody in."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx2 as httpx
from starlette.testclient import TestClient

from contest.accounts.campus.providers import Provider
from contest.accounts.departments import add_department
from contest.app import create_app
from contest.config import Config
from contest.contests.form import settings_to_form
from contest.contests.phases import Phase
from contest.contests.store import get_contest
from tests.conftest import FakeClock, Site
from tests.factories import add_account, add_contest, add_entry, add_like
from tests.oidc.campus_pages import BASE, come_back, sign_in_as, start
from tests.oidc.provider import OidcProvider, form_of, sign_in_at_provider


def test_the_sign_in_page_offers_the_campus_button(site: Site) -> None:
    page = site.client.get("/sign-in")
    assert "Sign in with Campus account" in page.text
    assert '/sign-in/campus/campus"' in page.text


def test_a_student_signs_in_and_gets_an_account_with_the_campus_claims(
    site: Site, browser: httpx.Client, oidc_provider: OidcProvider
) -> None:
    authorize = start(site, "/my/entries")
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(oidc_provider.issuer)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    assert "campus" in query["scope"][0].split()

    back = come_back(site, sign_in_at_provider(browser, authorize, "student"))

    assert back.status_code == 303 and back.headers["location"].endswith("/my/entries")
    [user] = site.rows("SELECT * FROM users WHERE email = 'student@campus.example'")
    assert (user["display_name"], user["role"], user["affiliation"]) == (
        "Mei Lin",
        "participant",
        "student",
    )
    assert user["department"] == "HISTORY" and user["email_verified_at"] is not None
    [link] = site.rows("SELECT * FROM campus_identities")
    assert (link["issuer"], link["subject"], link["user_id"]) == (
        oidc_provider.issuer,
        "u-1001",
        user["id"],
    )
    assert site.value("SELECT count(*) FROM campus_logins") == 0  # used up
    account = site.client.get("/account")
    assert account.status_code == 200 and "student@campus.example" in account.text


def test_a_staff_member_with_an_account_is_linked_to_it_and_keeps_their_role(
    site: Site, browser: httpx.Client
) -> None:
    existing = site.add_user("judge", "staff@campus.example", name="T. Ward", affiliation="other")

    back = sign_in_as(site, browser, "staff")

    assert back.status_code == 303 and back.headers["location"].endswith("/judging")
    [user] = site.rows("SELECT * FROM users WHERE email = 'staff@campus.example'")
    assert (user["id"], user["role"], user["affiliation"]) == (existing, "judge", "staff")
    assert user["department"] == "LIBRARY"
    assert site.value("SELECT user_id FROM campus_identities") == existing
    # Signing in again finds the link, not the address.
    site.client.cookies.delete("contest_session")
    again = sign_in_as(site, browser, "staff")
    assert again.status_code == 303
    assert site.value("SELECT count(*) FROM users") == 1


def test_an_unverified_email_creates_and_links_nothing(site: Site, browser: httpx.Client) -> None:
    existing = site.add_user("participant", "unverified@campus.example")

    refused = sign_in_as(site, browser, "unverified")

    assert refused.status_code == 400
    assert "has not verified your email address" in refused.text
    assert site.value("SELECT count(*) FROM campus_identities") == 0
    assert [row["id"] for row in site.rows("SELECT id FROM users")] == [existing]
    assert site.client.get("/account", follow_redirects=False).status_code in (302, 303, 401)


def test_a_callback_used_twice_or_in_another_browser_signs_nobody_in(
    site: Site, browser: httpx.Client, config: Config, clock: FakeClock
) -> None:
    callback = sign_in_at_provider(browser, start(site), "student")
    cookie = site.client.cookies.get("contest_campus")
    assert cookie

    # Another browser (no cookie of this sign-in) comes back with the same answer.
    app = create_app(config, clock=clock, fast_passwords=True)
    with TestClient(app, base_url=BASE) as other:
        parts = urlsplit(callback)
        stolen = other.get(f"{parts.path}?{parts.query}", follow_redirects=False)
    assert stolen.status_code == 400 and "not one this browser started" in stolen.text
    assert site.value("SELECT count(*) FROM users") == 0

    # The state is used up even so: the right browser coming back later is refused too.
    late = come_back(site, callback)
    assert late.status_code == 400 and site.value("SELECT count(*) FROM users") == 0


def test_a_replayed_code_is_refused(site: Site, browser: httpx.Client) -> None:
    first = sign_in_at_provider(browser, start(site), "student")
    assert come_back(site, first).status_code == 303
    old_code = parse_qs(urlsplit(first).query)["code"][0]
    site.client.cookies.delete("contest_session")

    # A new sign-in in the same browser, answered with the old code.
    second = sign_in_at_provider(browser, start(site), "student")
    query = parse_qs(urlsplit(second).query)
    replay = site.client.get(
        "/sign-in/campus/callback",
        params={"code": old_code, "state": query["state"][0], "iss": query["iss"][0]},
        follow_redirects=False,
    )
    assert replay.status_code == 400 and "already used or has expired" in replay.text
    assert "contest_session" not in replay.cookies


def test_a_cancelled_sign_in_and_a_wrong_issuer_are_refused(
    site: Site, browser: httpx.Client
) -> None:
    sign_in_at_provider(browser, start(site), "student")  # a sign-in under way
    [state_hash] = [row["state_hash"] for row in site.rows("SELECT state_hash FROM campus_logins")]
    assert state_hash
    authorize = start(site)
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    cancelled = site.client.get(
        "/sign-in/campus/callback",
        params={"error": "access_denied", "state": state},
        follow_redirects=False,
    )
    assert cancelled.status_code == 400 and "cancelled" in cancelled.text

    authorize = start(site)
    callback = sign_in_at_provider(browser, authorize, "student")
    query = parse_qs(urlsplit(callback).query)
    mixed_up = site.client.get(
        "/sign-in/campus/callback",
        params={
            "code": query["code"][0],
            "state": query["state"][0],
            "iss": "https://evil.example",
        },
        follow_redirects=False,
    )
    assert mixed_up.status_code == 400
    assert site.value("SELECT count(*) FROM users") == 0


def test_a_provider_that_is_down_gets_a_clear_page(
    tmp_path: Path, database_url: str | None, clock: FakeClock
) -> None:
    down = Provider("campus", "Campus", "http://127.0.0.1:9", "photo-contest", "secret")
    config = Config(
        data_dir=tmp_path,
        database_url=database_url,
        base_url=BASE,
        secret_key="test-secret-key",
        draw_cards_ahead=False,
        campus_providers=(down,),
    )
    with TestClient(create_app(config, clock=clock, fast_passwords=True), base_url=BASE) as client:
        site = Site(client, clock, config)
        pressed = site.post("/sign-in/campus/campus", {"next": ""}, form_page="/sign-in")
        assert pressed.status_code == 503
        assert "campus sign-in service does not answer" in pressed.text
        assert site.value("SELECT count(*) FROM campus_logins") == 0
        unknown = site.post("/sign-in/campus/nowhere", {"next": ""}, form_page="/sign-in")
        assert unknown.status_code == 404


def test_a_contest_asking_for_campus_sign_in_takes_entries_and_likes_only_from_campus_accounts(
    site: Site, browser: httpx.Client, clock: FakeClock
) -> None:
    """Mei has a password account; the contests ask for campus sign-in. Signed in with her
    password she can neither enter nor like; once she signs in through the campus (the same
    account, now linked), she can do both, and her like counts as a verified voter's."""

    async def contests() -> tuple[str, int]:
        entering = await add_contest(
            site.db, Phase.SUBMISSIONS, now=clock(), campus_sign_in_for="entering",
            title="Campus entries",
        )  # fmt: skip
        voting = await add_contest(
            site.db, Phase.VOTING, now=clock(), campus_sign_in_for="voting", title="Campus likes"
        )
        author = await add_account(site.db, site.passwords, email="ann@uni.edu", now=clock())
        organizer = await add_account(
            site.db, site.passwords, email="org@uni.edu", role="organizer", now=clock()
        )
        photo = await add_entry(
            site.db, site.storage, voting, author, moderator=organizer, now=clock()
        )
        return entering.slug, photo

    slug, photo = site.run(contests)
    mei = site.add_user("participant", "student@campus.example", name="Mei")
    site.sign_in("student@campus.example")

    form = site.client.get(f"/contests/{slug}/enter")
    assert "asks entrants to sign in with their campus account" in form.text
    liked = site.post(
        f"/entries/{photo}/like", {"action": "like"}, form_page=f"/entries/{photo}",
        follow_redirects=False,
    )  # fmt: skip
    assert liked.status_code == 303 and "/sign-in?next=" in liked.headers["location"]
    assert site.value("SELECT count(*) FROM likes") == 0

    assert sign_in_as(site, browser, "student", f"/entries/{photo}").status_code == 303
    assert site.value("SELECT user_id FROM campus_identities") == mei
    form = site.client.get(f"/contests/{slug}/enter")
    assert "asks entrants to sign in with their campus account" not in form.text
    liked = site.post(
        f"/entries/{photo}/like", {"action": "like"}, form_page=f"/entries/{photo}",
        follow_redirects=False,
    )  # fmt: skip
    assert liked.status_code == 303
    [like] = site.rows("SELECT user_id, kind FROM likes")
    assert (like["user_id"], like["kind"]) == (mei, "vote")


def test_an_organizer_asks_for_campus_sign_in_only_where_it_is_set_up(site: Site) -> None:
    site.add_user("organizer", "org@uni.edu")
    site.sign_in("org@uni.edu")
    contest = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock())
    path = f"/manage/contests/{contest.id}/edit"
    fields = settings_to_form(contest.settings).as_dict() | {"campus_sign_in_for": "both"}
    saved = site.post(path, fields, form_page=path, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert site.value("SELECT campus_sign_in_for FROM contests") == "both"
    assert "Campus sign-in required" in site.client.get(path).text


def test_signing_out_offers_to_sign_out_of_the_campus_too(
    site: Site, browser: httpx.Client
) -> None:
    assert sign_in_as(site, browser, "student").status_code == 303
    assert site.value("SELECT campus_provider FROM sessions") == "campus"

    out = site.post("/sign-out", {}, form_page="/account")
    assert out.status_code == 200 and "You are signed out" in out.text
    assert site.value("SELECT count(*) FROM sessions") == 0
    [address] = re.findall(
        r'<a class="button" href="([^"]+)">Sign out of Campus account too', out.text
    )
    address = unescape(address)
    query = parse_qs(urlsplit(address).query)
    assert query["client_id"] == ["photo-contest"]
    assert query["post_logout_redirect_uri"] == [f"{BASE}/signed-out"]

    page = browser.get(address)
    action, fields = form_of(page)
    done = browser.post(action, data={**fields, "logout": "yes"})
    while done.is_redirect and not done.headers["location"].startswith(BASE):
        done = browser.get(done.headers["location"])
    assert done.headers["location"].startswith(f"{BASE}/signed-out")
    back = come_back(site, done.headers["location"])
    assert back.status_code == 200 and "You are signed out" in back.text
    # Signed out at the campus too: the next campus sign-in asks for the password again.
    again = browser.get(start(site), follow_redirects=True)
    assert 'name="password"' in again.text


def test_signing_out_of_a_password_session_goes_home_as_before(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu")
    site.sign_in("pat@uni.edu")
    out = site.post("/sign-out", {}, form_page="/account", follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"].endswith("/")


def test_signed_in_with_a_password_the_campus_links_to_the_same_account(
    site: Site, browser: httpx.Client
) -> None:
    sam = site.add_user("participant", "sam@example.edu", name="Sam")
    site.sign_in("sam@example.edu")

    back = sign_in_as(site, browser, "student")

    assert back.status_code == 303
    assert site.value("SELECT user_id FROM campus_identities") == sam
    assert site.value("SELECT count(*) FROM users") == 1  # no second account made
    page = site.client.get(back.headers["location"])
    assert "your campus account is linked to this account" in page.text
    # sam@ was not the address the campus vouched for: it is not marked confirmed by it.
    assert site.value("SELECT email FROM users WHERE id = ?", (sam,)) == "sam@example.edu"


def test_a_campus_account_linked_elsewhere_says_it_changed_the_account(
    site: Site, browser: httpx.Client
) -> None:
    assert sign_in_as(site, browser, "student").status_code == 303  # makes Mei's account
    site.client.cookies.clear()
    site.add_user("participant", "sam@example.edu", name="Sam")
    site.sign_in("sam@example.edu")
    back = sign_in_as(site, browser, "student")
    page = site.client.get(back.headers["location"])
    assert "you are now signed in to that one" in page.text


def test_a_department_sent_by_name_is_matched_to_the_organizers_list(
    site: Site, browser: httpx.Client
) -> None:
    site.run(add_department, site.db, code="LIB", name="Library", actor_id=None, now=site.clock())
    assert sign_in_as(site, browser, "staff").status_code == 303
    assert site.value("SELECT department FROM users WHERE email = 'staff@campus.example'") == "LIB"


def test_campus_sign_in_for_liking_cannot_be_asked_once_likes_were_given(
    site: Site, clock: FakeClock
) -> None:
    async def voting_with_a_like() -> int:
        contest = await add_contest(site.db, Phase.VOTING, now=clock(), title="Liked already")
        author = await add_account(site.db, site.passwords, email="ann@uni.edu", now=clock())
        organizer = await add_account(
            site.db, site.passwords, email="org@uni.edu", role="organizer", now=clock()
        )
        photo = await add_entry(
            site.db, site.storage, contest, author, moderator=organizer, now=clock()
        )
        fan = await add_account(site.db, site.passwords, email="fan@uni.edu", now=clock())
        await add_like(site.db, contest, photo, fan, now=clock())
        return contest.id

    contest_id = site.run(voting_with_a_like)
    site.sign_in("org@uni.edu")
    path = f"/manage/contests/{contest_id}/edit"
    contest = site.run(get_contest, site.db, contest_id)
    fields = settings_to_form(contest.settings).as_dict() | {"campus_sign_in_for": "voting"}
    refused = site.post(path, fields, form_page=path)
    assert refused.status_code == 400
    assert "must be asked for before the first like: 1 like has been given" in refused.text
    assert site.value("SELECT campus_sign_in_for FROM contests") == ""
    entering = site.post(path, fields | {"campus_sign_in_for": "entering"}, form_page=path)
    assert entering.status_code in (200, 303)
    assert site.value("SELECT campus_sign_in_for FROM contests") == "entering"
