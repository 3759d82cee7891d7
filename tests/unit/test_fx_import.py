"""Issue 25: imports read the currency (CSV column, a code or symbol in the amount, OFX CURDEF/CURRENCY/
ORIGCURRENCY, CAMT Ccy) and store home money with the original kept, at the ECB's bundled rates."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine

from lib.core.models import Profile
from lib.ingest import ImportOptions, import_file
from lib.rates.ecb import load
from lib.store.sqlite import SQLiteStore

D = Decimal
BANK = ImportOptions(sign="bank")
# A trip: 10 transactions in USD, GBP and CHF (and one at home), 23-31 October 2026; the 24th, 25th and
# 31st are a weekend (the rate of the Friday before), the bundled ECB history ends on Friday the 30th.
TRIP_CSV = """Date,Description,Amount,Currency
2026-10-23,Airport taxi,-45.00,USD
2026-10-24,Diner,-23.50,USD
2026-10-25,Museum,-30.00,USD
2026-10-26,Hotel NYC,-210.00,USD
2026-10-27,Train to London,-120.00,GBP
2026-10-28,Pub,-18.40,GBP
2026-10-29,Theatre,-65.00,GBP
2026-10-30,Train to Zurich,-89.00,CHF
2026-10-31,Fondue,-42.50,CHF
2026-10-31,Chocolate,-12.90,CHF
2026-10-22,Bakery at home,-3.20,EUR
"""


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 11, 15, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "fx.db")
    s.init()
    s.save_profile(replace(Profile.default("ann"), currency="EUR"))
    yield s
    s.close()


def _rows(store: SQLiteStore) -> dict[str, object]:
    return {t.description: t for t in store.list_transactions("ann", dt.date(2026, 10, 1), dt.date(2026, 11, 15))}


def test_a_trip_in_three_currencies_is_stored_in_home_money_with_its_originals(store: SQLiteStore) -> None:
    report = import_file(store, "ann", TRIP_CSV.encode(), "trip.csv", BANK, rates=load(""))
    assert (report.imported, report.rejected) == (11, 0)
    assert "10 row(s) of the file are in another currency, converted into EUR" in report.notes[0]
    assert "CHF 3, GBP 3, USD 4" in report.notes[0]
    rows = _rows(store)
    taxi = rows["Airport taxi"]
    assert (taxi.original_amount, taxi.original_currency, taxi.currency, taxi.fx_source) == (
        D("45.00"), "USD", "EUR", "ECB")
    assert taxi.fx_date == dt.date(2026, 10, 23) and taxi.amount == (D("45.00") * taxi.fx_rate).quantize(D("0.01"))
    assert rows["Diner"].fx_date == dt.date(2026, 10, 23)  # Saturday: Friday's rate
    assert rows["Fondue"].fx_date == dt.date(2026, 10, 30)  # after the history's last day: its last rate
    assert rows["Bakery at home"].original_amount is None and rows["Bakery at home"].amount == D("3.20")
    again = import_file(store, "ann", TRIP_CSV.encode(), "trip.csv", BANK, rates=load(""))
    assert (again.imported, again.duplicates) == (0, 11)


def test_codes_and_symbols_in_the_amount_and_a_currency_without_a_rate(store: SQLiteStore) -> None:
    data = ("Date;Text;Betrag\n2026-10-27;Taxi;-12,50 USD\n2026-10-27;Tea;-£4,20\n2026-10-28;Bread;-2,10 EUR\n"
            "2026-10-28;Empanada;-900,00 ARS\n").encode()
    report = import_file(store, "ann", data, "mixed.csv", BANK, rates=load(""))
    assert (report.imported, report.rejected) == (3, 1)
    assert "ARS" in report.errors[0].reason  # refused per line with the reason; the rest imported
    rows = _rows(store)
    assert (rows["Taxi"].original_amount, rows["Taxi"].original_currency) == (D("12.50"), "USD")
    assert (rows["Tea"].original_amount, rows["Tea"].original_currency) == (D("4.20"), "GBP")
    assert rows["Bread"].original_currency is None


def test_no_home_currency_imports_as_written_with_a_notice(store: SQLiteStore) -> None:
    store.save_profile(replace(store.get_profile("ann"), currency=""))
    report = import_file(store, "ann", TRIP_CSV.encode(), "trip.csv", BANK, rates=load(""))
    assert report.imported == 11 and "kept as written, unconverted" in report.notes[0]
    assert _rows(store)["Hotel NYC"].amount == D("210.00") and _rows(store)["Hotel NYC"].currency == "USD"


OFX = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>GBP<BANKACCTFROM><BANKID>1<ACCTID>42<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20261026<DTEND>20261030
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20261027<TRNAMT>-10.00<FITID>A1<NAME>PUB</STMTTRN>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20261028<TRNAMT>-20.00<FITID>A2<NAME>NYC SHOP
<CURRENCY><CURRATE>0.75<CURSYM>USD</CURRENCY></STMTTRN>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20261029<TRNAMT>-15.00<FITID>A3<NAME>PARIS CAFE
<ORIGCURRENCY><CURRATE>0.87<CURSYM>EUR</ORIGCURRENCY></STMTTRN>
</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
"""


