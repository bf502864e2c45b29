"""Hostile requests: every one is refused with a 4xx, never a server error, and writes nothing.

Bodies the forms cannot read, uploads that are no photo, headers no browser of this site
sends, state-changing requests without this browser's CSRF token or from another site,
sessions that are forged, expired or someone else's, and text that tries to hide, overflow or
inject. Each case compares the rows of the main tables and the media folder's files before
and after its request.

The cases share one site (built once for the module, as the ``site`` fixture builds one): none
of them may change it, and each checks that it did not.
"""

from __future__ import annotations

import gzip
import io
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape
from PIL import Image
from starlette.routing import Route
from starlette.testclient import TestClient

from contest.accounts import invitations
from contest.accounts.sessions import start_session
from contest.app import create_app
from contest.config import Config
from contest.contests.phases import Phase
from contest.core.security import csrf_token
from contest.judging.rounds import setup as rounds_setup
from contest.judging.rounds.setup import RoundPlan
from contest.web.context import BROWSER_COOKIE, FORM_MAX_FIELDS, FORM_MAX_PART_SIZE, SESSION_COOKIE
from tests.conftest import PASSWORD, FakeClock, Site
from tests.factories import (
    add_account,
    add_campaign,
    add_contest,
    add_entry,
    add_judge,
    photo_bytes,
)

SECRET_KEY = "test-secret-key"
#: Tables whose rows a refused request must leave as they were.
TABLES = (
    "entries",
    "entry_hashtags",
    "uploads",
    "likes",
    "like_events",
    "users",
    "sessions",
    "outbox",
    "contests",
    "categories",
    "contest_judges",
    "invitations",
    "reviews",
    "review_scores",
    "conflicts",
    "awards",
    "replies",
    "campaigns",
    "campaign_recipients",
    "password_resets",
    "voter_links",
    "settings",
)
SERVER_ERROR = re.compile(r"Something went wrong on our side|Internal Server Error|Traceback")


def browser(name: str) -> str:
    """A browser id as the site hands them out (32 characters or more)."""
    return f"20260302.{name:-<40}"


@dataclass
class Who:
    """One browser, maybe signed in: the cookies it sends and its form token."""

    browser: str
    session: str | None = None
    user_id: int | None = None

    @property
    def token(self) -> str:
        return csrf_token(SECRET_KEY, self.browser)

    def cookies(self) -> dict[str, str]:
        found = {BROWSER_COOKIE: self.browser}
        if self.session:
            found[SESSION_COOKIE] = self.session
        return found


@dataclass
class World:
    site: Site
    media: Path
    ids: dict[str, Any] = field(default_factory=dict)
    people: dict[str, Who] = field(default_factory=dict)
    #: Routes that need other things than ``ids`` name (by the start of their path).
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)

    def snapshot(self) -> tuple[tuple[int, ...], list[str]]:
        counts = self.site.rows(
            "SELECT " + ", ".join(f"(SELECT count(*) FROM {t}) AS {t}" for t in TABLES)
        )[0]
        files = sorted(str(p.relative_to(self.media)) for p in self.media.rglob("*") if p.is_file())
        return tuple(counts.values()), files

    def url(self, path: str) -> str:
        """A route's path with its parameters filled with things that exist."""
        ids = dict(self.ids)
        for start, values in self.overrides.items():
            if path.startswith(start):
                ids.update(values)
        for name, value in ids.items():
            path = re.sub(r"\{" + name + r"(:[a-z]+)?\}", str(value), path)
        return path

    def send(
        self,
        method: str,
        path: str,
        who: Who | None,
        *,
        cookies: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        **kw: Any,
    ) -> Any:
        """One request with exactly these cookies (the client's jar is kept empty)."""
        client = self.site.client
        client.cookies.clear()
        sent = dict(who.cookies() if who else {})
        sent.update(cookies or {})
        all_headers = dict(headers or {})
        if sent and "Cookie" not in all_headers:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in sent.items())
        try:
            return client.request(
                method, self.url(path), headers=all_headers, follow_redirects=False, **kw
            )
        finally:
            client.cookies.clear()


