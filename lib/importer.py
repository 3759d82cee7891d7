"""Parse real bank CSV exports into transactions, and import them without duplicates.

Banks disagree on everything: delimiter, decimal mark, date order, one signed amount column
or debit/credit columns, junk lines above the header, encodings. Whatever can be detected is
detected (and reported in `ParseResult.detected` for the preview); flags override the guess.
A bad row is reported with its line number in the ORIGINAL file and never stops the good rows.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import hashlib
import io
import itertools
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from lib.errors import ValidationError
from lib.models import CENT, MAX_AMOUNT, Transaction, clean_text, decimal_places, validate_transaction
from lib.store.base import Store

log = logging.getLogger(__name__)

ROLES: tuple[str, ...] = ("date", "amount", "debit", "credit", "direction", "description", "category", "currency")
SIGNS: tuple[str, ...] = ("bank", "spending")
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
_DELIMITER_WORDS = {"comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t", "pipe": "|"}
_SAMPLE_CHARS = 64 * 1024
_SAMPLE_RECORDS = 200
_HEADER_SEARCH = 60  # junk lines above a header are a handful, never pages


# ---------------------------------------------------------------------------------------------
# Public data types
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportOptions:
    """Overrides for what parse_csv would otherwise detect; None means detect."""

    delimiter: str | None = None
    decimal: str | None = None
    date_format: str | None = None
    columns: dict[str, str] | None = None
    sign: str | None = None
    encoding: str | None = None


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


@dataclass(frozen=True)
class RowError:
    """A row that could not be used, with the reason a user can act on."""

    line_number: int
    reason: str
    raw: str = ""

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.reason}"


@dataclass
class ParseResult:
    """Good rows, bad rows, and what was detected (for the UI's preview)."""

    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    detected: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportReport:
    """What an import did: rows written, rows already present, rows refused (with reasons)."""

    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------------
def parse_columns_flag(text: str) -> dict[str, str]:
    """Turn the CLI's `date=Booking date,amount=Value` into a role -> column-name mapping."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        role, sep, name = part.partition("=")
        role = role.strip().lower()
        if not sep or not name.strip():
            raise ValidationError({"columns": f"'{part.strip()}' should look like role=Column name"})
        if role not in ROLES:
            raise ValidationError({"columns": f"unknown role '{role}' (use: {', '.join(ROLES)})"})
        mapping[role] = name.strip()
    if not mapping:
        raise ValidationError({"columns": "give at least one role=Column name"})
    return mapping


def _checked(options: ImportOptions) -> ImportOptions:
    errors: dict[str, str] = {}
    delimiter = options.delimiter
    if delimiter is not None:
        delimiter = _DELIMITER_WORDS.get(delimiter.lower(), delimiter)
        if len(delimiter) != 1 or delimiter in "\"\r\n":
            errors["delimiter"] = "Delimiter must be one character (or comma, semicolon, tab, pipe)."
    if options.decimal not in (None, ".", ","):
        errors["decimal"] = "Decimal mark must be '.' or ','."
    if options.date_format is not None and "%" not in options.date_format:
        errors["date_format"] = "Date format must be a strptime format such as %d.%m.%Y."
    if options.sign not in (None, *SIGNS):
        errors["sign"] = "Sign must be 'bank' (negative is spending) or 'spending' (positive is spending)."
    for role in options.columns or {}:
        if role not in ROLES:
            errors["columns"] = f"Unknown column role '{role}' (use: {', '.join(ROLES)})."
    if options.encoding is not None:
        try:
            codecs.lookup(options.encoding)
        except LookupError:
            errors["encoding"] = f"Unknown encoding '{options.encoding}'."
    if errors:
        raise ValidationError(errors)
    return ImportOptions(
        delimiter, options.decimal, options.date_format, options.columns, options.sign, options.encoding
    )


# ---------------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------------
def _decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    """Bytes to text: the given encoding, else BOM, else UTF-8, else cp1252, else Latin-1."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise ValidationError({"encoding": f"The file is not valid {encoding}: {exc.reason}."}) from None
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    for enc in ("utf-8", "cp1252"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _norm(text: str) -> str:
    """Header-ish text to lowercase ASCII words: 'Libellé (EUR)' -> 'libelle eur'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", ascii_only).split())


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the physical line each starts on (quoted newlines span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
    previous = 0
    try:
        for record in reader:
            yield previous + 1, record
            previous = reader.line_num
    except csv.Error as exc:
        raise ValidationError({"file": f"line {previous + 1}: unreadable CSV ({exc})."}) from None


@functools.lru_cache(maxsize=8192)
def _one_line(text: str) -> str:
    """Quoted descriptions may span lines; keep the words apart."""
    return clean_text(" ".join(text.split()))


def _raw(cells: list[str], delimiter: str) -> str:
    return delimiter.join(cells)[:200]


# ---------------------------------------------------------------------------------------------
# Header detection
# ---------------------------------------------------------------------------------------------
# Checked in this order, so "Debit Amount" is a debit column and "Value date" a date column.
_ROLE_ORDER = ("direction", "debit", "credit", "date", "amount", "currency", "category", "description")
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "direction": (
        "af bij", "debit credit", "credit debit", "dr cr", "cr dr", "soll haben", "s h", "d c", "c d",
        "credit debit indicator", "debit credit indicator",
    ),
    "debit": (
        "debit", "debet", "soll", "paid out", "money out", "withdrawal", "withdrawals", "ausgaben",
        "ausgang", "cargo", "cargos", "af",
    ),
    "credit": (
        "credit", "haben", "paid in", "money in", "deposit", "deposits", "einnahmen", "eingang",
        "abono", "abonos", "bij",
    ),
    "date": (
        "date", "datum", "fecha", "data", "dato", "buchungstag", "buchungsdatum", "valutadatum",
        "wertstellung", "boekdatum", "transactiedatum", "=buchung", "=valuta",
    ),
    "amount": ("amount", "betrag", "montant", "bedrag", "importe", "monto", "umsatz", "value", "sum"),
    "currency": ("currency", "wahrung", "waehrung", "devise", "moneda", "munt", "ccy"),
    "category": ("category", "kategorie", "categorie", "categoria", "rubrik", "rubrique"),
    "description": (
        # best first: who was paid beats what the bank wrote about it
        "payee", "merchant", "beguenstigter", "begunstigter", "empfanger", "empfaenger", "auftraggeber",
        "zahlungspflichtiger", "counterparty", "beneficiaire", "beneficiario", "naam", "name",
        "description", "verwendungszweck", "libelle", "omschrijving", "concepto", "descripcion",
        "details", "narrative", "particulars",
        "memo", "buchungstext", "mededelingen", "reference", "referenz", "notes", "communication",
    ),
}
_BALANCE = ("balance", "saldo", "solde", "kontostand", "running")
_NOT_DESCRIPTION = ("account", "konto", "rekening", "compte", "cuenta", "iban", "bic", "number", "nummer", "code")
_VALUE_DATE = ("wertstellung", "valuta", "value", "valeur", "valor", "rentedatum", "post", "completed")
_FOREIGN = ("foreign", "original", "local", "ursprung", "fremd")


# Words that also count inside compounds ("Buchungsdatum", "Transaktionsbetrag"); every other
# keyword must be a whole word, so "Creditor ID" is no credit column and "Umsatzart" no amount.
_COMPOUND = frozenset(
    (
        "datum", "betrag", "bedrag", "buchungstag", "buchungsdatum", "valutadatum", "wertstellung",
        "verwendungszweck", "beguenstigter", "begunstigter", "empfanger", "empfaenger", "auftraggeber",
        "zahlungspflichtiger", "omschrijving", "kategorie", "wahrung", "waehrung", "boekdatum", "transactiedatum",
        "libelle", "montant", "kontostand", "saldo",
    )
)


def _match(name: str, keyword: str) -> int | None:
    """How well a keyword names a header: 0 the whole name, 1 whole words, 2 inside a compound; None not."""
    if keyword.startswith("="):
        return 0 if name == keyword[1:] else None
    if name == keyword:
        return 0
    if f" {keyword} " in f" {name} ":
        return 1
    return 2 if keyword in _COMPOUND and keyword in name.replace(" ", "") else None


def _has(name: str, keyword: str) -> bool:
    return _match(name, keyword) is not None


def _mentions(name: str, fragments: tuple[str, ...]) -> bool:
    compact = name.replace(" ", "")
    return any(f in compact for f in fragments)


def _role_of(name: str) -> tuple[str, tuple[int, int, int]] | None:
    """The role a header cell names, with a rank (lower is better) among same-role columns."""
    if not name or any(_has(name, k) for k in _BALANCE):
        return None
    for role in _ROLE_ORDER:
        hits = [(i, q) for i, k in enumerate(_KEYWORDS[role]) if (q := _match(name, k)) is not None]
        if not hits:
            continue
        if role == "description" and any(_has(name, k) for k in _NOT_DESCRIPTION):
            return None
        if role == "currency" and _mentions(name, _FOREIGN):
            return None  # the currency of a foreign amount, not of the account's amount
        # Booking date beats value date; the account's own amount beats a foreign one.
        aside = (role == "date" and _mentions(name, _VALUE_DATE)) or (
            role == "amount" and _mentions(name, _FOREIGN)
        )
        # Descriptions rank by keyword (payee before memo); other roles by how exactly they match.
        keyword_rank, quality = min(hits) if role == "description" else (0, min(q for _, q in hits))
        return role, (int(aside), keyword_rank, quality)
    return None


@dataclass
class _Plan:
    header_line: int | None
    header: list[str]
    cols: dict[str, int]
    desc_cols: list[int]
    width: int


def _auto_roles(cells: list[str]) -> tuple[dict[str, int], list[int]]:
    found: dict[str, list[tuple[tuple[int, int, int], int]]] = {}
    for index, cell in enumerate(cells):
        hit = _role_of(_norm(cell))
        if hit:
            found.setdefault(hit[0], []).append((hit[1], index))
    cols = {role: min(hits)[1] for role, hits in found.items()}
    desc = [index for _, index in sorted(found.get("description", []))]
    return cols, desc


def _mapped_index(cells: list[str], name: str) -> int | None:
    wanted = _norm(name)
    for index, cell in enumerate(cells):
        if _norm(cell) == wanted or cell.strip() == name.strip():
            return index
    if name.strip().isdigit() and 1 <= int(name) <= len(cells):
        return int(name) - 1  # a 1-based column position, for files without a header
    return None


def _complete(cols: dict[str, int]) -> bool:
    return "date" in cols and any(r in cols for r in ("amount", "debit", "credit"))


def _plan_for(cells: list[str], line: int | None, columns: dict[str, str] | None) -> _Plan | None:
    """The column plan if `cells` is the header (auto roles, then the user's mapping on top)."""
    if len([c for c in cells if c.strip()]) < 2:
        return None
    cols, desc = _auto_roles(cells) if line is not None else ({}, [])
    for role, name in (columns or {}).items():
        index = _mapped_index(cells, name) if line is not None or name.strip().isdigit() else None
        if index is None:
            return None
        cols[role] = index
        if role == "description":
            desc = [index]
    if columns:
        if ({"debit", "credit"} & columns.keys()) and "amount" not in columns:
            cols.pop("amount", None)
        if "amount" in columns:
            cols.pop("debit", None)
            cols.pop("credit", None)
    if "amount" in cols:
        cols.pop("debit", None)
        cols.pop("credit", None)
    if "description" in cols and cols["description"] not in desc:
        desc.insert(0, cols["description"])
    if not _complete(cols):
        return None
    return _Plan(line, cells, cols, desc, len(cells))


def _find_header(sample: list[tuple[int, list[str]]], columns: dict[str, str] | None) -> tuple[_Plan | None, int]:
    """The first record that reads as a header, and how many of the next rows have its width."""
    for position, (line, cells) in enumerate(sample[:_HEADER_SEARCH]):
        plan = _plan_for(cells, line, columns)
        if plan:
            following = sample[position + 1 : position + 21]
            return plan, sum(1 for _, c in following if len(c) == plan.width)
    return None, 0


def _content_plan(sample: list[tuple[int, list[str]]], columns: dict[str, str] | None) -> tuple[_Plan | None, int]:
    """For files without a known header: the date and amount columns found by what the cells hold."""
    widths = Counter(len(c) for _, c in sample if len(c) >= 2)
    if not widths:
        return None, 0
    width, count = widths.most_common(1)[0]
    records = [(line, c) for line, c in sample if len(c) == width]
    if columns:
        if not all(v.strip().isdigit() for v in columns.values()):
            return None, 0  # the user named columns this file does not have: say so, do not guess
        return _plan_for(["x"] * width, None, columns), count
    # A first row without a single date or number is a header in words we do not know.
    header_line: int | None = None
    header: list[str] = []
    if len(records) > 1 and not any(_date_parts(c.strip()) or _is_amountish(c) for c in records[0][1]):
        header_line, header = records[0]
        records = records[1:]
    rows = [c for _, c in records]
    date_score = [sum(1 for r in rows if _date_parts(r[i].strip())) / len(rows) for i in range(width)]
    date_col = max(range(width), key=lambda i: date_score[i])
    if date_score[date_col] < 0.8:
        return None, 0

    def amount_score(i: int) -> float:
        ok = [r[i] for r in rows if _is_amountish(r[i])]
        # Cents make an amount column; a column of plain reference numbers scores lower.
        with_cents = sum(1 for v in ok if re.search(r"[.,]\d{2}\W*$", v.strip()))
        return (len(ok) + 0.1 * with_cents) / len(rows)

    others = [i for i in range(width) if i != date_col]
    amount_col = max(others, key=amount_score, default=None)
    if amount_col is None or amount_score(amount_col) < 0.8:
        return None, 0
    texts = [i for i in others if i != amount_col]
    desc = sorted(texts, key=lambda i: -sum(len(r[i]) for r in rows))[:1]
    cols = {"date": date_col, "amount": amount_col}
    if desc:
        cols["description"] = desc[0]
    return _Plan(header_line, header, cols, desc, width), count


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------
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
        _MONTHS[_norm(_name)] = _number

_TIME = r"(?:[T ,]+.*)?"
_ISO_RE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME)
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


def _date_parts(text: str) -> _DateParts | None:
    """Recognise the shape of one date cell without deciding day/month order yet."""
    text = _WEEKDAY_RE.sub("", text, count=1) if text[:1].isalpha() else text
    if m := _ISO_RE.fullmatch(text):
        sep = m[2]
        return _DateParts("ymd", int(m[3]), int(m[4]), int(m[1]), f"%Y{sep}%m{sep}%d")
    if m := _NUM_RE.fullmatch(text):
        y = "%Y" if len(m[4]) == 4 else "%y"
        return _DateParts("num", int(m[1]), int(m[3]), _year(m[4]), m[2] + y)
    if m := _COMPACT_RE.fullmatch(text):
        return _DateParts("ymd", int(m[2]), int(m[3]), int(m[1]), "%Y%m%d")
    if (m := _DMY_WORD_RE.fullmatch(text)) and (month := _MONTHS.get(_norm(m[2]))):
        return _DateParts("ymd", month, int(m[1]), _year(m[3]), "%d %b %Y")
    if (m := _MDY_WORD_RE.fullmatch(text)) and (month := _MONTHS.get(_norm(m[1]))):
        return _DateParts("ymd", month, int(m[2]), _year(m[3]), "%b %d, %Y")
    return None


class _DateReader:
    """Parses a file's date cells with one day/month order decided from all of them."""

    def __init__(self, cells: list[str], date_format: str | None, us_hint: bool):
        self.date_format = date_format
        self.day_first = True
        self.guessed = False
        self._cache: dict[str, _DateParts | None] = {}
        if date_format:
            self.fmt = date_format
            return
        parts = [p for p in map(self._parts, cells) if p is not None]
        nums = [p for p in parts if p.kind == "num"]
        day_votes = sum(1 for p in nums if p.a > 12 >= p.b)
        month_votes = sum(1 for p in nums if p.b > 12 >= p.a)
        if day_votes or month_votes:
            self.day_first = day_votes >= month_votes
        elif nums:
            # Nothing decides (every day <= 12): dots are always day-first; '$' amounts suggest a US bank.
            self.day_first = nums[0].fmt[0] == "." or not us_hint
            self.guessed = True
        shapes = Counter(p.fmt for p in parts)
        shape = shapes.most_common(1)[0][0] if shapes else "%Y-%m-%d"
        if shape[0] in "-/.":
            sep, year = shape[0], shape[1:]
            self.fmt = f"%d{sep}%m{sep}{year}" if self.day_first else f"%m{sep}%d{sep}{year}"
        else:
            self.fmt = shape

    def _parts(self, text: str) -> _DateParts | None:
        text = text.strip()
        if text not in self._cache:
            self._cache[text] = _date_parts(text) if text else None
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


# ---------------------------------------------------------------------------------------------
# Amounts
# ---------------------------------------------------------------------------------------------
_SYMBOLS = {"€": "EUR", "£": "GBP", "$": "USD", "¥": "JPY", "₹": "INR", "₺": "TRY", "₽": "RUB", "₩": "KRW"}
_CODES = (
    "EUR", "USD", "GBP", "CHF", "CAD", "AUD", "NZD", "JPY", "SEK", "NOK", "DKK", "PLN",
    "CZK", "HUF", "INR", "ZAR", "MXN", "BRL", "TRY", "RON", "BGN", "HKD", "SGD", "CNY",
)
_CODE_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(_CODES) + r")(?![A-Za-z])", re.IGNORECASE)
_DRCR_RE = re.compile(r"(.*\d)\s*(CR|DR)\.?", re.IGNORECASE)
_SPACES_RE = re.compile(r"[\s'’\u00a0\u202f\u2009]")
_NUMBER_CHARS_RE = re.compile(r"[\d.,]*\d[\d.,]*")
_POINT_RE = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d+)?")
_COMMA_RE = re.compile(r"(?:\d{1,3}(?:\.\d{3})+|\d*)(?:,\d+)?")


