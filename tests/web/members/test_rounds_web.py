"""A juror's pages of a round: one photo at a time, decided, undone, marked and ordered, blind,
and only by the round's own jurors."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from contest.accounts.users import User
from contest.contests.phases import Phase
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.judging.rounds import closing, setup
from contest.judging.rounds.model import Round
from contest.judging.rounds.setup import RoundPlan
from tests.conftest import Site
from tests.factories import add_account, add_contest, add_entry, add_judge, photo_bytes

#: The authors: no page a juror sees may name them.
AUTHORS = (("ana.author@uni.edu", "Anaïs Authorwood"), ("bo.b@uni.edu", "Bo Brightley"))
DESCRIPTION = "Taken from the north stairwell at dusk."
DIRECTIONS = "Keep photos that show the library at night."


@dataclass(frozen=True)
class Seeded:
    """A contest in judging with one open round."""

    round: Round
    organizer: User
    jurors: list[User]
    entries: list[int]


async def seed_round(
    db: Database,
    passwords: Passwords,
    storage: LocalStorage,
    *,
    now: datetime,
    kind: str = "yes_no",
    photos: int = 3,
    jurors: int = 2,
    quorum: int | None = None,
    show_description: bool = False,
    sizes: Sequence[tuple[int, int]] = ((96, 64),),
    scale: str = "stars",
) -> Seeded:
    """``photos`` approved photos by two authors (of ``sizes`` in turn), ``jurors`` judges
    (juror0@uni.edu, ...), and the contest's first round open now, each photo seen by
    ``quorum`` jurors (all of them when not said)."""
    contest = await add_contest(db, Phase.JUDGING, now=now)
    organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer", now=now)
    authors = [
        await add_account(db, passwords, email=email, name=name, now=now) for email, name in AUTHORS
    ]
    entries = [
        await add_entry(
            db,
            storage,
            contest,
            authors[n % 2],
            title=f"Photo number {n}",
            description=DESCRIPTION,
            photo=photo_bytes(n + 1, size=sizes[n % len(sizes)]),
            moderator=organizer,
            now=now,
        )
        for n in range(photos)
    ]
    panel = [
        await add_judge(db, passwords, contest, email=f"juror{n}@uni.edu") for n in range(jurors)
    ]
    plan = RoundPlan(
        kind=kind,
        quorum=quorum or jurors,
        jurors=tuple(each.id for each in panel),
        opens_at=now,
        closes_at=now + timedelta(days=7),
        directions=DIRECTIONS,
        show_description=show_description,
        scale=scale,
    )
    opened = await setup.open_round(db, contest=contest, plan=plan, actor=organizer, now=now)
    return Seeded(opened.round, organizer, panel, entries)


def make_round(site: Site, **options: Any) -> Seeded:
    return site.run(seed_round, site.db, site.passwords, site.storage, now=site.clock(), **options)


def my_tasks(site: Site, seeded: Seeded, juror: int = 0) -> list[dict[str, Any]]:
    """A juror's tasks in their own order."""
    return site.rows(
        "SELECT id, entry_id, value, favourite, flag, flag_note FROM round_tasks"
        " WHERE round_id = ? AND juror_id = ? ORDER BY position",
        (seeded.round.id, seeded.jurors[juror].id),
    )


def task_url(seeded: Seeded, task_id: int) -> str:
    return f"/judging/rounds/{seeded.round.id}/tasks/{task_id}"


def decide(site: Site, seeded: Seeded, task_id: int, value: str) -> Any:
    url = task_url(seeded, task_id)
    return site.post(f"{url}/decide", {"value": value}, form_page=url, follow_redirects=False)


def undo(site: Site, seeded: Seeded, task_id: int) -> Any:
    return site.post(
        f"/judging/rounds/{seeded.round.id}/undo",
        {"task": str(task_id)},
        form_page=task_url(seeded, task_id),
        follow_redirects=False,
    )


