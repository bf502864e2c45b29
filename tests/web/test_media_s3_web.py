"""The app with its photos in an S3 bucket (moto's server over HTTP, through the app's own
client): uploads land in the bucket before their row, are served with the same headers, the
media worker's masters and the album work; an unreachable bucket is a clear 503 and no row;
a public address makes pages link photos there."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from contest.config import Config
from contest.contests import store as contest_store
from contest.core.s3_storage import S3Settings
from contest.core.storage import open_storage
from contest.entries import moderation
from contest.gallery.album import export_album
from contest.web.public.media import IMMUTABLE, etag_of
from tests import s3_server
from tests.conftest import Site
from tests.media.test_media_worker import eventually
from tests.s3_server import bucket_keys, closed_port_endpoint
from tests.web.members import test_entries_web
from tests.web.members.test_entries_web import photo_bytes, submit

# Fixtures, by the names tests ask for: a bucket, and a contest taking submissions.
s3_endpoint = s3_server.s3_endpoint
s3_settings = s3_server.s3_settings
contest_slug = test_entries_web.contest_slug

CDN = "https://cdn.example.org/photos"


@pytest.fixture
def config(config: Config, s3_settings: S3Settings) -> Config:
    """The usual test config, with the photos in this test's bucket."""
    return dataclasses.replace(config, media_s3=s3_settings)


def _entry(site: Site) -> dict[str, object]:
    [entry] = site.rows("SELECT * FROM entries")
    return entry


def test_an_upload_lands_in_the_bucket_and_is_served_with_the_same_headers(
    site: Site, contest_slug: str, s3_settings: S3Settings
) -> None:
    site.sign_in_as("participant")
    assert submit(site, contest_slug, photo_bytes()).status_code == 303
    entry = _entry(site)
    keys = [str(entry[name]) for name in ("thumb_key", "display_key", "source_key")]
    assert bucket_keys(s3_settings) == sorted(f"media/{key}" for key in keys)
    assert not (site.config.media).exists()  # nothing on the local disk
    thumb = str(entry["thumb_key"])
    for _ in range(2):  # read from the bucket, then from memory (the fast path)
        response = site.client.get(f"/media/{thumb}")
        assert response.status_code == 200
        assert response.content == site.storage.read(thumb)
        assert response.headers["cache-control"] == IMMUTABLE
        assert response.headers["etag"] == etag_of(thumb)
        assert response.headers["content-type"] == "image/jpeg"
    again = site.client.get(f"/media/{thumb}", headers={"if-none-match": etag_of(thumb)})
    assert again.status_code == 304


def test_a_photo_deleted_from_the_bucket_stops_being_served(site: Site, contest_slug: str) -> None:
    site.sign_in_as("participant")
    submit(site, contest_slug, photo_bytes())
    thumb = str(_entry(site)["thumb_key"])
    assert site.client.get(f"/media/{thumb}").status_code == 200  # now in memory too
    site.storage.delete(thumb)
    assert site.client.get(f"/media/{thumb}").status_code == 404


def test_the_media_worker_puts_the_master_in_the_bucket(
    site: Site, contest_slug: str, s3_settings: S3Settings
) -> None:
    site.sign_in_as("participant")
    submit(site, contest_slug, photo_bytes())
    master = eventually(lambda: _entry(site)["master_key"])
    assert _entry(site)["source_key"] is None
    entry = _entry(site)
    assert bucket_keys(s3_settings) == sorted(
        f"media/{entry[name]}" for name in ("thumb_key", "display_key", "master_key")
    )
    assert site.storage.read(str(master))[:2] == b"\xff\xd8"


def test_the_album_is_exported_from_the_bucket(
    site: Site, contest_slug: str, tmp_path: Path
) -> None:
    site.sign_in_as("participant")
    for seed in (1, 2):
        submit(site, contest_slug, photo_bytes(seed), title=f"Reading room at dusk {seed}")
    eventually(lambda: all(row["master_key"] for row in site.rows("SELECT * FROM entries")))
    rows = site.rows("SELECT * FROM entries ORDER BY id")
    contest = site.run(
        contest_store.get_contest_by_slug, site.db, contest_slug, include_unpublished=True
    )
    site.run(
        moderation.moderate,
        site.db,
        contest=contest,
        entry_ids=[row["id"] for row in rows],
        action="approve",
        reason="",
        moderator=site.user(site.add_user("organizer", "moderator@uni.edu")),
        now=site.clock(),
    )
    out = tmp_path / "album"
    report = site.run(
        export_album, site.db, site.storage, contest, out, now=site.clock(), workers=2
    )
    assert report.entries == 2
    for row in rows:
        display = out / "images" / f"{row['id']}-display.jpg"
        assert display.read_bytes() == site.storage.read(row["display_key"])
        assert (out / "images" / f"{row['id']}-card.jpg").read_bytes()[:2] == b"\xff\xd8"
    # The cards drawn for the album are kept in the bucket for the site and the next export.
    for row in site.rows("SELECT share_card_key FROM entries"):
        assert site.storage.exists(row["share_card_key"])


