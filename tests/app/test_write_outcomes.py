"""What the Transactions page says when a write races, loses its answer, or stops midway."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from lib.core import clock
from lib.core.errors import PartialWriteError, StoreUnavailableError
from lib.core.models import validate_transaction
from lib.store.sqlite import SQLiteStore
from tests.app.conftest import shown

TODAY = clock.today()
ADD = "FormSubmitter:add_txn-Add transaction"
SAVE = "FormSubmitter:edit_txn-Save changes"
DELETE = "FormSubmitter:edit_txn-Delete this transaction"


def _stored(store_path: Any) -> list:
    return SQLiteStore(store_path).list_transactions("demo", TODAY - dt.timedelta(days=400), TODAY)


def _select(at: Any, description: str) -> None:
    [table] = [d for d in at.dataframe if (d.key or "").startswith("edit_table")]
    rows = list(table.value["Description"])
    at.session_state[table.key] = {"selection": {"rows": [rows.index(description)], "columns": [], "cells": []}}
    at.run()


def _edit_amount(at: Any) -> Any:
    return next(t for t in at.text_input if t.label == "Amount" and t.key is None)


@pytest.fixture
def coffee(store: SQLiteStore) -> SQLiteStore:
    store.add_transaction(validate_transaction("demo", TODAY - dt.timedelta(days=1), "3.50", "Coffee", "CAFE"))
    return store


def test_the_second_of_two_tabs_editing_one_transaction_is_told_the_current_value(make_app, coffee, store_path) -> None:
    tab_a, tab_b = make_app("transactions").run(), make_app("transactions").run()
    _select(tab_a, "CAFE")
    _select(tab_b, "CAFE")
    _edit_amount(tab_a).input("4.00")
    tab_a.button(key=SAVE).click().run()
    _edit_amount(tab_b).input("9.00")
    tab_b.button(key=SAVE).click().run()

    assert not tab_b.exception
    [warning] = [shown(w.value) for w in tab_b.warning]
    assert "changed in another tab or session; nothing was saved" in warning
    assert "It is now: 4.00 for Coffee on" in warning  # here is the current value
    assert [t.amount for t in _stored(store_path)] == [Decimal("4.00")]  # tab A's edit is not lost
    # The table and the form show what is stored now, so the user can apply their edit on top of it.
    tab_b.run()
    [table] = [d for d in tab_b.dataframe if (d.key or "").startswith("edit_table")]
    assert list(table.value["Amount"]) == ["4.00"]
    assert _edit_amount(tab_b).value == "4.00"
    _edit_amount(tab_b).input("9.00")
    tab_b.button(key=SAVE).click().run()
    assert any(shown(s.value) == "Saved the change." for s in tab_b.success)
    assert [(t.amount, t.version) for t in _stored(store_path)] == [(Decimal("9.00"), 3)]


def test_deleting_a_transaction_another_tab_changed_is_refused_with_the_current_value(
    make_app, coffee, store_path
) -> None:
    tab_a, tab_b = make_app("transactions").run(), make_app("transactions").run()
    _select(tab_a, "CAFE")
    _select(tab_b, "CAFE")
    _edit_amount(tab_a).input("4.00")
    tab_a.button(key=SAVE).click().run()
    tab_b.button(key=DELETE).click().run()

    [warning] = [shown(w.value) for w in tab_b.warning]
    assert warning.startswith("Not deleted.") and "It is now: 4.00 for Coffee" in warning
    assert [t.amount for t in _stored(store_path)] == [Decimal("4.00")]


def test_an_add_whose_answer_was_lost_is_saved_once_when_pressed_again(
    make_app, store, store_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_add = SQLiteStore.add_transaction
    calls: list[str] = []

    def add_then_lose_the_answer(self: SQLiteStore, txn: Any) -> Any:
        calls.append(txn.sort_key)
        stored = real_add(self, txn)
        if len(calls) == 1:
            raise StoreUnavailableError("Cannot reach DynamoDB (connection reset).")
        return stored

    monkeypatch.setattr(SQLiteStore, "add_transaction", add_then_lose_the_answer)
    at = make_app("transactions").run()
    at.text_input(key="add_amount").input("8.40")
    at.text_input(key="add_description").input("LUNCH")
    at.button(key=ADD).click().run()
    [error] = [shown(e.value) for e in at.error]
    assert "It may or may not be stored" in error and "it is never stored twice" in error
    assert at.text_input(key="add_amount").value == "8.40", "the entry stays in the form"

    at.button(key=ADD).click().run()  # the user presses Add again
    assert not at.exception and not at.error
    assert any(shown(s.value).startswith("Added 8.40 for ") for s in at.success), [s.value for s in at.success]
    assert calls[0] == calls[1], "the retry went under the first attempt's id"
    assert [(t.amount, t.description) for t in _stored(store_path)] == [(Decimal("8.40"), "LUNCH")]


def test_delete_all_stopped_midway_says_exactly_how_many_and_pressing_again_finishes(
    make_app, demo_store, store_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lib.store.schema import is_streak_state

    def mine() -> int:  # the user's items; the derived streak state comes and goes with old-dated writes
        return sum(1 for i in demo_store.export_items("demo") if not is_streak_state(i))

    total = mine()
    real_delete = SQLiteStore.delete_user

    def stop_after_25(self: SQLiteStore, user_id: str) -> int:
        keys = [str(i["transaction_date"]) for i in self.export_items(user_id)][:25]
        for key in keys:
            self.delete_transaction(user_id, key)
        raise PartialWriteError("throttled", written=25, total=total, action="delete")

    monkeypatch.setattr(SQLiteStore, "delete_user", stop_after_25)
    at = make_app("transactions").run()
    at.text_input(key="delete_confirm").input("demo").run()
    at.button(key="delete_all").click().run()
    [error] = [shown(e.value) for e in at.error]
    assert f"Stopped midway: 25 of {total} items were deleted" in error
    assert "Press Delete everything again to finish" in error
    assert mine() == total - 25

    monkeypatch.setattr(SQLiteStore, "delete_user", real_delete)
    at.button(key="delete_all").click().run()
    assert any(shown(s.value).startswith(f"Deleted {total - 25} items.") for s in at.success)
    assert demo_store.export_items("demo") == []


def test_a_markdown_category_is_shown_as_text_in_the_added_message(make_app, store, store_path) -> None:
    hostile = "[w](http://h.test) ![p](http://h.test/p)"  # as an imported file could bring
    store.add_transaction(validate_transaction("demo", TODAY, "2.00", hostile, "IMPORTED"))
    at = make_app("transactions").run()
    at.text_input(key="add_amount").input("1.00")
    at.selectbox(key="add_category").set_value(hostile)
    at.button(key=ADD).click().run()
    [message] = [s.value for s in at.success]
    assert f"for {hostile} on" in shown(message)
    assert "](" not in message and "![" not in message  # escaped: neither a link nor an image


@pytest.mark.parametrize("amount", ["1e1000000", "1_5", "-0", "١٢", "9" * 40])
def test_a_wild_amount_is_refused_with_a_reason(make_app, store, store_path, amount: str) -> None:
    at = make_app("transactions").run()
    at.text_input(key="add_amount").input(amount)
    at.button(key=ADD).click().run()
    assert not at.exception
    assert any(shown(e.value).startswith("Amount ") for e in at.error), [e.value for e in at.error]
    assert _stored(store_path) == []


def test_a_settings_save_whose_answer_was_lost_says_saved_when_saved_again(
    make_app, store, store_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_save = SQLiteStore.save_profile
    calls: list[int] = []

    def save_then_lose_the_answer(self: SQLiteStore, profile: Any) -> Any:
        calls.append(profile.version)
        saved = real_save(self, profile)
        if len(calls) == 1:
            raise StoreUnavailableError("Cannot reach DynamoDB (connection reset).")
        return saved

    monkeypatch.setattr(SQLiteStore, "save_profile", save_then_lose_the_answer)
    at = make_app("settings").run()
    at.text_input(key="set_daily_budget").set_value("21.00")
    at.form_submit_button[0].click().run()
    [error] = [shown(e.value) for e in at.error]
    assert "Could not confirm that we could save your settings" in error and "Save again" in error

    at.form_submit_button[0].click().run()  # Save again, from the same form (same base version)
    assert not at.exception
    assert not any("NOT saved" in shown(w.value) for w in at.warning), "no false 'changed in another tab'"
    assert any(shown(s.value).startswith("Saved.") for s in at.success), [s.value for s in at.success]
    assert calls == [0, 0]
    stored = SQLiteStore(store_path).get_profile("demo")
    assert (stored.version, stored.daily_budget) == (1, Decimal("21.00"))
