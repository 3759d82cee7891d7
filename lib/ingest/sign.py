"""Which way a signed amount column goes, decided from the data or asked: never a silent guess.

Banks write spending negative; card statements write purchases positive. Rows that can only
be money in (a salary, a refund, a card payment received) tell which; failing those, a clear
majority of one sign is the spending side. Otherwise the file does not tell, and the user is asked.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal

from lib.ingest.text import norm
from lib.ingest.types import ParsedRow, SignQuestion

# Money that comes in, in the languages of the exports we meet (normalised: no accents, lowercase).
INCOME_WORDS = (
    "salary", "salaries", "payroll", "wages", "gehalt", "lohn", "salaire", "salario", "nomina", "salaris",
    "loon", "pension", "rente", "interest", "zinsen", "dividend", "refund", "erstattung", "gutschrift",
    "remboursement", "reembolso", "terugbetaling", "teruggave", "cashback", "thank you", "merci", "danke fur",
)
CLEAR_MAJORITY = Decimal(2) / 3


@dataclass(frozen=True)
class Staged:
    """A row read before its sign is known: the amount as the file writes it."""

    line_number: int
    date: dt.date
    value: Decimal
    description: str


@functools.lru_cache(maxsize=16384)
def income_like(description: str) -> bool:
    """Whether a description reads like money coming in (salary, refund, interest)."""
    text = f" {norm(description)} "
    return any(word in text if " " in word else word in text.replace(" ", "") for word in INCOME_WORDS)


def _row(s: Staged, flip: int) -> ParsedRow:
    return ParsedRow(s.line_number, s.date, s.value * flip, s.description)


def decide(staged: list[Staged]) -> tuple[str, str] | SignQuestion:
    """('bank' or 'spending', why) when the data tells; otherwise the question and the rows that decide it."""
    positive = [s for s in staged if s.value > 0]
    negative = [s for s in staged if s.value < 0]
    income = [s for s in staged if income_like(s.description)]
    income_pos = [s for s in income if s.value > 0]
    income_neg = [s for s in income if s.value < 0]
    if not positive:
        return "bank", "every amount is negative, so negative amounts are spending"
    if income_pos and not income_neg and negative:
        s = income_pos[0]
        return "bank", f"line {s.line_number} “{s.description}” is money in and positive"
    if income_neg and not income_pos:
        s = income_neg[0]
        return "spending", f"line {s.line_number} “{s.description}” is money in and negative"
    if negative and not income:
        major = positive if len(positive) >= len(negative) else negative
        if Decimal(len(major)) / len(staged) >= CLEAR_MAJORITY:
            sign = "spending" if major is positive else "bank"
            return sign, f"{len(major)} of {len(staged)} amounts are {'positive' if major is positive else 'negative'}"
    if not negative:
        reason = "every amount is positive and nothing in the file says which rows are money in"
    elif income_pos and income_neg:
        reason = "rows that read like income are both positive and negative"
    else:
        reason = "positive and negative amounts are about as many, and no row reads like income"
    evidence = income or sorted(staged, key=lambda s: -abs(s.value))[:3]
    return SignQuestion(reason, [_row(s, 1) for s in evidence[:6]])
