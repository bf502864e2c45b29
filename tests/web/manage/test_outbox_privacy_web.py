"""The outbox page never shows a voter's address: not while their voting link waits, not after
it is sent or given up (when the address is gone from the database too)."""

import smtplib

import pytest

from contest.contests.phases import Phase
from contest.core import outbox
from contest.core.outbox import SmtpSettings
from tests.conftest import Site
from tests.core.test_outbox import FakeSMTP
from tests.factories import add_contest

TYPED = "Fan.Person+likes@Gmail.com"


def ask_for_a_link(site: Site) -> int:
    """A voter asks for a voting link on the contest's page; returns the message's id."""
    contest = site.run(
        add_contest, site.db, Phase.JUDGING_AND_VOTING, now=site.clock(), voting_mode="email"
    )
    form = f"/contests/{contest.slug}/vote-by-email"
    page = site.client.get(form)
    assert "We never show it to anyone and keep it only until the link is sent" in page.text
    assert "never store it as typed" not in page.text  # it is kept until the link is sent
    sent = site.post(form, {"email": TYPED})
    assert sent.status_code == 200 and "Check your inbox" in sent.text
    return int(site.value("SELECT id FROM outbox WHERE forget_recipient = 1"))


def deliver(site: Site) -> None:
    site.run(
        outbox.deliver_waiting,
        site.db,
        smtp=SmtpSettings("mail"),
        sender="s@u.edu",
        now=site.clock(),
    )


def assert_hidden(page_text: str) -> None:
    assert "a voter (address hidden)" in page_text
    assert "fan.person" not in page_text.lower() and "fanperson" not in page_text.lower()


def test_a_waiting_voting_link_hides_its_recipient_from_organizers(site: Site) -> None:
    message = ask_for_a_link(site)
    assert site.value("SELECT recipient FROM outbox WHERE id = ?", (message,)) == TYPED
    site.client.cookies.clear()
    site.sign_in_as("organizer", "lib@uni.edu")
    page = site.client.get("/manage/outbox")
    assert page.status_code == 200
    assert "Your link to vote in" in page.text
    assert_hidden(page.text)
    assert "/vote/" not in page.text  # the link itself stays private too


def test_a_sent_voting_link_keeps_no_address(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    FakeSMTP.reset()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    message = ask_for_a_link(site)
    deliver(site)
    assert [mail["To"] for mail in FakeSMTP.sent] == [TYPED]
    row = site.rows("SELECT recipient, sent_at FROM outbox WHERE id = ?", (message,))[0]
    assert row["sent_at"] is not None and row["recipient"] == outbox.ERASED_RECIPIENT
    site.client.cookies.clear()
    site.sign_in_as("organizer", "lib@uni.edu")
    assert_hidden(site.client.get("/manage/outbox").text)


def test_a_voting_link_given_up_is_erased_and_cannot_be_sent_again(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeSMTP.reset(fail_for={TYPED})
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    message = ask_for_a_link(site)
    for _ in range(outbox.MAX_ATTEMPTS):
        deliver(site)
    row = site.rows("SELECT * FROM outbox WHERE id = ?", (message,))[0]
    assert row["attempts"] == outbox.MAX_ATTEMPTS and row["sent_at"] is None
    assert row["recipient"] == outbox.ERASED_RECIPIENT
    assert "fan" not in row["last_error"].lower()
    site.client.cookies.clear()
    site.sign_in_as("organizer", "lib@uni.edu")
    page = site.client.get("/manage/outbox")
    assert_hidden(page.text)
    assert "no such user" in page.text  # what went wrong is still told
    assert "cannot be sent again" in page.text
    assert f"/manage/outbox/{message}/send-again" not in page.text
    refused = site.post(
        f"/manage/outbox/{message}/send-again",
        {},
        form_page="/manage/outbox",
        follow_redirects=False,
    )
    assert refused.status_code == 404
    assert site.value("SELECT attempts FROM outbox WHERE id = ?", (message,)) == 5
