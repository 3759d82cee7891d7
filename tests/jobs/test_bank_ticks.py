"""The jobs tick's bank syncs over a simulated day, against the SimpleFIN stand-in on 127.0.0.1 (SQLite store).

Ticks every 5 minutes for 24 hours (the instant is the tick's `at`, never the wall clock): each connected
user is synced at the slots of their index (about 4 a day) and just before their morning nudge, within
the 24-requests-a-day cap; two ticks at once sync once; a 403 takes the user out of the ticks.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from lib.config import Settings
from lib.core.bank import REVOKED, sync_slots
from lib.core.models import Profile
from lib.jobs import manage
from lib.jobs.banksync import regular_syncs
from lib.jobs.tick import bank_sync, tick
from lib.store.bank_items import bank_connection_to_item, item_to_bank_connection
from lib.store.schema_bank import bank_connection_key, bank_note_key
from lib.store.sealed import new_key
from lib.sync import index, service
from lib.sync.quota import DailyQuota
from tests.jobs.conftest import make_user
from tests.sync.standin import Bridge, Running, account, row

DAY = dt.date(2026, 12, 5)
MIDNIGHT = dt.datetime(2026, 12, 5, 0, 0, tzinfo=dt.UTC)
MORNING = dt.time(8, 0)


@pytest.fixture
def settings() -> Settings:
    return Settings(env="local", bank_allow_loopback=True, encryption_keys=(new_key(),))


@pytest.fixture
def bridge() -> Iterator[Bridge]:
    running = Running(Bridge(codes={f"code-{n}" for n in range(8)}))
    running.bridge.accounts = [
        account("ACT-1", "Everyday Checking", [row(f"c{n}", DAY - dt.timedelta(days=n), "-12.25", f"GROCER {n}")
                                               for n in range(1, 80)]),
        account("ACT-2", "Rewards Visa Card", [row("v1", DAY - dt.timedelta(days=1), "-8.50", "BOOKSHOP",
                                                   pending=True)]),
        account("ACT-3", "High Yield Savings", [row("s1", DAY - dt.timedelta(days=3), "-500.00", "TRANSFER")])]
    yield running.bridge
    running.close()


def _hook(httpserver: HTTPServer) -> list[str]:
    got: list[str] = []

    def handler(request: Request) -> Response:
        got.append(request.get_data(as_text=True))
        return Response("{}", status=200, content_type="application/json")

    httpserver.expect_request("/hook").respond_with_handler(handler)
    return got


def _connect(store: Any, settings: Settings, bridge: Bridge, user: str, n: int, at: dt.datetime) -> None:
    if store.get_profile(user).version == 0:
        store.save_profile(Profile(user_id=user, display_name=user, timezone="UTC"))
    service.connect(store, settings, user, bridge.token(f"code-{n}"), at)


def _day_of_ticks(store: Any, sealer: Any, settings: Settings, start: dt.datetime = MIDNIGHT,
                  hours: int = 24) -> list[tuple[dt.datetime, Any]]:
    out = []
    for step in range(hours * 12):
        at = start + dt.timedelta(minutes=5 * step)
        out.append((at, tick(store, sealer, at, allow_private=True, before_morning=bank_sync(settings),
                             syncs=regular_syncs(settings))))
    return out


def _sync_times(store: Any, user: str, reports: list[tuple[dt.datetime, Any]]) -> list[str]:
    """When the user was synced (a regular slot, or the morning hook: its attempt moves last_sync_at)."""
    return [f"{at:%H:%M}" for at, r in reports if any(s["user"] == user and s["outcome"] == "synced"
                                                         for s in r.synced)]


def _expected(user: str, morning: bool) -> list[str]:
    """The rule written out: the 4 slots; a morning sync unless one ran within the hour; a slot within 3 h of
    the previous sync skipped."""
    times = sorted([*sync_slots(user), *(["08:00"] if morning else [])])
    done: list[str] = []
    for t in times:
        minutes = int(t[:2]) * 60 + int(t[3:])
        last = int(done[-1][:2]) * 60 + int(done[-1][3:]) if done else -10_000
        if minutes - last >= (60 if t == "08:00" and morning else 180):
            done.append(t)
    return done


def test_a_day_of_ticks_syncs_each_user_4_times_and_before_the_morning_nudge(
        store: Any, sealer: Any, settings: Settings, bridge: Bridge, httpserver: HTTPServer) -> None:
    got = _hook(httpserver)
    make_user(store, "ann", until=DAY, days=0)  # a morning nudge at 08:00 UTC, no rows but the bank's
    manage.add_channel(store, sealer, "ann", f"json://127.0.0.1:{httpserver.port}/hook", allow_private=True,
                       at=MIDNIGHT)
    for n, user in enumerate(("ann", "bob", "cy")):
        _connect(store, settings, bridge, user, n, MIDNIGHT - dt.timedelta(hours=1))
    bridge.requests.clear()
    # Half way through the day the card books a new purchase: the next sync brings it, once.
    reports = _day_of_ticks(store, sealer, settings, hours=12)
    bridge.accounts[1]["transactions"].append(row("v2", DAY, "-4.20", "BAKERY"))
    reports += _day_of_ticks(store, sealer, settings, start=MIDNIGHT + dt.timedelta(hours=12), hours=12)

    regular = {u: _sync_times(store, u, reports) for u in ("ann", "bob", "cy")}
    for user in ("bob", "cy"):
        assert regular[user] == list(sync_slots(user))  # 4 a day, at their own slots
    # ann's morning sync ran inside the 08:00 tick (the hook, not a slot): her slots around it give way.
    ann_syncs = sorted([*regular["ann"], "08:00"])
    assert ann_syncs == _expected("ann", morning=True)
    # Every request was counted before it was sent, and nobody came near the cap.
    used = {u: DailyQuota(store, u, MIDNIGHT).used() for u in ("ann", "bob", "cy")}
    assert sum(used.values()) == len(bridge.gets())
    for user in ("ann", "bob", "cy"):
        syncs = len(ann_syncs) if user == "ann" else 4
        assert used[user] == syncs + 1 <= 24  # the first sync reads 90 days in 2 chunks, the others 1 each
    # The morning message went out once, after the sync; no bank line (the feed is fine).
    assert len(got) == 1 and "bank" not in json.loads(got[0])["message"].lower()
    # Rows: the bridge's spending rows, once each (checking 79, card: the pending one and the bakery).
    for user in ("ann", "bob", "cy"):
        rows = store.list_transactions(user, DAY - dt.timedelta(days=90), DAY)
        assert len(rows) == 81 and Counter(t.description for t in rows)["BAKERY"] == 1
    # Each tick read one index partition; a tick whose slot holds nobody reports no sync at all.
    assert sum(1 for _, r in reports if r.synced) == len({s for u in ("ann", "bob", "cy") for s in sync_slots(u)})


def test_two_ticks_at_once_sync_once(store: Any, sealer: Any, settings: Settings, bridge: Bridge) -> None:
    _connect(store, settings, bridge, "bob", 0, MIDNIGHT)
    at = dt.datetime.combine(DAY, dt.time.fromisoformat(sync_slots("bob")[0]), tzinfo=dt.UTC)
    bridge.requests.clear()
    barrier, both_read = threading.Barrier(2), threading.Barrier(2)
    reports: list[Any] = []
    real_get = store.get_record
    waited: set[int] = set()

    def get_record(key: dict[str, str], **kw: Any) -> Any:
        item = real_get(key, **kw)
        if key == bank_connection_key("bob") and threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            both_read.wait(10)  # the worst interleaving: both ticks have read the connection before either claims
        return item

    store.get_record = get_record

    def run() -> None:
        barrier.wait()
        reports.append(tick(store, sealer, at, allow_private=True, syncs=regular_syncs(settings)))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    outcomes = sorted(s["outcome"] for r in reports for s in r.synced)
    assert outcomes == [service.SYNCED, service.TAKEN]
    assert outcomes.count("synced") == 1 and len(outcomes) == 2
    assert len(bridge.gets()) == 2 == DailyQuota(store, "bob", at).used() - 2  # one 90-day sync (+ the claim and list)
    assert len(store.list_transactions("bob", DAY - dt.timedelta(days=90), DAY)) == 80


def test_the_cap_holds_when_the_day_started_with_22_requests_spent(store: Any, sealer: Any, settings: Settings,
                                                                   bridge: Bridge) -> None:
    _connect(store, settings, bridge, "bob", 0, MIDNIGHT - dt.timedelta(hours=1))
    quota = DailyQuota(store, "bob", MIDNIGHT)
    for _ in range(22):  # Sync now, pressed all night
        quota.take()
    bridge.requests.clear()
    reports = _day_of_ticks(store, sealer, settings)
    states = [s.get("state") for _, r in reports for s in r.synced if s["outcome"] == "synced"]
    assert states == ["ok", "quota", "quota", "quota"]  # the first sync takes the last 2; the rest wait
    assert DailyQuota(store, "bob", MIDNIGHT).used() == 24 and len(bridge.gets()) == 2


def test_a_403_takes_the_user_out_of_the_ticks(store: Any, sealer: Any, settings: Settings, bridge: Bridge) -> None:
    _connect(store, settings, bridge, "bob", 0, MIDNIGHT - dt.timedelta(hours=1))
    first, second, *_ = (dt.datetime.combine(DAY, dt.time.fromisoformat(s), tzinfo=dt.UTC) for s in sync_slots("bob"))
    assert tick(store, sealer, first, allow_private=True, syncs=regular_syncs(settings)).synced[0]["state"] == "ok"
    bridge.status = 403
    report = tick(store, sealer, second, allow_private=True, syncs=regular_syncs(settings))
    assert report.synced == [{"user": "bob", "outcome": "synced", "state": REVOKED, "added": 0, "requests": 1}]
    assert all(index.users_in_slot(store, s) == [] for s in sync_slots("bob"))
    bridge.requests.clear()
    reports = _day_of_ticks(store, sealer, settings, start=second + dt.timedelta(minutes=5), hours=24)
    assert bridge.requests == [] and not any(r.synced for _, r in reports)
    assert "revoked" in service.bank_notices(store, "bob", second)[0][1]


def test_a_connection_made_before_the_index_joins_the_ticks_after_its_next_sync(
        store: Any, sealer: Any, settings: Settings, bridge: Bridge) -> None:
    _connect(store, settings, bridge, "old", 0, MIDNIGHT - dt.timedelta(hours=1))
    # As a connection made before this change looks: no slots listed, no index items.
    conn = item_to_bank_connection(store.get_record(bank_connection_key("old")))
    assert conn is not None
    index.drop(store, "old")
    store.put_record(bank_connection_to_item(dataclasses.replace(conn, sync_slots=())))
    assert not any(r.synced for _, r in _day_of_ticks(store, sealer, settings, hours=24))
    # Its next sync of any kind (Sync now, `bank sync`, the morning hook) or the Settings page indexes it.
    service.sync_user(store, settings, "old", MIDNIGHT + dt.timedelta(days=1))
    reports = _day_of_ticks(store, sealer, settings, start=MIDNIGHT + dt.timedelta(days=1, hours=3), hours=24)
    assert len(_sync_times(store, "old", reports)) == 4


def _morning_for(store: Any, sealer: Any, settings: Settings,
                 httpserver: HTTPServer) -> tuple[list[str], list[dict[str, str]]]:
    """A user with a morning nudge to a local JSON endpoint; the tick at 08:00 with the morning hook."""
    got = _hook(httpserver)
    read: list[dict[str, str]] = []
    real_get = store.get_record

    def get_record(key: dict[str, str], **kw: Any) -> Any:
        read.append(key)
        return real_get(key, **kw)

    store.get_record = get_record
    at = dt.datetime.combine(DAY, MORNING, tzinfo=dt.UTC)
    tick(store, sealer, at, allow_private=True, before_morning=bank_sync(settings))
    return [json.loads(g)["message"] for g in got], read


def test_the_morning_nudge_says_the_bank_needs_attention(store: Any, sealer: Any, settings: Settings,
                                                        bridge: Bridge, httpserver: HTTPServer) -> None:
    make_user(store, "ann", tone="polite")
    manage.add_channel(store, sealer, "ann", f"json://127.0.0.1:{httpserver.port}/hook", allow_private=True,
                       at=MIDNIGHT)
    _connect(store, settings, bridge, "ann", 0, MIDNIGHT - dt.timedelta(hours=2))
    bridge.errlist = [{"code": "act.failed", "msg": "Failed to get transactions.", "account_id": "ACT-2"}]
    bodies, read = _morning_for(store, sealer, settings, httpserver)
    assert len(bodies) == 1 and bodies[0].startswith("Good morning Alex.")
    assert bodies[0].endswith("Your bank needs attention: please sign in at the bridge to fix the link.")
    # The bank's note came with the window's one Query: the nudge read no item of its own for it.
    assert bank_note_key("ann") not in read


def test_the_morning_nudge_says_the_bank_is_stale_since_the_last_good_sync(
        store: Any, sealer: Any, settings: Settings, bridge: Bridge, httpserver: HTTPServer) -> None:
    make_user(store, "ann", tone="brutal")
    manage.add_channel(store, sealer, "ann", f"json://127.0.0.1:{httpserver.port}/hook", allow_private=True,
                       at=MIDNIGHT)
    three_days_ago = MIDNIGHT - dt.timedelta(days=3) + dt.timedelta(hours=8)
    _connect(store, settings, bridge, "ann", 0, three_days_ago)
    assert service.sync_user(store, settings, "ann", three_days_ago).state == "ok"
    bridge.status = 500  # the bridge has been down since
    bodies, _ = _morning_for(store, sealer, settings, httpserver)
    assert len(bodies) == 1 and bodies[0].endswith(
        "Bank data stale since 2026-12-02: I may be judging half your spending.")
    assert service.status(store, "ann", MIDNIGHT + dt.timedelta(hours=8))["state"] == "unavailable"