def build(site: Site) -> World:
    now = site.clock()
    world = World(site, site.storage.root)

    async def setup() -> None:
        db, pw = site.db, site.passwords
        organizer = await add_account(
            db, pw, email="org@uni.edu", role="organizer", name="Olga Org"
        )
        pat = await add_account(db, pw, email="pat@uni.edu", name="Pat Lee")
        ann = await add_account(db, pw, email="ann@uni.edu", name="Ann Wong")
        open_contest = await add_contest(db, Phase.SUBMISSIONS, now=now, created_by=organizer.id)
        voting = await add_contest(
            db, Phase.JUDGING_AND_VOTING, now=now, created_by=organizer.id, title="Night Stacks"
        )
        entry = await add_entry(db, site.storage, voting, ann, moderator=organizer, now=now)
        judge = await add_judge(db, pw, voting, email="judge@uni.edu")
        judged = await rounds_setup.open_round(
            db,
            contest=voting,
            plan=RoundPlan(
                kind="yes_no",
                quorum=1,
                jurors=(judge.id,),
                opens_at=now,
                closes_at=now + timedelta(days=7),
            ),
            actor=organizer,
            now=now,
        )
        task = await db.fetch_value(
            "SELECT id FROM round_tasks WHERE round_id = ?", (judged.round.id,)
        )
        campaign = await add_campaign(db, voting, organizer, addresses="friend@uni.edu", now=now)
        own_entry = await add_entry(
            db, site.storage, open_contest, pat, title="Pat's own", status="pending", now=now
        )
        by_email = await add_contest(
            db, Phase.JUDGING_AND_VOTING, now=now, title="Email Votes", voting_mode="email"
        )
        invitation = await invitations.invite(
            db,
            email="new-judge@uni.edu",
            role="judge",
            contest_id=voting.id,
            invited_by=organizer,
            link_for=lambda token: f"http://testserver/invitations/{token}",
            now=now,
        )
        world.ids.update(
            slug=open_contest.slug,
            contest_id=voting.id,
            entry_id=entry,
            user_id=pat.id,
            campaign_id=campaign.id,
            message_id=1,
            token=invitation,
            key="x.jpg",
            network="whatsapp",
            tag="x",
            fmt="csv",
            table="entries",
            round_id=judged.round.id,
            task_id=task,
        )
        world.ids["open_contest_id"] = open_contest.id
        world.overrides = {
            "/my/entries/": {"entry_id": own_entry},
            "/contests/{slug}/vote-by-email": {"slug": by_email.slug},
        }
        for name, user in (("organizer", organizer), ("pat", pat), ("judge", judge)):
            world.people[name] = Who(
                browser(name), await start_session(db, user_id=user.id, now=now), user.id
            )
        # Someone whose session ran out a day ago.
        world.people["expired"] = Who(
            browser("expired"),
            await start_session(db, user_id=ann.id, now=now - timedelta(days=15)),
            ann.id,
        )

    site.run(setup)
    world.people["anonymous"] = Who(browser("anonymous"))
    world.people["forged"] = Who(browser("forged"), "forged-" + "s" * 36)
    return world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    config = Config(
        data_dir=tmp_path_factory.mktemp("hostile"),
        base_url="http://testserver",
        secret_key=SECRET_KEY,
    )
    clock = FakeClock()
    app = create_app(config, clock=clock, fast_passwords=True)
    with TestClient(app, client=("testclient", 50000)) as client:
        yield build(Site(client, clock, config))


def refused(world: World, response: Any, expected: int | tuple[int, ...] | None) -> None:
    """A 4xx (the one expected, where the case decides it) and the site's page, not a 500."""
    status = response.status_code
    assert 400 <= status < 500, f"{status}: {response.text[:300]}"
    if expected is not None:
        allowed = expected if isinstance(expected, tuple) else (expected,)
        assert status in allowed, f"{status}: {response.text[:300]}"
    assert not SERVER_ERROR.search(response.text)


@pytest.fixture
def unchanged(world: World) -> Iterator[World]:
    """The world, checked after the test to hold the same rows and files as before."""
    before = world.snapshot()
    yield world
    assert world.snapshot() == before, "a refused request wrote something"


