"""Issue 22, finding 11: the database, its WAL/SHM files, the data folder and exports are the owner's only."""
from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from lib.cli import main
from lib.core import clock
from lib.core.models import validate_transaction
from lib.store.sqlite import SQLiteStore


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)  # what most machines use: files 0644, folders 0755 unless we say otherwise
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_database_and_its_wal_files_are_private(tmp_path: Path) -> None:
    db = tmp_path / "data" / "finance.db"
    store = SQLiteStore(db)
    store.init()
    store.add_transaction(validate_transaction("ann", clock.today(), "4.20", "Coffee", "x"))
    assert mode(db.parent) == 0o700
    assert mode(db) == 0o600
    companions = [db.with_name(db.name + s) for s in ("-wal", "-shm")]
    assert all(p.exists() for p in companions)
    assert [mode(p) for p in companions] == [0o600, 0o600]


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    SQLiteStore(db).init()
    os.chmod(db, 0o644)
    for suffix in ("-wal", "-shm"):
        companion = db.with_name(db.name + suffix)
        if companion.exists():
            os.chmod(companion, 0o644)
    SQLiteStore(db).init()
    assert mode(db) == 0o600
    assert all(mode(db.with_name(db.name + s)) == 0o600 for s in ("-wal", "-shm")
               if db.with_name(db.name + s).exists())


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_exports_are_written_owner_only_even_over_an_old_file(tmp_path: Path, monkeypatch, fmt: str) -> None:
    db = tmp_path / "x.db"
    monkeypatch.setenv("FINANCE_STORE", f"sqlite:///{db}")
    store = SQLiteStore(db)
    store.init()
    store.add_transaction(validate_transaction("ann", clock.today(), "4.20", "Coffee", "EXPORTED"))
    out = tmp_path / f"ann.{fmt}"
    out.write_text("old")
    os.chmod(out, 0o644)
    assert main(["export", "--user", "ann", "--format", fmt, "--out", str(out)]) == 0
    assert mode(out) == 0o600 and "EXPORTED" in out.read_text()
