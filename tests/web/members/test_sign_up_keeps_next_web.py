"""Signing up from "Sign in to like" leads back to the photo once the address is confirmed."""

import re
from html import unescape

from tests.conftest import Site

LIKE_PAGE = "/entries/7?like=1"


def _sign_up(site: Site, next_page: str, email: str = "ann@uni.edu"):  # type: ignore[no-untyped-def]
    fields = {
        "display_name": "Ann Wong",
        "email": email,
        "affiliation": "student",
        "password": "a good password",
        "next": next_page,
    }
    return site.post("/sign-up", fields, follow_redirects=False)


def _mailed_link(site: Site, email: str = "ann@uni.edu") -> str:
    body = site.value("SELECT body FROM outbox WHERE recipient = ?", (email,))
    link = re.search(r"http://testserver(/confirm-email/\S+)", body)
    assert link is not None
    return str(link[1])


def test_the_sign_in_pages_sign_up_link_carries_the_page_to_return_to(site: Site) -> None:
    page = site.client.get("/sign-in", params={"next": LIKE_PAGE}).text
    assert '/sign-up?next=%2Fentries%2F7%3Flike%3D1"' in page
    assert "Create an account</a> (to enter a contest or like photos)" in page
    form = site.client.get("/sign-up", params={"next": LIKE_PAGE}).text
    assert f'name="next" value="{LIKE_PAGE}"' in unescape(form)


def test_the_confirmation_link_and_page_lead_back_to_liking_the_photo(site: Site) -> None:
    response = _sign_up(site, LIKE_PAGE)
    assert response.status_code == 303
    assert site.value("SELECT count(*) FROM users WHERE email = 'ann@uni.edu'") == 1
    link = _mailed_link(site)
    assert link.endswith("?next=%2Fentries%2F7%3Flike%3D1")
    confirmed = site.client.get(link)
    assert confirmed.status_code == 200
    assert site.value("SELECT email_verified_at FROM users") is not None
    assert "Sign in to like the photo" in confirmed.text
    assert '/sign-in?next=%2Fentries%2F7%3Flike%3D1"' in confirmed.text


def test_a_foreign_next_page_is_neither_mailed_nor_offered(site: Site) -> None:
    _sign_up(site, "//evil.example/x")
    link = _mailed_link(site)
    assert "next" not in link and "evil" not in link
    forged = site.client.get(link + "?next=//evil.example/x")
    # No link offers the foreign page (the language switch may carry this page's own address,
    # query and all, back to itself: it goes through safe_next too).
    assert forged.status_code == 200 and not re.search(r'href="[^"]*evil\.example', forged.text)
    assert '/sign-in"' in forged.text


def test_the_next_page_is_outside_the_signature_so_a_bad_token_still_fails(site: Site) -> None:
    _sign_up(site, LIKE_PAGE)
    token_part = _mailed_link(site).split("?")[0]
    forged = site.client.get(token_part[:-4] + "0000?next=%2Fentries%2F7%3Flike%3D1")
    assert forged.status_code == 410
    assert site.value("SELECT email_verified_at FROM users") is None
