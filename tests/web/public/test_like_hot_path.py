"""The like endpoint's memories: sessions (sign-out and revocation count at once), entries."""

from typing import Any

import pytest

from contest.accounts import sessions, users
from contest.accounts.users import User
from contest.contests.phases import Phase
from contest.core.security import csrf_token
from contest.entries import store as entry_store
from contest.web.context import BROWSER_COOKIE, SESSION_COOKIE
from tests.conftest import Site
from tests.factories import add_contest, add_entry


def like(site: Site, entry_id: int) -> Any:
    """A script's like, with this browser's form token."""
    site.client.get("/")  # the browser cookie, on the first visit
    token = csrf_token(site.config.secret_key or "", site.client.cookies[BROWSER_COOKIE])
    return site.client.post(
        f"/entries/{entry_id}/like",
        data={"csrf_token": token, "action": "like"},
        headers={"Accept": "application/json"},
    )


@pytest.fixture
def boss(site: Site) -> User:
    """Another organizer, who changes things in the database as another process would."""
    return site.user(site.add_user("organizer", "boss@uni.edu", name="Bo Boss"))


def voters(site: Site) -> list[tuple[int, str, str]]:
    rows = site.rows("SELECT entry_id, voter, kind FROM likes ORDER BY entry_id")
    return [(row["entry_id"], row["voter"], row["kind"]) for row in rows]


def test_a_signed_out_session_cannot_like_even_while_it_was_cached(
    site: Site, entries: list[int]
) -> None:
    fan = site.sign_in_as("participant", "fan@uni.edu")
    assert like(site, entries[0]).json() == {"liked": True, "count": 1}  # now cached
    old_token = site.client.cookies[SESSION_COOKIE]
    assert site.post("/sign-out", {}, form_page="/", follow_redirects=False).status_code == 303
    site.client.cookies.set(SESSION_COOKIE, old_token)  # a copy of the cookie kept elsewhere
    assert like(site, entries[1]).status_code == 401
    assert voters(site) == [(entries[0], site.voter_key(fan), "vote")]


def test_signing_out_everywhere_stops_the_other_devices_likes_at_once(
    site: Site, entries: list[int]
) -> None:
    fan = site.sign_in_as("participant", "fan@uni.edu")
    other_device = site.run(lambda: sessions.start_session(site.db, user_id=fan, now=site.clock()))
    this_device = site.client.cookies[SESSION_COOKIE]
    site.client.cookies.set(SESSION_COOKIE, other_device)
    assert like(site, entries[0]).status_code == 200  # the other device's session, cached
    site.client.cookies.set(SESSION_COOKIE, this_device)
    response = site.post(
        "/account/sign-out-everywhere", {}, form_page="/account", follow_redirects=False
    )
    assert response.status_code == 303
    site.client.cookies.set(SESSION_COOKIE, other_device)
    assert like(site, entries[1]).status_code == 401
    assert [entry for entry, _, _ in voters(site)] == [entries[0]]


def test_a_session_ended_behind_the_apps_back_is_refused_by_the_write(
    site: Site, entries: list[int]
) -> None:
    fan = site.sign_in_as("participant", "fan@uni.edu")
    assert like(site, entries[0]).status_code == 200
    # Ended in the database, as another process would: this one's session cache is not told.
    site.run(sessions.end_all_sessions, site.db, user_id=fan)
    assert like(site, entries[1]).status_code == 401
    assert [entry for entry, _, _ in voters(site)] == [entries[0]]


def test_a_role_changed_behind_the_apps_back_is_seen_by_the_next_like(
    site: Site, entries: list[int], boss: User
) -> None:
    librarian = site.sign_in_as("organizer", "lib@uni.edu")
    assert like(site, entries[0]).json() == {"liked": True, "count": 0}  # a Library pick
    # Changed in the database, as another process would: this one's session cache is not told.
    site.run(users.set_role, site.db, user_id=librarian, role="participant", acting_user_id=boss.id)
    assert like(site, entries[1]).json() == {"liked": True, "count": 1}  # now a vote
    assert voters(site) == [
        (entries[0], site.voter_key(librarian), "pick"),
        (entries[1], site.voter_key(librarian), "vote"),
    ]


def test_a_participant_made_judge_behind_the_apps_back_gets_no_counts_at_once(
    site: Site, entries: list[int], boss: User
) -> None:
    fan = site.sign_in_as("participant", "fan@uni.edu")
    assert like(site, entries[0]).json() == {"liked": True, "count": 1}
    # Changed in the database, as another process would: this one's session cache is not told.
    site.run(users.set_role, site.db, user_id=fan, role="judge", acting_user_id=boss.id)
    assert like(site, entries[1]).json() == {"liked": True, "count": None}  # judges see none


def test_a_disabled_account_cannot_like_at_once(site: Site, entries: list[int]) -> None:
    fan = site.sign_in_as("participant", "fan@uni.edu")
    assert like(site, entries[0]).status_code == 200
    fan_cookies = dict(site.client.cookies)
    site.client.cookies.clear()
    site.sign_in_as("organizer", "lib@uni.edu")
    answer = site.post(
        f"/manage/people/{fan}",
        {"action": "disable"},
        form_page="/manage/people",
        follow_redirects=False,
    )
    assert answer.status_code == 303
    site.client.cookies.clear()
    for name, value in fan_cookies.items():
        site.client.cookies.set(name, value)
    assert like(site, entries[1]).status_code == 401
    assert [entry for entry, _, _ in voters(site)] == [entries[0]]


def delete_newest(site: Site, entries: list[int], boss: User) -> int:
    """An organizer deletes the newest entry (its likes go with it); its id."""
    newest = entries[-1]
    entry = site.run(entry_store.get_entry, site.db, newest)
    site.run(entry_store.delete_entry, site.db, site.storage, entry=entry, user=boss)
    return newest


def new_entry_elsewhere(site: Site, boss: User) -> int:
    """A new contest with one approved entry; its id."""
    now = site.clock()
    other = site.run(add_contest, site.db, Phase.JUDGING_AND_VOTING, now=now, title="Elsewhere")
    ann = site.user(site.value("SELECT id FROM users WHERE email = 'ann@uni.edu'"))
    return site.run(
        add_entry, site.db, site.storage, other, ann, title="Reused", moderator=boss, now=now
    )


def test_a_deleted_entrys_id_is_never_given_out_again_so_a_remembered_contest_cannot_mislead(
    site: Site, entries: list[int], boss: User
) -> None:
    site.sign_in_as("participant", "fan@uni.edu")
    assert like(site, entries[-1]).status_code == 200  # its contest is now remembered
    newest = delete_newest(site, entries, boss)
    elsewhere = new_entry_elsewhere(site, boss)
    assert elsewhere > newest  # before ids counted up for good, SQLite gave `newest` again
    assert like(site, newest).status_code == 404
    assert like(site, elsewhere).json() == {"liked": True, "count": 1}
    assert [entry for entry, _, _ in voters(site)] == [elsewhere]
