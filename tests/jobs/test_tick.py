"""One tick with real parts: e-mail to aiosmtpd, ntfy and a JSON webhook to pytest-httpserver, SQLite store."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from lib.core.nudge_prefs import PAUSE_AFTER_FAILURES, NudgePrefs
from lib.jobs import manage
from lib.jobs.tick import tick
from lib.notify.channels import list_channels
from lib.store import schema_nudges
from tests.jobs.conftest import MORNING_AT, SUNDAY_EVENING, free_port, make_user


def _record(httpserver: HTTPServer) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []

    def handler(request: Request) -> Response:
        got.append({"path": request.path, "body": request.get_data(as_text=True)})
        return Response(json.dumps({"id": "x", "event": "message"}), status=200, content_type="application/json")

    httpserver.expect_request("/topic-alex").respond_with_handler(handler)
    httpserver.expect_request("/hook").respond_with_handler(handler)
    httpserver.expect_request("/").respond_with_handler(handler)
    return got


def test_morning_reaches_email_ntfy_and_json_once(store: Any, sealer: Any, smtp: Any, httpserver: HTTPServer) -> None:
    inbox, port = smtp
    got = _record(httpserver)
    make_user(store, "alex")
    for url in (f"mailto://127.0.0.1:{port}?to=alex@example.com&from=coach@example.com",
                f"ntfy://127.0.0.1:{httpserver.port}/topic-alex", f"json://127.0.0.1:{httpserver.port}/hook"):
        manage.add_channel(store, sealer, "alex", url, allow_private=True, at=MORNING_AT)

    report = tick(store, sealer, MORNING_AT, allow_private=True)

    assert report.to_dict()["due"] == 1
    assert report.sent == [{"user": "alex", "kind": "morning", "channels_ok": 3, "channels_failed": 0}]
    assert len(inbox.messages) == 1 and "Subject: Yesterday: within budget." in inbox.messages[0]["content"]
    assert "Streak: 20 days." in inbox.messages[0]["content"].replace("=\r\n", "")
    bodies = [g["body"] for g in got]
    assert len(bodies) == 2 and all("Streak: 20 days." in b for b in bodies)
    # The same instant again (a second worker, a retried Lambda): nothing more is sent.
    again = tick(store, sealer, MORNING_AT, allow_private=True)
    assert again.sent == [] and again.skipped == [{"user": "alex", "kind": "morning", "why": "already sent"}]
    assert len(inbox.messages) == 1 and len(got) == 2
    record = store.get_record(schema_nudges.delivery_key("alex", MORNING_AT.date(), "morning"))
    assert record["status"] == "sent" and int(record["channels_ok"]) == 3


def test_two_concurrent_ticks_send_once(store: Any, sealer: Any, httpserver: HTTPServer) -> None:
    got = _record(httpserver)
    for n in range(6):
        make_user(store, f"u{n}")
        manage.add_channel(store, sealer, f"u{n}", f"json://127.0.0.1:{httpserver.port}/hook", allow_private=True,
                           at=MORNING_AT)
    reports: list[Any] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        barrier.wait()
        reports.append(tick(store, sealer, MORNING_AT, allow_private=True))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(len(r.sent) for r in reports) == 6
    assert sum(len(r.skipped) for r in reports) == 6
    assert len(got) == 6


def test_a_channel_that_is_down_stops_nobody_and_pauses_after_five(store: Any, sealer: Any,
                                                                   httpserver: HTTPServer) -> None:
    got = _record(httpserver)
    dead = free_port()  # nothing listens there
    make_user(store, "down")
    make_user(store, "fine")
    manage.add_channel(store, sealer, "down", f"json://127.0.0.1:{dead}/hook", allow_private=True, at=MORNING_AT)
    manage.add_channel(store, sealer, "fine", f"json://127.0.0.1:{httpserver.port}/hook", allow_private=True,
                       at=MORNING_AT)
    for day in range(PAUSE_AFTER_FAILURES + 2):
        at = MORNING_AT + dt.timedelta(days=day)
        report = tick(store, sealer, at, allow_private=True)
        by_user = {s["user"]: s for s in report.sent}
        assert by_user["fine"]["channels_ok"] == 1
        if day < PAUSE_AFTER_FAILURES:
            assert by_user["down"]["channels_failed"] == 1  # one attempt per nudge: no retry storm
        else:
            assert "down" not in by_user
            assert {"user": "down", "kind": "morning", "why": "every channel is paused"} in report.skipped
    assert len(got) == PAUSE_AFTER_FAILURES + 2
    channel = list_channels(store, "down")[0]
    assert channel.paused and channel.failures == PAUSE_AFTER_FAILURES
    assert manage.paused_channels(store, "down") == [channel]
    # The dashboard's one window Query brings the notice; a test that works clears it.
    window = store.load_window("down", MORNING_AT.date(), MORNING_AT.date())
    assert window.paused_channels == (channel.masked,)
    assert store.load_window("fine", MORNING_AT.date(), MORNING_AT.date()).paused_channels == ()
    manage.remove_channel(store, "down", "1")
    assert store.load_window("down", MORNING_AT.date(), MORNING_AT.date()).paused_channels == ()


def test_hosted_refuses_private_addresses_when_saved_and_at_send_time(store: Any, sealer: Any,
                                                                      httpserver: HTTPServer) -> None:
    from lib.core.errors import ValidationError

    got = _record(httpserver)
    make_user(store, "alex")
    url = f"json://127.0.0.1:{httpserver.port}/hook"
    for bad in (url, "json://169.254.169.254/latest/meta-data", "ntfy://10.0.0.5/topic", "json://[::1]:80/x"):
        with pytest.raises(ValidationError):
            manage.add_channel(store, sealer, "alex", bad, allow_private=False, at=MORNING_AT)
    assert list_channels(store, "alex") == []
    # Saved while the name was public (here: on a laptop), sent from a hosted server: refused then too.
    manage.add_channel(store, sealer, "alex", url, allow_private=True, at=MORNING_AT)
    report = tick(store, sealer, MORNING_AT, allow_private=False)
    assert report.sent == [{"user": "alex", "kind": "morning", "channels_ok": 0, "channels_failed": 1}]
    assert got == []
    assert "private or internal address" in list_channels(store, "alex")[0].last_error


def test_evening_only_when_today_is_unknown_and_weekly_on_sunday(store: Any, sealer: Any,
                                                                 httpserver: HTTPServer) -> None:
    got = _record(httpserver)
    sunday = SUNDAY_EVENING.date()
    make_user(store, "quiet", until=sunday)  # nothing logged on Sunday
    make_user(store, "logged", until=sunday + dt.timedelta(days=1), days=5)  # Sunday has a purchase
    for user in ("quiet", "logged"):
        manage.add_channel(store, sealer, user, f"json://127.0.0.1:{httpserver.port}/hook", allow_private=True,
                           at=SUNDAY_EVENING)
    report = tick(store, sealer, SUNDAY_EVENING, allow_private=True)
    sent = {(s["user"], s["kind"]) for s in report.sent}
    assert sent == {("quiet", "evening"), ("quiet", "weekly"), ("logged", "weekly")}
    assert {"user": "logged", "kind": "evening", "why": "today is already logged"} in report.skipped
    assert any("check in before midnight" in g["body"] for g in got)


def test_quiet_hours_hold_a_nudge_back_and_hidden_amounts_leave_figures_out(store: Any, sealer: Any,
                                                                            httpserver: HTTPServer) -> None:
    got = _record(httpserver)
    late = NudgePrefs(morning="23:00", quiet=("22:00", "07:00"))
    make_user(store, "owl", prefs=late)
    make_user(store, "shy", prefs=NudgePrefs(hide_amounts=True))
    for user in ("owl", "shy"):
        manage.add_channel(store, sealer, user, f"json://127.0.0.1:{httpserver.port}/hook", allow_private=True,
                           at=MORNING_AT)
    owl = tick(store, sealer, MORNING_AT.replace(hour=23), allow_private=True)
    assert owl.sent == [] and owl.skipped == [{"user": "owl", "kind": "morning", "why": "quiet hours (22:00-07:00)"}]
    shy = tick(store, sealer, MORNING_AT, allow_private=True)
    assert [s["user"] for s in shy.sent] == ["shy"]
    assert len(got) == 1 and "9.50" not in got[0]["body"] and "15.00" not in got[0]["body"]


def test_a_zone_change_moves_the_schedule(store: Any, sealer: Any, httpserver: HTTPServer) -> None:
    _record(httpserver)
    profile = make_user(store, "mover", zone="UTC")
    manage.add_channel(store, sealer, "mover", f"json://127.0.0.1:{httpserver.port}/hook", allow_private=True,
                       at=MORNING_AT)
    manage.save_profile(store, dataclasses.replace(store.get_profile("mover"), timezone="Australia/Sydney"))
    assert tick(store, sealer, MORNING_AT, allow_private=True).due == 0
    sydney_morning = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=11)))
    report = tick(store, sealer, sydney_morning, allow_private=True)
    assert [(s["user"], s["kind"]) for s in report.sent] == [("mover", "morning")]
    assert profile.version >= 1


def test_the_pre_morning_step_runs_before_the_standing_is_read(store: Any, sealer: Any,
                                                               httpserver: HTTPServer) -> None:
    _record(httpserver)
    make_user(store, "alex")
    manage.add_channel(store, sealer, "alex", f"json://127.0.0.1:{httpserver.port}/hook", allow_private=True,
                       at=MORNING_AT)
    calls: list[tuple[str, dt.datetime]] = []
    tick(store, sealer, MORNING_AT, allow_private=True, before_morning=lambda s, u, now: calls.append((u, now)))
    assert calls == [("alex", MORNING_AT)]


def test_a_deleted_user_leaves_no_schedule_behind_after_one_tick(store: Any, sealer: Any,
                                                                 httpserver: HTTPServer) -> None:
    got = _record(httpserver)
    make_user(store, "gone")
    manage.add_channel(store, sealer, "gone", f"json://127.0.0.1:{httpserver.port}/hook", allow_private=True,
                       at=MORNING_AT)
    store.delete_user("gone")  # removes the user's partition; their slot items live in other partitions
    report = tick(store, sealer, MORNING_AT, allow_private=True)
    assert report.skipped == [{"user": "gone", "kind": "am", "why": "no channel"}] and got == []
    assert store.query_records("SCHEDULE#08:00", "U#") == []
    assert tick(store, sealer, MORNING_AT + dt.timedelta(days=1), allow_private=True).due == 0


def test_the_bank_sync_runs_before_the_morning_nudge_and_a_failing_bank_never_stops_it(
        store: Any, sealer: Any, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from lib.config import Settings
    from lib.core.errors import StoreUnavailableError
    from lib.jobs.tick import bank_sync
    from lib.sync import service as sync_service

    got = _record(httpserver)
    make_user(store, "alex")
    manage.add_channel(store, sealer, "alex", f"json://127.0.0.1:{httpserver.port}/hook", allow_private=True,
                       at=MORNING_AT)
    synced: list[str] = []

    def bank_down(store: Any, user_id: str, now: dt.datetime, settings: Any = None) -> None:
        synced.append(user_id)
        raise StoreUnavailableError("the bridge timed out")

    monkeypatch.setattr(sync_service, "before_morning", bank_down)
    report = tick(store, sealer, MORNING_AT, allow_private=True, before_morning=bank_sync(Settings()))
    assert synced == ["alex"]
    assert report.sent == [{"user": "alex", "kind": "morning", "channels_ok": 1, "channels_failed": 0}]
    assert len(got) == 1
