"""lib.core.bank: chunks, signs, default spending accounts, file-row matching, notices."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lib.core import bank

NOW = dt.datetime(2026, 12, 4, 7, tzinfo=dt.UTC)


@pytest.mark.parametrize("days,expected", [(1, [1]), (60, [60]), (61, [60, 1]), (92, [60, 32]), (180, [60, 60, 60])])
def test_ranges_are_cut_into_chunks_of_at_most_60_days_without_gaps(days: int, expected: list[int]) -> None:
    start = dt.date(2026, 1, 1)
    got = bank.chunks(start, start + dt.timedelta(days=days - 1))
    assert [(b - a).days + 1 for a, b in got] == expected
    assert all(got[i][1] + dt.timedelta(days=1) == got[i + 1][0] for i in range(len(got) - 1))


def test_the_first_sync_reads_90_days_and_later_ones_a_week_back() -> None:
    conn = bank.Connection("ann", "simplefin", "x")
    today = dt.date(2026, 12, 4)
    assert bank.sync_range(conn, today) == (dt.date(2026, 9, 6), today)
    assert bank.sync_range(bank.Connection("ann", "simplefin", "x", synced_through="2026-12-03"), today) == (
        dt.date(2026, 11, 26), today)


def test_money_out_becomes_a_positive_purchase() -> None:
    out = bank.BankTransaction("a", "t", dt.date(2026, 12, 1), Decimal("-12.30"), "Coffee")
    refund = bank.BankTransaction("a", "r", dt.date(2026, 12, 1), Decimal("5.00"), "Refund")
    assert (bank.spent(out), bank.spent(refund)) == (Decimal("12.30"), Decimal("-5.00"))


@pytest.mark.parametrize("name,spending", [("Everyday Checking", True), ("Sapphire Visa", True),
                                           ("Credit Card", True), ("High Yield Savings", False),
                                           ("Mortgage", False), ("Roth IRA", False), ("Brokerage", False)])
def test_checking_and_cards_count_as_spending_by_default(name: str, spending: bool) -> None:
    assert bank.is_spending_by_default(name) is spending


@pytest.mark.parametrize("a,b,same", [("POS PURCHASE COFFEE CORNER 1234", "Coffee Corner", True),
                                      ("AMAZON MKTPLACE PMTS", "Amazon Mktplace", True),
                                      ("GROCER", "Petrol station", False), ("", "", True), ("Shell", "", False)])
def test_similar_payees(a: str, b: str, same: bool) -> None:
    assert bank.similar_payee(a, b) is same


def test_a_file_row_matches_within_3_days_with_the_same_amount() -> None:
    day = dt.date(2026, 12, 1)
    later = day + dt.timedelta(days=3)
    assert bank.matches_file_row(day, Decimal("9.99"), "NETFLIX", later, Decimal("9.99"), "Netflix")
    assert not bank.matches_file_row(day, Decimal("9.99"), "NETFLIX", day + dt.timedelta(days=4), Decimal("9.99"),
                                     "Netflix")
    assert not bank.matches_file_row(day, Decimal("9.99"), "NETFLIX", day, Decimal("10.99"), "Netflix")


def test_notices_say_revoked_lapsed_attention_and_stale() -> None:
    assert bank.notices(None, NOW) == []
    assert "revoked" in bank.notices(bank.BankNote(bank.REVOKED), NOW)[0][1]
    assert "lapsed" in bank.notices(bank.BankNote(bank.LAPSED), NOW)[0][1]
    fresh = bank.BankNote(bank.OK, last_ok_at=(NOW - dt.timedelta(hours=5)).isoformat())
    assert bank.notices(fresh, NOW) == []
    old = bank.BankNote(bank.UNAVAILABLE, last_ok_at="2026-12-01T06:00:00+00:00", attention=("Card",))
    texts = [t for _, t in bank.notices(old, NOW)]
    assert texts[0].startswith("Your bank needs attention (Card)") and "stale since 2026-12-01" in texts[1]
