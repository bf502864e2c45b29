# ruff: noqa: RUF001, RUF002 -- Chinese pages use full-width commas, colons and brackets
"""Chinese typography on the pages an organizer, a judge and a visitor read: lists join with
「、」, sentences follow each other without a space, brackets around Chinese are full-width
（）, a label's colon is 「：」, and the hints come from the catalog; English stays as it was."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import Site
from tests.factories import Gappy
from tests.web.manage.test_publish_confirmation_web import gappy, results_url
from tests.web.members.test_entries_web import contest_slug
from tests.web.members.test_judging_web import judged

__all__ = ["contest_slug", "gappy", "judged"]

HONG_KONG = {"Accept-Language": "zh-HK"}
MAINLAND = {"Accept-Language": "zh-CN"}


def hints(page: str) -> list[str]:
    """The text of the page's hint paragraphs."""
    return re.findall(r'<p class="hint">(.*?)</p>', page, re.S)


def gaps(page: str) -> str:
    """The list of the ranking's gaps on the publish confirmation."""
    start = page.index('id="confirm-heading"')
    return page[start : page.index("</ul>", start)]


def ask_to_publish(site: Site, made: Gappy, headers: dict[str, str]) -> str:
    """The confirmation step of publishing, once judging and voting have closed."""
    site.client.headers.update(headers)
    site.clock.advance(days=5)
    asked = site.post(f"{results_url(made)}/publish", {}, form_page=results_url(made))
    assert asked.status_code == 200
    return str(asked.text)


def test_the_ranking_gaps_list_entries_with_an_enumeration_comma_in_chinese(
    site: Site, gappy: Gappy
) -> None:
    ids = gappy.ids
    listed = gaps(ask_to_publish(site, gappy, HONG_KONG))
    assert f"#{ids['Garden']} Garden、#{ids['Roof']} Roof。" in listed
    assert f"#{ids['Window']} Window（1 位評審）" in listed
    assert f"#{ids['Stairs']} Stairs、#{ids['Stacks']} Stacks。" in listed
    assert ", #" not in listed and "(1" not in listed


def test_the_ranking_gaps_read_in_simplified_chinese_with_full_width_brackets(
    site: Site, gappy: Gappy
) -> None:
    listed = gaps(ask_to_publish(site, gappy, MAINLAND))
    assert "Window（1 位评审）" in listed and "Garden、#" in listed


def test_the_ranking_gaps_keep_their_english_commas_and_brackets(site: Site, gappy: Gappy) -> None:
    ids = gappy.ids
    listed = gaps(ask_to_publish(site, gappy, {"Accept-Language": "en"}))
    assert f"#{ids['Garden']} Garden, #{ids['Roof']} Roof." in listed
    assert f"#{ids['Window']} Window (1 judge)" in listed


def test_the_scoring_rules_above_the_ranking_follow_each_other_without_spaces_in_chinese(
    site: Site, gappy: Gappy
) -> None:
    site.client.headers.update(HONG_KONG)
    rules = hints(site.client.get(results_url(gappy)).text)[0]
    assert "同分時" in rules and "才會排名" in rules
    assert "。 " not in rules and "。\n" not in rules
    english = hints(site.client.get(results_url(gappy), headers={"Accept-Language": "en"}).text)
    assert "count the same. Ties go to " in english[0]
    assert " judges to be ranked. One " in english[0]


def test_the_contest_page_joins_who_may_enter_and_its_rules_the_chinese_way(
    site: Site, gappy: Gappy
) -> None:
    slug = gappy.contest.slug
    page = site.client.get(f"/contests/{slug}", headers=HONG_KONG).text
    assert "<p>學生、教職員；" in page
    assert re.search(r"<li>[^<]+（\d+%）</li>", page), "a criterion's weight in （）"
    rubric = page[
        page.index('id="rubric-heading"') : page.index("</section>", page.index("rubric-heading"))
    ]
    assert "。 " not in rubric and "。\n" not in rubric
    english = site.client.get(f"/contests/{slug}", headers={"Accept-Language": "en"}).text
    assert re.search(r"<li>[^<]+ \(\d+%\)</li>", english)
    who = english.split('id="enter-heading"')[1].split("</p>")[0]
    assert ", " in who and "、" not in who


