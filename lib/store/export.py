"""A user's data as CSV or JSON: what the export command and the download buttons hand out."""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from lib.store import schema
from lib.store.schema import Item

CSV_COLUMNS = ["date", "amount", "category", "description", "currency", "source", "transaction_date",
               # issue 25: a foreign row's original money and its rate, as the JSON export has them (empty: home money)
               "original_amount", "original_currency", "fx_rate", "fx_date", "fx_source"]

# A spreadsheet evaluates a cell starting with one of these as a formula (=HYPERLINK(...), +cmd|...).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A text cell a spreadsheet shows as text, never runs: OWASP's CSV-injection advice (a leading ').

    Every text cell is treated so, even one that looks like a number ("-0" as a description must
    not turn into the value 0); only the amount column, our own Decimal, is written as a number.
    """
    if cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    return value


def export_json(user_id: str, items: list[Item]) -> str:
    """The profile and every transaction, numbers as exact strings, attribute names as stored."""
    profile_item = next((i for i in items if schema.is_profile(i)), None)
    # Re-mapped through the schema so money always shows cents, whichever backend stored it.
    profile = schema.profile_to_item(schema.item_to_profile(profile_item, user_id)) if profile_item else {}
    txns = [schema.transaction_to_item(t) for t in map(schema.item_to_transaction, items) if t is not None]
    home = str(profile.get("currency") or "")
    for item in txns:  # issue 25: `amount` is home money, so `currency` says which (foreign rows add original_*)
        if home and not item.get("currency"):
            item["currency"] = home
    doc = {
        "user_id": user_id,
        "profile": {k: _plain(v) for k, v in profile.items()},
        "transactions": [{k: _plain(v) for k, v in i.items()} for i in txns],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def export_csv(items: list[Item]) -> str:
    """Every transaction as one CSV row (spending positive, refunds negative), safe to open in a spreadsheet.

    Like the JSON export: `amount` is home money and `currency` names it (the profile's home currency for a
    row that named none); a foreign row fills the original_* and fx_* columns.
    """
    profile_item = next((i for i in items if schema.is_profile(i)), None)
    home = schema.item_to_profile(profile_item, "").currency if profile_item else ""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in items:
        txn = schema.item_to_transaction(item)
        if txn is None:
            continue
        texts = [txn.category, txn.description, txn.currency or home, txn.source, txn.sort_key]
        foreign = txn.original_currency is not None and txn.original_amount is not None
        # The amounts and the rate stay numbers a spreadsheet can sum (a refund's -12.34 is a value, not a formula).
        fx = [str(txn.original_amount), neutralise(txn.original_currency or ""),
              "" if txn.fx_rate is None else str(txn.fx_rate), "" if txn.fx_date is None else txn.fx_date.isoformat(),
              neutralise(txn.fx_source or "")] if foreign else [""] * 5
        writer.writerow([txn.date.isoformat(), str(txn.amount), *(neutralise(cell) for cell in texts), *fx])
    return out.getvalue()
