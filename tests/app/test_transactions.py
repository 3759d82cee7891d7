"""Transactions page: add, edit, delete, CSV import with a bad row, export, delete-all-my-data."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lib.core import clock
from lib.core.models import validate_transaction
from lib.store.sqlite import SQLiteStore
from tests.app.conftest import shown

TODAY = clock.today()


def _day(ago: int) -> dt.date:
    return TODAY - dt.timedelta(days=ago)


def _stored(store_path, user: str = "demo", days: int = 400):
    """The user's transactions in the database, through a store object the app never touched."""
    return SQLiteStore(store_path).list_transactions(user, _day(days), TODAY)


def _edit_table(at):
    """The selectable table on the "Edit or delete" tab (its key carries the data version)."""
    [table] = [d for d in at.dataframe if (d.key or "").startswith("edit_table")]
    return table


def _table(at):
    return _edit_table(at).value


def _select_row(at, description: str) -> None:
    """Click a row, as the browser would report it."""
    rows = list(_table(at)["Description"])
    at.session_state[_edit_table(at).key] = {"selection": {"rows": [rows.index(description)], "columns": [],
                                                           "cells": []}}
    at.run()


@pytest.fixture
def two_users(store):
    """demo and bob, a few transactions each."""
    store.add_transaction(validate_transaction("demo", _day(1), "12.00", "Groceries", "DEMO-GROCER"))
    store.add_transaction(validate_transaction("demo", _day(2), "3.50", "Coffee", "DEMO-COFFEE"))
    store.add_transaction(validate_transaction("bob", _day(1), "99.00", "Shopping", "BOB-SHOP"))
    return store


def test_adding_a_transaction_shows_it_here_and_on_the_dashboard(make_app, two_users, store_path) -> None:
    at = make_app("dashboard").run()
    # The dashboard's recent transactions: a plain table (issue 21), its cells escaped markdown.
    assert "NEW-LUNCH" not in set(map(shown, at.table[0].value["Description"]))  # the window is now cached
    assert "DEMO-GROCER" in set(map(shown, at.table[0].value["Description"]))  # (so the check above can fail)

    at.switch_page("pages/1_Transactions.py").run()
    assert "NEW-LUNCH" not in set(_table(at)["Description"])
    at.text_input(key="add_amount").input("8.40")
    at.selectbox(key="add_category").set_value("Eating out")
    at.text_input(key="add_description").input("NEW-LUNCH")
    at.button(key="FormSubmitter:add_txn-Add transaction").click().run()

    assert not at.exception
    assert any(shown(s.value).startswith(f"Added 8.40 for Eating out on {TODAY.isoformat()}") for s in at.success)
    row = _table(at).set_index("Description").loc["NEW-LUNCH"]
    assert (row["Date"], row["Amount"], row["Category"], row["Source"]) == (TODAY.isoformat(), "8.40",
                                                                            "Eating out", "manual")
    assert [(t.amount, t.description) for t in _stored(store_path) if t.description == "NEW-LUNCH"] == [
        (Decimal("8.40"), "NEW-LUNCH")]
    assert at.text_input(key="add_amount").value == "", "the form is ready for the next one"

    at.switch_page("streamlit_app.py").run()
    assert "NEW-LUNCH" in set(map(shown, at.table[0].value["Description"])), "the dashboard's cache was invalidated"


@pytest.mark.parametrize(
    ("amount", "reason"),
    [("12.345", "at most 2 decimals"), ("twelve", "is not a number"), ("0", "cannot be zero"), ("", "amount")],
)
def test_an_invalid_amount_is_refused_with_a_message(make_app, two_users, store_path, amount, reason) -> None:
    before = _stored(store_path)
    at = make_app("transactions").run()
    at.text_input(key="add_amount").input(amount)
    at.text_input(key="add_description").input("SHOULD-NOT-EXIST")
    at.button(key="FormSubmitter:add_txn-Add transaction").click().run()

    assert not at.exception
    errors = [shown(e.value) for e in at.error]
    assert any(reason in e.lower() for e in errors), errors
    assert len(at.success) == 0
    assert _stored(store_path) == before
    assert (at.text_input(key="add_amount").value, at.text_input(key="add_description").value) == (
        amount, "SHOULD-NOT-EXIST"), "a refused entry stays in the form to be fixed"


def test_editing_and_deleting_a_transaction(make_app, two_users, store_path) -> None:
    at = make_app("transactions").run()
    _select_row(at, "DEMO-COFFEE")
    edit_amount = next(t for t in at.text_input if t.label == "Amount" and t.key is None)
    assert edit_amount.value == "3.50"
    edit_amount.input("4.75")
    at.button(key="FormSubmitter:edit_txn-Save changes").click().run()

    assert not at.exception
    assert any(shown(s.value) == "Saved the change." for s in at.success)
    coffee = [t for t in _stored(store_path) if t.description == "DEMO-COFFEE"]
    assert [(t.amount, t.date) for t in coffee] == [(Decimal("4.75"), _day(2))]
    assert _table(at).set_index("Description").loc["DEMO-COFFEE", "Amount"] == "4.75"

    _select_row(at, "DEMO-COFFEE")
    at.button(key="FormSubmitter:edit_txn-Delete this transaction").click().run()
    assert not at.exception
    assert any(shown(s.value).startswith("Deleted 4.75 for Coffee on") for s in at.success)
    assert [t.description for t in _stored(store_path)] == ["DEMO-GROCER"]
    assert list(_table(at)["Description"]) == ["DEMO-GROCER"]
    assert not [b for b in at.button if b.label == "Delete this transaction"], "no other row opens by itself"
    assert [t.description for t in _stored(store_path, "bob")] == ["BOB-SHOP"]


