"""A client that hangs up while it sends its body is one quiet line in the log: no traceback,
no 500, nothing answered."""

import logging

import pytest
from starlette.types import Message

from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import add_contest, photo_bytes
from tests.web.test_body_caps import scope_for

BOUNDARY = "hangup-boundary"


def multipart_start(csrf_token: str) -> bytes:
    """The first part of an entry form: its fields, and the start of a photo that never ends."""
    fields = {"csrf_token": csrf_token, "title": "Lamplight", "licence": "contest"}
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    )
    return ("".join(parts) + head).encode() + photo_bytes(3, size=(600, 400))[:2000]


class HangingUpClient:
    """Sends part of a body, then goes away."""

    def __init__(self, first: bytes) -> None:
        self.messages: list[Message] = [
            {"type": "http.request", "body": first, "more_body": True},
        ]
        self.sent: list[Message] = []

    async def receive(self) -> Message:
        return self.messages.pop(0) if self.messages else {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        self.sent.append(message)


def hang_up(site: Site, path: str, first: bytes, content_type: str) -> HangingUpClient:
    """Call the app as a server would for a client that sends ``first`` of a body four times
    as long, then goes away."""
    client = HangingUpClient(first)
    length = str(4 * len(first))
    scope = scope_for(site, path, {"content-type": content_type, "content-length": length})
    site.run(site.client.app, scope, client.receive, client.send)  # type: ignore[arg-type]
    return client


def test_a_hang_up_mid_upload_is_one_line_without_a_traceback(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    contest = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock())
    site.sign_in_as("participant")
    path = f"/contests/{contest.slug}/enter"
    first = multipart_start(site.csrf(path))
    caplog.clear()
    with caplog.at_level(logging.INFO):
        client = hang_up(site, path, first, f"multipart/form-data; boundary={BOUNDARY}")
    records = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert len(records) == 1, [r.getMessage() for r in records]
    (record,) = records
    assert record.levelno in (logging.INFO, logging.WARNING)
    assert record.exc_info is None and record.exc_text is None
    assert "went away" in record.getMessage() and path in record.getMessage()
    assert client.sent == []  # nobody to answer
    assert site.value("SELECT count(*) FROM entries") == 0


def test_a_hang_up_while_sending_a_form_is_one_line_too(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    token = site.csrf("/sign-in")
    first = f"csrf_token={token}&email=pat%40uni.edu&password=".encode()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        client = hang_up(site, "/sign-in", first, "application/x-www-form-urlencoded")
    records = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert [(r.getMessage(), r.exc_info) for r in records] == [
        ("client went away during upload to /sign-in", None)
    ]
    assert client.sent == []
