"""Which money an amount is (issue 25): ISO 4217 codes, and the one place an amount is written with its currency.

Babel carries CLDR's list of codes, their minor units and every locale's way of writing money, so no table
of symbols or decimals is kept here. An amount without a home currency keeps the bare figures the product
showed before (`1,234.50`), so a profile that has not picked one reads exactly as it did.
"""
from __future__ import annotations

import functools
from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision, list_currencies

DEFAULT_LOCALE = "en_US"


def is_currency(code: str) -> bool:
    """An ISO 4217 code Babel knows (CLDR's list: current and historic codes), written in capitals."""
    return len(code) == 3 and code.isalpha() and code.isupper() and code in _currencies()


@functools.cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def minor_unit(code: str) -> int:
    """Digits after the decimal point of the currency (JPY 0, EUR 2, KWD 3); 2 when no currency is picked."""
    return get_currency_precision(code) if code else 2


def format_money(amount: Decimal, currency: str = "", locale: str | None = None) -> str:
    """`amount` written for a reader: with its currency in their locale, or the bare `1,234.50` without one."""
    if not currency:
        return f"{amount:,.2f}"
    return format_currency(amount, currency, locale=locale or DEFAULT_LOCALE)
