"""Fetched bank rows -> the user's transactions: deduplicated, pending replaced by booked, never doubled.

Each bridge row has one sort key (lib.store.schema_bank.bank_row_key: the day plus a digest of the
account and row id), written with the store's conditional add: a retry or a second sync running
at the same moment lands on the same key and is recognised as the same write. A row that is
already there from a file import (3 days apart at most, same amount, like payee) is not added.
New rows get the bank's category, else the user's "always this category" rule for the merchant
(lib.ingest.categories, as imports do). A pending row the bridge no longer lists for a range it
answered in full was settled under a new id (its booked row is added) or dropped: it is deleted,
version-checked.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import replace

from lib.core import fx
from lib.core.bank import MATCH_DAYS, BankTransaction, SyncReport, matches_file_row, spent
from lib.core.errors import ConflictError, ValidationError
from lib.core.fx import RateSource
from lib.core.models import MAX_AMOUNT, Transaction, decimal_places
from lib.ingest.categories import category_for, rule_lookup
from lib.store import Store
from lib.store.schema_bank import bank_account_tag, bank_row_account, bank_row_key

log = logging.getLogger(__name__)


def _suffix(sort_key: str) -> str:
    return sort_key[10:]  # the part after the date: the same for a row whatever day it moves to


def _wanted(user_id: str, txn: BankTransaction, currency: str) -> Transaction | None:
    amount = spent(txn)
    if amount == 0 or abs(amount) > MAX_AMOUNT or decimal_places(amount) > 2:
        return None
    text = txn.payee or txn.description or "Bank transaction"
    return Transaction(user_id=user_id, date=txn.day, amount=amount, category=txn.category or "Other",
                       description=text[:200],
                       currency=currency or None, source="bank", sort_key=bank_row_key(txn.day, txn.account_id,
                                                                                       txn.txn_id),
                       pending=txn.pending)


def _same(a: Transaction, b: Transaction) -> bool:
    return (a.date, a.amount, a.pending, a.currency) == (b.date, b.amount, b.pending, b.currency)


def apply_rows(store: Store, user_id: str, rows: list[BankTransaction], currencies: dict[str, str],
               complete_accounts: set[str], start: dt.date, end: dt.date, report: SyncReport,
               home: str = "", rates: Callable[[], RateSource] | None = None) -> None:
    """Write the rows of the spending accounts; `complete_accounts` answered without an error (pending clean-up).

    Issue 25: a row of an account in another currency than `home` is priced in home money (its original kept),
    so it compares equal to what an earlier sync or a re-pricing stored; one without a rate is left for the
    next sync and named in the report's errors.
    """
    margin = dt.timedelta(days=MATCH_DAYS)
    stored = store.list_transactions(user_id, start - margin, end + margin)
    by_suffix = {_suffix(t.sort_key): t for t in stored if t.source == "bank" and bank_row_account(t.sort_key)}
    file_rows = [t for t in stored if t.source == "import"]
    used: set[str] = set()
    seen: set[str] = set()
    rules: dict[str, str] | None = None
    for txn in sorted(rows, key=lambda r: (r.day, r.account_id, r.txn_id)):
        wanted = _wanted(user_id, txn, currencies.get(txn.account_id, ""))
        if wanted is None:
            continue
        if home and wanted.currency and wanted.currency != home:
            try:
                wanted = fx.price_transaction(wanted, home, rates() if rates else None)[0]
            except ValidationError as exc:
                report.errors.append(f"{wanted.date} {wanted.description[:40]}: {' '.join(exc.errors.values())}")
                continue
        seen.add(_suffix(wanted.sort_key))
        report.pending += wanted.pending
        old = by_suffix.get(_suffix(wanted.sort_key))
        if old is not None:
            if not _same(old, wanted):
                _update(store, old, wanted, report)
            continue
        match = next((f for f in file_rows if f.sort_key not in used and matches_file_row(
            wanted.date, wanted.amount, wanted.description, f.date, f.amount, f.description)), None)
        if match is not None:
            used.add(match.sort_key)
            report.matched_file_rows += 1
            continue
        if rules is None:  # read once, and only when there is a new row to name
            rules = rule_lookup(store.list_category_rules(user_id))
        _add(store, replace(wanted, category=category_for(wanted.description, wanted.category, rules)), report)
    tags = {bank_account_tag(a) for a in complete_accounts}
    for suffix, old in by_suffix.items():
        if (old.pending and suffix not in seen and start <= old.date <= end
                and bank_row_account(old.sort_key) in tags):
            try:
                store.delete_transaction(user_id, old.sort_key, version=old.version)
                report.removed += 1
            except ConflictError:
                log.info("a pending bank row changed while syncing; left for the next sync")


def _add(store: Store, wanted: Transaction, report: SyncReport) -> None:
    try:
        store.add_transaction(wanted)
        report.added += 1
    except ConflictError as exc:
        # The key is ours alone; a different row under it was written by another sync a moment ago
        # (or edited by the user): update it from what the bridge says now, keeping the user's category.
        current = exc.current
        if isinstance(current, Transaction) and not _same(current, wanted):
            _update(store, current, wanted, report)


def _update(store: Store, old: Transaction, wanted: Transaction, report: SyncReport) -> None:
    """The booked (or corrected) row over the stored one; the user's category and edits of the text stay."""
    new = replace(wanted, category=old.category, description=old.description, version=old.version,
                  sort_key=old.sort_key)
    try:
        store.update_transaction(old.sort_key, new)
        report.updated += 1
    except ConflictError:
        log.info("a bank row changed while syncing; the next sync reads it again")
