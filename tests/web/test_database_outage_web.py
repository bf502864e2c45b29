"""PostgreSQL going away mid-vote: requests get a 503 with Retry-After and leave nothing half
written; when the server is back, the same app serves again without a restart."""

from __future__ import annotations

import time

import pytest

from tests import postgres
from tests.conftest import Site
from tests.web.members.test_entries_web import (
    ENTRY,
    category_id,
    contest_slug,
    photo_bytes,
    submit,
)

__all__ = ["contest_slug"]

pytestmark = pytest.mark.skipif(
    not (postgres.on_postgres() and postgres.can_restart()),
    reason="needs a PostgreSQL test cluster of its own (tests/on_postgres.sh)",
)


def test_an_upload_while_the_server_is_down_is_a_503_and_leaves_no_entry(
    site: Site, contest_slug: str
) -> None:
    site.sign_in_as("participant")
    form = ENTRY | {"category_id": category_id(site)}
    form["csrf_token"] = site.csrf(f"/contests/{contest_slug}/enter")
    postgres.stop_server()
    try:
        refused = site.client.post(
            f"/contests/{contest_slug}/enter",
            data=form,
            files={"photo": ("a.jpg", photo_bytes(), "image/jpeg")},
            follow_redirects=False,
        )
        assert refused.status_code == 503, refused.text
        assert int(refused.headers["retry-after"]) > 0
        assert "try again" in refused.text.lower()
    finally:
        postgres.start_server()
    # The pool reconnects in the background, backing off while the server was away: the same
    # app answers again within seconds, without a restart.
    deadline = time.monotonic() + 30
    while site.client.get("/my/entries").status_code != 200:
        assert time.monotonic() < deadline, "the app did not come back"
        time.sleep(0.5)
    assert site.value("SELECT count(*) FROM entries") == 0
    assert site.value("SELECT count(*) FROM uploads") == 0
    # The writer reconnects at its next transaction: the upload goes through now.
    accepted = submit(site, contest_slug, photo_bytes())
    assert accepted.status_code == 303, accepted.text
    assert site.value("SELECT count(*) FROM entries") == 1
