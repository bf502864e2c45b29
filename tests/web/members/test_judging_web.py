"""Judges score blind; organizers follow progress, decide awards, publish and export."""

import csv
import io
import json
from typing import Any

import pytest

from contest.accounts import users
from contest.contests import store as contest_store
from contest.contests.model import Criterion
from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import add_account, add_contest, add_entry

AUTHORS = [("ann@uni.edu", "Ann Author", "CIVL"), ("bob@uni.edu", "Bob Builder", "ARTS")]
RUBRIC = (
    Criterion("Relevance to the theme", 2),
    Criterion("Creativity", 1),
    Criterion("Technical quality", 1),
)


@pytest.fixture
def judged(site: Site) -> dict[str, Any]:
    """A contest in its judging phase with two approved entries and a pending one, two judges
    (each entry wants both) and an organizer, who moderated the entries."""
    now = site.clock()

    async def create() -> dict[str, Any]:
        contest = await add_contest(
            site.db, Phase.JUDGING, now=now, criteria=RUBRIC, min_judges_per_entry=2
        )
        organizer = await add_account(
            site.db, site.passwords, email="moderator@uni.edu", role="organizer", now=now
        )
        ann, bob = [
            await add_account(
                site.db, site.passwords, email=email, name=name, department=dept, now=now
            )
            for email, name, dept in AUTHORS
        ]
        entries = [
            await add_entry(
                site.db, site.storage, contest, author, title=title, moderator=organizer, now=now
            )
            for author, title in ((ann, "Reading room at dawn"), (bob, "Stacks at dusk"))
        ]
        await add_entry(
            site.db, site.storage, contest, ann, title="Still pending", status="pending", now=now
        )
        return {"contest": contest.id, "entries": entries, "organizer": organizer.id}

    judged = site.run(create)
    judged["judges"] = [
        site.add_user("judge", f"judge{i}@uni.edu", name=f"Judge {i}") for i in range(2)
    ]
    for judge in judged["judges"]:
        site.run(contest_store.assign_judge, site.db, contest_id=judged["contest"], user_id=judge)
    criteria = [r["id"] for r in site.rows("SELECT id FROM rubric_criteria ORDER BY position")]
    return judged | {"criteria": criteria}


def score(site: Site, contest_id: int, entry_id: int, values: list[int], note: str = "") -> Any:
    page = f"/judging/{contest_id}/entries/{entry_id}"
    criteria = [r["id"] for r in site.rows("SELECT id FROM rubric_criteria ORDER BY position")]
    data = {f"score_{c}": str(v) for c, v in zip(criteria, values, strict=True)} | {"note": note}
    return site.post(page, data, follow_redirects=False)


def test_judge_pages_never_show_who_took_the_photo(site: Site, judged: dict[str, Any]) -> None:
    site.sign_in("judge0@uni.edu")
    contest = judged["contest"]
    pages = ["/judging", f"/judging/{contest}"] + [
        f"/judging/{contest}/entries/{e}" for e in judged["entries"]
    ]
    for path in pages:
        html = site.client.get(path).text
        for email, name, dept in AUTHORS:
            for secret in (email, name, name.split()[0], dept):
                assert secret not in html, (path, secret)
        assert "likes" not in html.lower()


