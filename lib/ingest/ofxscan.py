"""A small, bounded OFX/QFX reader for the files ofxtools refuses, and the bank's own dates for both readers.

Real banks write OFX that the specification (and so ofxtools) refuses: no header at all, a blank
line before it, elements out of order, a LEDGERBAL or BANKID it cannot validate. What an import
needs is small: every STMTTRN of every statement (FITID, DTPOSTED, TRNAMT, NAME, MEMO), the account
it belongs to, the currency, and the statement's end date. This reader walks the text once with
str.find (every character is looked at a bounded number of times, so the work is linear in the
file), skips comments, processing instructions and declarations, reads CDATA as text (a <STMTTRN>
inside a CDATA is no transaction), and caps every value before anything else looks at it.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

MAX_TAG = 64  # OFX tag names are short; a longer "<...>" is text, not a tag
MAX_VALUE = 1024  # characters kept of one element's value (a memo is a line, not a page)
_HEADER_CHARSET_RE = re.compile(r"CHARSET:\s*([\w-]{1,20})", re.IGNORECASE)
_HEADER_ENCODING_RE = re.compile(r"ENCODING:\s*([\w-]{1,20})", re.IGNORECASE)
_XML_ENCODING_RE = re.compile(r"""encoding\s*=\s*["']([\w-]{1,20})["']""", re.IGNORECASE)
_CHARSETS = {"1252": "cp1252", "windows-1252": "cp1252", "iso-8859-1": "latin-1", "8859-1": "latin-1",
             "latin-1": "latin-1", "latin1": "latin-1", "iso-8859-15": "iso-8859-15", "utf-8": "utf-8",
             "utf8": "utf-8", "usascii": "cp1252", "none": "cp1252"}
_TXN_FIELDS = ("FITID", "DTPOSTED", "DTUSER", "TRNAMT", "NAME", "MEMO", "TRNTYPE", "CURSYM", "CHECKNUM")


def declared_charset(data: bytes) -> str | None:
    """The text encoding the header names (OFX 1.x CHARSET/ENCODING, or the XML declaration of 2.x)."""
    head = data[:1024].decode("latin-1")
    if m := _XML_ENCODING_RE.search(head):
        return _CHARSETS.get(m[1].lower(), m[1].lower())
    encoding = _HEADER_ENCODING_RE.search(head)
    if encoding and encoding[1].lower() in ("utf-8", "utf8", "unicode"):
        return "utf-8"
    if m := _HEADER_CHARSET_RE.search(head):
        return _CHARSETS.get(m[1].lower(), "cp1252")
    return None


def decode_ofx(data: bytes) -> tuple[str, str]:
    """Bytes to text: valid UTF-8 with accented letters is UTF-8 whatever the header says; else the header's charset."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    declared = declared_charset(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and (declared in (None, "utf-8") or not text.isascii()):
        return text, "utf-8"
    encoding = declared if declared and declared != "utf-8" else "cp1252"
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        return data.decode("latin-1"), "latin-1"


@dataclass
class Event:
    """One tag of the file: its name ('/NAME' for a closing tag), the text after it, its line."""

    tag: str
    value: str
    line: int


def _value(text: str, start: int) -> tuple[str, int]:
    """The text after a tag up to the next tag, CDATA sections included as text; and where it stops."""
    pieces: list[str] = []
    kept, pos, n = 0, start, len(text)
    while pos < n:
        nxt = text.find("<", pos)
        stop = n if nxt < 0 else nxt
        if kept < MAX_VALUE:
            pieces.append(text[pos : min(stop, pos + MAX_VALUE - kept)])
            kept += len(pieces[-1])
        if nxt < 0 or not text.startswith("<![CDATA[", nxt):
            return "".join(pieces).strip(), stop
        end = text.find("]]>", nxt + 9)
        inner_end = n if end < 0 else end
        if kept < MAX_VALUE:
            pieces.append(text[nxt + 9 : min(inner_end, nxt + 9 + MAX_VALUE - kept)])
            kept += len(pieces[-1])
        pos = n if end < 0 else end + 3
    return "".join(pieces).strip(), n


def scan(text: str) -> Iterator[Event]:
    """The file's tags in order, in one pass; a CDATA right after a tag is its value, any other is skipped."""
    i, n, line, counted = 0, len(text), 1, 0
    while i < n:
        lt = text.find("<", i)
        if lt < 0:
            return
        if text.startswith("<!--", lt):
            end = text.find("-->", lt + 4)
            i = n if end < 0 else end + 3
            continue
        if text.startswith("<![CDATA[", lt):
            end = text.find("]]>", lt + 9)
            i = n if end < 0 else end + 3
            continue
        if text.startswith(("<?", "<!"), lt):
            end = text.find(">", lt + 2)
            i = n if end < 0 else end + 1
            continue
        gt = text.find(">", lt + 1, lt + 2 + MAX_TAG)
        if gt < 0:
            i = lt + 1  # a '<' that opens no tag: text
            continue
        name = text[lt + 1 : gt].strip().split(" ", 1)[0].rstrip("/").upper()
        if not name or "<" in name:
            i = lt + 1
            continue
        line += text.count("\n", counted, lt)
        counted = lt
        value, i = _value(text, gt + 1)
        yield Event(name, value, line)


def bank_date(value: str) -> dt.date | None:
    """The date as the bank wrote it: the first 8 digits, never shifted by the [-5:EST] zone."""
    digits = value[:8]
    if len(digits) < 8 or not digits.isdigit():
        return None
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


@dataclass
class RawTxn:
    """One STMTTRN as written: its fields (capped text), the line it starts on, its account and currency."""

    line: int
    account: str
    currency: str | None
    fields: dict[str, str] = field(default_factory=dict)
    payee_name: str = ""


@dataclass
class Scanned:
    """Everything of a file the importer uses: transactions, statement count and period ends."""

    transactions: list[RawTxn] = field(default_factory=list)
    statements: int = 0
    accounts: list[str] = field(default_factory=list)
    period_end: dt.date | None = None
    period_start: dt.date | None = None
    pending: int = 0
    investment: int = 0  # STMTTRN of investment statements: cash moves inside a brokerage, not spending


_STATEMENTS = ("STMTRS", "CCSTMTRS")
_ACCOUNT_FROM = ("BANKACCTFROM", "CCACCTFROM")
_LIST_ENDS = ("/BANKTRANLIST", "/STMTRS", "/CCSTMTRS", "/STMTTRNRS", "/CCSTMTTRNRS", "/OFX")


def read(text: str) -> Scanned:
    """Every STMTTRN of every statement and account, with the statement periods' ends."""
    out = Scanned()
    account, currency = "", None
    in_from = in_payee = in_pending = in_invest = in_orig = False
    current: RawTxn | None = None

    def close() -> None:
        nonlocal current
        if current is not None:
            out.transactions.append(current)
        current = None

    for ev in scan(text):
        tag = ev.tag
        if tag == "INVSTMTRS":
            close()
            in_invest = True
        elif tag == "/INVSTMTRS":
            in_invest = False
        elif tag == "STMTTRN" and in_invest:
            close()
            out.investment += 1
        elif tag == "STMTTRN":
            close()
            current = RawTxn(ev.line, account, currency)
        elif tag == "/STMTTRN":
            close()
        elif tag in _LIST_ENDS:
            close()
            in_pending = False
        elif tag in _STATEMENTS:
            close()
            out.statements += 1
            account, currency = "", None
        elif tag in _ACCOUNT_FROM:
            in_from = True
        elif tag in ("/BANKACCTFROM", "/CCACCTFROM"):
            in_from = False
        elif tag in ("PENDINGTRNLIST", "BANKTRANLISTP"):
            close()
            in_pending = True  # authorisations the bank has not booked yet: counted, not imported
        elif tag == "PENDINGTRN" and in_pending:
            out.pending += 1
        elif tag == "ACCTID" and in_from and current is None:
            account = html.unescape(ev.value)[:64]
            if account not in out.accounts:
                out.accounts.append(account)
        elif tag == "CURDEF" and current is None:
            currency = ev.value[:3].upper() or None
        elif tag in ("DTEND", "DTSTART") and current is None and not in_pending:
            day = bank_date(ev.value)
            if day and tag == "DTEND":
                out.period_end = max(out.period_end or day, day)
            elif day:
                out.period_start = min(out.period_start or day, day)
        elif current is not None:
            if tag in ("ORIGCURRENCY", "/ORIGCURRENCY"):
                # TRNAMT is in the account's currency (CURDEF): the bank converted it from this one.
                in_orig = tag == "ORIGCURRENCY"
            elif tag == "CURSYM" and in_orig:
                current.fields.setdefault("ORIGCURSYM", ev.value[:3].upper())
            elif tag == "CURRATE" and in_orig:  # units of CURDEF per unit of the original currency (issue 25)
                current.fields.setdefault("ORIGCURRATE", ev.value[:24])
            elif tag == "PAYEE":
                in_payee = True
            elif tag == "/PAYEE":
                in_payee = False
            elif tag == "NAME" and in_payee:
                current.payee_name = current.payee_name or html.unescape(ev.value)
            elif tag in _TXN_FIELDS and tag not in current.fields:
                current.fields[tag] = html.unescape(ev.value) if tag in ("NAME", "MEMO") else ev.value
    close()
    return out
