"""Where photo files live, named by the hash of their content: what every store offers
(``Storage``), a local folder (``LocalStorage``), and the choice between it and an
S3-compatible bucket (``open_storage``; the bucket is ``contest.core.s3_storage``)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from contest.core.s3_storage import S3Settings

#: The prefix of a file being written (renamed to its key once complete).
TEMPORARY_PREFIX = ".incoming-"
#: A stored file's key: two folder levels from the hash, then the whole hash and the extension
#: (``jpg`` for photos, ``png`` for the library's logo).
KEY_PATTERN = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}\.(?:jpg|png)$")


def key_for(data: bytes, extension: str = "jpg") -> str:
    """The key a file with this content is stored under."""
    digest = hashlib.sha256(data).hexdigest()
    return f"{digest[:2]}/{digest[2:4]}/{digest}.{extension}"


def is_valid_key(key: str) -> bool:
    """Whether a string is shaped like a key we issue (so it can never climb out of the folder)."""
    return bool(KEY_PATTERN.match(key))


class Storage(Protocol):
    """What callers may do with stored files, wherever they live. Every method blocks (call it
    in a worker thread); a key that is not one we issue is refused with ValueError.

    The rules on disk hold for every store: a file is written (atomically) before the row that
    names it; storing the same bytes again gives the same key and makes the file young again,
    so the sweep of old unreferenced files (``stale_keys``, ``delete_if_stale``) leaves it to
    the upload on its way to a row.
    """

    #: Whether ``exists`` is a local check cheap enough to make on the event loop.
    quick_checks: bool

    def put(self, data: bytes, extension: str = "jpg") -> str:
        """Store the bytes (once: same content, same key) and return their key."""
        ...

    def put_all(self, blobs: Sequence[bytes]) -> list[str]:
        """Store several JPEG files, all or none; their keys in order."""
        ...

    def exists(self, key: str) -> bool:
        """Whether a file is stored under the key."""
        ...

    def read(self, key: str) -> bytes:
        """The stored bytes; FileNotFoundError when there is no such file."""
        ...

    def delete(self, key: str) -> None:
        """Remove the file if it is there."""
        ...

    def all_keys(self) -> list[str]:
        """Every stored key, sorted."""
        ...

    def stale_keys(self, *, before: float) -> list[str]:
        """The keys of files last stored before ``before`` (seconds since the epoch)."""
        ...

    def delete_if_stale(self, key: str, *, before: float) -> bool:
        """Remove the file if it was last stored before ``before``; whether it was removed."""
        ...

    def delete_stale_temporaries(self, *, before: float) -> list[str]:
        """Remove half-written files older than ``before``; what was removed."""
        ...

    def free_bytes(self) -> int | None:
        """Space left for new files; None when the store cannot tell or has no bound."""
        ...


def open_storage(location: Path | S3Settings) -> Storage:
    """The store a setting names: a local folder, or a bucket (see ``S3Settings``)."""
    if isinstance(location, Path):
        return LocalStorage(location)
    # Imported here: the local folder, the zero-setup default, needs no S3 client.
    from contest.core.s3_storage import S3Storage

    return S3Storage(location)


def put_all_or_none(storage: Storage, blobs: Sequence[bytes]) -> list[str]:
    """Store several JPEG files, all or none: when one cannot be written (a full disk, an
    unreachable bucket), the files this call created are removed again before the error goes
    on (files that were there before stay: another row may name them)."""
    created: list[str] = []
    keys: list[str] = []
    try:
        for data in blobs:
            existed = storage.exists(key_for(data, "jpg"))
            keys.append(storage.put(data))
            if not existed:
                created.append(keys[-1])
    except BaseException:
        for key in created:
            with contextlib.suppress(Exception):  # the first error is the one to tell
                storage.delete(key)
        raise
    return keys


class LocalStorage:
    """Photo files in a local directory; writes are atomic (temporary file, then rename)."""

    quick_checks = True

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        """The file behind a key; ValueError for anything that is not a key we issue."""
        if not is_valid_key(key):
            raise ValueError("not a storage key")
        return self.root / key

    def put(self, data: bytes, extension: str = "jpg") -> str:
        """Store the bytes (once: same content, same key) and return their key."""
        key = key_for(data, extension)
        target = self.path(key)
        if target.exists():
            # Stored again: young again, so a sweep of old unreferenced files leaves it to
            # the upload now on its way to an entry.
            with contextlib.suppress(FileNotFoundError):
                os.utime(target)
                return key
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=TEMPORARY_PREFIX)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return key

    def put_all(self, blobs: Sequence[bytes]) -> list[str]:
        """Store several files, all or none (``put_all_or_none``)."""
        return put_all_or_none(self, blobs)

    def exists(self, key: str) -> bool:
        """Whether a file is stored under the key."""
        return self.path(key).exists()

    def read(self, key: str) -> bytes:
        """The stored bytes."""
        return self.path(key).read_bytes()

    def delete(self, key: str) -> None:
        """Remove the file if it is there."""
        self.path(key).unlink(missing_ok=True)

    def all_keys(self) -> list[str]:
        """Every stored key (for audits and tests)."""
        return sorted(
            str(path.relative_to(self.root))
            for path in self.root.glob("*/*/*")
            if path.is_file() and not path.name.startswith(".")
        )

    def stale_keys(self, *, before: float) -> list[str]:
        """The keys of files last stored before ``before`` (seconds since the epoch)."""
        return sorted(
            str(path.relative_to(self.root))
            for path in self.root.glob("*/*/*")
            if not path.name.startswith(".") and _modified_before(path, before)
        )

    def delete_if_stale(self, key: str, *, before: float) -> bool:
        """Remove the file if it was last stored before ``before``; whether it was removed (a
        file stored again since, for a new upload of the same photo, stays)."""
        path = self.path(key)
        if not _modified_before(path, before):
            return False
        path.unlink(missing_ok=True)
        return True

    def delete_stale_temporaries(self, *, before: float) -> list[str]:
        """Remove half-written files (a write interrupted by a crash) older than ``before``;
        return their paths relative to the folder."""
        removed = []
        for path in self.root.glob(f"*/*/{TEMPORARY_PREFIX}*"):
            if _modified_before(path, before):
                path.unlink(missing_ok=True)
                removed.append(str(path.relative_to(self.root)))
        return sorted(removed)

    def free_bytes(self) -> int:
        """Free space on the disk of the folder (or of its nearest existing parent)."""
        folder = self.root.absolute()
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        return shutil.disk_usage(folder).free


def _modified_before(path: Path, moment: float) -> bool:
    """Whether ``path`` is a file last changed before ``moment`` (False if it is gone)."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return False
    return stat.S_ISREG(status.st_mode) and status.st_mtime < moment