@dataclass(frozen=True)
class _Money:
    core: str  # digits and separators only
    sign: int
    currency: str | None
    marked: bool = False  # carried a CR/DR marker


@functools.lru_cache(maxsize=8192)
def _split_amount(text: str) -> _Money | str:
    """Strip symbols, codes, signs and CR/DR markers; the reason when the cell is no amount."""
    s = text.strip().replace("\u2212", "-")
    if not s:
        return "missing amount"
    sign = 1
    currency = None
    marked = False
    if m := _DRCR_RE.fullmatch(s):
        # Statements that mark credits "CR" leave debits unmarked and positive, so a marked file is
        # read in the product's terms: DR (and no mark) is spending, CR is money back.
        s, sign, marked = m[1], (-1 if m[2].upper() == "CR" else 1), True
    if m := _CODE_RE.search(s):
        currency = m[1].upper()
        s = s[: m.start()] + s[m.end():]
    for symbol, code in _SYMBOLS.items():
        if symbol in s:
            currency = currency or code
            s = s.replace(symbol, "")
    s = _SPACES_RE.sub("", s)
    if s.startswith("(") and s.endswith(")"):
        sign, s = -sign, s[1:-1]
    if s.startswith("-"):
        sign, s = -sign, s[1:]
    elif s.startswith("+"):
        s = s[1:]
    elif s.endswith("-"):  # SAP-style trailing minus, common in German exports
        sign, s = -sign, s[:-1]
    if not _NUMBER_CHARS_RE.fullmatch(s):
        return f"'{text.strip()}' is not an amount"
    return _Money(s, sign, currency, marked)