# The state-changing routes, from the app's router.


def _post_routes() -> list[str]:
    # With its key given, an app that is never started touches no file of its data folder.
    unused = Path(tempfile.gettempdir()) / "contest-hostile-routes-never-created"
    app = create_app(Config(data_dir=unused, base_url="http://testserver", secret_key=SECRET_KEY))
    assert not unused.exists()
    return [
        route.path
        for route in app.router.routes
        if isinstance(route, Route) and route.methods and "POST" in route.methods
    ]


POST_ROUTES = _post_routes()


def owner(path: str) -> str:
    """Who may post to a route (so the CSRF check, not the role, refuses)."""
    if path.startswith("/manage") or path.endswith("/replies"):
        return "organizer"
    if path.startswith("/judging"):
        return "judge"
    return "pat"


#: A plausible form for each route, apart from its token.
FORM = {"title": "x", "action": "like", "email": "pat@uni.edu", "password": PASSWORD}


def test_the_router_lists_the_state_changing_routes() -> None:
    assert len(POST_ROUTES) >= 35
    assert "/entries/{entry_id:int}/like" in POST_ROUTES
    assert "/manage/contests/new" in POST_ROUTES


# CSRF: no token, a wrong one, another browser's, on every state-changing route.

CSRF_CASES = ["missing", "wrong", "other-browsers", "empty"]


@pytest.mark.parametrize("case", CSRF_CASES)
@pytest.mark.parametrize("path", POST_ROUTES)
def test_a_post_without_this_browsers_token_is_refused(
    unchanged: World, path: str, case: str
) -> None:
    who = unchanged.people[owner(path)]
    token = {
        "missing": None,
        "wrong": "0" * 64,
        "other-browsers": csrf_token(SECRET_KEY, browser("someone-else")),
        "empty": "",
    }[case]
    data = dict(FORM) if token is None else {**FORM, "csrf_token": token}
    response = unchanged.send("POST", path, who, data=data)
    refused(unchanged, response, 400)
    assert "expired or came from another site" in response.text


@pytest.mark.parametrize("path", POST_ROUTES)
def test_a_token_without_its_browser_cookie_is_refused(unchanged: World, path: str) -> None:
    who = unchanged.people[owner(path)]
    cookies = {SESSION_COOKIE: who.session or ""}  # the session, but no browser cookie
    response = unchanged.send(
        "POST", path, None, cookies=cookies, data={**FORM, "csrf_token": who.token}
    )
    refused(unchanged, response, 400)


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
    ],
    ids=["sec-fetch-cross-site", "sec-fetch-same-site", "evil-origin", "null-origin"],
)
@pytest.mark.parametrize("path", POST_ROUTES)
def test_a_post_from_another_site_is_refused_with_403(
    unchanged: World, path: str, headers: dict[str, str]
) -> None:
    who = unchanged.people[owner(path)]
    response = unchanged.send(
        "POST", path, who, headers=headers, data={**FORM, "csrf_token": who.token}
    )
    refused(unchanged, response, 403)
    assert "another site" in response.text


# Sessions: forged, expired or someone else's, on the organizers' and judges' routes.

STAFF_POSTS = [p for p in POST_ROUTES if p.startswith(("/manage", "/judging"))]
STAFF_PAGES = [
    "/manage",
    "/manage/people",
    "/manage/outbox",
    "/manage/settings",
    "/manage/contests/new",
    "/manage/contests/{contest_id}/edit",
    "/manage/contests/{contest_id}/judges",
    "/manage/contests/{contest_id}/moderation",
    "/manage/contests/{contest_id}/likes",
    "/manage/contests/{contest_id}/judging",
    "/manage/contests/{contest_id}/results",
    "/manage/contests/{contest_id}/results.csv",
    "/manage/contests/{contest_id}/audit.csv",
    "/manage/contests/{contest_id}/campaigns",
    "/manage/contests/{contest_id}/dashboard",
    "/manage/contests/{contest_id}/report",
    "/manage/contests/{contest_id}/report/entries.csv",
    "/judging",
    "/judging/{contest_id}",
    "/judging/{contest_id}/entries/{entry_id}",
]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("forged", 401), ("expired", 401), ("anonymous", 401), ("pat", 403)],
)
@pytest.mark.parametrize("path", STAFF_POSTS)
def test_staff_posts_refuse_a_forged_expired_or_other_persons_session(
    unchanged: World, path: str, who: str, expected: int
) -> None:
    person = unchanged.people[who]
    response = unchanged.send("POST", path, person, data={**FORM, "csrf_token": person.token})
    refused(unchanged, response, expected)


