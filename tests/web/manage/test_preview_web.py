"""Rehearsal: an organizer previews a contest's public pages as on a chosen moment, and the
contest, the real visitors' pages and every write stay at the real time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contest.contests.phases import Phase
from contest.contests.preview import PreviewChoice, sign_preview
from contest.core.clock import to_db
from tests.conftest import Site
from tests.factories import DAY, add_account, add_contest, add_entry

PREVIEW_COOKIE = "contest_preview"
BANNER = 'class="preview-banner"'
#: A like button that can be pressed (outside voting it is rendered disabled).
ACTIVE_LIKE = 'class="like-button" aria-pressed="false">'
#: What a previewed page says instead of inviting a like that would be refused.
LIKES_OFF = "Likes are off in a preview"
PREVIEW_VOTING = "Voting is open at this moment; likes are off in a preview."
#: A like button rendered disabled.
DISABLED_LIKE = 'class="like-button" aria-pressed="false" disabled>'


@dataclass(frozen=True)
class World:
    """A contest with two approved entries by Ann, and the organizer signed in."""

    contest_id: int
    slug: str
    entry_ids: list[int]
    organizer_id: int


def make_world(site: Site, phase: Phase = Phase.SUBMISSIONS, **overrides: Any) -> World:
    now = site.clock()

    async def create() -> tuple[int, str, list[int]]:
        contest = await add_contest(site.db, phase, now=now, **overrides)
        ann = await add_account(site.db, site.passwords, email="ann@uni.edu", now=now)
        moderator = await add_account(
            site.db, site.passwords, email="moderator@uni.edu", role="organizer", now=now
        )
        ids = [
            await add_entry(
                site.db, site.storage, contest, ann, title=f"Stacks {i}", moderator=moderator
            )
            for i in range(2)
        ]
        return contest.id, contest.slug, ids

    contest_id, slug, ids = site.run(create)
    organizer_id = site.sign_in_as("organizer")
    return World(contest_id, slug, ids, organizer_id)


def start_preview(site: Site, world: World, **form: str) -> Any:
    """Post the preview form (with its token) and return the response, not followed."""
    path = f"/manage/contests/{world.contest_id}/preview"
    return site.post(path, form, follow_redirects=False)


def contest_row(site: Site, contest_id: int) -> list[dict[str, Any]]:
    return site.rows("SELECT * FROM contests WHERE id = ?", (contest_id,))


def test_an_organizer_previewing_voting_sees_voting_while_submissions_are_really_open(
    site: Site,
) -> None:
    world = make_world(site)
    before = contest_row(site, world.contest_id)
    audit_before = site.value("SELECT count(*) FROM audit_log")
    response = start_preview(site, world, phase="voting")
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/contests/{world.slug}")
    assert PREVIEW_COOKIE in response.headers["set-cookie"]
    assert "HttpOnly" in response.headers["set-cookie"]

    page = site.client.get(f"/contests/{world.slug}").text
    assert "status-judging_and_voting" in page
    assert PREVIEW_VOTING in page and "tap ♥" not in page
    assert BANNER in page and "(judging and voting)" in page
    assert "Stop preview" in page
    gallery = site.client.get(f"/contests/{world.slug}/gallery").text
    assert BANNER in gallery and PREVIEW_VOTING in gallery
    assert ACTIVE_LIKE not in gallery and LIKES_OFF in gallery
    entry = site.client.get(f"/entries/{world.entry_ids[0]}").text
    assert BANNER in entry and PREVIEW_VOTING in entry
    assert ACTIVE_LIKE not in entry and "tap ♥" not in entry
    # Nothing about the contest changed.
    assert contest_row(site, world.contest_id) == before
    assert site.value("SELECT count(*) FROM audit_log") == audit_before


def test_the_phase_buttons_pick_a_moment_inside_each_phase(site: Site) -> None:
    world = make_world(site)
    for phase, status in [
        ("submissions", "status-submissions"),
        ("judging", "status-judging"),
        ("voting", "status-judging_and_voting"),
        ("results", "status-results"),
    ]:
        assert start_preview(site, world, phase=phase).status_code == 303
        assert status in site.client.get(f"/contests/{world.slug}").text, phase


def test_a_participant_or_visitor_carrying_the_cookie_sees_the_real_site(site: Site) -> None:
    world = make_world(site)
    start_preview(site, world, phase="voting")
    cookie = site.client.cookies.get(PREVIEW_COOKIE)
    assert cookie
    site.post("/sign-out", {}, form_page="/")
    site.client.cookies.set(PREVIEW_COOKIE, cookie)
    anonymous = site.client.get(f"/contests/{world.slug}").text
    assert "status-submissions" in anonymous and BANNER not in anonymous
    site.sign_in_as("participant", "pat@uni.edu")
    site.client.cookies.set(PREVIEW_COOKIE, cookie)
    page = site.client.get(f"/contests/{world.slug}").text
    assert "status-submissions" in page and BANNER not in page
    gallery = site.client.get(f"/contests/{world.slug}/gallery").text
    assert "Public voting opens" in gallery and ACTIVE_LIKE not in gallery


def test_a_forged_or_expired_cookie_is_ignored(site: Site) -> None:
    world = make_world(site)
    voting = site.clock() + 16 * DAY
    forged = sign_preview(
        "another-secret", PreviewChoice(world.contest_id, voting), now=site.clock()
    )
    site.client.cookies.set(PREVIEW_COOKIE, forged)
    assert BANNER not in site.client.get(f"/contests/{world.slug}").text
    genuine = sign_preview(
        site.config.secret_key or "", PreviewChoice(world.contest_id, voting), now=site.clock()
    )
    site.client.cookies.set(PREVIEW_COOKIE, genuine)
    assert "status-judging_and_voting" in site.client.get(f"/contests/{world.slug}").text
    site.clock.advance(hours=3)
    page = site.client.get(f"/contests/{world.slug}").text
    assert BANNER not in page and "status-submissions" in page


def test_a_like_during_a_preview_of_voting_is_refused_at_the_real_time(site: Site) -> None:
    world = make_world(site)
    start_preview(site, world, phase="voting")
    entry_page = f"/entries/{world.entry_ids[0]}"
    response = site.post(
        f"{entry_page}/like", {"action": "like"}, form_page=entry_page, follow_redirects=False
    )
    assert response.status_code == 409
    assert "Voting has not opened yet." in response.text
    assert site.value("SELECT count(*) FROM likes") == 0


def test_a_like_during_a_preview_of_submissions_is_stored_at_the_real_time(site: Site) -> None:
    world = make_world(site, Phase.VOTING)
    start_preview(site, world, phase="submissions")
    entry_page = f"/entries/{world.entry_ids[0]}"
    assert ACTIVE_LIKE not in site.client.get(entry_page).text  # the preview: no voting
    response = site.post(
        f"{entry_page}/like", {"action": "like"}, form_page=entry_page, follow_redirects=False
    )
    assert response.status_code == 303
    rows = site.rows("SELECT entry_id, created_at FROM likes")
    assert rows == [{"entry_id": world.entry_ids[0], "created_at": to_db(site.clock())}]


def test_the_gallery_cache_never_hands_a_preview_page_to_a_visitor(site: Site) -> None:
    world = make_world(site)
    gallery = f"/contests/{world.slug}/gallery"
    start_preview(site, world, phase="voting")
    assert PREVIEW_VOTING in site.client.get(gallery).text
    # A visitor right after, while the gallery's snapshot is still cached: the real phase.
    cookie = site.client.cookies.get(PREVIEW_COOKIE)
    site.client.cookies.clear()
    first = site.client.get(gallery).text
    assert "Public voting opens" in first and BANNER not in first
    assert ACTIVE_LIKE not in first
    # And the organizer after a visitor's page was cached still gets the preview.
    site.sign_in("organizer@uni.edu")
    site.client.cookies.set(PREVIEW_COOKIE, cookie or "")
    assert PREVIEW_VOTING in site.client.get(gallery).text
    site.client.cookies.clear()
    again = site.client.get(gallery).text
    assert BANNER not in again and PREVIEW_VOTING not in again


def test_stop_clears_the_preview_and_shows_the_real_site(site: Site) -> None:
    world = make_world(site)
    start_preview(site, world, phase="voting")
    response = site.post("/manage/preview/stop", {}, form_page=f"/contests/{world.slug}")
    assert response.status_code == 200
    assert str(response.url).endswith(f"/contests/{world.slug}")
    assert site.client.cookies.get(PREVIEW_COOKIE) is None
    assert "the preview is over" in response.text
    assert BANNER not in response.text and "status-submissions" in response.text


def test_only_the_previewed_contests_pages_move_in_time(site: Site) -> None:
    world = make_world(site)
    other = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock(), title="Other")
    start_preview(site, world, phase="voting")
    page = site.client.get(f"/contests/{other.slug}").text
    assert "status-submissions" in page
    assert BANNER in page and "this page shows the real time" in page
    manage = site.client.get("/manage").text
    assert "this page shows the real time" in manage


def test_previewing_results_before_publishing_says_the_winners_page_stays_empty(
    site: Site,
) -> None:
    world = make_world(site)
    start_preview(site, world, phase="results")
    page = site.client.get(f"/contests/{world.slug}/winners").text
    assert BANNER in page and "(results)" in page
    assert "The results are not published yet" in page
    assert 'class="winners"' not in page


def test_a_typed_moment_is_read_in_the_contests_time_zone(site: Site) -> None:
    world = make_world(site, timezone="Europe/Berlin")
    response = start_preview(site, world, phase="at", at="2026-03-18T10:00")
    assert response.status_code == 303
    page = site.client.get(f"/contests/{world.slug}").text
    assert "Wed 18 Mar 2026, 10:00" in page and "(judging and voting)" in page


def test_a_bad_date_gets_a_clear_error_naming_the_field_and_keeps_what_was_typed(
    site: Site,
) -> None:
    world = make_world(site)
    for typed, message in [
        ("2027-02-30T10:00", "“2027-02-30T10:00” is not a date and time"),
        ("1999-03-12T10:00", "between the years 2000 and 2200"),
        ("", "Type the date and time to preview"),
        ("x" * 41, "too long"),
    ]:
        response = start_preview(site, world, phase="at", at=typed)
        assert response.status_code == 400, typed
        assert message in response.text, typed
        assert 'href="#at"' in response.text  # the summary links to the field
        if typed:
            assert f'value="{typed}"' in response.text
        assert site.client.cookies.get(PREVIEW_COOKIE) is None


def test_an_unknown_phase_is_refused_with_a_message(site: Site) -> None:
    world = make_world(site)
    response = start_preview(site, world, phase="tomorrow")
    assert response.status_code == 400
    assert "Choose a phase, or type a date and time." in response.text


def test_starting_a_preview_needs_this_browsers_token(site: Site) -> None:
    world = make_world(site)
    path = f"/manage/contests/{world.contest_id}/preview"
    response = site.client.post(path, data={"phase": "voting", "csrf_token": "forged"})
    assert response.status_code == 400
    assert site.client.cookies.get(PREVIEW_COOKIE) is None
    stop = site.client.post("/manage/preview/stop", data={})
    assert stop.status_code == 400


def test_only_organizers_may_preview(site: Site) -> None:
    world = make_world(site)
    path = f"/manage/contests/{world.contest_id}/preview"
    site.post("/sign-out", {}, form_page="/")
    token = site.csrf("/sign-in")
    assert site.client.post(path, data={"phase": "voting", "csrf_token": token}).status_code == 401
    site.sign_in_as("participant", "pat@uni.edu")
    assert site.client.get(path).status_code == 403
    token = site.csrf("/")
    refused = site.client.post(path, data={"phase": "voting", "csrf_token": token})
    assert refused.status_code == 403
    assert site.client.cookies.get(PREVIEW_COOKIE) is None


def test_the_preview_page_offers_each_phase_with_its_moment(site: Site) -> None:
    world = make_world(site)
    page = site.client.get(f"/manage/contests/{world.contest_id}/preview")
    assert page.status_code == 200
    for phase in ("submissions", "judging", "voting", "results"):
        assert f'name="phase" value="{phase}"' in page.text
    assert 'name="at" type="datetime-local" value="2026-03-02T09:00"' in page.text
    manage = site.client.get("/manage").text
    assert f"/manage/contests/{world.contest_id}/preview" in manage


def test_what_a_previewed_page_records_is_stamped_with_the_real_time(site: Site) -> None:
    world = make_world(site)
    start_preview(site, world, phase="results")
    page = site.client.get(f"/entries/{world.entry_ids[0]}", headers={"sec-fetch-dest": "document"})
    assert BANNER in page.text and "(results)" in page.text
    seen = site.rows("SELECT seen_at FROM staff_browsers")
    assert seen == [{"seen_at": to_db(site.clock())}]


def test_a_previewed_voting_entry_page_shows_a_disabled_like_button_and_says_why(
    site: Site,
) -> None:
    world = make_world(site)
    start_preview(site, world, phase="voting")
    entry = site.client.get(f"/entries/{world.entry_ids[0]}?like=1").text
    assert DISABLED_LIKE in entry and ACTIVE_LIKE not in entry
    assert f'<span class="hint like-note">{LIKES_OFF}</span>' in entry
    assert "Confirm your like" not in entry  # no like invited after signing in either
    assert site.value("SELECT count(*) FROM likes") == 0


def test_a_previewed_results_page_has_no_active_like_button(site: Site) -> None:
    world = make_world(site, Phase.VOTING)
    start_preview(site, world, phase="results")
    entry = site.client.get(f"/entries/{world.entry_ids[0]}").text
    assert "(results)" in entry and DISABLED_LIKE in entry and ACTIVE_LIKE not in entry
    assert LIKES_OFF in entry
    gallery = site.client.get(f"/contests/{world.slug}/gallery").text
    assert ACTIVE_LIKE not in gallery and LIKES_OFF in gallery


def test_real_visitors_in_voting_still_get_an_active_like_button_and_no_note(
    site: Site,
) -> None:
    world = make_world(site, Phase.VOTING)
    organizer = site.client.get(f"/entries/{world.entry_ids[0]}").text
    assert ACTIVE_LIKE in organizer and "Voting is open: tap ♥ to like" in organizer
    assert LIKES_OFF not in organizer and PREVIEW_VOTING not in organizer
    start_preview(site, world, phase="voting")
    cookie = site.client.cookies.get(PREVIEW_COOKIE)
    site.client.cookies.clear()
    site.client.cookies.set(PREVIEW_COOKIE, cookie or "")
    participant_id = site.sign_in_as("participant")
    for path in (f"/entries/{world.entry_ids[0]}", f"/contests/{world.slug}/gallery"):
        page = site.client.get(path).text
        assert BANNER not in page and ACTIVE_LIKE in page, path
        assert LIKES_OFF not in page and PREVIEW_VOTING not in page, path
    assert participant_id != world.organizer_id


def test_the_phase_buttons_say_a_moment_during_each_phase_and_the_way_back(site: Site) -> None:
    world = make_world(site)
    page = site.client.get(f"/manage/contests/{world.contest_id}/preview").text
    buttons = page.split('class="preview-phases"')[1].split("</form>")[0]
    for words, when in (
        ("During submissions", "6 Mar 09:00"),
        ("During judging", "17 Mar 09:00"),
        ("During voting", "17 Mar 09:00"),
        ("After the results", "21 Mar 09:00"),
    ):
        assert f"<span>{words}</span> <small>({when})</small>" in buttons, words
    assert "Submissions open" not in page
    assert "2026" not in buttons  # this year goes without saying, as elsewhere on the site
    assert '/manage">← Back to Manage</a>' in page
    assert f"/manage/contests/{world.contest_id}/edit\">This contest's settings</a>" in page
    assert "Back to the settings" not in page
