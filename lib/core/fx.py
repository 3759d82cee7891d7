"""Foreign money in home money (issue 25): the one conversion rule, rates as values, and re-pricing.

Pure: a rate comes from a `RateSource` handed in (lib.rates reads the ECB history); nothing here reads a
file or the network. The rounding of a conversion is stated once, here: amount x rate, rounded to the
home currency's minor unit (EUR 0.01, JPY 1, KWD 0.001) half-even (banker's rounding, ISO 4217 / the ECB's
own convention), so a sum of many conversions does not drift one way.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Protocol

from lib.core.errors import ValidationError
from lib.core.models import Transaction
from lib.core.money import is_currency, minor_unit

USER_SOURCE = "user"  # fx_source of a rate the user typed over the ECB's
BANK_SOURCE = "bank"  # fx_source of a row the bank booked in home money from another currency (OFX ORIGCURRENCY)
MAX_RATE = Decimal("1e9")  # 1 unit of a currency is never worth a billion of another (IDR per BTC would be)
RATE_MAX_CHARS = 24
_RATE_TEXT = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")


class NoRateError(ValidationError):
    """No rate for a pair of currencies on or before a day (a currency the ECB never quoted, or too early)."""

    def __init__(self, reason: str):
        super().__init__({"currency": reason})
        self.reason = reason


@dataclass(frozen=True)
class Rate:
    """1 unit of `base` is `value` units of `quote`, as published for `day` by `source`.

    `asked` is the day the rate was wanted for; a `day` before it means that day had no rate
    (a weekend, a holiday, or after the last published day) and the last earlier one is used.
    """

    base: str
    quote: str
    value: Decimal
    day: dt.date
    source: str
    asked: dt.date | None = None

    @property
    def earlier(self) -> bool:
        """True when the rate is of an earlier day than the one asked for."""
        return self.asked is not None and self.day < self.asked

    def note(self) -> str:
        """One line saying which rate this is, and that it is an earlier day's when it is."""
        text = f"1 {self.base} = {self.value} {self.quote} ({self.source}, {self.day.isoformat()})"
        if self.earlier and self.asked is not None:
            text += f": no rate on {self.asked.isoformat()}, the last earlier one is used"
        return text


class RateSource(Protocol):
    """Where rates come from: lib.rates.ecb (the ECB history), or a fake in tests."""

    def rate(self, base: str, quote: str, day: dt.date) -> Rate:
        """The rate of `day`, or of the last earlier day that has one; NoRateError when there is none."""
        ...


def convert(amount: Decimal, rate: Decimal, home: str) -> Decimal:
    """`amount` x `rate` in home money: rounded to the home currency's minor unit, half-even."""
    step = Decimal(1).scaleb(-minor_unit(home))
    return (amount * rate).quantize(step, rounding=ROUND_HALF_EVEN)


def parse_rate(value: object, field_name: str = "fx_rate") -> Decimal:
    """A rate typed by a user: plain positive digits, more than zero, bounded; ValidationError with a reason."""
    if isinstance(value, Decimal):
        text = format(value, "f") if value.is_finite() else str(value)
    else:
        text = str(value if value is not None else "").strip()
    if not text:
        raise ValidationError({field_name: "Enter a rate (how much 1 unit of the foreign currency is at home)."})
    if len(text) > RATE_MAX_CHARS:
        raise ValidationError({field_name: f"The rate is too long (at most {RATE_MAX_CHARS} characters)."})
    unsigned = text[1:] if text[0] in "+-" else text
    if not _RATE_TEXT.fullmatch(unsigned):
        raise ValidationError({field_name: f"'{text}' is not a rate: write digits like 0.9134."})
    rate = Decimal(text)
    if rate <= 0:
        raise ValidationError({field_name: f"The rate must be more than zero (got {text})."})
    if rate >= MAX_RATE:
        raise ValidationError({field_name: f"The rate is implausibly large (below {MAX_RATE:,.0f})."})
    return rate


def check_code(code: object, field_name: str = "currency") -> str:
    """An ISO 4217 code in capitals, or ValidationError naming what was given."""
    text = str(code or "").strip().upper()
    if not is_currency(text):
        raise ValidationError({field_name: f"'{text[:12]}' is not an ISO 4217 currency code (for example EUR, USD)."})
    return text


def is_foreign(txn: Transaction) -> bool:
    """True for a row converted from another currency (it keeps its original amount)."""
    return txn.original_currency is not None and txn.original_amount is not None


def spent(txn: Transaction) -> tuple[Decimal, str | None]:
    """The money as it was spent: the kept original of a converted row, else the amount in its own currency."""
    if txn.original_currency and txn.original_amount is not None:
        return txn.original_amount, txn.original_currency
    return txn.amount, txn.currency


def _home_row(txn: Transaction, amount: Decimal, home: str) -> Transaction:
    return replace(txn, amount=amount, currency=home, original_amount=None, original_currency=None,
                   fx_rate=None, fx_date=None, fx_source=None)


