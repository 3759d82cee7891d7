"""What the importer hands around: options, parsed rows, bad rows, the parse result, the report."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ROLES: tuple[str, ...] = ("date", "amount", "debit", "credit", "direction", "description", "category", "currency")
ROLE_HELP: dict[str, str] = {
    "date": "the booking date",
    "amount": "one signed or unsigned amount column",
    "debit": "money out (spending), unsigned",
    "credit": "money in (income, refunds), unsigned",
    "direction": "a debit/credit marker beside an unsigned amount (D/C, DR/CR, Af/Bij, S/H, +/-)",
    "description": "who was paid or what for (several columns may be combined)",
    "category": "the bank's own category",
    "currency": "the amount's currency code",
}
SIGNS: tuple[str, ...] = ("bank", "spending")
DATE_ORDERS: tuple[str, ...] = ("dmy", "mdy")
FORMATS: tuple[str, ...] = ("csv", "ofx", "qif", "camt")


@dataclass(frozen=True)
class ImportOptions:
    """Overrides for what the parser would otherwise detect; None means detect."""

    delimiter: str | None = None
    decimal: str | None = None
    date_format: str | None = None
    columns: dict[str, str] | None = None
    sign: str | None = None
    encoding: str | None = None
    dates: str | None = None  # "dmy" or "mdy": the day/month order, when the file cannot tell


@dataclass(frozen=True)
class ParsedRow:
    """One good row: amount in the product's sign (spending positive, refunds negative)."""

    line_number: int
    date: dt.date
    amount: Decimal
    description: str
    category: str = "Other"
    currency: str | None = None
    raw: str = ""
    key: str | None = None  # the bank's own id of the row (an OFX FITID), the de-duplication key
    # Issue 25: the bank booked `amount` in `currency` from another one (OFX ORIGCURRENCY): (what was spent, in the
    # product's sign; its code; the bank's rate = units of `currency` per unit of it).
    original: tuple[Decimal, str, Decimal] | None = None


@dataclass(frozen=True)
class RowError:
    """A row that could not be used, with the reason a user can act on."""

    line_number: int
    reason: str
    raw: str = ""

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.reason}"


@dataclass(frozen=True)
class SignQuestion:
    """The file does not tell which way its amounts go: the rows that would decide it, for the user."""

    reason: str
    evidence: list[ParsedRow] = field(default_factory=list)


@dataclass(frozen=True)
class DateQuestion:
    """Every date of the file reads both ways: the dates that would decide it, as written, for the user."""

    reason: str
    evidence: list[tuple[int, str]] = field(default_factory=list)  # (line, the date as written)


@dataclass
class ParseResult:
    """Good rows, bad rows, and what was detected (for the UI's preview).

    When `sign_question` is set the rows carry a provisional sign that must not be imported:
    the user answers the question (sign=bank or sign=spending) and the file is read again.
    `date_question` likewise: the rows carry a provisional date until the user gives dates=dmy|mdy.
    """

    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    detected: dict[str, Any] = field(default_factory=dict)
    sign_question: SignQuestion | None = None
    date_question: DateQuestion | None = None


@dataclass
class ImportReport:
    """What an import did: rows written, rows already present, rows refused (with reasons)."""

    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    replaced: int = 0  # rows of an earlier import of the same file that a corrected mapping replaced
    batch_id: str | None = None
    notes: list[str] = field(default_factory=list)  # issue 25: what was converted (or left unconverted)