def _messy_csv() -> bytes:
    """A German bank export: preamble, semicolons, decimal comma, thousands dots, a quoted
    delimiter, a refund, and one impossible date on line 6; in the bank's Windows encoding."""
    d = lambda ago: _day(ago).strftime("%d.%m.%Y")  # noqa: E731
    return (
        "Kontoauszug Girokonto 1234\n"
        "\n"
        "Buchungstag;Verwendungszweck;Betrag (EUR)\n"
        f"{d(1)};REWE Markt;-23,45\n"
        f'{d(2)};"Café; Bar";-3,20\n'
        "31.02.2026;Unmögliches Datum;-5,00\n"
        f"{d(3)};Buchhandlung;-1.234,50\n"
        f"{d(4)};Erstattung;7,00\n"
    ).encode("cp1252")


def test_importing_a_messy_csv_with_a_bad_row(make_app, two_users, store_path) -> None:
    at = make_app("transactions").run()
    at.file_uploader(key="import_file_0").set_value(("konto.csv", _messy_csv(), "text/csv")).run()

    assert not at.exception
    [table] = [d.value for d in at.dataframe if list(d.value.columns) == ["Detected", "Value"]]
    detected = dict(zip(table["Detected"], table["Value"], strict=True))
    assert detected["Delimiter"] == "semicolon (;)" and detected["Decimal mark"] == "comma (1.234,56)"
    assert detected["Date format"] == "%d.%m.%Y" and "Buchungstag" in detected["Columns"]
    assert any("4 good rows, 1 with problems" in m.value for m in at.markdown)
    preview = at.dataframe[-1].value
    assert list(preview["Description"]) == ["REWE Markt", "Café; Bar", "Buchhandlung", "Erstattung"]
    assert list(preview["Amount"]) == ["23.45", "3.20", "1234.50", "-7.00"]
    [problems] = at.warning
    assert "line 6" in shown(problems.value) and "31.02.2026" in shown(problems.value)
    assert len(_stored(store_path)) == 2, "a preview writes nothing"

    [go] = [b for b in at.button if b.label.startswith("Import ")]
    assert go.label == "Import 4 rows"
    go.click().run()

    assert not at.exception
    assert [shown(s.value) for s in at.success] == ["Imported 4, duplicates skipped 0, rejected 1."]
    assert any("line 6" in shown(w.value) for w in at.warning), "the rejected row is still named after the import"
    imported = {t.description: t.amount for t in _stored(store_path) if t.source == "import"}
    assert imported == {"REWE Markt": Decimal("23.45"), "Café; Bar": Decimal("3.20"),
                        "Buchhandlung": Decimal("1234.50"), "Erstattung": Decimal("-7.00")}
    assert not [b for b in at.button if b.label.startswith("Import ")], "the uploader was emptied"
    assert {"REWE Markt", "Erstattung"} <= set(_table(at)["Description"]), "the table shows the import at once"

    # The same file again adds nothing.
    at.file_uploader(key="import_file_1").set_value(("konto.csv", _messy_csv(), "text/csv")).run()
    [go] = [b for b in at.button if b.label.startswith("Import ")]
    go.click().run()
    assert [shown(s.value) for s in at.success] == ["Imported 0, duplicates skipped 4, rejected 1."]
    assert len(_stored(store_path)) == 6


def test_a_file_that_is_not_a_bank_export_is_refused_readably(make_app, two_users) -> None:
    at = make_app("transactions").run()
    at.file_uploader(key="import_file_0").set_value(("notes.txt", b"hello\nworld\n", "text/plain")).run()
    assert not at.exception
    assert any(shown(e.value).startswith("Could not read this file") for e in at.error)
    assert not [b for b in at.button if b.label.startswith("Import ")]


def test_export_buttons_appear_after_preparing_the_export(make_app, two_users) -> None:
    at = make_app("transactions").run()
    assert len(at.get("download_button")) == 0
    at.button(key="prep_export").click().run()

    assert not at.exception
    assert [b.label for b in at.get("download_button")] == ["Download CSV", "Download JSON"]
    csv_text, json_text = at.session_state["export"]  # what the two buttons serve
    assert "DEMO-GROCER" in csv_text and "DEMO-COFFEE" in csv_text and "BOB-SHOP" not in csv_text
    assert "DEMO-GROCER" in json_text and "BOB-SHOP" not in json_text
    at.run()
    assert len(at.get("download_button")) == 2, "the buttons stay for the download click"


def test_delete_all_needs_the_username_and_removes_only_my_items(make_app, two_users, store_path) -> None:
    at = make_app("transactions").run()
    button = at.button(key="delete_all")
    assert button.disabled
    at.text_input(key="delete_confirm").input("bob").run()  # someone else's name does not unlock it
    assert at.button(key="delete_all").disabled
    at.text_input(key="delete_confirm").input("demo").run()
    assert not at.button(key="delete_all").disabled

    at.button(key="delete_all").click().run()

    assert not at.exception
    assert any(shown(s.value).startswith("Deleted 2 items.") for s in at.success), [shown(s.value) for s in at.success]
    assert _stored(store_path) == []
    assert SQLiteStore(store_path).export_items("demo") == []
    assert [t.description for t in _stored(store_path, "bob")] == ["BOB-SHOP"]
    assert len(_table(at)) == 0
