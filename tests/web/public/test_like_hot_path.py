"""The like endpoint's memories: sessions (sign-out and revocation count at once), entries."""

from typing import Any

from contest.accounts import sessions
from contest.contests import store as contest_store
from contest.core.security import csrf_token
from contest.demo.contests import judging_demo_settings
from contest.web.context import BROWSER_COOKIE, SESSION_COOKIE
from tests.conftest import Site
from tests.factories import insert_entry


def like(site: Site, entry_id: int) -> Any:
    """A script's like, with this browser's form token."""
    site.client.get("/")  # the browser cookie, on the first visit
    token = csrf_token(site.config.secret_key or "", site.client.cookies[BROWSER_COOKIE])
    return site.client.post(
        f"/entries/{entry_id}/like",
        data={"csrf_token": token, "action": "like"},
        headers={"Accept": "application/json"},
    )


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
    assert voters(site) == [(entries[0], f"user:{fan}", "vote")]


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
    site.sign_in_as("participant", "fan@uni.edu")
    assert like(site, entries[0]).status_code == 200
    site.execute("DELETE FROM sessions")  # as another process would: this one is not told
    assert like(site, entries[1]).status_code == 401
    assert [entry for entry, _, _ in voters(site)] == [entries[0]]


def test_a_role_changed_behind_the_apps_back_is_seen_by_the_next_like(
    site: Site, entries: list[int]
) -> None:
    librarian = site.sign_in_as("organizer", "lib@uni.edu")
    assert like(site, entries[0]).json() == {"liked": True, "count": 0}  # a Library pick
    site.execute("UPDATE users SET role = 'participant' WHERE id = ?", (librarian,))
    assert like(site, entries[1]).json() == {"liked": True, "count": 1}  # now a vote
    assert voters(site) == [
        (entries[0], f"user:{librarian}", "pick"),
        (entries[1], f"user:{librarian}", "vote"),
    ]


def test_a_participant_made_judge_behind_the_apps_back_gets_no_counts_at_once(
    site: Site, entries: list[int]
) -> None:
    fan = site.sign_in_as("participant", "fan@uni.edu")
    assert like(site, entries[0]).json() == {"liked": True, "count": 1}
    site.execute("UPDATE users SET role = 'judge' WHERE id = ?", (fan,))
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


def reuse_newest_id_elsewhere(site: Site) -> int:
    """A new contest with one approved entry, which takes the id of the deleted newest one."""

    async def elsewhere() -> int:
        settings = judging_demo_settings(site.clock(), "UTC")
        other = await contest_store.create_contest(
            site.db, settings, created_by=None, now=site.clock()
        )
        author = await site.db.fetch_value("SELECT id FROM users WHERE email = 'ann@uni.edu'")
        async with site.db.transaction() as tx:
            return await insert_entry(tx, other.id, author, "Reused", "approved")

    return int(site.run(elsewhere))


def test_an_entry_id_used_again_in_another_contest_is_liked_there(
    site: Site, entries: list[int]
) -> None:
    site.sign_in_as("participant", "fan@uni.edu")
    newest = entries[-1]
    assert like(site, newest).status_code == 200  # its contest is now remembered
    site.execute("DELETE FROM likes")
    site.execute("DELETE FROM entries WHERE id = ?", (newest,))
    assert reuse_newest_id_elsewhere(site) == newest  # SQLite gave the id out again
    assert like(site, newest).json() == {"liked": True, "count": 1}
    assert [entry for entry, _, _ in voters(site)] == [newest]


def test_a_reused_entry_id_is_not_refused_by_the_old_contests_closed_voting(
    site: Site, entries: list[int]
) -> None:
    site.sign_in_as("participant", "fan@uni.edu")
    newest = entries[-1]
    assert like(site, newest).status_code == 200  # its contest is now remembered
    site.execute("DELETE FROM likes")
    site.execute("DELETE FROM entries WHERE id = ?", (newest,))
    old_contest = site.value("SELECT contest_id FROM entries WHERE id = ?", (entries[0],))
    site.execute(  # the remembered contest's voting has not opened (after an organizer's edit)
        "UPDATE contests SET voting_open = '2998-01-01T00:00:00Z',"
        " voting_close = '2999-01-01T00:00:00Z', results_at = '2999-01-02T00:00:00Z' WHERE id = ?",
        (old_contest,),
    )
    assert reuse_newest_id_elsewhere(site) == newest  # SQLite gave the id out again
    services = site.client.app.state.services  # type: ignore[attr-defined]
    services.contest_cache.forget(lambda key: True)  # two seconds on: the edit shows
    assert like(site, newest).json() == {"liked": True, "count": 1}
    refused = like(site, entries[0])  # the old contest itself still refuses, as it should
    assert refused.status_code == 409 and "not opened" in refused.text
