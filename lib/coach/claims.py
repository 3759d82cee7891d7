"""Reading the figures in a text: each number with its kind, its possible values and its words around it.

A mention is money ("$1,234.50", "1.234,50 €", "€1 234.50", "1'234.50", "three hundred euros",
"1.2k"), a count ("12 days", "twelve", a "45-day" streak), a percentage ("45%", "forty-five per
cent"), a fraction ("half", "two thirds"), a multiplier ("twice", "four times", "one and a half
times") or a date ("17 Nov", "November 17th", "11/17", "2026-11-17", "the 17th"). Ambiguous
spellings keep every reading ("1.234" is 1.234 or 1234; "10/11" is 10 Nov or Oct 11); the
grounding check accepts a mention when one reading is true. lib.coach.grounding decides what each
mention is said to be from the words beside it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1000}
FRACTIONS = {
    "half": Decimal(50), "a third": Decimal("33.33"), "one third": Decimal("33.33"), "two thirds": Decimal("66.67"),
    "a quarter": Decimal(25), "one quarter": Decimal(25), "three quarters": Decimal(75), "a fifth": Decimal(20),
    "one fifth": Decimal(20), "a tenth": Decimal(10), "one tenth": Decimal(10),
}
MULTIPLIERS = {"twice": Decimal(2), "double": Decimal(2), "triple": Decimal(3), "treble": Decimal(3),
               "thrice": Decimal(3)}
CURRENCY_SIGNS = "$€£¥₹￥₩₽₺₪₫₱₴₦฿"
# ISO codes a locale writes beside the digits ("1.234,50 EUR", "KWD1,234.500", "CHF 12.50"; issue 25). Only codes
# that are no English word: "try", "all", "top", "cup" or a name like "ron" must stay words.
_CODES = ("usd|eur|gbp|chf|jpy|cad|aud|nzd|sek|nok|dkk|pln|czk|huf|sgd|hkd|brl|inr|mxn|zar|kwd|cny|krw|ils|thb|"
          "bhd|omr|jod|isk|bgn|uah|idr|myr|vnd|aed|sar")
_CUR_WORD = rf"(?:dollars?|euros?|pounds?|bucks|quid|yen|francs?|kr|zł|kč|ft|lei|{_CODES})\b"
_WORD = "|".join([*TENS, *UNITS, *SCALES])
_WORDS = (rf"(?:\b(?:a|an)\s+(?=(?:hundred|thousand)\b))?\b(?:{_WORD})\b"
          rf"(?:(?:\s+and\s+|[\s-]+)(?:{_WORD})\b)*(?:\s+and\s+a\s+half\b)?")
_DIGITS = (r"(?<![\d.,'’])(?:\d{1,3}(?:[ '’]\d{3})+(?:[.,]\d{1,2})?|\d{1,3}(?:,\d{3})+(?:\.\d+)?"
           r"|\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?|\.\d+)(?![\d])")
_TOKEN = re.compile(
    rf"""
    (?P<iso>(?<!\d)\d{{4}}-\d{{2}}-\d{{2}}(?!\d))
    | (?P<slash>(?<![\d/])(?P<sa>\d{{1,2}})/(?P<sb>\d{{1,2}})(?:/(?P<sy>\d{{2}}|\d{{4}}))?(?![\d/]))
    | (?P<mdate>\b(?P<mm>{_MONTH})\s+(?:the\s+)?(?P<md>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<my>\d{{4}})\b)?)
    | (?P<ddate>(?<![\d.,])(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm>{_MONTH})(?![a-z])
        (?:,?\s+(?P<dy>\d{{4}})\b)?)
    | (?P<frac>\b(?:two\s+thirds|three\s+quarters|(?:a|one)\s+(?:third|quarter|fifth|tenth)|half)\b
        (?=\s+(?:of\s+)?(?:your|the|this|my|its|that|a|an|gone|done|over|through|spent|used|way)\b))
    | (?P<mult>\b(?:twice|thrice|(?:double|triple|treble)(?=\s+(?:your|the|what|that|last|its)\b))\b)
    | (?P<amount>
        (?P<pre>[{CURRENCY_SIGNS}]\s?|\b(?:{_CODES})\s?)?
        (?:(?P<num>{_DIGITS})|(?P<words>{_WORDS}))
        (?P<unit>
            \s?(?:%|per\s?cent\b|percent\b)
          | \s?[kK]\b
          | (?:st|nd|rd|th)\b
          | \s?(?:times\b|x\b)
          | \s?-?\s?days?\b
          | \s?[{CURRENCY_SIGNS}]
          | \s+{_CUR_WORD}
        )?
      )
    """,
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class Mention:
    """One figure in a text: its kind, every value it may mean, and where it is."""

    kind: str  # "money" | "count" | "pct" | "fraction" | "ratio" | "date" | "ordinal" | "bare"
    start: int
    end: int
    text: str
    values: tuple[Decimal, ...] = ()
    dates: tuple[tuple[int | None, int, int], ...] = field(default=())  # (year or None, month, day)


def _words_value(words: str) -> Decimal | None:
    """"three hundred and twenty-one" -> 321, "a thousand" -> 1000, "one and a half" -> 1.5."""
    text = words.lower()
    half = text.endswith("and a half")
    if half:
        text = text[: -len("and a half")]
    total, current = 0, 0
    for part in re.split(r"[\s-]+", text.strip()):
        if part in ("", "and"):
            continue
        if part in ("a", "an"):
            current = max(current, 1)
        elif part in UNITS:
            current += UNITS[part]
        elif part in TENS:
            current += TENS[part]
        elif part == "hundred":
            current = max(current, 1) * 100
        elif part == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
    value = Decimal(total + current)
    return value + Decimal("0.5") if half else value


def _digit_values(raw: str) -> tuple[Decimal, ...]:
    """Every value a written number may mean: "1,234" 1234; "15,99" 15.99; "1.234" 1.234 or 1234."""
    raw = raw.replace("’", "'")
    out: list[str] = []
    if " " in raw or "'" in raw:
        parts = re.fullmatch(r"(.*?)(?:[.,](\d{1,2}))?", raw)
        assert parts is not None  # the pattern matches any string
        whole, frac = parts.group(1), parts.group(2)
        out.append(re.sub(r"[ ']", "", whole) + ("." + frac if frac else ""))
    elif "," in raw and "." in raw:
        decimal_mark = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        out.append(raw.replace(thousands, "").replace(decimal_mark, "."))
    elif "," in raw:
        groups = raw.split(",")
        if all(len(g) == 3 for g in groups[1:]):
            out.append(raw.replace(",", ""))
        if len(groups) == 2 and len(groups[1]) != 3:
            out.append(raw.replace(",", "."))
    elif raw.count(".") > 1:
        out.append(raw.replace(".", ""))
    else:
        out.append(raw)
        head, _, tail = raw.partition(".")
        if tail and len(tail) == 3 and 1 <= len(head) <= 3:
            out.append(head + tail)  # "1.234" in a decimal-comma locale
    values = []
    for text in out:
        try:
            values.append(Decimal(text))
        except InvalidOperation:
            continue
    return tuple(values)


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")[:3]]


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _date_mention(m: re.Match[str]) -> Mention:
    if m.group("iso"):
        y, mo, d = (int(p) for p in m.group("iso").split("-"))
        dates: tuple[tuple[int | None, int, int], ...] = ((y, mo, d),)
    elif m.group("slash"):
        a, b, y2 = int(m.group("sa")), int(m.group("sb")), _year(m.group("sy"))
        dates = tuple((y2, mo, d) for mo, d in ((a, b), (b, a)) if 1 <= mo <= 12 and 1 <= d <= 31)
    elif m.group("mdate"):
        dates = ((_year(m.group("my")), _month(m.group("mm")), int(m.group("md"))),)
    else:
        dates = ((_year(m.group("dy")), _month(m.group("dm")), int(m.group("dd"))),)
    return Mention("date", m.start(), m.end(), m.group(0), dates=dates)


def _amount_mention(m: re.Match[str], text: str) -> list[Mention]:
    unit = (m.group("unit") or "").strip().lower()
    pre = (m.group("pre") or "").strip()
    raw_num, words = m.group("num"), m.group("words")
    if raw_num is not None:
        spaced = " " in raw_num.strip()
        if spaced and not pre and unit not in tuple(CURRENCY_SIGNS) and not re.search(r"[.,]\d{1,2}$", raw_num):
            # "on 12 500" without a currency or cents is two numbers, not one spaced thousand.
            out: list[Mention] = []
            for part in re.finditer(r"\d+", raw_num):
                start = m.start("num") + part.start()
                out.append(Mention("bare", start, start + len(part.group(0)), part.group(0),
                                   (Decimal(part.group(0)),)))
            return out
        values = _digit_values(raw_num.strip())
    else:
        value = _words_value(words)
        if value is None or (words.lower().strip() == "one" and not unit):
            return []  # a lone "one" is far more often a pronoun than a count
        values = (value,)
    if not values:
        return []
    if unit in ("%",) or unit.startswith("per"):
        kind = "pct"
    elif unit == "k":
        kind, values = "money", tuple(v * 1000 for v in values)
    elif unit in ("times", "x"):
        kind = "ratio"
    elif pre or unit in tuple(CURRENCY_SIGNS) or re.fullmatch(_CUR_WORD, unit, re.IGNORECASE):
        kind = "money"
    elif unit.endswith("day") or unit.endswith("days"):
        kind = "count"
    elif unit in ("st", "nd", "rd", "th"):
        kind = "ordinal"
    elif raw_num is not None and re.search(r"[.,]\d{2}$", raw_num):
        kind = "money"  # "12.50" without a sign is still an amount
    else:
        kind = "bare"
    return [Mention(kind, m.start(), m.end(), m.group(0).strip(), values)]


def mentions(text: str) -> list[Mention]:
    """Every figure in `text`, in order (user strings should be masked out first)."""
    out: list[Mention] = []
    for m in _TOKEN.finditer(text):
        if m.group("iso") or m.group("slash") or m.group("mdate") or m.group("ddate"):
            out.append(_date_mention(m))
        elif m.group("frac"):
            key = " ".join(m.group("frac").lower().split())
            out.append(Mention("fraction", m.start(), m.end(), m.group(0), (FRACTIONS[key],)))
        elif m.group("mult"):
            out.append(Mention("ratio", m.start(), m.end(), m.group(0), (MULTIPLIERS[m.group("mult").lower()],)))
        else:
            out.extend(_amount_mention(m, text))
    return out
