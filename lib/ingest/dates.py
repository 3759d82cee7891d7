"""Dates as banks write them: one day/month order decided from the whole file, and plausible bounds."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from lib.ingest.text import norm
from lib.ingest.types import DateQuestion

EARLIEST = dt.date(1970, 1, 1)
MAX_DATE_CHARS = 64  # "Wednesday, 3 November 2025 14:03:59 +01:00" is 42
FUTURE_DAYS = 7  # a booking dated a few days ahead (pending card payments) is real; further is a typo


def implausible(day: dt.date, today: dt.date) -> str | None:
    """Why a date cannot be a real booking (before 1970, or more than a few days after today)."""
    if day < EARLIEST:
        return f"date {day.isoformat()} is before 1970"
    if day > today + dt.timedelta(days=FUTURE_DAYS):
        return f"date {day.isoformat()} is more than {FUTURE_DAYS} days in the future"
    return None


_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "jan january januar janv janvier januari ene enero jän jänner",
        "feb february februar fev fevr fevrier februari febrero",
        "mar march marz maerz mrz mars mrt maart marzo",
        "apr april avr avril abr abril",
        "may mai mei mayo",
        "jun june juni juin junio",
        "jul july juli juil juillet julio",
        "aug august aout augustus ago agosto",
        "sep sept september septembre septiembre set",
        "oct october okt oktober octobre octubre",
        "nov november novembre noviembre",
        "dec december dez dezember decembre dic diciembre",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[norm(_name)] = _number

_TIME = r"(?:[T ,]+.*)?"
_ISO_RE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})\.?" + _TIME)  # "2026.11.03." in Hungary
_COMPACT_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUM_RE = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)
_DMY_WORD_RE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\.?[\s-]+([^\W\d_]{3,})\.?,?[\s-]+(\d{4}|\d{2})" + _TIME)
_MDY_WORD_RE = re.compile(r"([^\W\d_]{3,})\.?[\s-]+(\d{1,2})(?:st|nd|rd|th)?,?[\s-]+(\d{4}|\d{2})" + _TIME)
_WEEKDAY_RE = re.compile(
    r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday)?\.?,?\s+", re.IGNORECASE
)


@dataclass(frozen=True)
class _DateParts:
    kind: str  # "ymd" (a=month, b=day) or "num" (a, b in an order the whole file decides)
    a: int
    b: int
    year: int
    fmt: str


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        return 2000 + y if y < 70 else 1900 + y
    return y


def date_parts(text: str) -> _DateParts | None:
    """Recognise the shape of one date cell without deciding day/month order yet."""
    if len(text) > MAX_DATE_CHARS:
        return None  # capped before any regular expression looks at it
    text = _WEEKDAY_RE.sub("", text, count=1) if text[:1].isalpha() else text
    if m := _ISO_RE.fullmatch(text):
        sep = m[2]
        return _DateParts("ymd", int(m[3]), int(m[4]), int(m[1]), f"%Y{sep}%m{sep}%d")
    if m := _NUM_RE.fullmatch(text):
        y = "%Y" if len(m[4]) == 4 else "%y"
        return _DateParts("num", int(m[1]), int(m[3]), _year(m[4]), m[2] + y)
    if m := _COMPACT_RE.fullmatch(text):
        return _DateParts("ymd", int(m[2]), int(m[3]), int(m[1]), "%Y%m%d")
    if (m := _DMY_WORD_RE.fullmatch(text)) and (month := _MONTHS.get(norm(m[2]))):
        return _DateParts("ymd", month, int(m[1]), _year(m[3]), "%d %b %Y")
    if (m := _MDY_WORD_RE.fullmatch(text)) and (month := _MONTHS.get(norm(m[1]))):
        return _DateParts("ymd", month, int(m[2]), _year(m[3]), "%b %d, %Y")
    return None


# Header words of languages whose banks write the day first (a hint, used only when no date decides).
_DAY_FIRST_WORDS = frozenset((
    "datum", "buchungstag", "buchungsdatum", "valuta", "wertstellung", "betrag", "umsatz", "verwendungszweck",
    "empfanger", "auftraggeber", "montant", "libelle", "debit", "credit", "solde", "bedrag",
    "omschrijving", "naam", "tegenrekening", "boekdatum", "fecha", "importe", "concepto", "movimiento", "data",
    "importo", "descrizione", "kwota", "opis", "suma", "valiuta", "gavejas", "paaiskinimai", "beloeb", "tekst",
    "belopp", "text", "dato", "bokforingsdag", "belop",
))
_DAY_FIRST_CURRENCIES = frozenset(("EUR", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "INR", "ZAR",
                                   "NZD", "AUD", "BRL", "TRY", "RON", "BGN"))


# Words in payees and purposes that only banks of day-first countries write (German, French, Dutch,
# Spanish, Italian, Polish booking texts and company forms).
_DAY_FIRST_PAYEE_WORDS = frozenset((
    "gmbh", "kartenzahlung", "lastschrift", "uberweisung", "ueberweisung", "dauerauftrag", "gutschrift", "sarl",
    "virement", "prelevement", "paiement", "betaalautomaat", "incasso", "overboeking", "recibo", "transferencia",
    "bizum", "bonifico", "addebito", "przelew", "platnosc", "lastschrifteinzug", "geldautomat",
))


def payee_clue(texts: list[str]) -> list[tuple[str, str]]:
    """A day-first clue when payees or purposes use booking words of day-first countries."""
    for text in texts[:500]:
        if found := set(norm(text[:200]).split()) & _DAY_FIRST_PAYEE_WORDS:
            return [("dmy", f"payees are written in a day-first country's words (“{sorted(found)[0]}”)")]
    return []


def order_clues(separators: set[str], decimal: str | None, header: list[str], currencies: set[str]) -> list[
        tuple[str, str]]:
    """What a file says about its day/month order besides the dates: ('dmy'|'mdy', why) per clue."""
    clues: list[tuple[str, str]] = []
    if "." in separators:
        clues.append(("dmy", "dates are written with dots (day.month.year)"))
    if decimal == ",":
        clues.append(("dmy", "amounts use a decimal comma"))
    words = {w for cell in header for w in norm(cell).split()}
    if foreign := sorted(words & _DAY_FIRST_WORDS - {"debit", "credit", "text"}):
        clues.append(("dmy", f"the header is not in US English (“{foreign[0]}”)"))
    if day_first := sorted(currencies & _DAY_FIRST_CURRENCIES):
        clues.append(("dmy", f"amounts are in {day_first[0]}"))
    if "USD" in currencies and not words & _DAY_FIRST_WORDS:
        clues.append(("mdy", "amounts are in US dollars with an English header"))
    return clues


def decide_order(
    dated: list[tuple[int, str, int, int]], clues: list[tuple[str, str]]
) -> tuple[str, str] | DateQuestion:
    """('dmy'|'mdy', why) from (line, text, first, second number) of every date, then from clues; else the question."""
    day = next(((ln, t) for ln, t, a, b in dated if a > 12 >= b), None)
    month = next(((ln, t) for ln, t, a, b in dated if b > 12 >= a), None)
    if day and not month:
        return "dmy", f"line {day[0]}: “{day[1]}” can only be day/month"
    if month and not day:
        return "mdy", f"line {month[0]}: “{month[1]}” can only be month/day"
    ambiguous = [(ln, t) for ln, t, a, b in dated if a != b]
    if day and month:
        reason = (f"line {day[0]} (“{day[1]}”) can only be day/month but line {month[0]} (“{month[1]}”) "
                  "can only be month/day")
        return DateQuestion(reason, [day, month, *ambiguous[:4]])
    orders = {order for order, _ in clues}
    if len(orders) == 1:
        order = orders.pop()
        return order, "no date has a day above 12; " + "; ".join(why for _, why in clues)
    reason = "every date has a day of 12 or less, so each reads both ways"
    if len(orders) > 1:
        reason += " and the file's hints disagree (" + "; ".join(why for _, why in clues) + ")"
    return DateQuestion(reason, ambiguous[:6] or [(ln, t) for ln, t, _, _ in dated[:6]])


class DateReader:
    """Parses a file's date cells with one day/month order decided from all of them, never guessed."""

    def __init__(
        self, cells: list[tuple[int, str]], date_format: str | None, order: str | None = None, *,
        decimal: str | None = None, header: list[str] | None = None, currencies: set[str] | None = None,
        clues: list[tuple[str, str]] | None = None,
    ):
        self.date_format = date_format
        self.day_first = True
        self.question: DateQuestion | None = None
        self.order_reason = ""
        self._cache: dict[str, _DateParts | None] = {}
        if date_format:
            self.fmt = date_format
            self.order_reason = "given"
            return
        parts = [(line, text.strip(), p) for line, text in cells if (p := self._parts(text)) is not None]
        nums = [(line, text, p.a, p.b) for line, text, p in parts if p.kind == "num"]
        if order:
            self.day_first, self.order_reason = order == "dmy", "given"
        elif nums:
            separators = {p.fmt[0] for _, _, p in parts if p.kind == "num"}
            found = order_clues(separators, decimal, header or [], currencies or set()) + (clues or [])
            verdict = decide_order(nums, found)
            if isinstance(verdict, DateQuestion):
                self.question = verdict  # rows are read day-first for the preview, never imported so
            else:
                self.day_first, self.order_reason = verdict[0] == "dmy", verdict[1]
        shapes = Counter(p.fmt for _, _, p in parts)
        shape = shapes.most_common(1)[0][0] if shapes else "%Y-%m-%d"
        if shape[0] in "-/.":
            sep, year = shape[0], shape[1:]
            self.fmt = f"%d{sep}%m{sep}{year}" if self.day_first else f"%m{sep}%d{sep}{year}"
        else:
            self.fmt = shape

    def _parts(self, text: str) -> _DateParts | None:
        text = text.strip()
        if text not in self._cache:
            self._cache[text] = date_parts(text) if text else None
        return self._cache[text]

    def read(self, text: str) -> dt.date | str:
        """The date, or the reason it is not one."""
        text = text.strip()
        if not text:
            return "missing date"
        if self.date_format:
            try:
                return dt.datetime.strptime(text, self.date_format).date()
            except ValueError:
                return f"date '{text}' does not match the date format {self.date_format}"
        parts = self._parts(text)
        if parts is None:
            return f"'{text}' is not a date"
        if parts.kind == "num":
            day, month = (parts.a, parts.b) if self.day_first else (parts.b, parts.a)
            if month > 12:
                order = "day/month" if self.day_first else "month/day"
                return f"date '{text}' does not fit the file's {order} order ({self.fmt})"
        else:
            day, month = parts.b, parts.a
        try:
            return dt.date(parts.year, month, day)
        except ValueError:
            return f"'{text}' is not a valid date"