def _is_amountish(text: str) -> bool:
    return isinstance(_split_amount(text), _Money) and _date_parts(text.strip()) is None


def _decimal_vote(core: str) -> str | None:
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


def _to_decimal(money: _Money, decimal: str) -> Decimal | str:
    core = money.core
    pattern = _POINT_RE if decimal == "." else _COMMA_RE
    if not pattern.fullmatch(core):
        return f"'{core}' is not a number with decimal mark '{decimal}'"
    core = core.replace(",", "") if decimal == "." else core.replace(".", "").replace(",", ".")
    try:
        return Decimal(core) * money.sign
    except InvalidOperation:
        return f"'{money.core}' is not a number"


_DEBIT_MARKS = {"af", "d", "dr", "debit", "debet", "s", "soll", "-", "out", "cargo"}
_CREDIT_MARKS = {"bij", "c", "cr", "credit", "h", "haben", "+", "in", "abono"}


# ---------------------------------------------------------------------------------------------
# Rows that are not transactions
# ---------------------------------------------------------------------------------------------
_SUMMARY_WORDS = {
    "total", "totals", "subtotal", "sum", "summe", "gesamt", "gesamtsumme", "saldo", "endsaldo",
    "anfangssaldo", "balance", "kontostand", "solde", "closing", "opening", "ancien", "nouveau", "totaal",
}


