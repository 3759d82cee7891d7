"""The demo history: realistic enough to coach on, and the same every time for a seed and day."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from lib.core.demo import demo_profile, demo_transactions
from lib.core.models import Transaction

TODAY = dt.date(2026, 11, 25)
BUDGET = Decimal("25.00")


@pytest.fixture(scope="module")
def history() -> list[Transaction]:
    return demo_transactions("demo", today=TODAY)


def daily_totals(txns: list[Transaction]) -> dict[dt.date, Decimal]:
    totals: dict[dt.date, Decimal] = defaultdict(Decimal)
    for t in txns:
        totals[t.date] += t.amount
    return totals


def test_same_seed_and_day_give_the_same_history_and_another_seed_does_not(history: list[Transaction]) -> None:
    assert demo_transactions("demo", today=TODAY) == history
    other = demo_transactions("demo", today=TODAY, seed=8)
    assert [(t.date, t.amount) for t in other] != [(t.date, t.amount) for t in history]


def test_covers_three_years_ending_today(history: list[Transaction]) -> None:
    first = TODAY - dt.timedelta(days=1094)
    assert min(t.date for t in history) - first < dt.timedelta(days=7)
    assert max(t.date for t in history) == TODAY
    months = {(t.date.year, t.date.month) for t in history}
    assert len(months) == 37  # Nov 2023 .. Nov 2026, no empty month


def test_every_transaction_is_exact_money_for_the_user_with_a_unique_dated_key(history: list[Transaction]) -> None:
    assert all(isinstance(t.amount, Decimal) and t.amount == t.amount.quantize(Decimal("0.01")) for t in history)
    assert all(t.amount != 0 for t in history)
    assert {(t.user_id, t.source) for t in history} == {("demo", "demo")}
    assert len({t.sort_key for t in history}) == len(history)
    assert all(t.sort_key.startswith(t.date.isoformat() + "#") for t in history)


def test_has_refunds_and_several_purchases_on_one_day(history: list[Transaction]) -> None:
    refunds = [t for t in history if t.amount < 0]
    assert len(refunds) >= 5
    assert all(t.description.startswith("Refund") for t in refunds)
    per_day = Counter(t.date for t in history)
    assert sum(1 for n in per_day.values() if n >= 3) > 100


def test_has_both_over_and_under_budget_days_and_some_days_without_spending(history: list[Transaction]) -> None:
    totals = daily_totals(history)
    days = [TODAY - dt.timedelta(days=i) for i in range(1095)]
    over = sum(1 for d in days if totals.get(d, Decimal(0)) > BUDGET)
    quiet = sum(1 for d in days if d not in totals)
    assert 0.25 * 1095 < over < 0.75 * 1095
    assert quiet > 30


def test_ends_on_a_short_under_budget_streak_after_an_over_budget_day(history: list[Transaction]) -> None:
    totals = daily_totals(history)
    streak = 0
    while totals.get(TODAY - dt.timedelta(days=streak), Decimal(0)) <= BUDGET:
        streak += 1
    assert 3 <= streak <= 10


def test_the_streak_follows_the_budget_it_is_given() -> None:
    budget = Decimal("10.00")
    totals = daily_totals(demo_transactions("demo", today=TODAY, daily_budget=budget))
    assert all(totals.get(TODAY - dt.timedelta(days=i), Decimal(0)) <= budget for i in range(3))


def test_weekends_bring_more_eating_out_and_fun_and_weekdays_the_commute(history: list[Transaction]) -> None:
    def count(categories: set[str], weekdays: set[int]) -> int:
        return sum(1 for t in history if t.category in categories and t.date.weekday() in weekdays)

    assert count({"Eating out", "Entertainment"}, {4, 5}) > 1.5 * count({"Eating out", "Entertainment"}, {0, 1})
    assert count({"Transport"}, {0, 1, 2, 3, 4}) > 5 * count({"Transport"}, {5, 6})


def test_monthly_bills_arrive_on_their_day(history: list[Transaction]) -> None:
    netflix = [t for t in history if t.description == "Netflix"]
    assert len(netflix) == 36 and {t.date.day for t in netflix} == {3}
    assert {t.category for t in netflix} == {"Subscriptions"}


def test_shorter_histories_stay_inside_their_window() -> None:
    txns = demo_transactions("u", days=30, today=TODAY)
    assert txns and min(t.date for t in txns) >= TODAY - dt.timedelta(days=29)


def test_demo_profile_has_a_budget_a_salary_and_the_brutal_coach() -> None:
    p = demo_profile("demo", "Dee Moe")
    assert (p.user_id, p.display_name, p.daily_budget, p.monthly_salary, p.ai_tone) == (
        "demo", "Dee Moe", Decimal("25.00"), Decimal("3200.00"), "brutal")
    assert demo_profile("demo", None).display_name == "demo"
