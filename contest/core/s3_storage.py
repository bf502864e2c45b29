"""Photo files in an S3-compatible bucket (AWS, MinIO, R2, ...), through obstore.

The same keys as on disk (``ab/cd/<sha256>.jpg``) under the bucket's prefix, and the same
rules (``storage.Storage``). What differs and why:

- A PUT is atomic (nobody sees half an object), so there are no temporaries to sweep.
- Staleness is the object's last-modified time. Storing the same bytes again PUTs them again,
  which makes the object young again as ``os.utime`` does on disk. (Copying the object onto
  itself would save sending the bytes, but S3 refuses a copy onto itself that changes no
  metadata, and the caller holds the bytes anyway: one request either way.)
- A bucket that cannot be reached or refuses us is ``StorageUnavailable`` (503, a sentence a
  person can read, the cause in the log) rather than a library error; a missing file is
  still FileNotFoundError, as on disk.
- There is no free space to check: ``free_bytes`` is None.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import obstore
from obstore.exceptions import BaseError
from obstore.store import S3Store

from contest.core.errors import Unavailable
from contest.core.storage import is_valid_key, key_for, put_all_or_none
from contest.i18n import N_

if TYPE_CHECKING:
    from obstore.store import ClientConfig, RetryConfig

log = logging.getLogger("contest")

#: Tries of one request before the store gives up (connection errors, 5xx, timeouts), and the
#: time they may take in all: an upload waits for this, so it is seconds, not minutes.
MAX_RETRIES = 3
RETRY_TIMEOUT = timedelta(seconds=15)
CONNECT_TIMEOUT = timedelta(seconds=5)
REQUEST_TIMEOUT = timedelta(seconds=60)
#: Keys listed per request when sweeping (S3 returns at most 1000 per page).
LIST_CHUNK = 1000


class StorageUnavailable(Unavailable):
    """The bucket that holds the photos cannot be reached, or refused us; nothing was saved."""

    title = N_(
        "The photo storage cannot be reached at the moment, so nothing was saved."
        " Please try again in a minute."
    )

    def __init__(self) -> None:
        super().__init__(retry_after=30)


@dataclass(frozen=True)
class S3Settings:
    """Where the bucket is and how to sign in to it (the usual ``AWS_*`` settings).

    ``url`` is ``s3://bucket/prefix``; ``endpoint`` names an S3-compatible server (MinIO, R2,
    a test server), AWS itself when None. Plain HTTP is allowed only when asked, or when the
    endpoint itself is an ``http://`` address.
    """

    url: str
    endpoint: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = field(default=None, repr=False)
    region: str | None = None
    allow_http: bool | None = None

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"not a bucket address (s3://bucket/prefix): {self.url!r}")

    @property
    def bucket(self) -> str:
        """The bucket's name."""
        return urlsplit(self.url).netloc

    @property
    def prefix(self) -> str:
        """The folder inside the bucket ('' for its top)."""
        return urlsplit(self.url).path.strip("/")

    @property
    def http_allowed(self) -> bool:
        """Whether plain HTTP may be used (asked for, or implied by an http:// endpoint)."""
        if self.allow_http is not None:
            return self.allow_http
        return bool(self.endpoint and self.endpoint.startswith("http://"))

    def with_endpoint(self, endpoint: str) -> S3Settings:
        """The same bucket at another endpoint (tests point at a closed port)."""
        return dataclasses.replace(self, endpoint=endpoint)


def _store(settings: S3Settings) -> S3Store:
    """The obstore client for the settings (credentials not given come from the environment,
    as obstore reads them: AWS_ACCESS_KEY_ID, an instance role, ...)."""
    client: ClientConfig = {
        "allow_http": settings.http_allowed,
        "connect_timeout": CONNECT_TIMEOUT,
        "timeout": REQUEST_TIMEOUT,
    }
    retry: RetryConfig = {"max_retries": MAX_RETRIES, "retry_timeout": RETRY_TIMEOUT}
    given = {
        "endpoint": settings.endpoint,
        "access_key_id": settings.access_key_id,
        "secret_access_key": settings.secret_access_key,
        "region": settings.region,
    }
    config = {name: value for name, value in given.items() if value}
    return S3Store(
        settings.bucket,
        prefix=settings.prefix or None,
        config=config,  # type: ignore[arg-type]  # the S3Config keys above, all strings
        client_options=client,
        retry_config=retry,
    )


