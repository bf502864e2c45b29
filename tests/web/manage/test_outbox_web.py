"""The outbox page: organizers read ordinary mail, never a private link, and send again what
did not go."""

import re
import smtplib

import pytest

from contest.contests.phases import Phase
from contest.core import outbox
from contest.core.outbox import SmtpSettings
from tests.conftest import Site
from tests.core.test_outbox import FakeSMTP
from tests.factories import add_contest


def test_a_reset_link_is_never_shown_to_organizers(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu")
    site.post("/password/forgot", {"email": "pat@uni.edu"})
    [reset] = site.rows("SELECT body, private FROM outbox WHERE recipient = 'pat@uni.edu'")
    token_link = re.search(r"/password/reset/\S+", reset["body"])
    assert reset["private"] == 1 and token_link is not None
    site.sign_in_as("organizer", "lib@uni.edu")
    page = site.client.get("/manage/outbox")
    assert page.status_code == 200
    assert "Reset your password" in page.text
    assert token_link.group(0) not in page.text
    assert "holds a private link for pat@uni.edu" in page.text


def test_a_judge_invitation_is_private(site: Site) -> None:
    site.sign_in_as("organizer", "lib@uni.edu")
    contest = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock())
    judges = f"/manage/contests/{contest.id}/judges"
    site.post(f"{judges}/invite", {"email": "judge@uni.edu"}, form_page=judges)
    rows = {row["recipient"]: row["private"] for row in site.rows("SELECT * FROM outbox")}
    assert rows["judge@uni.edu"] == 1


def test_a_message_given_up_can_be_sent_again_by_an_organizer_only(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.add_user("participant", "pat@uni.edu")
    site.post("/password/forgot", {"email": "pat@uni.edu"})
    message_id = site.value("SELECT id FROM outbox")
    FakeSMTP.reset(fail_for={"pat@uni.edu"})
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    for _ in range(outbox.MAX_ATTEMPTS):  # the server refuses it until it is given up
        site.run(
            outbox.deliver_waiting,
            site.db,
            smtp=SmtpSettings("mail"),
            sender="s@u.edu",
            now=site.clock(),
        )
    assert site.value("SELECT attempts FROM outbox") == outbox.MAX_ATTEMPTS
    site.sign_in_as("participant", "sam@uni.edu")
    refused = site.post(
        f"/manage/outbox/{message_id}/send-again", {}, form_page="/", follow_redirects=False
    )
    assert refused.status_code == 403
    site.client.cookies.clear()
    site.sign_in_as("organizer", "lib@uni.edu")
    again = site.post(
        f"/manage/outbox/{message_id}/send-again",
        {},
        form_page="/manage/outbox",
        follow_redirects=False,
    )
    assert again.status_code == 303
    row = site.rows("SELECT attempts, last_error FROM outbox WHERE id = ?", (message_id,))[0]
    assert row == {"attempts": 0, "last_error": None}
