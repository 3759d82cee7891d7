"""Versioned, idempotent writes on every backend: no lost update, no double add, no false "not saved"."""
from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from lib.core.errors import ConflictError
from lib.core.models import Profile, Transaction, validate_transaction
from lib.store import schema

DAY = dt.date(2026, 1, 2)
LATER = dt.date(2026, 1, 20)


def _everything(store: Any, user: str = "alice") -> list[Transaction]:
    result: list[Transaction] = store.list_transactions(user, dt.date(2000, 1, 1), dt.date(2100, 1, 1))
    return result


def _added(store: Any, amount: str = "9.99", day: dt.date = DAY) -> Transaction:
    added: Transaction = store.add_transaction(validate_transaction("alice", day, amount, "Food", "lunch"))
    return added


# -- add -----------------------------------------------------------------------------------


def test_an_added_transaction_has_version_one_and_reads_back(store: Any) -> None:
    added = _added(store)
    assert added.version == 1
    assert store.get_transaction("alice", added.sort_key) == added
    assert store.get_transaction("alice", "2026-01-02#nothing") is None
    assert [t.version for t in _everything(store)] == [1]


def test_adding_the_same_transaction_again_is_saved_once_not_twice(store: Any) -> None:
    txn = validate_transaction("alice", DAY, "9.99", "Food", "lunch")  # the id is made once, by the client
    first = store.add_transaction(txn)
    again = store.add_transaction(txn)  # a retry after the answer to the first was lost
    assert again == first
    assert [(t.sort_key, t.amount) for t in _everything(store)] == [(txn.sort_key, Decimal("9.99"))]


def test_a_different_transaction_under_a_taken_key_is_refused_with_the_stored_one(store: Any) -> None:
    first = _added(store)
    with pytest.raises(ConflictError) as caught:
        store.add_transaction(first.with_changes(amount=Decimal("1.00"), version=0))
    assert caught.value.current == first
    assert [t.amount for t in _everything(store)] == [Decimal("9.99")]


# -- edit ----------------------------------------------------------------------------------


@pytest.mark.parametrize("new_day", [DAY, LATER], ids=["same-date", "new-date"])
def test_an_edit_returns_the_stored_transaction_with_the_next_version(store: Any, new_day: dt.date) -> None:
    original = _added(store)
    saved = store.update_transaction(original.sort_key, original.with_changes(date=new_day, amount=Decimal("5.00")))
    assert saved.version == 2 and saved.date == new_day
    assert saved.sort_key.split("#")[1] == original.sort_key.split("#")[1]  # the id survives a move
    assert _everything(store) == [saved]


@pytest.mark.parametrize("new_day", [DAY, LATER], ids=["same-date", "new-date"])
def test_the_second_of_two_edits_from_one_version_is_refused_with_the_current_value(
    store: Any, new_day: dt.date
) -> None:
    original = _added(store)  # both tabs show version 1
    tab_a = store.update_transaction(original.sort_key, original.with_changes(amount=Decimal("11.00")))
    with pytest.raises(ConflictError, match="changed in another tab") as caught:
        store.update_transaction(original.sort_key, original.with_changes(date=new_day, amount=Decimal("22.00")))
    assert caught.value.current == tab_a  # "here is the current value"
    assert _everything(store) == [tab_a]  # tab A's edit is not lost, tab B's is not half-applied


@pytest.mark.parametrize("new_day", [DAY, LATER], ids=["same-date", "new-date"])
def test_editing_a_transaction_deleted_elsewhere_says_so_and_stores_nothing(store: Any, new_day: dt.date) -> None:
    original = _added(store)
    store.delete_transaction("alice", original.sort_key, original.version)
    with pytest.raises(ConflictError, match="deleted in another tab") as caught:
        store.update_transaction(original.sort_key, original.with_changes(date=new_day, amount=Decimal("5.00")))
    assert caught.value.current is None
    assert _everything(store) == []


@pytest.mark.parametrize("new_day", [DAY, LATER], ids=["same-date", "new-date"])
def test_repeating_an_edit_that_was_stored_is_a_success_with_one_copy(store: Any, new_day: dt.date) -> None:
    original = _added(store)
    edit = original.with_changes(date=new_day, amount=Decimal("5.00"), category="Fun")
    first = store.update_transaction(original.sort_key, edit)
    again = store.update_transaction(original.sort_key, edit)  # the same click again: its answer was lost
    assert again == first
    assert _everything(store) == [first]


def test_sessions_editing_at_once_from_one_version_leave_exactly_one_winner(store: Any) -> None:
    original = _added(store)

    def edit(n: int) -> str:
        day = DAY + dt.timedelta(days=n % 3)  # some keep the date, some move it
        try:
            store.update_transaction(original.sort_key, original.with_changes(date=day, amount=Decimal(f"{n}.00")))
            return "saved"
        except ConflictError:
            return "conflict"

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(edit, range(1, 7)))
    assert sorted(outcomes) == ["conflict"] * 5 + ["saved"]
    (stored,) = _everything(store)
    assert stored.version == 2
    assert stored.date == DAY + dt.timedelta(days=int(stored.amount) % 3)


def test_a_legacy_transaction_without_a_version_can_be_edited_and_gets_one(store: Any) -> None:
    legacy_item = {"user_id": "alice", "transaction_date": "2025-03-04", "amount": Decimal("7.5"), "category": "Food"}
    store.put_raw_item(legacy_item)
    (legacy,) = _everything(store)
    assert legacy.version == 0
    moved = store.update_transaction(legacy.sort_key, legacy.with_changes(date=dt.date(2025, 3, 6)))
    assert moved.version == 1 and moved.sort_key == schema.key_for_date("2025-03-04", dt.date(2025, 3, 6))
    assert _everything(store) == [moved]
    with pytest.raises(ConflictError):  # a tab that still shows the legacy version
        store.update_transaction(legacy.sort_key, legacy.with_changes(amount=Decimal("1.00")))


# -- delete --------------------------------------------------------------------------------


def test_deleting_a_transaction_changed_elsewhere_is_refused_with_the_current_value(store: Any) -> None:
    original = _added(store)
    changed = store.update_transaction(original.sort_key, original.with_changes(amount=Decimal("3.00")))
    with pytest.raises(ConflictError, match="changed in another tab") as caught:
        store.delete_transaction("alice", original.sort_key, original.version)
    assert caught.value.current == changed
    assert _everything(store) == [changed]
    store.delete_transaction("alice", changed.sort_key, changed.version)
    assert _everything(store) == []


def test_repeating_a_versioned_delete_is_a_success(store: Any) -> None:
    original = _added(store)
    store.delete_transaction("alice", original.sort_key, original.version)
    store.delete_transaction("alice", original.sort_key, original.version)  # its answer was lost
    assert _everything(store) == []


# -- profile -------------------------------------------------------------------------------


def test_repeating_a_profile_save_that_was_stored_says_saved_not_conflict(store: Any) -> None:
    loaded = store.save_profile(Profile.default("alice", "Alice"))
    wanted = Profile(**{**loaded.__dict__, "daily_budget": Decimal("21.00"), "ai_tone": "polite"})
    first = store.save_profile(wanted)
    again = store.save_profile(wanted)  # the same save from the same base version: a retry
    assert (first.version, again.version) == (2, 2)
    assert (again.daily_budget, again.ai_tone) == (Decimal("21.00"), "polite")
    assert store.get_profile("alice").version == 2
    other = Profile(**{**loaded.__dict__, "daily_budget": Decimal("30.00")})
    with pytest.raises(ConflictError):  # a different save from that stale version is still refused
        store.save_profile(other)