def price_transaction(txn: Transaction, home: str, rates: RateSource | None, *,
                      override: Decimal | None = None) -> tuple[Transaction, Rate | None]:
    """The transaction in home money with its original kept, and the rate used; NoRateError when there is none.

    No home currency picked: nothing is converted (the amount stays in its own currency, as before).
    `override`: a rate the user typed (fx_source "user"). A user's rate already on a row priced in this
    home currency is kept; one set for another home currency is replaced by the source's rate.
    """
    amount, code = spent(txn)
    if not home or (override is None and txn.fx_source == BANK_SOURCE and txn.currency == home):
        return txn, None  # a bank's booking in this home currency is what was paid: kept, with its original
    if not code or code == home:
        return _home_row(txn, amount, home), None
    if override is None and txn.fx_source == USER_SOURCE and txn.fx_rate is not None and txn.currency == home:
        override = txn.fx_rate
    if override is not None:
        value = parse_rate(override)
        return replace(txn, amount=convert(amount, value, home), currency=home, original_amount=amount,
                       original_currency=code, fx_rate=value, fx_date=txn.date, fx_source=USER_SOURCE), None
    if rates is None:
        raise NoRateError(f"no exchange-rate source to turn {code} into {home}")
    rate = rates.rate(code, home, txn.date)
    if rate.value <= 0:
        raise NoRateError(f"the rate for {code} in {home} on {rate.day.isoformat()} is not above zero")
    return replace(txn, amount=convert(amount, rate.value, home), currency=home, original_amount=amount,
                   original_currency=code, fx_rate=rate.value, fx_date=rate.day, fx_source=rate.source), rate


_PRICED = ("amount", "currency", "original_amount", "original_currency", "fx_rate", "fx_date", "fx_source")


@dataclass
class RepriceReport:
    """What re-pricing a user's transactions in a home currency did (or would do)."""

    home: str
    changed: int = 0
    unchanged: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)  # (sort key, reason): left exactly as they were
    overrides_dropped: int = 0  # user rates set for the previous home currency, replaced by the source's
    by_currency: dict[str, int] = field(default_factory=dict)  # changed rows per original currency
    earlier_rates: int = 0  # rows priced at an earlier day's rate (no rate on their own day)
    stamped: int = 0  # rows that named no currency, now marked as home money (amount unchanged)
    written: int = 0

    def lines(self) -> list[str]:
        """The report as sentences a user reads."""
        out = [f"Re-priced in {self.home}: {self.changed} transaction(s) changed, {self.unchanged} already right, "
               f"{self.written} written."]
        if self.by_currency:
            out.append("Changed, by the currency they were spent in: " +
                       ", ".join(f"{code} {n}" for code, n in sorted(self.by_currency.items())) + ".")
        if self.stamped:
            out.append(f"{self.stamped} of them named no currency: they are marked {self.home} now, amounts "
                       "unchanged (so a later change of home currency knows what money they are).")
        if self.earlier_rates:
            out.append(f"{self.earlier_rates} of them had no ECB rate on their own day: the last earlier one is used.")
        if self.overrides_dropped:
            out.append(f"{self.overrides_dropped} rate(s) you had set were for the previous home currency: "
                       "the ECB's rate is used now.")
        for key, reason in self.refused[:10]:
            out.append(f"Not re-priced (left as it was): {key}: {reason}")
        if len(self.refused) > 10:
            out.append(f"... and {len(self.refused) - 10} more not re-priced.")
        return out


def repriced(txns: Iterable[Transaction], home: str, rates: RateSource | None,
             report: RepriceReport) -> list[Transaction]:
    """The transactions that change when priced in `home` (the report counts the rest and the refused).

    Idempotent: a transaction already priced so is not returned, so running it again changes nothing,
    and a run cut short is finished by running it again. A refused row is left exactly as it was.
    """
    out: list[Transaction] = []
    for txn in txns:
        try:
            new, rate = price_transaction(txn, home, rates)
        except ValidationError as exc:
            report.refused.append((txn.sort_key, " ".join(exc.errors.values())))
            continue
        if all(getattr(new, name) == getattr(txn, name) for name in _PRICED):
            report.unchanged += 1
            continue
        if txn.fx_source == USER_SOURCE and new.fx_source != USER_SOURCE:
            report.overrides_dropped += 1
        if rate is not None and rate.earlier:
            report.earlier_rates += 1
        code = spent(txn)[1]
        if code is None:
            report.stamped += 1
        else:
            report.by_currency[code] = report.by_currency.get(code, 0) + 1
        report.changed += 1
        out.append(new)
    return out


def foreign_spending(txns: Iterable[Transaction]) -> list[tuple[str, Decimal, Decimal, int]]:
    """(currency, spent in it, in home money, rows) per foreign currency, largest home amount first.

    Refunds count with their sign, as everywhere else; rows in home money are not foreign.
    """
    sums: dict[str, list[Decimal]] = {}
    counts: dict[str, int] = {}
    for t in txns:
        if not is_foreign(t):
            continue
        code = str(t.original_currency)
        pair = sums.setdefault(code, [Decimal(0), Decimal(0)])
        pair[0] += t.original_amount or Decimal(0)
        pair[1] += t.amount
        counts[code] = counts.get(code, 0) + 1
    rows = [(code, v[0], v[1], counts[code]) for code, v in sums.items()]
    return sorted(rows, key=lambda r: (-r[2], r[0]))
