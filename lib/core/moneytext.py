"""Amounts typed with their currency (issue 25): "12.50 USD", "USD 12.50", "€12.50", "12,50 EUR"."""
from __future__ import annotations

import re

from lib.core.errors import ValidationError
from lib.core.money import is_currency

# Amounts typed with their currency: "12.50 USD", "USD 12.50", "€12.50", "12,50 EUR" (a comma as the decimal
# mark only when it is the one mark with one or two digits after it).
_SYMBOLS = {"€": "EUR", "£": "GBP", "$": "USD", "¥": "JPY", "₹": "INR", "₺": "TRY", "₩": "KRW", "₪": "ILS"}
_MARK = r"[A-Za-z]{3}|[€£$¥₹₺₩₪]"
_TYPED = re.compile(rf"\s*(?P<sign>[+-])?\s*(?P<pre>{_MARK})?\s*(?P<num>[+-]?[0-9][0-9.,]*)\s*(?P<post>{_MARK})?\s*")
TYPED_MAX_CHARS = 40


def split_typed(text: str) -> tuple[str, str | None]:
    """Typed amount text -> (the number as plain digits, the currency code or None); ValidationError if odd.

    The number part is left for parse_money to judge, so its rules and reasons stay the same.
    """
    raw = str(text or "").strip()
    if len(raw) > TYPED_MAX_CHARS:
        raise ValidationError({"amount": f"is too long (at most {TYPED_MAX_CHARS} characters)"})
    match = _TYPED.fullmatch(raw)
    if not match or (match["pre"] and match["post"]):
        return raw, None  # parse_money words the reason
    mark = match["pre"] or match["post"]
    number = match["num"]
    if match["sign"]:
        if number[0] in "+-":
            return raw, None  # two signs: parse_money words the reason
        number = match["sign"] + number
    if re.fullmatch(r"[+-]?[0-9]+,[0-9]{1,2}", number):
        number = number.replace(",", ".")
    if mark is None:
        return number, None
    code = _SYMBOLS.get(mark) or mark.upper()
    if not is_currency(code):
        raise ValidationError({"amount": f"names '{mark}', which is not an ISO 4217 currency code (e.g. EUR, USD)"})
    return number, code