def test_queue_serves_the_least_scored_entries_first_and_counts_progress(
    site: Site, judged: dict[str, Any]
) -> None:
    contest, (first, second) = judged["contest"], judged["entries"]
    site.sign_in("judge1@uni.edu")
    assert score(site, contest, second, [5, 5, 5]).status_code == 303
    site.client.cookies.clear()
    site.sign_in("judge0@uni.edu")
    queue = site.client.get(f"/judging/{contest}").text
    assert "0 of 2 scored" in queue
    # The entry nobody has scored comes before the one judge 1 already scored.
    assert f'/judging/{contest}/entries/{first}">Start scoring' in queue
    assert queue.index(f"entries/{first}") < queue.index(f"entries/{second}")
    response = score(site, contest, first, [7, 8, 9], note="Lovely light")
    assert response.headers["location"].endswith(f"/judging/{contest}/entries/{second}")
    assert "1 of 2 scored" in site.client.get(f"/judging/{contest}").text
    rows = site.rows(
        "SELECT value FROM review_scores WHERE entry_id = ? AND judge_id = ? ORDER BY criterion_id",
        (first, judged["judges"][0]),
    )
    assert [r["value"] for r in rows] == [7, 8, 9]
    assert (
        site.value(
            "SELECT note FROM reviews WHERE entry_id = ? AND judge_id = ?",
            (first, judged["judges"][0]),
        )
        == "Lovely light"
    )
    score(site, contest, first, [1, 2, 3])  # revised while judging is open
    rows = site.rows(
        "SELECT value FROM review_scores WHERE entry_id = ? AND judge_id = ?",
        (first, judged["judges"][0]),
    )
    assert sorted(r["value"] for r in rows) == [1, 2, 3]


def test_a_judge_never_sees_another_judges_scores(site: Site, judged: dict[str, Any]) -> None:
    contest, entry = judged["contest"], judged["entries"][0]
    site.sign_in("judge1@uni.edu")
    score(site, contest, entry, [7, 3, 9], note="Secret thoughts of judge one")
    site.client.cookies.clear()
    site.sign_in("judge0@uni.edu")
    page = site.client.get(f"/judging/{contest}/entries/{entry}").text
    assert "Secret thoughts" not in page and " checked" not in page
    assert "1 judge" not in page and "scored by" not in page.lower()


def test_scores_outside_the_scale_or_missing_are_refused(
    site: Site, judged: dict[str, Any]
) -> None:
    site.sign_in("judge0@uni.edu")
    response = score(site, judged["contest"], judged["entries"][0], [11, 5, 0])
    assert response.status_code == 400 and "go from 1 to 10" in response.text
    assert site.value("SELECT count(*) FROM review_scores") == 0


def test_nobody_scores_outside_the_judging_phase(site: Site, judged: dict[str, Any]) -> None:
    site.sign_in("judge0@uni.edu")
    site.clock.advance(days=6)
    response = score(site, judged["contest"], judged["entries"][0], [5, 5, 5])
    assert response.status_code == 409 and "read-only" in response.text
    assert site.value("SELECT count(*) FROM reviews") == 0


def judge_with_a_photo_entered(site: Site, judged: dict[str, Any]) -> tuple[str, int]:
    """A participant whose photo was approved, since made a judge on the panel: their email
    and the photo's id."""
    now = site.clock()
    contest = site.run(contest_store.get_contest, site.db, judged["contest"])
    organizer = site.user(judged["organizer"])
    jude = site.run(
        add_account, site.db, site.passwords, email="jude@uni.edu", name="Jude Judge", now=now
    )
    own = site.run(
        add_entry,
        site.db,
        site.storage,
        contest,
        jude,
        title="Judge's own photo",
        moderator=organizer,
        now=now,
    )
    site.run(users.set_role, site.db, user_id=jude.id, role="judge", acting_user_id=organizer.id)
    site.run(contest_store.assign_judge, site.db, contest_id=contest.id, user_id=jude.id)
    return jude.email, own


def test_pending_and_own_entries_are_not_in_a_judges_queue(
    site: Site, judged: dict[str, Any]
) -> None:
    contest = judged["contest"]
    pending = int(site.value("SELECT id FROM entries WHERE status = 'pending'"))
    judge, own = judge_with_a_photo_entered(site, judged)
    site.sign_in(judge)
    for entry in (pending, own):
        assert site.client.get(f"/judging/{contest}/entries/{entry}").status_code == 404
        assert score(site, contest, entry, [5, 5, 5]).status_code == 404
    assert "0 of 2 scored" in site.client.get(f"/judging/{contest}").text  # not 0 of 4


