"""OFX and QFX statements (1.x SGML and 2.x XML), read by ofxtools; FITIDs are the de-duplication key.

ofxtools is the maintained, tested OFX library (both versions, bank and card statements). Dates
are taken as the bank wrote them (the first 8 digits of DTPOSTED): converting to UTC would move
a late-evening purchase to the next day.
"""
from __future__ import annotations

import datetime as dt
import io
import logging
import re
import warnings
from collections import Counter
from decimal import Decimal
from typing import Any

from lib.core import clock
from lib.core.errors import ValidationError
from lib.core.models import CENT
from lib.ingest.amounts import amount_problem
from lib.ingest.dates import implausible
from lib.ingest.roles import informative
from lib.ingest.text import decode, one_line
from lib.ingest.types import ParsedRow, ParseResult, RowError

log = logging.getLogger(__name__)

_BLOCK_RE = re.compile(r"<STMTTRN>(.*?)</STMTTRN>", re.IGNORECASE | re.DOTALL)
_FITID_RE = re.compile(r"<FITID>\s*([^<\r\n]+)", re.IGNORECASE)
_DTPOSTED_RE = re.compile(r"<DTPOSTED>\s*(\d{8})", re.IGNORECASE)


def looks_like_ofx(head: str) -> bool:
    """OFX 1.x starts with an OFXHEADER block; 2.x is XML with an <?OFX ...?> instruction."""
    upper = head.lstrip().upper()
    return upper.startswith("OFXHEADER") or "<?OFX" in upper[:400] or upper.startswith("<OFX>")


def _raw_rows(text: str) -> dict[str, tuple[int, str | None]]:
    """FITID -> (line the transaction starts on, DTPOSTED date digits as written)."""
    out: dict[str, tuple[int, str | None]] = {}
    for m in _BLOCK_RE.finditer(text):
        fitid = _FITID_RE.search(m[1])
        posted = _DTPOSTED_RE.search(m[1])
        if fitid:
            out[fitid[1].strip()] = (text.count("\n", 0, m.start()) + 1, posted[1] if posted else None)
    return out


def _text(value: Any) -> str:
    return one_line(str(value)) if value else ""


def parse_ofx(data: bytes, today: dt.date | None = None) -> ParseResult:
    """Every transaction of every statement in an OFX/QFX file, in the product's sign."""
    from ofxtools.Parser import OFXTree

    today = today or clock.today()
    text, encoding = decode(data, None)
    tree = OFXTree()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # private tags (<INTU.BID>) are skipped, as they should be
            tree.parse(io.BytesIO(data))
            ofx = tree.convert()
    except Exception as exc:  # noqa: BLE001 - ofxtools raises many kinds; all mean "not a readable OFX file"
        log.info("ofx refused", extra={"error": type(exc).__name__})
        raise ValidationError({"file": f"This OFX file could not be read ({type(exc).__name__}: {exc})."[:300]}) \
            from None
    raw = _raw_rows(text)
    rows: list[ParsedRow] = []
    errors: list[RowError] = []
    statements = list(getattr(ofx, "statements", []) or [])
    for stmt in statements:
        account = getattr(stmt, "account", None)
        acct = str(getattr(account, "acctid", "") or "")
        txns = list(getattr(stmt, "transactions", []) or [])
        memos = [_text(getattr(t, "memo", None)) for t in txns]
        combine = informative(memos, sparse=True) > 0.3
        counts = Counter(memos)
        for t, memo in zip(txns, memos, strict=True):
            fitid = str(getattr(t, "fitid", "") or "")
            line, posted = raw.get(fitid, (0, None))
            day = dt.date(int(posted[:4]), int(posted[4:6]), int(posted[6:8])) if posted else t.dtposted.date()
            name = _text(getattr(t, "name", None)) or _text(getattr(getattr(t, "payee", None), "name", None))
            # A memo the bank writes on many rows ("POS PURCHASE") tells nothing about this one.
            telling = combine and memo and counts[memo] <= max(1, len(txns) // 10) and memo not in name
            description = f"{name} · {memo}" if telling and name else (name or memo)
            amount = -Decimal(t.trnamt)  # OFX: negative is money out; the product: spending positive
            if reason := implausible(day, today) or amount_problem(amount):
                errors.append(RowError(line, reason, f"{fitid} {description}"[:200]))
                continue
            currency = getattr(getattr(t, "currency", None), "cursym", None) or getattr(stmt, "curdef", None)
            rows.append(ParsedRow(line, day, amount.quantize(CENT), description, "Other",
                                  str(currency) if currency else None, f"{fitid} {description}"[:200],
                                  key=f"{acct}:{fitid}" if fitid else None))
    version = "2.x (XML)" if "<?OFX" in text[:600].upper() else "1.x (SGML)"
    detected: dict[str, Any] = {
        "format": "ofx", "version": version, "encoding": encoding, "statements": len(statements),
        "columns": {"date": "DTPOSTED", "amount": "TRNAMT", "description": "NAME + MEMO" if combine else "NAME"}
        if statements else {},
        "amount_mode": "signed", "sign": "bank", "sign_reason": "OFX amounts are negative for money out",
        "dedup": "FITID",
    }
    errors.sort(key=lambda e: e.line_number)
    return ParseResult(rows, errors, detected)
