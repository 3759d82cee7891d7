"""Issue 25: the one conversion rule, the ECB rates (last earlier day), typed amounts, re-pricing (pure)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lib.core import fx
from lib.core.errors import ValidationError
from lib.core.models import Transaction, validate_transaction
from lib.core.moneytext import split_typed
from lib.rates.ecb import EcbRates, RatesFileError, load

D = Decimal
# A Friday with rates, then a weekend; HUF is missing on the Thursday (N/A), as in the ECB's own file.
CSV = """Date,USD,JPY,GBP,HUF,
2026-03-06,1.0800,160.50,0.8400,390.00,
2026-03-05,1.0900,161.00,0.8500,N/A,
2026-03-04,1.1000,162.00,0.8600,392.00,
"""


@pytest.fixture
def rates() -> EcbRates:
    return EcbRates.from_csv(CSV)


def test_conversion_rounds_half_even_to_the_home_minor_unit() -> None:
    assert fx.convert(D("10.00"), D("1.0125"), "EUR") == D("10.12")  # 10.125 -> even cent
    assert fx.convert(D("10.00"), D("1.0135"), "EUR") == D("10.14")  # 10.135 -> even cent
    assert fx.convert(D("10.00"), D("0.25"), "JPY") == D("2")  # 2.5 -> 2 (no minor unit)
    assert fx.convert(D("10.00"), D("0.35"), "JPY") == D("4")  # 3.5 -> 4
    assert fx.convert(D("1.000"), D("0.0005"), "KWD") == D("0.000")  # 3 decimals, 0.0005 -> 0.000
    assert fx.convert(D("-12.50"), D("0.9"), "EUR") == D("-11.25")  # refunds keep their sign


def test_the_rate_of_the_day_and_the_last_earlier_one_said(rates: EcbRates) -> None:
    r = rates.rate("EUR", "USD", dt.date(2026, 3, 6))
    assert (r.value, r.day, r.earlier, r.source) == (D("1.0800"), dt.date(2026, 3, 6), False, "ECB")
    sunday = rates.rate("EUR", "USD", dt.date(2026, 3, 8))
    assert sunday.day == dt.date(2026, 3, 6) and sunday.earlier
    assert "no rate on 2026-03-08, the last earlier one is used" in sunday.note()
    assert rates.rate("USD", "EUR", dt.date(2026, 3, 6)).value == D("0.9259259259")  # 1/1.08, 10 digits


def test_a_cross_rate_uses_one_day_for_both_sides(rates: EcbRates) -> None:
    # HUF has no fixing on 03-05: the GBP/HUF rate of 03-05 is the one of 03-04 for both currencies.
    r = rates.rate("GBP", "HUF", dt.date(2026, 3, 5))
    assert r.day == dt.date(2026, 3, 4) and r.value == D("455.8139535")  # 392 / 0.86


def test_no_rate_is_a_reason(rates: EcbRates) -> None:
    with pytest.raises(fx.NoRateError, match="publishes no rate for ARS"):
        rates.rate("ARS", "EUR", dt.date(2026, 3, 6))
    with pytest.raises(fx.NoRateError, match="on or shortly before 2026-03-01"):
        rates.rate("USD", "EUR", dt.date(2026, 3, 1))  # before the history starts


def test_a_file_that_is_not_the_history_is_refused() -> None:
    with pytest.raises(RatesFileError):
        EcbRates.from_zip(b"not a zip")
    with pytest.raises(RatesFileError):
        EcbRates.from_csv("Day,USD\n")


def test_the_bundled_history_reads() -> None:
    bundled = load("")
    assert {"USD", "GBP", "JPY", "CHF", "HUF", "EUR"} <= bundled.currencies
    assert bundled.rate("USD", "EUR", dt.date(2024, 1, 2)).value > 0


@pytest.mark.parametrize("text", ["0", "-1.2", "abc", "1e5", "", "1" * 30, "1000000000"])
def test_a_bad_rate_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(ValidationError) as exc:
        fx.parse_rate(text)
    assert exc.value.errors["fx_rate"]


@pytest.mark.parametrize(("typed", "amount", "code"), [
    ("12.50 USD", D("12.50"), "USD"), ("USD 12.50", D("12.50"), "USD"), ("€12.50", D("12.50"), "EUR"),
    ("12,50 EUR", D("12.50"), "EUR"), ("-$3", D("-3.00"), "USD"), ("12.50", D("12.50"), None),
])
def test_manual_amounts_carry_their_currency(typed: str, amount: Decimal, code: str | None) -> None:
    txn = validate_transaction("u", "2026-03-06", typed)
    assert (txn.amount, txn.currency) == (amount, code)


def test_an_unknown_code_in_an_amount_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"XYZ.*not an ISO 4217"):
        validate_transaction("u", "2026-03-06", "12.50 XYZ")
    assert split_typed("12.50 USD") == ("12.50", "USD")


def _txn(amount: str, code: str | None, day: dt.date = dt.date(2026, 3, 7)) -> Transaction:
    return Transaction("u", day, D(amount), currency=code)


def test_pricing_keeps_the_original_and_home_rows_stay_as_they_are(rates: EcbRates) -> None:
    new, rate = fx.price_transaction(_txn("10.00", "USD"), "EUR", rates)
    assert rate is not None and rate.earlier  # a Saturday: Friday's rate
    assert (new.amount, new.currency, new.original_amount, new.original_currency) == (
        D("9.26"), "EUR", D("10.00"), "USD")
    assert (new.fx_rate, new.fx_date, new.fx_source) == (D("0.9259259259"), dt.date(2026, 3, 6), "ECB")
    home, none = fx.price_transaction(_txn("5.00", "EUR"), "EUR", rates)
    assert none is None and home.original_amount is None and home.amount == D("5.00")
    untouched, _ = fx.price_transaction(_txn("5.00", "USD"), "", rates)  # no home picked: as read
    assert (untouched.amount, untouched.currency, untouched.original_currency) == (D("5.00"), "USD", None)


def test_repricing_is_idempotent_and_never_drops_an_original(rates: EcbRates) -> None:
    rows = [_txn("10.00", "USD"), _txn("20.00", "GBP"), _txn("3.00", None), _txn("7.00", "ARS")]
    report = fx.RepriceReport("EUR")
    first = fx.repriced(rows, "EUR", rates, report)
    assert (report.changed, len(report.refused), report.by_currency, report.stamped) == (3, 1, {"GBP": 1, "USD": 1}, 1)
    assert "1 of them named no currency: they are marked EUR now" in " ".join(report.lines())
    again = fx.RepriceReport("EUR")
    assert fx.repriced(first, "EUR", rates, again) == [] and again.unchanged == 3
    # Into USD: the USD row becomes home money again, the GBP row keeps 20.00 GBP, the EUR row is foreign now.
    usd = {t.original_currency or t.currency: t for t in fx.repriced(first, "USD", rates, fx.RepriceReport("USD"))}
    assert usd["USD"].amount == D("10.00") and usd["USD"].original_amount is None
    assert usd["GBP"].original_amount == D("20.00") and usd["GBP"].currency == "USD"
    assert usd["EUR"].original_amount == D("3.00") and usd["EUR"].original_currency == "EUR"


def test_a_users_rate_is_kept_until_the_home_currency_changes(rates: EcbRates) -> None:
    mine, _ = fx.price_transaction(_txn("10.00", "USD"), "EUR", rates, override=D("0.5"))
    assert (mine.amount, mine.fx_source) == (D("5.00"), "user")
    report = fx.RepriceReport("EUR")
    assert fx.repriced([mine], "EUR", rates, report) == [] and report.unchanged == 1
    moved = fx.RepriceReport("GBP")
    assert fx.repriced([mine], "GBP", rates, moved)[0].fx_source == "ECB" and moved.overrides_dropped == 1
    with pytest.raises(ValidationError, match="more than zero"):
        fx.price_transaction(_txn("10.00", "USD"), "EUR", rates, override=D("0"))


def test_foreign_spending_by_currency(rates: EcbRates) -> None:
    rows = [fx.price_transaction(t, "EUR", rates)[0] for t in
            (_txn("10.00", "USD"), _txn("5.00", "USD"), _txn("20.00", "GBP"), _txn("4.00", "EUR"))]
    table = fx.foreign_spending(rows)
    assert [(c, s, n) for c, s, _, n in table] == [("GBP", D("20.00"), 1), ("USD", D("15.00"), 2)]
