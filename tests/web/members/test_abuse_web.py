"""Abuse of the ways in: locking out an owner, flooding resets, probing sign-up for accounts."""

import re
from pathlib import Path

from starlette.testclient import TestClient

from contest.accounts.throttle import SIGN_IN_LIMITS
from contest.app import create_app
from contest.config import Config
from contest.web.context import SESSION_COOKIE
from tests.conftest import PASSWORD, FakeClock, Site

DEVICE_COOKIE = "contest_device"
WRONG = "wrong password!"
GOOD_PASSWORD = "a good password"


def attack(site: Site, email: str, times: int) -> list[int]:
    """Wrong passwords for ``email`` from a browser that never signed in; the statuses."""
    site.client.cookies.clear()
    return [
        site.post("/sign-in", {"email": email, "password": WRONG}).status_code for _ in range(times)
    ]


def owner_browser(site: Site, email: str) -> dict[str, str]:
    """Sign in once (the browser becomes known), sign out; the browser's cookies."""
    site.sign_in(email)
    site.post("/sign-out", {}, form_page="/")
    assert SESSION_COOKIE not in site.client.cookies
    return dict(site.client.cookies)


def mails_to(site: Site, recipient: str) -> list[dict[str, str]]:
    return site.rows(
        "SELECT subject, body FROM outbox WHERE recipient = ? ORDER BY id", (recipient,)
    )


# --- 13. Locking out a named organizer or judge -------------------------------------------


def test_failures_elsewhere_do_not_lock_the_owner_out_of_a_browser_they_used_before(
    site: Site,
) -> None:
    site.add_user("organizer", "org@uni.edu")
    cookies = owner_browser(site, "org@uni.edu")
    assert attack(site, "org@uni.edu", SIGN_IN_LIMITS.per_account + 3)[-1] == 429
    # Even the right password is refused from an unknown browser while the account is locked.
    right = site.post("/sign-in", {"email": "org@uni.edu", "password": PASSWORD})
    assert right.status_code == 429
    site.client.cookies.clear()
    site.client.cookies.update(cookies)
    site.sign_in("org@uni.edu")
    assert site.client.get("/manage").status_code == 200


def test_the_known_device_cookie_is_protected_and_bound_to_its_account(site: Site) -> None:
    site.add_user("judge", "judge@uni.edu")
    site.add_user("organizer", "org@uni.edu")
    response = site.post(
        "/sign-in", {"email": "judge@uni.edu", "password": PASSWORD}, follow_redirects=False
    )
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(DEVICE_COOKIE + "=")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    max_age = int(re.search(r"Max-Age=(\d+)", cookie, re.IGNORECASE).group(1))  # type: ignore[union-attr]
    assert max_age >= 90 * 24 * 3600
    judge_cookies = dict(site.client.cookies)
    attack(site, "org@uni.edu", SIGN_IN_LIMITS.per_account)
    # The judge's browser is known for the judge only: the organizer stays locked there.
    site.client.cookies.update(judge_cookies)
    refused = site.post("/sign-in", {"email": "org@uni.edu", "password": PASSWORD})
    assert refused.status_code == 429
    # A forged or altered cookie is no better than none.
    site.client.cookies.clear()
    site.client.cookies.set(DEVICE_COOKIE, judge_cookies[DEVICE_COOKIE] + "x")
    assert site.post("/sign-in", {"email": "org@uni.edu", "password": PASSWORD}).status_code == 429


def test_the_known_device_cookie_is_secure_over_https(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path, base_url="https://testserver", secret_key="k" * 32)
    with TestClient(create_app(config, fast_passwords=True), base_url="https://testserver") as c:
        site = Site(c, FakeClock(), config)
        site.add_user("participant", "pat@uni.edu")
        response = site.post(
            "/sign-in", {"email": "pat@uni.edu", "password": PASSWORD}, follow_redirects=False
        )
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(DEVICE_COOKIE + "=")
    )
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_a_known_browser_gets_its_own_small_budget_of_guesses(site: Site) -> None:
    site.add_user("organizer", "org@uni.edu")
    cookies = owner_browser(site, "org@uni.edu")
    site.client.cookies.update(cookies)
    statuses = [
        site.post("/sign-in", {"email": "org@uni.edu", "password": WRONG}).status_code
        for _ in range(SIGN_IN_LIMITS.per_account + 1)
    ]
    assert statuses[-1] == 429  # a stolen device cookie is no licence to guess
    assert 429 not in statuses[:-1]