def _skippable(cells: list[str]) -> bool:
    """Summary, balance and note lines banks append after the data: not transactions, not errors."""
    filled = [c.strip() for c in cells if c.strip()]
    if not filled:
        return True
    first = _norm(filled[0]).split(" ")[0]
    if first in _SUMMARY_WORDS:
        return True
    return len(filled) == 1 and not re.search(r"\d", filled[0])


# ---------------------------------------------------------------------------------------------
# parse_csv
# ---------------------------------------------------------------------------------------------
def _choose_layout(text: str, options: ImportOptions) -> tuple[str, _Plan]:
    """The delimiter and column plan that explain the file best."""
    candidates = (options.delimiter,) if options.delimiter else DELIMITERS
    sample_text = text[:_SAMPLE_CHARS]
    best: tuple[tuple[int, int], str, _Plan] | None = None
    samples: dict[str, list[tuple[int, list[str]]]] = {}
    for delimiter in candidates:
        try:
            sample = list(itertools.islice(_records(sample_text, delimiter), _SAMPLE_RECORDS))
        except ValidationError:
            continue
        if len(sample_text) < len(text) and len(sample) > 1:
            sample = sample[:-1]  # the cut may have split the last record
        samples[delimiter] = sample
        plan, consistent = _find_header(sample, options.columns)
        if plan and (best is None or (1, consistent) > best[0]):
            best = ((1, consistent), delimiter, plan)
    if best is None:
        for delimiter, sample in samples.items():
            plan, consistent = _content_plan(sample, options.columns)
            if plan and (best is None or (0, consistent) > best[0]):
                best = ((0, consistent), delimiter, plan)
    if best is None:
        if options.columns:
            first = next((c for s in samples.values() for _, c in s if len(c) > 1), [])
            shown = ", ".join(c.strip() for c in first if c.strip())[:200]
            wanted = ", ".join(options.columns.values())
            raise ValidationError({"columns": f"Could not find the columns {wanted} (header looks like: {shown})."})
        raise ValidationError(
            {"file": "Could not find a date column and an amount column; name them with --columns date=...,amount=..."}
        )
    return best[1], best[2]


