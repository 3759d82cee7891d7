"""Delimited bank exports (CSV, semicolon, tab): layout, header, rows in the product's sign.

Whatever can be detected is detected (and reported in `ParseResult.detected` for the preview);
options override the guess. A bad row is reported with its line number in the ORIGINAL file and
never stops the good rows: an unbalanced quote costs the line it opens on, not the rest of the file.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from lib.core import clock
from lib.core.models import CENT, clean_text
from lib.ingest import sign as signs
from lib.ingest.amounts import (
    CODE_RE,
    Money,
    amount_problem,
    cell_currency,
    decide_decimal,
    mark_direction,
    split_amount,
    to_decimal,
)
from lib.ingest.dates import DateReader, implausible, payee_clue
from lib.ingest.layout import MAX_CELL, SAMPLE_RECORDS, Record, choose_layout, header_signature, records
from lib.ingest.pending import is_hold, is_pending, status_column
from lib.ingest.roles import Plan, column_names
from lib.ingest.text import checked, decode, norm, one_line
from lib.ingest.types import ImportOptions, ParsedRow, ParseResult, RowError

log = logging.getLogger(__name__)



def _short(cells: list[str]) -> bool:
    """No cell longer than MAX_CELL: only such rows reach a regular expression."""
    return all(len(c) <= MAX_CELL for c in cells)


def _raw(cells: list[str], delimiter: str) -> str:
    return delimiter.join(cells)[:200]


# ---------------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------------
_SUMMARY_WORDS = {
    "total", "totals", "subtotal", "sum", "summe", "gesamt", "gesamtsumme", "saldo", "endsaldo",
    "anfangssaldo", "balance", "kontostand", "solde", "closing", "opening", "ancien", "nouveau", "totaal",
}


def _skippable(cells: list[str]) -> bool:
    """Summary, balance and note lines banks append after the data: not transactions, not errors."""
    filled = [c.strip() for c in cells if c.strip()]
    if not filled:
        return True
    first = norm(filled[0]).split(" ")[0]
    if first in _SUMMARY_WORDS:
        return True
    return len(filled) == 1 and not re.search(r"\d", filled[0])


def _data_records(text: str, delimiter: str, plan: Plan) -> tuple[list[Record], list[int]]:
    """The non-blank records below the header, and the lines of repeated headers left out."""
    out: list[Record] = []
    skipped: list[int] = []
    header_norm = [norm(c) for c in plan.header]
    for line, cells, problem in records(text, delimiter):
        if plan.header_line is not None and line <= plan.header_line:
            continue
        if problem is None and not any(c.strip() for c in cells):
            continue
        if (
            plan.header
            and len(cells) == plan.width
            and cells[0].strip() == plan.header[0].strip()
            and [norm(c) for c in cells] == header_norm
        ):
            skipped.append(line)  # some banks repeat the header on every "page"
            continue
        out.append((line, cells, problem))
    return out, skipped


def _header_currency(plan: Plan) -> str | None:
    """A currency named in the amount column's header, as in 'Betrag (EUR)' or 'Débit euros'."""
    for role in ("amount", "debit", "credit"):
        if role in plan.cols and plan.header:
            name = plan.header[plan.cols[role]]
            if m := CODE_RE.search(name):
                return m[1].upper()
            if re.search(r"\beuros?\b", name, re.IGNORECASE):
                return "EUR"
    return None


def _row_amount(
    cells: list[str], cell: Callable[[list[str], str], str], mode: str, decimal: str
) -> tuple[Decimal, str | None] | str:
    """The row's amount as written for 'signed', else already in the product's sign; or a reason."""
    if mode == "debit/credit":
        total = Decimal(0)
        currency = None
        seen = False
        for role, sign in (("debit", 1), ("credit", -1)):
            text = cell(cells, role)
            if not text.strip():
                continue
            money = split_amount(text)
            if isinstance(money, str):
                return f"{role} {money}"
            value = to_decimal(money, decimal)
            if isinstance(value, str):
                return f"{role} {value}"
            total += abs(value) * sign
            currency = currency or money.currency
            seen = True
        return (total, currency) if seen else "missing amount (debit and credit are both empty)"
    money = split_amount(cell(cells, "amount"))
    if isinstance(money, str):
        return money
    value = to_decimal(money, decimal)
    if isinstance(value, str):
        return value
    if mode == "direction":
        text = cell(cells, "direction")
        direction = mark_direction(text, norm(text))
        if direction is None:
            return f"'{text.strip()}' is neither a debit nor a credit mark"
        return abs(value) * direction, money.currency
    return value, money.currency


def _description(cells: list[str], plan: Plan) -> str:
    if plan.combine:
        party, purpose = (cells[i].strip() if i < len(cells) else "" for i in plan.combine)
        if party and purpose and purpose.casefold() not in party.casefold():
            return f"{party} · {purpose}"
        if party or purpose:
            return party or purpose
    return next((cells[i] for i in plan.desc_cols if i < len(cells) and cells[i].strip()), "")