@pytest.mark.parametrize(("who", "expected"), [("forged", 401), ("expired", 401), ("pat", 403)])
@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_refuse_a_script_with_a_forged_expired_or_other_persons_session(
    unchanged: World, path: str, who: str, expected: int
) -> None:
    headers = {"Accept": "application/json"}
    response = unchanged.send("GET", path, unchanged.people[who], headers=headers)
    refused(unchanged, response, expected)
    assert response.json()["status"] == expected


@pytest.mark.parametrize(
    "path",
    [p for p in STAFF_POSTS if p.startswith("/manage")][:6]
    + [p for p in STAFF_POSTS if p.startswith("/judging")],
)
def test_a_judge_is_not_an_organizer_nor_an_organizer_a_judge(unchanged: World, path: str) -> None:
    who = unchanged.people["judge" if path.startswith("/manage") else "pat"]
    response = unchanged.send("POST", path, who, data={**FORM, "csrf_token": who.token})
    refused(unchanged, response, 403)


# Bodies: too big, too many fields, wrong types, malformed multipart, bad encodings, JSON.

BODY_ROUTES = ["/sign-up", "/sign-in", "/entries/{entry_id}/like", "/manage/contests/new"]
BOUNDARY = "hostile-boundary"


def part(name: str, value: str, *, boundary: str = BOUNDARY) -> str:
    """One field of a multipart body."""
    return f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'


def body_case(name: str, token: str) -> tuple[dict[str, Any], int | tuple[int, ...]]:
    """The request for a body case (its content and headers) and the status it gets."""
    form = "application/x-www-form-urlencoded"
    multipart = f"multipart/form-data; boundary={BOUNDARY}"
    good = f"csrf_token={token}&title=x".encode()
    cases: dict[str, tuple[dict[str, Any], int | tuple[int, ...]]] = {
        "oversized-field": (
            {"content": good + b"&title=" + b"x" * FORM_MAX_PART_SIZE, "ct": form},
            400,
        ),
        "too-many-fields": (
            {"content": good + b"&f=1" * (FORM_MAX_FIELDS + 1), "ct": form},
            400,
        ),
        "too-many-multipart-fields": (
            {
                "content": (
                    "".join(part(f"f{i}", "1") for i in range(FORM_MAX_FIELDS + 1))
                    + f"--{BOUNDARY}--\r\n"
                ).encode(),
                "ct": multipart,
            },
            400,
        ),
        "body-past-the-cap": ({"content": good + b"&pad=" + b"x" * (600 * 1024), "ct": form}, 413),
        "json": (
            {"content": f'{{"csrf_token": "{token}"}}'.encode(), "ct": "application/json"},
            400,
        ),
        "json-labelled-as-a-form": (
            {"content": f'{{"csrf_token": "{token}"}}'.encode(), "ct": form},
            400,
        ),
        "text-plain": ({"content": good, "ct": "text/plain"}, 400),
        "xml": (
            {
                "content": b"<csrf_token>" + token.encode() + b"</csrf_token>",
                "ct": "application/xml",
            },
            400,
        ),
        "no-content-type": ({"content": good, "ct": None}, 400),
        "multipart-without-boundary": ({"content": good, "ct": "multipart/form-data"}, 400),
        "multipart-wrong-boundary": (
            {
                "content": (part("csrf_token", token, boundary="other") + "--other--\r\n").encode(),
                "ct": multipart,
            },
            400,
        ),
        "multipart-truncated": (
            {
                "content": part("csrf_token", token).removesuffix("\r\n").encode(),
                "ct": multipart,
            },
            400,
        ),
        "multipart-no-disposition": (
            {
                "content": f"--{BOUNDARY}\r\n\r\n{token}\r\n--{BOUNDARY}--\r\n".encode(),
                "ct": multipart,
            },
            400,
        ),
        "multipart-garbage": ({"content": b"\x00\xff" * 500, "ct": multipart}, 400),
        "invalid-utf8": ({"content": b"csrf_token=\xff\xfe&title=\xc3\x28", "ct": form}, 400),
        "bad-percent-encoding": ({"content": b"csrf_token=%zz%&title=%ff%fe%", "ct": form}, 400),
        "token-with-junk": (
            {"content": b"csrf_token=" + token.encode() + b"%00x", "ct": form},
            400,
        ),
        "token-twice-first-wrong": ({"content": b"csrf_token=nope&" + good, "ct": form}, 400),
        "gzip-compressed": ({"content": gzip.compress(good), "ct": form, "gzip": True}, 400),
    }
    return cases[name]


