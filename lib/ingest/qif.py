"""QIF (Quicken Interchange Format) bank, cash and card accounts, read by quiffen record by record.

quiffen is the maintained QIF library; each record is handed to it on its own, so one broken
record is reported by its line and the others are still read. QIF dates have no fixed order:
the order is decided from all the dates of the file, like the CSV reader does.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from decimal import Decimal
from typing import Any

from lib.core import clock
from lib.core.errors import ValidationError
from lib.core.models import CENT, clean_text
from lib.ingest.amounts import amount_problem
from lib.ingest.dates import implausible
from lib.ingest.roles import informative
from lib.ingest.text import decode, one_line
from lib.ingest.types import ParsedRow, ParseResult, RowError

log = logging.getLogger(__name__)

_BANK_TYPES = ("bank", "cash", "ccard", "oth a", "oth l")
_DATE_RE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*['/.-]\s*(\d{2,4})")


def looks_like_qif(head: str) -> bool:
    """A QIF file opens with a !Type:, !Account or !Option line."""
    first = next((line.strip() for line in head.splitlines() if line.strip()), "")
    return first.lower().startswith(("!type:", "!account", "!option"))


def _records(text: str) -> tuple[str, list[tuple[int, list[str]]]]:
    """The account type line and each record (start line, its lines); '^' ends a record."""
    header = ""
    out: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("!"):
            if stripped.lower().startswith("!type:"):
                header = stripped
            continue
        if stripped == "^":
            if current:
                out.append((start, current))
            current = []
            continue
        if not current:
            start = number
        current.append(stripped)
    if current:
        out.append((start, current))
    return header, out


def _day_first(records: list[tuple[int, list[str]]]) -> bool:
    firsts = [m for _, lines in records for ln in lines if ln[:1] == "D" and (m := _DATE_RE.fullmatch(ln[1:].strip()))]
    day_votes = sum(1 for m in firsts if int(m[1]) > 12 >= int(m[2]))
    month_votes = sum(1 for m in firsts if int(m[2]) > 12 >= int(m[1]))
    return day_votes > month_votes


def parse_qif(data: bytes, today: dt.date | None = None) -> ParseResult:
    """Every transaction of a bank/cash/card QIF file, in the product's sign (QIF: negative is money out)."""
    from quiffen import Qif

    today = today or clock.today()
    text, encoding = decode(data, None)
    header, records = _records(text)
    kind = header.split(":", 1)[1].strip().lower() if ":" in header else "bank"
    if kind not in _BANK_TYPES:
        raise ValidationError({"file": f"This QIF file holds a '{kind}' account; only bank, cash and card "
                                       "accounts can be imported."})
    day_first = _day_first(records)
    parsed: list[tuple[int, Any, str]] = []
    errors: list[RowError] = []
    for line, lines in records:
        raw = " | ".join(lines)[:200]
        try:
            qif = Qif.parse_string(f"{header or '!Type:Bank'}\n" + "\n".join(lines) + "\n^", day_first=day_first)
            txn = next(t for acc in qif.accounts.values() for ts in acc.transactions.values() for t in ts)
        except StopIteration:
            errors.append(RowError(line, "no transaction in this record", raw))
            continue
        except Exception as exc:  # noqa: BLE001 - quiffen raises many kinds; each means this record is unreadable
            errors.append(RowError(line, f"unreadable record ({type(exc).__name__}: {str(exc)[:120]})", raw))
            continue
        parsed.append((line, txn, raw))
    memos = [one_line(str(t.memo or "")) for _, t, _ in parsed]
    combine = informative(memos, sparse=True) > 0.3
    rows: list[ParsedRow] = []
    for (line, t, raw), memo in zip(parsed, memos, strict=True):
        day = t.date.date() if isinstance(t.date, dt.datetime) else t.date
        amount = -Decimal(t.amount)
        payee = one_line(str(t.payee or ""))
        description = f"{payee} · {memo}" if combine and payee and memo and memo not in payee else (payee or memo)
        if reason := implausible(day, today) or amount_problem(amount):
            errors.append(RowError(line, reason, raw))
            continue
        category = "Other"
        if t.category is not None:
            category = clean_text(getattr(t.category, "name", "") or "", 40) or "Other"
        elif t.to_account is not None:
            category = "Transfer"
        rows.append(ParsedRow(line, day, amount.quantize(CENT), description, category, None, raw))
    if not records:
        raise ValidationError({"file": "This QIF file has no transactions."})
    detected: dict[str, Any] = {
        "format": "qif", "encoding": encoding, "account_type": kind,
        "date_format": "day/month" if day_first else "month/day",
        "columns": {"date": "D", "amount": "T", "description": "P + M" if combine else "P", "category": "L"},
        "amount_mode": "signed", "sign": "bank", "sign_reason": "QIF amounts are negative for money out",
    }
    errors.sort(key=lambda e: e.line_number)
    return ParseResult(rows, errors, detected)
