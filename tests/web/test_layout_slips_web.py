"""Small slips a visitor notices at once: the site's icon, the contest page's time zone and its
rubric's shares."""

import re

import pytest

from contest.contests.model import Criterion
from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import add_contest, contest_settings


def test_favicon_ico_answers_with_the_sites_icon_and_may_be_cached(site: Site) -> None:
    response = site.client.get("/favicon.ico", follow_redirects=True)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.content.lstrip().startswith(b"<svg")
    assert "max-age=" in response.headers["cache-control"]
    assert "no-store" not in response.headers["cache-control"]


def test_every_page_links_the_icon_and_the_link_resolves(site: Site) -> None:
    html = site.client.get("/").text

    link = html.split('<link rel="icon" href="')[1].split('"')[0]
    assert link.endswith(".svg")
    icon = site.client.get(link)
    assert icon.status_code == 200
    assert icon.content == site.client.get("/favicon.ico").content


def test_contest_page_writes_its_time_zone_as_people_read_it(site: Site) -> None:
    contest = site.run(
        add_contest, site.db, Phase.SUBMISSIONS, now=site.clock(), timezone="Asia/Hong_Kong"
    )

    html = site.client.get(f"/contests/{contest.slug}").text

    assert "Times are in Hong Kong time." in html
    assert "Asia/Hong_Kong" not in html


@pytest.mark.parametrize(
    ("weights", "percents"),
    [
        ((1, 1, 1), (34, 33, 33)),
        ((2, 1), (67, 33)),
        ((1, 1, 1, 1, 1, 1), (17, 17, 17, 17, 16, 16)),
        ((1, 2, 3), (17, 33, 50)),
        ((0.1, 0.2, 0.7), (10, 20, 70)),
        ((5,), (100,)),
    ],
)
def test_rubric_weight_percents_sum_to_100(
    weights: tuple[float, ...], percents: tuple[int, ...]
) -> None:
    criteria = tuple(Criterion(f"Criterion {i}", weight) for i, weight in enumerate(weights))

    shares = contest_settings(criteria=criteria).weight_percents()

    assert shares == percents
    assert sum(shares) == 100


def test_contest_page_shows_rubric_shares_that_sum_to_100(site: Site) -> None:
    criteria = (Criterion("Theme", 1), Criterion("Creativity", 1), Criterion("Craft", 1))
    contest = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock(), criteria=criteria)

    html = site.client.get(f"/contests/{contest.slug}").text

    rubric = html.split('id="rubric-heading"')[1].split("</ul>")[0]
    shares = [int(share) for share in re.findall(r"\((\d+)%\)", rubric)]
    assert shares == [34, 33, 33]
