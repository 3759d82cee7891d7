"""A window that ends on a user's today is their current one on every backend, whatever the server's day is."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from lib.core.models import Profile, Transaction

LA_01_UTC = dt.datetime(2026, 12, 5, 1, 0, tzinfo=dt.UTC)  # the 4th in Los Angeles, the 5th on a UTC server


@pytest.fixture(autouse=True)
def _real_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FINANCE_TODAY", raising=False)


def test_a_window_ending_on_a_los_angeles_today_carries_the_check_in_and_streak_state(store: Any) -> None:
    from lib.core.standing import load_standing

    store.save_profile(Profile("la", "LA", timezone="America/Los_Angeles"))
    store.put_transactions([Transaction("la", dt.date(2026, 11, d), Decimal("1.00")) for d in (27, 28)])
    with time_machine.travel(LA_01_UTC, tick=True):
        load_standing(store, "la", dt.date(2026, 12, 4))  # builds the streak state (upto 1 December)
        store.mark_known("la", dt.date(2026, 12, 4))
        window = store.load_window("la", dt.date(2026, 11, 1), dt.date(2026, 12, 4))
    assert window.checkin == dt.date(2026, 12, 4), "the check-in sorts after every date: read with a current window"
    assert window.streak_state is not None and window.streak_state.upto == dt.date(2026, 12, 1)


def test_a_write_before_a_sydney_month_start_drops_the_streak_state_on_a_server_still_in_the_old_month(
        store: Any) -> None:
    from lib.core.standing import load_standing

    store.save_profile(Profile("syd", "Syd", timezone="Australia/Sydney"))
    store.put_transactions([Transaction("syd", dt.date(2026, 11, d), Decimal("1.00")) for d in (27, 28)])
    # 30 November 22:00 UTC: 1 December in Sydney, so the state summarises every day up to 30 November.
    with time_machine.travel(dt.datetime(2026, 11, 30, 22, 0, tzinfo=dt.UTC), tick=True):
        load_standing(store, "syd", dt.date(2026, 12, 1))
        assert store.load_window("syd", dt.date(2026, 11, 1), dt.date(2026, 12, 1)).streak_state is not None
        store.add_transaction(Transaction("syd", dt.date(2026, 11, 30), Decimal("99.00")))
        window = store.load_window("syd", dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    assert window.streak_state is None, "30 November changed: the summary of it is stale and must go"
