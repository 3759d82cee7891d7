"""OFX and QFX statements (1.x SGML and 2.x XML): ofxtools first, our bounded reader where it refuses.

ofxtools is the maintained, tested OFX library, but it holds files to the specification and real
banks do not: no header, a blank line first, elements out of order, a LEDGERBAL or BANKID it
cannot validate. When it refuses, lib.ingest.ofxscan reads every STMTTRN anyway. Dates are taken
as the bank wrote them (the first 8 digits of DTPOSTED): converting a `[-5:EST]` time to UTC would
move a late-evening purchase to the next day. FITIDs are the de-duplication key.
"""
from __future__ import annotations

import datetime as dt
import io
import logging
import re
import warnings
from collections import Counter
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from lib.core import clock
from lib.core.errors import ValidationError
from lib.core.fx import MAX_RATE
from lib.core.models import CENT
from lib.core.money import is_currency, minor_unit
from lib.ingest import ofxscan
from lib.ingest.amounts import amount_problem
from lib.ingest.dates import implausible
from lib.ingest.roles import informative
from lib.ingest.text import one_line
from lib.ingest.types import ParsedRow, ParseResult, RowError

log = logging.getLogger(__name__)

_AMOUNT_RE = re.compile(r"[+-]?(?:\d{1,15}(?:[.,]\d{1,4})?|[.,]\d{1,4})")
# Where ofxtools' own regular expressions can backtrack over long stretches, our reader alone reads the file.
_NOT_FOR_OFXTOOLS = ("<![CDATA[", "<!--")


def looks_like_ofx(head: str) -> bool:
    """OFX 1.x opens with an OFXHEADER block, 2.x with <?OFX ...?>; some banks send the <OFX> body alone."""
    upper = head.lstrip().upper()
    return (upper.startswith("OFXHEADER") or "<?OFX" in upper[:400] or upper.startswith("<OFX>")
            or ("<OFX>" in upper[:1024] and ("<STMTTRN>" in upper or "<SIGNONMSGSRSV1>" in upper)))


def _text(value: Any) -> str:
    return one_line(str(value)[: ofxscan.MAX_VALUE]) if value else ""


def _amount(text: str) -> Decimal | None:
    text = text.strip().replace(" ", "")
    if not _AMOUNT_RE.fullmatch(text):
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # some European banks write TRNAMT with a decimal comma
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _bank_original(value: Decimal, booked_in: str | None,
                   fields: dict[str, str]) -> tuple[Decimal, str, Decimal] | None:
    """What an <ORIGCURRENCY> row was spent as: TRNAMT / CURRATE in CURSYM (OFX: CURRATE is the ratio of CURDEF
    to CURSYM), rounded to that currency's minor unit half-even; None when the file does not say it readably."""
    code = str(fields.get("ORIGCURSYM") or "").upper()
    rate = _amount(str(fields.get("ORIGCURRATE") or ""))
    if not booked_in or not is_currency(code) or code == booked_in.upper() or rate is None or rate <= 0 \
            or rate >= MAX_RATE:
        return None
    step = Decimal(1).scaleb(-minor_unit(code))
    return (value / rate).quantize(step, rounding=ROUND_HALF_EVEN), code, rate


def _with_ofxtools(data: bytes) -> list[tuple[str, str, str, str, Decimal, str | None]] | str:
    """(account, FITID, NAME, MEMO, amount, currency) per transaction, or why ofxtools refused the file."""
    from ofxtools.Parser import OFXTree

    tree = OFXTree()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # private tags (<INTU.BID>) are skipped, as they should be
            tree.parse(io.BytesIO(data))
            ofx = tree.convert()
    except Exception as exc:  # noqa: BLE001 - ofxtools raises many kinds; each means "read it leniently"
        # ofxtools quotes the file in some messages; the first line says what is wrong without it.
        detail = one_line(str(exc).strip().split("\n", 1)[0].split(" in ", 1)[0]).rstrip(":")[:120] or "no detail"
        return f"{type(exc).__name__}: {detail}"
    out: list[tuple[str, str, str, str, Decimal, str | None]] = []
    for stmt in list(getattr(ofx, "statements", []) or []):
        if type(stmt).__name__ == "INVSTMTRS":
            continue  # an investment account: skipped and named, as in QIF
        acct = str(getattr(getattr(stmt, "account", None), "acctid", "") or "")
        for t in list(getattr(stmt, "transactions", []) or []):
            if getattr(t, "trnamt", None) is None:
                continue  # an investment trade (BUYSTOCK...) is no bank transaction
            name = _text(getattr(t, "name", None)) or _text(getattr(getattr(t, "payee", None), "name", None))
            # CURRENCY: TRNAMT is in that currency; ORIGCURRENCY: TRNAMT is in CURDEF, converted by the bank.
            currency = getattr(getattr(t, "currency", None), "cursym", None) or getattr(stmt, "curdef", None)
            out.append((acct, str(getattr(t, "fitid", "") or ""), name, _text(getattr(t, "memo", None)),
                        Decimal(t.trnamt), str(currency) if currency else None))
    return out


