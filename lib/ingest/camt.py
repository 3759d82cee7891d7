"""ISO 20022 CAMT.053 bank statements (XML): booked entries, their counterparty and purpose.

No maintained Python CAMT reader exists, and the part we need is small: entries (Ntry) with
amount, CRDT/DBIT indicator, booking date, references, counterparty names and the unstructured
remittance text. defusedxml parses it with every DTD forbidden wherever it stands in the file (a
DOCTYPE after a long comment included), so no entity expansion or external entity gets in.
The statement's period end (FrToDt) counts as a known day even when its last days had no entries.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import xml.etree.ElementTree as ET  # the Element type only; parsing is defusedxml's
from decimal import Decimal, InvalidOperation
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError as DefusedParseError
from defusedxml.ElementTree import fromstring

from lib.core import clock
from lib.core.errors import ValidationError
from lib.core.models import CENT
from lib.ingest.amounts import amount_problem
from lib.ingest.dates import implausible
from lib.ingest.text import decode, one_line
from lib.ingest.types import ParsedRow, ParseResult, RowError

log = logging.getLogger(__name__)

_NTRY_RE = re.compile(r"<(?:\w{1,20}:)?Ntry[\s>]")
_SKIPPED = (("<!--", "-->"), ("<![CDATA[", "]]>"))


def _entry_lines(text: str) -> list[int]:
    """The line each <Ntry> element starts on, in one pass (tokens inside comments and CDATA are not entries)."""
    lines: list[int] = []
    pos, line, n = 0, 1, len(text)
    while pos < n:
        lt = text.find("<", pos)
        if lt < 0:
            break
        line += text.count("\n", pos, lt)
        pos = lt
        for opener, closer in _SKIPPED:
            if text.startswith(opener, lt):
                end = text.find(closer, lt + len(opener))
                stop = n if end < 0 else end + len(closer)
                line += text.count("\n", lt, stop)
                pos = stop
                break
        else:
            if _NTRY_RE.match(text, lt):
                lines.append(line)
            pos = lt + 1
    return lines


def looks_like_camt(head: str) -> bool:
    """An ISO 20022 bank-to-customer statement (camt.053, and its cousins camt.052/054)."""
    return "BkToCstmrStmt" in head or "camt.053" in head or "BkToCstmrAcctRpt" in head


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(node: ET.Element, *path: str) -> ET.Element | None:
    """The first descendant along a path of local names (namespaces differ between versions)."""
    current: list[ET.Element] = [node]
    for name in path:
        current = [c for n in current for c in n.iter() if _local(c.tag) == name and c is not n]
        if not current:
            return None
    return current[0]


def _text(node: ET.Element, *path: str) -> str:
    found = _find(node, *path)
    return one_line(found.text or "") if found is not None and found.text else ""


def _children(node: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in node if _local(c.tag) == name]


def _date(entry: ET.Element) -> dt.date | None:
    for path in (("BookgDt", "Dt"), ("BookgDt", "DtTm"), ("ValDt", "Dt"), ("ValDt", "DtTm")):
        text = _text(entry, *path)
        if text:
            try:
                return dt.date.fromisoformat(text[:10])
            except ValueError:
                return None
    return None


def _description(tx: ET.Element, debit: bool, entry: ET.Element) -> str:
    """Counterparty and purpose, combined when both say something."""
    party_role = ("Cdtr", "Dbtr") if debit else ("Dbtr", "Cdtr")
    party = ""
    for role in party_role:
        party = _text(tx, "RltdPties", role, "Nm") or _text(tx, "RltdPties", role, "Pty", "Nm")
        if party:
            break
    rmt = _find(tx, "RmtInf")
    purpose = " ".join(one_line(u.text or "") for u in rmt.iter() if _local(u.tag) == "Ustrd") if rmt is not None \
        else ""
    purpose = purpose.strip() or _text(tx, "AddtlTxInf") or _text(entry, "AddtlNtryInf")
    if party and purpose and purpose.casefold() not in party.casefold():
        return f"{party} · {purpose}"
    return party or purpose


def parse_camt(data: bytes, today: dt.date | None = None) -> ParseResult:
    """Every booked entry of a CAMT.053 statement, in the product's sign (DBIT is spending)."""
    today = today or clock.today()
    text, encoding = decode(data, None)
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ValidationError({"file": "This XML file declares a DOCTYPE or entities; bank statements do not, so "
                                       "it is refused."}) from None
    except (ET.ParseError, DefusedParseError) as exc:
        raise ValidationError({"file": f"This XML file could not be read ({str(exc)[:160]})."}) from None
    lines = _entry_lines(text)
    rows: list[ParsedRow] = []
    errors: list[RowError] = []
    statements = [n for n in root.iter() if _local(n.tag) in ("Stmt", "Rpt")]
    pending = 0
    index = 0
    period_end: dt.date | None = None
    for stmt in statements:
        end = _text(stmt, "FrToDt", "ToDtTm") or _text(stmt, "FrToDt", "ToDt")
        try:
            day = dt.date.fromisoformat(end[:10]) if end else None
        except ValueError:
            day = None
        if day is not None:
            period_end = max(period_end or day, day)
        account = _text(stmt, "Acct", "Id", "IBAN") or _text(stmt, "Acct", "Id", "Othr", "Id")
        account_ccy = _text(stmt, "Acct", "Ccy") or None
        for entry in _children(stmt, "Ntry"):
            line = lines[index] if index < len(lines) else 0
            index += 1
            status = _text(entry, "Sts", "Cd") or _text(entry, "Sts")
            if status and status.upper() not in ("BOOK", "BOOKED"):
                pending += 1  # pending entries change or vanish; the booked one comes in a later statement
                continue
            row = _entry_rows(entry, line, account, account_ccy, today, errors)
            rows.extend(row)
    detected: dict[str, Any] = {
        "format": "camt", "encoding": encoding, "statements": len(statements), "pending_skipped": pending,
        "columns": {"date": "BookgDt", "amount": "Amt", "direction": "CdtDbtInd",
                    "description": "counterparty Nm + RmtInf/Ustrd"},
        "amount_mode": "direction", "sign": "direction", "sign_reason": "CdtDbtInd marks each entry",
        "dedup": "AcctSvcrRef", "covered_through": period_end.isoformat() if period_end else None,
    }
    if not statements:
        raise ValidationError({"file": "This XML file is not a CAMT.053 bank statement (no Stmt element)."})
    errors.sort(key=lambda e: e.line_number)
    return ParseResult(rows, errors, detected)


