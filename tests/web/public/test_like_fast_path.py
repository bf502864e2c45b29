"""The like fast path: it answers a script's plain click as the route would, and leaves the
rest (refusals included) to the route, which answers them exactly as before."""

import asyncio
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.types import Message, Receive, Scope, Send

from contest.accounts import sessions
from contest.config import Config
from contest.contests import store as contest_store
from contest.contests.phases import Phase
from contest.core.security import csrf_token
from contest.voting import clicks
from contest.voting.pace import DeviceLimits
from contest.web.context import BROWSER_COOKIE
from contest.web.middleware import (
    CONTENT_SECURITY_POLICY,
    SecurityHeadersMiddleware,
    protective_headers,
)
from contest.web.public.like_fast_path import LikeFastPath, _replaying, _small_form
from tests.conftest import Site
from tests.factories import add_contest, add_device_like

JSON = {"Accept": "application/json"}


def fast_path(site: Site) -> LikeFastPath:
    layer: Any = site.client.app.middleware_stack  # type: ignore[attr-defined]
    while not isinstance(layer, LikeFastPath):
        layer = layer.app
    return layer


def token(site: Site) -> str:
    site.client.get("/")  # the browser cookie, on the first visit
    return csrf_token(site.config.secret_key or "", site.client.cookies[BROWSER_COOKIE])


def click(site: Site, entry_id: int, action: str = "like", **changes: Any) -> Any:
    """A script's click, with this browser's form token; ``changes`` alter the request."""
    data = {"csrf_token": token(site), "action": action, **changes.pop("data", {})}
    headers = {**JSON, **changes.pop("headers", {})}
    return site.client.post(f"/entries/{entry_id}/like", data=data, headers=headers, **changes)


def answered_fast(site: Site, entry_id: int, action: str = "like", **changes: Any) -> Any:
    """Click, and check the fast path answered it."""
    before = fast_path(site).answered
    response = click(site, entry_id, action, **changes)
    assert fast_path(site).answered == before + 1, response.text
    return response


def answered_by_route(site: Site, entry_id: int, action: str = "like", **changes: Any) -> Any:
    """Click, and check the fast path left it to the route."""
    before = fast_path(site).answered
    response = click(site, entry_id, action, **changes)
    assert fast_path(site).answered == before, response.text
    return response


def writer(site: Site) -> Any:
    return site.client.app.state.services.like_writer  # type: ignore[attr-defined]


def likes_of(site: Site) -> list[tuple[int, str, str]]:
    rows = site.rows("SELECT entry_id, voter, kind FROM likes ORDER BY entry_id")
    return [(row["entry_id"], row["voter"], row["kind"]) for row in rows]


def log_of(site: Site) -> list[tuple[int, str]]:
    rows = site.rows("SELECT entry_id, action FROM like_events ORDER BY id")
    return [(row["entry_id"], row["action"]) for row in rows]


def test_a_cached_voters_like_and_unlike_are_stored_and_logged_by_the_fast_path(
    site: Site, entries: list[int]
) -> None:
    fan = site.sign_in_as("participant", "fan@uni.edu")
    first = answered_by_route(site, entries[0])  # the session is looked up, and remembered
    assert first.json() == {"liked": True, "count": 1}
    liked = answered_fast(site, entries[1])
    assert liked.json() == {"liked": True, "count": 1}
    assert liked.headers["content-type"] == "application/json"
    assert liked.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert liked.headers["x-frame-options"] == "DENY"
    assert likes_of(site) == [
        (entries[0], site.voter_key(fan), "vote"),
        (entries[1], site.voter_key(fan), "vote"),
    ]
    assert answered_fast(site, entries[1]).json() == {"liked": True, "count": 1}  # no double
    assert answered_fast(site, entries[1], "unlike").json() == {"liked": False, "count": 0}
    assert likes_of(site) == [(entries[0], site.voter_key(fan), "vote")]
    assert log_of(site) == [(entries[0], "like"), (entries[1], "like"), (entries[1], "unlike")]


def test_the_fast_path_and_the_route_give_the_same_answer_and_headers(
    site: Site, entries: list[int]
) -> None:
    site.sign_in_as("participant", "fan@uni.edu")
    by_route = answered_by_route(site, entries[0])
    fast = answered_fast(site, entries[0])
    assert fast.content == by_route.content
    assert fast.headers["content-length"] == by_route.headers["content-length"]
    assert {name for name in fast.headers} == {name for name in by_route.headers} - {"set-cookie"}