BODY_CASES = [
    "oversized-field",
    "too-many-fields",
    "too-many-multipart-fields",
    "body-past-the-cap",
    "json",
    "json-labelled-as-a-form",
    "text-plain",
    "xml",
    "no-content-type",
    "multipart-without-boundary",
    "multipart-wrong-boundary",
    "multipart-truncated",
    "multipart-no-disposition",
    "multipart-garbage",
    "invalid-utf8",
    "bad-percent-encoding",
    "token-with-junk",
    "token-twice-first-wrong",
    "gzip-compressed",
]


@pytest.mark.parametrize("case", BODY_CASES)
@pytest.mark.parametrize("path", BODY_ROUTES)
def test_a_body_the_form_cannot_take_is_refused(unchanged: World, path: str, case: str) -> None:
    who = unchanged.people["organizer" if path.startswith("/manage") else "pat"]
    request, expected = body_case(case, who.token)
    headers = {"Content-Type": request["ct"]} if request["ct"] else {}
    if request.get("gzip"):
        headers["Content-Encoding"] = "gzip"
    response = unchanged.send("POST", path, who, content=request["content"], headers=headers)
    refused(unchanged, response, expected)


# Uploads: the entry form, with everything right but the file.


def _bomb_png() -> bytes:
    """A 1-bit PNG of 7500 x 7500 pixels (past the 50-megapixel cap) in a few kilobytes."""
    out = io.BytesIO()
    Image.new("1", (7500, 7500)).save(out, "PNG", optimize=True)
    return out.getvalue()


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