@pytest.fixture
def unreachable(config: Config) -> Config:
    assert config.media_s3 is not None
    return dataclasses.replace(
        config, media_s3=config.media_s3.with_endpoint(closed_port_endpoint())
    )


@pytest.mark.parametrize("config_name", ["unreachable"])
def test_an_unreachable_bucket_fails_the_upload_clearly_and_stores_no_row(
    config_name: str, request: pytest.FixtureRequest, contest_slug: str
) -> None:
    # The contest is set up through a working app; then the same data folder runs with the
    # bucket out of reach.
    from starlette.testclient import TestClient

    from contest.app import create_app

    site: Site = request.getfixturevalue("site")
    site.sign_in_as("participant")
    unreachable: Config = request.getfixturevalue(config_name)
    app = create_app(unreachable, clock=site.clock, fast_passwords=True)
    with TestClient(app, client=("testclient", 50000), cookies=site.client.cookies) as client:
        broken = Site(client, site.clock, unreachable)
        response = submit(broken, contest_slug, photo_bytes())
        assert response.status_code == 503
        assert "photo storage cannot be reached" in response.text
        assert "retry-after" in response.headers
        assert broken.rows("SELECT id FROM entries") == []
        assert broken.rows("SELECT id FROM uploads") == []


def test_a_photo_in_memory_is_a_503_not_a_500_when_the_bucket_goes_out_of_reach(
    site: Site, contest_slug: str, unreachable: Config
) -> None:
    site.sign_in_as("participant")
    submit(site, contest_slug, photo_bytes())
    thumb = str(_entry(site)["thumb_key"])
    assert site.client.get(f"/media/{thumb}").status_code == 200  # now in memory too
    assert unreachable.media_s3 is not None
    site.client.app.state.services.storage = open_storage(unreachable.media_s3)  # type: ignore[attr-defined]
    for method in ("GET", "HEAD"):
        response = site.client.request(method, f"/media/{thumb}")
        assert response.status_code == 503
        assert "retry-after" in response.headers


@pytest.mark.parametrize("public", [CDN, CDN + "/"])
def test_pages_link_photos_at_the_public_address(
    config: Config, contest_slug: str, public: str, request: pytest.FixtureRequest
) -> None:
    from starlette.testclient import TestClient

    from contest.app import create_app

    site: Site = request.getfixturevalue("site")
    site.sign_in_as("participant")
    submit(site, contest_slug, photo_bytes())
    thumb = str(_entry(site)["thumb_key"])
    cdn_config = dataclasses.replace(config, media_public_url=public)
    app = create_app(cdn_config, clock=site.clock, fast_passwords=True)
    with TestClient(app, client=("testclient", 50000), cookies=site.client.cookies) as client:
        page = client.get("/my/entries").text
        assert f'src="{CDN}/{thumb}"' in page
        assert f"/media/{thumb}" not in page
        assert client.get(f"/media/{thumb}").status_code == 200  # the app still serves it


def test_the_public_address_must_be_http_and_is_escaped(config: Config) -> None:
    with pytest.raises(ValueError):
        dataclasses.replace(config, media_public_url="javascript:alert(1)")
    from contest.web.media_links import public_media_url

    assert public_media_url("ftp://cdn.example.org", "ab/cd/x.jpg") is None
    odd = public_media_url('https://cdn.example.org/a"b', "ab/cd/x.jpg")
    assert odd == 'https://cdn.example.org/a"b/ab/cd/x.jpg'  # and Jinja escapes the quote
    assert re.fullmatch(
        r"https://cdn\.example\.org/ab/cd/x\.jpg",
        str(public_media_url("https://cdn.example.org/", "ab/cd/x.jpg")),
    )
