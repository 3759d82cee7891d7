"""Import batches, remembered mappings, category rules and bulk deletes behave the same on every backend."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from lib.core import clock
from lib.core.models import validate_transaction
from lib.core.types import CategoryRule, ImportBatch, SavedMapping


def _batch(batch_id: str, when: str, **changes: Any) -> ImportBatch:
    base = ImportBatch("ann", batch_id, "nov.csv", when, "csv", {"sign": "bank", "date_format": ""}, "m1",
                       rows_in_file=5, rows_added=4, duplicates=0, rejected=1,
                       covered_from=dt.date(2026, 11, 2), covered_through=dt.date(2026, 11, 28))
    return replace(base, **changes)


def test_import_batches_round_trip_newest_first_and_stay_per_user(store: Any) -> None:
    store.put_import_batch(_batch("aaa", "2026-12-01T10:00:00"))
    store.put_import_batch(_batch("bbb", "2026-12-02T10:00:00", file_name="dec.ofx", file_format="ofx"))
    store.put_import_batch(replace(_batch("ccc", "2026-12-03T10:00:00"), user_id="bob"))
    assert [b.batch_id for b in store.list_import_batches("ann")] == ["bbb", "aaa"]
    got = store.get_import_batch("ann", "aaa")
    assert got == replace(_batch("aaa", "2026-12-01T10:00:00"), settings={"sign": "bank"})
    assert got.covered_through == dt.date(2026, 11, 28)
    assert store.get_import_batch("ann", "ccc") is None
    store.delete_import_batch("ann", "aaa")
    assert [b.batch_id for b in store.list_import_batches("ann")] == ["bbb"]


def test_batch_records_are_not_transactions_and_do_not_enter_the_window(store: Any) -> None:
    store.add_transaction(validate_transaction("ann", dt.date(2026, 11, 5), "3.00", "Coffee", "c"))
    store.put_import_batch(_batch("aaa", "2026-12-01T10:00:00"))
    store.put_mapping(SavedMapping("ann", "sig", {"date": "Datum"}, {"sign": "bank"}, "2026-12-01"))
    store.put_category_rule(CategoryRule("ann", "cb carrefour", "Groceries", "CB CARREFOUR", "2026-12-01"))
    window = store.load_window("ann", dt.date(2026, 11, 1), clock.today())
    assert [t.description for t in window.transactions] == ["c"]
    assert window.profile.user_id == "ann"


def test_the_window_read_does_not_grow_with_imports_mappings_and_rules(store: Any) -> None:
    """A year of monthly imports and a rule per merchant must not make every dashboard load dearer."""
    store.add_transaction(validate_transaction("ann", dt.date(2026, 11, 5), "3.00", "Coffee", "c"))
    start = dt.date(2026, 11, 1)

    def read_units() -> tuple[int, float]:
        before = store.meter.for_user("ann")
        store.load_window("ann", start, clock.today())
        after = store.meter.for_user("ann")
        return after.requests - before.requests, after.read_units - before.read_units

    bare = read_units()
    for month in range(1, 13):
        store.put_import_batch(_batch(f"batch{month:02d}", f"2026-{month:02d}-01T10:00:00", file_name="x" * 100))
        store.put_mapping(SavedMapping("ann", f"sig{month}", {"date": "Datum" * 20}, {"sign": "bank"}, "2026-12-01"))
    for i in range(120):
        store.put_category_rule(CategoryRule("ann", f"merchant {i} " + "m" * 60, "Groceries", "M" * 60, "2026-12-01"))
    assert read_units() == bare


def test_mappings_and_rules_round_trip(store: Any) -> None:
    mapping = SavedMapping("ann", "abc123", {"date": "Buchungstag", "amount": "Betrag"},
                           {"sign": "bank", "decimal": ","}, "2026-12-01T10:00:00")
    store.put_mapping(mapping)
    assert store.get_mapping("ann", "abc123") == mapping
    assert store.get_mapping("bob", "abc123") is None
    store.put_category_rule(CategoryRule("ann", "cb carrefour", "Groceries", "CB CARREFOUR 01/11", "t"))
    store.put_category_rule(CategoryRule("ann", "kiosk", "Snacks", "KIOSK", "t"))
    store.put_category_rule(CategoryRule("ann", "kiosk", "Treats", "KIOSK", "t"))  # replaced, not added
    assert sorted((r.merchant, r.category) for r in store.list_category_rules("ann")) == [
        ("cb carrefour", "Groceries"), ("kiosk", "Treats")]
    store.delete_category_rule("ann", "kiosk")
    assert [r.merchant for r in store.list_category_rules("ann")] == ["cb carrefour"]
    assert store.list_category_rules("bob") == []


def test_delete_transactions_removes_exactly_the_given_keys_in_batches(store: Any) -> None:
    txns = [validate_transaction("ann", dt.date(2026, 11, 1 + i % 28), f"{i + 1}.00", "Other", f"t{i}")
            for i in range(60)]
    store.put_transactions(txns)
    store.add_transaction(validate_transaction("bob", dt.date(2026, 11, 1), "1.00", "Other", "bob's"))
    gone = [t.sort_key for t in txns[:55]]
    before = store.meter.for_user("ann")
    # A profile key is never deleted by this call, whatever is passed.
    assert store.delete_transactions("ann", [*gone, gone[0], "PROFILE#ann"]) == 55
    assert store.meter.for_user("ann").minus(before).writes == 3 + 1  # 55 keys in batches of 25, the data version
    left = store.list_transactions("ann", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert sorted(t.description for t in left) == sorted(t.description for t in txns[55:])
    assert len(store.list_transactions("bob", dt.date(2026, 11, 1), dt.date(2026, 11, 30))) == 1