def _data_records(text: str, delimiter: str, plan: _Plan) -> tuple[list[tuple[int, list[str]]], list[int]]:
    """The non-blank records below the header, and the lines of repeated headers left out."""
    records: list[tuple[int, list[str]]] = []
    skipped: list[int] = []
    header_norm = [_norm(c) for c in plan.header]
    for line, cells in _records(text, delimiter):
        if plan.header_line is not None and line <= plan.header_line:
            continue
        if not any(c.strip() for c in cells):
            continue
        if (
            plan.header
            and len(cells) == plan.width
            and cells[0].strip() == plan.header[0].strip()
            and [_norm(c) for c in cells] == header_norm
        ):
            skipped.append(line)  # some banks repeat the header on every "page"
            continue
        records.append((line, cells))
    return records, skipped


def _decide_decimal(amounts: list[_Money | str], delimiter: str) -> str:
    """The decimal mark most numbers vote for; on a tie, the convention that goes with the delimiter."""
    votes = Counter(v for m in amounts if isinstance(m, _Money) and (v := _decimal_vote(m.core)))
    if votes["."] != votes[","]:
        return "." if votes["."] > votes[","] else ","
    return "," if delimiter == ";" else "."


def _header_currency(plan: _Plan) -> str | None:
    """A currency named in the amount column's header, as in 'Betrag (EUR)' or 'Débit euros'."""
    for role in ("amount", "debit", "credit"):
        if role in plan.cols and plan.header:
            name = plan.header[plan.cols[role]]
            if m := _CODE_RE.search(name):
                return m[1].upper()
            if re.search(r"\beuros?\b", name, re.IGNORECASE):
                return "EUR"
    return None


