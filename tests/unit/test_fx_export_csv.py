"""Issue 25: the CSV export carries a foreign row's original money and rate like the JSON export, names the home
currency of every amount, and leaves a home-money row's new columns empty; the existing columns keep their place."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import replace
from decimal import Decimal

from lib.core.models import Profile, Transaction
from lib.store import schema
from lib.store.export import export_csv, export_json

OLD_COLUMNS = ["date", "amount", "category", "description", "currency", "source", "transaction_date"]
FX = ["original_amount", "original_currency", "fx_rate", "fx_date", "fx_source"]


def _items() -> list[dict[str, object]]:
    profile = replace(Profile.default("ann"), currency="EUR")
    pub = Transaction("ann", dt.date(2026, 10, 28), Decimal("21.96"), "Food", "Pub", currency="EUR",
                      sort_key="2026-10-28#pub", original_amount=Decimal("18.40"), original_currency="GBP",
                      fx_rate=Decimal("1.193531062"), fx_date=dt.date(2026, 10, 28), fx_source="ECB")
    refund = Transaction("ann", dt.date(2026, 10, 29), Decimal("-5.00"), "Travel", "Refund", currency="EUR",
                         sort_key="2026-10-29#ref", original_amount=Decimal("-5.59"), original_currency="USD",
                         fx_rate=Decimal("0.8944543828"), fx_date=dt.date(2026, 10, 28), fx_source="user")
    bread = Transaction("ann", dt.date(2026, 10, 30), Decimal("3.20"), "Food", "Bread", sort_key="2026-10-30#b")
    return [schema.profile_to_item(profile), *(schema.transaction_to_item(t) for t in (pub, refund, bread))]


def test_csv_has_the_json_exports_foreign_fields() -> None:
    items = _items()
    rows = list(csv.DictReader(io.StringIO(export_csv(items))))
    assert list(rows[0])[:7] == OLD_COLUMNS and list(rows[0])[7:] == FX
    by = {r["description"]: r for r in rows}
    doc = {t["description"]: t for t in json.loads(export_json("ann", items))["transactions"]}
    for name in ("Pub", "Refund"):
        assert {k: by[name][k] for k in ["amount", "currency", *FX]} == {k: doc[name][k] for k in
                                                                       ["amount", "currency", *FX]}, name
    assert [by["Pub"][k] for k in FX] == ["18.40", "GBP", "1.193531062", "2026-10-28", "ECB"]
    assert by["Refund"]["original_amount"] == "-5.59"  # a number a spreadsheet sums, like amount
    assert [by["Bread"][k] for k in FX] == [""] * 5
    assert by["Bread"]["currency"] == "EUR"  # named no currency: home money, as the JSON export says


def test_without_a_profile_or_home_currency_the_currency_cell_stays_empty() -> None:
    rows = list(csv.DictReader(io.StringIO(export_csv(_items()[3:]))))
    assert rows[0]["currency"] == "" and rows[0]["fx_rate"] == ""
