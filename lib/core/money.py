"""Which money an amount is (issue 25): ISO 4217 codes, and the one place an amount is written with its currency.

Babel carries CLDR's list of codes, their minor units and every locale's way of writing money, so no table
of symbols or decimals is kept here. An amount without a home currency keeps the bare figures the product
showed before (`1,234.50`), so a profile that has not picked one reads exactly as it did.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    format_currency,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    list_currencies,
)

DEFAULT_LOCALE = "en_US"
LOCALE_MAX = 35  # a language tag from a browser is short; anything longer is not parsed


def is_currency(code: str) -> bool:
    """An ISO 4217 code Babel knows (CLDR's list: current and historic codes), written in capitals."""
    return len(code) == 3 and code.isalpha() and code.isupper() and code in _currencies()


@functools.cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def minor_unit(code: str) -> int:
    """Digits after the decimal point of the currency (JPY 0, EUR 2, KWD 3); 2 when no currency is picked."""
    return get_currency_precision(code) if code else 2


def clean_locale(tag: object) -> str:
    """A browser's language tag ("de-DE", "fr_CH", "ja") as a locale Babel knows ("de_DE"), or "" for anything else."""
    text = str(tag or "").strip().replace("-", "_")
    if not text or len(text) > LOCALE_MAX or not text.replace("_", "").isalnum():
        return ""
    return _parsed(text)


@functools.lru_cache(maxsize=256)
def _parsed(text: str) -> str:
    try:
        return str(Locale.parse(text))
    except (ValueError, TypeError, UnknownLocaleError):
        return ""


def format_money(amount: Decimal, currency: str = "", locale: str | None = None) -> str:
    """`amount` written for a reader: with its currency in their locale, or the bare `1,234.50` without one."""
    if not currency:
        return f"{amount:,.2f}"
    # Babel rounds to the currency's own minor unit (JPY none, KWD three), half-even.
    return format_currency(amount, currency, locale=locale or DEFAULT_LOCALE)


@dataclass(frozen=True)
class MoneyFormat:
    """How one reader sees amounts: the home currency in their locale, or the bare figures before one is picked.

    `symbol` is only for a profile without a home currency: the coach and the nudges put the symbol of the
    transactions' most common code in front of the bare figure (as they did before issue 25); pages put none.
    """

    currency: str = ""
    locale: str = DEFAULT_LOCALE
    symbol: str = ""

    def amount(self, value: Decimal) -> str:
        """A Decimal amount, written for this reader."""
        if not self.currency:
            return f"{self.symbol}{format_money(value)}"
        return format_money(value, self.currency, self.locale)

    def cents(self, cents: int | None) -> str:
        """Integer cents (the product's unit inside), written for this reader; "—" for none."""
        return "—" if cents is None else self.amount(Decimal(int(cents)).scaleb(-2))

    def text(self, value: object) -> str:
        """A JSON money string ("1234.50") for a text output: as it is without a home currency (the CLI's
        figures before issue 25), else written the reader's way; None stays "None" as it printed before."""
        if not self.currency or value is None:
            return str(value)
        return self.amount(Decimal(str(value)))

    @property
    def sign(self) -> str:
        """The currency's symbol in the reader's locale ("€", "CHF", "￥"), else the fallback symbol."""
        return get_currency_symbol(self.currency, self.locale) if self.currency else self.symbol

    def affixes(self) -> tuple[str, str]:
        """What the locale writes before and after the digits ("$", "") or ("", " €"): for chart axes."""
        if not self.currency:
            return self.symbol, ""
        sample = format_money(Decimal(1), self.currency, self.locale)
        digits = [i for i, ch in enumerate(sample) if ch.isdigit()]
        return sample[: digits[0]], sample[digits[-1] + 1 :]

    def separators(self) -> str:
        """Plotly's `separators`: the locale's decimal mark, then its group mark (".," for en_US, ",." for de_DE)."""
        if not self.currency:
            return ".,"
        return get_decimal_symbol(self.locale) + get_group_symbol(self.locale)


def home_symbol(currency: str, locale: str = "") -> str:
    """The home currency's symbol in the reader's locale ("€", "CHF"); "" before one is picked."""
    return money_format(currency, locale).sign if currency else ""


BARE = MoneyFormat()  # a profile without a home currency, on a page: today's bare figures


def money_format(currency: str, locale: str = "", symbol: str = "") -> MoneyFormat:
    """The reader's format: `locale` as given when Babel knows it, else en_US."""
    return MoneyFormat(currency, clean_locale(locale) or DEFAULT_LOCALE, symbol)


class _Coded(Protocol):
    """Anything carrying the code of the money it is in (a Transaction)."""

    @property
    def currency(self) -> str | None: ...


CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CHF": "CHF ", "INR": "₹"}


def currency_symbol(txns: Iterable[_Coded]) -> str:
    """The symbol of the user's most common transaction currency; none when unknown (no guessing)."""
    counts: dict[str, int] = {}
    for t in txns:
        if t.currency:
            counts[t.currency] = counts.get(t.currency, 0) + 1
    if not counts:
        return ""
    return CURRENCY_SYMBOLS.get(max(counts, key=lambda c: counts[c]), "")
