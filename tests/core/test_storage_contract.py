"""Every store keeps the same promises (``storage.Storage``): a local folder, and an S3 bucket
on a real S3 HTTP API (moto's server) through the client the app uses."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from contest.core.errors import Unavailable
from contest.core.s3_storage import S3Settings, S3Storage, StorageUnavailable
from contest.core.storage import TEMPORARY_PREFIX, LocalStorage, Storage, key_for, open_storage
from tests import s3_server
from tests.s3_server import age, bucket_keys, closed_port_endpoint

# The bucket fixtures, by the names tests ask for.
s3_endpoint = s3_server.s3_endpoint
s3_settings = s3_server.s3_settings

HOUR = 3600.0


@dataclass
class Store:
    """A store under test, and how to make one of its files older."""

    storage: Storage
    age: Callable[[str, float], None]


def _age_file(root: Path) -> Callable[[str, float], None]:
    def make_older(key: str, seconds: float) -> None:
        path = root / key
        then = path.stat().st_mtime - seconds
        os.utime(path, (then, then))

    return make_older


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "local":
        return Store(open_storage(tmp_path / "media"), _age_file(tmp_path / "media"))
    settings: S3Settings = request.getfixturevalue("s3_settings")
    return Store(open_storage(settings), lambda key, seconds: age(settings, key, seconds))


def test_open_storage_picks_the_store_by_location(tmp_path: Path, s3_settings: S3Settings) -> None:
    assert isinstance(open_storage(tmp_path), LocalStorage)
    assert isinstance(open_storage(s3_settings), S3Storage)


def test_stored_bytes_come_back_under_their_content_key(store: Store) -> None:
    storage = store.storage
    key = storage.put(b"a photo")
    assert key == key_for(b"a photo")
    assert storage.exists(key) and storage.read(key) == b"a photo"
    assert storage.put(b"a photo") == key  # same content, same key
    logo = storage.put(b"a logo", "png")
    assert logo.endswith(".png") and storage.read(logo) == b"a logo"
    assert storage.all_keys() == sorted([key, logo])


def test_a_missing_file_is_file_not_found(store: Store) -> None:
    key = key_for(b"never stored")
    assert not store.storage.exists(key)
    with pytest.raises(FileNotFoundError):
        store.storage.read(key)


def test_deleting_removes_the_file_and_a_missing_one_is_no_error(store: Store) -> None:
    key = store.storage.put(b"to delete")
    store.storage.delete(key)
    store.storage.delete(key)
    assert not store.storage.exists(key) and store.storage.all_keys() == []


@pytest.mark.parametrize("bad", ["../secret.jpg", "ab/cd/x.jpg", "ab/cd/" + "0" * 64 + ".gif"])
def test_keys_we_never_issue_are_refused(store: Store, bad: str) -> None:
    storage = store.storage
    for call in (storage.exists, storage.read, storage.delete):
        with pytest.raises(ValueError):
            call(bad)
    with pytest.raises(ValueError):
        storage.delete_if_stale(bad, before=time.time())


def test_files_stored_together_come_back_in_order(store: Store) -> None:
    keys = store.storage.put_all([b"one", b"two", b"one"])
    assert [store.storage.read(key) for key in keys] == [b"one", b"two", b"one"]


def test_files_stored_together_are_all_removed_when_one_cannot_be_written(
    store: Store,
) -> None:
    storage = store.storage
    shared = storage.put(b"already stored by another entry")
    failing = _failing_after(storage, puts=2)
    with pytest.raises(Unavailable):
        failing.put_all([b"already stored by another entry", b"new thumbnail", b"new display"])
    assert storage.all_keys() == [shared]  # another entry's file stays; the new one went


def _failing_after(storage: Storage, *, puts: int) -> Storage:
    """The same store, whose writes fail (the bucket gone away) after ``puts`` of them."""

    base = type(storage)

    class Failing(base):  # type: ignore[valid-type,misc]
        done = 0

        def put(self, data: bytes, extension: str = "jpg") -> str:
            if Failing.done == puts:
                raise StorageUnavailable()
            Failing.done += 1
            return str(base.put(self, data, extension))

    failing = Failing.__new__(Failing)
    failing.__dict__.update(storage.__dict__)
    return failing


def test_only_files_last_stored_before_the_moment_are_stale(store: Store) -> None:
    storage = store.storage
    old, young = storage.put(b"old"), storage.put(b"young")
    store.age(old, 2 * HOUR)
    hour_ago = time.time() - HOUR
    assert storage.stale_keys(before=hour_ago) == [old]
    assert storage.delete_if_stale(young, before=hour_ago) is False
    assert storage.delete_if_stale(old, before=hour_ago) is True
    assert storage.delete_if_stale(old, before=hour_ago) is False  # gone already
    assert storage.all_keys() == [young]


def test_storing_a_file_again_makes_it_young_again(store: Store) -> None:
    storage = store.storage
    key = storage.put(b"uploaded again")
    store.age(key, 2 * HOUR)
    hour_ago = time.time() - HOUR
    assert storage.stale_keys(before=hour_ago) == [key]
    assert storage.put(b"uploaded again") == key
    assert storage.stale_keys(before=hour_ago) == []
    assert storage.delete_if_stale(key, before=hour_ago) is False
    assert storage.read(key) == b"uploaded again"


def test_sweeping_temporaries_never_touches_stored_files(store: Store) -> None:
    key = store.storage.put(b"kept")
    store.age(key, 2 * HOUR)
    assert store.storage.delete_stale_temporaries(before=time.time() + HOUR) == []
    assert store.storage.all_keys() == [key]


def test_a_half_written_local_file_is_swept_once_old(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    key = storage.put(b"complete")
    partial = tmp_path / key[:5] / f"{TEMPORARY_PREFIX}crash"
    partial.write_bytes(b"half")
    assert storage.delete_stale_temporaries(before=time.time() + HOUR) == [
        f"{key[:5]}/{partial.name}"
    ]
    assert storage.all_keys() == [key]


def test_free_space_is_known_on_disk_and_unbounded_in_a_bucket(
    tmp_path: Path, s3_settings: S3Settings
) -> None:
    free = LocalStorage(tmp_path / "not yet made").free_bytes()
    assert isinstance(free, int) and free > 0
    assert open_storage(s3_settings).free_bytes() is None


def test_bucket_objects_are_named_by_key_under_the_prefix(s3_settings: S3Settings) -> None:
    key = open_storage(s3_settings).put(b"in the bucket")
    assert bucket_keys(s3_settings) == [f"media/{key}"]


def test_an_unreachable_bucket_is_unavailable_and_says_so(s3_settings: S3Settings) -> None:
    storage = open_storage(s3_settings.with_endpoint(closed_port_endpoint()))
    key = key_for(b"x")
    for call in (lambda: storage.put(b"x"), lambda: storage.exists(key)):
        with pytest.raises(StorageUnavailable) as refused:
            call()
        assert refused.value.status_code == 503
        assert "photo storage cannot be reached" in refused.value.message


def test_a_missing_bucket_refuses_writes_as_unavailable(s3_settings: S3Settings) -> None:
    missing = S3Settings(
        url="s3://no-such-bucket/media",
        endpoint=s3_settings.endpoint,
        access_key_id=s3_settings.access_key_id,
        secret_access_key=s3_settings.secret_access_key,
        region=s3_settings.region,
    )
    with pytest.raises(StorageUnavailable):
        open_storage(missing).put(b"x")


def test_bucket_settings_must_name_a_bucket() -> None:
    with pytest.raises(ValueError):
        S3Settings(url="https://example.org/media")
    assert S3Settings(url="s3://bucket", endpoint="http://minio:9000").http_allowed
    assert not S3Settings(url="s3://bucket/a/b", endpoint="https://s3.example").http_allowed
    assert S3Settings(url="s3://bucket/a/b/").prefix == "a/b"
