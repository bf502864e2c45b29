"""Campaign mail through the web: upload or paste, preview, test, send, unsubscribe."""

import csv
import io
import re
import smtplib
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from contest.app import create_app
from contest.campaigns.text import DEFAULTS
from contest.config import Config
from contest.contests import store as contest_store
from contest.contests.phases import Phase
from contest.core import outbox as outbox_module
from contest.core.outbox import SmtpSettings
from tests.conftest import FakeClock, Site
from tests.factories import add_account, add_contest, add_entry

CSV = (
    b"name,email,affiliation\n"
    b"Pat Lee,pat@uni.edu,student\n"
    b"Sam Wu,sam@uni,staff\n"
    b"Pat Again,PAT+photos@uni.edu,student\n"
    b"Kim Ho,kim@uni.edu,staff\n"
)
UNSUBSCRIBE = re.compile(r"http://testserver/unsubscribe/([\w-]+)")


#: A title with an ampersand: escaped on pages, kept as it is in mail.
TITLE = "Day & Night at the Library"


@pytest.fixture
def contest_id(site: Site) -> int:
    """A published contest taking submissions."""
    contest = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock(), title=TITLE)
    return contest.id


def create(
    site: Site,
    contest_id: int,
    *,
    file: bytes | None = None,
    pasted: str = "",
    kind: str = "invite",
    **fields: str,
) -> Any:
    """Submit the new-campaign form as a browser would (a file makes it multipart)."""
    page = f"/manage/contests/{contest_id}/campaigns/new"
    subject, body = DEFAULTS[kind]
    data = {"kind": kind, "subject": subject, "body": body, "addresses": pasted} | fields
    data["csrf_token"] = site.csrf(page)
    files = {"file": ("students.csv", file, "text/csv")} if file is not None else None
    return site.client.post(page, data=data, files=files, follow_redirects=False)


def campaign_page(site: Site, contest_id: int) -> str:
    campaign_id = site.value("SELECT max(id) FROM campaigns")
    return f"/manage/contests/{contest_id}/campaigns/{campaign_id}"


def sent_campaign(site: Site, contest_id: int, pasted: str) -> tuple[str, list[str]]:
    """As an organizer, create a campaign for the pasted addresses and send it; return its
    page and the unsubscribe token of each message, in outbox order."""
    site.sign_in_as("organizer")
    create(site, contest_id, pasted=pasted)
    page = campaign_page(site, contest_id)
    site.post(page + "/send", {}, form_page=page)
    return page, [UNSUBSCRIBE.findall(m["body"])[0] for m in outbox(site)]


_LOG_FIGURES = re.compile(r"<td>([^<]*)</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>\s*</tr>")


def log_figures(page: str) -> list[tuple[str, ...]]:
    """Each send log row's queued, skipped-unsubscribed and new-bad-rows cells, newest first."""
    log = page.split("New bad rows", 1)[1].split("</table>", 1)[0]
    return [tuple(found) for found in _LOG_FIGURES.findall(log)]


def outbox(site: Site) -> list[dict[str, Any]]:
    return site.rows("SELECT recipient, subject, body FROM outbox ORDER BY id")


def test_uploaded_csv_leads_to_a_preview_that_lists_every_bad_row(
    site: Site, contest_id: int
) -> None:
    site.sign_in_as("organizer")
    response = create(site, contest_id, file=CSV)
    assert response.status_code == 303, response.text
    page = site.client.get(response.headers["location"]).text
    assert "Hello Pat Lee," in page and "Take part in Day &amp; Night at the Library" in page
    assert "http://testserver/contests/day-night-at-the-library" in page
    assert "<td>3</td><td>Sam Wu,sam@uni,staff</td><td>not a valid email address</td>" in page
    assert "<td>4</td>" in page and "duplicate of line 2 (pat@uni.edu: same mailbox)" in page
    assert "Send to 2 recipients" in page
    assert site.rows("SELECT email, name, line, status FROM campaign_recipients") == [
        {"email": "pat@uni.edu", "name": "Pat Lee", "line": 2, "status": "listed"},
        {"email": "kim@uni.edu", "name": "Kim Ho", "line": 5, "status": "listed"},
    ]
    assert site.value("SELECT count(*) FROM campaign_problems") == 2
    assert outbox(site) == []


