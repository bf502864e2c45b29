"""A person's way through campus sign-in, as the HTTP tests take it: the site's button, the
provider's pages (``provider.sign_in_at_provider``), and back."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx2 as httpx

from tests.conftest import Site
from tests.oidc.provider import sign_in_at_provider

#: The site's own address: the provider accepts any port on 127.0.0.1 for its redirect path.
BASE = "http://127.0.0.1:8123"


def start(site: Site, next_page: str = "") -> str:
    """Press "Sign in with Campus account": the provider's address the site sends us to."""
    pressed = site.post(
        "/sign-in/campus/campus",
        {"next": next_page},
        form_page="/sign-in",
        follow_redirects=False,
    )
    assert pressed.status_code == 303, pressed.text
    return str(pressed.headers["location"])


def come_back(site: Site, callback: str) -> httpx.Response:
    """Follow the provider's redirect back to the site."""
    parts = urlsplit(callback)
    assert f"{parts.scheme}://{parts.netloc}" == BASE, callback
    return site.client.get(f"{parts.path}?{parts.query}", follow_redirects=False)


def sign_in_as(
    site: Site, browser: httpx.Client, username: str, next_page: str = ""
) -> httpx.Response:
    return come_back(site, sign_in_at_provider(browser, start(site, next_page), username))
