"""The winners page is worth sharing: each winner links to its photo's page, share buttons
point at the networks with the winners page's address, and link previews show the winners'
collage under an address that changes when the winners do."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, quote, urlsplit

from PIL import Image

from contest.contests.phases import Phase
from contest.media.share_card import CARD_SIZE
from tests.conftest import Site
from tests.factories import (
    DAY,
    Ranked,
    add_contest,
    add_like,
    add_published_results,
    add_ranked_contest,
)
from tests.web.public.test_gallery_web import meta

HOST = "http://testserver"


def announce(site: Site, *, announced: bool = True) -> Ranked:
    """Ann's "Dawn in the atrium" is champion, Bob's "Dusk by the stacks" People's Choice;
    the results are published and (unless ``announced`` is false) announced."""
    now = site.clock()

    async def create() -> Ranked:
        ranked = await add_ranked_contest(
            site.db,
            site.passwords,
            site.storage,
            now=now,
            title="Light & Shade",
            voting_mode="device",
            award_runners_up=0,
        )
        for browser in ("browser-a", "browser-b"):
            await add_like(
                site.db, ranked.contest, ranked.ids["Dusk by the stacks"], browser, now=now
            )
        await add_published_results(site.db, ranked.contest, ranked.organizer, now=now + 5 * DAY)
        return ranked

    ranked = site.run(create)
    site.clock.advance(days=6 if announced else 5, hours=1)
    if not announced:
        site.execute(
            "UPDATE contests SET results_at = ? WHERE id = ?",
            ("2099-01-01T00:00:00Z", ranked.contest.id),
        )
    return ranked


def test_each_winners_photo_and_title_link_to_its_entry_page(site: Site) -> None:
    ranked = announce(site)
    html = site.client.get(f"/contests/{ranked.contest.slug}/winners").text
    for title in ("Dawn in the atrium", "Dusk by the stacks"):
        link = f'href="{HOST}/entries/{ranked.ids[title]}"'
        article = html[html.rindex("<article", 0, html.index(f">{title}<")) :]
        article = article[: article.index("</article>")]
        assert article.count(link) == 2, title  # the photo and the title
    assert f'/entries/{ranked.ids["Noon on the steps"]}"' not in html


def test_share_buttons_send_the_winners_page_to_each_network(site: Site) -> None:
    ranked = announce(site)
    html = site.client.get(f"/contests/{ranked.contest.slug}/winners").text
    page = f"{HOST}/contests/{ranked.contest.slug}/winners"
    facebook = (
        f"https://www.facebook.com/sharer/sharer.php?u={quote(page + '?src=facebook', safe='')}"
    )
    assert f'href="{facebook}"' in html
    for network in ("https://twitter.com/intent/tweet", "https://wa.me/", "mailto:?subject="):
        assert f'href="{network}' in html
    assert quote(f"{page}?src=whatsapp", safe="") in html
    assert f'data-copy-link="{page}?src=copy"' in html
    assert "Light &amp; Shade" in html and "Light & Shade <" not in html


def test_the_preview_is_the_winners_collage_at_1200_by_630(site: Site) -> None:
    ranked = announce(site)
    tags = meta(site.client.get(f"/contests/{ranked.contest.slug}/winners").text)
    assert tags["og:url"] == f"{HOST}/contests/{ranked.contest.slug}/winners"
    assert tags["og:title"] == "Winners: Light & Shade · #" + ranked.contest.settings.hashtag
    image = tags["og:image"]
    assert image.startswith(f"{HOST}/contests/{ranked.contest.slug}/winners.jpg?v=")
    assert tags["twitter:image"] == image and tags["twitter:card"] == "summary_large_image"
    card = site.client.get(image.removeprefix(HOST))
    assert card.status_code == 200 and card.headers["content-type"] == "image/jpeg"
    assert "max-age=86400" in card.headers["cache-control"]
    assert Image.open(io.BytesIO(card.content)).size == CARD_SIZE
    assert site.client.get(image.removeprefix(HOST)).content == card.content


def test_each_languages_page_names_its_own_card_and_no_reader_changes_it(site: Site) -> None:
    ranked = announce(site)
    page = f"/contests/{ranked.contest.slug}/winners"
    english = meta(site.client.get(page).text)["og:image"].removeprefix(HOST)
    chinese = meta(site.client.get(page, headers={"Accept-Language": "zh-HK"}).text)["og:image"]
    chinese = chinese.removeprefix(HOST)
    assert english.endswith("&lang=en") and chinese.endswith("&lang=zh_Hant")
    # Whoever asks (an English crawler, a Chinese reader), an address draws one card.
    for address in (english, chinese):
        as_english = site.client.get(address, headers={"Accept-Language": "en"}).content
        as_chinese = site.client.get(address, headers={"Accept-Language": "zh-HK"}).content
        assert as_english == as_chinese
    assert site.client.get(english).content != site.client.get(chinese).content


def test_the_preview_address_changes_when_the_winners_change(site: Site) -> None:
    ranked = announce(site)
    page = f"/contests/{ranked.contest.slug}/winners"
    before = meta(site.client.get(page).text)["og:image"]
    assert meta(site.client.get(page).text)["og:image"] == before
    site.execute(
        "UPDATE awards SET entry_id = ? WHERE contest_id = ? AND award = 'champion'",
        (ranked.ids["Noon on the steps"], ranked.contest.id),
    )
    after = meta(site.client.get(page).text)["og:image"]
    assert after != before
    assert parse_qs(urlsplit(after).query)["v"] != parse_qs(urlsplit(before).query)["v"]
    assert site.client.get(after.removeprefix(HOST)).status_code == 200


def test_before_the_announcement_there_is_no_collage_and_no_share_buttons(site: Site) -> None:
    ranked = announce(site, announced=False)
    html = site.client.get(f"/contests/{ranked.contest.slug}/winners").text
    assert "will be announced" in html
    assert "winners.jpg" not in html and "facebook.com" not in html
    assert "Ann Lee" not in html and "Dawn in the atrium" not in html
    card = site.client.get(f"/contests/{ranked.contest.slug}/winners.jpg?v=x")
    assert card.status_code == 404


def test_the_home_page_moves_a_finished_contest_to_past_contests_with_its_winners(
    site: Site,
) -> None:
    ranked = announce(site)
    running = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock(), title="Snow")
    html = site.client.get("/").text
    now_running = html[html.index("Now running") : html.index("Past contests")]
    past = html[html.index("Past contests") :]
    assert running.title in now_running and "Light &amp; Shade" not in now_running
    assert "Light &amp; Shade" in past
    champion = ranked.ids["Dawn in the atrium"]
    thumb = site.value("SELECT thumb_key FROM entries WHERE id = ?", (champion,))
    item = past[past.index(f"/entries/{champion}") :]
    item = item[: item.index("</li>")]
    assert f"/media/{thumb}" in item and "Champion" in item and "Dawn in the atrium" in item
    choice = ranked.ids["Dusk by the stacks"]
    assert "People&#39;s Choice" in past and f"/entries/{choice}" in past
    assert past.index(f"/entries/{champion}") < past.index(f"/entries/{choice}")
    assert f"/contests/{ranked.contest.slug}/winners" in past


def test_the_home_page_keeps_a_contest_current_until_its_winners_are_announced(
    site: Site,
) -> None:
    announce(site, announced=False)
    html = site.client.get("/").text
    assert "Past contests" not in html
    assert "Light &amp; Shade" in html
    assert "Dawn in the atrium" not in html and "Ann Lee" not in html