def _cell_currency(text: str) -> str | None:
    text = text.strip()
    if text in _SYMBOLS:
        return _SYMBOLS[text]
    return text.upper() if re.fullmatch(r"[A-Za-z]{3}", text) else None


def parse_csv(data: bytes, options: ImportOptions | None = None) -> ParseResult:
    """Read a bank export into rows in the product's sign, reporting each bad row by its line number."""
    options = _checked(options or ImportOptions())
    text, encoding = _decode(data, options.encoding)
    delimiter, plan = _choose_layout(text, options)
    cols = plan.cols
    records, skipped = _data_records(text, delimiter, plan)

    def cell(cells: list[str], role: str) -> str:
        index = cols.get(role)
        return cells[index] if index is not None and index < len(cells) else ""

    amounts = [_split_amount(cell(c, r)) for _, c in records for r in ("amount", "debit", "credit") if r in cols]
    us_hint = any(isinstance(m, _Money) and m.currency == "USD" for m in amounts)
    dates = _DateReader([cell(c, "date") for _, c in records], options.date_format, us_hint)
    decimal = options.decimal or _decide_decimal(amounts, delimiter)
    header_currency = _header_currency(plan)
    mode = ("direction" if "direction" in cols else "signed") if "amount" in cols else "debit/credit"

    staged: list[tuple[int, list[str], dt.date, Decimal, str | None]] = []
    errors: list[RowError] = []
    started = plan.header_line is not None  # without a header, junk above the first dated row is skipped
    for line, cells in records:
        day = dates.read(cell(cells, "date"))
        if isinstance(day, str):
            if _skippable(cells) or not started:
                skipped.append(line)
            else:
                errors.append(RowError(line, day, _raw(cells, delimiter)))
            continue
        started = True
        parsed = _row_amount(cells, cell, mode, decimal)
        if isinstance(parsed, str):
            errors.append(RowError(line, parsed, _raw(cells, delimiter)))
            continue
        staged.append((line, cells, day, parsed[0], parsed[1]))

    sign = options.sign
    if mode == "signed" and sign is None:
        negatives = sum(1 for s in staged if s[3] < 0)
        if any(isinstance(m, _Money) and m.marked for m in amounts):
            sign = "spending"  # CR/DR marks were already read in the product's terms
        else:
            sign = "bank" if negatives and negatives >= len(staged) - negatives else "spending"
    flip = -1 if (mode == "signed" and sign == "bank") else 1

    rows: list[ParsedRow] = []
    for line, cells, day, value, currency in staged:
        amount = value * flip
        problem = _amount_problem(amount)
        if problem:
            errors.append(RowError(line, problem, _raw(cells, delimiter)))
            continue
        description = next((cells[i] for i in plan.desc_cols if i < len(cells) and cells[i].strip()), "")
        rows.append(
            ParsedRow(
                line_number=line,
                date=day,
                amount=amount.quantize(CENT),
                description=_one_line(description),
                category=clean_text(cell(cells, "category"), 40) or "Other",
                currency=_cell_currency(cell(cells, "currency")) or currency or header_currency,
                raw=_raw(cells, delimiter),
            )
        )

    errors.sort(key=lambda e: e.line_number)
    detected: dict[str, Any] = {
        "encoding": encoding,
        "delimiter": delimiter,
        "decimal": decimal,
        "date_format": dates.fmt,
        "date_order_guessed": dates.guessed,
        "columns": {
            role: (plan.header[i].strip() if plan.header else f"column {i + 1}")
            for role, i in sorted(cols.items(), key=lambda kv: kv[1])
        },
        "header_line": plan.header_line,
        "amount_mode": mode,
        "sign": sign if mode == "signed" else mode,
        "skipped_lines": sorted(skipped),
    }
    log.info(
        "parsed csv",
        extra={"rows": len(rows), "errors": len(errors), "delimiter": delimiter, "decimal": decimal,
               "encoding": encoding},
    )
    return ParseResult(rows, errors, detected)


