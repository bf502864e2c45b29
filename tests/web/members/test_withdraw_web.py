"""Withdrawing asks first, and a withdrawn entry can be restored while submissions are open."""

import re

import pytest

from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import add_contest, add_entry


@pytest.fixture
def entry_id(site: Site) -> int:
    """Pat's pending entry in a contest taking submissions (one photo a person at most)."""
    pat_id = site.sign_in_as("participant", "pat@uni.edu")
    contest = site.run(
        add_contest, site.db, Phase.SUBMISSIONS, now=site.clock(), max_entries_per_participant=1
    )
    return site.run(
        add_entry,
        site.db,
        site.storage,
        contest,
        site.user(pat_id),
        status="pending",
        now=site.clock(),
    )


def status(site: Site, entry_id: int) -> str:
    return str(site.value("SELECT status FROM entries WHERE id = ?", (entry_id,)))


def test_withdraw_asks_for_confirmation_then_restore_brings_it_back(
    site: Site, entry_id: int
) -> None:
    mine = site.client.get("/my/entries").text
    assert f'href="http://testserver/my/entries/{entry_id}/withdraw"' in mine
    assert status(site, entry_id) == "pending"

    page = site.client.get(f"/my/entries/{entry_id}/withdraw")
    assert page.status_code == 200
    assert "Yes, withdraw it" in page.text and 'name="confirm" value="yes"' in page.text
    assert status(site, entry_id) == "pending"  # looking at the question changes nothing

    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    response = site.client.post(
        f"/my/entries/{entry_id}/withdraw",
        data={"csrf_token": token.group(1), "confirm": "yes"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert status(site, entry_id) == "withdrawn"
    mine = site.client.get(response.headers["location"]).text
    assert "Restore to the contest" in mine and "can restore it" in mine

    response = site.post(
        f"/my/entries/{entry_id}/restore", {}, form_page="/my/entries", follow_redirects=False
    )
    assert response.status_code == 303
    assert status(site, entry_id) == "pending"
    assert "back in the contest" in site.client.get(response.headers["location"]).text


def test_withdraw_and_restore_need_the_form_token(site: Site, entry_id: int) -> None:
    response = site.client.post(f"/my/entries/{entry_id}/withdraw", data={"confirm": "yes"})
    assert response.status_code == 400
    assert status(site, entry_id) == "pending"
    site.execute("UPDATE entries SET status = 'withdrawn' WHERE id = ?", (entry_id,))
    response = site.client.post(f"/my/entries/{entry_id}/restore", data={})
    assert response.status_code == 400
    assert status(site, entry_id) == "withdrawn"


def test_restore_after_submissions_close_is_refused_with_a_message(
    site: Site, entry_id: int
) -> None:
    site.execute("UPDATE entries SET status = 'withdrawn' WHERE id = ?", (entry_id,))
    token = site.csrf("/my/entries")
    site.clock.advance(days=12)
    assert "Restore to the contest" not in site.client.get("/my/entries").text
    response = site.client.post(f"/my/entries/{entry_id}/restore", data={"csrf_token": token})
    assert response.status_code == 409
    assert "can no longer be restored" in response.text
    assert status(site, entry_id) == "withdrawn"


def test_only_the_author_may_see_the_question_or_restore(site: Site, entry_id: int) -> None:
    site.execute("UPDATE entries SET status = 'withdrawn' WHERE id = ?", (entry_id,))
    site.client.cookies.clear()
    site.sign_in_as("participant", "sam@uni.edu")
    assert site.client.get(f"/my/entries/{entry_id}/withdraw").status_code == 403
    token = site.csrf("/my/entries")
    response = site.client.post(f"/my/entries/{entry_id}/restore", data={"csrf_token": token})
    assert response.status_code == 403
    assert status(site, entry_id) == "withdrawn"
