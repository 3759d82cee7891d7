"""Bounded parsing: the work grows linearly with crafted inputs (counted in executed lines, not timed),
DTDs are refused wherever they stand, and the worker stops a parse that runs out of time."""
from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.core.errors import ValidationError
from lib.ingest import worker
from lib.ingest.detect import parse_file, parse_here

TODAY = dt.date(2025, 12, 15)
OFX_HEAD = ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nCHARSET:1252\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS>"
            "<CURDEF>USD<BANKACCTFROM><BANKID>1<ACCTID>2</BANKACCTFROM><BANKTRANLIST>")
OFX_ROW = "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20251103<TRNAMT>-5.00<FITID>1<NAME>Coffee</STMTTRN>"
OFX_TAIL = "</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
CAMT_HEAD = ('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
             "<Stmt><Acct><Id><IBAN>DE00</IBAN></Id></Acct>")
CAMT_ROW = ('<Ntry><Amt Ccy="EUR">4.20</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2025-11-03</Dt>'
            "</BookgDt></Ntry>")

CRAFTED: dict[str, Callable[[int], bytes]] = {
    "ofx: STMTTRN tokens inside a CDATA": lambda n: (OFX_HEAD + "<![CDATA[" + "<STMTTRN>" * n + "]]>" + OFX_ROW
                                                     + OFX_TAIL).encode(),
    "ofx: STMTTRN tokens never closed": lambda n: (OFX_HEAD + "<STMTTRN>\n" * n + OFX_ROW + OFX_TAIL).encode(),
    "camt: a comment full of <Ntry>": lambda n: (CAMT_HEAD + "<!--" + "<Ntry>\n" * n + "-->" + CAMT_ROW
                                                 + "</Stmt></BkToCstmrStmt></Document>").encode(),
    "csv: unclosed quotes": lambda n: ("Date,Amount,Description\n" + '2025-11-03,-1.00,"never closed\n' * n).encode(),
    "csv: long digit cells": lambda n: ("Date,Amount,Description\n"
                                        + "".join(f"2025-11-03,{'1' * 3000}{i}x,shop\n" for i in range(n))).encode(),
    "qif: records of long lines": lambda n: ("!Type:Bank\n" + f"D11/03/2025\nT-{'1' * 3000}\nPshop\n^\n" * n).encode(),
}


def work(data: bytes) -> int:
    """Lines of Python executed while parsing (a count of work that does not depend on the machine's speed)."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        with contextlib.suppress(ValidationError):  # a refusal is an answer too; what matters is what it cost
            parse_here(data, "crafted", None, TODAY)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("name", sorted(CRAFTED))
@settings(max_examples=4, deadline=None)
@given(n=st.integers(min_value=150, max_value=600))
def test_work_grows_linearly_with_crafted_input(name: str, n: int) -> None:
    build = CRAFTED[name]
    small, double = work(build(n)), work(build(2 * n))
    assert double <= 2.3 * small + 2000, (name, n, small, double)


def test_a_doctype_after_a_long_comment_is_refused_without_expanding() -> None:
    doctype = '<!DOCTYPE Document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    data = ('<?xml version="1.0"?>\n<!-- camt.053 ' + "c" * 5000 + "-->" + doctype + CAMT_HEAD[21:]
            + CAMT_ROW.replace("DBIT", "&b;") + "</Stmt></BkToCstmrStmt></Document>").encode()
    with pytest.raises(ValidationError, match="DOCTYPE"):
        parse_here(data, "x.xml", None, TODAY)


def test_cells_too_long_for_a_bank_row_cost_their_line_only() -> None:
    data = CRAFTED["csv: long digit cells"](3) + b"2025-11-04,-2.50,bakery\n"
    result = parse_here(data, "x.csv", None, TODAY)
    assert [r.description for r in result.rows] == ["bakery"] and len(result.errors) == 3


def test_the_worker_stops_a_parse_that_runs_out_of_wall_clock() -> None:
    with pytest.raises(ValidationError, match="took longer than"):
        worker.run_limited("lib.ingest.detect:parse_here", b"Date,Amount\n2025-11-03,1.00\n", "", None, TODAY,
                           limits=worker.Limits(wall_seconds=0.001))


def test_the_import_limit_is_the_upload_limit() -> None:
    import tomllib
    from pathlib import Path

    from lib.ingest.detect import MAX_FILE_MB

    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == MAX_FILE_MB
    with pytest.raises(ValidationError, match=f"up to {MAX_FILE_MB} MB"):
        parse_file(b"x" * (MAX_FILE_MB * 2**20 + 1))


def spin() -> None:
    """Burns CPU until the worker's RLIMIT_CPU stops it (a stand-in for a parser gone quadratic)."""
    while True:
        pass


def hog() -> bytes:
    """Asks for far more memory than the worker's RLIMIT_AS allows."""
    return b"x" * (2 * 2**30)


def test_the_worker_stops_a_parse_that_runs_out_of_cpu_time() -> None:
    with pytest.raises(ValidationError, match="more than 1 s of computing"):
        worker.run_limited("tests.unit.test_ingest_bounded:spin", limits=worker.Limits(cpu_seconds=1))


def test_the_worker_refuses_a_parse_that_needs_too_much_memory() -> None:
    with pytest.raises(ValidationError, match="more than 64 MB of memory"):
        worker.run_limited("tests.unit.test_ingest_bounded:hog", limits=worker.Limits(memory_mb=64))
