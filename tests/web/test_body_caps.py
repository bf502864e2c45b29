"""Request bodies are capped while they stream: every route at a form's size, only the routes
that take a file (read by ``read_upload_form``) at the site's CONTEST_MAX_UPLOAD_MB. Past the
cap the request is refused with 413 at once, and nothing it asked for is done."""

import io
import random
from typing import Any

import pytest
from PIL import Image
from starlette.types import Message

from contest.campaigns.lists import MAX_LIST_ROWS
from contest.contests.form import (
    MAX_CATEGORIES,
    MAX_CATEGORY_LENGTH,
    MAX_DESCRIPTION,
    MAX_LICENCE,
    MAX_RULES,
)
from contest.contests.phases import Phase
from contest.core.errors import PayloadTooLarge
from contest.web.context import FORM_MAX_BODY_BYTES, FORM_MAX_PART_SIZE
from contest.web.middleware import BodyLimitMiddleware
from tests.conftest import PASSWORD, Site
from tests.factories import add_contest

MEGABYTE = 1024 * 1024


def test_a_megabyte_sign_in_is_refused_with_413_and_signs_nobody_in(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu")
    data = {"email": "pat@uni.edu", "password": PASSWORD, "padding": "x" * MEGABYTE}
    response = site.post("/sign-in", data, follow_redirects=False)
    assert response.status_code == 413
    assert "This form is larger than this site accepts" in response.text
    assert site.value("SELECT count(*) FROM sessions") == 0
    assert "contest_session" not in response.headers.get("set-cookie", "")


def test_a_megabyte_sign_up_creates_no_account(site: Site) -> None:
    data = {
        "display_name": "Ann Wong",
        "email": "ann@uni.edu",
        "affiliation": "student",
        "department": "civl",
        "password": "a good password",
        "padding": "x" * MEGABYTE,
    }
    response = site.post("/sign-up", data, headers={"Accept": "application/json"})
    assert response.status_code == 413
    assert response.json()["status"] == 413 and "larger" in response.json()["error"]
    assert site.value("SELECT count(*) FROM users") == 0
    assert site.value("SELECT count(*) FROM sessions") == 0


def test_a_big_multipart_form_without_a_file_is_refused_too(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu")
    data = {"email": "pat@uni.edu", "password": PASSWORD}
    data["csrf_token"] = site.csrf("/sign-in")
    files = {"padding": ("a.bin", b"x" * MEGABYTE, "application/octet-stream")}
    response = site.client.post("/sign-in", data=data, files=files)
    assert response.status_code == 413
    assert site.value("SELECT count(*) FROM sessions") == 0


def test_a_form_just_under_the_cap_is_read_as_before(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu")
    # Fields within the part limit, together close to the body cap.
    count = FORM_MAX_BODY_BYTES // (FORM_MAX_PART_SIZE // 2) - 1
    padding = {f"pad{i}": "x" * (FORM_MAX_PART_SIZE // 2 - 10) for i in range(count)}
    data = {"email": "pat@uni.edu", "password": PASSWORD, **padding}
    response = site.post("/sign-in", data, follow_redirects=False)
    assert response.status_code == 303
    assert site.value("SELECT count(*) FROM sessions") == 1


def test_the_cap_leaves_room_for_the_largest_form_in_any_script() -> None:
    """The contest form at its text limits, every character a CJK one (nine bytes once
    url-encoded), with every category at its longest, stays under the cap with room to spare."""
    characters = MAX_DESCRIPTION + MAX_RULES + MAX_LICENCE + MAX_CATEGORIES * MAX_CATEGORY_LENGTH
    assert characters * 9 + 16 * 1024 < FORM_MAX_BODY_BYTES


def noisy_photo(megabytes: float) -> bytes:
    """A JPEG of noise (which JPEG cannot shrink) of at least that many megabytes."""
    side = 600
    while True:
        pixels = random.Random(side).randbytes(side * side * 3 // 4 * 3)
        image = Image.frombytes("RGB", (side, side * 3 // 4), pixels)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=95)
        if len(buffer.getvalue()) >= megabytes * MEGABYTE:
            return buffer.getvalue()
        side += 400


ENTRY = {
    "title": "Lamplight on the reading room",
    "description": "The last hour before closing.",
    "licence": "contest",
    "consent_own_work": "on",
    "consent_people": "on",
}


def test_the_entry_form_still_takes_a_photo_of_several_megabytes(site: Site) -> None:
    contest = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock())
    site.sign_in_as("participant")
    page = f"/contests/{contest.slug}/enter"
    photo = noisy_photo(2.5)
    assert len(photo) > 4 * FORM_MAX_BODY_BYTES
    data = {**ENTRY, "csrf_token": site.csrf(page)}
    files = {"photo": ("big.jpg", photo, "image/jpeg")}
    response = site.client.post(page, data=data, files=files, follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    assert site.value("SELECT count(*) FROM entries") == 1


def test_the_campaign_list_still_takes_a_csv_larger_than_a_forms_cap(site: Site) -> None:
    contest = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock())
    site.sign_in_as("organizer")
    page = f"/manage/contests/{contest.id}/campaigns/new"
    note = "kept beside this reader by the organizers, and ignored"
    rows = [
        f"Reader Number {i:05d} of the Library,reader{i:05d}@uni.edu,student,{note}"
        for i in range(1, MAX_LIST_ROWS)
    ]
    csv = ("name,email,affiliation,note\n" + "\n".join(rows) + "\n").encode()
    assert len(csv) > FORM_MAX_BODY_BYTES
    data = {
        "kind": "invite",
        "subject": "Photo week",
        "body": "Come and see {contest}.",
        "addresses": "",
    }
    data["csrf_token"] = site.csrf(page)
    files = {"file": ("readers.csv", csv, "text/csv")}
    response = site.client.post(page, data=data, files=files, follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    assert site.value("SELECT count(*) FROM campaigns") == 1


class Client:
    """The client side of an ASGI call: a body in pieces, and what came back."""

    def __init__(self, pieces: int, piece: bytes) -> None:
        self.pending = pieces
        self.piece = piece
        self.read = 0
        self.sent: list[Message] = []

    async def receive(self) -> Message:
        if self.pending == 0:
            return {"type": "http.disconnect"}
        self.pending -= 1
        self.read += len(self.piece)
        return {"type": "http.request", "body": self.piece, "more_body": self.pending > 0}

    async def send(self, message: Message) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int:
        return int(next(m["status"] for m in self.sent if m["type"] == "http.response.start"))


def scope_for(site: Site, path: str, headers: dict[str, str]) -> dict[str, Any]:
    cookies = "; ".join(f"{name}={value}" for name, value in site.client.cookies.items())
    raw = {"host": "testserver", "cookie": cookies, **headers}
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(name.encode(), value.encode()) for name, value in raw.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


def test_a_body_without_a_length_is_refused_as_soon_as_it_passes_the_cap(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu")
    token = site.csrf("/sign-in")
    piece = b"x" * 65536
    client = Client(pieces=400, piece=(f"csrf_token={token}&pad=".encode() + piece)[:65536])
    scope = scope_for(site, "/sign-in", {"content-type": "application/x-www-form-urlencoded"})
    site.run(site.client.app, scope, client.receive, client.send)  # type: ignore[arg-type]
    assert client.status == 413
    assert client.read <= FORM_MAX_BODY_BYTES + len(piece)  # not a piece more than needed
    assert client.pending > 300  # the rest of the 25 MB was never asked for


def test_a_declared_length_over_the_cap_is_refused_before_a_byte_is_read(site: Site) -> None:
    client = Client(pieces=400, piece=b"x" * 65536)
    scope = scope_for(
        site,
        "/sign-in",
        {
            "content-type": "application/x-www-form-urlencoded",
            "content-length": str(400 * 65536),
        },
    )
    site.run(site.client.app, scope, client.receive, client.send)  # type: ignore[arg-type]
    assert client.status == 413
    assert client.read == 0


@pytest.mark.anyio
async def test_a_smaller_site_limit_caps_forms_at_it_too() -> None:
    async def read_all(scope: Any, receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass

    async def refuse(request: Any, error: Any) -> Any:
        raise AssertionError("not declared")

    middleware = BodyLimitMiddleware(read_all, max_bytes=1000, refuse=refuse)
    client = Client(pieces=3, piece=b"x" * 600)
    scope = {"type": "http", "method": "POST", "headers": [], "path": "/x"}
    with pytest.raises(PayloadTooLarge, match="larger than this site accepts"):
        await middleware(scope, client.receive, client.send)
    assert client.read == 1200
