"""Organizers copy a contest as next year's, and move a contest's whole calendar at once."""

from __future__ import annotations

import re

from contest.contests import store as contest_store
from contest.contests.form import copy_form
from contest.contests.model import Criterion
from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import DAY, add_account, add_contest, add_entry, add_judge


def old_contest(site: Site) -> int:
    """Last year's contest, with a judge, an entry and its own texts; returns its id."""
    now = site.clock()

    async def create() -> int:
        contest = await add_contest(
            site.db,
            Phase.SUBMISSIONS,
            now=now,
            title="Spring Light 2026",
            timezone="Europe/Berlin",
            categories=("Day", "Night"),
            criteria=(Criterion("Light", 3), Criterion("Story", 1)),
            rules_md="Only **your own** photos.",
        )
        await add_judge(site.db, site.passwords, contest, email="ann.judge@uni.edu")
        author = await add_account(site.db, site.passwords, email="pat@uni.edu", now=now)
        await add_entry(
            site.db, site.storage, contest, author, status="pending", category="Day", now=now
        )
        return contest.id

    return site.run(create)


def copy_data(site: Site, contest_id: int, **changes: str) -> dict[str, str | list[str]]:
    """The copy form as the page fills it in, with changes."""
    form = copy_form(site.run(contest_store.get_contest, site.db, contest_id).settings)
    return {name: form.getlist(name) for name in form.as_dict()} | changes


def test_the_copy_button_shows_next_years_form_filled_in_and_creates_nothing(site: Site) -> None:
    old_id = old_contest(site)
    site.sign_in_as("organizer")
    manage = site.client.get("/manage").text
    assert f'href="http://testserver/manage/contests/{old_id}/copy">Copy as a new contest' in manage
    page = site.client.get(f"/manage/contests/{old_id}/copy")
    assert page.status_code == 200
    assert "A copy of “Spring Light 2026”" in page.text
    assert 'value="Spring Light 2027"' in page.text
    # 09:00 UTC on 27 February 2026 was 10:00 in Berlin: a year later, at 10:00 in Berlin.
    assert 'name="submissions_open" type="datetime-local" value="2027-02-27T10:00"' in page.text
    assert "Only **your own** photos." in page.text
    assert 'value="Light"' in page.text and 'value="Story"' in page.text
    assert re.search(r'name="is_published"[^>]*checked', page.text) is None
    assert f'action="http://testserver/manage/contests/{old_id}/copy"' in page.text
    assert site.value("SELECT count(*) FROM contests") == 1


def test_the_copy_is_created_unpublished_without_entries_and_offers_the_judges(
    site: Site,
) -> None:
    old_id = old_contest(site)
    site.sign_in_as("organizer")
    copy_page = f"/manage/contests/{old_id}/copy"
    response = site.post(copy_page, copy_data(site, old_id), follow_redirects=False)
    assert response.status_code == 303, response.text
    row = site.rows("SELECT * FROM contests WHERE id != ?", (old_id,))[0]
    new_id = row["id"]
    assert response.headers["location"].endswith(
        f"/manage/contests/{new_id}/judges/again?from={old_id}"
    )
    assert (row["slug"], row["title"], row["is_published"]) == (
        "spring-light-2027",
        "Spring Light 2027",
        0,
    )
    assert row["rules_md"] == "Only **your own** photos."
    assert row["submissions_open"] == "2027-02-27T09:00:00Z"
    assert [
        r["name"]
        for r in site.rows(
            "SELECT name FROM categories WHERE contest_id = ? ORDER BY position", (new_id,)
        )
    ] == ["Day", "Night"]
    assert site.rows(
        "SELECT name, weight FROM rubric_criteria WHERE contest_id = ? ORDER BY position",
        (new_id,),
    ) == [{"name": "Light", "weight": 3}, {"name": "Story", "weight": 1}]
    assert site.value("SELECT count(*) FROM entries WHERE contest_id = ?", (new_id,)) == 0
    assert site.value("SELECT count(*) FROM contest_judges WHERE contest_id = ?", (new_id,)) == 0

    again = f"/manage/contests/{new_id}/judges/again?from={old_id}"
    page = site.client.get(again).text
    assert "Judges of “Spring Light 2026”" in page
    judge_id = site.value("SELECT id FROM users WHERE email = 'ann.judge@uni.edu'")
    assert f'name="user_id" value="{judge_id}"' in page
    response = site.post(again, {"user_id": str(judge_id)}, follow_redirects=False)
    assert response.status_code == 303
    assert site.rows("SELECT user_id FROM contest_judges WHERE contest_id = ?", (new_id,)) == [
        {"user_id": judge_id}
    ]
    page = site.client.get(again).text
    assert f'name="user_id" value="{judge_id}"' not in page
    assert "is on the new panel already" in page