def test_an_organizers_click_is_a_library_pick_and_a_judge_sees_no_count(
    site: Site, entries: list[int]
) -> None:
    librarian = site.sign_in_as("organizer", "lib@uni.edu")
    answered_by_route(site, entries[0])
    assert answered_fast(site, entries[1]).json() == {"liked": True, "count": 0}
    assert (entries[1], site.voter_key(librarian), "pick") in likes_of(site)
    site.client.cookies.clear()
    site.sign_in_as("judge", "judge@uni.edu")
    answered_by_route(site, entries[0])
    assert answered_fast(site, entries[2]).json() == {"liked": True, "count": None}


def test_device_voters_need_no_session_and_are_limited_per_address(
    site: Site, make_entries: Callable[..., list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # An hourly budget soon used up.
    monkeypatch.setattr(clicks, "DEVICE_LIMITS", DeviceLimits(likes_per_address_hour=3))
    entries = make_entries(voting_mode="device")
    assert answered_fast(site, entries[0]).json() == {"liked": True, "count": 1}
    [like] = site.rows("SELECT voter, address FROM likes")
    assert like["voter"].startswith("device:")
    contest = site.run(contest_store.get_contest, site.db, site.value("SELECT id FROM contests"))
    for index in range(2):  # the rest of the address's hourly budget, used by other browsers
        site.run(
            add_device_like,
            site.db,
            contest,
            entries[1],
            browser=f"other{index}",
            address=like["address"],
            now=site.clock(),
        )
    writes = writer(site).batches
    refused = answered_fast(site, entries[2])  # refused by the write: answered, not written again
    assert refused.status_code == 429 and "Too many likes" in refused.json()["error"]
    assert refused.headers["retry-after"] == "3600"
    assert refused.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert writer(site).batches == writes + 1


@pytest.mark.parametrize(
    ("changes", "status", "words"),
    [
        ({"data": {"csrf_token": "forged"}}, 400, "form has expired"),
        ({"data": {"csrf_token": "forgé"}}, 400, "form has expired"),
        ({"headers": {"Sec-Fetch-Site": "cross-site"}}, 403, "from another site"),
        ({"headers": {"Origin": "https://elsewhere.example"}}, 403, "from another site"),
    ],
)
def test_forged_and_cross_site_clicks_are_refused_by_the_route(
    site: Site, entries: list[int], changes: dict[str, Any], status: int, words: str
) -> None:
    site.sign_in_as("participant", "fan@uni.edu")
    answered_by_route(site, entries[0])
    refused = answered_by_route(site, entries[1], **changes)
    assert refused.status_code == status and words in refused.text
    assert [entry for entry, _, _ in likes_of(site)] == [entries[0]]


def test_refusals_are_worded_as_the_route_words_them_and_store_nothing(
    site: Site, entries: list[int]
) -> None:
    site.sign_in("ann@uni.edu")  # the author
    by_route = answered_by_route(site, entries[0])  # the session is looked up, and remembered
    own = answered_fast(site, entries[1])  # the write refuses: answered here, written once
    assert own.status_code == by_route.status_code == 403
    assert (
        own.json() == by_route.json() == {"error": "You cannot like your own photo.", "status": 403}
    )
    missing = answered_by_route(site, 999_999)
    assert missing.status_code == 404
    site.clock.advance(days=6)  # past the close of voting, the session still live
    closed = answered_by_route(site, entries[2])
    assert closed.status_code == 409 and "closed" in closed.json()["error"]
    assert likes_of(site) == [] and log_of(site) == []


def test_a_session_ended_elsewhere_is_refused_and_forgotten(site: Site, entries: list[int]) -> None:
    fan = site.sign_in_as("participant", "fan@uni.edu")
    answered_by_route(site, entries[0])
    # Ended in the database, as another process would: this one's session cache is not told.
    site.run(sessions.end_all_sessions, site.db, user_id=fan)
    refused = answered_by_route(site, entries[1])
    assert refused.status_code == 401
    assert [entry for entry, _, _ in likes_of(site)] == [entries[0]]


def test_a_form_without_javascript_and_an_oversized_body_go_the_whole_way(
    site: Site, entries: list[int]
) -> None:
    site.sign_in_as("participant", "fan@uni.edu")
    answered_by_route(site, entries[0])
    page = f"/entries/{entries[1]}"
    plain = answered_by_route(
        site,
        entries[1],
        headers={"Accept": "text/html"},
        data={"next": page},
        follow_redirects=False,
    )
    assert plain.status_code == 303 and plain.headers["location"] == f"{page}#entry-{entries[1]}"
    padded = answered_by_route(site, entries[2], data={"padding": "x" * 5000})
    assert padded.json() == {"liked": True, "count": 1}  # the route read the replayed body
    assert [entry for entry, _, _ in likes_of(site)] == entries


def test_a_chunked_body_without_a_length_goes_to_the_route(site: Site, entries: list[int]) -> None:
    site.sign_in_as("participant", "fan@uni.edu")
    answered_by_route(site, entries[0])
    body = f"csrf_token={token(site)}&action=like".encode()
    before = fast_path(site).answered
    response = site.client.post(
        f"/entries/{entries[1]}/like",
        content=iter([body[:10], body[10:]]),  # sent chunked: no Content-Length
        headers={**JSON, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.json() == {"liked": True, "count": 1}
    assert fast_path(site).answered == before
    assert [entry for entry, _, _ in likes_of(site)] == entries[:2]


def test_an_email_voters_cookie_is_enough_for_the_fast_path(
    site: Site, make_entries: Callable[..., list[int]]
) -> None:
    entries = make_entries(voting_mode="email")
    slug = site.value("SELECT slug FROM contests")
    site.post(f"/contests/{slug}/vote-by-email", {"email": "fan@gmail.com"})
    newest_mail = site.value("SELECT body FROM outbox ORDER BY id DESC LIMIT 1")
    link = re.search(r"http://testserver(/vote/\S+)", newest_mail)
    assert link is not None and site.post(link.group(1), {}).status_code == 200
    assert answered_fast(site, entries[0]).json() == {"liked": True, "count": 1}
    (voter,) = [voter for _, voter, _ in likes_of(site)]
    assert voter.startswith("email:")


class TestABodyLimitBelowTheFastPathsOwn:
    """An operator's body limit smaller than a like's form holds on the fast path too."""

    @pytest.fixture
    def config(self, tmp_path: Path) -> Config:
        return Config(
            data_dir=tmp_path,
            base_url="http://testserver",
            secret_key="test-secret-key",
            max_body_bytes=200,
        )

    def test_an_oversized_like_is_refused_by_the_route(
        self, site: Site, entries: list[int]
    ) -> None:
        site.sign_in_as("participant", "fan@uni.edu")
        answered_by_route(site, entries[0])
        assert answered_fast(site, entries[1]).status_code == 200  # a like's form fits
        refused = answered_by_route(site, entries[2], data={"padding": "x" * 200})
        assert refused.status_code == 413
        assert [entry for entry, _, _ in likes_of(site)] == entries[:2]


@pytest.mark.parametrize("https", [False, True])
def test_the_protective_headers_are_those_the_middleware_adds(https: bool) -> None:
    async def bare(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})

    captured: list[tuple[bytes, bytes]] = []

    async def keep(message: Message) -> None:
        captured.extend(message["headers"])

    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    middleware = SecurityHeadersMiddleware(bare, https=https)
    asyncio.run(middleware({"type": "http"}, nothing, keep))
    assert sorted(captured) == sorted(protective_headers(https))
    assert (b"strict-transport-security" in dict(captured)) is https


@pytest.mark.anyio
async def test_a_body_in_pieces_is_read_whole_and_replayed_in_order() -> None:
    from starlette.datastructures import Headers

    pieces: list[Message] = [
        {"type": "http.request", "body": b"csrf_token=a", "more_body": True},
        {"type": "http.request", "body": b"&action=like", "more_body": False},
        {"type": "http.disconnect"},
    ]
    sent = list(pieces)

    async def receive() -> Message:
        return sent.pop(0)

    headers = Headers({"content-type": "application/x-www-form-urlencoded", "content-length": "24"})
    body, read = await _small_form(headers, receive, 4096)
    assert body == b"csrf_token=a&action=like"
    replay = _replaying(read, receive)
    assert [await replay() for _ in range(3)] == pieces


def test_the_like_form_names_its_contest_and_the_fast_path_takes_it_from_the_cache(
    site: Site, entries: list[int]
) -> None:
    contest_id = site.value("SELECT contest_id FROM entries WHERE id = ?", (entries[0],))
    page = site.client.get(f"/entries/{entries[0]}")
    assert f'name="contest" value="{contest_id}"' in page.text  # the like form names it
    fan = site.sign_in_as("participant", "fan@uni.edu")
    answered_by_route(site, entries[0])
    named = answered_fast(site, entries[1], data={"contest": str(contest_id)})
    assert named.json() == {"liked": True, "count": 1}
    assert (entries[1], site.voter_key(fan), "vote") in likes_of(site)


def test_a_form_that_names_another_contest_goes_to_the_route_which_likes_the_right_entry(
    site: Site, entries: list[int]
) -> None:
    other = site.run(
        add_contest, site.db, Phase.JUDGING_AND_VOTING, now=site.clock(), title="Another one"
    )
    other_contest = other.id
    fan = site.sign_in_as("participant", "fan@uni.edu")
    answered_by_route(site, entries[0])
    for wrong in (str(other_contest), "999999"):
        liked = answered_by_route(site, entries[1], data={"contest": wrong})
        assert liked.json() == {"liked": True, "count": 1}
    assert likes_of(site) == [
        (entries[0], site.voter_key(fan), "vote"),
        (entries[1], site.voter_key(fan), "vote"),
    ]