UPLOADS: dict[str, Any] = {
    "text-file": [("photo", ("photo.jpg", b"just some words", "image/jpeg"))],
    "html-as-jpeg": [("photo", ("photo.jpg", b"<html><script>alert(1)</script>", "image/jpeg"))],
    "svg-as-png": [
        (
            "photo",
            ("photo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "image/png"),
        )
    ],
    "pdf": [
        ("photo", ("photo.jpg", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj", "image/jpeg"))
    ],
    "gif-as-jpeg": [("photo", ("photo.jpg", _image("GIF"), "image/jpeg"))],
    "bmp-as-png": [("photo", ("photo.png", _image("BMP"), "image/png"))],
    "tiff-as-jpeg": [("photo", ("photo.jpg", _image("TIFF"), "image/jpeg"))],
    "zip-as-jpeg": [("photo", ("photo.jpg", b"PK\x03\x04" + bytes(60), "image/jpeg"))],
    "truncated-jpeg": [("photo", ("photo.jpg", photo_bytes(3)[:200], "image/jpeg"))],
    "jpeg-header-only": [
        ("photo", ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"))
    ],
    "fake-heic": [("photo", ("photo.heic", b"\x00\x00\x00\x18ftypheic" + bytes(40), "image/heic"))],
    "zero-bytes": [("photo", ("photo.jpg", b"", "image/jpeg"))],
    "no-file-name": [("photo", ("", photo_bytes(4), "image/jpeg"))],
    "decompression-bomb-png": [("photo", ("bomb.png", _bomb_png(), "image/png"))],
    "two-files": [
        ("photo", ("a.jpg", photo_bytes(5), "image/jpeg")),
        ("photo", ("b.jpg", photo_bytes(6), "image/jpeg")),
    ],
    "file-in-another-field": [("extra", ("a.jpg", photo_bytes(7), "image/jpeg"))],
}
ENTRY_FIELDS = {
    "title": "Reading room",
    "description": "Light.",
    "alt_text": "A room",
    "hashtags": "",
    "category_id": "",
    "licence": "contest",
    "credit": "name",
    "consent_own_work": "on",
    "consent_people": "on",
}


def test_the_bomb_is_small_and_past_the_pixel_cap() -> None:
    from contest.media.images import MAX_PIXELS

    data = _bomb_png()
    assert len(data) < 64 * 1024
    with Image.open(io.BytesIO(data)) as im:
        assert im.width * im.height > MAX_PIXELS


@pytest.mark.parametrize("case", list(UPLOADS))
def test_an_upload_that_is_no_acceptable_photo_is_refused(unchanged: World, case: str) -> None:
    pat = unchanged.people["pat"]
    response = unchanged.send(
        "POST",
        "/contests/{slug}/enter",
        pat,
        data={**ENTRY_FIELDS, "csrf_token": pat.token},
        files=UPLOADS[case],
    )
    refused(unchanged, response, 400)


# Headers no browser of this site sends.

HEADER_CASES: dict[str, tuple[dict[str, str], int]] = {
    # Hosts the site does not serve: refused by the host check before anything else.
    "evil-host-with-own-origin": ({"Host": "evil.example", "Origin": "http://testserver"}, 400),
    "evil-host-with-its-origin": ({"Host": "evil.example", "Origin": "http://evil.example"}, 400),
    "evil-host-no-origin": ({"Host": "evil.example"}, 400),
    "own-host-evil-origin": ({"Origin": "http://evil.example"}, 403),
    "origin-other-port": ({"Origin": "http://testserver:8080"}, 403),
    "origin-https": ({"Origin": "https://testserver"}, 403),
    "origin-userinfo": ({"Origin": "http://user@testserver"}, 403),
    "origin-malformed": ({"Origin": "http://[::1"}, 403),
    "empty-host": ({"Host": "", "Origin": "http://testserver"}, 400),
    "sec-fetch-cross-site-with-own-origin": (
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
        403,
    ),
    "sec-fetch-garbage": ({"Sec-Fetch-Site": "\x7fweird"}, 403),
    # The Referer is not checked: without the form's token, the post is still refused.
    "evil-referer-no-token": ({"Referer": "http://evil.example/attack", "X-No-Token": "1"}, 400),
    "huge-cookie": ({"X-Huge-Cookie": "1"}, 400),
    "garbage-browser-cookie": ({"X-Cookie": f"{BROWSER_COOKIE}=short"}, 400),
    "content-length-past-the-upload-cap": ({"Content-Length": str(10**12)}, 413),
    "content-length-past-the-form-cap": ({"Content-Length": str(600 * 1024)}, 413),
}


@pytest.mark.parametrize("case", list(HEADER_CASES))
@pytest.mark.parametrize("path", ["/sign-in", "/entries/{entry_id}/like", "/manage/contests/new"])
def test_headers_no_browser_of_this_site_sends_are_refused(
    unchanged: World, path: str, case: str
) -> None:
    who = unchanged.people["organizer" if path.startswith("/manage") else "pat"]
    headers, expected = HEADER_CASES[case]
    headers = dict(headers)
    data: dict[str, str] = {**FORM, "csrf_token": who.token}
    cookies: dict[str, str] = {}
    if headers.pop("X-No-Token", None):
        del data["csrf_token"]
    if headers.pop("X-Huge-Cookie", None):
        cookies = {BROWSER_COOKIE: "b" * 8000}
    if cookie := headers.pop("X-Cookie", None):
        name, _, value = cookie.partition("=")
        cookies = {name: value}
    response = unchanged.send("POST", path, who, headers=headers, cookies=cookies, data=data)
    refused(unchanged, response, expected)


# Text: NUL, bidi overrides, 10,000 characters, HTML and script, in every text field.

PAYLOADS = {
    "nul": "\x00",
    "bidi-override": "\u202e\u2066\u202a",
    "10k": "L" * 10_000,
    "script": "<script>alert(1)</script>",
    "attribute-breakout": '"><img src=x onerror=alert(1)>',
    "markdown-link": "[x](javascript:alert(1)) <iframe src=//evil.example>",
}
#: Each form, made invalid by one field whatever the payload (so it is shown again), and its
#: text fields.
TEXT_FORMS: dict[str, tuple[str, str, dict[str, str], list[str]]] = {
    "sign-up": (
        "/sign-up",
        "anonymous",
        {
            "display_name": "Pat",
            "email": "new@uni.edu",
            "affiliation": "student",
            "department": "civl",
            "password": "short",
        },
        ["display_name", "email", "department", "next"],
    ),
    "entry": (
        "/contests/{slug}/enter",
        "pat",
        {**ENTRY_FIELDS, "consent_own_work": ""},  # and no photo
        ["title", "description", "alt_text", "hashtags", "credit"],
    ),
    "contest": (
        "/manage/contests/new",
        "organizer",
        {"title": "A contest", "timezone": "Mars/Olympus_Mons"},
        ["title", "theme", "description_md", "rules_md", "hashtag", "categories"],
    ),
    "campaign": (
        "/manage/contests/{open_contest_id}/campaigns/new",
        "organizer",
        {"kind": "no-such-kind", "subject": "Hello", "body": "Hi", "addresses": "a@uni.edu"},
        ["subject", "body", "addresses"],
    ),
}
#: Fields the form does not show again as typed (a hidden target, a choice).
NOT_SHOWN_AGAIN = {("sign-up", "next"), ("entry", "credit")}
TEXT_CASES = [
    (form, field_name, payload)
    for form, (_, _, _, fields) in TEXT_FORMS.items()
    for field_name in fields
    for payload in PAYLOADS
]


@pytest.mark.parametrize(("form", "field_name", "payload"), TEXT_CASES)
def test_hostile_text_is_refused_and_never_echoed_raw(
    unchanged: World, form: str, field_name: str, payload: str
) -> None:
    path, who_name, fields, _ = TEXT_FORMS[form]
    who = unchanged.people[who_name]
    text = PAYLOADS[payload]
    data = {**fields, field_name: f"A{text}B", "csrf_token": who.token}
    response = unchanged.send("POST", path, who, data=data)
    refused(unchanged, response, 400)
    body = response.text
    for raw in ("<script>alert", "<img src=x", "<iframe", "\x00", "\u202e", "\u2066"):
        assert raw not in body
    assert 'href="javascript:' not in body
    if payload in ("script", "attribute-breakout") and (form, field_name) not in NOT_SHOWN_AGAIN:
        assert str(escape(data[field_name])) in body  # shown again, escaped


# The harness itself: the same cookies, tokens and forms, done right, are let through.


def test_the_same_requests_done_right_are_let_through(site: Site) -> None:
    world = build(site)
    pat = world.people["pat"]
    like = world.send(
        "POST",
        "/entries/{entry_id}/like",
        pat,
        data={"action": "like", "csrf_token": pat.token},
    )
    assert like.status_code == 303, like.text
    assert site.value("SELECT count(*) FROM likes") == 1
    entered = world.send(
        "POST",
        "/contests/{slug}/enter",
        pat,
        data={**ENTRY_FIELDS, "title": "A <b>bold</b> title", "csrf_token": pat.token},
        files=[("photo", ("photo.jpg", photo_bytes(9), "image/jpeg"))],
    )
    assert entered.status_code == 303, entered.text
    assert site.value("SELECT count(*) FROM entries WHERE title = 'A <b>bold</b> title'") == 1
    organizer = world.people["organizer"]
    page = world.send("GET", "/manage/contests/{contest_id}/judges", organizer)
    assert page.status_code == 200
    judge = world.people["judge"]
    assert world.send("GET", "/judging/{contest_id}", judge).status_code == 200
