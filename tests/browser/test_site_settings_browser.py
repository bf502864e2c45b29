"""Site settings in a real Chromium on a phone, without JavaScript: a shared network."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, LiveSite, NewContext
from tests.browser.test_organizer_journey import horizontal_overflow, sign_in

pytestmark = pytest.mark.browser


def test_organizer_names_the_campus_network_from_a_phone(
    live_site: LiveSite, new_context: NewContext
) -> None:
    page = new_context(**PHONE, java_script_enabled=False).new_page()
    sign_in(page)
    page.goto("/manage")
    page.get_by_role("link", name="Site settings").click()
    expect(page.get_by_text("reaches this site from 127.0.0.1 right now")).to_be_visible()
    networks = page.get_by_label("Your organization's shared networks")
    networks.fill("127.0.0.1\ncampus wifi")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("'campus' is not a network address")
    expect(networks).to_have_value("127.0.0.1\ncampus wifi")  # nothing typed is lost
    assert horizontal_overflow(page) <= 0
    networks.fill("127.0.0.1")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved.")
    expect(networks).to_have_value("127.0.0.1/32")
    rows = live_site.rows("SELECT value FROM settings WHERE key = 'shared_networks'")
    assert rows == [{"value": "127.0.0.1/32"}]