def test_a_juror_goes_to_their_next_photo_decides_and_moves_on(site: Site) -> None:
    seeded = make_round(site)
    first, second, third = my_tasks(site, seeded)
    site.sign_in("juror0@uni.edu")

    start = site.client.get(f"/judging/rounds/{seeded.round.id}", follow_redirects=False)
    assert start.status_code == 303 and start.headers["location"].endswith(
        task_url(seeded, first["id"])
    )
    page = site.client.get(task_url(seeded, first["id"])).text
    assert "0 of 3" in page and "Keep (Y)" in page and "Drop (N)" in page
    assert "Not decided yet." in page and DIRECTIONS in page and "<details" in page
    preloads = re.findall(r'<link rel="preload" as="image" href="([^"]+)"', page)
    upcoming = [
        site.value("SELECT display_key FROM entries WHERE id = ?", (row["entry_id"],))
        for row in (second, third)
    ]
    assert preloads == [f"http://testserver/media/{key}" for key in upcoming]
    following = task_url(seeded, second["id"])
    next_link = f'rel="next" data-keys="ArrowRight" href="http://testserver{following}"'
    assert next_link in page and 'rel="prev"' not in page
    assert "judging.js" in page and "<script>" not in page

    kept = decide(site, seeded, first["id"], "1")
    assert kept.status_code == 303
    assert kept.headers["location"].endswith(task_url(seeded, second["id"]))
    assert [row["value"] for row in my_tasks(site, seeded)] == [1.0, None, None]
    again = site.client.get(task_url(seeded, first["id"])).text
    assert "Your decision: keep." in again and "1 of 3" in again
    assert 'aria-pressed="true"' in again.split("Keep (Y)")[0].rsplit("<button", 1)[1]

    decide(site, seeded, second["id"], "0")
    last = decide(site, seeded, third["id"], "1")
    assert last.headers["location"].endswith(f"/judging/rounds/{seeded.round.id}")
    done = site.client.get(last.headers["location"])
    assert done.status_code == 200 and "You are done with this round" in done.text
    assert "3 of 3" in done.text and "You have decided all 3 photos" in done.text
    assert [row["value"] for row in my_tasks(site, seeded)] == [1.0, 0.0, 1.0]
    home = site.client.get("/judging").text
    assert "Your rounds" in home and "3 of 3 decided" in home
    assert f"/judging/rounds/{seeded.round.id}" in home


def test_a_contest_judged_in_rounds_shows_its_rounds_not_its_single_stage_queue(
    site: Site,
) -> None:
    make_round(site)
    site.sign_in("juror0@uni.edu")
    home = site.client.get("/judging").text
    assert "0 of 3 decided" in home
    assert "scored" not in home  # the panel's own queue for that contest no longer counts


def test_undo_takes_back_the_last_decision_and_says_when_nothing_is_left(site: Site) -> None:
    seeded = make_round(site)
    first, second, _ = my_tasks(site, seeded)
    site.sign_in("juror0@uni.edu")
    decide(site, seeded, first["id"], "1")
    decide(site, seeded, second["id"], "0")
    decide(site, seeded, first["id"], "0")  # back to the first photo: a change of mind

    undone = undo(site, seeded, second["id"])
    assert undone.status_code == 303
    assert undone.headers["location"].endswith(task_url(seeded, first["id"]))
    assert (
        "back as it was before your last decision"
        in site.client.get(undone.headers["location"]).text
    )
    assert [row["value"] for row in my_tasks(site, seeded)][:2] == [1.0, 0.0]
    undo(site, seeded, first["id"])
    undo(site, seeded, first["id"])
    assert [row["value"] for row in my_tasks(site, seeded)] == [None, None, None]

    nothing = undo(site, seeded, first["id"])
    shown = site.client.get(nothing.headers["location"]).text
    assert 'class="notice done" role="status">There is nothing left to undo' in shown
    actions = site.rows(
        "SELECT action FROM round_decisions WHERE juror_id = ? ORDER BY id",
        (seeded.jurors[0].id,),
    )
    assert [row["action"] for row in actions] == ["decide"] * 3 + ["undo"] * 3


def test_a_rating_round_takes_one_to_five_stars_and_nothing_else(site: Site) -> None:
    seeded = make_round(site, kind="rating")
    first = my_tasks(site, seeded)[0]
    site.sign_in("juror0@uni.edu")
    page = site.client.get(task_url(seeded, first["id"])).text
    assert 'data-keys="5"' in page and "5 stars" in page and "Keep (Y)" not in page

    assert decide(site, seeded, first["id"], "4").status_code == 303
    assert "Your decision: 4 stars." in site.client.get(task_url(seeded, first["id"])).text
    for wrong in ("6", "0", "lots", ""):
        refused = decide(site, seeded, first["id"], wrong)
        assert refused.status_code == 400, wrong
        assert "That is not a decision this round takes." in refused.text
    assert my_tasks(site, seeded)[0]["value"] == 4.0


