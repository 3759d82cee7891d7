"""The grounding check: every figure a coach's text states must be one of the facts.

A figure is anything a reader takes as a number: amounts ("$1,234.50", "12.5"), counts ("7"),
percentages ("45%", "45 percent"), thousands ("1.2k"), number words ("seven", "twenty-one";
"one" is skipped: it is far more often a pronoun than a count), ordinals and dates.
Numbers that are part of the user's own strings (a merchant called "7-Eleven", a name like
"Agent 47") are not figures when quoted verbatim.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from lib.coach.facts import Facts, canonical_number

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_STANDALONE_SKIP = {"one"}

_TOKEN = re.compile(
    r"""
    (?P<iso>(?<!\d)\d{4}-\d{2}-\d{2}(?!\d))
    | (?P<num>(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|(?<![\d.,])\.\d+)
      (?P<suffix>\s?(?:%|per\s?cent\b)|\s?[kK]\b|(?:st|nd|rd|th)\b)?
    | (?P<word>\b(?:"""
    + "|".join(_TENS)
    + r""")(?:[-\s](?:"""
    + "|".join(k for k in _UNITS if 0 < _UNITS[k] < 10)
    + r"""))?\b|\b(?:"""
    + "|".join(_UNITS)
    + r""")\b)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s+(?:the\s+)?$", re.IGNORECASE)
_MONTH_AFTER = re.compile(rf"^(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b", re.IGNORECASE)


def _word_value(word: str) -> int | None:
    parts = re.split(r"[-\s]+", word.lower())
    if len(parts) == 1:
        return None if parts[0] in _STANDALONE_SKIP else _UNITS.get(parts[0], _TENS.get(parts[0]))
    return _TENS[parts[0]] + _UNITS[parts[1]]


def _mask_user_strings(text: str, facts: Facts) -> str:
    for value in sorted(facts.text_values(), key=len, reverse=True):
        if re.search(r"\d", value):
            text = re.sub(re.escape(value), " ", text, flags=re.IGNORECASE)
    return text


def ungrounded_numbers(text: str, facts: Facts) -> list[str]:
    """The figures in `text` that match no fact (within rounding); an empty list means grounded."""
    allowed = facts.numbers()
    dates = facts.dates()
    days = {d.day for d in dates}
    years = {d.year for d in dates}
    scanned = _mask_user_strings(text, facts)
    offenders: list[str] = []
    for m in _TOKEN.finditer(scanned):
        token = m.group(0).strip()
        if m.group("iso"):
            try:
                ok = dt.date.fromisoformat(m.group("iso")) in dates
            except ValueError:
                ok = False
        elif m.group("word"):
            value = _word_value(m.group("word"))
            ok = value is None or str(value) in allowed
        else:
            ok = _number_ok(m, scanned, allowed, days, years)
        if not ok:
            offenders.append(token)
    return offenders


def _number_ok(m: re.Match[str], text: str, allowed: frozenset[str], days: set[int], years: set[int]) -> bool:
    raw = m.group("num").replace(",", "")
    suffix = (m.group("suffix") or "").strip().lower()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return False
    if suffix == "k":
        value *= 1000
    canon = canonical_number(value)
    if suffix == "%" or suffix.startswith("per"):
        return f"{canon}%" in allowed
    whole = "." not in raw
    if whole and (_MONTH_BEFORE.search(text[: m.start()]) or _MONTH_AFTER.match(text[m.end("num") :])):
        return int(value) in days  # "Nov 23", "23rd of November": a date, so it must be a fact's date
    if canon in allowed:
        return True
    if whole and suffix in ("st", "nd", "rd", "th"):
        return int(value) in days
    return whole and len(raw) == 4 and int(value) in years
