"""Amounts as banks write them: symbols, codes, CR/DR, trailing minus, parentheses, either decimal mark."""
from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from lib.core.models import MAX_AMOUNT, decimal_places
from lib.core.money import is_currency
from lib.ingest.dates import date_parts

SYMBOLS = {"€": "EUR", "£": "GBP", "$": "USD", "¥": "JPY", "₹": "INR", "₺": "TRY", "₽": "RUB", "₩": "KRW"}
_CODES = (
    "EUR", "USD", "GBP", "CHF", "CAD", "AUD", "NZD", "JPY", "SEK", "NOK", "DKK", "PLN",
    "CZK", "HUF", "INR", "ZAR", "MXN", "BRL", "TRY", "RON", "BGN", "HKD", "SGD", "CNY",
)
CODE_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(_CODES) + r")(?![A-Za-z])", re.IGNORECASE)
# Any other ISO 4217 code written beside a number ("900,00 ARS"): read, so the row is refused for the rate it
# lacks (issue 25) rather than as "not an amount".
_ANY_CODE_RE = re.compile(r"(?<![A-Za-z])([A-Za-z]{3})(?![A-Za-z])")
_DRCR_RE = re.compile(r"(.*\d)\s*(CR|DR)\.?", re.IGNORECASE)
_SPACES_RE = re.compile(r"[\s'’\u00a0\u202f\u2009]")
_NUMBER_CHARS_RE = re.compile(r"[\d.,]*\d[\d.,]*")
_POINT_RE = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d+)?")
_COMMA_RE = re.compile(r"(?:\d{1,3}(?:\.\d{3})+|\d*)(?:,\d+)?")


MAX_AMOUNT_CHARS = 48  # "-1.234.567,89 EUR CR" is 20; a longer cell never reaches a regular expression


@dataclass(frozen=True)
class Money:
    core: str  # digits and separators only
    sign: int
    currency: str | None
    marked: bool = False  # carried a CR/DR marker
    plus: bool = False  # written with an explicit "+" (a wallet's "+ $73.01"): signs are the bank's


@functools.lru_cache(maxsize=8192)
def split_amount(text: str) -> Money | str:
    """Strip symbols, codes, signs and CR/DR markers; the reason when the cell is no amount."""
    s = text.strip().replace("\u2212", "-")
    if not s:
        return "missing amount"
    if len(s) > MAX_AMOUNT_CHARS:
        return f"'{s[:20]}…' is too long to be an amount"
    sign = 1
    currency = None
    marked = plus = False
    if m := _DRCR_RE.fullmatch(s):
        # Statements that mark credits "CR" leave debits unmarked and positive, so a marked file is
        # read in the product's terms: DR (and no mark) is spending, CR is money back.
        s, sign, marked = m[1], (-1 if m[2].upper() == "CR" else 1), True
    if m := CODE_RE.search(s) or _any_code(s):
        currency = m[1].upper()
        s = s[: m.start()] + s[m.end():]
    for symbol, code in SYMBOLS.items():
        if symbol in s:
            currency = currency or code
            s = s.replace(symbol, "")
    s = _SPACES_RE.sub("", s)
    if s.startswith("(") and s.endswith(")"):
        sign, s = -sign, s[1:-1]
    if s.startswith("-"):
        sign, s = -sign, s[1:]
    elif s.startswith("+"):
        s, plus = s[1:], True
    elif s.endswith("-"):  # SAP-style trailing minus, common in German exports
        sign, s = -sign, s[:-1]
    if not _NUMBER_CHARS_RE.fullmatch(s):
        return f"'{text.strip()}' is not an amount"
    return Money(s, sign, currency, marked, plus)


def _any_code(text: str) -> re.Match[str] | None:
    m = _ANY_CODE_RE.search(text)
    return m if m and m[1].isupper() and is_currency(m[1]) else None


def is_amountish(text: str) -> bool:
    return isinstance(split_amount(text), Money) and date_parts(text.strip()) is None


def decimal_vote(core: str) -> str | None:
    """Which mark is the decimal one in this number, if the number tells."""
    has_point, has_comma = "." in core, "," in core
    if has_point and has_comma:
        return "." if core.rfind(".") > core.rfind(",") else ","
    for mark, other in ((",", "."), (".", ",")):
        if (has_comma if mark == "," else has_point) and not (has_point if mark == "," else has_comma):
            if core.count(mark) > 1:
                return other  # repeated mark: thousands grouping
            whole, _, frac = core.partition(mark)
            if len(frac) != 3 or whole in ("", "0"):
                return mark
            return None  # "1,234" could be either
    return None


def to_decimal(money: Money, decimal: str) -> Decimal | str:
    core = money.core
    pattern = _POINT_RE if decimal == "." else _COMMA_RE
    if not pattern.fullmatch(core):
        return f"'{core}' is not a number with decimal mark '{decimal}'"
    core = core.replace(",", "") if decimal == "." else core.replace(".", "").replace(",", ".")
    try:
        return Decimal(core) * money.sign
    except InvalidOperation:
        return f"'{money.core}' is not a number"


# D/K is Baltic and Slavic (debetas/kreditas), S/H German (Soll/Haben), Af/Bij Dutch, DBIT/CRDT ISO 20022.
DEBIT_MARKS = {"af", "d", "dr", "db", "dbit", "debit", "debet", "debetas", "debito", "s", "soll", "-", "out", "cargo",
               "withdrawal", "obciazenie"}
CREDIT_MARKS = {"bij", "c", "cr", "crdt", "credit", "credito", "h", "haben", "+", "in", "abono", "k", "kredit",
                "kreditas", "deposit", "uznanie"}


def decide_decimal(amounts: list[Money | str], delimiter: str) -> str:
    """The decimal mark most numbers vote for; on a tie, the convention that goes with the delimiter."""
    votes = Counter(v for m in amounts if isinstance(m, Money) and (v := decimal_vote(m.core)))
    if votes["."] != votes[","]:
        return "." if votes["."] > votes[","] else ","
    return "," if delimiter == ";" else "."


def cell_currency(text: str) -> str | None:
    """A currency code or symbol written in a cell of its own."""
    text = text.strip()
    if text in SYMBOLS:
        return SYMBOLS[text]
    return text.upper() if re.fullmatch(r"[A-Za-z]{3}", text) else None


def mark_direction(text: str, norm_text: str) -> int | None:
    """+1 for a debit marker (spending), -1 for a credit marker, None for anything else."""
    mark = norm_text or text.strip()
    if mark in DEBIT_MARKS:
        return 1
    if mark in CREDIT_MARKS:
        return -1
    return None


def amount_problem(amount: Decimal) -> str | None:
    """The amount rules of validate_transaction, checked here so the preview shows them per line."""
    if amount == 0:
        return "Amount cannot be zero."
    if decimal_places(amount) > 2:
        return "Amount can have at most 2 decimals."
    if abs(amount) > MAX_AMOUNT:
        return "Amount is implausibly large."
    return None
