"""A "done" notice follows an action across its redirect, is shown once with role="status",
and only ever says one of the site's own messages."""

from __future__ import annotations

import pytest

from contest.web.notices import NOTICE_COOKIE
from tests.conftest import Site
from tests.factories import Gappy, add_account, add_contest_with_gaps, add_entry

STATUS = '<p class="notice success done" role="status">'


@pytest.fixture
def gappy(site: Site) -> Gappy:
    return site.run(add_contest_with_gaps, site.db, site.passwords, site.storage, now=site.clock())


def notice_in(page: str) -> str | None:
    if STATUS not in page:
        return None
    return page.split(STATUS, 1)[1].split("</p>", 1)[0]


def test_moderating_says_it_is_done_once(site: Site, gappy: Gappy) -> None:
    pending = site.run(
        add_entry,
        site.db,
        site.storage,
        gappy.contest,
        site.run(add_account, site.db, site.passwords, email="cat@uni.edu"),
        title="Waiting",
        status="pending",
        now=site.clock(),
    )
    site.sign_in("org@uni.edu")
    queue = f"/manage/contests/{gappy.contest.id}/moderation"
    done = site.post(queue, {"entry_ids": str(pending), "action": "approve"})
    assert done.status_code == 200
    assert notice_in(done.text) == "Done: the entries are moderated."
    assert notice_in(site.client.get(queue).text) is None


def test_a_failed_action_leaves_no_notice(site: Site, gappy: Gappy) -> None:
    site.sign_in("org@uni.edu")
    queue = f"/manage/contests/{gappy.contest.id}/moderation"
    refused = site.post(queue, {"entry_ids": str(gappy.ids["Roof"]), "action": "reject"})
    assert refused.status_code == 400 and notice_in(refused.text) is None


def test_posting_a_reply_says_it_is_done(site: Site, gappy: Gappy) -> None:
    site.sign_in("org@uni.edu")
    entry = gappy.ids["Atrium"]
    done = site.post(
        f"/entries/{entry}/replies", {"body": "Lovely light."}, form_page=f"/entries/{entry}"
    )
    assert done.status_code == 200 and "Lovely light." in done.text
    assert notice_in(done.text) == "Done: your reply is posted and mailed to the author."


def test_saving_an_award_says_it_is_done(site: Site, gappy: Gappy) -> None:
    site.sign_in("org@uni.edu")
    results = f"/manage/contests/{gappy.contest.id}/results"
    done = site.post(
        f"{results}/award",
        {"award": "champion", "entry_id": str(gappy.ids["Stairs"]), "reason": "Stronger story"},
        form_page=results,
    )
    assert done.status_code == 200
    assert notice_in(done.text) == "Done: the award is saved."


def test_declaring_a_conflict_says_it_is_done(site: Site, gappy: Gappy) -> None:
    site.sign_in("judge@uni.edu")
    entry = f"/judging/{gappy.contest.id}/entries/{gappy.ids['Garden']}"
    done = site.post(f"{entry}/conflict", {"reason": "I know the photographer"}, form_page=entry)
    assert done.status_code == 200
    assert (
        notice_in(done.text) == "Done: the conflict is recorded and the entry has left your queue."
    )


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "Done: you won", "nothing"])
def test_a_forged_notice_shows_nothing(site: Site, gappy: Gappy, value: str) -> None:
    site.client.cookies.set(NOTICE_COOKIE, value)
    page = site.client.get("/").text
    assert notice_in(page) is None and "alert(1)" not in page and "you won" not in page
