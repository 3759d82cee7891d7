"""A transaction's foreign-money attributes (issue 25): part of the table's schema (lib.store.schema holds the rest).

Written only on a row converted from another currency, so a home-money row's item is what it was before.
Read back leniently: an attribute that does not read (a hand-edited item) drops the set as a whole, and
the row reads as home money rather than half-converted.
"""
from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation
from typing import Any

from lib.core.models import CENT, Transaction, decimal_places
from lib.core.money import is_currency

log = logging.getLogger(__name__)

FX_ATTRIBUTES = ("original_amount", "original_currency", "fx_rate", "fx_date", "fx_source")
_SOURCE_MAX = 40


def fx_to_item(txn: Transaction) -> dict[str, Any]:
    """The attributes a foreign row adds to its item (empty for a row in home money)."""
    if txn.original_currency is None or txn.original_amount is None:
        return {}
    out: dict[str, Any] = {"original_amount": txn.original_amount, "original_currency": txn.original_currency}
    if txn.fx_rate is not None:
        out["fx_rate"] = txn.fx_rate
    if txn.fx_date is not None:
        out["fx_date"] = txn.fx_date.isoformat()
    if txn.fx_source:
        out["fx_source"] = txn.fx_source
    return out


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def item_to_fx(item: dict[str, Any]) -> dict[str, Any]:
    """Transaction keyword arguments for the foreign-money attributes of an item (empty: home money)."""
    code = str(item.get("original_currency") or "").strip().upper()
    if not code:
        return {}
    amount = _decimal(item.get("original_amount"))
    rate = _decimal(item.get("fx_rate")) if item.get("fx_rate") not in (None, "") else None
    try:
        day = dt.date.fromisoformat(str(item["fx_date"])[:10]) if item.get("fx_date") else None
    except ValueError:
        day = None
    if amount is None or not is_currency(code) or (rate is not None and rate <= 0):
        log.warning("unreadable foreign-money attributes; the row reads as home money",
                    extra={"sort_key": str(item.get("transaction_date"))})
        return {}
    if decimal_places(amount) <= 2:  # DynamoDB drops trailing zeros (12.30 is stored as 12.3)
        amount = amount.quantize(CENT)
    return {"original_amount": amount, "original_currency": code, "fx_rate": rate, "fx_date": day,
            "fx_source": str(item.get("fx_source") or "")[:_SOURCE_MAX] or None}
