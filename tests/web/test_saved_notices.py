"""Saving a contest's settings and a judge's scores each say so on the page that follows."""

from __future__ import annotations

from typing import Any

from contest.contests import store as contest_store
from contest.contests.form import settings_to_form
from tests.conftest import Site
from tests.web.manage.test_contests_web import contest_form
from tests.web.members.test_judging_web import judged, score  # noqa: F401  (a fixture)
from tests.web.test_notices import notice_in


def test_saving_a_contests_settings_says_they_are_saved_once(site: Site) -> None:
    site.sign_in_as("organizer")
    site.post("/manage/contests/new", contest_form(site), follow_redirects=False)
    contest_id = site.value("SELECT id FROM contests")
    edit_page = f"/manage/contests/{contest_id}/edit"
    form = settings_to_form(site.run(contest_store.get_contest, site.db, contest_id).settings)
    data = {name: form.getlist(name) for name in form._values} | {"title": "Spring Light II"}
    saved = site.post(edit_page, data)
    assert saved.status_code == 200 and str(saved.url).endswith("/contests/spring-light")
    assert notice_in(saved.text) == "Done: the settings are saved."
    assert site.value("SELECT title FROM contests") == "Spring Light II"
    assert notice_in(site.client.get("/contests/spring-light").text) is None


def test_refused_settings_leave_no_saved_notice(site: Site) -> None:
    site.sign_in_as("organizer")
    site.post("/manage/contests/new", contest_form(site), follow_redirects=False)
    contest_id = site.value("SELECT id FROM contests")
    edit_page = f"/manage/contests/{contest_id}/edit"
    refused = site.post(edit_page, contest_form(site, title=""))
    assert refused.status_code == 400 and notice_in(refused.text) is None
    assert site.value("SELECT title FROM contests") == "Spring Light"


def test_save_and_next_tells_the_judge_the_scores_are_saved(
    site: Site,
    judged: dict[str, Any],  # noqa: F811
) -> None:
    contest, (first, second) = judged["contest"], judged["entries"]
    site.sign_in("judge0@uni.edu")
    response = score(site, contest, first, [7, 8, 9])
    assert response.headers["location"].endswith(f"/judging/{contest}/entries/{second}")
    next_page = site.client.get(response.headers["location"]).text
    assert notice_in(next_page) == "Done: your scores are saved."
    last = score(site, contest, second, [4, 5, 6])
    assert last.headers["location"].endswith(f"/judging/{contest}")
    assert notice_in(site.client.get(last.headers["location"]).text) == (
        "Done: your scores are saved."
    )
    judge = judged["judges"][0]
    scored = site.value("SELECT count(*) FROM review_scores WHERE judge_id = ?", (judge,))
    assert scored == 6


def test_scores_refused_leave_no_saved_notice(site: Site, judged: dict[str, Any]) -> None:  # noqa: F811
    site.sign_in("judge0@uni.edu")
    refused = score(site, judged["contest"], judged["entries"][0], [11, 5, 0])
    assert refused.status_code == 400 and notice_in(refused.text) is None
    assert site.value("SELECT count(*) FROM review_scores") == 0
