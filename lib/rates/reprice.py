"""Re-pricing a user's stored transactions in their home currency (issue 25): versioned, resumable, reported."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import replace

from lib.core.errors import ConflictError, ValidationError
from lib.core.fx import RateSource, RepriceReport, parse_rate, price_transaction, repriced
from lib.core.models import Transaction
from lib.store.base import Store

log = logging.getLogger(__name__)

# Every date a transaction key can carry: one Query over the user's dated items (never a Scan).
_FIRST, _LAST = dt.date(1, 1, 1), dt.date(9999, 12, 31)


def all_transactions(store: Store, user_id: str) -> list[Transaction]:
    """Every transaction of the user, oldest first."""
    return store.list_transactions(user_id, _FIRST, _LAST)


def reprice_user(store: Store, user_id: str, home: str, rates: RateSource,
                 progress: Callable[[int, int], None] | None = None) -> RepriceReport:
    """Price every transaction of the user in `home`; each write is versioned, so a concurrent edit wins.

    Idempotent: rows already priced in `home` are not written again; a run cut short (or a row that
    changed meanwhile) is finished by running it again. An original amount is never dropped: a row
    whose currency has no rate is left exactly as it was and named in the report.
    """
    report = RepriceReport(home=home)
    if not home:
        return report
    todo = repriced(all_transactions(store, user_id), home, rates, report)
    with store.batched_changes(user_id):
        for n, txn in enumerate(todo, 1):
            try:
                store.update_transaction(txn.sort_key, txn)
                report.written += 1
            except ConflictError:
                report.refused.append((txn.sort_key, "it changed meanwhile: run the re-pricing again"))
            if progress:
                progress(n, len(todo))
    log.info("repriced", extra={"user_id": user_id, "home": home, "changed": report.changed,
                                "written": report.written, "refused": len(report.refused)})
    return report


def set_rate(store: Store, user_id: str, sort_key: str, rate: object, home: str, rates: RateSource | None,
             version: int | None = None) -> Transaction:
    """Use the user's own rate for one foreign transaction (a versioned write); ValidationError with a reason.

    `rate` "ecb" goes back to the source's rate for the transaction's day.
    """
    txn = store.get_transaction(user_id, sort_key)
    if txn is None:
        raise ValidationError({"id": f"There is no transaction '{sort_key[:40]}'."})
    if version is not None and txn.version != version:
        raise ConflictError("The transaction changed meanwhile: look at it again.", current=txn)
    if not home:
        raise ValidationError({"currency": "Pick a home currency first: a rate turns money into it."})
    if not (txn.original_currency or (txn.currency and txn.currency != home)):
        raise ValidationError({"fx_rate": "This transaction is in your home currency: it has no rate to set."})
    if str(rate).strip().lower() == "ecb":
        new, _ = price_transaction(replace(txn, fx_source=None), home, rates)
    else:
        new, _ = price_transaction(txn, home, None, override=parse_rate(rate))
    return store.update_transaction(txn.sort_key, new)