def test_conflict_of_interest_takes_the_entry_out_and_is_recorded(
    site: Site, judged: dict[str, Any]
) -> None:
    contest, entry = judged["contest"], judged["entries"][0]
    site.sign_in("judge0@uni.edu")
    score(site, contest, entry, [5, 5, 5])
    page = f"/judging/{contest}/entries/{entry}"
    response = site.post(
        f"{page}/conflict", {"reason": "She is my sister"}, form_page=page, follow_redirects=False
    )
    assert response.status_code == 303
    assert site.client.get(page).status_code == 404
    assert "0 of 1 scored" in site.client.get(f"/judging/{contest}").text
    assert site.value("SELECT count(*) FROM reviews") == 0
    assert "She is my sister" in site.value(
        "SELECT details FROM audit_log WHERE action = 'conflict'"
    )


def test_a_judge_cannot_touch_another_panel(site: Site, judged: dict[str, Any]) -> None:
    site.add_user("judge", "outsider@uni.edu")
    site.sign_in("outsider@uni.edu")
    assert site.client.get(f"/judging/{judged['contest']}").status_code == 403
    assert score(site, judged["contest"], judged["entries"][0], [5, 5, 5]).status_code == 403


@pytest.mark.parametrize("role", ["participant", None])
def test_participants_and_visitors_reach_no_judging_page(
    site: Site, judged: dict[str, Any], role: str | None
) -> None:
    if role:
        site.sign_in("ann@uni.edu")
    for path in (
        "/judging",
        f"/judging/{judged['contest']}",
        f"/judging/{judged['contest']}/entries/{judged['entries'][0]}",
    ):
        response = site.client.get(path, follow_redirects=False)
        assert response.status_code == (403 if role else 303), path