def _entry_rows(
    entry: ET.Element, line: int, account: str, account_ccy: str | None, today: dt.date, errors: list[RowError]
) -> list[ParsedRow]:
    indicator = _text(entry, "CdtDbtInd").upper()
    raw = f"{_text(entry, 'AcctSvcrRef')} {_text(entry, 'Amt')} {indicator}"[:200]
    if indicator not in ("DBIT", "CRDT"):
        errors.append(RowError(line, f"'{indicator or 'nothing'}' is neither DBIT nor CRDT", raw))
        return []
    day = _date(entry)
    if day is None:
        errors.append(RowError(line, "missing or unreadable booking date", raw))
        return []
    if reason := implausible(day, today):
        errors.append(RowError(line, reason, raw))
        return []
    details = [tx for nd in _children(entry, "NtryDtls") for tx in _children(nd, "TxDtls")]
    ref = _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef")
    amt_node = next((c for c in entry if _local(c.tag) == "Amt"), None)
    # A batch booking (one entry, several transactions with their own amounts) becomes one row each.
    parts: list[tuple[ET.Element | None, ET.Element | None]] = []
    if len(details) > 1 and all(_find(tx, "Amt") is not None for tx in details):
        parts = [(tx, _find(tx, "Amt")) for tx in details]
    else:
        parts = [(details[0] if details else None, amt_node)]
    out: list[ParsedRow] = []
    for number, (tx, amt) in enumerate(parts):
        try:
            value = Decimal((amt.text or "").strip()) if amt is not None else None
        except InvalidOperation:
            value = None
        if value is None:
            errors.append(RowError(line, "missing or unreadable amount", raw))
            continue
        debit = indicator == "DBIT"
        amount = abs(value) if debit else -abs(value)
        if problem := amount_problem(amount):
            errors.append(RowError(line, problem, raw))
            continue
        description = _description(tx, debit, entry) if tx is not None else _text(entry, "AddtlNtryInf")
        currency = (amt.get("Ccy") if amt is not None else None) or account_ccy
        key = f"{account}:{ref}:{number}" if ref else None
        out.append(ParsedRow(line, day, amount.quantize(CENT), description, "Other", currency, raw, key=key))
    return out
