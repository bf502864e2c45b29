"""Inviting judges and participants from a list through the web: preview, then send."""

import html
import re
from typing import Any

import pytest

from contest.contests import store as contest_store
from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import add_contest, add_entry

JUDGES = b"name,email\nNia New,nia@uni.edu\nBad Row,nia@\nNia Again,NIA+x@uni.edu\n"
GOOD_JUDGES = b"name,email\nNia New,nia@uni.edu\nReader,reader@uni.edu\n"
LINK = re.compile(r"http://testserver/invitations/([\w-]+)")


@pytest.fixture
def contest_id(site: Site) -> int:
    contest = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock(), title="Dusk")
    return contest.id


def submit(site: Site, page: str, *, file: bytes | None = None, **data: str) -> Any:
    """Post the list form as a browser would (multipart, with the page's token)."""
    fields = {"action": "preview", "addresses": ""} | data
    fields["csrf_token"] = site.csrf(page)
    files = {"file": ("people.csv", file or b"", "text/csv")}
    return site.client.post(page, data=fields, files=files, follow_redirects=False)


def sent_text(response: Any) -> str:
    """The list carried by the preview's confirm form."""
    match = re.search(r'name="list_text" value="([^"]*)"', response.text)
    assert match, "no confirm form on the preview"
    return html.unescape(match.group(1))


def test_only_organizers_see_the_list_pages(site: Site, contest_id: int) -> None:
    assert site.client.get("/manage/people/invite", follow_redirects=False).status_code in (
        303,
        401,
    )
    site.sign_in_as("judge")
    assert site.client.get(f"/manage/contests/{contest_id}/judges/list").status_code == 403
    assert site.client.get("/manage/people/invite").status_code == 403


