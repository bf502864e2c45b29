"""Content-addressed files: several stored all or none."""

import errno
from pathlib import Path

import pytest

from contest.core.storage import LocalStorage


def test_files_stored_together_are_all_removed_when_one_cannot_be_written(
    tmp_path: Path,
) -> None:
    plain = LocalStorage(tmp_path)
    shared = plain.put(b"already stored by another entry")
    storage = LocalStorage(tmp_path)
    written: list[str] = []
    original_put = LocalStorage.put

    def put(self: LocalStorage, data: bytes, extension: str = "jpg") -> str:
        if len(written) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        key = original_put(self, data, extension)
        written.append(key)
        return key

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LocalStorage, "put", put)
        with pytest.raises(OSError):
            storage.put_all([b"already stored by another entry", b"new thumbnail", b"new display"])
    assert storage.exists(shared)  # another entry's file stays
    assert [key for key in written if key != shared and storage.exists(key)] == []
    assert {path.name for path in tmp_path.rglob("*") if path.is_file()} == {
        Path(plain.path(shared)).name
    }


def test_files_stored_together_come_back_in_order(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    keys = storage.put_all([b"one", b"two", b"one"])
    assert [storage.read(key) for key in keys] == [b"one", b"two", b"one"]
