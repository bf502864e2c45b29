"""The People page lists participants invited who have not joined yet, and a list's preview
shows every bad row as it was written."""

import pytest

from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import add_contest, add_departments
from tests.web.manage.test_bulk_invitations_web import sent_text, submit

INVITE = "/manage/people/invite"


def _invited_section(site: Site) -> str:
    page = site.client.get("/manage/people")
    assert page.status_code == 200
    return page.text.split('id="invited-heading"')[1].split("</section>")[0]


def _invite(site: Site, lines: str) -> None:
    preview = submit(site, INVITE, addresses=lines)
    sent = submit(site, INVITE, action="send", list_text=sent_text(preview))
    assert sent.status_code == 303


def test_invited_participants_show_with_who_invited_them_until_they_join(site: Site) -> None:
    site.sign_in_as("organizer", "olive@uni.edu")
    _invite(site, "Ana Ng, ana@uni.edu\nbo@uni.edu\n")
    assert site.value("SELECT count(*) FROM invitations WHERE accepted_at IS NULL") == 2

    invited = _invited_section(site)
    assert "Invited, not yet joined (2)" in invited
    assert "<strong>ana@uni.edu</strong>" in invited and "<strong>bo@uni.edu</strong>" in invited
    assert "by Organizer Person" in invited
    assert invited.count("expires ") == 2

    site.add_user("participant", "bo@uni.edu", name="Bo Brightley")  # signed up meanwhile
    invited = _invited_section(site)
    assert "Invited, not yet joined (1)" in invited and "bo@uni.edu" not in invited


def test_an_expired_invitation_is_marked_expired(site: Site) -> None:
    site.sign_in_as("organizer")
    _invite(site, "ana@uni.edu\n")
    site.clock.advance(days=8)
    invited = _invited_section(site)
    assert "ana@uni.edu" in invited and "expired " in invited and "expires " not in invited


def test_nobody_invited_reads_as_nobody_waiting(site: Site) -> None:
    site.sign_in_as("organizer")
    assert "Nobody is waiting." in _invited_section(site)


def test_a_participant_row_with_an_unknown_department_shows_the_whole_row(site: Site) -> None:
    site.run(add_departments, site.db, ("ARCH", "Architecture"))
    site.sign_in_as("organizer")
    response = submit(site, INVITE, addresses="Ana Ng, ana@uni.edu, ZZZ\nbo@uni.edu, ARCH\n")
    assert response.status_code == 200
    bad = response.text.split('id="bad-rows"')[1].split("</table>")[0]
    assert "<td>1</td><td>Ana Ng,ana@uni.edu,ZZZ</td>" in bad.replace(", ", ",")
    assert "is not on the list of departments" in bad
    assert site.value("SELECT count(*) FROM invitations") == 0


@pytest.fixture
def contest_id(site: Site) -> int:
    contest = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock(), title="Dusk")
    return contest.id


def test_a_judge_row_refused_for_its_account_shows_the_whole_row(
    site: Site, contest_id: int
) -> None:
    site.sign_in_as("organizer")
    site.add_user("organizer", "reader@uni.edu", name="Reader")
    page = f"/manage/contests/{contest_id}/judges/list"
    response = submit(site, page, addresses="Rita Reader, reader@uni.edu\n")
    bad = response.text.split('id="bad-rows"')[1].split("</table>")[0]
    assert "Rita Reader" in bad and "reader@uni.edu" in bad
    assert "already an organizer" in bad
    assert site.value("SELECT count(*) FROM invitations") == 0