def parse_ofx(data: bytes, today: dt.date | None = None) -> ParseResult:
    """Every transaction of every statement and account in an OFX/QFX file, in the product's sign."""
    today = today or clock.today()
    text, encoding = ofxscan.decode_ofx(data)
    scanned = ofxscan.read(text)
    refused = "skipped: the file holds comments or CDATA" if any(m in text for m in _NOT_FOR_OFXTOOLS) else None
    strict = _with_ofxtools(data) if refused is None else refused
    by_fitid = {(t.account, t.fields.get("FITID", "")): t for t in scanned.transactions}
    rows: list[ParsedRow] = []
    errors: list[RowError] = []
    # (line, account, fitid, name, memo, amount text or value, date text, currency, the scanned fields)
    found: list[tuple[int, str, str, str, str, Decimal | None, str, str | None, dict[str, str]]] = []
    if isinstance(strict, list) and len(strict) >= len(scanned.transactions):
        reader = "ofxtools"
        for acct, fitid, name, memo, amount, currency in strict:
            seen = by_fitid.get((acct, fitid))
            posted = seen.fields.get("DTPOSTED", "") if seen else ""
            if seen is not None and encoding == "utf-8":  # ofxtools believed a CHARSET:1252 header; bytes are UTF-8
                name = _text(seen.fields.get("NAME")) or _text(seen.payee_name) or name
                memo = _text(seen.fields.get("MEMO")) or memo
            found.append((seen.line if seen else 0, acct, fitid, name, memo, amount, posted, currency,
                          seen.fields if seen else {}))
    else:
        reader = "lenient"
        for t in scanned.transactions:
            f = t.fields
            found.append((t.line, t.account, f.get("FITID", ""), _text(f.get("NAME")) or _text(t.payee_name),
                          _text(f.get("MEMO")), _amount(f.get("TRNAMT", "")), f.get("DTPOSTED") or f.get("DTUSER", ""),
                          (f.get("CURSYM") or "")[:3].upper() or t.currency, f))
    if not found and not scanned.statements:
        why = strict if isinstance(strict, str) else "no statement in it"
        raise ValidationError({"file": "No transactions could be read from this OFX file: it has no <STMTTRN> "
                                       f"with a date and an amount (the strict reader said: {why})."})
    memos = [f[4] for f in found]
    combine = informative(memos, sparse=True) > 0.3
    counts = Counter(memos)
    for line, acct, fitid, name, memo, written, posted, currency, fields in found:
        # A memo the bank writes on many rows ("POS PURCHASE") tells nothing about this one.
        telling = combine and memo and counts[memo] <= max(1, len(found) // 10) and memo not in name
        description = f"{name} · {memo}" if telling and name else (name or memo)
        raw = f"{fitid} {description}"[:200]
        day = ofxscan.bank_date(posted)
        if day is None:
            errors.append(RowError(line, f"DTPOSTED '{posted[:20]}' is not a date", raw))
            continue
        if written is None:
            errors.append(RowError(line, "TRNAMT is missing or not a number", raw))
            continue
        value = -written  # OFX: negative is money out; the product: spending positive
        if reason := implausible(day, today) or amount_problem(value):
            errors.append(RowError(line, reason, raw))
            continue
        rows.append(ParsedRow(line, day, value.quantize(CENT), description, "Other", currency, raw,
                              key=f"{acct}:{fitid}" if fitid else None,
                              original=_bank_original(value, currency, fields)))
    version = "2.x (XML)" if "<?OFX" in text[:600].upper() else "1.x (SGML)"
    detected: dict[str, Any] = {
        "format": "ofx", "version": version, "encoding": encoding, "statements": scanned.statements,
        "accounts": len(scanned.accounts), "reader": reader,
        "columns": {"date": "DTPOSTED", "amount": "TRNAMT", "description": "NAME + MEMO" if combine else "NAME"},
        "amount_mode": "signed", "sign": "bank", "sign_reason": "OFX amounts are negative for money out",
        "dedup": "FITID", "pending_skipped": scanned.pending,
        "covered_through": scanned.period_end.isoformat() if scanned.period_end else None,
    }
    if scanned.investment:
        detected.setdefault("notes", []).append(
            f"skipped {scanned.investment} transaction{'s' if scanned.investment > 1 else ''} of an investment account")
    if reader == "lenient":
        detected.setdefault("notes", []).append(f"read leniently: the strict OFX reader refused it ({strict})"
                                              if isinstance(strict, str)
                                              else "read leniently: the strict reader missed transactions")
    errors.sort(key=lambda e: e.line_number)
    return ParseResult(rows, errors, detected)
