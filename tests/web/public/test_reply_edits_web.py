"""An organizer corrects or takes back their reply on the entry page, before it is mailed."""

from typing import Any

import pytest

from contest.contests.phases import Phase
from contest.core.clock import to_db
from contest.entries import replies
from tests.conftest import Site
from tests.factories import add_account, add_contest, add_entry


@pytest.fixture
def entry_id(site: Site) -> int:
    """An approved photo by Ann in a published contest taking submissions."""
    now = site.clock()

    async def create() -> int:
        contest = await add_contest(site.db, Phase.SUBMISSIONS, now=now)
        ann = await add_account(site.db, site.passwords, email="ann@uni.edu", now=now)
        moderator = await add_account(
            site.db, site.passwords, email="mod@uni.edu", role="organizer", now=now
        )
        return await add_entry(site.db, site.storage, contest, ann, moderator=moderator, now=now)

    return site.run(create)


def reply_mail(site: Site) -> list[dict[str, Any]]:
    return site.rows("SELECT * FROM outbox WHERE subject LIKE 'The organizers replied%'")


def post_reply(site: Site, entry_id: int, body: str) -> int:
    page = f"/entries/{entry_id}"
    response = site.post(f"{page}/replies", {"body": body}, form_page=page, follow_redirects=False)
    assert response.status_code == 303
    return int(site.value("SELECT max(id) FROM replies"))


def test_the_author_edits_then_deletes_a_reply_before_its_mail(site: Site, entry_id: int) -> None:
    site.sign_in_as("organizer", "org@uni.edu")
    page = f"/entries/{entry_id}"
    reply_id = post_reply(site, entry_id, "Lovley light")
    html = site.client.get(page).text
    assert f'name="reply_id" value="{reply_id}"' in html and "Delete the reply" in html

    site.clock.advance(minutes=2)
    edited = site.post(
        f"{page}/replies/edit",
        {"reply_id": reply_id, "body": "Lovely light"},
        form_page=page,
        follow_redirects=False,
    )
    assert edited.status_code == 303
    assert site.value("SELECT body FROM replies") == "Lovely light"
    [mail] = reply_mail(site)
    assert "Lovely light" in mail["body"] and "Lovley" not in mail["body"]
    assert "Lovely light" in site.client.get(page).text and "· edited" in site.client.get(page).text

    deleted = site.post(
        f"{page}/replies/delete", {"reply_id": reply_id}, form_page=page, follow_redirects=False
    )
    assert deleted.status_code == 303
    assert site.value("SELECT count(*) FROM replies") == 0 and reply_mail(site) == []


def test_no_change_without_the_token_by_another_or_once_mailed(site: Site, entry_id: int) -> None:
    site.sign_in_as("organizer", "org@uni.edu")
    page = f"/entries/{entry_id}"
    reply_id = post_reply(site, entry_id, "Hello")
    edit, change = f"{page}/replies/edit", {"reply_id": reply_id, "body": "Hi"}
    assert site.client.post(edit, data=change).status_code == 400
    assert site.post(edit, {"reply_id": "x", "body": "Hi"}, form_page=page).status_code == 404

    site.client.cookies.clear()
    site.sign_in_as("organizer", "max@uni.edu")
    assert "Delete the reply" not in site.client.get(page).text
    assert site.post(edit, change, form_page=page).status_code == 403
    site.client.cookies.clear()
    site.sign_in_as("participant", "pat@uni.edu")
    assert site.post(f"{page}/replies/delete", change, form_page=page).status_code == 403

    site.client.cookies.clear()
    site.sign_in("org@uni.edu")
    site.execute("UPDATE outbox SET sent_at = ?", (to_db(site.clock()),))
    assert "Delete the reply" not in site.client.get(page).text
    refused = site.post(edit, change, form_page=page)
    assert refused.status_code == 409 and "already been mailed" in refused.text
    assert site.value("SELECT body FROM replies") == "Hello"


def test_the_window_closes_after_some_minutes(site: Site, entry_id: int) -> None:
    site.sign_in_as("organizer", "org@uni.edu")
    page = f"/entries/{entry_id}"
    reply_id = post_reply(site, entry_id, "Hello")
    site.execute("UPDATE outbox SET send_after = NULL")  # the mail server is down, say
    site.clock.advance(seconds=replies.EDIT_WINDOW.total_seconds() + 1)
    assert "Delete the reply" not in site.client.get(page).text
    refused = site.post(f"{page}/replies/delete", {"reply_id": reply_id}, form_page=page)
    assert refused.status_code == 409 and "10 minutes" in refused.text
    assert site.value("SELECT count(*) FROM replies") == 1 and len(reply_mail(site)) == 1
