"""The command line (nudges, channels, jobs --once), the worker under time-machine, and the worker as a process."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import time_machine
from pytest_httpserver import HTTPServer

from lib.cli import main
from lib.core import clock
from lib.core.nudge_prefs import NudgePrefs
from lib.jobs import manage, schedule, worker
from lib.store.sealed import Sealer, new_key
from lib.store.sqlite import SQLiteStore
from tests.jobs.conftest import MORNING_AT, make_user, wait_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {"FINANCE_STORE": f"sqlite:///{tmp_path / 'cli.db'}", "FINANCE_ENCRYPTION_KEY": new_key(),
              "FINANCE_ENV": "local"}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    monkeypatch.chdir(tmp_path)
    return values


def test_nudge_flags_refuse_bad_values_with_a_reason_each_and_save_nothing(env: dict[str, str], capsys: Any) -> None:
    assert main(["init"]) == 0
    assert main(["nudges", "--user", "ann", "--morning", "25:00", "--quiet", "22-7", "--evening", "19:00"]) == 2
    err = capsys.readouterr().err
    assert "morning:" in err and "25:00" in err and "quiet:" in err
    assert main(["nudges", "--user", "ann", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["evening"] == "20:30"  # nothing was saved
    assert main(["nudges", "--user", "ann", "--morning", "6:45", "--hide-amounts", "on", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["morning"] == "06:45" and shown["hide_amounts"] == "on"


def test_channels_add_list_test_remove_and_a_tick_as_json(env: dict[str, str], capsys: Any,
                                                          httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    store = SQLiteStore(env["FINANCE_STORE"].split("://", 1)[1])
    store.init()
    make_user(store, "ann")
    assert main(["channels", "add", "--user", "ann", "foo://bar"]) == 2
    assert "not a channel scheme" in capsys.readouterr().err
    assert main(["channels", "add", "--user", "ann", "json://"]) == 2
    assert main(["channels", "add", "--user", "ann", f"json://user:s3cret@127.0.0.1:{httpserver.port}/hook"]) == 0
    assert main(["channels", "list", "--user", "ann", "--json"]) == 0
    capsys.readouterr()
    assert main(["channels", "list", "--user", "ann", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert "s3cret" not in row["url"] and row["scheme"] == "json"
    assert main(["channels", "test", "--user", "ann", "1"]) == 0
    assert main(["jobs", "--once", "--at", MORNING_AT.isoformat().replace("+00:00", "Z"), "--json"]) == 0
    capsys.readouterr()
    assert main(["jobs", "--once", "--at", "2026-12-05T08:00:00Z", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report == {"due": 1, "sent": [], "skipped": [{"user": "ann", "kind": "morning", "why": "already sent"}]}
    assert main(["jobs", "--once", "--at", "2026-12-05T08:00:00", "--json"]) == 2  # no zone: refused
    assert len(httpserver.log) == 2
    assert main(["channels", "remove", "--user", "ann", "1"]) == 0
    assert store.query_records("SCHEDULE#08:00", "U#") == []  # no channel left: out of the schedule


def test_the_worker_loop_ticks_on_the_clock_time_machine_moves(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    store = SQLiteStore(tmp_path / "w.db")
    store.init()
    sealer = Sealer([new_key()])
    make_user(store, "ann")
    manage.add_channel(store, sealer, "ann", f"json://127.0.0.1:{httpserver.port}/hook", allow_private=True,
                       at=MORNING_AT)
    stop = threading.Event()
    seen: list[dict[str, object]] = []

    def on_tick(summary: dict[str, object]) -> None:
        seen.append(summary)
        stop.set()

    with time_machine.travel(MORNING_AT + dt.timedelta(seconds=20), tick=True):
        assert worker.run(store, sealer, allow_private=True, stop=stop, on_tick=on_tick) == 1
    assert seen[0]["sent"] == [{"user": "ann", "kind": "morning", "channels_ok": 1, "channels_failed": 0}]


def test_the_worker_runs_as_a_process_and_stops_on_sigterm(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    key = new_key()
    db = tmp_path / "p.db"
    store = SQLiteStore(db)
    store.init()
    now = clock.now()
    if now.minute % 5 == 4 and now.second > 30:  # too close to the next slot to start in this one
        wait_for(lambda: clock.now().minute % 5 == 0, 40)
        now = clock.now()
    local = schedule.floor_slot(now.time())
    make_user(store, "ann", until=now.date(), prefs=NudgePrefs(morning=local, evening=None, weekly=False, quiet=None))
    manage.add_channel(store, Sealer([key]), "ann", f"json://127.0.0.1:{httpserver.port}/hook", allow_private=True,
                       at=now)
    env = {**os.environ, "FINANCE_STORE": f"sqlite:///{db}", "FINANCE_ENCRYPTION_KEY": key, "FINANCE_ENV": "local"}
    proc = subprocess.Popen([sys.executable, "-m", "lib", "worker"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: len(httpserver.log) >= 1, 60), "the worker sent nothing"
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert len(httpserver.log) == 1
    summary = json.loads(out.strip().splitlines()[1])
    assert summary["sent"] == [{"user": "ann", "kind": "morning", "channels_ok": 1, "channels_failed": 0}]


def test_the_lambda_handler_ticks_the_scheduled_instant_once(env: dict[str, str], httpserver: HTTPServer) -> None:
    from lib.jobs import handler as jobs_handler

    httpserver.expect_request("/hook").respond_with_data("ok")
    store = SQLiteStore(env["FINANCE_STORE"].split("://", 1)[1])
    store.init()
    make_user(store, "ann")
    manage.add_channel(store, Sealer([env["FINANCE_ENCRYPTION_KEY"]]), "ann",
                       f"json://127.0.0.1:{httpserver.port}/hook", allow_private=True, at=MORNING_AT)
    jobs_handler._CACHE.clear()
    event = {"at": "2026-12-05T08:00:00Z"}  # what the schedule's Input sends (<aws.scheduler.scheduled-time>)
    first = jobs_handler.handler(event)
    retried = jobs_handler.handler(event)  # a retried invocation of the same schedule time
    jobs_handler._CACHE.clear()
    assert first["sent"] == [{"user": "ann", "kind": "morning", "channels_ok": 1, "channels_failed": 0}]
    assert retried["sent"] == [] and len(httpserver.log) == 1