@contextmanager
def _reaching(what: str, *, missing_is_failure: bool = False) -> Iterator[None]:
    """Turn the client's errors into ours: the bucket unreachable or refusing is
    StorageUnavailable (logged with its cause); a missing object stays FileNotFoundError
    unless a missing object means a missing bucket (a write)."""
    try:
        yield
    except FileNotFoundError as error:
        if not missing_is_failure:
            raise
        log.warning("photo storage: %s failed: %s", what, _first_line(error))
        raise StorageUnavailable() from error
    except (BaseError, OSError) as error:
        log.warning("photo storage: %s failed: %s", what, _first_line(error))
        raise StorageUnavailable() from error


def _first_line(error: BaseException) -> str:
    """The client's message without its long debug dump."""
    return str(error).split("\n", 1)[0][:500]


def _checked(key: str) -> str:
    if not is_valid_key(key):
        raise ValueError("not a storage key")
    return key


class S3Storage:
    """Photo files in a bucket, named as on disk; see the module for what differs."""

    quick_checks = False

    def __init__(self, settings: S3Settings) -> None:
        self.settings = settings
        self._store = _store(settings)

    def __repr__(self) -> str:
        return f"S3Storage({self.settings.url!r})"

    def put(self, data: bytes, extension: str = "jpg") -> str:
        """Store the bytes under their key; stored again, the object is young again."""
        key = key_for(data, extension)
        with _reaching(f"storing {key}", missing_is_failure=True):
            obstore.put(self._store, key, data, use_multipart=False)
        return key

    def put_all(self, blobs: Sequence[bytes]) -> list[str]:
        """Store several files, all or none (``put_all_or_none``)."""
        return put_all_or_none(self, blobs)

    def exists(self, key: str) -> bool:
        """Whether an object is stored under the key."""
        return self._head(key) is not None

    def read(self, key: str) -> bytes:
        """The stored bytes; FileNotFoundError when there is no such object."""
        with _reaching(f"reading {_checked(key)}"):
            return bytes(obstore.get(self._store, key).bytes())

    def delete(self, key: str) -> None:
        """Remove the object if it is there (S3 answers a missing one as deleted)."""
        with _reaching(f"deleting {_checked(key)}"):
            obstore.delete(self._store, key)

    def all_keys(self) -> list[str]:
        """Every stored key (objects not named like our keys are not ours, and left out)."""
        return sorted(key for key, _ in self._listing())

    def stale_keys(self, *, before: float) -> list[str]:
        """The keys of objects last stored before ``before`` (seconds since the epoch)."""
        return sorted(key for key, modified in self._listing() if modified < before)

    def delete_if_stale(self, key: str, *, before: float) -> bool:
        """Remove the object if it was last stored before ``before``; whether it was removed
        (one stored again since, for a new upload of the same photo, stays)."""
        modified = self._head(key)
        if modified is None or modified >= before:
            return False
        self.delete(key)
        return True

    def delete_stale_temporaries(self, *, before: float) -> list[str]:
        """Nothing to do: a PUT is atomic, so no half-written object is ever left."""
        return []

    def free_bytes(self) -> None:
        """A bucket has no free space to check."""
        return None

    def _head(self, key: str) -> float | None:
        """When the object was last stored (seconds since the epoch); None if it is not."""
        with _reaching(f"looking up {_checked(key)}"):
            try:
                meta = obstore.head(self._store, key)
            except FileNotFoundError:
                return None
        return meta["last_modified"].timestamp()

    def _listing(self) -> Iterator[tuple[str, float]]:
        """Each stored key with its last-modified time."""
        with _reaching("listing the files"):
            for chunk in obstore.list(self._store, chunk_size=LIST_CHUNK):
                for meta in chunk:
                    if is_valid_key(meta["path"]):
                        yield meta["path"], meta["last_modified"].timestamp()
