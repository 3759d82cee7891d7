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


def _select(at, description: str) -> None:
    [table] = [d for d in at.dataframe if (d.key or "").startswith("edit_table")]
    rows = list(table.value["Description"])
    at.session_state[table.key] = {"selection": {"rows": [rows.index(description)], "columns": [], "cells": []}}
    at.run()


def test_editing_a_foreign_row_shows_its_original_and_takes_the_users_rate(make_app, traveller, store_path) -> None:
    db = SQLiteStore(store_path)
    from dataclasses import replace

    from lib.rates.ecb import load
    from lib.rates.reprice import reprice_user

    db.save_profile(replace(db.get_profile("demo"), currency="EUR"))
    reprice_user(db, "demo", "EUR", load(""))
    at = make_app("transactions").run()
    _select(at, "taxi")
    amount = next(t for t in at.text_input if t.label == "Amount" and t.key is None)
    assert amount.value == "11.17 USD"  # the original, not the home amount
    rate = next(t for t in at.text_input if t.label == "Rate (yours, optional)")
    rate.input("0")
    at.button(key="FormSubmitter:edit_txn-Save changes").click().run()
    assert any("more than zero" in shown(e.value) for e in at.error)
    taxi = next(t for t in db.list_transactions("demo", dt.date(2026, 10, 1), TODAY) if t.description == "taxi")
    assert (taxi.fx_source, taxi.amount) == ("ECB", Decimal("10.00"))  # the refused edit wrote nothing
    rate = next(t for t in at.text_input if t.label == "Rate (yours, optional)")
    rate.input("0.9")
    at.button(key="FormSubmitter:edit_txn-Save changes").click().run()
    assert not at.exception
    taxi = next(t for t in db.list_transactions("demo", dt.date(2026, 10, 1), TODAY) if t.description == "taxi")
    assert (taxi.amount, taxi.fx_rate, taxi.fx_source, taxi.original_amount) == (
        Decimal("10.05"), Decimal("0.9"), "user", Decimal("11.17"))  # 11.17 x 0.9 = 10.053