def test_favourites_and_flags_are_saved_and_a_bad_flag_keeps_what_was_typed(site: Site) -> None:
    seeded = make_round(site)
    first = my_tasks(site, seeded)[0]
    url = task_url(seeded, first["id"])
    site.sign_in("juror0@uni.edu")
    page = site.client.get(url).text
    assert all(reason in page for reason in ("Copyright", "Out of scope", "Duplicate"))

    marked = site.post(
        f"{url}/mark",
        {"favourite": "1", "flag": "", "flag_note": ""},
        form_page=url,
        follow_redirects=False,
    )
    assert marked.status_code == 303 and marked.headers["location"].endswith(url)
    assert "Done: your favourite and flag are saved." in site.client.get(url).text
    site.post(
        f"{url}/mark",
        {"favourite": "1", "flag": "duplicate", "flag_note": " same as  the stairwell one "},
        form_page=url,
    )
    row = my_tasks(site, seeded)[0]
    assert (row["favourite"], row["flag"], row["flag_note"]) == (
        1,
        "duplicate",
        "same as the stairwell one",
    )
    shown = site.client.get(url).text
    assert "Flagged: Duplicate of another entry" in shown and 'aria-pressed="true"' in shown

    refused = site.post(
        f"{url}/mark",
        {"favourite": "0", "flag": "ugly", "flag_note": "my own words"},
        form_page=url,
    )
    assert (
        refused.status_code == 400
        and "Choose copyright, out of scope or duplicate." in refused.text
    )
    assert 'value="my own words"' in refused.text
    assert my_tasks(site, seeded)[0]["flag"] == "duplicate"


