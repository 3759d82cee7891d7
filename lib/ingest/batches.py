"""Imports as batches: de-duplicated writes, a record per file, undo, and re-mapping that replaces.

An import's identity is the file's digest. Importing the same file with the same mapping finds
every row already present; with a corrected mapping the rows that import wrote are replaced, not
joined by a second, differently signed copy. Each row's fingerprint counts identical rows earlier
in the file, so two identical coffees on one day stay two purchases.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from lib.core import clock, fx
from lib.core.errors import FinanceError, ValidationError
from lib.core.fx import RateSource
from lib.core.models import CENT, Transaction, clean_text, validate_transaction
from lib.core.types import ImportBatch, SavedMapping
from lib.ingest.amounts import amount_problem
from lib.ingest.categories import category_for, rule_lookup
from lib.ingest.types import ImportOptions, ImportReport, ParseResult, RowError
from lib.store.base import Store

log = logging.getLogger(__name__)

# What decides which rows a file yields: a change in any of these is a different mapping.
# The day/month order is part of date_format (%d/%m/%Y or %m/%d/%Y), so an answered date question is a new mapping.
_MAPPING_FIELDS = ("format", "columns", "delimiter", "decimal", "date_format", "sign", "amount_mode", "encoding")


def digest(*parts: str, size: int = 20) -> str:
    """A short, stable hex id of some text."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:size]


def file_id(data: bytes) -> str:
    """The id of an import: the file's digest (the same bytes are the same import)."""
    return hashlib.sha256(data).hexdigest()[:20]


def mapping_hash(detected: dict[str, Any]) -> str:
    """A digest of the settings that decided the rows (columns, sign, decimal mark, date order...)."""
    picked = {k: detected.get(k) for k in _MAPPING_FIELDS}
    return digest(json.dumps(picked, sort_keys=True, default=str), size=16)


@functools.lru_cache(maxsize=16384)
def _norm_description(description: str) -> str:
    return " ".join(clean_text(description).casefold().split())


def fingerprint(user_id: str, day: dt.date, amount: Decimal, description: str, occurrence: int) -> str:
    """Stable id of an imported row: the same file imported twice yields the same fingerprints.

    `occurrence` counts identical rows earlier in the same file, so two identical coffees on one
    day stay two transactions.
    """
    parts = (user_id, day.isoformat(), str(amount.quantize(CENT)), _norm_description(description), str(occurrence))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def key_fingerprint(user_id: str, key: str, amount: Decimal) -> str:
    """Fingerprint of a row the bank gave an id (OFX FITID, CAMT reference); the sign is part of it."""
    return hashlib.sha256(f"{user_id}\x1fid\x1f{key}\x1f{amount.quantize(CENT)}".encode()).hexdigest()[:32]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def date_refusal(result: ParseResult) -> ValidationError:
    """The error for a file whose day/month order is unknown (the CLI and the page word the choice themselves)."""
    reason = result.date_question.reason if result.date_question else "the day/month order is unknown"
    return ValidationError({"dates": f"The file does not tell whether dates are day/month or month/day ({reason})."})


def period_end(detected: dict[str, Any], today: dt.date) -> dt.date | None:
    """The statement's own last day (OFX DTEND, CAMT FrToDt), never after today: a known day even without rows."""
    text = detected.get("covered_through")
    try:
        day = dt.date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None
    return min(day, today) if day else None


def sign_refusal(result: ParseResult) -> ValidationError:
    """The error for a file whose direction is unknown (the CLI and the page word the choice themselves)."""
    reason = result.sign_question.reason if result.sign_question else "the direction is unknown"
    return ValidationError({"sign": f"The file does not tell which amounts are spending ({reason})."})


@functools.lru_cache(maxsize=16384)
def _texts(category: str, description: str, currency: str | None) -> tuple[str, str, str | None] | str:
    """validate_transaction's text rules, checked once per distinct text (an export repeats its merchants)."""
    try:
        txn = validate_transaction("-", dt.date(2000, 1, 1), "1", category, description, currency, source="import")
    except ValidationError as exc:
        return " ".join(exc.errors.values())
    return txn.category, txn.description, txn.currency


