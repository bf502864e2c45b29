"""Fixtures of the gallery's tests: a data folder the command line uses."""

from pathlib import Path

import pytest


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder that ``contest`` commands take as their data folder."""
    monkeypatch.setenv("CONTEST_DATA_DIR", str(tmp_path))
    return tmp_path
