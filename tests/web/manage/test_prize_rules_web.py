"""The results page names People's Choice and who was passed over; published results lock the
rules that decided them on the settings form; every settings change reaches the audit log."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest

from contest.contests import store as contest_store
from contest.contests.form import settings_to_form
from tests.conftest import Site
from tests.factories import add_like, add_published_results, add_ranked_contest

ORGANIZER = "org@uni.edu"


@pytest.fixture
def judged(site: Site) -> dict[str, Any]:
    """A contest judging and voting by device: Ann's two photos ranked first and second,
    Bob's third and liked most; the organizer signed in."""
    now = site.clock()

    async def create() -> dict[str, Any]:
        made = await add_ranked_contest(
            site.db,
            site.passwords,
            site.storage,
            organizer_name="Olivia Organizer",
            now=now,
            voting_mode="device",
            award_per_category=True,  # no categories yet: they stay open until publishing
        )
        contest, organizer, ids = made.contest, made.organizer, made.ids
        for voter in range(12):
            await add_like(site.db, contest, ids["Dusk by the stacks"], f"browser-{voter}", now=now)
        return {"contest": contest, "organizer": organizer, "ids": ids}

    made = site.run(create)
    site.sign_in(ORGANIZER)
    return made


def publish(site: Site, judged: dict[str, Any]) -> None:
    site.clock.advance(days=5)  # judging and voting have closed
    site.run(
        add_published_results, site.db, judged["contest"], judged["organizer"], now=site.clock()
    )


def edit_form(site: Site, contest_id: int) -> dict[str, list[str]]:
    """The stored settings as the edit form would post them."""
    form = settings_to_form(site.run(contest_store.get_contest, site.db, contest_id).settings)
    return {name: form.getlist(name) for name in form.as_dict()}


def test_results_page_names_peoples_choice_with_its_likes(
    site: Site, judged: dict[str, Any]
) -> None:
    contest = judged["contest"]
    page = site.client.get(f"/manage/contests/{contest.id}/results").text
    dusk = judged["ids"]["Dusk by the stacks"]
    assert f"Winner: #{dusk} Dusk by the stacks by Bob Roy · <strong>12 likes</strong>" in page


def test_results_page_shows_who_the_prize_rule_passed_over_and_why(
    site: Site, judged: dict[str, Any]
) -> None:
    contest = judged["contest"]
    page = site.client.get(f"/manage/contests/{contest.id}/results").text
    noon = judged["ids"]["Noon on the steps"]
    runner_up = page[page.index("<h3>1st runner-up</h3>") : page.index("<h3>2nd runner-up</h3>")]
    assert f"Passed over: #{noon} Noon on the steps." in runner_up
    assert "Ann Lee already wins Champion" in runner_up
    assert "one judged prize per person" in runner_up


def test_the_prize_rule_is_on_the_form_and_an_organizer_may_turn_it_off(
    site: Site, judged: dict[str, Any]
) -> None:
    contest = judged["contest"]
    edit = f"/manage/contests/{contest.id}/edit"
    page = site.client.get(edit).text
    assert re.search(r'name="one_judged_prize_per_person" value="on"\s*checked', page)
    assert "One photo may win more than one judges' award" in page
    data = edit_form(site, contest.id)
    del data["one_judged_prize_per_person"]
    response = site.post(edit, data, follow_redirects=False)
    assert response.status_code == 303
    assert site.value("SELECT one_judged_prize_per_person FROM contests") == 0
    page = site.client.get(f"/manage/contests/{contest.id}/results").text
    assert "Passed over" not in page
    assert "One judged prize per person: on → off" in page  # the audit log


