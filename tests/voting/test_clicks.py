"""The like button's use case without HTTP: who the voter is, the address budget, and what
the voter is told (counts hidden from judges and, if the contest says so, from everyone)."""

from __future__ import annotations

import pytest

from contest.accounts.site_settings import set_site_settings
from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.db import Database
from contest.core.errors import Forbidden, NotSignedIn, RateLimited
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.voting import clicks
from contest.voting.clicks import Caller, click_like, counts_visible
from contest.voting.pace import DeviceLimits
from contest.voting.writer import LikeWriter
from tests.factories import START, add_account, add_contest, add_entry, contest_settings

pytestmark = pytest.mark.anyio
SECRET = "test-secret"


async def _voting(
    db: Database, passwords: Passwords, storage: LocalStorage, **settings: object
) -> tuple[Contest, User, int]:
    """A contest in its voting phase with one approved entry by Ann."""
    contest = await add_contest(db, "judging_and_voting", **settings)
    organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    ann = await add_account(db, passwords, email="ann@uni.edu", name="Ann Lee")
    entry_id = await add_entry(db, storage, contest, ann, moderator=organizer)
    return contest, ann, entry_id


def _caller(user: User | None = None, *, browser: str = "", address: str = "10.0.0.1") -> Caller:
    return Caller(user=user, session_hash=None, browser_id=browser, address=address)


def contest_in(phase: str, **settings: object) -> Contest:
    return Contest(
        id=1, slug="light", settings=contest_settings(phase, **settings), created_at=START
    )


async def _click(
    writer: LikeWriter, contest: Contest, entry_id: int, caller: Caller, *, action: str = "like"
) -> clicks.LikeAnswer:
    return await click_like(
        writer.db,
        contest,
        writer=writer,
        entry_id=entry_id,
        action=action,
        caller=caller,
        secret=SECRET,
        now=START,
    )


async def test_a_like_and_an_unlike_are_stored_and_answered(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, entry_id = await _voting(db, passwords, storage)
    fan = await add_account(db, passwords, email="fan@uni.edu")
    changed: list[int] = []
    writer = LikeWriter(db, on_change=changed.append)

    liked = await _click(writer, contest, entry_id, _caller(fan))
    again = await _click(writer, contest, entry_id, _caller(fan))
    assert (liked.liked, liked.count) == (True, 1)
    assert (again.liked, again.count) == (True, 1)
    assert changed == [contest.id]  # the repeat changed nothing

    taken_back = await _click(writer, contest, entry_id, _caller(fan), action="unlike")
    assert (taken_back.liked, taken_back.count) == (False, 0)
    assert changed == [contest.id, contest.id]
    assert await db.fetch_value("SELECT count(*) FROM counted_likes") == 0


async def test_judges_are_told_no_count_while_judging(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, entry_id = await _voting(db, passwords, storage)
    judge = await add_account(db, passwords, email="judge@uni.edu", role="judge")
    answer = await _click(LikeWriter(db), contest, entry_id, _caller(judge))
    assert answer.liked is True and answer.count is None
    assert await db.fetch_value("SELECT count(*) FROM counted_likes") == 1


def test_counts_are_hidden_from_judges_until_the_results() -> None:
    judge = User(1, "j@uni.edu", "Jo", "judge", affiliation="staff", department="")
    visitor = None
    voting = contest_in("judging_and_voting")
    results = contest_in("results")
    assert counts_visible(voting, visitor, START) is True
    assert counts_visible(voting, judge, START) is False
    assert counts_visible(results, judge, START) is True


def test_a_contest_may_hide_counts_from_everyone_until_the_results() -> None:
    hidden = contest_in("judging_and_voting", hide_counts=True)
    assert counts_visible(hidden, None, START) is False
    assert counts_visible(contest_in("results", hide_counts=True), None, START) is True


async def test_new_browsers_from_one_address_are_paced_unless_the_network_is_shared(
    db: Database, passwords: Passwords, storage: LocalStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clicks, "DEVICE_LIMITS", DeviceLimits(new_devices_per_minute=2))
    contest, _, entry_id = await _voting(db, passwords, storage, voting_mode="device")
    writer = LikeWriter(db)
    for browser in ("browser-1", "browser-2"):
        await _click(writer, contest, entry_id, _caller(browser=browser, address="10.0.0.9"))
    with pytest.raises(RateLimited):
        await _click(writer, contest, entry_id, _caller(browser="browser-3", address="10.0.0.9"))
    refusal = await db.fetch_one("SELECT * FROM like_refusals")
    assert (refusal["rule"], refusal["address"], refusal["entry_id"]) == (
        "new_devices",
        "10.0.0.9",
        entry_id,
    )

    await set_site_settings(db, signup_domains=None, shared_networks="10.0.0.0/24")
    shared = await _click(
        writer, contest, entry_id, _caller(browser="browser-3", address="10.0.0.9")
    )
    assert shared.count == 3
    assert await db.fetch_value("SELECT count(*) FROM counted_likes") == 3


async def test_only_device_likes_use_an_address_s_hourly_budget(
    db: Database, passwords: Passwords, storage: LocalStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clicks, "DEVICE_LIMITS", DeviceLimits(likes_per_address_hour=1))
    contest, _, entry_id = await _voting(db, passwords, storage, voting_mode="device")
    writer = LikeWriter(db)
    for n in range(3):  # accounts on the campus network: people, not browsers
        fan = await add_account(db, passwords, email=f"fan{n}@uni.edu")
        await _click(writer, contest, entry_id, _caller(fan, address="10.0.0.9"))
    first = await _click(writer, contest, entry_id, _caller(browser="b-1", address="10.0.0.9"))
    assert first.count == 4
    with pytest.raises(RateLimited):
        await _click(writer, contest, entry_id, _caller(browser="b-2", address="10.0.0.9"))
    assert await db.fetch_value("SELECT rule FROM like_refusals") == "address_hour"


async def test_an_account_in_email_voting_votes_under_its_mailbox(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, entry_id = await _voting(db, passwords, storage, voting_mode="email")
    fan = await add_account(db, passwords, email="Fan.Person+contest@uni.edu")
    await _click(LikeWriter(db), contest, entry_id, _caller(fan))
    voter = await db.fetch_value("SELECT voter FROM likes")
    assert voter == clicks.mailbox_key(SECRET, "fan.person@uni.edu")
    with pytest.raises(NotSignedIn):
        await _click(LikeWriter(db), contest, entry_id, _caller(None, browser="b"))


async def test_an_author_cannot_like_their_own_photo(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, ann, entry_id = await _voting(db, passwords, storage)
    with pytest.raises(Forbidden):
        await _click(LikeWriter(db), contest, entry_id, _caller(ann))
    assert await db.fetch_value("SELECT count(*) FROM likes") == 0