def test_a_bad_field_in_the_copy_keeps_what_was_typed(site: Site) -> None:
    old_id = old_contest(site)
    site.sign_in_as("organizer")
    data = copy_data(site, old_id, title="X", theme="My typed theme")
    response = site.post(f"/manage/contests/{old_id}/copy", data)
    assert response.status_code == 400
    assert "Give the contest a title of at least 3 characters." in response.text
    assert 'value="My typed theme"' in response.text
    assert f'action="http://testserver/manage/contests/{old_id}/copy"' in response.text
    assert site.value("SELECT count(*) FROM contests") == 1


def test_only_organizers_copy_and_every_post_needs_the_form_token(site: Site) -> None:
    old_id = old_contest(site)
    site.sign_in_as("participant")
    assert site.client.get(f"/manage/contests/{old_id}/copy").status_code == 403
    assert site.client.get(f"/manage/contests/{old_id}/shift-dates").status_code == 403
    site.client.cookies.clear()
    site.sign_in_as("organizer")
    data = copy_data(site, old_id)
    assert site.client.post(f"/manage/contests/{old_id}/copy", data=data).status_code == 400
    shift = {"days": "7", "confirm": "yes"}
    assert site.client.post(f"/manage/contests/{old_id}/shift-dates", data=shift).status_code == 400
    assert site.value("SELECT count(*) FROM contests") == 1


def test_moving_every_date_shows_them_first_then_stores_and_audits(site: Site) -> None:
    old_id = old_contest(site)
    organizer_id = site.sign_in_as("organizer")
    edit = site.client.get(f"/manage/contests/{old_id}/edit").text
    assert f'href="http://testserver/manage/contests/{old_id}/shift-dates"' in edit
    shift_page = f"/manage/contests/{old_id}/shift-dates"
    before = site.rows("SELECT * FROM contests")[0]

    preview = site.post(shift_page, {"days": "7"})
    assert preview.status_code == 200
    assert "27 Feb 2026 10:00" in preview.text and "6 Mar 2026 10:00" in preview.text
    assert 'name="confirm" value="yes"' in preview.text
    assert site.rows("SELECT * FROM contests")[0] == before

    seen = re.search(r'name="seen" value="([^"]+)"', preview.text)
    assert seen
    confirm = {"days": "7", "seen": seen.group(1), "confirm": "yes"}
    response = site.post(shift_page, confirm, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/manage/contests/{old_id}/edit")
    after = site.rows("SELECT * FROM contests")[0]
    assert after["submissions_open"] == "2026-03-06T09:00:00Z"
    assert after["results_at"] == "2026-03-28T09:00:00Z"
    assert (after["title"], after["slug"]) == (before["title"], before["slug"])
    audit = site.rows("SELECT actor_id, details FROM audit_log WHERE action = 'settings'")
    assert len(audit) == 1 and audit[0]["actor_id"] == organizer_id
    assert (
        "When submissions open: 2026-02-27 10:00 Europe/Berlin → 2026-03-06 10:00"
        in (audit[0]["details"])
    )

    again = site.post(shift_page, confirm)
    assert again.status_code == 400
    assert "perhaps this move was already made" in again.text
    assert site.value("SELECT submissions_open FROM contests") == "2026-03-06T09:00:00Z"


def test_a_bad_number_of_days_is_refused_and_kept(site: Site) -> None:
    old_id = old_contest(site)
    site.sign_in_as("organizer")
    shift_page = f"/manage/contests/{old_id}/shift-dates"
    before = site.rows("SELECT * FROM contests")[0]
    for typed in ("0", "400", "a week"):
        response = site.post(shift_page, {"days": typed})
        assert response.status_code == 400
        assert "from -365 to 365, not 0" in response.text
        assert f'value="{typed}"' in response.text
        assert 'name="confirm"' not in response.text
    assert site.rows("SELECT * FROM contests")[0] == before
    assert site.value("SELECT count(*) FROM audit_log") == 0


def test_a_calendar_moved_out_of_range_is_refused_before_confirmation(site: Site) -> None:
    site.run(add_contest, site.db, now=site.clock().replace(year=2200, month=12) - DAY)
    contest_id = site.value("SELECT id FROM contests")
    site.sign_in_as("organizer")
    response = site.post(f"/manage/contests/{contest_id}/shift-dates", {"days": "60"})
    assert response.status_code == 400
    assert "years 2000 to 2200" in response.text
    assert 'name="confirm"' not in response.text
