"""Bank feed items and rows behave the same on SQLite, moto and dynalite (issue 20)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from lib.core.bank import OK, AccountState, BankTransaction, Connection, SyncReport
from lib.core.errors import ConflictError
from lib.store.bank_items import (
    bank_account_to_item,
    bank_connection_to_item,
    item_to_bank_account,
    item_to_bank_connection,
)
from lib.store.schema_bank import bank_account_prefix, bank_connection_key
from lib.sync.base import SyncError
from lib.sync.quota import DailyQuota
from lib.sync.rows import apply_rows

DAY = dt.date(2026, 12, 3)
NOW = dt.datetime(2026, 12, 4, 7, tzinfo=dt.UTC)


def test_the_connection_is_versioned_and_never_read_by_the_window(store: Any) -> None:
    conn = Connection("ann", "simplefin", "fernet:abc", state=OK, connected_at="2026-12-04T07:00:00+00:00", version=1)
    store.put_record(bank_connection_to_item(conn), expected_version=0)
    with pytest.raises(ConflictError):
        store.put_record(bank_connection_to_item(conn), expected_version=0)
    assert item_to_bank_connection(store.get_record(bank_connection_key("ann"))) == conn
    store.put_record(bank_account_to_item(AccountState("ann", "ACT-1", "Checking", "Bank", "USD", True,
                                                       balance=Decimal("10.50"), version=1)))
    store.put_record(bank_account_to_item(AccountState("ann", "ACT-2", "Card", "Bank", "USD", False, version=1)))
    accounts = [item_to_bank_account(i) for i in store.query_records("ann", bank_account_prefix())]
    assert sorted((a.name, a.spending, a.balance) for a in accounts if a) == [
        ("Card", False, None), ("Checking", True, Decimal("10.50"))]
    window = store.load_window("ann", DAY - dt.timedelta(days=30), DAY + dt.timedelta(days=1))
    assert window.transactions == [] and window.profile.version == 0


def test_the_daily_counter_stops_at_the_limit(store: Any) -> None:
    quota = DailyQuota(store, "ann", NOW, limit=3)
    for _ in range(3):
        quota.take()
    with pytest.raises(SyncError):
        DailyQuota(store, "ann", NOW, limit=3).take()
    DailyQuota(store, "ann", NOW + dt.timedelta(days=1), limit=3).take()  # a new day starts again
    assert DailyQuota(store, "ann", NOW + dt.timedelta(days=1)).used() == 1


def _rows(pending: bool) -> list[BankTransaction]:
    return [BankTransaction("ACT-1", "t1", DAY, Decimal("-12.30"), "COFFEE", pending=pending),
            BankTransaction("ACT-1", "t2", DAY, Decimal("-1.00"), "GUM", pending=True)]


def test_rows_written_twice_are_written_once_and_pending_settles(store: Any) -> None:
    first, again = SyncReport(), SyncReport()
    apply_rows(store, "ann", _rows(True), {"ACT-1": "USD"}, {"ACT-1"}, DAY, DAY, first)
    apply_rows(store, "ann", _rows(True), {"ACT-1": "USD"}, {"ACT-1"}, DAY, DAY, again)
    assert (first.added, again.added, again.updated) == (2, 0, 0)
    booked = SyncReport()
    apply_rows(store, "ann", _rows(False)[:1], {"ACT-1": "USD"}, {"ACT-1"}, DAY, DAY, booked)
    rows = store.list_transactions("ann", DAY, DAY)
    assert [(t.amount, t.pending, t.source, t.currency) for t in rows] == [(Decimal("12.30"), False, "bank", "USD")]
    assert (booked.updated, booked.removed) == (1, 1)


def test_the_bank_note_is_read_with_the_window_in_the_same_query(store: Any) -> None:
    from lib.core.bank import BankNote
    from lib.store.schema_bank import bank_note_to_item

    store.put_record(bank_note_to_item("ann", BankNote("needs_attention", "Failed", attention=("Card",))))
    store.meter.reset()
    window = store.load_window("ann", DAY - dt.timedelta(days=30), DAY + dt.timedelta(days=400))
    assert window.bank == BankNote("needs_attention", "Failed", attention=("Card",))
    assert store.meter.for_user("ann").requests == 1
    assert store.load_window("bob", DAY, DAY + dt.timedelta(days=400)).bank is None