def _candidates(
    user_id: str, result: ParseResult, batch_id: str, rules: dict[str, str],
    home: str = "", rates: RateSource | None = None,
) -> tuple[list[Transaction], list[RowError]]:
    errors: list[RowError] = []
    occurrences: Counter[tuple[dt.date, Decimal, str]] = Counter()
    out: list[Transaction] = []
    for row in result.rows:
        if row.key:
            fp = key_fingerprint(user_id, row.key, row.amount)
        else:
            key = (row.date, row.amount.quantize(CENT), _norm_description(row.description))
            fp = fingerprint(user_id, row.date, row.amount, row.description, occurrences[key])
            occurrences[key] += 1
        texts = _texts(category_for(row.description, row.category, rules), row.description, row.currency)
        problem = amount_problem(row.amount) or (texts if isinstance(texts, str) else None)
        if problem or isinstance(texts, str):
            errors.append(RowError(row.line_number, str(problem), row.raw))
            continue
        category, description, currency = texts
        txn = Transaction(
            user_id=user_id, date=row.date, amount=row.amount.quantize(CENT), category=category,
            description=description, currency=currency, source="import", fingerprint=fp,
            # Derived from the fingerprint, so even two concurrent imports of one file overwrite
            # each other instead of doubling it.
            sort_key=f"{row.date.isoformat()}#{fp[:20]}", import_batch=batch_id,
        )
        if row.original is not None and currency:  # issue 25: the bank booked it from another currency (OFX)
            spent, code, bank_rate = row.original
            txn = replace(txn, original_amount=spent, original_currency=code, fx_rate=bank_rate, fx_date=row.date,
                          fx_source=fx.BANK_SOURCE)
        try:  # issue 25: home money, the original kept (no home currency: as it was read)
            txn = fx.price_transaction(txn, home, rates)[0]
        except ValidationError as exc:  # a currency without a rate: refused with the reason, the rest imports
            errors.append(RowError(row.line_number, " ".join(exc.errors.values()), row.raw))
            continue
        out.append(txn)
    return out, errors


def currency_notes(rows: list[Transaction], home: str) -> list[str]:
    """What the import did with money in other currencies, in a sentence or two (none for home money)."""
    if not home:
        codes = sorted({t.currency for t in rows if t.currency})
        if len(codes) > 1 or (codes and rows and any(t.currency is None for t in rows)):
            return [f"Rows in {', '.join(codes)} are kept as written, unconverted: pick a home currency (Settings, "
                    "or profile --currency) and they are converted into it; nothing is lost."]
        return []
    foreign = [t for t in rows if fx.is_foreign(t)]
    if not foreign:
        return []
    by: dict[str, int] = {}
    for t in foreign:
        by[str(t.original_currency)] = by.get(str(t.original_currency), 0) + 1
    earlier = sum(1 for t in foreign if t.fx_date and t.fx_date < t.date)
    text = (f"{len(foreign)} row(s) of the file are in another currency, converted into {home} at the ECB's "
            "rate of their day ("
            + ", ".join(f"{code} {n}" for code, n in sorted(by.items())) + ")")
    if earlier:
        text += f"; {earlier} had no rate on their own day and use the last earlier one"
    return [text + "."]


