"""A SimpleFIN stand-in on 127.0.0.1, a SQLite store and settings that allow the loopback bridge."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lib.config import Settings
from lib.store.sealed import new_key
from lib.store.sqlite import SQLiteStore
from tests.sync.standin import Bridge, Running


@pytest.fixture
def bridge() -> Iterator[Bridge]:
    running = Running(Bridge())
    yield running.bridge
    running.close()


@pytest.fixture
def local_settings(tmp_path: Path) -> Settings:
    return Settings(store_url=f"sqlite:///{tmp_path / 'bank.db'}", env="local", bank_allow_loopback=True,
                    encryption_keys=(new_key(),))


@pytest.fixture
def db(local_settings: Settings) -> SQLiteStore:
    store = SQLiteStore(local_settings.store_url.split("://", 1)[1])
    store.init()
    return store
