"""Markup that assistive technology relies on: wide tables scroll inside a focusable, labelled
region; a failed form focuses its error summary and ties radios and checkboxes to their errors;
headings do not skip a level; a photo's default alt text leaves out the hashtags."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser
from typing import Any

from contest.contests import store as contest_store
from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import add_account, add_campaign, add_contest, add_entry, photo_bytes


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, in order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        """The attributes of each ``tag`` whose attributes include ``attrs``."""
        return [
            found
            for name, found in self.tags
            if name == tag and all(found.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def ids(self) -> set[str]:
        return {attrs["id"] for _, attrs in self.tags if "id" in attrs}


def described_by_existing_errors(page: Elements, attrs: dict[str, str]) -> list[str]:
    """The ids an element's aria-describedby names, each checked to exist on the page."""
    named = attrs.get("aria-describedby", "").split()
    assert named, f"no aria-describedby on {attrs}"
    missing = set(named) - page.ids()
    assert not missing, f"aria-describedby names missing ids {missing}"
    return named


def test_campaign_recipients_scroll_in_a_focusable_labelled_region(site: Site) -> None:
    site.sign_in_as("organizer")
    organizer = site.user(site.value("SELECT id FROM users WHERE role = 'organizer'"))

    async def create() -> tuple[int, int]:
        contest = await add_contest(site.db, Phase.SUBMISSIONS, now=site.clock())
        campaign = await add_campaign(
            site.db, contest, organizer, addresses="ann@uni.edu, not-an-address", now=site.clock()
        )
        return contest.id, campaign.id

    contest_id, campaign_id = site.run(create)
    response = site.client.get(f"/manage/contests/{contest_id}/campaigns/{campaign_id}")

    assert response.status_code == 200
    regions = Elements(response.text).find("div", role="region", tabindex="0")
    labels = {region["aria-label"] for region in regions if "table-scroll" in region["class"]}
    assert {"Recipients, scrolls sideways", "Bad rows, scrolls sideways"} <= labels
    assert site.value("SELECT count(*) FROM campaign_recipients") == 1


def test_a_failed_entry_ties_consents_and_licence_to_their_errors_and_focuses_the_summary(
    site: Site,
) -> None:
    slug = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock()).slug
    site.sign_in_as("participant")
    token = site.csrf(f"/contests/{slug}/enter")
    response = site.client.post(
        f"/contests/{slug}/enter",
        data={"csrf_token": token, "title": "Lamplight", "description": "Late."},
        files={"photo": ("lamp.jpg", photo_bytes(3), "image/jpeg")},
    )

    assert response.status_code == 400
    page = Elements(response.text)
    summary = page.find("div", role="alert", tabindex="-1")
    assert summary and "autofocus" in summary[0] and "error-summary" in summary[0]["class"]
    for name in ("consent_own_work", "consent_people"):
        (box,) = page.find("input", type="checkbox", name=name)
        assert described_by_existing_errors(page, box) == [f"{name}-error"]
        assert box["aria-invalid"] == "true"
    (consents,) = [f for f in page.find("fieldset") if "consents" in f.get("class", "")]
    assert described_by_existing_errors(page, consents) == [
        "consent_own_work-error",
        "consent_people-error",
    ]
    (licence,) = page.find("fieldset", id="licence")
    assert described_by_existing_errors(page, licence) == ["licence-error"]
    assert all(
        r["aria-invalid"] == "true" for r in page.find("input", type="radio", name="licence")
    )
    assert 'value="Lamplight"' in response.text  # nothing typed is lost
    assert site.value("SELECT count(*) FROM entries") == 0


def test_missing_scores_are_tied_to_their_criterion(site: Site) -> None:
    now = site.clock()

    async def create() -> tuple[int, int, int]:
        contest = await add_contest(site.db, Phase.JUDGING, now=now)
        ann = await add_account(site.db, site.passwords, email="ann@uni.edu")
        organizer = await add_account(site.db, site.passwords, email="o@uni.edu", role="organizer")
        entry = await add_entry(site.db, site.storage, contest, ann, moderator=organizer, now=now)
        return contest.id, entry, organizer.id

    contest_id, entry_id, _ = site.run(create)
    judge = site.sign_in_as("judge")
    site.run(contest_store.assign_judge, site.db, contest_id=contest_id, user_id=judge)
    criteria = [r["id"] for r in site.rows("SELECT id FROM rubric_criteria ORDER BY position")]
    path = f"/judging/{contest_id}/entries/{entry_id}"
    response = site.post(path, {f"score_{criteria[0]}": "7", "note": "Strong light"})

    assert response.status_code == 400
    page = Elements(response.text)
    missing = f"score_{criteria[1]}"
    (group,) = page.find("fieldset", id=missing)
    assert described_by_existing_errors(page, group) == [f"{missing}-error"]
    assert all(r.get("aria-invalid") == "true" for r in page.find("input", name=missing))
    (scored,) = page.find("fieldset", id=f"score_{criteria[0]}")
    assert "aria-describedby" not in scored
    assert page.find("a", href=f"#{missing}"), "the summary links to the criterion"
    assert site.value("SELECT count(*) FROM review_scores") == 0


def _heading_levels(html: str) -> list[int]:
    return [int(tag[1]) for tag, _ in Elements(html).tags if re.fullmatch(r"h[1-6]", tag)]


def test_gallery_and_hashtag_pages_do_not_skip_a_heading_level(
    site: Site, entries: list[int]
) -> None:
    slug = site.value("SELECT slug FROM contests")
    for path in (f"/contests/{slug}/gallery", "/hashtags/librarylight"):
        response = site.client.get(path)
        levels = _heading_levels(response.text)
        assert response.status_code == 200 and levels.count(2) >= 3, (path, levels)
        jumps = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        assert not jumps, f"{path} skips heading levels: {levels}"


def _submit(site: Site, slug: str, **fields: Any) -> Any:
    token = site.csrf(f"/contests/{slug}/enter")
    data = {
        "csrf_token": token,
        "licence": "contest",
        "consent_own_work": "on",
        "consent_people": "on",
        "alt_text": "",
        **fields,
    }
    files = {"photo": ("lamp.jpg", photo_bytes(5), "image/jpeg")}
    return site.client.post(
        f"/contests/{slug}/enter", data=data, files=files, follow_redirects=False
    )


def test_the_default_alt_text_is_the_description_without_its_hashtags(site: Site) -> None:
    slug = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock()).slug
    site.sign_in_as("participant")
    response = _submit(
        site,
        slug,
        title="Lamplight",
        description="Empty chairs under the #reading lamps. #nightowls #quiet",
    )

    assert response.status_code == 303
    stored = site.value("SELECT alt_text FROM entries")
    assert stored == "Empty chairs under the reading lamps."
    entry_id = site.value("SELECT id FROM entries")
    page = Elements(site.client.get(f"/my/entries/{entry_id}/edit").text)
    assert page.find("img", alt="Empty chairs under the reading lamps.")


def test_a_description_of_only_hashtags_leaves_the_title_as_alt_text(site: Site) -> None:
    slug = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock()).slug
    site.sign_in_as("participant")
    response = _submit(site, slug, title="Stacks at dusk", description="#nightowls #stacks")

    assert response.status_code == 303
    assert site.value("SELECT alt_text FROM entries") == "Stacks at dusk"
