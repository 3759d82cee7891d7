"""What the importer found, as tables a user can check before importing (page and CLI alike)."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from lib.core import fx
from lib.core.errors import ValidationError
from lib.core.fx import RateSource
from lib.core.models import Transaction
from lib.core.types import ImportBatch
from lib.ingest.dates import date_parts
from lib.ingest.types import DateQuestion, ParsedRow, RowError, SignQuestion

_DELIMITER_NAMES = {",": "comma (,)", ";": "semicolon (;)", "\t": "tab", "|": "pipe (|)"}
_SIGN_NAMES = {
    "bank": "bank style: negative amounts are spending",
    "spending": "positive amounts are spending",
    "unknown": "⚠ the file does not tell which amounts are spending",
    "direction": "a debit/credit marker on every row",
}
_REPORTED = ("skipped", "read leniently")
_FORMAT_NAMES = {"csv": "CSV (delimited text)", "ofx": "OFX / QFX", "qif": "QIF", "camt": "CAMT.053 (ISO 20022 XML)"}


def detected_table(detected: dict[str, Any]) -> pd.DataFrame:
    """What the importer detected in a file, in words a user can check before importing."""
    columns = detected.get("columns") or {}
    kind = str(detected.get("format") or "csv")
    sign = str(detected.get("sign"))
    amounts = "separate debit and credit columns" if detected.get("amount_mode") == "debit/credit" \
        else _SIGN_NAMES.get(sign, sign)
    if detected.get("sign_reason") and sign in ("bank", "spending"):
        amounts += f" ({detected['sign_reason']})"
    rows = [
        ("Format", _FORMAT_NAMES.get(kind, kind) + (f" {detected['version']}" if detected.get("version") else "")),
        ("Columns", ", ".join(f"{role} ← “{name}”" for role, name in columns.items()) or "—"),
    ]
    if kind == "csv":
        rows += [
            ("Header on line", str(detected.get("header_line") or "none (read by content)")),
            ("Delimiter", _DELIMITER_NAMES.get(str(detected.get("delimiter")), repr(detected.get("delimiter")))),
            ("Decimal mark", "comma (1.234,56)" if detected.get("decimal") == "," else "point (1,234.56)"),
        ]
    if kind in ("csv", "qif"):
        order = str(detected.get("date_order") or "")
        why = str(detected.get("date_order_reason") or "")
        rows.append(("Date format", str(detected.get("date_format") or "—")))
        rows.append(("Date order", "⚠ unknown: every date reads both ways; say which" if order == "unknown"
                     else order + (f" ({why})" if why else "")))
    rows.append(("Amounts", amounts))
    if detected.get("reader") == "lenient":
        rows.append(("Reader", "our lenient OFX reader (the strict one refused the file)"))
    if detected.get("covered_through"):
        rows.append(("Statement ends", str(detected["covered_through"])))
    if detected.get("remembered"):
        rows.append(("Mapping", "remembered from your last import of this layout"))
    for note in detected.get("notes") or []:
        if not str(note).startswith(_REPORTED):  # those are said with the outcome (report_notes)
            rows.append(("Note", str(note)))
    rows.append(("Encoding", str(detected.get("encoding") or "—")))
    return pd.DataFrame(rows, columns=["Detected", "Value"])


def preview_table(rows: list[ParsedRow], limit: int = 10, home: str = "",
                  rates: RateSource | None = None) -> pd.DataFrame:
    """The first parsed rows as they will be imported (line number, date, amount, text).

    Issue 25: when a row is in another currency than `home`, its currency and what it becomes in home money
    (at which rate of which day) are shown too; a row without a rate says so (the import refuses it).
    """
    table = pd.DataFrame(
        {
            "Line": [r.line_number for r in rows[:limit]],
            "Date": [r.date.isoformat() for r in rows[:limit]],
            "Amount": [f"{r.amount:.2f}" for r in rows[:limit]],
            "Description": [r.description for r in rows[:limit]],
            "Category": [r.category for r in rows[:limit]],
        }
    )
    if any(r.currency and r.currency != home for r in rows[:limit]):
        table.insert(3, "Currency", [r.currency or home or "" for r in rows[:limit]])
        if home:
            converted = [_converted(r, home, rates) for r in rows[:limit]]
            table.insert(4, f"In {home}", [c[0] for c in converted])
            table.insert(5, "Rate", [c[1] for c in converted])
    return table


def _converted(row: ParsedRow, home: str, rates: RateSource | None) -> tuple[str, str]:
    """(the home amount, the rate used and its day) of one previewed row."""
    if row.original is not None and row.original[1] == home:  # the bank's own original (OFX ORIGCURRENCY)
        return f"{row.original[0]}", "as your bank converted it"
    if not row.currency or row.currency == home:
        return f"{row.amount:.2f}", ""
    try:
        txn, rate = fx.price_transaction(Transaction("-", row.date, row.amount, currency=row.currency), home, rates)
    except ValidationError as exc:
        return "—", " ".join(exc.errors.values())
    if rate is None:
        return f"{txn.amount}", f"{txn.fx_rate} (yours)"
    earlier = f", last before {row.date.isoformat()}" if rate.earlier else ""
    return f"{txn.amount}", f"{rate.value} ({rate.source} {rate.day.isoformat()}{earlier})"


def sign_question_table(question: SignQuestion) -> pd.DataFrame:
    """The rows that decide the direction, with what each choice would make of them."""
    return pd.DataFrame(
        {
            "Line": [r.line_number for r in question.evidence],
            "Date": [r.date.isoformat() for r in question.evidence],
            "As written": [f"{r.amount:.2f}" for r in question.evidence],
            "Description": [r.description for r in question.evidence],
            "If positive is spending": ["spending" if r.amount > 0 else "money in" for r in question.evidence],
            "If positive is income": ["money in" if r.amount > 0 else "spending" for r in question.evidence],
        }
    )


def _reading(text: str, day_first: bool) -> str:
    parts = date_parts(text)
    if parts is None or parts.kind != "num":
        return "—"
    day, month = (parts.a, parts.b) if day_first else (parts.b, parts.a)
    try:
        return dt.date(parts.year, month, day).strftime("%d %B %Y")
    except ValueError:
        return "impossible"


def date_question_table(question: DateQuestion) -> pd.DataFrame:
    """The dates that decide the order, as written and as each order would read them."""
    return pd.DataFrame(
        {
            "Line": [line for line, _ in question.evidence],
            "As written": [text for _, text in question.evidence],
            "If day/month (dmy)": [_reading(text, True) for _, text in question.evidence],
            "If month/day (mdy)": [_reading(text, False) for _, text in question.evidence],
        }
    )


def report_notes(detected: dict[str, Any]) -> list[str]:
    """What was left out of the import on purpose (skipped sections, opening balances, pending rows)."""
    notes = [str(n) for n in detected.get("notes") or [] if str(n).startswith(_REPORTED)]
    if detected.get("pending_skipped"):
        notes.append(f"left out {detected['pending_skipped']} pending or authorisation rows (not booked yet)")
    return notes


def row_errors_text(errors: list[RowError], limit: int = 50) -> str | None:
    """Bad rows as a list, one line each ("line 6: reason"); None when there are none."""
    if not errors:
        return None
    lines = [f"- line {e.line_number}: {e.reason}" for e in errors[:limit]]
    if len(errors) > limit:
        lines.append(f"- … and {len(errors) - limit} more")
    return "\n".join(lines)


def batches_table(batches: list[ImportBatch]) -> pd.DataFrame:
    """The user's imports, newest first: file, when, rows added, the days covered."""
    return pd.DataFrame(
        {
            "File": [b.file_name or "—" for b in batches],
            "Imported": [b.imported_at.replace("T", " ")[:16] for b in batches],
            "Format": [b.file_format for b in batches],
            "Rows added": [b.rows_added for b in batches],
            "Covers": [f"{b.covered_from} – {b.covered_through}" if b.covered_from else "—" for b in batches],
            "Status": [b.status for b in batches],
            "id": [b.batch_id for b in batches],
        }
    )


NO_ROLE = "—"


def role_defaults(detected: dict[str, Any]) -> list[str]:
    """The role each header column plays now (NO_ROLE for none), for the page's role pickers."""
    header = list(detected.get("header") or [])
    chosen = ["" for _ in header]
    for role, name in (detected.get("columns") or {}).items():
        for part in str(name).split(" + "):
            if part in header and not chosen[header.index(part)]:
                chosen[header.index(part)] = role
    return [c or NO_ROLE for c in chosen]


def roles_from_choices(header: list[str], choices: list[str]) -> dict[str, str]:
    """role -> column name from the page's pickers (the first column wins when a role is picked twice)."""
    mapping: dict[str, str] = {}
    for name, role in zip(header, choices, strict=False):
        if role != NO_ROLE and role not in mapping:
            mapping[role] = name
    return mapping
