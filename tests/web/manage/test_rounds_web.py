"""Organizers run judging rounds through the pages: open one (bad input kept and explained),
follow it, drop a juror after seeing the handover, close it by a threshold or the top N with
the tie at the cut shown, download who decided what, and see late photos join round 1."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from contest.accounts.users import User
from contest.contests import store as contest_store
from contest.contests.model import Contest
from contest.contests.phases import Phase
from contest.judging.rounds import juror, setup
from contest.judging.rounds.model import Round
from contest.web.manage import rounds
from tests.conftest import Site
from tests.factories import add_account, add_contest, add_entry

ZONE = "Asia/Hong_Kong"


@dataclass
class Built:
    contest: Contest
    organizer: User
    jurors: list[User]
    entries: list[int]


def build(site: Site, *, photos: int = 4, jurors: int = 3, **settings: Any) -> Built:
    """A contest in judging (Hong Kong time) with approved photos by two authors, a pending
    one, and a panel of named jurors; the organizer is signed in. ``settings``: the
    contest's, other than the factory's."""
    now = site.clock()

    async def work() -> Built:
        contest = await add_contest(
            site.db, Phase.JUDGING_AND_VOTING, now=now, timezone=ZONE, **settings
        )
        organizer = await add_account(
            site.db, site.passwords, email="org@uni.edu", role="organizer", name="Olive Org"
        )
        authors = [
            await add_account(site.db, site.passwords, email=f"a{n}@uni.edu", name=f"Author {n}")
            for n in range(2)
        ]
        entries = [
            await add_entry(
                site.db,
                site.storage,
                contest,
                authors[n % 2],
                title=f"Stacks at dusk {n}",
                moderator=organizer,
                now=now,
            )
            for n in range(photos)
        ]
        await add_entry(
            site.db, site.storage, contest, authors[0], title="Late light", status="pending"
        )
        panel = []
        for n in range(jurors):
            person = await add_account(
                site.db,
                site.passwords,
                email=f"juror{n}@uni.edu",
                name=f"Juror {'ABCDE'[n]}",
                role="judge",
            )
            await contest_store.assign_judge(site.db, contest_id=contest.id, user_id=person.id)
            panel.append(person)
        return Built(contest, organizer, panel, entries)

    built = site.run(work)
    site.client.cookies.clear()
    site.sign_in("org@uni.edu")
    return built


def open_round(site: Site, b: Built, kind: str = "yes_no", quorum: int = 3) -> Round:
    now = site.clock()
    plan = setup.RoundPlan(
        kind=kind,
        quorum=quorum,
        jurors=tuple(each.id for each in b.jurors),
        opens_at=now,
        closes_at=now + timedelta(days=7),
    )
    opened = site.run(
        setup.open_round, site.db, contest=b.contest, plan=plan, actor=b.organizer, now=now
    )
    return opened.round


def decide_all(site: Site, b: Built, round_: Round, yes_count: dict[int, int]) -> None:
    """Every juror decides every photo: the first ``yes_count[entry]`` of them say yes."""
    for index, each in enumerate(b.jurors):
        while (task := site.run(juror.next_task, site.db, round_, each)) is not None:
            entry = int(task.row["id"])
            value = float(index < yes_count[entry])
            site.run(juror.decide, site.db, round_, each, task.id, value, site.clock())


def form(b: Built, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "kind": "yes_no",
        "quorum": "2",
        "jurors": [str(each.id) for each in b.jurors],
        "opens_at": "2026-03-02T17:00",
        "closes_at": "2026-03-09T18:00",
        "directions": "Keep photos where the light tells a story.",
    }
    return {**values, **overrides}


def test_a_bad_round_is_refused_with_every_field_explained_and_every_value_kept(
    site: Site,
) -> None:
    b = build(site)
    path = f"/manage/contests/{b.contest.id}/rounds"
    page = site.client.get(path)
    assert page.status_code == 200
    assert page.text.count('name="jurors"') == 3 and page.text.count(" checked") >= 4
    assert "Juror A" in page.text and "juror0@uni.edu" not in page.text

    bad = site.post(
        path,
        form(b, quorum="9", jurors=[str(b.jurors[0].id)], closes_at="2026-03-01T18:00"),
    )
    assert bad.status_code == 400
    assert "Each photo can be seen by 1 to 1 jurors" in bad.text
    assert "The round must close after it opens." in bad.text
    assert 'value="9"' in bad.text and "Keep photos where the light tells a story." in bad.text
    assert 'value="2026-03-01T18:00"' in bad.text
    assert f'value="{b.jurors[0].id}" checked' in bad.text
    assert f'value="{b.jurors[1].id}" checked' not in bad.text
    unreadable = site.post(path, form(b, quorum="three", opens_at="soon"))
    assert (
        unreadable.status_code == 400 and "Type how many jurors see each photo" in unreadable.text
    )
    assert site.value("SELECT count(*) FROM rounds") == 0
    assert site.value("SELECT count(*) FROM round_tasks") == 0


def test_an_organizer_opens_a_round_in_the_contests_time_and_sees_it_running(
    site: Site,
) -> None:
    b = build(site)
    path = f"/manage/contests/{b.contest.id}/rounds"
    # Juror A made photo 0: it gets only the two other jurors of a quorum of three.
    site.execute(
        "UPDATE entries SET participant_id = ? WHERE id = ?", (b.jurors[0].id, b.entries[0])
    )
    opened = site.post(path, form(b, quorum="3", show_description="on"), follow_redirects=False)
    assert opened.status_code == 303
    [row] = site.rows("SELECT * FROM rounds")
    assert opened.headers["location"].endswith(f"/manage/rounds/{row['id']}?opened=1")
    assert (row["kind"], row["quorum"], row["show_description"]) == ("yes_no", 3, 1)
    assert row["opens_at"].startswith("2026-03-02T09:00")  # 17:00 in Hong Kong
    assert row["directions"] == "Keep photos where the light tells a story."
    assert site.value("SELECT count(*) FROM round_tasks") == 11

    page = site.client.get(opened.headers["location"])
    assert page.status_code == 200
    assert "Done: the round is open, with 11 tasks for its jurors." in page.text
    assert (
        "1 photo has fewer than 3 jurors" in page.text and f"#{b.entries[0]}: 2 jurors" in page.text
    )
    assert "0 of 11 decisions" in page.text and "Juror B" in page.text
    assert "juror1@uni.edu" not in page.text and "Stacks at dusk 1" in page.text

    listing = site.client.get(path)
    assert "Round 1" in listing.text and "Open the next round" not in listing.text
    again = site.post(path, form(b), form_page=f"/manage/contests/{b.contest.id}/judging")
    assert again.status_code == 409 and "Close round 1 before opening the next." in again.text
    assert site.value("SELECT count(*) FROM rounds") == 1


def test_judges_and_participants_are_refused_every_round_page(site: Site) -> None:
    b = build(site)
    round_ = open_round(site, b)
    token = site.csrf(f"/manage/rounds/{round_.id}/close")
    paths = [
        f"/manage/contests/{b.contest.id}/rounds",
        f"/manage/rounds/{round_.id}",
        f"/manage/rounds/{round_.id}/pairwise",
        f"/manage/rounds/{round_.id}/handover?juror={b.jurors[0].id}",
        f"/manage/rounds/{round_.id}/close",
        f"/manage/rounds/{round_.id}/decisions.csv",
        f"/manage/rounds/{round_.id}/decisions.json",
        f"/manage/rounds/{round_.id}/ranking.csv",
    ]
    posts = [paths[0], f"/manage/rounds/{round_.id}/handover", f"/manage/rounds/{round_.id}/close"]
    for who in ("judge", "participant"):
        site.client.cookies.clear()
        if who == "judge":
            site.sign_in("juror0@uni.edu")
        else:
            site.sign_in_as("participant")
        token = site.csrf("/account")
        for path in paths:
            assert site.client.get(path).status_code == 403, (who, path)
        for path in posts:
            data = {"csrf_token": token, "juror": str(b.jurors[0].id), "how": "none"}
            assert site.client.post(path, data=data).status_code == 403, (who, path)
    assert site.value("SELECT status FROM rounds") == "open"
    assert site.value("SELECT count(*) FROM round_jurors WHERE active = 1") == 3


def test_a_juror_drops_out_after_the_organizer_sees_where_their_photos_go(site: Site) -> None:
    b = build(site, photos=6, jurors=3)
    round_ = open_round(site, b, quorum=2)
    leaving = b.jurors[0]
    first = site.run(juror.next_task, site.db, round_, leaving)
    assert first is not None
    site.run(juror.decide, site.db, round_, leaving, first.id, 1.0, site.clock())
    theirs = site.value(
        "SELECT count(*) FROM round_tasks WHERE juror_id = ? AND decided_at IS NULL", (leaving.id,)
    )
    page = site.client.get(f"/manage/rounds/{round_.id}")
    assert f'<option value="{leaving.id}">Juror A</option>' in page.text

    shown = site.client.get(f"/manage/rounds/{round_.id}/handover?juror={leaving.id}")
    assert shown.status_code == 200
    assert f"Juror A's {theirs} unfinished photos would go to the other jurors" in shown.text
    assert "Juror B" in shown.text and "Juror C" in shown.text
    assert site.value("SELECT count(*) FROM round_jurors WHERE active = 0") == 0

    done = site.post(
        f"/manage/rounds/{round_.id}/handover",
        {"juror": str(leaving.id)},
        form_page=f"/manage/rounds/{round_.id}/handover?juror={leaving.id}",
    )
    assert done.status_code == 200
    assert f"{theirs} unfinished photos went to other jurors" in done.text
    assert "Dropped out" in done.text
    assert (
        site.value(
            "SELECT count(*) FROM round_tasks WHERE juror_id = ? AND decided_at IS NULL",
            (leaving.id,),
        )
        == 0
    )
    assert site.value("SELECT count(*) FROM round_tasks WHERE juror_id = ?", (leaving.id,)) == 1
    assert site.client.get(f"/manage/rounds/{round_.id}/handover?juror=999").status_code == 404


def test_the_close_page_shows_each_threshold_then_closing_by_one_advances_those(
    site: Site,
) -> None:
    b = build(site, photos=4, jurors=3)
    round_ = open_round(site, b, quorum=3)
    decide_all(site, b, round_, dict(zip(b.entries, (3, 2, 2, 0), strict=True)))
    close = f"/manage/rounds/{round_.id}/close"
    page = site.client.get(close)
    assert page.status_code == 200
    rows = page.text.split("<tbody>")[1]
    assert "1 yes</td>\n    <td>3</td>" in rows and "2 yes</td>\n    <td>3</td>" in rows
    assert "3 yes</td>\n    <td>1</td>" in rows

    cut = site.client.get(f"{close}?top=2")
    assert "1 photo scores above the cut." in cut.text
    assert "2 photos score exactly 2, tied at the cut." in cut.text
    assert "The cut at 2 falls inside a tie" in cut.text and 'name="with_ties"' in cut.text
    assert "Close and advance 3 photos, the tied ones kept" in cut.text
    assert "Close and advance 1 photo, the tied ones left out" in cut.text
    assert "Stacks at dusk 1" in cut.text and "Stacks at dusk 2" in cut.text

    closed = site.post(close, {"how": "threshold", "value": "2.0"})
    assert closed.status_code == 200
    assert "Done: the round is closed; 3 photos advanced." in closed.text
    advanced = site.rows("SELECT entry_id FROM round_entries WHERE advanced = 1 ORDER BY entry_id")
    assert [row["entry_id"] for row in advanced] == sorted(b.entries[:3])
    assert site.value("SELECT status FROM rounds") == "closed"
    listing = site.client.get(f"/manage/contests/{b.contest.id}/rounds")
    assert "3 photos (at least 2 yes)" in listing.text and "Open the next round" in listing.text
    assert "This round is already closed." in site.client.get(close).text


def test_closing_by_the_top_n_keeps_or_leaves_the_tie_as_ticked(site: Site) -> None:
    b = build(site, photos=4, jurors=3)
    round_ = open_round(site, b, quorum=3)
    decide_all(site, b, round_, dict(zip(b.entries, (3, 2, 2, 0), strict=True)))
    close = f"/manage/rounds/{round_.id}/close"
    nothing = site.post(close, {"how": "threshold", "value": "4"})
    assert nothing.status_code == 400 and "That would advance no photos." in nothing.text
    assert site.value("SELECT status FROM rounds") == "open"
    closed = site.post(close, {"how": "top", "value": "2", "with_ties": "on"})
    assert "3 photos advanced." in closed.text
    assert site.value("SELECT count(*) FROM round_entries WHERE advanced = 1") == 3
    assert json.loads(site.value("SELECT advanced_by FROM rounds")) == {
        "how": "top",
        "value": 2,
        "with_ties": True,
    }
    rounds_page = site.client.get(f"/manage/contests/{b.contest.id}/rounds")
    assert "the top 2, with the photos tied at the cut" in rounds_page.text

    # The next round (rating) over those three, closed at the top 2 leaving a tie out.
    second = site.post(
        f"/manage/contests/{b.contest.id}/rounds", form(b, kind="rating", quorum="3")
    )
    assert second.status_code == 200 and "Round 2" in second.text
    rating = Round.from_row(site.rows("SELECT * FROM rounds WHERE number = 2")[0])
    stars = {b.entries[0]: 5.0, b.entries[1]: 3.0, b.entries[2]: 3.0}
    for each in b.jurors:
        while (task := site.run(juror.next_task, site.db, rating, each)) is not None:
            value = stars[int(task.row["id"])]
            site.run(juror.decide, site.db, rating, each, task.id, value, site.clock())
    done = site.post(f"/manage/rounds/{rating.id}/close", {"how": "top", "value": "2"})
    assert "Done: the round is closed; 1 photo advanced." in done.text
    advanced = site.value(
        "SELECT entry_id FROM round_entries WHERE round_id = ? AND advanced = 1", (rating.id,)
    )
    assert advanced == b.entries[0]


def test_exports_list_every_task_with_the_jurors_names(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    b = build(site, photos=3, jurors=2)
    round_ = open_round(site, b, quorum=2)
    a = b.jurors[0]
    task = site.run(juror.next_task, site.db, round_, a)
    assert task is not None
    site.run(juror.decide, site.db, round_, a, task.id, 1.0, site.clock())
    site.run(
        juror.mark,
        site.db,
        round_,
        a,
        task.id,
        favourite=True,
        flag="duplicate",
        note="same as the other",
        now=site.clock(),
    )
    page = site.client.get(f"/manage/rounds/{round_.id}")
    assert "Duplicate of another entry" in page.text and "same as the other" in page.text
    monkeypatch.setattr(rounds, "STANDINGS_PAGE", 2)  # pages of two photos instead of 100
    second = site.client.get(f"/manage/rounds/{round_.id}?page=2").text.split("Standings")[1]
    assert "Page 2 of 2" in second and second.count("Stacks at dusk") == 1

    got = site.client.get(f"/manage/rounds/{round_.id}/decisions.csv")
    assert got.status_code == 200
    assert got.headers["content-disposition"].startswith("attachment;")
    assert "round-1-decisions.csv" in got.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(got.text.lstrip("\ufeff"))))
    assert len(rows) == 6 and {row["juror"] for row in rows} == {"Juror A", "Juror B"}
    [mine] = [row for row in rows if row["decision"]]
    assert (mine["juror"], mine["decision"], mine["flag"], mine["note"]) == (
        "Juror A",
        "yes",
        "duplicate",
        "same as the other",
    )
    assert int(mine["entry_id"]) == int(task.row["id"]) and mine["title"].startswith("Stacks")
    assert "juror0@uni.edu" not in got.text
    as_json = site.client.get(f"/manage/rounds/{round_.id}/decisions.json").json()
    assert len(as_json) == 6 and {"entry_id", "decided_at", "favourite"} <= set(as_json[0])
    assert site.client.get(f"/manage/rounds/{round_.id}/ranking.csv").status_code == 404
    assert site.client.get(f"/manage/rounds/{round_.id}/decisions.xml").status_code == 404


def test_a_ranking_round_shows_its_final_order_and_pairwise_table_and_exports_them(
    site: Site,
) -> None:
    b = build(site, photos=3, jurors=3)
    round_ = open_round(site, b, kind="ranking")
    a, c, d = b.entries
    for each, order in zip(b.jurors, [(a, c, d), (c, a, d), (a, d, c)], strict=True):
        tasks = {
            row["entry_id"]: row["id"]
            for row in site.rows(
                "SELECT id, entry_id FROM round_tasks WHERE round_id = ? AND juror_id = ?",
                (round_.id, each.id),
            )
        }
        site.run(juror.rank, site.db, round_, each, [tasks[e] for e in order], site.clock())
    page = site.client.get(f"/manage/rounds/{round_.id}")
    final = page.text.split('<ol class="final-order">')[1].split("</ol>")[0]
    assert final.index(f"#{a} ") < final.index(f"#{c} ") < final.index(f"#{d} ")
    table = site.client.get(f"/manage/rounds/{round_.id}/pairwise")
    assert table.status_code == 200 and f"1. #{a} Stacks at dusk 0" in table.text
    first_row = table.text.split('<th scope="row">')[1].split("</tr>")[0]
    assert "<td>—</td><td>2</td><td>3</td>" in first_row  # a over c by 2, over d by 3

    ranking = site.client.get(f"/manage/rounds/{round_.id}/ranking.json").json()
    assert [(row["place"], row["entry_id"]) for row in ranking] == [(1, a), (2, c), (3, d)]
    assert (
        "round-1-ranking.csv"
        in site.client.get(f"/manage/rounds/{round_.id}/ranking.csv").headers["content-disposition"]
    )

    close = site.client.get(f"/manage/rounds/{round_.id}/close")
    assert "keep its final order" in close.text
    done = site.post(f"/manage/rounds/{round_.id}/close", {"how": "none"})
    assert "0 photos advanced" in done.text and site.value("SELECT status FROM rounds") == "closed"
    listing = site.client.get(f"/manage/contests/{b.contest.id}/rounds").text
    assert "judging in rounds is over for this contest" in listing
    assert "Open the next round" not in listing  # nothing is left to judge in another


def test_a_photo_approved_late_joins_the_open_first_round_from_the_moderation_page(
    site: Site,
) -> None:
    b = build(site, photos=4, jurors=3)
    round_ = open_round(site, b, quorum=2)
    late = site.value("SELECT id FROM entries WHERE status = 'pending'")
    queue = f"/manage/contests/{b.contest.id}/moderation"
    done = site.post(queue, {"entry_ids": [str(late)], "action": "approve"})
    assert done.status_code == 200
    assert "1 newly approved photo joined the open first judging round." in done.text
    assert (
        site.value(
            "SELECT count(*) FROM round_tasks WHERE round_id = ? AND entry_id = ?",
            (round_.id, late),
        )
        == 2
    )
    page = site.client.get(f"/manage/rounds/{round_.id}")
    assert "Late light" in page.text
    judging = site.client.get(f"/manage/contests/{b.contest.id}/judging")
    assert f'/manage/contests/{b.contest.id}/rounds">Judging rounds' in judging.text


def test_the_round_pages_read_in_chinese(site: Site) -> None:
    b = build(site, photos=4, jurors=3)
    round_ = open_round(site, b, quorum=3)
    decide_all(site, b, round_, dict(zip(b.entries, (3, 2, 2, 0), strict=True)))
    site.client.cookies.set("contest_language", "zh_Hant")
    listing = site.client.get(f"/manage/contests/{b.contest.id}/rounds").text
    assert "評審輪次" in listing and "第 1 輪" in listing and "是或否" in listing
    page = site.client.get(f"/manage/rounds/{round_.id}").text
    assert "標記與最愛" in page and "參與中" in page
    cut = site.client.get(f"/manage/rounds/{round_.id}/close?top=2").text
    assert (
        "關閉並讓 3 張照片晉級" in cut
        and "保留同分的照片" in cut
        and "2 張照片的分數剛好是 2" in cut
    )
    site.client.cookies.set("contest_language", "zh_Hans")
    assert "评审轮次" in site.client.get(f"/manage/contests/{b.contest.id}/rounds").text


def test_the_top_cut_of_a_round_nobody_decided_offers_nothing_to_close_with(site: Site) -> None:
    b = build(site, photos=2, jurors=2)
    round_ = open_round(site, b, quorum=1)
    page = site.client.get(f"/manage/rounds/{round_.id}/close?top=1").text
    assert "No photo has a score yet: nothing would advance." in page
    assert 'name="how" value="top"' not in page and 'value="threshold"' not in page


def test_a_rating_round_rates_by_the_rubric_when_the_organizer_chooses_it(site: Site) -> None:
    b = build(site, photos=3, jurors=2)
    path = f"/manage/contests/{b.contest.id}/rounds"
    page = site.client.get(path).text
    assert 'name="scale" value="stars" checked' in page and 'name="scale" value="rubric"' in page
    assert "Relevance to the theme: 67% of the score" in page
    assert "Creativity: 33% of the score" in page

    opened = site.post(path, form(b, kind="rating", scale="rubric"), follow_redirects=False)
    assert opened.status_code == 303
    [row] = site.rows("SELECT * FROM rounds")
    assert (row["kind"], row["scale"]) == ("rating", "rubric")
    round_page = site.client.get(opened.headers["location"]).text
    assert "Rating by the rubric" in round_page
    assert "each the weighted mean of the rubric's criteria (1 to 10)" in round_page
    assert "Rating by the rubric" in site.client.get(path).text

    round_ = Round.from_row(row)
    criteria = [int(c["id"]) for c in site.rows("SELECT id FROM rubric_criteria")]
    points = dict(zip(b.entries, (9, 7, 3), strict=True))
    for each in b.jurors:
        while (task := site.run(juror.next_task, site.db, round_, each)) is not None:
            given = dict.fromkeys(criteria, points[int(task.row["id"])])
            site.run(juror.score, site.db, round_, each, task.id, given, site.clock())
    close = site.client.get(f"/manage/rounds/{round_.id}/close").text
    rows = close.split("<tbody>")[1]
    assert "an average score of 7.5</td>\n    <td>1</td>" in rows  # the 1 to 10 scale, by halves
    assert "an average score of 10</td>" in rows and "stars" not in rows
    closed = site.post(f"/manage/rounds/{round_.id}/close", {"how": "threshold", "value": "7"})
    assert "Done: the round is closed; 2 photos advanced." in closed.text
    assert "2 photos (an average score of at least 7)" in site.client.get(path).text


def test_a_stars_round_is_the_default_and_a_rubric_needs_the_contests_criteria(
    site: Site,
) -> None:
    b = build(site, photos=2, jurors=2, criteria=())
    path = f"/manage/contests/{b.contest.id}/rounds"
    assert "The contest has no judging criteria yet" in site.client.get(path).text
    refused = site.post(path, form(b, kind="rating", scale="rubric"))
    assert refused.status_code == 400
    assert "The contest has no judging criteria yet: add them to its rubric" in refused.text
    assert 'name="scale" value="rubric" checked' in refused.text
    assert site.value("SELECT count(*) FROM rounds") == 0
    opened = site.post(path, form(b, kind="rating"), follow_redirects=False)
    assert opened.status_code == 303
    assert site.value("SELECT scale FROM rounds") == "stars"