def test_a_post_without_the_form_token_is_refused_and_sends_nothing(
    site: Site, contest_id: int
) -> None:
    site.sign_in_as("organizer")
    page = f"/manage/contests/{contest_id}/judges/list"
    response = site.client.post(
        page,
        data={"action": "send", "list_text": "nia@uni.edu"},
        files={"file": ("", b"")},
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert "This form has expired" in response.text
    assert site.value("SELECT count(*) FROM invitations") == 0


def test_the_preview_names_bad_rows_by_line_and_sends_nothing(site: Site, contest_id: int) -> None:
    site.sign_in_as("organizer")
    response = submit(site, f"/manage/contests/{contest_id}/judges/list", file=JUDGES)
    assert response.status_code == 200
    bad = response.text.split('id="bad-rows"')[1].split("</table>")[0]
    assert "<td>3</td><td>Bad Row,nia@</td><td>not a valid email address</td>" in bad
    assert "duplicate of line 2" in bad
    assert 'name="list_text"' not in response.text
    assert "Nothing can be sent while the list has bad rows" in response.text
    assert site.value("SELECT count(*) FROM invitations") == 0
    assert site.value("SELECT count(*) FROM outbox") == 0


def test_confirming_a_judge_list_sends_it_as_previewed(site: Site, contest_id: int) -> None:
    site.sign_in_as("organizer")
    reader = site.add_user("participant", "reader@uni.edu", name="Reader")
    page = f"/manage/contests/{contest_id}/judges/list"
    preview = submit(site, page, file=GOOD_JUDGES)
    assert "has a participant account: becomes a judge" in preview.text
    assert site.value("SELECT count(*) FROM outbox") == 0
    response = submit(site, page, action="send", list_text=sent_text(preview))
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/manage/contests/{contest_id}/judges")
    invited = site.rows("SELECT email, role, contest_id, display_name FROM invitations")
    assert invited == [
        {
            "email": "nia@uni.edu",
            "role": "judge",
            "contest_id": contest_id,
            "display_name": "Nia New",
        }
    ]
    assert site.value("SELECT role FROM users WHERE id = ?", (reader,)) == "judge"
    assert site.value("SELECT count(*) FROM contest_judges WHERE user_id = ?", (reader,)) == 1
    mail = site.rows("SELECT recipient FROM outbox ORDER BY id")
    assert [m["recipient"] for m in mail] == ["nia@uni.edu", "reader@uni.edu"]
    judges_page = site.client.get(response.headers["location"])
    assert "Done: the list is sent" in judges_page.text


def test_a_row_that_went_bad_since_the_preview_stops_the_send(site: Site, contest_id: int) -> None:
    site.sign_in_as("organizer")
    page = f"/manage/contests/{contest_id}/judges/list"
    preview = submit(site, page, file=GOOD_JUDGES)
    site.add_user("organizer", "reader@uni.edu", name="Reader")
    response = submit(site, page, action="send", list_text=sent_text(preview))
    assert response.status_code == 400
    assert "already an organizer" in response.text
    assert site.value("SELECT count(*) FROM invitations") == 0


def test_participants_invited_from_pasted_lines_get_a_link_that_makes_their_account(
    site: Site,
) -> None:
    site.sign_in_as("organizer")
    page = "/manage/people/invite"
    preview = submit(site, page, addresses="Ana Ng, ana@uni.edu, ARCH\n")
    assert preview.status_code == 200 and "Send to 1 person" in preview.text
    response = submit(site, page, action="send", list_text=sent_text(preview))
    assert response.status_code == 303 and response.headers["location"].endswith("/manage/people")
    body = site.value("SELECT body FROM outbox WHERE recipient = 'ana@uni.edu'")
    token = LINK.search(body)
    assert token is not None
    site.client.cookies.clear()
    accept = f"/invitations/{token.group(1)}"
    form = site.client.get(accept)
    assert 'value="Ana Ng"' in form.text
    answer = site.post(
        accept,
        {
            "display_name": "Ana Ng",
            "affiliation": "student",
            "department": "ARCH",
            "password": "a long password",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    row = site.rows(
        "SELECT role, department, email_verified_at FROM users WHERE email = ?", ("ana@uni.edu",)
    )[0]
    assert row["role"] == "participant" and row["department"] == "ARCH"
    assert row["email_verified_at"] is not None


def test_people_page_lists_voters_apart_from_participants(site: Site, contest_id: int) -> None:
    site.sign_in_as("organizer")
    author = site.add_user("participant", "author@uni.edu", name="Ada Author")
    site.add_user("participant", "voter@uni.edu", name="Vic Voter")
    contest = site.run(contest_store.get_contest, site.db, contest_id)
    site.run(add_entry, site.db, site.storage, contest, site.user(author), status="pending")
    page = site.client.get("/manage/people").text
    participants = page.split('id="participants-heading"')[1].split('id="voters-heading"')[0]
    voters = page.split('id="voters-heading"')[1]
    assert "Participants (1)" in page and "Ada Author" in participants
    assert "Vic Voter" not in participants
    assert "Vic Voter" in voters and "(1)" in voters.split("</h2>")[0]


def test_an_invitation_for_an_address_that_signed_up_since_links_that_account(
    site: Site,
) -> None:
    site.sign_in_as("organizer")
    page = "/manage/people/invite"
    preview = submit(site, page, addresses="ana@uni.edu\n")
    submit(site, page, action="send", list_text=sent_text(preview))
    token = LINK.search(site.value("SELECT body FROM outbox WHERE recipient = 'ana@uni.edu'"))
    assert token is not None
    ana = site.add_user("participant", "ana@uni.edu", name="Ana Ng")
    site.execute("UPDATE users SET email_verified_at = NULL WHERE id = ?", (ana,))
    site.client.cookies.clear()
    accept = f"/invitations/{token.group(1)}"
    assert "Accept and sign in" in site.client.get(accept).text
    answer = site.post(accept, {}, follow_redirects=False)
    assert answer.status_code == 303
    assert site.value("SELECT email_verified_at FROM users WHERE id = ?", (ana,)) is not None
    assert site.value("SELECT accepted_by FROM invitations") == ana
    assert site.value("SELECT count(*) FROM users WHERE email = 'ana@uni.edu'") == 1


BIG5_PEOPLE = "name,email\n陳大文,chan@uni.edu\n張偉,cheung@uni.edu\n".encode("cp950")


def carried_file(response: Any) -> str:
    """The file's bytes (base64) carried by the preview's read-it-another-way form."""
    match = re.search(r'name="file_data" value="([^"]*)"', response.text)
    assert match, "no other reading offered"
    return match.group(1)


def test_a_big5_participant_list_is_read_as_traditional_chinese_and_sent_so(site: Site) -> None:
    site.sign_in_as("organizer")
    page = "/manage/people/invite"
    preview = submit(site, page, file=BIG5_PEOPLE)
    assert preview.status_code == 200
    assert 'Read as Chinese (Traditional, Big5): <span class="sample">陳大文 · 張偉' in preview.text
    assert 'value="gb18030" class="button secondary">Read as Chinese (Simplified' in preview.text
    assert "<td>2</td><td>陳大文<br>" in preview.text and "Send to 2 people" in preview.text
    assert sent_text(preview).startswith("name,email\n陳大文,chan@uni.edu")
    response = submit(site, page, action="send", list_text=sent_text(preview))
    assert response.status_code == 303
    invited = site.rows("SELECT email, display_name FROM invitations ORDER BY id")
    assert invited == [
        {"email": "chan@uni.edu", "display_name": "陳大文"},
        {"email": "cheung@uni.edu", "display_name": "張偉"},
    ]


def test_the_organizer_can_read_the_same_file_another_way_without_choosing_it_again(
    site: Site,
) -> None:
    site.sign_in_as("organizer")
    page = "/manage/people/invite"
    file_data = carried_file(submit(site, page, file=BIG5_PEOPLE))
    other = submit(site, page, file_data=file_data, encoding="cp1252")
    assert other.status_code == 200
    assert "The file is not UTF-8. Read as Western European (Windows-1252)" in other.text
    latin = BIG5_PEOPLE.decode("cp1252")
    assert sent_text(other) == latin.replace("\r\n", "\n")
    back = submit(site, page, file_data=carried_file(other), encoding="cp950")
    assert sent_text(back).startswith("name,email\n陳大文,")
    refused = submit(site, page, file_data=file_data, encoding="utf-7")
    assert refused.status_code == 400 and "cannot be read as that encoding" in refused.text
    assert site.value("SELECT count(*) FROM invitations") == 0


def test_a_gb18030_judge_list_is_read_as_simplified_chinese(site: Site, contest_id: int) -> None:
    site.sign_in_as("organizer")
    gb = "name,email\n李明,li@uni.edu\n王芳,wang@uni.edu\n".encode("gb18030")
    preview = submit(site, f"/manage/contests/{contest_id}/judges/list", file=gb)
    assert 'Read as Chinese (Simplified, GB18030): <span class="sample">李明 · 王芳' in preview.text
    assert sent_text(preview).startswith("name,email\n李明,li@uni.edu\n王芳,")
