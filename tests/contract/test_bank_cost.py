"""What one bank sync costs the store (DynamoDB on moto and dynalite): 3 accounts x 90 days, then a later sync.

The figures in /work/notes/issue-20.md come from this test (`-s` prints them); it asserts the counts
that must not grow: one Query for the rows, one conditional write per new row, no Scan.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from lib.config import Settings
from lib.core.cost import DDB_READ_USD_PER_MILLION, DDB_WRITE_USD_PER_MILLION
from lib.store.sealed import new_key
from lib.sync import service
from tests.sync.standin import Bridge, Running, account, row

NOW = dt.datetime(2026, 12, 4, 6, 30, tzinfo=dt.UTC)


def _history(today: dt.date) -> list[dict[str, Any]]:
    """Checking: one purchase a day; card: two a day (the newest pending); savings: a transfer every 10 days."""
    checking = [row(f"c{n}", today - dt.timedelta(days=n), f"-{10 + n % 7}.25", f"GROCER {n % 5}") for n in range(90)]
    card = [row(f"v{n}-{k}", today - dt.timedelta(days=n), f"-{3 + k}.{n % 90:02d}", f"CAFE {n % 11}",
                pending=n == k == 0) for n in range(90) for k in range(2)]
    savings = [row(f"s{n}", today - dt.timedelta(days=n), "-100.00", "TRANSFER") for n in range(0, 90, 10)]
    return [account("ACT-1", "Everyday Checking", checking), account("ACT-2", "Rewards Visa Card", card),
            account("ACT-3", "High Yield Savings", savings)]


@pytest.fixture
def bridge():
    running = Running(Bridge())
    running.bridge.accounts = _history(NOW.date())
    yield running.bridge
    running.close()


def _usage(store: Any, user: str, before: Any) -> dict[str, float]:
    used = store.meter.for_user(user).minus(before)
    return {"requests": used.requests, "reads": used.reads, "writes": used.writes,
            "read_units": round(used.read_units, 1), "write_units": round(used.write_units, 1)}


def test_one_sync_of_3_accounts_over_90_days(dynamo_store: Any, bridge: Bridge, tmp_path: Path) -> None:
    settings = Settings(env="local", bank_allow_loopback=True, encryption_keys=(new_key(),))
    service.connect(dynamo_store, settings, "ann", bridge.token(), NOW)
    before = dynamo_store.meter.for_user("ann")
    first = service.sync_user(dynamo_store, settings, "ann", NOW)
    first_cost = _usage(dynamo_store, "ann", before)
    assert (first.added, first.pending, first.requests) == (270, 1, 2)
    # A conditional put per row; a row in an earlier month also tries to drop the streak summary
    # (the store's add_transaction), plus the counter, the account states, the connection and the note.
    assert first_cost["writes"] <= 2 * first.added + 12

    # Six hours later: three new rows (one card purchase settles under a new id).
    later = NOW + dt.timedelta(hours=6)
    bridge.accounts[0]["transactions"].append(row("c-new", later.date(), "-4.00", "BAKERY"))
    card = bridge.accounts[1]["transactions"]
    card[:] = [r for r in card if not r.get("pending")] + [row("v0-booked", later.date(), "-3.00", "CAFE 0"),
                                                            row("v-new", later.date(), "-9.99", "BOOKS")]
    before = dynamo_store.meter.for_user("ann")
    again = service.sync_user(dynamo_store, settings, "ann", later)
    again_cost = _usage(dynamo_store, "ann", before)
    assert (again.added, again.removed, again.requests) == (3, 1, 1)
    # Reads: the connection, the profile (zone), the counter, the account states, the rows (one Query) and,
    # as there are new rows, the category rules. Writes: no account-state rewrites the same day; the
    # counter, the connection, the note, the known-day mark and one bump of the data version (the whole sync
    # is one change for other processes) besides the rows themselves.
    assert again_cost["reads"] <= 6 and again_cost["writes"] <= again.added + again.removed + 5

    # Six hours more and nothing new: what most of the day's syncs cost.
    before = dynamo_store.meter.for_user("ann")
    quiet = service.sync_user(dynamo_store, settings, "ann", later + dt.timedelta(hours=6))
    quiet_cost = _usage(dynamo_store, "ann", before)
    assert (quiet.added, quiet.updated, quiet.removed) == (0, 0, 0)
    # The note's "last synced" moves, so other processes are told (one bump of the data version).
    assert quiet_cost["reads"] <= 5 and quiet_cost["writes"] <= 4 + 1

    syncs_a_month = 4 * 30
    month_usd = syncs_a_month * (again_cost["read_units"] * DDB_READ_USD_PER_MILLION
                                 + again_cost["write_units"] * DDB_WRITE_USD_PER_MILLION) / 1e6
    print(json.dumps({"first_sync": {**first.as_json(), "store": first_cost},
                      "later_sync": {**again.as_json(), "store": again_cost},
                      "quiet_sync": {**quiet.as_json(), "store": quiet_cost},
                      "usd_per_user_month_4_syncs_a_day": month_usd}, indent=1))


def _total(store: Any, before: Any) -> dict[str, float]:
    used = store.meter.total().minus(before)
    return {"requests": used.requests, "reads": used.reads, "writes": used.writes,
            "read_units": round(used.read_units, 1), "write_units": round(used.write_units, 1)}


def test_a_day_of_regular_syncs_through_the_tick(dynamo_store: Any, bridge: Bridge) -> None:
    """What the jobs tick's 4 regular syncs of one user cost in a day (the first reads 90 days): every request
    of the store counted, the slot's index Query and the claim of each sync included."""
    from lib.core.bank import sync_slots
    from lib.jobs.banksync import regular_syncs

    settings = Settings(env="local", bank_allow_loopback=True, encryption_keys=(new_key(),))
    before = dynamo_store.meter.total()
    service.connect(dynamo_store, settings, "ann", bridge.token(), NOW - dt.timedelta(hours=7))
    connect_cost = _total(dynamo_store, before)
    step = regular_syncs(settings)
    day = NOW.date()
    costs, reports = [], []
    for n, slot in enumerate(sync_slots("ann")):
        at = dt.datetime.combine(day, dt.time.fromisoformat(slot), tzinfo=dt.UTC)
        if n == 2:  # mid-day the card books a purchase
            bridge.accounts[1]["transactions"].append(row("v-mid", day, "-6.10", "LUNCH"))
        before = dynamo_store.meter.total()
        [done] = step(dynamo_store, at)
        costs.append(_total(dynamo_store, before))
        reports.append(done)
    assert [r["outcome"] for r in reports] == ["synced"] * 4
    assert [r["requests"] for r in reports] == [2, 1, 1, 1] and [r["added"] for r in reports] == [270, 0, 1, 0]
    # A later regular sync: the index Query, the connection read, its claim, then the sync itself.
    assert all(c["reads"] <= 7 and c["writes"] <= 8 for c in costs[1:])
    before = dynamo_store.meter.total()
    assert step(dynamo_store, NOW.replace(hour=0, minute=0) + dt.timedelta(minutes=2)) == []  # nobody at 00:00
    empty_tick = _total(dynamo_store, before)
    later = costs[1:]
    day_ru = sum(c["read_units"] for c in later) * 4 / 3  # a day of later syncs: 4 like the 3 measured
    day_wu = sum(c["write_units"] for c in later) * 4 / 3
    month_usd = 30 * (day_ru * DDB_READ_USD_PER_MILLION + day_wu * DDB_WRITE_USD_PER_MILLION) / 1e6
    syncs = [{**r, "store": c} for r, c in zip(reports, costs, strict=True)]
    print(json.dumps({"connect": connect_cost, "tick_syncs": syncs,
                      "empty_slot_tick": empty_tick, "usd_per_user_month_4_regular_syncs": month_usd}, indent=1))
