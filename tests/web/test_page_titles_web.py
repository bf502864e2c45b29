"""Every page's tab title ends with the site's name: the library's own, once it has one."""

import re

import pytest

from tests.conftest import Site

BRAND = "City Library Photo Contests"


def _title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found is not None
    return found.group(1)


@pytest.fixture
def branded(site: Site, entries: list[int]) -> Site:
    """An organizer signed in on a site named BRAND, with a contest in judging and voting."""
    site.sign_in_as("organizer", "olive@uni.edu")
    form = {"brand_name": BRAND, "brand_accent": "#1f5fbf", "brand_header": "#16213e"}
    assert site.post("/manage/settings", form).status_code == 200
    assert site.value("SELECT value FROM settings WHERE key = 'brand_name'") == BRAND
    return site


def test_every_page_title_ends_with_the_librarys_name(branded: Site, entries: list[int]) -> None:
    contest_id, slug = branded.rows("SELECT id, slug FROM contests")[0].values()
    manage = f"/manage/contests/{contest_id}"
    pages = [
        f"/contests/{slug}",
        f"/contests/{slug}/gallery",
        f"/entries/{entries[0]}",
        "/manage",
        "/manage/people",
        f"{manage}/dashboard",
        f"{manage}/report",
        f"{manage}/results",
        f"{manage}/moderation",
        f"{manage}/judging",
        f"{manage}/likes",
        f"{manage}/likes-elsewhere",
        f"{manage}/campaigns",
    ]
    for path in pages:
        page = branded.client.get(path)
        assert page.status_code == 200, path
        title = _title(page.text)
        assert title.endswith(f" · {BRAND}"), (path, title)
        assert "Photo contests" not in title, (path, title)


def test_a_judges_pages_end_with_the_sites_name(site: Site, entries: list[int]) -> None:
    contest_id = site.value("SELECT id FROM contests")
    judge = site.sign_in_as("judge", "jude@uni.edu")
    site.execute(
        "INSERT INTO contest_judges (contest_id, user_id) VALUES (?, ?)", (contest_id, judge)
    )
    for path in (f"/judging/{contest_id}", f"/judging/{contest_id}/entries/{entries[0]}"):
        page = site.client.get(path)
        assert page.status_code == 200, path
        assert _title(page.text).endswith(" · Photo contests"), path


def test_the_gallery_title_keeps_its_words_before_the_name(site: Site, entries: list[int]) -> None:
    title_of_contest, slug = site.rows("SELECT title, slug FROM contests")[0].values()
    page = site.client.get(f"/contests/{slug}/gallery")
    assert _title(page.text) == f"Photos · {title_of_contest} · Photo contests"
