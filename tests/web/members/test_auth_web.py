import re
from pathlib import Path

from starlette.testclient import TestClient

from contest.accounts import sessions, users
from contest.accounts.throttle import SIGN_IN_LIMITS
from contest.app import create_app
from contest.config import Config
from contest.web.context import SESSION_COOKIE
from tests.conftest import PASSWORD, FakeClock, Site

PUNYCODE_READER = "reader@xn--fsqu00a.xn--fiqs8s"


def test_sign_in_sets_a_protected_session_cookie_and_greets_the_user(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu")
    response = site.post(
        "/sign-in", {"email": "pat@uni.edu", "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert "Pat Lee" in site.client.get("/").text
    assert site.value("SELECT count(*) FROM sessions") == 1


def test_wrong_password_and_unknown_email_look_exactly_the_same(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu")
    wrong = site.post("/sign-in", {"email": "pat@uni.edu", "password": "wrong password"})
    unknown = site.post("/sign-in", {"email": "ghost@uni.edu", "password": "wrong password"})
    assert wrong.status_code == unknown.status_code == 400
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731
    assert strip(wrong.text) == strip(unknown.text)
    assert "don&#39;t match an account" in wrong.text
    assert site.value("SELECT count(*) FROM sessions") == 0


def test_typed_email_is_kept_after_a_failed_sign_in(site: Site) -> None:
    response = site.post("/sign-in", {"email": "typo@uni.edu", "password": "x"})
    assert 'value="typo@uni.edu"' in response.text


def test_rate_limit_answers_429_with_a_retry_time(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu")
    for _ in range(SIGN_IN_LIMITS.per_account):
        site.post("/sign-in", {"email": "pat@uni.edu", "password": "wrong password"})
    response = site.post("/sign-in", {"email": "pat@uni.edu", "password": PASSWORD})
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) == 900
    assert "wait 15 minutes" in response.text
    site.clock.advance(minutes=16)
    site.sign_in("pat@uni.edu")


def test_disabled_account_is_refused(site: Site) -> None:
    user_id = site.add_user("participant", "pat@uni.edu")
    organizer = site.add_user("organizer", "org@uni.edu")
    site.run(
        users.set_disabled,
        site.db,
        user_id=user_id,
        disabled=True,
        acting_user_id=organizer,
        now=site.clock(),
    )
    response = site.post("/sign-in", {"email": "pat@uni.edu", "password": PASSWORD})
    assert response.status_code == 400 and "disabled" in response.text


def test_revoked_session_is_signed_out_on_the_next_request(site: Site) -> None:
    organizer = site.sign_in_as("organizer")
    assert site.client.get("/manage").status_code == 200
    site.run(sessions.end_all_sessions, site.db, user_id=organizer)  # not through this browser
    response = site.client.get("/manage", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/sign-in?next=%2Fmanage")


def test_session_token_changes_at_each_sign_in(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu")
    site.sign_in("pat@uni.edu")
    first = site.client.cookies[SESSION_COOKIE]
    site.sign_in("pat@uni.edu")
    assert site.client.cookies[SESSION_COOKIE] != first
    assert site.value("SELECT count(*) FROM sessions") == 1


def test_sign_out_ends_the_session(site: Site) -> None:
    site.sign_in_as("participant")
    response = site.post("/sign-out", {}, form_page="/", follow_redirects=False)
    assert response.status_code == 303
    assert site.value("SELECT count(*) FROM sessions") == 0


def test_cross_site_post_is_refused_even_with_a_valid_token(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu")
    token = site.csrf("/sign-in")
    data = {"email": "pat@uni.edu", "password": PASSWORD, "csrf_token": token}
    for headers in (
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
    ):
        response = site.client.post("/sign-in", data=data, headers=headers)
        assert response.status_code == 403, headers
        assert "another site" in response.text
    assert site.value("SELECT count(*) FROM sessions") == 0
    same = site.client.post(
        "/sign-in", data=data, headers={"Origin": "http://testserver"}, follow_redirects=False
    )
    assert same.status_code == 303


def test_post_without_the_form_token_is_refused(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu")
    site.client.get("/sign-in")
    response = site.client.post("/sign-in", data={"email": "pat@uni.edu", "password": PASSWORD})
    assert response.status_code == 400
    assert "expired or came from another site" in response.text
    assert site.value("SELECT count(*) FROM sessions") == 0


def test_sign_up_creates_an_unconfirmed_participant_who_confirms_by_the_mailed_link(
    site: Site,
) -> None:
    response = site.post(
        "/sign-up",
        {
            "display_name": "Ann Wong",
            "email": "Ann@Uni.edu",
            "affiliation": "student",
            "department": "civl",
            "password": "a good password",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith("/sign-up/check-email")
    assert "Check your email" in site.client.get(response.headers["location"]).text
    rows = site.rows(
        "SELECT email, role, affiliation, department, mailbox, email_verified_at FROM users"
    )
    assert rows == [
        {
            "email": "ann@uni.edu",
            "role": "participant",
            "affiliation": "student",
            "department": "CIVL",
            "mailbox": "ann@uni.edu",
            "email_verified_at": None,
        }
    ]
    assert "Ann Wong" not in site.client.get("/").text  # not signed in until they sign in
    body = site.value("SELECT body FROM outbox WHERE recipient = 'ann@uni.edu'")
    link = re.search(r"http://testserver(/confirm-email/\S+)", body)
    assert link is not None
    assert site.value("SELECT private FROM outbox WHERE recipient = 'ann@uni.edu'") == 1

    confirmed = site.client.get(link[1])
    assert confirmed.status_code == 200 and "Your address is confirmed" in confirmed.text
    assert site.value("SELECT email_verified_at FROM users") is not None
    forged = site.client.get(link[1][:-4] + "0000")
    assert forged.status_code == 410 and "not valid any more" in forged.text


def test_an_unconfirmed_account_can_ask_for_the_link_again(site: Site) -> None:
    site.post(
        "/sign-up",
        {
            "display_name": "Ann Wong",
            "email": "ann@uni.edu",
            "affiliation": "student",
            "password": "a good password",
        },
    )
    site.sign_in("ann@uni.edu", "a good password")
    page = site.client.get("/account").text
    assert "not confirmed yet" in page and "Send the link again" in page
    again = site.post("/account/confirm-email", {}, form_page="/account", follow_redirects=False)
    assert again.status_code == 303
    assert site.value("SELECT count(*) FROM outbox WHERE recipient = 'ann@uni.edu'") == 2


def test_sign_up_errors_keep_what_was_typed(site: Site) -> None:
    response = site.post(
        "/sign-up",
        {"display_name": "Ann Wong", "email": "ann@", "affiliation": "student", "password": "x"},
    )
    assert response.status_code == 400
    assert 'value="Ann Wong"' in response.text and 'value="ann@"' in response.text
    assert "Enter an email address" in response.text and "at least 10 characters" in response.text
    assert site.value("SELECT count(*) FROM users") == 0


def test_password_reset_through_the_outbox_link(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu")
    asked = site.post("/password/forgot", {"email": "pat@uni.edu"})
    unknown = site.post("/password/forgot", {"email": "nobody@uni.edu"})
    assert asked.status_code == unknown.status_code == 200
    assert (
        "If an account uses that address" in asked.text
        and "If an account uses that address" in unknown.text
    )
    body = site.value("SELECT body FROM outbox")
    link = re.search(r"http://testserver(/password/reset/\S+)", body).group(1)
    response = site.post(link, {"password": "brand new password"}, follow_redirects=False)
    assert response.status_code == 303
    assert site.client.get(link).status_code == 410
    site.sign_in("pat@uni.edu", "brand new password")


def test_after_sign_in_only_local_next_pages_are_followed(site: Site) -> None:
    site.add_user("organizer", "org@uni.edu")
    token = site.csrf("/sign-in")
    response = site.client.post(
        "/sign-in",
        data={
            "email": "org@uni.edu",
            "password": PASSWORD,
            "next": "//evil.example/x",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "http://testserver/manage"


def test_sign_out_everywhere_ends_every_session_of_the_user(site: Site) -> None:
    pat = site.add_user("participant", "pat@uni.edu")
    site.add_user("participant", "other@uni.edu")
    site.sign_in("other@uni.edu")
    other_cookie = site.client.cookies[SESSION_COOKIE]
    site.client.cookies.clear()
    site.sign_in("pat@uni.edu")
    site.run(sessions.start_session, site.db, user_id=pat, now=site.clock())  # Pat's phone
    response = site.post("/account/sign-out-everywhere", {}, form_page="/account")
    assert response.status_code == 200 and "Sign in" in response.text
    remaining = site.rows("SELECT users.email FROM sessions JOIN users ON users.id = user_id")
    assert remaining == [{"email": "other@uni.edu"}]
    assert other_cookie


def test_cookies_are_secure_when_the_site_is_served_over_https(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path, base_url="https://testserver", secret_key="k" * 32)
    app = create_app(config, fast_passwords=True)
    with TestClient(app, base_url="https://testserver") as client:
        site = Site(client, FakeClock(), config)
        site.add_user("participant", "pat@uni.edu")
        response = site.post(
            "/sign-in", {"email": "pat@uni.edu", "password": PASSWORD}, follow_redirects=False
        )
    session_cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
    )
    assert "Secure" in session_cookie
    assert "max-age=31536000" in response.headers["strict-transport-security"]


def test_mailed_links_use_the_public_address_not_the_host_asked_for(tmp_path: Path) -> None:
    config = Config(
        data_dir=tmp_path,
        base_url="https://photos.uni.edu",
        secret_key="test-secret-key",
        allowed_hosts=("photos.uni.edu", "internal.lan"),
    )
    with TestClient(create_app(config, fast_passwords=True), base_url="https://internal.lan") as c:
        site = Site(c, FakeClock(), config)
        site.add_user("participant", "pat@uni.edu")
        site.post("/password/forgot", {"email": "pat@uni.edu"})
        body = site.value("SELECT body FROM outbox")
    assert "https://photos.uni.edu/password/reset/" in body and "internal.lan" not in body


def test_asking_for_the_link_again_needs_a_signed_in_unconfirmed_account_and_a_token(
    site: Site,
) -> None:
    token = site.csrf("/sign-in")
    signed_out = site.client.post("/account/confirm-email", data={"csrf_token": token})
    assert signed_out.status_code in (401, 303)
    site.sign_in_as("participant", "pat@uni.edu")  # made by an organizer: already confirmed
    forged = site.client.post("/account/confirm-email", data={"csrf_token": "forged"})
    assert forged.status_code == 400
    confirmed = site.post("/account/confirm-email", {}, form_page="/account")
    assert confirmed.status_code == 409 and "already confirmed" in confirmed.text
    assert site.value("SELECT count(*) FROM outbox") == 0


def test_sign_up_with_a_chinese_domain_stores_it_readable_and_signs_in_either_way(
    site: Site,
) -> None:
    fields = {"display_name": "陳小明", "affiliation": "student", "password": "a good password"}
    response = site.post("/sign-up", fields | {"email": "Reader@例子.中国"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/sign-up/check-email")
    assert site.rows("SELECT email, display_name, mailbox FROM users") == [
        {"email": "reader@例子.中国", "display_name": "陳小明", "mailbox": PUNYCODE_READER}
    ]
    assert site.value("SELECT count(*) FROM outbox WHERE recipient = 'reader@例子.中国'") == 1
    again = site.post("/sign-up", fields | {"email": PUNYCODE_READER}, follow_redirects=False)
    assert again.status_code == 303  # answered alike, but no second account
    assert site.value("SELECT count(*) FROM users") == 1
    site.sign_in(PUNYCODE_READER, "a good password")
    assert "陳小明" in site.client.get("/").text


def test_a_mistyped_chinese_address_is_explained_and_kept(site: Site) -> None:
    response = site.post(
        "/sign-up",
        {
            "display_name": "陳小明",
            "email": "reader@例子..中国",
            "affiliation": "student",
            "password": "a good password",
        },
    )
    assert response.status_code == 400
    assert "Enter an email address such as name@university.edu." in response.text
    assert 'value="reader@例子..中国"' in response.text and 'value="陳小明"' in response.text
    assert site.value("SELECT count(*) FROM users") == 0