def test_the_gallery_hashtag_hint_is_a_chinese_example(site: Site, gappy: Gappy) -> None:
    slug = gappy.contest.slug
    assert (
        'placeholder="#夜貓子"'
        in site.client.get(f"/contests/{slug}/gallery", headers=HONG_KONG).text
    )
    assert (
        'placeholder="#夜猫子"'
        in site.client.get(f"/contests/{slug}/gallery", headers=MAINLAND).text
    )
    english = site.client.get(f"/contests/{slug}/gallery", headers={"Accept-Language": "en"}).text
    assert 'placeholder="#nightowls"' in english


def test_a_judge_reads_the_scale_in_full_width_brackets(site: Site, judged: dict[str, Any]) -> None:
    site.sign_in("judge0@uni.edu")
    contest, first = judged["contest"], judged["entries"][0]
    form = site.client.get(f"/judging/{contest}/entries/{first}", headers=HONG_KONG).text
    legends = re.findall(r"<legend>(.*?)</legend>", form, re.S)
    assert legends and all("（1–10 分）" in legend for legend in legends)
    assert all("(1–10)" not in legend for legend in legends)
    english = site.client.get(f"/judging/{contest}/entries/{first}").text
    assert '<span class="hint">(1–10)</span></legend>' in english


def test_the_read_only_scores_use_a_chinese_colon(site: Site, judged: dict[str, Any]) -> None:
    site.clock.advance(days=40)  # judging has closed
    site.sign_in("judge0@uni.edu")
    contest, first = judged["contest"], judged["entries"][0]
    page = site.client.get(f"/judging/{contest}/entries/{first}", headers=MAINLAND).text
    assert re.search(r"<p>[^<]+：<strong>", page), "a criterion and its score joined by ："
    english = site.client.get(f"/judging/{contest}/entries/{first}").text
    assert re.search(r"<p>[^<]+: <strong>", english)


def test_the_people_table_labels_carry_their_own_colon(site: Site) -> None:
    site.sign_in_as("organizer")
    site.add_user("participant", "voter@uni.edu", name="Vic Voter")
    chinese = site.client.get("/manage/people", headers=HONG_KONG).text
    labels = set(re.findall(r'data-label="([^"]*)"', chinese))
    assert labels and all(label.endswith("：") for label in labels), labels
    english = site.client.get("/manage/people", headers={"Accept-Language": "en"}).text
    assert set(re.findall(r'data-label="([^"]*)"', english)) == {"Affiliation:", "Role:"}


def test_the_award_choices_name_the_rank_in_full_width_brackets(site: Site, gappy: Gappy) -> None:
    ids = gappy.ids
    chinese = site.client.get(results_url(gappy), headers=HONG_KONG).text
    assert f">#{ids['Atrium']} Atrium（第 1 名）</option>" in chinese
    english = site.client.get(results_url(gappy), headers={"Accept-Language": "en"}).text
    assert f">#{ids['Atrium']} Atrium (rank 1)</option>" in english


def test_a_share_of_nothing_reads_as_a_whole_percentage_on_the_dashboard(
    site: Site, gappy: Gappy
) -> None:
    site.clock.advance(days=2)  # every entry's first day has passed, none was answered
    url = f"/manage/contests/{gappy.contest.id}/dashboard"
    for headers in (HONG_KONG, {"Accept-Language": "en"}):
        page = site.client.get(url, headers=headers).text
        headline = page.split('id="reply-headline">')[1].split("</li>")[0]
        assert '<span class="key-number">0%</span>' in headline, headline
