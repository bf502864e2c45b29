"""Photo files by key: from disk the first time, then from memory, with ETags and 304s."""

import io

import pytest
from PIL import Image

from contest.core.cache import BytesCache
from contest.web.public.media import MediaFastPath
from tests.conftest import Site


@pytest.fixture
def stored(site: Site) -> tuple[str, bytes]:
    """A small JPEG in the media folder, and its key."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buffer, "JPEG")
    data = buffer.getvalue()
    return site.storage.put(data), data


def test_memory_answers_like_the_disk_with_the_protective_headers_and_no_cookie(
    site: Site, stored: tuple[str, bytes]
) -> None:
    key, data = stored
    first = site.client.get(f"/media/{key}")  # read from disk, then kept in memory
    site.client.cookies.clear()
    again = site.client.get(f"/media/{key}")
    for response in (first, again):
        assert response.status_code == 200 and response.content == data
        assert response.headers["content-type"] == "image/jpeg"
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["etag"] == f'"{key.split("/")[-1][:32]}"'
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'self'" in response.headers["content-security-policy"]
    assert again.headers["content-length"] == str(len(data))
    assert "set-cookie" not in again.headers  # an image needs no browser id


@pytest.mark.parametrize("sent", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
def test_a_matching_etag_gets_304_from_disk_and_from_memory(
    site: Site, stored: tuple[str, bytes], sent: str
) -> None:
    key, _ = stored
    etag = f'"{key.split("/")[-1][:32]}"'
    header = {"If-None-Match": sent.format(etag=etag)}
    from_disk = site.client.get(f"/media/{key}", headers=header)
    site.client.get(f"/media/{key}")  # now in memory
    from_memory = site.client.get(f"/media/{key}", headers=header)
    for answer in (from_disk, from_memory):
        assert answer.status_code == 304 and answer.content == b""
        assert answer.headers["etag"] == etag and "immutable" in answer.headers["cache-control"]


def test_an_etag_that_does_not_match_gets_the_file(site: Site, stored: tuple[str, bytes]) -> None:
    key, data = stored
    site.client.get(f"/media/{key}")
    answer = site.client.get(f"/media/{key}", headers={"If-None-Match": '"0123"'})
    assert answer.status_code == 200 and answer.content == data


def test_head_gets_the_headers_alone(site: Site, stored: tuple[str, bytes]) -> None:
    key, data = stored
    site.client.get(f"/media/{key}")
    answer = site.client.head(f"/media/{key}")
    assert answer.status_code == 200 and answer.content == b""
    assert answer.headers["content-length"] == str(len(data))


def test_a_file_deleted_by_another_process_stops_being_served_at_once(
    site: Site, stored: tuple[str, bytes]
) -> None:
    key, _ = stored
    assert site.client.get(f"/media/{key}").status_code == 200
    assert site.client.get(f"/media/{key}").status_code == 200  # from memory
    (site.config.media / key).unlink()  # not through this app: no cache was told
    assert site.client.get(f"/media/{key}").status_code == 404
    assert site.client.get(f"/media/{key}").status_code == 404


def test_other_hosts_are_refused_before_memory_is_consulted(
    site: Site, stored: tuple[str, bytes]
) -> None:
    key, _ = stored
    site.client.get(f"/media/{key}")
    answer = site.client.get(f"/media/{key}", headers={"Host": "evil.example"})
    assert answer.status_code == 400


def test_files_the_memory_cache_lets_go_are_not_kept_alive_by_the_fast_path(site: Site) -> None:
    services = site.client.app.state.services  # type: ignore[attr-defined]
    services.media_cache = BytesCache(budget=3_000, largest=2_000)
    keys = []
    for shade in range(10):
        buffer = io.BytesIO()
        Image.new("RGB", (20, 20), (shade * 20, 90, 90)).save(buffer, "JPEG")
        keys.append((site.storage.put(buffer.getvalue()), buffer.getvalue()))
    for key, data in keys:  # each file read from disk, then answered from memory
        for _ in range(2):
            response = site.client.get(f"/media/{key}")
            assert response.status_code == 200 and response.content == data
    layer = site.client.app.middleware_stack  # type: ignore[attr-defined]
    while not isinstance(layer, MediaFastPath):
        layer = layer.app
    assert len(services.media_cache._files) < len(keys)  # the budget made the cache let go
    assert layer._prepared  # answers were prepared for the files while they were in memory
    held = [
        value
        for prepared in layer._prepared.values()
        for value in (getattr(prepared, name) for name in prepared.__slots__)
        if isinstance(value, bytes) and len(value) > 100
    ]
    assert held == []  # headers only: the file bytes live in the cache's budget alone
