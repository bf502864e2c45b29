"""Where photo files live: a local folder, files named by the hash of their content."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

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


class LocalStorage:
    """Photo files in a local directory; writes are atomic (temporary file, then rename)."""

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
        """Store several files, all or none: when one cannot be written (a full disk), the
        files this call created are removed again before the error goes on."""
        created: list[Path] = []
        keys: list[str] = []
        try:
            for data in blobs:
                existed = self.path(key_for(data, "jpg")).exists()
                keys.append(self.put(data))
                if not existed:
                    created.append(self.path(keys[-1]))
        except BaseException:
            for path in created:
                path.unlink(missing_ok=True)
            raise
        return keys

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


def _modified_before(path: Path, moment: float) -> bool:
    """Whether ``path`` is a file last changed before ``moment`` (False if it is gone)."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return False
    return stat.S_ISREG(status.st_mode) and status.st_mtime < moment
