"""QIF (Quicken Interchange Format): the bank, cash and card sections of a file, read by quiffen record by record.

A QIF file may hold several sections: bank and card accounts next to an investment account, the
category list, memorised transactions. The bank, cash and card sections are imported; every other
section is skipped and named in the report, as are opening-balance records (a balance, not a
purchase). quiffen (the maintained QIF library) reads each record on its own, so one broken record
is reported by its line and the others are still read. Dates and amounts are read by us: QIF dates
have no fixed day/month order (decided from the whole file, then from its clues, else asked) and
quiffen reads a decimal comma as a thousands mark.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lib.core import clock
from lib.core.errors import ValidationError
from lib.core.models import CENT, clean_text
from lib.ingest.amounts import Money, amount_problem, decide_decimal, split_amount, to_decimal
from lib.ingest.dates import DateReader, implausible, payee_clue
from lib.ingest.roles import informative
from lib.ingest.text import decode, one_line
from lib.ingest.types import ParsedRow, ParseResult, RowError

log = logging.getLogger(__name__)

MAX_LINE = 512  # a QIF field is a line of a few words; longer is cut before anything looks at it
_BANK_TYPES = ("bank", "cash", "ccard", "oth a", "oth l")
_SKIPPED_NAMES = {
    "invst": "investment account", "cat": "category list", "class": "class list",
    "memorized": "memorised transactions", "prices": "security prices", "security": "security list",
    "account": "account list", "invoice": "invoices", "template": "budget templates",
}
_OPENING = ("opening balance", "opening bal", "anfangssaldo", "solde initial", "beginsaldo", "saldo inicial")
_QUICKEN_YEAR_RE = re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})\s*'\s*(\d{1,2})")


def looks_like_qif(head: str) -> bool:
    """A QIF file opens with a !Type:, !Account or !Option line."""
    first = next((line.strip() for line in head.splitlines() if line.strip()), "")
    return first.lower().startswith(("!type:", "!account", "!option", "!clear"))


@dataclass
class _Record:
    line: int
    kind: str
    lines: list[str] = field(default_factory=list)

    def get(self, code: str) -> str:
        return next((ln[1:].strip() for ln in self.lines if ln[:1] == code), "")


def _sections(text: str) -> tuple[list[_Record], Counter[str]]:
    """Bank-like records in order, and how many records each skipped section held."""
    kind = "bank"
    records: list[_Record] = []
    skipped: Counter[str] = Counter()
    current: _Record | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw[:MAX_LINE].strip()
        if not line:
            continue
        if line.startswith("!"):
            lower = line.lower()
            if lower.startswith("!type:"):
                kind = lower[6:].strip()
            elif lower.startswith("!account"):
                kind = "account"
            current = None  # !Option:AutoSwitch and !Clear:AutoSwitch only switch Quicken's modes
            continue
        if line == "^":
            if current is not None:
                if current.kind in _BANK_TYPES:
                    records.append(current)
                else:
                    skipped[current.kind] += 1
            current = None
            continue
        if current is None:
            current = _Record(number, kind)
        current.lines.append(line)
    if current is not None:
        (records.append(current) if current.kind in _BANK_TYPES else skipped.update([current.kind]))
    return records, skipped


def _date_text(text: str) -> str:
    """Quicken's US form "11/ 3'25" (the apostrophe marks 2000s years) to "11/3/25"; spaces out."""
    if m := _QUICKEN_YEAR_RE.fullmatch(text.strip()):
        return f"{m[1]}/{m[2]}/{m[3]}"
    return text.replace(" ", "")