def test_after_publishing_the_form_shows_the_rules_read_only(
    site: Site, judged: dict[str, Any]
) -> None:
    contest = judged["contest"]
    edit = f"/manage/contests/{contest.id}/edit"
    assert "Read-only" not in site.client.get(edit).text
    publish(site, judged)
    page = site.client.get(edit).text
    assert "Read-only: the results are published and were decided under these rules." in page
    awards = page[
        page.index("<legend>Awards</legend>") - 60 : page.index("<legend>Awards</legend>")
    ]
    assert "disabled" in awards
    assert '<input type="hidden" name="award_runners_up" value="2">' in page
    assert '<input type="hidden" name="criterion_0_name" value="Relevance to the theme">' in page
    title = page[page.index('name="title"') - 80 : page.index('name="title"')]
    assert "disabled" not in title
    categories = page[page.index('name="categories"') - 400 : page.index('name="categories"')]
    assert "disabled" in categories and "each category has its own award" in categories
    assert '<input type="hidden" name="categories" value="">' in page


def test_a_forged_change_to_a_locked_rule_is_refused_and_nothing_is_stored(
    site: Site, judged: dict[str, Any]
) -> None:
    contest = judged["contest"]
    publish(site, judged)
    edit = f"/manage/contests/{contest.id}/edit"
    forged = edit_form(site, contest.id) | {
        "title": "A new title",
        "award_runners_up": ["1"],
        "score_method": ["raw"],
    }
    response = site.post(edit, forged)
    assert response.status_code == 400
    assert (
        "Runners-up: the results are published and were decided under this rule, so it can no"
        " longer change." in response.text
    )
    assert "Combining scores: the results are published" in response.text
    # The form shows the rules as stored, and keeps what was typed elsewhere.
    assert '<input type="hidden" name="award_runners_up" value="2">' in response.text
    assert 'value="A new title"' in response.text
    row = site.rows("SELECT title, award_runners_up, score_method FROM contests")[0]
    assert row == {"title": "Light at the Library", "award_runners_up": 2, "score_method": "zscore"}
    assert site.value("SELECT count(*) FROM audit_log WHERE action = 'settings'") == 0


def test_after_publishing_a_date_change_is_saved_and_audited_with_who(
    site: Site, judged: dict[str, Any]
) -> None:
    contest = judged["contest"]
    publish(site, judged)
    edit = f"/manage/contests/{contest.id}/edit"
    data = edit_form(site, contest.id)
    data["theme"] = ["Light, all day long"]
    announced = datetime.fromisoformat(str(data["results_at"][0])) + timedelta(days=1)
    data["results_at"] = [announced.strftime("%Y-%m-%dT%H:%M")]
    response = site.post(edit, data, follow_redirects=False)
    assert response.status_code == 303
    assert site.value("SELECT theme FROM contests") == "Light, all day long"
    [row] = site.rows(
        "SELECT users.display_name AS who, details FROM audit_log"
        " JOIN users ON users.id = audit_log.actor_id WHERE action = 'settings'"
    )
    assert row["who"] == "Olivia Organizer"
    assert (
        "Theme: “Light in the library, by day and by night” → “Light, all day long”"
        in (row["details"])
    )
    assert "When the results are announced:" in row["details"]
    audit = site.client.get(f"/manage/contests/{contest.id}/audit.csv").text
    assert "settings" in audit and "Light, all day long" in audit


def test_changing_who_may_like_after_likes_were_given_asks_to_read_what_happens_first(
    site: Site, judged: dict[str, Any]
) -> None:
    contest = judged["contest"]
    edit = f"/manage/contests/{contest.id}/edit"
    data = edit_form(site, contest.id) | {"voting_mode": ["accounts"]}
    asked = site.post(edit, data)
    assert asked.status_code == 400
    assert "likes have been given. Every one stays counted" in asked.text
    assert 'name="confirm_voting_mode" value="yes"' in asked.text
    assert site.value("SELECT voting_mode FROM contests") == "device"

    confirmed = site.post(edit, data | {"confirm_voting_mode": ["yes"]}, follow_redirects=False)
    assert confirmed.status_code == 303
    assert site.value("SELECT voting_mode FROM contests") == "accounts"
    assert site.value("SELECT count(*) FROM counted_likes") >= 12  # nothing lost
