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


def test_a_judge_is_invited_in_the_language_the_organizer_picks(site: Site) -> None:
    site.sign_in_as("organizer")
    site.post("/manage/contests/new", contest_form(site), follow_redirects=False)
    contest_id = site.value("SELECT id FROM contests")
    judges = f"/manage/contests/{contest_id}/judges"
    page = site.client.get(judges).text
    assert '<option value="en" lang="en" selected>English</option>' in page  # the site default

    for email, chosen in (("mei@uni.edu", "zh_Hant"), ("ann@uni.edu", "en"), ("x@uni.edu", "fr")):
        response = site.post(
            f"{judges}/invite",
            {"email": email, "mail_locale": chosen},
            form_page=judges,
            follow_redirects=False,
        )
        assert response.status_code == 303
    rows = {
        row["recipient"]: row["locale"] for row in site.rows("SELECT recipient, locale FROM outbox")
    }
    assert rows == {"mei@uni.edu": "zh_Hant", "ann@uni.edu": "en", "x@uni.edu": "en"}
    subject = site.value("SELECT subject FROM outbox WHERE recipient = 'mei@uni.edu'")
    assert "評審" in subject and "Invitation" not in subject

    refused = site.post(
        f"{judges}/invite", {"email": "not-an-address", "mail_locale": "zh_Hans"}, form_page=judges
    )
    assert refused.status_code == 400
    assert '<option value="zh_Hans" lang="zh-Hans" selected>' in refused.text  # kept as chosen