def test_a_ranking_juror_orders_photos_by_typed_places_and_bad_places_are_named(
    site: Site,
) -> None:
    seeded = make_round(site, kind="ranking", photos=3, jurors=2)
    tasks = my_tasks(site, seeded)
    url = f"/judging/rounds/{seeded.round.id}/order"
    site.sign_in("juror0@uni.edu")
    start = site.client.get(f"/judging/rounds/{seeded.round.id}", follow_redirects=False)
    assert start.headers["location"].endswith(url)
    page = site.client.get(url).text
    assert page.count("data-place") == 3 and page.count('loading="lazy"') == 3
    places = {f"place_{row['id']}": str(n) for n, row in enumerate(tasks, start=1)}
    assert all(f'name="{name}" type="number"' in page for name in places)

    repeated = site.post(url, places | {f"place_{tasks[2]['id']}": "1"})
    assert (
        repeated.status_code == 400 and "Place 1 is given to more than one photo." in repeated.text
    )
    assert repeated.text.count('value="1"') == 2  # what was typed is kept
    missing = site.post(url, places | {f"place_{tasks[1]['id']}": ""})
    assert missing.status_code == 400 and "Give this photo a place from 1 to 3." in missing.text
    assert all(row["value"] is None for row in my_tasks(site, seeded))

    saved = site.post(
        url,
        {
            f"place_{tasks[0]['id']}": "3",
            f"place_{tasks[1]['id']}": "1",
            f"place_{tasks[2]['id']}": "2",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith(url)
    assert [row["value"] for row in my_tasks(site, seeded)] == [3.0, 1.0, 2.0]
    shown = site.client.get(saved.headers["location"]).text
    assert "your order is saved" in shown and "3 of 3" in shown
    titles = re.findall(r'class="round-order-title">([^<]+)<', shown)
    by_id = {row["id"]: row["entry_id"] for row in tasks}
    title_of = {
        entry: site.value("SELECT title FROM entries WHERE id = ?", (entry,))
        for entry in by_id.values()
    }
    assert titles == [title_of[by_id[tasks[n]["id"]]] for n in (1, 2, 0)]  # best first


def test_a_closed_round_shows_the_photos_but_refuses_changes_clearly(site: Site) -> None:
    seeded = make_round(site)
    first = my_tasks(site, seeded)[0]
    site.run(
        closing.close, site.db, seeded.round, rule=None, actor=seeded.organizer, now=site.clock()
    )
    site.sign_in("juror0@uni.edu")
    url = task_url(seeded, first["id"])
    page = site.client.get(url)
    assert page.status_code == 200 and "This round is closed" in page.text
    assert "Keep (Y)" not in page.text and "/decide" not in page.text
    token = site.csrf(url)
    refused = site.client.post(f"{url}/decide", data={"value": "1", "csrf_token": token})
    assert refused.status_code == 409
    assert "This round is closed: its decisions can no longer change." in refused.text
    refused = site.client.post(
        f"/judging/rounds/{seeded.round.id}/undo",
        data={"task": str(first["id"]), "csrf_token": token},
    )
    assert refused.status_code == 409 and "This round is closed" in refused.text
    assert "Your rounds" not in site.client.get("/judging").text  # no longer open
    assert site.value("SELECT count(*) FROM round_decisions") == 0


def test_only_the_rounds_own_jurors_reach_it_and_only_their_own_photos(site: Site) -> None:
    seeded = make_round(site, photos=4, jurors=3, quorum=1)
    mine = {row["id"] for row in my_tasks(site, seeded, 0)}
    theirs = my_tasks(site, seeded, 1)[0]["id"]
    assert theirs not in mine
    site.sign_in("juror0@uni.edu")
    url = task_url(seeded, theirs)
    assert site.client.get(url).status_code == 404
    token = site.csrf("/judging")
    refused = site.client.post(f"{url}/decide", data={"value": "1", "csrf_token": token})
    assert refused.status_code == 404 and "not among yours" in refused.text
    refused = site.client.post(f"{url}/mark", data={"favourite": "1", "csrf_token": token})
    assert refused.status_code == 404
    assert site.client.get(f"/judging/rounds/{seeded.round.id + 1}").status_code == 404

    site.client.cookies.clear()
    site.sign_in_as("judge", "outsider@uni.edu")  # a judge, but not of this round
    refused = site.client.get(f"/judging/rounds/{seeded.round.id}")
    assert refused.status_code == 403 and "You are not a juror of this round." in refused.text
    site.client.cookies.clear()
    site.sign_in_as("participant")
    refused = site.client.get(task_url(seeded, theirs))
    assert refused.status_code == 403 and "This page is for judges." in refused.text
    assert site.value("SELECT count(*) FROM round_decisions") == 0
    site.client.cookies.clear()
    visitor = site.client.get(f"/judging/rounds/{seeded.round.id}", follow_redirects=False)
    assert visitor.status_code == 303 and "/sign-in" in visitor.headers["location"]


@pytest.mark.parametrize("show_description", [False, True])
def test_the_pages_are_blind_and_show_the_description_only_if_the_round_says(
    site: Site, show_description: bool
) -> None:
    seeded = make_round(site, show_description=show_description)
    site.sign_in("juror0@uni.edu")
    pages = ["/judging"] + [task_url(seeded, row["id"]) for row in my_tasks(site, seeded)]
    for row in my_tasks(site, seeded):
        decide(site, seeded, row["id"], "1")
    pages.append(f"/judging/rounds/{seeded.round.id}")
    for path in pages:
        html = site.client.get(path).text
        for email, name in AUTHORS:
            for secret in (email, name, name.split()[0]):
                assert secret not in html, (path, secret)
        assert "likes" not in html.lower()
    task_page = site.client.get(pages[1]).text
    assert (DESCRIPTION in task_page) is show_description


@pytest.mark.parametrize(
    ("language", "words", "on_home"),
    [
        (
            "zh-HK",
            ("第 1 輪", "保留 (Y)", "淘汰 (N)", "復原 (U)", "最愛 (F)", "本輪"),
            "已決定 1 張",
        ),
        (
            "zh-CN",
            ("第 1 轮", "保留 (Y)", "淘汰 (N)", "撤销 (U)", "收藏 (F)", "本轮"),
            "已决定 1 张",
        ),
    ],
)
def test_a_juror_reads_the_round_in_chinese(
    site: Site, language: str, words: tuple[str, ...], on_home: str
) -> None:
    seeded = make_round(site, photos=2)
    first, second = my_tasks(site, seeded)
    site.sign_in("juror0@uni.edu")
    site.client.headers["Accept-Language"] = language
    decide(site, seeded, first["id"], "1")
    page = site.client.get(task_url(seeded, second["id"])).text
    assert [word for word in words[:-1] if word not in page] == []
    assert "1 / 2" in page and "Keep (Y)" not in page and "Not decided yet" not in page
    assert on_home in site.client.get("/judging").text
    refused = decide(site, seeded, second["id"], "7")  # the domain's refusal, in Chinese too
    assert refused.status_code == 400 and words[-1] + "不接受" in refused.text


def criteria_ids(site: Site) -> tuple[int, int]:
    """The contest's two criteria: relevance (weight 2) and creativity (weight 1)."""
    rows = site.rows("SELECT id FROM rubric_criteria ORDER BY position")
    return int(rows[0]["id"]), int(rows[1]["id"])


def score(site: Site, seeded: Seeded, task_id: int, values: dict[str, str]) -> Any:
    url = task_url(seeded, task_id)
    return site.post(f"{url}/score", values, form_page=url, follow_redirects=False)


def scores_of(site: Site, task_id: int) -> dict[int, float]:
    rows = site.rows(
        "SELECT criterion_id, value FROM round_task_scores WHERE task_id = ?", (task_id,)
    )
    return {int(row["criterion_id"]): float(row["value"]) for row in rows}


def test_a_rubric_juror_scores_each_criterion_and_a_bad_score_keeps_what_was_typed(
    site: Site,
) -> None:
    seeded = make_round(site, kind="rating", scale="rubric", photos=2)
    first, second = my_tasks(site, seeded)
    relevance, creativity = criteria_ids(site)
    url = task_url(seeded, first["id"])
    site.sign_in("juror0@uni.edu")
    page = site.client.get(url).text
    for name in (f"score_{relevance}", f"score_{creativity}"):
        assert f'<input id="{name}" name="{name}" type="number" value=""' in page
        assert f'aria-describedby="{name}-hint" min="1" max="10" step="any"' in page
    assert "Relevance to the theme" in page and "Creativity" in page
    assert "Weight 2 (67% of the score); from 1 to 10" in page
    assert "Weight 1 (33% of the score); from 1 to 10" in page
    assert "Save the scores" in page and "5 stars" not in page and "/decide" not in page
    assert "<kbd>Tab</kbd> from one score to the next" in page

    typed = {f"score_{relevance}": "12", f"score_{creativity}": ""}
    refused = score(site, seeded, first["id"], typed)
    assert refused.status_code == 400
    assert "Scores for “Relevance to the theme” go from 1 to 10." in refused.text
    assert "Give “Creativity” a score from 1 to 10." in refused.text
    assert 'value="12"' in refused.text and "Please correct 2 fields" in refused.text
    assert first["value"] is None and scores_of(site, first["id"]) == {}
    assert site.value("SELECT count(*) FROM round_decisions") == 0

    saved = score(
        site, seeded, first["id"], {f"score_{relevance}": "8", f"score_{creativity}": "5"}
    )
    assert saved.status_code == 303
    assert saved.headers["location"].endswith(task_url(seeded, second["id"]))
    assert my_tasks(site, seeded)[0]["value"] == 7.0  # (2 x 8 + 5) / 3
    assert scores_of(site, first["id"]) == {relevance: 8.0, creativity: 5.0}
    again = site.client.get(url).text
    assert "Your score: 7, the weighted mean of your scores below." in again
    assert f'name="score_{relevance}" type="number" value="8"' in again
    assert f'name="score_{creativity}" type="number" value="5"' in again and "1 of 2" in again

    stars = site.post(f"{url}/decide", {"value": "4"}, form_page=url)
    assert stars.status_code == 400 and "This round takes a score for each criterion." in stars.text
    score(site, seeded, first["id"], {f"score_{relevance}": "10", f"score_{creativity}": "7.5"})
    assert my_tasks(site, seeded)[0]["value"] == 9.166666666666666
    back = undo(site, seeded, first["id"])
    assert back.headers["location"].endswith(url)
    assert scores_of(site, first["id"]) == {relevance: 8.0, creativity: 5.0}
    assert my_tasks(site, seeded)[0]["value"] == 7.0


def test_rubric_scores_go_only_to_a_rubric_round_and_the_jurors_own_photo(site: Site) -> None:
    seeded = make_round(site, kind="rating", photos=2, jurors=2, quorum=1)
    relevance, creativity = criteria_ids(site)
    values = {f"score_{relevance}": "8", f"score_{creativity}": "5"}
    mine, theirs = my_tasks(site, seeded, 0)[0], my_tasks(site, seeded, 1)[0]
    site.sign_in("juror0@uni.edu")
    assert "score_" not in site.client.get(task_url(seeded, mine["id"])).text
    refused = score(site, seeded, mine["id"], values)
    assert refused.status_code == 400
    assert "This round takes stars, not the rubric&#39;s scores." in refused.text
    assert score(site, seeded, theirs["id"], values).status_code == 404
    assert site.value("SELECT count(*) FROM round_task_scores") == 0
    assert site.value("SELECT count(*) FROM round_decisions") == 0


def test_a_closed_rubric_round_shows_the_jurors_scores_without_a_form(site: Site) -> None:
    seeded = make_round(site, kind="rating", scale="rubric", photos=1, jurors=1)
    [task] = my_tasks(site, seeded)
    relevance, creativity = criteria_ids(site)
    site.sign_in("juror0@uni.edu")
    score(site, seeded, task["id"], {f"score_{relevance}": "6", f"score_{creativity}": "9"})
    site.run(
        closing.close, site.db, seeded.round, rule=None, actor=seeded.organizer, now=site.clock()
    )
    page = site.client.get(task_url(seeded, task["id"])).text
    assert "Relevance to the theme: <strong>6</strong>" in page
    assert "Creativity: <strong>9</strong>" in page
    assert "/score" not in page and "Save the scores" not in page
    refused = score(
        site, seeded, task["id"], {f"score_{relevance}": "7", f"score_{creativity}": "7"}
    )
    assert refused.status_code == 409 and "This round is closed" in refused.text
    assert scores_of(site, task["id"]) == {relevance: 6.0, creativity: 9.0}


def test_a_rubric_round_reads_in_chinese(site: Site) -> None:
    seeded = make_round(site, kind="rating", scale="rubric", photos=1, jurors=1)
    [task] = my_tasks(site, seeded)
    site.sign_in("juror0@uni.edu")
    site.client.headers["Accept-Language"] = "zh-HK"
    page = site.client.get(task_url(seeded, task["id"])).text
    assert "儲存分數" in page and "Save the scores" not in page and "Weight 2" not in page
    assert "按比賽的評分準則逐項評分" in site.client.get("/judging").text


def test_a_juror_declares_a_conflict_and_the_photo_goes_to_another_juror(site: Site) -> None:
    seeded = make_round(site, photos=3, jurors=3, quorum=2)
    first = my_tasks(site, seeded)[0]
    url = task_url(seeded, first["id"])
    site.sign_in("juror0@uni.edu")
    assert "I have a conflict of interest with this entry" in site.client.get(url).text

    empty = site.post(f"{url}/conflict", {"reason": "   "}, form_page=url)
    assert empty.status_code == 400 and "Say briefly why" in empty.text
    assert site.value("SELECT count(*) FROM conflicts") == 0

    declared = site.post(
        f"{url}/conflict", {"reason": "She is my student"}, form_page=url, follow_redirects=False
    )
    assert declared.status_code == 303
    assert declared.headers["location"].endswith(f"/judging/rounds/{seeded.round.id}")
    assert "the photo went to another juror" in site.client.get(declared.headers["location"]).text
    on_it = site.value(
        "SELECT juror_id FROM round_tasks WHERE entry_id = ? AND id != ?",
        (first["entry_id"], first["id"]),
    )
    free = {each.id for each in seeded.jurors} - {seeded.jurors[0].id, on_it}
    holder = site.value("SELECT juror_id FROM round_tasks WHERE id = ?", (first["id"],))
    assert {holder} == free  # the only juror not already on the photo
    assert first["id"] not in [row["id"] for row in my_tasks(site, seeded)]
    assert site.client.get(url).status_code == 404
