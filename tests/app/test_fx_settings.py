"""Issue 25 in the app: a new user picks a home currency (suggested from their rows), their USD rows are
re-priced; manual add takes "12.50 USD"; the dashboard shows spending by currency."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lib.core.models import Profile, validate_transaction
from lib.store.sqlite import SQLiteStore
from tests.app.conftest import shown

TODAY = dt.date(2026, 11, 2)


@pytest.fixture
def traveller(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> SQLiteStore:
    monkeypatch.setenv("FINANCE_TODAY", TODAY.isoformat())
    store.save_profile(Profile("demo", "Demo", Decimal("20.00")))
    store.put_transactions([
        validate_transaction("demo", dt.date(2026, 10, 30), "11.17", "Travel", "taxi", "USD"),
        validate_transaction("demo", dt.date(2026, 10, 31), "4.00", "Food", "bread", "EUR"),
        validate_transaction("demo", dt.date(2026, 11, 1), "6.00", "Food", "jam", "EUR"),
    ])
    return store


def test_picking_a_home_currency_reprices_and_manual_add_takes_a_code(make_app, traveller, store_path) -> None:
    at = make_app("settings").run()
    assert not at.exception
    assert any("mostly in **EUR**" in shown(c.value) for c in at.caption)  # suggested from the rows
    assert at.selectbox(key="set_home_currency").value == "EUR"
    at.button(key="FormSubmitter:home_currency-Save and re-price").click().run()
    assert not at.exception
    said = " ".join(shown(s.value) for s in at.success)
    assert "Re-priced in EUR: 1 transaction(s) changed" in said and "USD 1" in said
    db = SQLiteStore(store_path)
    assert db.get_profile("demo").currency == "EUR"
    taxi = next(t for t in db.list_transactions("demo", dt.date(2026, 10, 1), TODAY) if t.description == "taxi")
    assert (taxi.amount, taxi.original_amount, taxi.original_currency) == (Decimal("10.00"), Decimal("11.17"), "USD")

    add = make_app("transactions").run()
    add.text_input(key="add_amount").input("12.50 USD")
    add.text_input(key="add_description").input("souvenir")
    add.button(key="FormSubmitter:add_txn-Add transaction").click().run()
    assert not add.exception
    new = next(t for t in db.list_transactions("demo", TODAY, TODAY) if t.description == "souvenir")
    assert (new.original_amount, new.original_currency, new.currency, new.fx_date) == (
        Decimal("12.50"), "USD", "EUR", dt.date(2026, 10, 30))  # after the bundled history: its last day
    bad = make_app("transactions").run()
    bad.text_input(key="add_amount").input("12.50 XYZ")
    bad.button(key="FormSubmitter:add_txn-Add transaction").click().run()
    assert any("XYZ" in shown(e.value) for e in bad.error)

    dash = make_app("dashboard").run()
    assert not dash.exception
    assert any(s.value == "Spent in other currencies" for s in dash.subheader)
