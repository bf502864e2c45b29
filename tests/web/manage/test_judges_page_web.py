"""Without a mail server the Judges page says what is true: the invitation's link is private."""

import re

from tests.conftest import Site
from tests.web.manage.test_contests_web import contest_form


def test_the_judges_page_does_not_promise_a_link_the_outbox_hides(site: Site) -> None:
    site.sign_in_as("organizer")
    site.post("/manage/contests/new", contest_form(site), follow_redirects=False)
    judges = f"/manage/contests/{site.value('SELECT id FROM contests')}/judges"
    page = site.client.get(judges).text
    assert "copy the link" not in page
    assert "the link inside is private and is not shown to organizers" in page
    assert "<code>contest user add --role judge</code>" in page

    sent = site.post(f"{judges}/invite", {"email": "jo@uni.edu"}, form_page=judges)
    assert sent.status_code == 200
    rows = site.rows("SELECT recipient, private FROM outbox")
    assert rows == [{"recipient": "jo@uni.edu", "private": 1}]
    body = site.value("SELECT body FROM outbox")
    link = re.search(r"http://testserver(/invitations/[\w-]+)", body)
    assert link is not None
    outbox = site.client.get("/manage/outbox").text
    assert link[1] not in outbox and "so it is not shown here" in outbox
