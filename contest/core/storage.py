"""Where photo files live: a local folder, files named by the hash of their content."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

#: A stored file's key: two folder levels from the hash, then the whole hash and the extension.
KEY_PATTERN = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}\.(?:jpg)$")


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
            return key
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
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