def _amount_problem(amount: Decimal) -> str | None:
    """The amount rules of validate_transaction, checked here so the preview shows them per line."""
    if amount == 0:
        return "Amount cannot be zero."
    if decimal_places(amount) > 2:
        return "Amount can have at most 2 decimals."
    if abs(amount) > MAX_AMOUNT:
        return "Amount is implausibly large."
    return None


def _row_amount(
    cells: list[str], cell: Callable[[list[str], str], str], mode: str, decimal: str
) -> tuple[Decimal, str | None] | str:
    """The row's amount in bank terms for 'signed', else already in the product's sign; or a reason."""
    if mode == "debit/credit":
        total = Decimal(0)
        currency = None
        seen = False
        for role, sign in (("debit", 1), ("credit", -1)):
            text = cell(cells, role)
            if not text.strip():
                continue
            money = _split_amount(text)
            if isinstance(money, str):
                return f"{role} {money}"
            value = _to_decimal(money, decimal)
            if isinstance(value, str):
                return f"{role} {value}"
            total += abs(value) * sign
            currency = currency or money.currency
            seen = True
        return (total, currency) if seen else "missing amount (debit and credit are both empty)"
    money = _split_amount(cell(cells, "amount"))
    if isinstance(money, str):
        return money
    value = _to_decimal(money, decimal)
    if isinstance(value, str):
        return value
    if mode == "direction":
        mark = _norm(cell(cells, "direction")) or cell(cells, "direction").strip()
        if mark in _DEBIT_MARKS:
            return abs(value), money.currency
        if mark in _CREDIT_MARKS:
            return -abs(value), money.currency
        return f"'{cell(cells, 'direction').strip()}' is neither a debit nor a credit mark"
    return value, money.currency


