"""Bytes to text, header words to comparable ASCII, and the checks of the user's overrides."""
from __future__ import annotations

import codecs
import functools
import re
import unicodedata

from lib.core.errors import ValidationError
from lib.core.models import clean_text
from lib.ingest.types import DATE_ORDERS, ROLES, SIGNS, ImportOptions

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
_DELIMITER_WORDS = {"comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t", "pipe": "|"}


def decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    """Bytes to text: the given encoding, else BOM, else UTF-8, else cp1252, else Latin-1."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise ValidationError({"encoding": f"The file is not valid {encoding}: {exc.reason}."}) from None
        except LookupError:
            raise ValidationError({"encoding": "That encoding is not known: choose one from the list."}) from None
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:  # an odd byte count, a lone surrogate: a damaged file, not our fault
            raise ValidationError({"file": f"The file says it is UTF-16 but is damaged ({exc.reason}): "
                                           "export it from the bank again."}) from None
    for enc in ("utf-8", "cp1252"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def norm(text: str) -> str:
    """Header-ish text to lowercase ASCII words: 'Libellé (EUR)' -> 'libelle eur'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", ascii_only).split())


@functools.lru_cache(maxsize=8192)
def one_line(text: str) -> str:
    """Quoted descriptions may span lines; keep the words apart."""
    return clean_text(" ".join(text.split()))


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


def checked(options: ImportOptions) -> ImportOptions:
    """The options with delimiter words resolved, or a ValidationError naming each bad one."""
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
    if options.dates not in (None, *DATE_ORDERS):
        errors["dates"] = "Date order must be 'dmy' (day first) or 'mdy' (month first)."
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
        delimiter, options.decimal, options.date_format, options.columns, options.sign, options.encoding,
        options.dates,
    )