def parse_csv(data: bytes, options: ImportOptions | None = None, today: dt.date | None = None) -> ParseResult:
    """Read a bank export into rows in the product's sign, reporting each bad row by its line number."""
    options = checked(options or ImportOptions())
    today = today or clock.today()
    text, encoding = decode(data, options.encoding)
    delimiter, plan = choose_layout(text, options)
    cols = plan.cols
    recs, skipped = _data_records(text, delimiter, plan)

    def cell(cells: list[str], role: str) -> str:
        index = cols.get(role)
        return cells[index] if index is not None and index < len(cells) else ""

    good = [(line, c) for line, c, problem in recs if problem is None and _short(c)]
    amounts = [split_amount(cell(c, r)) for _, c in good for r in ("amount", "debit", "credit") if r in cols]
    decimal = options.decimal or decide_decimal(amounts, delimiter)
    currencies = {m.currency for m in amounts if isinstance(m, Money) and m.currency}
    if "currency" in cols:
        currencies |= {code for _, c in good[:SAMPLE_RECORDS] if (code := cell_currency(cell(c, "currency")))}
    dates = DateReader([(line, cell(c, "date")) for line, c in good], options.date_format, options.dates,
                       decimal=decimal, header=plan.header, currencies=currencies,
                       clues=payee_clue([_description(c, plan) for _, c in good[:SAMPLE_RECORDS]]))
    header_currency = _header_currency(plan)
    mode = ("direction" if "direction" in cols else "signed") if "amount" in cols else "debit/credit"

    staged: list[tuple[int, list[str], dt.date, Decimal, str | None, str]] = []
    errors: list[RowError] = []
    started = plan.header_line is not None  # without a header, junk above the first dated row is skipped
    status = status_column(plan.header, [c for _, c in good[:SAMPLE_RECORDS]]) if plan.header else None
    pending = 0
    for line, cells, problem in recs:
        if problem is not None:
            errors.append(RowError(line, problem))
            continue
        if is_pending(cells, status):
            pending += 1  # held, not booked: the booked row that follows is the one kept
            continue
        if (longest := max((len(c) for c in cells), default=0)) > MAX_CELL:
            errors.append(RowError(line, f"a cell of {longest:,} characters is too long for a bank row",
                                   _raw(cells, delimiter)))
            continue
        day = dates.read(cell(cells, "date"))
        if isinstance(day, str):
            if _skippable(cells) or not started:
                skipped.append(line)
            else:
                errors.append(RowError(line, day, _raw(cells, delimiter)))
            continue
        started = True
        if reason := implausible(day, today):
            errors.append(RowError(line, reason, _raw(cells, delimiter)))
            continue
        parsed = _row_amount(cells, cell, mode, decimal)
        if isinstance(parsed, str):
            errors.append(RowError(line, parsed, _raw(cells, delimiter)))
            continue
        if is_hold(parsed[0], _description(cells, plan)):
            pending += 1
            continue
        staged.append((line, cells, day, parsed[0], parsed[1], one_line(_description(cells, plan))))

    sign = options.sign
    sign_reason = "given" if sign else ""
    question = None
    if mode == "signed" and sign is None:
        if any(isinstance(m, Money) and m.marked for m in amounts):
            sign, sign_reason = "spending", "CR/DR marks on the amounts"  # already read in the product's terms
        elif any(isinstance(m, Money) and m.plus for m in amounts):
            sign, sign_reason = "bank", "amounts carry explicit + and - signs (minus is money out)"
        elif staged:
            verdict = signs.decide([signs.Staged(s[0], s[2], s[3], s[5]) for s in staged])
            if isinstance(verdict, tuple):
                sign, sign_reason = verdict
            else:
                question = verdict
    flip = -1 if (mode == "signed" and sign == "bank") else 1

    rows: list[ParsedRow] = []
    for line, cells, day, value, currency, description in staged:
        amount = value * flip
        if problem := amount_problem(amount):
            errors.append(RowError(line, problem, _raw(cells, delimiter)))
            continue
        rows.append(
            ParsedRow(
                line_number=line,
                date=day,
                amount=amount.quantize(CENT),
                description=description,
                category=clean_text(cell(cells, "category"), 40) or "Other",
                currency=cell_currency(cell(cells, "currency")) or currency or header_currency,
                raw=_raw(cells, delimiter),
            )
        )

    errors.sort(key=lambda e: e.line_number)
    detected: dict[str, Any] = {
        "format": "csv",
        "encoding": encoding,
        "delimiter": delimiter,
        "decimal": decimal,
        "date_format": dates.fmt,
        "date_order": ("day/month" if dates.day_first else "month/day") if dates.question is None else "unknown",
        "date_order_reason": dates.order_reason,
        "columns": column_names(plan),
        "header": [c.strip() for c in plan.header],
        "header_line": plan.header_line,
        "amount_mode": mode,
        "sign": (sign or "unknown") if mode == "signed" else mode,
        "sign_reason": sign_reason if mode == "signed" else "",
        "notes": plan.notes,
        "signature": header_signature(plan, delimiter),
        "skipped_lines": sorted(skipped),
        "pending_skipped": pending,
    }
    log.info(
        "parsed csv",
        extra={"rows": len(rows), "errors": len(errors), "delimiter": delimiter, "decimal": decimal,
               "encoding": encoding, "sign": detected["sign"]},
    )
    return ParseResult(rows, errors, detected, question, dates.question)