# ---------------------------------------------------------------------------------------------
# Import through a Store
# ---------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8192)
def _norm_description(description: str) -> str:
    return " ".join(clean_text(description).casefold().split())


def fingerprint(user_id: str, day: dt.date, amount: Decimal, description: str, occurrence: int) -> str:
    """Stable id of an imported row: the same file imported twice yields the same fingerprints.

    `occurrence` counts identical rows earlier in the same file, so two identical coffees on one
    day stay two transactions.
    """
    parts = (user_id, day.isoformat(), str(amount.quantize(CENT)), _norm_description(description), str(occurrence))
    text = "\x1f".join(parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def import_rows(
    store: Store,
    user_id: str,
    result: ParseResult,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Write the parsed rows as the user's transactions, skipping those a previous import wrote."""
    errors = list(result.errors)
    occurrences: Counter[tuple[dt.date, Decimal, str]] = Counter()
    candidates: list[tuple[str, Transaction]] = []
    for row in result.rows:
        key = (row.date, row.amount.quantize(CENT), _norm_description(row.description))
        fp = fingerprint(user_id, row.date, row.amount, row.description, occurrences[key])
        occurrences[key] += 1
        try:
            txn = validate_transaction(
                user_id,
                row.date,
                row.amount,
                row.category,
                row.description,
                row.currency,
                source="import",
                fingerprint=fp,
                # Derived from the fingerprint, so even two concurrent imports of one file overwrite
                # each other instead of doubling it.
                sort_key=f"{row.date.isoformat()}#{fp[:20]}",
            )
        except ValidationError as exc:
            errors.append(RowError(row.line_number, " ".join(exc.errors.values()), row.raw))
            continue
        candidates.append((fp, txn))

    duplicates = 0
    imported = 0
    if candidates:
        first = min(t.date for _, t in candidates)
        last = max(t.date for _, t in candidates)
        present = {t.fingerprint for t in store.list_transactions(user_id, first, last) if t.fingerprint}
        new = []
        for fp, txn in candidates:
            if fp in present:
                duplicates += 1
            else:
                present.add(fp)
                new.append(txn)
        if new:
            imported = store.put_transactions(new, progress)
    errors.sort(key=lambda e: e.line_number)
    log.info(
        "imported csv",
        extra={"user_id": user_id, "imported": imported, "duplicates": duplicates, "rejected": len(errors)},
    )
    return ImportReport(imported=imported, duplicates=duplicates, rejected=len(errors), errors=errors)


def import_csv(
    store: Store,
    user_id: str,
    data: bytes,
    options: ImportOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Parse a bank export and import it (see parse_csv and import_rows)."""
    return import_rows(store, user_id, parse_csv(data, options), progress)
