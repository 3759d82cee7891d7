"""What main refused or guessed: OFX as banks write it, QIF dates never guessed, a real message when nothing reads."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from lib.core.errors import ValidationError
from lib.ingest import ImportOptions
from lib.ingest.detect import parse_here
from lib.ingest.ofxscan import decode_ofx, read

TODAY = dt.date(2025, 12, 15)


def test_a_qif_whose_dates_read_both_ways_and_give_no_clue_asks_and_the_answer_decides() -> None:
    data = b"!Type:Bank\nD03/11/2025\nT-4.50\nPCafe\n^\nD10/11/2025\nT-2.00\nPBakery\n^\n"
    asked = parse_here(data, "x.qif", None, TODAY)
    assert asked.date_question is not None
    assert asked.date_question.evidence == [(2, "03/11/2025"), (6, "10/11/2025")]
    told = parse_here(data, "x.qif", ImportOptions(dates="dmy"), TODAY)
    assert told.date_question is None
    assert [r.date for r in told.rows] == [dt.date(2025, 11, 3), dt.date(2025, 11, 10)]
    us = parse_here(data, "x.qif", ImportOptions(dates="mdy"), TODAY)
    assert [r.date for r in us.rows] == [dt.date(2025, 3, 11), dt.date(2025, 10, 11)]


def test_one_date_of_the_whole_file_decides_and_contradicting_dates_ask() -> None:
    late = b"!Type:Bank\nD03/11/2025\nT-4.50\nPCafe\n^\nD11/25/2025\nT-2.00\nPBakery\n^\n"
    assert [r.date for r in parse_here(late, "x.qif", None, TODAY).rows] == [dt.date(2025, 3, 11),
                                                                             dt.date(2025, 11, 25)]
    both = b"Date,Description,Amount\n25/03/2025,a,-1.00\n03/25/2025,b,-1.00\n"
    question = parse_here(both, "x.csv", None, TODAY).date_question
    assert question is not None and "can only be day/month" in question.reason


@pytest.mark.parametrize("data", [
    b"OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BROKEN>",
    b"<OFX><SIGNONMSGSRSV1></SIGNONMSGSRSV1></OFX>",
])
def test_an_ofx_with_nothing_readable_says_so_in_words(data: bytes) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_here(data, "x.ofx", None, TODAY)
    message = str(caught.value)
    assert "No transactions could be read from this OFX file" in message and "said:" in message, message


def test_a_transaction_without_date_or_amount_is_reported_by_its_line() -> None:
    result = parse_here(b"OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><STMTTRN>)." + b")" * 50, "x.ofx", None, TODAY)
    assert result.rows == [] and [e.reason for e in result.errors] == ["DTPOSTED '' is not a date"]


def test_est_zone_dates_stay_the_banks_day_and_stmttrn_inside_cdata_is_no_transaction() -> None:
    text = ("<OFX><STMTRS><CURDEF>USD<BANKACCTFROM><ACCTID>9</BANKACCTFROM><BANKTRANLIST><DTEND>20251130"
            "<STMTTRN><DTPOSTED>20251103230000[-5:EST]<TRNAMT>-4.50<FITID>A<NAME>Cafe"
            "<MEMO><![CDATA[<STMTTRN><TRNAMT>-999]]></STMTTRN></BANKTRANLIST></STMTRS></OFX>")
    scanned = read(text)
    assert len(scanned.transactions) == 1
    txn = scanned.transactions[0]
    assert txn.fields["DTPOSTED"].startswith("20251103") and txn.fields["MEMO"] == "<STMTTRN><TRNAMT>-999"
    assert scanned.period_end == dt.date(2025, 11, 30) and scanned.accounts == ["9"]


def test_the_charset_comes_from_the_header_unless_the_bytes_are_utf8() -> None:
    latin = "OFXHEADER:100\nCHARSET:ISO-8859-1\n\n<OFX><NAME>Café</OFX>".encode("latin-1")
    assert decode_ofx(latin) == (latin.decode("latin-1"), "latin-1")
    utf8 = "OFXHEADER:100\nCHARSET:1252\n\n<OFX><NAME>Café</OFX>".encode()
    assert decode_ofx(utf8)[1] == "utf-8"
    euro = "OFXHEADER:100\nCHARSET:1252\n\n<OFX><NAME>5 €</OFX>".encode("cp1252")
    assert decode_ofx(euro)[0].endswith("5 €</OFX>")


def test_direction_markers_and_explicit_signs_are_read_without_asking() -> None:
    lt = '"Data","Gavėjas","Suma","D/K"\n"2025-11-03","Cafe","4.50","D"\n"2025-11-04","Grąžinimas","10.00","K"\n'
    assert [r.amount for r in parse_here(lt.encode(), "x.csv", None, TODAY).rows] == [D("4.50"), D("-10.00")]
    wallet = b"Date,Description,Amount\n2025-11-03,Cafe,- $12.01\n2025-11-04,Friend,+ $73.01\n"
    result = parse_here(wallet, "x.csv", None, TODAY)
    assert result.sign_question is None and [r.amount for r in result.rows] == [D("12.01"), D("-73.01")]


def test_payees_in_a_day_first_countrys_words_decide_the_order_when_no_date_does() -> None:
    data = b"!Type:Bank\nD03/11/2025\nT-4.50\nPKartenzahlung REWE\n^\nD10/11/2025\nT-2.00\nPLastschrift Stadtwerke\n^\n"
    result = parse_here(data, "x.qif", None, TODAY)
    assert result.date_question is None
    assert [r.date for r in result.rows] == [dt.date(2025, 11, 3), dt.date(2025, 11, 10)]
    assert "kartenzahlung" in result.detected["date_order_reason"]