def parse_qif(data: bytes, today: dt.date | None = None, order: str | None = None) -> ParseResult:
    """Every transaction of the bank/cash/card sections, in the product's sign (QIF: negative is money out)."""
    from quiffen import Qif

    today = today or clock.today()
    text, encoding = decode(data, None)
    records, skipped = _sections(text)
    notes = [f"skipped {count} record{'s' if count > 1 else ''} of the {_SKIPPED_NAMES.get(kind, kind)} section"
             for kind, count in sorted(skipped.items())]
    if not records:
        named = ", ".join(_SKIPPED_NAMES.get(k, k) for k in sorted(skipped)) or "no records"
        raise ValidationError({"file": f"This QIF file has no bank, cash or card transactions ({named})."})
    amounts: list[Money | str] = [split_amount(r.get("T") or r.get("U")) for r in records]
    decimal = decide_decimal(amounts, ",")
    quicken_years = any("'" in r.get("D") for r in records)
    dates = DateReader([(r.line, _date_text(r.get("D"))) for r in records], None, order, decimal=decimal,
                       clues=([("mdy", "Quicken's US date form (11/ 3'25)")] if quicken_years else [])
                       + payee_clue([f"{r.get('P')} {r.get('M')}" for r in records]))
    parsed: list[tuple[_Record, Any, dt.date, Decimal]] = []
    errors: list[RowError] = []
    opening = 0
    for record, money in zip(records, amounts, strict=True):
        raw = " | ".join(record.lines)[:200]
        day = dates.read(_date_text(record.get("D")))
        value = to_decimal(money, decimal) if isinstance(money, Money) else money
        if isinstance(day, str) or isinstance(value, str):
            errors.append(RowError(record.line, str(day if isinstance(day, str) else f"amount {value}"), raw))
            continue
        payee = record.get("P").casefold()
        if payee.startswith(_OPENING) or (not payee and record is records[0] and record.get("L").startswith("[")):
            opening += 1  # the account's starting balance, not money spent or received
            continue
        body = [ln for ln in record.lines if ln[:1] not in ("D", "T", "U")]
        try:
            qif = Qif.parse_string(f"!Type:Bank\nD01/01/2000\nT{value}\n" + "\n".join(body) + "\n^",
                                   day_first=True)
            txn = next(t for acc in qif.accounts.values() for ts in acc.transactions.values() for t in ts)
        except StopIteration:
            errors.append(RowError(record.line, "no transaction in this record", raw))
            continue
        except Exception as exc:  # noqa: BLE001 - quiffen raises many kinds; each means this record is unreadable
            errors.append(RowError(record.line, f"unreadable record ({type(exc).__name__}: {str(exc)[:120]})", raw))
            continue
        parsed.append((record, txn, day, value))
    if opening:
        notes.append(f"skipped {opening} opening balance record{'s' if opening > 1 else ''}")
    memos = [one_line(str(t.memo or "")) for _, t, _, _ in parsed]
    combine = informative(memos, sparse=True) > 0.3
    rows: list[ParsedRow] = []
    for (record, t, day, value), memo in zip(parsed, memos, strict=True):
        raw = " | ".join(record.lines)[:200]
        amount = -value
        payee = one_line(str(t.payee or ""))
        description = f"{payee} · {memo}" if combine and payee and memo and memo not in payee else (payee or memo)
        if reason := implausible(day, today) or amount_problem(amount):
            errors.append(RowError(record.line, reason, raw))
            continue
        category = "Other"
        if t.category is not None:
            category = clean_text(getattr(t.category, "name", "") or "", 40) or "Other"
        elif t.to_account is not None:
            category = "Transfer"
        rows.append(ParsedRow(record.line, day, amount.quantize(CENT), description, category, None, raw))
    kinds = sorted({r.kind for r in records})
    detected: dict[str, Any] = {
        "format": "qif", "encoding": encoding, "account_type": ", ".join(kinds), "decimal": decimal,
        "date_format": dates.fmt, "date_order_reason": dates.order_reason,
        "date_order": ("day/month" if dates.day_first else "month/day") if dates.question is None else "unknown",
        "columns": {"date": "D", "amount": "T", "description": "P + M" if combine else "P", "category": "L"},
        "amount_mode": "signed", "sign": "bank", "sign_reason": "QIF amounts are negative for money out",
        "notes": notes, "skipped_sections": dict(skipped), "opening_balances_skipped": opening,
    }
    errors.sort(key=lambda e: e.line_number)
    return ParseResult(rows, errors, detected, None, dates.question)
