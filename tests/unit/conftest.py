"""Fixtures the unit tests of the command line share."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lib.store import open_store


@pytest.fixture
def cli_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An empty SQLite file that `python -m lib` (run in-process through lib.cli.main) uses: FINANCE_STORE."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("FINANCE_STORE", url)
    store = open_store(url)
    store.init()
    return store
