"""A contest's category and criterion names in the reader's language wherever visitors,
entrants and judges meet them: the gallery's filter (cached per language), a photo's page, the
entry form, the judge's score page and the winners page."""

from __future__ import annotations

from contest.contests.phases import Phase
from contest.contests.store import get_contest
from contest.contests.texts import ContestTexts
from tests.conftest import Site
from tests.factories import (
    DAY,
    add_account,
    add_contest,
    add_entry,
    add_judge,
    add_published_results,
    add_scores,
)

HK = {"Accept-Language": "zh-HK"}
CN = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}
TEXTS = ContestTexts.of(
    "en",
    {
        "zh_Hant": {
            "title": "圖書館的光",
            "categories": "日間\n夜間",
            "criteria": "切合主題\n創意",
        },
        "zh_Hans": {"categories": "日间\n夜间"},
    },
)


def judged_contest(site: Site) -> dict[str, int | str]:
    """A contest judging now whose only judges' awards are its categories': Ann's night photo,
    and a judge (judge@uni.edu) to score it."""
    now = site.clock()

    async def create() -> dict[str, int | str]:
        contest = await add_contest(
            site.db,
            Phase.JUDGING_AND_VOTING,
            now=now,
            categories=("Day", "Night"),
            award_per_category=True,
            award_champion=False,
            award_runners_up=0,
            texts=TEXTS,
        )
        organizer = await add_account(
            site.db, site.passwords, email="org@uni.edu", role="organizer"
        )
        ann = await add_account(site.db, site.passwords, email="ann@uni.edu", name="Ann Lee")
        await add_judge(site.db, site.passwords, contest, email="judge@uni.edu")
        entry = await add_entry(
            site.db,
            site.storage,
            contest,
            ann,
            title="Lamps after dark",
            category="Night",
            moderator=organizer,
            now=now,
        )
        return {"id": contest.id, "slug": contest.slug, "entry": entry, "organizer": organizer.id}

    return site.run(create)


def test_the_gallery_filter_and_a_photos_page_name_categories_in_each_language(
    site: Site,
) -> None:
    made = judged_contest(site)
    gallery = f"/contests/{made['slug']}/gallery"
    # The gallery keeps rendered pages for a moment: each language must get its own.
    for headers, night, not_shown in (
        (HK, "夜間", ("Night", "夜间")),
        (CN, "夜间", ("Night", "夜間")),
        (EN, "Night", ("夜間", "夜间")),
        (HK, "夜間", ("Night", "夜间")),
    ):
        page = site.client.get(gallery, headers=headers).text
        options = page[page.index('<select id="category"') : page.index("</select>")]
        assert f">{night}</option>" in options
        assert not any(word in options for word in not_shown)
    photo = site.client.get(f"/entries/{made['entry']}", headers=HK).text
    assert " · 夜間" in photo and "圖書館的光" in photo


def test_a_judge_reads_the_criteria_and_the_category_in_their_language(site: Site) -> None:
    made = judged_contest(site)
    site.sign_in("judge@uni.edu")
    page = site.client.get(f"/judging/{made['id']}/entries/{made['entry']}", headers=HK).text
    assert "<legend>切合主題 <span" in page and "<legend>創意 <span" in page
    assert "<dd>夜間</dd>" in page and "Creativity" not in page


def test_the_winners_page_names_the_category_award_in_the_readers_language(site: Site) -> None:
    made = judged_contest(site)
    judge = site.user(int(site.value("SELECT id FROM users WHERE email = 'judge@uni.edu'")))
    organizer = site.user(int(made["organizer"]))

    async def publish() -> None:
        contest = await get_contest(site.db, int(made["id"]))
        await add_scores(site.db, contest, judge, int(made["entry"]), [8, 7], now=site.clock())
        await add_published_results(site.db, contest, organizer, now=site.clock() + 7 * DAY)

    site.run(publish)
    site.clock.advance(days=8)
    winners = f"/contests/{made['slug']}/winners"
    assert "夜間組最佳作品" in site.client.get(winners, headers=HK).text
    assert "Best Night" in site.client.get(winners, headers=EN).text
    # What is stored names the award by its key, in no language.
    stored = site.value("SELECT award FROM awards WHERE entry_id = ?", (made["entry"],))
    assert stored.startswith("category_")


def test_the_entry_form_offers_the_categories_in_the_entrants_language(site: Site) -> None:
    now = site.clock()
    contest = site.run(
        add_contest, site.db, Phase.SUBMISSIONS, now=now, categories=("Day", "Night"), texts=TEXTS
    )
    site.sign_in_as("participant", "ann@uni.edu")
    page = site.client.get(f"/contests/{contest.slug}/enter", headers=CN).text
    assert ">日间</option>" in page and ">夜间</option>" in page and ">Night</option>" not in page
