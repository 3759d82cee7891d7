"""Logout revocation ("sessions valid after") on every Store backend (SQLite, moto, dynalite)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from lib.core import clock
from lib.core.models import validate_transaction


def test_a_user_who_never_logged_out_has_no_revocation(store: Any) -> None:
    assert store.sessions_valid_after("alice") is None


def test_logout_time_round_trips_to_the_microsecond_and_a_later_logout_wins(store: Any) -> None:
    first = dt.datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=dt.UTC)
    store.end_sessions("alice", first)
    assert store.sessions_valid_after("alice") == first
    later = first + dt.timedelta(microseconds=1)
    store.end_sessions("alice", later)
    assert store.sessions_valid_after("alice") == later
    assert store.sessions_valid_after("bob") is None  # per user


def test_the_revocation_item_is_not_data(store: Any) -> None:
    """It never shows up as a transaction, a profile or in a dashboard window."""
    today = clock.today()
    store.add_transaction(validate_transaction("alice", today, "3.50", "Coffee", "Espresso"))
    store.end_sessions("alice", dt.datetime.now(dt.UTC))
    window = store.load_window("alice", today - dt.timedelta(days=30), today, "Alice")
    assert [t.description for t in window.transactions] == ["Espresso"]
    assert window.profile.display_name == "Alice"
    assert [t.description for t in store.list_transactions("alice", today, today)] == ["Espresso"]
    assert store.sessions_valid_after("alice") is not None