def test_ofx_curdef_currency_and_origcurrency(store: SQLiteStore) -> None:
    report = import_file(store, "ann", OFX.encode(), "gb.ofx", rates=load(""))
    assert report.imported == 3
    rows = _rows(store)
    assert (rows["PUB"].original_currency, rows["PUB"].original_amount) == ("GBP", D("10.00"))  # CURDEF
    assert (rows["NYC SHOP"].original_currency, rows["NYC SHOP"].original_amount) == ("USD", D("20.00"))
    # ORIGCURRENCY: the bank booked 15.00 GBP (CURDEF) from EUR at 0.87 GBP a euro: 17.24 EUR was spent, and EUR is
    # home, so that is its home amount (tests/unit/test_fx_ofx_original.py follows it into other home currencies).
    assert (rows["PARIS CAFE"].amount, rows["PARIS CAFE"].currency, rows["PARIS CAFE"].original_currency) == (
        D("17.24"), "EUR", None)


CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-10-31T10:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>CH9300762011623852957</IBAN></Id><Ccy>CHF</Ccy></Acct>
<Ntry><Amt Ccy="CHF">89.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-10-30</Dt></BookgDt>
<AcctSvcrRef>R1</AcctSvcrRef><NtryDtls>
<TxDtls><RltdPties><Cdtr><Nm>SBB</Nm></Cdtr></RltdPties></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>
"""


def test_camt_ccy(store: SQLiteStore) -> None:
    assert import_file(store, "ann", CAMT.encode(), "ch.xml", rates=load("")).imported == 1
    (row,) = _rows(store).values()
    assert (row.original_currency, row.original_amount, row.fx_date) == ("CHF", D("89.00"), dt.date(2026, 10, 30))


def test_the_preview_shows_what_each_foreign_row_becomes() -> None:
    from lib.ingest import parse_file
    from lib.ingest.preview import preview_table

    data = (b"Date;Text;Betrag\n2026-10-24;Taxi;-12,50 USD\n2026-10-27;Bread;-2,10 EUR\n"
            b"2026-10-28;Empanada;-900,00 ARS\n")
    rows = parse_file(data, "mixed.csv", BANK).rows
    table = preview_table(rows, home="EUR", rates=load(""))
    assert list(table.columns[3:6]) == ["Currency", "In EUR", "Rate"]
    taxi, bread, empanada = table.to_dict("records")
    assert taxi["Currency"] == "USD" and "ECB 2026-10-23, last before 2026-10-24" in taxi["Rate"]
    assert (bread["In EUR"], bread["Rate"]) == ("2.10", "")
    assert empanada["In EUR"] == "—" and "ARS" in empanada["Rate"]
    assert "Currency" not in preview_table(rows[1:2], home="EUR").columns  # home money only: as before