def test_organizer_ranks_overrides_publishes_and_exports(
    site: Site, judged: dict[str, Any]
) -> None:
    contest, (first, second) = judged["contest"], judged["entries"]
    for index, values in enumerate(([9, 9, 9], [4, 4, 4])):
        site.client.cookies.clear()
        site.sign_in(f"judge{index}@uni.edu")
        score(site, contest, first, values)
        score(site, contest, second, [v - 2 for v in values])
    site.client.cookies.clear()
    site.sign_in_as("organizer", "org@uni.edu")
    page = site.client.get(f"/manage/contests/{contest}/results").text
    assert "Ann Author" in page and "Judge 0" in page and "No likes yet." in page
    award_page = f"/manage/contests/{contest}/results"
    refused = site.post(
        f"{award_page}/award",
        {"award": "champion", "entry_id": str(second), "reason": ""},
        form_page=award_page,
    )
    assert refused.status_code == 400 and "Give the reason" in refused.text
    site.post(
        f"{award_page}/award",
        {
            "award": "champion",
            "entry_id": str(second),
            "reason": "Stronger story",
            "citation": "A quiet masterpiece.",
        },
        form_page=award_page,
    )
    assert "Stronger story" in site.value("SELECT details FROM audit_log WHERE action = 'override'")
    early = site.post(f"{award_page}/publish", {}, form_page=award_page)
    assert early.status_code == 409
    site.clock.advance(days=4)  # judging and voting have closed; results are a day away
    asked = site.post(f"{award_page}/publish", {}, form_page=award_page)
    assert "Publish the results?" in asked.text  # the gaps first, then a confirmation
    assert site.value("SELECT results_published_at FROM contests") is None
    site.post(f"{award_page}/publish", {"confirm": "yes"}, form_page=award_page)
    assert site.value("SELECT results_published_at FROM contests") is not None
    slug = site.value("SELECT slug FROM contests")
    site.client.cookies.clear()
    assert "will be announced" in site.client.get(f"/contests/{slug}/winners").text
    site.clock.advance(days=1)
    winners = site.client.get(f"/contests/{slug}/winners").text
    assert "Champion" in winners and "Stacks at dusk" in winners
    assert "A quiet masterpiece." in winners
    assert "Bob Builder" in winners and "ARTS" in winners and "bob@uni.edu" not in winners
    site.sign_in("org@uni.edu")
    exported = site.client.get(f"/manage/contests/{contest}/results.csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["entry_id"] for r in rows] == [str(first), str(second)]
    judge0 = judged["judges"][0]
    assert rows[0][f"Judge 0 (#{judge0}) · Relevance to the theme"] == "9.0"
    assert "email" not in rows[0]
    assert rows[1]["award"] == "Champion"
    data = json.loads(site.client.get(f"/manage/contests/{contest}/results.json?emails=1").text)
    assert data[0]["email"] == "ann@uni.edu" and data[0]["standardised_final"] == pytest.approx(1.0)
    audit = site.client.get(f"/manage/contests/{contest}/audit.csv").text
    assert "override" in audit and "publish" in audit


def test_entries_below_the_minimum_are_flagged(site: Site, judged: dict[str, Any]) -> None:
    contest, (first, _) = judged["contest"], judged["entries"]
    site.sign_in("judge0@uni.edu")
    score(site, contest, first, [5, 5, 5])
    site.client.cookies.clear()
    site.sign_in_as("organizer", "org@uni.edu")
    page = site.client.get(f"/manage/contests/{contest}/results").text
    assert "below minimum" in page
    progress = site.client.get(f"/manage/contests/{contest}/judging").text
    assert "1 of 2" in progress and "0 of 2" in progress
    response = site.post(
        f"/manage/contests/{contest}/judging/remind",
        {},
        form_page=f"/manage/contests/{contest}/judging",
        follow_redirects=False,
    )
    assert response.status_code == 303
    reminders = site.rows(
        "SELECT recipient FROM outbox WHERE subject LIKE '%waiting for your scores'"
        " ORDER BY recipient"
    )
    assert [r["recipient"] for r in reminders] == ["judge0@uni.edu", "judge1@uni.edu"]


def test_conflict_after_judging_closes_changes_nothing(site: Site, judged: dict[str, Any]) -> None:
    contest, entry = judged["contest"], judged["entries"][0]
    site.sign_in("judge0@uni.edu")
    score(site, contest, entry, [5, 5, 5])
    site.clock.advance(days=6)
    page = f"/judging/{contest}/entries/{entry}"
    response = site.post(f"{page}/conflict", {"reason": "late"}, form_page=page)
    assert response.status_code == 409
    assert site.value("SELECT count(*) FROM review_scores") == 3


def test_rubric_is_locked_once_scoring_started_but_weights_may_change(
    site: Site, judged: dict[str, Any]
) -> None:
    from contest.contests.form import settings_to_form

    contest = judged["contest"]
    site.sign_in("judge0@uni.edu")
    score(site, contest, judged["entries"][0], [5, 5, 5])
    site.client.cookies.clear()
    site.sign_in_as("organizer", "org@uni.edu")
    form = settings_to_form(site.run(contest_store.get_contest, site.db, contest).settings)
    data = {name: form.getlist(name) for name in form._values}
    edit = f"/manage/contests/{contest}/edit"
    added = site.post(edit, data | {"criterion_3_name": "Story", "criterion_3_weight": "1"})
    assert added.status_code == 400 and "can no longer change" in added.text
    reweighted = site.post(edit, data | {"criterion_0_weight": "3"}, follow_redirects=False)
    assert reweighted.status_code == 303
    assert site.value("SELECT count(*) FROM rubric_criteria") == 3


def test_removed_judges_scores_still_show_in_the_export(site: Site, judged: dict[str, Any]) -> None:
    contest, entry = judged["contest"], judged["entries"][0]
    site.sign_in("judge1@uni.edu")
    score(site, contest, entry, [8, 8, 8])
    site.run(
        contest_store.unassign_judge,
        site.db,
        contest_id=contest,
        user_id=judged["judges"][1],
    )
    site.client.cookies.clear()
    site.sign_in_as("organizer", "org@uni.edu")
    data = json.loads(site.client.get(f"/manage/contests/{contest}/results.json").text)
    row = next(r for r in data if r["entry_id"] == entry)
    assert row[f"Judge 1 (#{judged['judges'][1]}) · Creativity"] == 8.0
