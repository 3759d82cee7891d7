"""`python -m lib bank ...` in a subprocess against the SimpleFIN stand-in on 127.0.0.1."""
from __future__ import annotations

import base64
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lib.core import clock
from lib.core.bank import sync_slots
from lib.store.sealed import new_key
from tests.sync.standin import Bridge, Running, account, row

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def bridge():
    running = Running(Bridge())
    today = clock.today()
    running.bridge.accounts = [
        account("ACT-1", "Everyday Checking", [row("c1", today - dt.timedelta(days=1), "-12.34", "COFFEE"),
                                               row("c2", today, "-3.10", "KIOSK", pending=True)]),
        account("ACT-2", "Savings", [row("s1", today - dt.timedelta(days=2), "-500.00", "TRANSFER")]),
    ]
    yield running.bridge
    running.close()


def run(tmp_path: Path, *args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FINANCE_STORE": f"sqlite:///{tmp_path / 'cli.db'}", "FINANCE_ENV": "local",
           "FINANCE_BANK_ALLOW_LOOPBACK": "1", "FINANCE_ENCRYPTION_KEY": KEY, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "lib", *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)


KEY = new_key()


def test_connect_sync_status_disconnect(tmp_path: Path, bridge: Bridge) -> None:
    assert run(tmp_path, "init").returncode == 0
    connected = run(tmp_path, "bank", "connect", "--user", "ann", bridge.token())
    assert connected.returncode == 0, connected.stderr
    assert "Everyday Checking (Demo Bank, USD): spending" in connected.stdout
    assert "Savings (Demo Bank, USD): not spending" in connected.stdout
    assert "p@ss" not in connected.stdout + connected.stderr

    synced = run(tmp_path, "bank", "sync", "--user", "ann", "--json")
    assert synced.returncode == 0, synced.stderr
    report = json.loads(synced.stdout)
    assert {k: report[k] for k in ("accounts", "added", "updated", "pending", "errors")} == {
        "accounts": 2, "added": 2, "updated": 0, "pending": 1, "errors": []}
    assert json.loads(run(tmp_path, "bank", "sync", "--user", "ann", "--json").stdout)["added"] == 0

    status = json.loads(run(tmp_path, "bank", "status", "--user", "ann", "--json").stdout)
    assert status["state"] == "ok" and status["requests_today"] == 5  # claim, list, 2 chunks, 1 chunk
    assert "access" not in json.dumps(status) and "user123" not in json.dumps(status)
    assert status["sync_slots"] == list(sync_slots("ann"))
    reindexed = run(tmp_path, "bank", "reindex", "--user", "ann")
    assert reindexed.returncode == 0 and f"regular syncs at {', '.join(sync_slots('ann'))} UTC" in reindexed.stdout
    assert run(tmp_path, "bank", "disconnect", "--user", "ann").returncode == 0
    assert "no bank connected" in run(tmp_path, "bank", "status", "--user", "ann").stdout
    assert "not in the regular syncs" in run(tmp_path, "bank", "reindex", "--user", "ann").stdout


def test_a_second_claim_and_an_internal_address_fail_with_one_line(tmp_path: Path, bridge: Bridge) -> None:
    run(tmp_path, "init")
    assert run(tmp_path, "bank", "connect", "--user", "ann", bridge.token()).returncode == 0
    again = run(tmp_path, "bank", "connect", "--user", "bob", bridge.token())
    assert again.returncode == 2 and "already claimed" in again.stderr
    metadata = base64.b64encode(b"http://169.254.169.254/latest/").decode()
    hosted = run(tmp_path, "bank", "connect", "--user", "bob", metadata, env_extra={"FINANCE_ENV": "hosted"})
    assert hosted.returncode == 2 and "Only https" in hosted.stderr
    local = run(tmp_path, "bank", "connect", "--user", "bob", metadata)
    assert local.returncode == 2 and "private or internal" in local.stderr
    assert run(tmp_path, "bank", "sync", "--user", "nobody").returncode == 1
