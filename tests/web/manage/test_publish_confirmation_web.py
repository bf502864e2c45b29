"""Publishing asks for confirmation and names the ranking's gaps first; the button is disabled,
with its reason beside it, before judging closes and once published; the ranking's scores
are separated and named."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Site
from tests.factories import Gappy, add_contest_with_gaps


@pytest.fixture
def gappy(site: Site) -> Gappy:
    made = site.run(add_contest_with_gaps, site.db, site.passwords, site.storage, now=site.clock())
    site.sign_in("org@uni.edu")
    return made


def results_url(made: Gappy) -> str:
    return f"/manage/contests/{made.contest.id}/results"


def published(site: Site, made: Gappy) -> bool:
    return (
        site.value("SELECT results_published_at FROM contests WHERE id = ?", (made.contest.id,))
        is not None
    )


def publish_button(page: str) -> str:
    found = re.search(r"<button[^>]*>Publish the results…?</button>", page)
    assert found, "no publish button"
    return found.group(0)


def test_before_judging_closes_the_button_is_disabled_with_its_reason(
    site: Site, gappy: Gappy
) -> None:
    page = site.client.get(results_url(gappy)).text
    assert "disabled" in publish_button(page)
    assert 'id="publish-reason">Judging and public voting have not both closed yet.' in page
    posted = site.post(
        f"{results_url(gappy)}/publish", {"confirm": "yes"}, form_page=results_url(gappy)
    )
    assert posted.status_code == 409
    assert "<h1>Results: " in posted.text  # the results page, not a bare error page
    assert "Not published: Judging and public voting have not both closed yet." in posted.text
    assert not published(site, gappy)


def test_publishing_shows_the_gaps_and_waits_for_confirmation(site: Site, gappy: Gappy) -> None:
    site.clock.advance(days=5)  # judging and voting have closed
    page = site.client.get(results_url(gappy)).text
    assert "disabled" not in publish_button(page)
    asked = site.post(f"{results_url(gappy)}/publish", {}, form_page=results_url(gappy))
    assert asked.status_code == 200 and not published(site, gappy)
    ids = gappy.ids
    text = asked.text
    assert "Publish the results?" in text
    assert (
        f"2 entries no judge scored</strong>, left unranked: #{ids['Garden']} Garden,"
        f" #{ids['Roof']} Roof." in text
    )
    assert (
        f"scored by fewer than 2 judges</strong>, left unranked: #{ids['Window']} Window (1 judge)"
        in text
    )
    assert f"#{ids['Stairs']} Stairs, #{ids['Stacks']} Stacks. The tie-break" in text
    assert 'name="confirm" value="yes"' in text

    done = site.post(
        f"{results_url(gappy)}/publish", {"confirm": "yes"}, form_page=results_url(gappy)
    )
    assert done.status_code == 200 and published(site, gappy)
    assert (
        '<p class="notice success done" role="status">Done: the results are published.</p>'
        in done.text
    )
    again = site.client.get(results_url(gappy)).text
    assert "Done: the results are published." not in again  # shown once
    assert "disabled" in publish_button(again)
    assert 'id="publish-reason">The results are already published.' in again


def test_a_repeated_confirmation_does_not_publish_twice(site: Site, gappy: Gappy) -> None:
    site.clock.advance(days=5)
    url = f"{results_url(gappy)}/publish"
    site.post(url, {"confirm": "yes"}, form_page=results_url(gappy))
    first = site.value(
        "SELECT results_published_at FROM contests WHERE id = ?", (gappy.contest.id,)
    )
    site.clock.advance(hours=1)
    again = site.post(url, {"confirm": "yes"}, form_page=results_url(gappy))
    assert again.status_code == 409 and "already published" in again.text
    assert (
        site.value("SELECT results_published_at FROM contests WHERE id = ?", (gappy.contest.id,))
        == first
    )


def test_a_judges_scores_are_separated_and_named(site: Site, gappy: Gappy) -> None:
    page = site.client.get(results_url(gappy)).text
    assert '<abbr title="Relevance to the theme · Creativity">9 · 9</abbr>' in page
    assert "9.09.0" not in page
    assert 'tabindex="0" role="region" aria-label="Ranking table, scrolls sideways"' in page