def import_rows(
    store: Store,
    user_id: str,
    result: ParseResult,
    progress: Callable[[int, int], None] | None = None,
    *,
    file_name: str = "",
    options: ImportOptions | None = None,
    home: str | None = None,
    rates: RateSource | None = None,
) -> ImportReport:
    """Write the parsed rows as one import batch: new rows added, rows already present skipped.

    Issue 25: rows in another currency than `home` (None: the profile's) are converted at `rates`; a row
    whose currency has no rate is refused with the reason. With no home currency picked rows import as read.

    Re-importing a file with a different mapping replaces the rows its earlier import wrote.
    Refuses a file whose direction is unknown (`sign_question`): a guessed sign is never written.
    """
    if result.date_question is not None:
        raise date_refusal(result)
    if result.sign_question is not None:
        raise sign_refusal(result)
    detected = result.detected
    batch_id = str(detected.get("file_id") or digest(*(f"{r.line_number}:{r.raw}" for r in result.rows)))
    m_hash = mapping_hash(detected)
    earlier = store.get_import_batch(user_id, batch_id)
    replacing = earlier is not None and earlier.mapping_hash != m_hash
    needs_rules = any(not r.category or r.category == "Other" for r in result.rows)
    rules = rule_lookup(store.list_category_rules(user_id)) if needs_rules else {}
    if home is None:  # read only for a file that names a currency: one without costs what it did
        home = store.get_profile(user_id).currency if any(r.currency for r in result.rows) else ""
    candidates, errors = _candidates(user_id, result, batch_id, rules, home, rates)
    errors = sorted([*result.errors, *errors], key=lambda e: e.line_number)

    days = [t.date for t in candidates]
    if replacing and earlier and earlier.covered_from and earlier.covered_through:
        days += [earlier.covered_from, earlier.covered_through]
    present = store.list_transactions(user_id, min(days), max(days)) if days else []
    mine = {t.sort_key for t in present if t.import_batch == batch_id} if replacing else set()
    seen = {t.fingerprint for t in present if t.fingerprint and t.sort_key not in mine}
    new: list[Transaction] = []
    duplicates = 0
    for txn in candidates:
        if txn.fingerprint in seen:
            duplicates += 1
        else:
            seen.add(txn.fingerprint or txn.sort_key)
            new.append(txn)

    covered = (min(t.date for t in candidates), max(t.date for t in candidates)) if candidates else (None, None)
    end = period_end(detected, clock.today())
    if end is not None:
        # The statement says it runs through this day: the days after its last row had no spending.
        covered = (covered[0] or end, max(covered[1] or end, end))
    batch = ImportBatch(
        user_id=user_id, batch_id=batch_id, file_name=clean_text(file_name or detected.get("file_name"), 120),
        imported_at=earlier.imported_at if earlier and not replacing else _now(),
        file_format=str(detected.get("format") or "csv"),
        settings={k: _setting(detected.get(k)) for k in _MAPPING_FIELDS},
        mapping_hash=m_hash, rows_in_file=len(result.rows) + len(result.errors),
        rows_added=(earlier.rows_added if earlier and not replacing else 0),
        duplicates=duplicates, rejected=len(errors), covered_from=covered[0], covered_through=covered[1],
    )
    written = 0
    try:
        written = store.put_transactions(new, progress) if new else 0
    except FinanceError as exc:
        written = int(getattr(exc, "written", 0) or 0)
        # Recorded as partial, so undo finds the rows written so far and running the import again resumes it.
        store.put_import_batch(replace(batch, rows_added=batch.rows_added + written, status="partial"))
        raise
    new_keys = {t.sort_key for t in new}
    stale = [k for k in mine if k not in new_keys]
    replaced = store.delete_transactions(user_id, stale) if stale else 0
    batch = replace(batch, rows_added=batch.rows_added + written)
    if earlier is None or replacing or written or earlier.status != "complete":
        store.put_import_batch(batch)
    if end is not None:
        store.mark_known(user_id, end)  # the statement's last day is known even when its last days had no rows
    _remember(store, user_id, detected, options)
    log.info(
        "imported file",
        extra={"user_id": user_id, "batch": batch_id, "imported": written, "duplicates": duplicates,
               "replaced": replaced, "rejected": len(errors)},
    )
    return ImportReport(imported=written, duplicates=duplicates, rejected=len(errors), errors=errors,
                        replaced=replaced, batch_id=batch_id, notes=currency_notes(candidates, home))


def _setting(value: Any) -> str:
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "" if value is None else str(value)


def _remember(store: Store, user_id: str, detected: dict[str, Any], options: ImportOptions | None) -> None:
    """Remember what the user confirmed for files of this shape, so next month's export imports in one step."""
    signature = detected.get("signature")
    if not signature or detected.get("format") != "csv" or detected.get("remembered"):
        return
    chosen = options or ImportOptions()
    settings = {
        "delimiter": chosen.delimiter or "",
        "decimal": chosen.decimal or "",
        "date_format": chosen.date_format or "",
        "encoding": chosen.encoding or "",
        "sign": str(detected.get("sign")) if detected.get("sign") in ("bank", "spending") else "",
        "dates": chosen.dates or "",
    }
    store.put_mapping(SavedMapping(user_id, digest(signature), dict(chosen.columns or {}), settings, _now()))


def remembered_options(mapping: SavedMapping) -> ImportOptions:
    """The options a remembered mapping stands for."""
    s = mapping.settings
    return ImportOptions(
        delimiter=s.get("delimiter") or None, decimal=s.get("decimal") or None,
        date_format=s.get("date_format") or None, columns=dict(mapping.columns) or None,
        sign=s.get("sign") or None, encoding=s.get("encoding") or None, dates=s.get("dates") or None,
    )


def undo_import(store: Store, user_id: str, batch_id: str) -> int:
    """Delete every row one import wrote, and its record; returns how many rows were deleted."""
    batch = store.get_import_batch(user_id, batch_id)
    if batch is None:
        raise ValidationError({"import": f"There is no import '{batch_id}' to undo."})
    keys: list[str] = []
    if batch.covered_from and batch.covered_through:
        rows = store.list_transactions(user_id, batch.covered_from, batch.covered_through)
        keys = [t.sort_key for t in rows if t.import_batch == batch_id]
    deleted = store.delete_transactions(user_id, keys) if keys else 0
    store.delete_import_batch(user_id, batch_id)
    log.info("import undone", extra={"user_id": user_id, "batch": batch_id, "deleted": deleted})
    return deleted