def test_a_lockout_mails_the_owner_once_per_window(site: Site) -> None:
    site.add_user("organizer", "org@uni.edu")
    attack(site, "org@uni.edu", SIGN_IN_LIMITS.per_account + 5)
    mails = mails_to(site, "org@uni.edu")
    assert len(mails) == 1
    assert "password" in mails[0]["body"] and "usual browser" in mails[0]["body"]
    site.clock.advance(minutes=5)
    attack(site, "org@uni.edu", 3)
    assert len(mails_to(site, "org@uni.edu")) == 1
    site.clock.advance(seconds=SIGN_IN_LIMITS.window.total_seconds() + 1)
    attack(site, "org@uni.edu", SIGN_IN_LIMITS.per_account + 1)
    assert len(mails_to(site, "org@uni.edu")) == 2


def test_a_locked_unknown_address_looks_like_a_locked_account_and_mails_nobody(
    site: Site,
) -> None:
    site.add_user("organizer", "org@uni.edu")
    known = attack(site, "org@uni.edu", SIGN_IN_LIMITS.per_account + 1)
    unknown = attack(site, "ghost@uni.edu", SIGN_IN_LIMITS.per_account + 1)
    assert known == unknown
    assert site.value("SELECT count(*) FROM outbox WHERE recipient = 'ghost@uni.edu'") == 0


# --- 14. Password reset floods -------------------------------------------------------------


def test_reset_requests_for_one_mailbox_are_limited_and_answered_alike(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu")
    pages = [site.post("/password/forgot", {"email": "pat@uni.edu"}) for _ in range(20)]
    assert {page.status_code for page in pages} == {200}
    assert all("If an account uses that address" in page.text for page in pages)
    assert len(mails_to(site, "pat@uni.edu")) == 3
    # Aliases of the same mailbox share its budget.
    site.post("/password/forgot", {"email": "Pat+again@uni.edu"})
    assert site.value("SELECT count(*) FROM outbox") == 3
    site.clock.advance(hours=1, seconds=1)
    site.post("/password/forgot", {"email": "pat@uni.edu"})
    assert len(mails_to(site, "pat@uni.edu")) == 4


def test_reset_requests_from_one_address_are_limited_with_a_retry_time(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu")
    for index in range(20):
        page = site.post("/password/forgot", {"email": f"someone{index}@uni.edu"})
        assert page.status_code == 200
    limited = site.post("/password/forgot", {"email": "pat@uni.edu"})
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) == 3600
    assert site.value("SELECT count(*) FROM outbox") == 0


# --- 17. Sign-up must not tell whether an address has an account --------------------------


def sign_up_form(email: str, password: str = GOOD_PASSWORD) -> dict[str, str]:
    return {
        "display_name": "Ann Wong",
        "email": email,
        "affiliation": "student",
        "department": "civl",
        "password": password,
    }


def test_sign_up_with_a_taken_address_answers_like_a_new_one_and_mails_the_owner(
    site: Site,
) -> None:
    site.add_user("organizer", "org@uni.edu", name="Olga Organizer")
    new = site.post("/sign-up", sign_up_form("ann@uni.edu"), follow_redirects=False)
    assert SESSION_COOKIE not in site.client.cookies  # a new account is not signed in either
    site.client.cookies.clear()
    taken = site.post("/sign-up", sign_up_form("Org@Uni.edu"), follow_redirects=False)
    assert new.status_code == taken.status_code == 303
    assert new.headers["location"] == taken.headers["location"]
    assert taken.text == new.text
    assert "already" not in taken.text
    # No second account, the owner keeps theirs, and the visitor is not signed in as them.
    assert site.value("SELECT count(*) FROM users WHERE email = 'org@uni.edu'") == 1
    assert site.value("SELECT role FROM users WHERE email = 'org@uni.edu'") == "organizer"
    assert SESSION_COOKIE not in site.client.cookies
    (mail,) = mails_to(site, "org@uni.edu")
    assert "sign up" in mail["body"] and "reset your password" in mail["body"]
    assert "http://testserver/sign-in" in mail["body"]


def test_sign_up_form_errors_look_the_same_for_a_taken_address(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu")
    taken = site.post("/sign-up", sign_up_form("pat@uni.edu", password="short"))
    new = site.post("/sign-up", sign_up_form("newbie@uni.edu", password="short"))
    assert taken.status_code == new.status_code == 400
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731
    assert strip(taken.text) == strip(new.text)
    assert site.value("SELECT count(*) FROM outbox") == 0


def test_repeated_sign_ups_with_a_taken_address_mail_the_owner_once_an_hour(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu")
    for _ in range(5):
        site.client.cookies.clear()
        site.post("/sign-up", sign_up_form("pat@uni.edu"), follow_redirects=False)
    assert len(mails_to(site, "pat@uni.edu")) == 1
    site.clock.advance(hours=1, seconds=1)
    site.post("/sign-up", sign_up_form("pat@uni.edu"), follow_redirects=False)
    assert len(mails_to(site, "pat@uni.edu")) == 2
