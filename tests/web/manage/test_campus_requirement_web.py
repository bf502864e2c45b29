"""A contest can ask for campus sign-in only on a site that has it set up, and a like from an
account the campus never vouched for is refused in every voting mode (the real provider's
tests, with a site that has campus sign-in, are in tests/oidc/test_campus_sign_in.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from contest.contests.form import settings_to_form
from contest.contests.model import Contest
from contest.contests.phases import Phase
from contest.core.errors import NotSignedIn
from contest.voting.likes import CAMPUS_TO_VOTE, voter_for
from tests.conftest import Site
from tests.factories import add_contest, contest_settings


def test_a_site_without_campus_sign_in_cannot_ask_for_it(site: Site) -> None:
    site.add_user("organizer", "org@uni.edu")
    site.sign_in("org@uni.edu")
    contest = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock())
    path = f"/manage/contests/{contest.id}/edit"
    fields = settings_to_form(contest.settings).as_dict() | {"campus_sign_in_for": "entering"}
    refused = site.post(path, fields, form_page=path)
    assert refused.status_code == 400
    assert "This site has no campus sign-in set up" in refused.text
    assert site.value("SELECT campus_sign_in_for FROM contests") == ""
    odd = site.post(path, fields | {"campus_sign_in_for": "always"}, form_page=path)
    assert odd.status_code == 400 and "Choose what campus sign-in is asked for" in odd.text


@pytest.mark.parametrize("mode", ["accounts", "email", "device"])
def test_only_campus_accounts_and_organizers_vote_where_the_campus_is_asked_for(
    site: Site, mode: str
) -> None:
    settings = contest_settings(Phase.VOTING, voting_mode=mode, campus_sign_in_for="both")
    contest = Contest(id=1, slug="c", settings=settings, created_at=site.clock())
    person = site.user(site.add_user("participant", "pat@uni.edu"))
    organizer = site.user(site.add_user("organizer", "org@uni.edu"))
    kwargs = {"browser_id": "b" * 32, "address": "10.0.0.1", "email_voter": "mail:key"}
    for refused in (None, person):
        with pytest.raises(NotSignedIn) as error:
            voter_for(contest, refused, **kwargs)
        assert error.value.message == CAMPUS_TO_VOTE
    assert voter_for(contest, replace(person, campus=True), **kwargs).kind == "vote"
    assert voter_for(contest, organizer, **kwargs).kind == "pick"