def test_pasted_addresses_and_a_bad_placeholder_keep_what_was_typed(
    site: Site, contest_id: int
) -> None:
    site.sign_in_as("organizer")
    response = create(
        site, contest_id, pasted="pat@uni.edu; kim@uni.edu", subject="Hi {nmae}", body="See {link}"
    )
    assert response.status_code == 400
    assert "Unknown placeholder {nmae}" in response.text
    assert 'value="Hi {nmae}"' in response.text and "pat@uni.edu; kim@uni.edu" in response.text
    assert site.value("SELECT count(*) FROM campaigns") == 0

    response = create(site, contest_id, pasted="pat@uni.edu; kim@uni.edu\nbo@uni.edu")
    assert response.status_code == 303
    lines = site.rows("SELECT email, line FROM campaign_recipients ORDER BY id")
    assert lines == [
        {"email": "pat@uni.edu", "line": 1},
        {"email": "kim@uni.edu", "line": 1},
        {"email": "bo@uni.edu", "line": 2},
    ]


def test_unreadable_and_oversized_files_are_refused_with_reasons(
    site: Site, contest_id: int
) -> None:
    site.sign_in_as("organizer")
    response = create(site, contest_id, file=b"PK\x03\x04zip")
    assert response.status_code == 400 and "not CSV. Save the file as" in response.text
    response = create(site, contest_id, file=b"a@uni.edu\n" * 120_000)
    assert response.status_code == 400 and "lists must stay under 1 MB" in response.text
    response = create(site, contest_id, file=b"x@uni.edu", pasted="y@uni.edu")
    assert response.status_code == 400 and "not both" in response.text
    assert site.value("SELECT count(*) FROM campaigns") == 0


