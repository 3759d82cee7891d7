"""Delimited bank exports (CSV, semicolon, tab): layout, header, rows in the product's sign.

Whatever can be detected is detected (and reported in `ParseResult.detected` for the preview);
options override the guess. A bad row is reported with its line number in the ORIGINAL file and
never stops the good rows: an unbalanced quote costs the line it opens on, not the rest of the file.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from lib.core import clock
from lib.core.errors import ValidationError
from lib.core.models import CENT, clean_text
from lib.ingest import sign as signs
from lib.ingest.amounts import (
    CODE_RE,
    Money,
    amount_problem,
    cell_currency,
    decide_decimal,
    is_amountish,
    mark_direction,
    split_amount,
    to_decimal,
)
from lib.ingest.dates import DateReader, date_parts, implausible
from lib.ingest.roles import Plan, column_names, plan_for
from lib.ingest.text import DELIMITERS, checked, decode, norm, one_line
from lib.ingest.types import ImportOptions, ParsedRow, ParseResult, RowError

log = logging.getLogger(__name__)

_SAMPLE_CHARS = 64 * 1024
_SAMPLE_RECORDS = 200
_HEADER_SEARCH = 60  # junk lines above a header are a handful, never pages
MAX_SPAN = 12  # a quoted memo spans a few lines; a "record" longer than this is an unbalanced quote
MAX_CELL = 4096  # characters; a longer cell is a broken row, not a description
Record = tuple[int, list[str], str | None]


def records(text: str, delimiter: str) -> Iterator[Record]:
    """(line, cells, problem) for each record, from the physical line it starts on.

    A record the csv module cannot read, or one that runs on for more than MAX_SPAN lines
    (a quote opened and never closed), is reported on its first line, and reading starts
    again on the next line, so the rows after it are still read. The reader is never handed
    more than MAX_SPAN lines past the last record's end, so a file of unclosed quotes costs
    MAX_SPAN lines each, not the rest of the file each: the work is linear in the file.
    """
    lines = io.StringIO(text, newline="").readlines()
    total = len(lines)
    start = 0
    while start < total:
        limit = [start + MAX_SPAN]

        def feed(begin: int = start, limit: list[int] = limit) -> Iterator[str]:
            i = begin
            while i < total and i < limit[0]:
                yield lines[i]
                i += 1

        reader = csv.reader(feed(), delimiter=delimiter, skipinitialspace=True, strict=True)
        previous = 0
        try:
            for cells in reader:
                first = start + previous + 1
                if reader.line_num - previous > MAX_SPAN or start + reader.line_num > limit[0]:
                    yield first, [], "unbalanced quote: the quote opened on this line is never closed"
                    start = first
                    break
                yield first, cells, None
                previous = reader.line_num
                limit[0] = start + previous + MAX_SPAN
            else:
                if start + previous >= total or start + reader.line_num >= total:
                    return
                # The window ended inside a record: a quote left open for MAX_SPAN lines.
                first = start + previous + 1
                yield first, [], "unbalanced quote: the quote opened on this line is never closed"
                start = first
        except csv.Error as exc:
            first = start + previous + 1
            problem = str(exc)
            if "unexpected end of data" in problem or "expected after" in problem:
                problem = "unbalanced quote: the quote opened on this line is never closed"
            yield first, [], f"unreadable row ({problem})"
            start = first


def _short(cells: list[str]) -> bool:
    """No cell longer than MAX_CELL: only such rows reach a regular expression."""
    return all(len(c) <= MAX_CELL for c in cells)


def _raw(cells: list[str], delimiter: str) -> str:
    return delimiter.join(cells)[:200]


# ---------------------------------------------------------------------------------------------
# Layout: delimiter and header
# ---------------------------------------------------------------------------------------------
def _find_header(sample: list[Record], columns: dict[str, str] | None) -> tuple[Plan | None, int]:
    """The first record that reads as a header, and how many of the next rows have its width."""
    good = [(line, cells) for line, cells, problem in sample if problem is None]
    for position, (line, cells) in enumerate(good[:_HEADER_SEARCH]):
        below = [c for _, c in good[position + 1 :]]
        plan = plan_for(cells, line, columns, below)
        if plan:
            return plan, sum(1 for c in below[:20] if len(c) == plan.width)
    return None, 0


def _content_plan(sample: list[Record], columns: dict[str, str] | None) -> tuple[Plan | None, int]:
    """For files without a known header: the date and amount columns found by what the cells hold."""
    good = [(line, c) for line, c, problem in sample if problem is None]
    widths = Counter(len(c) for _, c in good if len(c) >= 2)
    if not widths:
        return None, 0
    width, count = widths.most_common(1)[0]
    recs = [(line, c) for line, c in good if len(c) == width]
    if columns:
        if not all(v.strip().isdigit() for v in columns.values()):
            return None, 0  # the user named columns this file does not have: say so, do not guess
        return plan_for(["x"] * width, None, columns, [c for _, c in recs]), count
    # A first row without a single date or number is a header in words we do not know.
    header_line: int | None = None
    header: list[str] = []
    if len(recs) > 1 and not any(date_parts(c.strip()) or is_amountish(c) for c in recs[0][1]):
        header_line, header = recs[0]
        recs = recs[1:]
    rows = [c for _, c in recs]
    date_score = [sum(1 for r in rows if date_parts(r[i].strip())) / len(rows) for i in range(width)]
    date_col = max(range(width), key=lambda i: date_score[i])
    if date_score[date_col] < 0.8:
        return None, 0

    def amount_score(i: int) -> float:
        ok = [r[i] for r in rows if is_amountish(r[i])]
        # Cents make an amount column; a column of plain reference numbers scores lower.
        with_cents = sum(1 for v in ok if re.search(r"[.,]\d{2}\W*$", v.strip()))
        return (len(ok) + 0.1 * with_cents) / len(rows)

    others = [i for i in range(width) if i != date_col]
    amount_col = max(others, key=amount_score, default=None)
    if amount_col is None or amount_score(amount_col) < 0.8:
        return None, 0
    texts = [i for i in others if i != amount_col]
    desc = sorted(texts, key=lambda i: -sum(len(r[i]) for r in rows))[:1]
    cols = {"date": date_col, "amount": amount_col}
    if desc:
        cols["description"] = desc[0]
    return Plan(header_line, header, cols, desc, width), count


def choose_layout(text: str, options: ImportOptions) -> tuple[str, Plan]:
    """The delimiter and column plan that explain the file best."""
    candidates = (options.delimiter,) if options.delimiter else DELIMITERS
    sample_text = text[:_SAMPLE_CHARS]
    best: tuple[tuple[int, int], str, Plan] | None = None
    samples: dict[str, list[Record]] = {}
    for delimiter in candidates:
        sample = list(itertools.islice(records(sample_text, delimiter), _SAMPLE_RECORDS))
        if len(sample_text) < len(text) and len(sample) > 1:
            sample = sample[:-1]  # the cut may have split the last record
        samples[delimiter] = sample
        plan, consistent = _find_header(sample, options.columns)
        if plan and (best is None or (1, consistent) > best[0]):
            best = ((1, consistent), delimiter, plan)
    if best is None:
        for delimiter, sample in samples.items():
            plan, consistent = _content_plan(sample, options.columns)
            if plan and (best is None or (0, consistent) > best[0]):
                best = ((0, consistent), delimiter, plan)
    if best is None:
        if options.columns:
            first = next((c for s in samples.values() for _, c, _p in s if len(c) > 1), [])
            shown = ", ".join(c.strip() for c in first if c.strip())[:200]
            wanted = ", ".join(options.columns.values())
            raise ValidationError({"columns": f"Could not find the columns {wanted} (header looks like: {shown})."})
        raise ValidationError(
            {"file": "Could not find a date column and an amount column; name them with --columns date=...,amount=..."}
        )
    return best[1], best[2]


def header_signature(plan: Plan, delimiter: str) -> str | None:
    """The shape of a bank's export (delimiter and header words), to remember a confirmed mapping by."""
    if not plan.header:
        return None
    return delimiter + "\x1f" + "\x1f".join(norm(c) for c in plan.header)


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
        currencies |= {code for _, c in good[:_SAMPLE_RECORDS] if (code := cell_currency(cell(c, "currency")))}
    dates = DateReader([(line, cell(c, "date")) for line, c in good], options.date_format, options.dates,
                       decimal=decimal, header=plan.header, currencies=currencies)
    header_currency = _header_currency(plan)
    mode = ("direction" if "direction" in cols else "signed") if "amount" in cols else "debit/credit"

    staged: list[tuple[int, list[str], dt.date, Decimal, str | None, str]] = []
    errors: list[RowError] = []
    started = plan.header_line is not None  # without a header, junk above the first dated row is skipped
    for line, cells, problem in recs:
        if problem is not None:
            errors.append(RowError(line, problem))
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
        staged.append((line, cells, day, parsed[0], parsed[1], one_line(_description(cells, plan))))

    sign = options.sign
    sign_reason = "given" if sign else ""
    question = None
    if mode == "signed" and sign is None:
        if any(isinstance(m, Money) and m.marked for m in amounts):
            sign, sign_reason = "spending", "CR/DR marks on the amounts"  # already read in the product's terms
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
    }
    log.info(
        "parsed csv",
        extra={"rows": len(rows), "errors": len(errors), "delimiter": delimiter, "decimal": decimal,
               "encoding": encoding, "sign": detected["sign"]},
    )
    return ParseResult(rows, errors, detected, question, dates.question)
