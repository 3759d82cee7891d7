"""Replicas that agree: a write by another process (another replica, the API, the jobs worker, the CLI)
shows on this process's next page load, at the cost of one small read, never a Scan."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from lib.core import clock

REPO = Path(__file__).resolve().parents[2]


def _import_elsewhere(store_path: Path, tmp_path: Path, description: str) -> None:
    """Another process writes: the CLI's import, on the same database file."""
    csv = tmp_path / f"{description}.csv"
    csv.write_text(f"Date,Description,Amount\n{clock.today().isoformat()},{description},-12.34\n")
    env = {**os.environ, "FINANCE_STORE": f"sqlite:///{store_path}"}
    run = subprocess.run([sys.executable, "-m", "lib", "import", str(csv), "--user", "demo"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_write_by_another_process_shows_on_the_next_page_load(make_app, demo_store, store_path, tmp_path, seen,
                                                                app_requests, monkeypatch) -> None:
    monkeypatch.setenv("FINANCE_FRESHNESS_SECONDS", "0.000001")  # look on every load
    at = make_app("transactions").run()
    assert not at.exception and "WRITTEN-BY-ANOTHER-PROCESS" not in seen(at)

    before = app_requests("demo")
    at.run()  # nothing changed elsewhere: one small read of the version, the cached page
    assert app_requests("demo") - before == 1

    _import_elsewhere(store_path, tmp_path, "WRITTEN-BY-ANOTHER-PROCESS")
    before = app_requests("demo")
    at.run()
    assert not at.exception
    assert "WRITTEN-BY-ANOTHER-PROCESS" in seen(at)
    # The version read, then the page's one Query (and the sidebar's standing, cut from it).
    assert app_requests("demo") - before <= 3


def test_without_a_look_a_process_keeps_its_cache(make_app, demo_store, store_path, tmp_path, seen,
                                                  app_requests) -> None:
    """Inside the freshness window (here a day) a rerun reads nothing: the cost is bounded by time."""
    at = make_app("transactions").run()
    _import_elsewhere(store_path, tmp_path, "NOT-YET-SEEN")
    before = app_requests("demo")
    at.run()
    assert app_requests("demo") == before
    assert "NOT-YET-SEEN" not in seen(at)