def test_a_test_send_goes_only_to_the_organizer(site: Site, contest_id: int) -> None:
    site.sign_in_as("organizer", "olivia@uni.edu")
    create(site, contest_id, file=CSV)
    page = campaign_page(site, contest_id)
    response = site.post(page + "/test", {}, form_page=page, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("?done=test")
    mails = outbox(site)
    assert [(m["recipient"], m["subject"]) for m in mails] == [
        ("olivia@uni.edu", "[Test] Take part in Day & Night at the Library")
    ]
    assert mails[0]["body"].startswith("Hello Pat Lee,")
    assert site.value("SELECT count(*) FROM campaign_recipients WHERE status = 'listed'") == 2
    shown = site.client.get(response.headers["location"]).text
    assert "A test message to olivia@uni.edu is in the outbox" in shown
    assert "Test to olivia@uni.edu" in shown


class KimsServerRefuses:
    """A mail server (in smtplib.SMTP's place) that takes every message but Kim's."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        pass

    def send_message(self, message: EmailMessage, to_addrs: list[str]) -> None:
        if to_addrs == ["kim@uni.edu"]:
            raise smtplib.SMTPRecipientsRefused({"kim@uni.edu": (550, b"refused")})

    def quit(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_send_queues_one_personal_message_each_and_a_second_send_mails_nobody(
    site: Site, contest_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.sign_in_as("organizer")
    create(site, contest_id, file=CSV)
    page = campaign_page(site, contest_id)
    response = site.post(page + "/send", {}, form_page=page, follow_redirects=False)
    assert response.status_code == 303
    mails = outbox(site)
    assert [m["recipient"] for m in mails] == ["pat@uni.edu", "kim@uni.edu"]
    tokens = [UNSUBSCRIBE.findall(m["body"]) for m in mails]
    assert all(len(found) == 1 for found in tokens) and tokens[0] != tokens[1]
    assert site.value("SELECT count(*) FROM campaign_recipients WHERE status = 'queued'") == 2

    shown = site.client.get(page).text
    assert "2 waiting in the outbox" in shown and "Everyone on the list has been mailed" in shown
    site.post(page + "/send", {}, form_page=page)
    assert len(outbox(site)) == 2
    log = site.rows("SELECT is_test, queued, skipped_bad FROM campaign_sends ORDER BY id")
    assert log == [
        {"is_test": 0, "queued": 2, "skipped_bad": 2},
        {"is_test": 0, "queued": 0, "skipped_bad": 0},  # the same bad rows are not counted again
    ]
    assert log_figures(site.client.get(page).text) == [("0", "0", "0"), ("2", "0", "2")]
    monkeypatch.setattr(smtplib, "SMTP", KimsServerRefuses)
    for _ in range(outbox_module.MAX_ATTEMPTS):  # Pat's goes the first time; Kim's never
        site.run(
            outbox_module.deliver_waiting,
            site.db,
            smtp=SmtpSettings(host="mail.uni.edu", starttls=False),
            sender="photos@uni.edu",
            now=site.clock(),
        )
    shown = site.client.get(page).text
    assert "1 sent" in shown and "1 failed" in shown and "refused" in shown


def test_unsubscribing_by_the_link_keeps_that_address_out_of_later_campaigns(
    site: Site, contest_id: int
) -> None:
    _, (token, _) = sent_campaign(site, contest_id, "pat@uni.edu, kim@uni.edu")

    site.client.cookies.clear()  # the recipient is not signed in
    link = f"/unsubscribe/{token}"
    shown = site.client.get(link)
    assert shown.status_code == 200
    assert "Stop sending contest announcements and invitations to p**@uni.edu?" in shown.text
    assert "will receive no more" not in shown.text
    assert site.value("SELECT count(*) FROM unsubscribes") == 0  # opening the link changes nothing
    refused = site.client.post(link, data={})
    assert refused.status_code == 400
    assert site.value("SELECT count(*) FROM unsubscribes") == 0
    done = site.post(link, {})
    assert done.status_code == 200 and "will receive no more" in done.text
    assert site.rows("SELECT mailbox FROM unsubscribes") == [{"mailbox": "pat@uni.edu"}]
    assert site.client.get("/unsubscribe/not-a-real-token").status_code == 404

    site.sign_in("organizer@uni.edu")
    create(site, contest_id, pasted="Pat <pat@uni.edu>\nbo@uni.edu")
    second = campaign_page(site, contest_id)
    assert "unsubscribed from campaign mail" in site.client.get(second).text
    site.post(second + "/send", {}, form_page=second)
    # Pat's first message was taken back from the outbox when Pat unsubscribed.
    assert [m["recipient"] for m in outbox(site)] == ["kim@uni.edu", "bo@uni.edu"]


def enter_a_photo(site: Site, contest_id: int, *, moderator: int) -> None:
    """Ana Ruiz enters a photo, which the organizer approves."""
    now = site.clock()
    contest = site.run(contest_store.get_contest, site.db, contest_id)
    ana = site.run(
        add_account, site.db, site.passwords, email="ana@uni.edu", name="Ana Ruiz", now=now
    )
    site.run(
        add_entry,
        site.db,
        site.storage,
        contest,
        ana,
        title="Dawn",
        moderator=site.user(moderator),
        now=now,
    )


def test_voting_news_reaches_participants_only_while_voting_is_open(
    site: Site, contest_id: int
) -> None:
    organizer = site.sign_in_as("organizer")
    enter_a_photo(site, contest_id, moderator=organizer)
    entries_mail = outbox(site)  # the photo was received, then approved
    assert create(site, contest_id, kind="voting").status_code == 303
    page = campaign_page(site, contest_id)
    shown = site.client.get(page).text
    assert "Voting is not open" in shown and "Hello Ana Ruiz," in shown
    assert site.post(page + "/send", {}, form_page=page).status_code == 400
    assert outbox(site) == entries_mail
    site.clock.advance(days=12)
    site.post(page + "/send", {}, form_page=page)
    mails = outbox(site)[len(entries_mail) :]
    assert [m["recipient"] for m in mails] == ["ana@uni.edu"]
    assert "http://testserver/contests/day-night-at-the-library/gallery" in mails[0]["body"]


def test_other_roles_and_visitors_cannot_mail(site: Site, contest_id: int) -> None:
    site.sign_in_as("organizer")
    create(site, contest_id, pasted="pat@uni.edu")
    page = campaign_page(site, contest_id)
    site.client.post("/sign-out", data={"csrf_token": site.csrf("/")})
    assert site.client.get(page, follow_redirects=False).status_code == 303
    site.sign_in_as("participant")
    token = site.csrf("/")
    for path in (page + "/send", page + "/test", page + "/addresses"):
        response = site.client.post(path, data={"csrf_token": token})
        assert response.status_code == 403, path
    assert site.client.get(f"/manage/contests/{contest_id}/campaigns").status_code == 403
    assert outbox(site) == []


def test_a_send_without_the_form_token_is_refused(site: Site, contest_id: int) -> None:
    site.sign_in_as("organizer")
    create(site, contest_id, pasted="pat@uni.edu")
    page = campaign_page(site, contest_id)
    assert site.client.post(page + "/send", data={}).status_code == 400
    assert site.client.post(page + "/send", data={"csrf_token": "forged"}).status_code == 400
    assert outbox(site) == []


def test_adding_addresses_later_mails_only_the_new_ones(site: Site, contest_id: int) -> None:
    site.sign_in_as("organizer")
    create(site, contest_id, pasted="pat@uni.edu")
    page = campaign_page(site, contest_id)
    site.post(page + "/send", {}, form_page=page)
    data = {"addresses": "P.a.t@uni.edu\nkim@uni.edu\npat@uni.edu", "csrf_token": site.csrf(page)}
    response = site.client.post(
        page + "/addresses", data=data, files={"file": ("", b"")}, follow_redirects=False
    )
    assert response.status_code == 303
    shown = site.client.get(page).text
    assert "already on this campaign&#39;s list (added earlier)" in shown
    site.post(page + "/send", {}, form_page=page)
    assert [m["recipient"] for m in outbox(site)] == ["pat@uni.edu", "P.a.t@uni.edu", "kim@uni.edu"]


def test_edited_text_is_checked_and_used_for_the_next_send(site: Site, contest_id: int) -> None:
    site.sign_in_as("organizer")
    create(site, contest_id, pasted="Pat Lee <pat@uni.edu>")
    page = campaign_page(site, contest_id)
    bad = site.post(page + "/message", {"subject": "News", "body": "{link"}, form_page=page)
    assert bad.status_code == 400 and "has no partner" in bad.text
    site.post(
        page + "/message", {"subject": "{contest}!", "body": "Dear {name}: {link}"}, form_page=page
    )
    site.post(page + "/send", {}, form_page=page)
    mail = outbox(site)[0]
    assert mail["subject"] == "Day & Night at the Library!"
    assert mail["body"].startswith("Dear Pat Lee: http://testserver/contests/")


def test_manage_page_links_to_mail_and_the_note_tells_where_mail_waits(
    site: Site, contest_id: int
) -> None:
    site.sign_in_as("organizer")
    assert f'/manage/contests/{contest_id}/campaigns">Mail</a>' in site.client.get("/manage").text
    page = site.client.get(f"/manage/contests/{contest_id}/campaigns").text
    assert "No SMTP configured: messages wait in the" in page
    assert '/manage/outbox">outbox</a>' in page


def test_with_a_mail_server_the_outbox_note_is_not_shown(tmp_path: Path) -> None:
    smtp = SmtpSettings(host="127.0.0.1", port=9)  # never reached: the outbox stays empty
    config = Config(data_dir=tmp_path, base_url="http://testserver", secret_key="k", smtp=smtp)
    clock = FakeClock()
    with TestClient(create_app(config, clock=clock, fast_passwords=True)) as client:
        site = Site(client, clock, config)

        contest_id = site.run(add_contest, site.db, now=clock()).id
        site.sign_in_as("organizer")
        page = site.client.get(f"/manage/contests/{contest_id}/campaigns")
        assert page.status_code == 200 and "Announce voting" in page.text
        assert "No SMTP configured" not in page.text


def test_queued_messages_download_as_csv_for_a_mail_merge(site: Site, contest_id: int) -> None:
    site.sign_in_as("organizer")
    create(site, contest_id, file=CSV)
    page = campaign_page(site, contest_id)
    assert "Download the messages" not in site.client.get(page).text
    site.post(page + "/send", {}, form_page=page)
    assert "Download the messages" in site.client.get(page).text
    response = site.client.get(page + "/messages.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["email"], r["name"], r["state"]) for r in rows] == [
        ("pat@uni.edu", "Pat Lee", "waiting in the outbox"),
        ("kim@uni.edu", "Kim Ho", "waiting in the outbox"),
    ]
    assert rows[0]["body"].startswith("Hello Pat Lee,") and "/unsubscribe/" in rows[0]["body"]

    # Kim unsubscribes before the organizer gets round to the mail merge.
    token = UNSUBSCRIBE.findall(rows[1]["body"])[0]
    assert site.post(f"/unsubscribe/{token}", {}).status_code == 200
    rows = list(csv.DictReader(io.StringIO(site.client.get(page + "/messages.csv").text)))
    assert [r["email"] for r in rows] == ["pat@uni.edu"]
    assert "1 unsubscribed before delivery" in site.client.get(page).text

    # The organizer sent Pat's message by hand: the outbox must not send it again later.
    site.post(page + "/messages/sent", {}, form_page=page)
    assert site.value("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0
    shown = site.client.get(page).text
    assert "1 sent" in shown and "mark them as sent" not in shown


def test_a_campaign_is_only_found_under_its_own_contest(site: Site, contest_id: int) -> None:
    site.sign_in_as("organizer")
    create(site, contest_id, pasted="pat@uni.edu")

    other = site.run(add_contest, site.db, now=site.clock(), title="Another contest").id
    campaign_id = site.value("SELECT id FROM campaigns")
    elsewhere = f"/manage/contests/{other}/campaigns/{campaign_id}"
    assert site.client.get(elsewhere).status_code == 404
    response = site.post(elsewhere + "/send", {}, form_page=campaign_page(site, contest_id))
    assert response.status_code == 404
    assert outbox(site) == []


def test_a_pasted_list_over_the_size_limit_is_refused(site: Site, contest_id: int) -> None:
    site.sign_in_as("organizer")
    response = create(
        site, contest_id, pasted="a@uni.edu\n" * 110_000, subject="Photo week at the {contest}"
    )
    assert response.status_code == 400 and "The pasted list is over 1 MB" in response.text
    assert "Photo week at the {contest}" in response.text  # the form comes back, as typed
    assert site.value("SELECT count(*) FROM campaigns") == 0


def test_a_draft_can_be_deleted_but_a_sent_campaign_stays(site: Site, contest_id: int) -> None:
    site.sign_in_as("organizer")
    create(site, contest_id, file=CSV)
    draft = campaign_page(site, contest_id)
    assert "Delete this campaign" in site.client.get(draft).text
    response = site.post(draft + "/delete", {}, form_page=draft, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/manage/contests/{contest_id}/campaigns")
    assert site.value("SELECT count(*) FROM campaigns") == 0
    assert site.value("SELECT count(*) FROM campaign_recipients") == 0

    create(site, contest_id, pasted="pat@uni.edu")
    sent = campaign_page(site, contest_id)
    site.post(sent + "/send", {}, form_page=sent)
    assert "Delete this campaign" not in site.client.get(sent).text
    refused = site.post(sent + "/delete", {}, form_page=sent)
    assert refused.status_code == 400 and "it stays in the log" in refused.text
    assert site.value("SELECT count(*) FROM campaigns") == 1


def test_mail_providers_unsubscribe_in_one_click_from_the_message_headers(
    site: Site, contest_id: int
) -> None:
    page, (token,) = sent_campaign(site, contest_id, "pat@uni.edu")
    site.post(page + "/test", {}, form_page=page)
    mail, test_mail = site.rows("SELECT * FROM outbox ORDER BY id")
    assert test_mail["unsubscribe_url"] is None  # a test to oneself is not bulk mail
    assert "List-Unsubscribe" not in outbox_module.as_email("lib@uni.edu", test_mail)
    link = mail["unsubscribe_url"]
    assert link == "http://testserver/unsubscribe/" + token
    headers = outbox_module.as_email("lib@uni.edu", mail)
    assert headers["List-Unsubscribe"] == f"<{link}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The provider's server posts with no cookie and no CSRF token (RFC 8058).
    site.client.cookies.clear()
    done = site.client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and done.text == "Unsubscribed.\n"
    assert site.rows("SELECT mailbox FROM unsubscribes") == [{"mailbox": "pat@uni.edu"}]
    assert site.client.post(link, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert site.value("SELECT count(*) FROM unsubscribes") == 1
    stranger = site.client.post("/unsubscribe/guessed", data={"List-Unsubscribe": "One-Click"})
    assert stranger.status_code == 404


def test_a_refused_addition_keeps_the_pasted_list_and_says_why_next_to_it(
    site: Site, contest_id: int
) -> None:
    site.sign_in_as("organizer")
    create(site, contest_id, pasted="pat@uni.edu")
    page = campaign_page(site, contest_id)
    typed = "Kim Ho <kim@uni.edu>\nbo@uni.edu"
    data = {"addresses": typed, "csrf_token": site.csrf(page)}
    both = site.client.post(
        page + "/addresses", data=data, files={"file": ("more.csv", b"sam@uni.edu", "text/csv")}
    )
    assert both.status_code == 400
    fieldset = both.text[both.text.index('<fieldset id="recipients">') :]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    assert '<p class="field-error" id="recipients-error">Upload a file or paste' in fieldset
    assert ">Kim Ho &lt;kim@uni.edu&gt;\nbo@uni.edu</textarea>" in fieldset
    assert "choose it again" in both.text
    # The message form further up still holds the campaign's own text.
    assert 'value="Take part in {contest}"' in both.text

    too_many = "\n".join(f"p{n}@uni.edu" for n in range(5_001))
    data = {"addresses": too_many, "csrf_token": site.csrf(page)}
    response = site.client.post(page + "/addresses", data=data, files={"file": ("", b"")})
    assert response.status_code == 400 and "p5000@uni.edu</textarea>" in response.text
    assert site.value("SELECT count(*) FROM campaign_recipients") == 1


@pytest.mark.parametrize(
    ("pasted", "file", "error"),
    [
        ("pat@uni.edu", b"sam@uni.edu", "not both"),
        ("\n".join(f"p{n}@uni.edu" for n in range(5_001)), None, "5,000"),
        ("", b"PK\x03\x04zip", "not CSV. Save the file as"),
    ],
)
def test_a_refused_new_campaign_keeps_everything_typed(
    site: Site, contest_id: int, pasted: str, file: bytes | None, error: str
) -> None:
    site.sign_in_as("organizer")
    response = create(
        site,
        contest_id,
        kind="voting",
        pasted=pasted,
        file=file,
        subject="Vote now",
        body="Go {link}",
    )
    assert response.status_code == 400 and error in response.text
    assert '<option value="voting" selected>' in response.text
    assert 'value="Vote now"' in response.text and ">Go {link}</textarea>" in response.text
    assert f">{pasted}</textarea>" in response.text
    assert site.value("SELECT count(*) FROM campaigns") == 0
