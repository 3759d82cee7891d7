"""Every export layout of tests/fixtures/imports (our own files, mimicking real banks' quirks): rows in, rows out."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine

from lib.core.errors import ValidationError
from lib.ingest import ImportOptions, detect_format, parse_csv, parse_file

D = Decimal
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
TODAY = dt.date(2027, 1, 15)


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2027, 1, 15, 12, tzinfo=dt.UTC), tick=False):
        yield


def read(name: str, **options: object):
    return parse_file((FIXTURES / name).read_bytes(), name, ImportOptions(**options))  # type: ignore[arg-type]


def rows(name: str, **options: object) -> list[tuple[dt.date, Decimal, str]]:
    result = read(name, **options)
    assert result.errors == [] and result.sign_question is None
    return [(r.date, r.amount, r.description) for r in result.rows]


# -- direction from the data, never a silent wrong sign ---------------------------------------------


def test_a_creditdebet_column_of_c_and_d_is_the_direction_whatever_its_name() -> None:
    result = read("dutch_creditdebet_column.csv")
    assert result.detected["columns"]["direction"] == "CreditDebet"
    amounts = {r.description.split(" · ")[0]: r.amount for r in result.rows}
    assert amounts["Werkgever BV"] == D("-3500.00"), "the salary is money in, not 3,500 of spending"
    assert amounts["Bol.com BV"] == D("-23.99")
    assert amounts["Woonstichting Thuis"] == D("950.00")


def test_a_transaction_type_column_of_debit_and_credit_in_any_case_is_the_direction() -> None:
    assert rows("uk_transaction_type_words.csv") == [
        (dt.date(2026, 11, 3), D("23.40"), "TESCO STORES 2041"),
        (dt.date(2026, 11, 4), D("6.85"), "PRET A MANGER"),
        (dt.date(2026, 11, 5), D("-3500.00"), "ACME LTD"),
        (dt.date(2026, 11, 14), D("41.00"), "THAMES WATER"),
        (dt.date(2026, 11, 20), D("-18.00"), "J SMITH"),
    ]


@pytest.mark.parametrize("marks", [("D", "C"), ("DR", "CR"), ("debit", "credit"), ("Af", "Bij"), ("S", "H"),
                                   ("Soll", "Haben"), ("-", "+"), ("dr", "Cr")])
def test_every_common_marker_pair_is_read_as_direction(marks: tuple[str, str]) -> None:
    out, inn = marks
    data = (f"Date,Text,Kind,Value\n2026-11-01,Shop,{out},10.00\n2026-11-02,Salary,{inn},900.00\n"
            f"2026-11-03,Bakery,{out},2.50\n").encode()
    assert [r.amount for r in parse_csv(data).rows] == [D("10.00"), D("-900.00"), D("2.50")]


def test_a_file_that_cannot_tell_the_direction_asks_and_shows_the_rows_that_decide() -> None:
    result = read("all_positive_no_direction.csv")
    assert result.sign_question is not None
    assert "positive" in result.sign_question.reason
    assert "Acme Payroll" in [r.description for r in result.sign_question.evidence], "the salary-like row decides"
    assert result.detected["sign"] == "unknown"
    answered = read("all_positive_no_direction.csv", sign="spending")
    assert answered.sign_question is None and answered.rows[0].amount == D("12.40")


def test_income_like_rows_decide_the_sign_of_a_mixed_file() -> None:
    card = b"Date,Description,Amount\n2026-11-01,Books,-12.00\n2026-11-02,Food,-30.00\n" \
        b"2026-11-03,Refund Books,12.00\n2026-11-04,Salary November,2000.00\n"
    result = parse_csv(card)
    assert [r.amount for r in result.rows] == [D("12.00"), D("30.00"), D("-12.00"), D("-2000.00")]
    assert "money in" in result.detected["sign_reason"]
    even = b"Date,Description,Amount\n2026-11-01,A,-12.00\n2026-11-02,B,30.00\n"
    assert parse_csv(even).sign_question is not None, "one of each and no income row: not a guess"


# -- the informative description, columns found by content ------------------------------------------


def test_a_constant_account_name_description_loses_to_the_merchant_column_and_monn_is_the_currency() -> None:
    result = read("swiss_constant_description.csv")
    assert result.errors == []
    assert [(r.amount, r.description, r.currency) for r in result.rows] == [
        (D("45.20"), "COOP-4532 ZUERICH", "CHF"),
        (D("18.35"), "MIGROS BAHNHOF BERN", "CHF"),
        (D("69.00"), "Swisscom (Schweiz) AG", "CHF"),
        (D("-5200.00"), "ACME AG", "CHF"),
        (D("1250.00"), "SBB CFF FFS", "CHF"),
    ]


def test_bank_codes_in_description_lose_to_a_reference_column_holding_the_merchant() -> None:
    assert read("uk_transaction_type_words.csv").detected["columns"]["description"] == "Transaction Ref1"


def test_counterparty_and_purpose_are_combined_when_both_say_something() -> None:
    result = read("dutch_creditdebet_column.csv")
    assert result.rows[2].description == "Werkgever BV · Salaris november"
    assert result.detected["columns"]["description"] == "Tegenrekeninghouder + Omschrijving"


def test_a_datetime_column_is_the_date_and_year_to_date_fees_is_not() -> None:
    result = read("p2p_app_datetime_fees.csv")
    assert result.errors == []
    assert result.detected["columns"]["date"] == "Datetime"
    assert [(r.date, r.amount, r.description) for r in result.rows] == [
        (dt.date(2026, 11, 2), D("12.50"), "Pizza night"),
        (dt.date(2026, 11, 6), D("45.00"), "Concert tickets"),
        (dt.date(2026, 11, 10), D("9.75"), "Taxi home"),
        (dt.date(2026, 11, 15), D("31.20"), "Groceries split"),
        (dt.date(2026, 11, 20), D("-600.00"), "Your half of rent"),
    ]


def test_a_date_named_column_without_dates_gives_way_to_the_column_with_dates() -> None:
    data = b"When,Year to Date Fees,Shop,Amount\n2026-11-01,0.00,Bakery,-2.40\n2026-11-02,0.50,Kiosk,-1.10\n" \
        b"2026-11-03,0.50,Cafe,-3.10\n"
    result = parse_csv(data)
    assert [r.date.day for r in result.rows] == [1, 2, 3]


def test_a_devizanem_column_is_the_currency_and_hungarian_dates_with_a_final_dot_are_read() -> None:
    result = read("hungarian_devizanem.csv")
    assert result.errors == []
    assert [(r.date, r.amount, r.description, r.currency) for r in result.rows] == [
        (dt.date(2026, 11, 3), D("12990.00"), "SPAR MAGYARORSZAG", "HUF"),
        (dt.date(2026, 11, 4), D("21450.00"), "MOL TOLTOALLOMAS", "HUF"),
        (dt.date(2026, 11, 10), D("-650000.00"), "PELDA KFT · Munkabér 2026.11", "HUF"),
        (dt.date(2026, 11, 12), D("8379.00"), "TESCO GLOBAL", "HUF"),
    ]


# -- bad rows, clearly --------------------------------------------------------------------------------


def test_unbalanced_quote_oversized_cell_and_impossible_years_cost_only_their_line() -> None:
    result = read("broken_rows.csv")
    assert [(r.line_number, r.description) for r in result.rows] == [
        (2, "Coffee"), (4, "Lunch"), (5, "Dinner, with friends"), (10, "Bus")]
    reasons = {e.line_number: e.reason for e in result.errors}
    assert list(reasons) == [3, 6, 7, 8, 9]
    assert "unbalanced quote" in reasons[3]
    assert "too long" in reasons[6]
    assert "future" in reasons[7] and "9999" in reasons[7]
    assert "before 1970" in reasons[8] and "before 1970" in reasons[9]


def test_a_date_a_few_days_ahead_is_kept_and_a_month_ahead_is_refused() -> None:
    soon = (TODAY + dt.timedelta(days=3)).isoformat()
    later = (TODAY + dt.timedelta(days=30)).isoformat()
    result = parse_csv(f"Date,Description,Amount\n{soon},Pending card,-5.00\n{later},Typo,-5.00\n".encode())
    assert [r.line_number for r in result.rows] == [2]
    assert [e.line_number for e in result.errors] == [3]


# -- structured formats -------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kind"), [
    ("checking_ofx1_sgml.ofx", "ofx"), ("card_qfx2_xml.qfx", "ofx"), ("quicken_bank.qif", "qif"),
    ("statement_camt053.xml", "camt"), ("dutch_creditdebet_column.csv", "csv")])
def test_the_format_is_told_by_content_not_by_name(name: str, kind: str) -> None:
    assert detect_format((FIXTURES / name).read_bytes()) == kind


def test_ofx_1_sgml_keeps_the_banks_dates_ids_and_two_identical_coffees() -> None:
    result = read("checking_ofx1_sgml.ofx")
    assert result.errors == []
    assert [(r.date, r.amount, r.description, r.key) for r in result.rows] == [
        (dt.date(2026, 11, 3), D("4.50"), "STARBUCKS STORE 1234", "000123456789:202611030001"),
        (dt.date(2026, 11, 3), D("4.50"), "STARBUCKS STORE 1234", "000123456789:202611030002"),
        (dt.date(2026, 11, 15), D("-3500.00"), "ACME CORP PAYROLL · DIRECT DEP", "000123456789:202611150001"),
        # 23:30 Eastern is the next day in UTC: the bank's own date is kept.
        (dt.date(2026, 11, 20), D("62.10"), "SHELL OIL 5551", "000123456789:202611200001"),
        (dt.date(2026, 11, 22), D("-15.00"), "TARGET REFUND · RETURN", "000123456789:202611220001"),
    ]
    assert {r.currency for r in result.rows} == {"USD"}


def test_qfx_2_xml_card_statement() -> None:
    assert rows("card_qfx2_xml.qfx") == [
        (dt.date(2026, 11, 4), D("89.99"), "AMAZON MKTPL"),
        (dt.date(2026, 11, 8), D("23.50"), "UBER TRIP"),
        (dt.date(2026, 11, 25), D("-500.00"), "PAYMENT THANK YOU"),
    ]


def test_qif_bank_account_with_categories_a_transfer_and_a_broken_record() -> None:
    result = read("quicken_bank.qif")
    assert [(r.line_number, r.date, r.amount, r.description, r.category) for r in result.rows] == [
        (2, dt.date(2026, 11, 3), D("4.50"), "STARBUCKS", "Coffee"),
        (7, dt.date(2026, 11, 15), D("-3500.00"), "ACME PAYROLL", "Salary"),
        (12, dt.date(2026, 11, 18), D("120.00"), "CITY POWER · November bill", "Utilities"),
        (22, dt.date(2026, 11, 20), D("200.00"), "Transfer to savings", "Transfer"),
    ]
    assert [(e.line_number, "11/31/2026" in e.reason) for e in result.errors] == [(18, True)]


def test_qif_dates_with_a_day_above_12_are_read_day_first() -> None:
    data = b"!Type:Bank\nD25/11/2026\nT-3.00\nPBAKERY\n^\nD03/11/2026\nT-4.00\nPKIOSK\n^\n"
    assert [r.date for r in parse_file(data).rows] == [dt.date(2026, 11, 25), dt.date(2026, 11, 3)]


def test_camt053_booked_entries_with_counterparty_purpose_and_split_batch_bookings() -> None:
    result = read("statement_camt053.xml")
    assert result.detected["pending_skipped"] == 1
    assert [(r.date, r.amount, r.description, r.currency) for r in result.rows] == [
        (dt.date(2026, 11, 3), D("45.67"), "EDEKA Markt Mueller · Kartenzahlung 03.11 12:14", "EUR"),
        (dt.date(2026, 11, 27), D("-3200.00"), "Beispiel GmbH · Gehalt November", "EUR"),
        (dt.date(2026, 11, 15), D("30.00"), "Stadtwerke · Abschlag Strom", "EUR"),
        (dt.date(2026, 11, 15), D("50.00"), "Telekom · Mobilfunk 11/2026", "EUR"),
    ]


def test_xml_with_a_doctype_is_refused() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Document><BkToCstmrStmt/></Document>'
    with pytest.raises(ValidationError, match="DOCTYPE"):
        parse_file(data)


def test_an_unreadable_ofx_file_is_refused_readably() -> None:
    with pytest.raises(ValidationError, match="OFX"):
        parse_file(b"OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BROKEN>")
