"""Analytics on hand-made histories whose streaks and totals were worked out by hand."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.core import analytics as an
from lib.core.models import Profile, Transaction

D = dt.date.fromisoformat


def txn(day: str, amount: str, category: str = "Food", description: str = "shop") -> Transaction:
    return Transaction("u1", D(day), Decimal(amount), category, description)


# History A, budget 15.00, today 2026-03-10 (worked by hand):
#   03-01 15.00 (exactly on budget: counts)   03-02 10.00 + 4.99 = 14.99       03-03 16.00 (over by 1.00)
#   03-04 nothing (counts)                    03-05 20.00 - 5.00 refund = 15.00 03-06 15.01 (over by 0.01)
#   03-07 3.00   03-08 nothing   03-09 12.00   03-10 (today) 7.00
HISTORY_A = [
    txn("2026-03-01", "15.00"),
    txn("2026-03-02", "10.00", "Coffee", "Blue Bottle"),
    txn("2026-03-02", "4.99", "Food", "Deli"),
    txn("2026-03-03", "16.00", "Fun", "Cinema"),
    txn("2026-03-05", "20.00", "Shopping", "Shoe shop"),
    txn("2026-03-05", "-5.00", "Shopping", "Shoe shop"),
    txn("2026-03-06", "15.01", "Food", "Deli"),
    txn("2026-03-07", "3.00", "Coffee", "Blue Bottle"),
    txn("2026-03-09", "12.00", "Food", "Deli"),
    txn("2026-03-10", "7.00", "Coffee", "Blue Bottle"),
]
TODAY_A = D("2026-03-10")


def daily_a(extra: list[Transaction] | None = None) -> pd.Series:
    df = an.transactions_frame(HISTORY_A + (extra or []))
    return an.daily_totals(df, D("2026-03-01"), TODAY_A)


def test_frame_columns_and_types() -> None:
    df = an.transactions_frame(HISTORY_A)
    assert list(df.columns) == list(an.COLUMNS)
    assert df["amount_cents"].dtype == np.int64
    assert pd.api.types.is_datetime64_any_dtype(df["date"])
    assert (df["date"] == df["date"].dt.normalize()).all()
    assert df["amount_cents"].tolist()[:3] == [1500, 1000, 499]
    assert df.loc[5, "amount_cents"] == -500  # refunds stay negative


def test_empty_frame_has_the_same_columns_and_types() -> None:
    empty = an.transactions_frame([])
    full = an.transactions_frame(HISTORY_A)
    assert empty.empty
    assert list(empty.columns) == list(full.columns)
    assert empty.dtypes.to_dict() == full.dtypes.to_dict()


def test_frame_cents_are_exact_and_legacy_third_decimals_round_half_up() -> None:
    legacy = [txn("2026-01-01", "0.1"), txn("2026-01-01", "0.2")]
    legacy += [txn("2026-01-02", "2.345"), txn("2026-01-02", "-2.345")]
    df = an.transactions_frame(legacy)
    assert df["amount_cents"].tolist() == [10, 20, 235, -235]


def test_money_helpers_round_trip() -> None:
    assert an.cents_to_decimal(1250) == Decimal("12.50")
    assert str(an.cents_to_decimal(-5)) == "-0.05"
    assert an.decimal_to_cents(Decimal("12.5")) == 1250
    assert an.decimal_to_cents(Decimal("0.005")) == 1


def test_daily_totals_fill_empty_days_and_net_refunds() -> None:
    daily = daily_a()
    assert len(daily) == 10
    assert daily.dtype == np.int64
    by_day = {d.date().isoformat(): int(v) for d, v in daily.items()}
    assert by_day["2026-03-02"] == 1499
    assert by_day["2026-03-04"] == 0  # no transactions
    assert by_day["2026-03-05"] == 1500  # 20.00 purchase, 5.00 refund
    assert by_day["2026-03-08"] == 0


def test_daily_totals_range_is_inclusive_and_excludes_outside_days() -> None:
    df = an.transactions_frame(HISTORY_A)
    daily = an.daily_totals(df, D("2026-03-02"), D("2026-03-03"))
    assert [int(v) for v in daily] == [1499, 1600]
    assert an.daily_totals(df, D("2026-04-01"), D("2026-04-03")).tolist() == [0, 0, 0]


def test_streaks_on_history_a() -> None:
    s = an.streaks(daily_a(), 1500, TODAY_A)
    assert s.current == 3
    assert s.current_start == D("2026-03-07")
    assert s.longest == 3
    assert (s.longest_start, s.longest_end) == (D("2026-03-07"), D("2026-03-09"))
    assert s.today_status == "under"
    assert s.today_spent_cents == 700
    hist = s.history
    assert hist["length"].tolist() == [2, 2, 3]
    assert hist["broken_on"].tolist() == [D("2026-03-03"), D("2026-03-06"), None]
    assert hist["broken_by_cents"].tolist()[:2] == [100, 1]


def test_exactly_on_budget_counts_and_one_cent_over_breaks() -> None:
    s = an.streaks(daily_a(), 1500, TODAY_A)
    starts = s.history["start"].tolist()
    assert D("2026-03-01") in starts  # 15.00 on a 15.00 budget starts a streak
    assert D("2026-03-04") in starts  # the streak after 03-03 includes 03-05 (15.00 after a refund)
    assert s.history.loc[1, "end"] == D("2026-03-05")


@pytest.mark.parametrize(
    ("budget_cents", "current", "longest", "lengths"),
    [
        (1600, 9, 9, [9]),  # 16.00: every finished day is within budget
        (1499, 3, 3, [1, 1, 3]),  # 14.99: 03-01 and 03-05 (15.00) now break it
        (1000, 0, 2, [1, 2]),  # 10.00: only 03-04 (empty), 03-07 and 03-08; 03-09 (12.00) broke it
    ],
)
def test_changing_the_budget_changes_the_streak(
    budget_cents: int, current: int, longest: int, lengths: list[int]
) -> None:
    s = an.streaks(daily_a(), budget_cents, TODAY_A)
    assert (s.current, s.longest) == (current, longest)
    assert s.history["length"].tolist() == lengths


def test_today_over_budget_breaks_the_streak_at_once() -> None:
    s = an.streaks(daily_a([txn("2026-03-10", "10.00")]), 1500, TODAY_A)  # today 17.00
    assert s.today_status == "over"
    assert s.current == 0
    assert s.current_start is None
    assert s.longest == 3
    assert s.history["broken_on"].iloc[-1] == TODAY_A
    assert s.history["broken_by_cents"].iloc[-1] == 200


def test_a_refund_today_brings_the_streak_back() -> None:
    s = an.streaks(daily_a([txn("2026-03-10", "10.00"), txn("2026-03-10", "-2.00")]), 1500, TODAY_A)  # 15.00
    assert s.today_status == "under"
    assert s.current == 3


def test_today_is_not_counted_until_it_is_over() -> None:
    daily = daily_a()
    longer = an.daily_totals(an.transactions_frame(HISTORY_A), D("2026-03-01"), D("2026-03-11"))
    tomorrow = an.streaks(longer, 1500, D("2026-03-11"))
    assert an.streaks(daily, 1500, TODAY_A).current == 3
    assert tomorrow.current == 4  # 03-10 (7.00) joined once it ended
    assert tomorrow.today_status == "no spending"
    assert "midnight" in an.TODAY_RULE


def test_days_after_today_are_ignored() -> None:
    df = an.transactions_frame([*HISTORY_A, txn("2026-03-12", "99.00")])
    s = an.streaks(an.daily_totals(df, D("2026-03-01"), D("2026-03-15")), 1500, TODAY_A)
    assert (s.current, s.longest) == (3, 3)


def test_leap_day_is_a_day_of_its_own() -> None:
    history = [txn("2028-02-27", "12.00"), txn("2028-02-28", "5.00"), txn("2028-02-29", "10.00")]
    df = an.transactions_frame(history)
    daily = an.daily_totals(df, D("2028-02-27"), D("2028-03-02"))
    days = ["2028-02-27", "2028-02-28", "2028-02-29", "2028-03-01", "2028-03-02"]
    assert [d.date() for d in daily.index] == [D(d) for d in days]
    s = an.streaks(daily, 1000, D("2028-03-02"))
    assert s.current == 3  # 02-28, 02-29 (exactly 10.00), 03-01 (nothing)
    assert s.current_start == D("2028-02-28")
    pace = an.month_pace(daily, 1000, None, D("2028-02-29"))
    assert (pace.days_in_month, pace.days_elapsed, pace.days_left) == (29, 29, 0)
    assert pace.spent_cents == 2700
    assert pace.month_budget_cents == 29000


def test_month_pace_mid_month() -> None:
    pace = an.month_pace(daily_a(), 1500, 300000, TODAY_A)
    assert pace.spent_cents == 9800  # 15 + 14.99 + 16 + 15 + 15.01 + 3 + 12 + 7
    assert pace.allowed_so_far_cents == 15000
    assert pace.month_budget_cents == 46500
    assert pace.projection_cents == 30380  # 98.00 / 10 days * 31
    assert pace.days_left == 21
    assert pace.left_per_day_cents == 1747  # (465.00 - 98.00) / 21 = 17.476..., rounded down
    assert pace.salary_share == pytest.approx(98 / 3000)
    assert pace.over_pace_cents == -5200
    assert pace.projected_over_cents == 30380 - 46500


def test_month_pace_at_month_ends_and_without_salary() -> None:
    jan = [txn(f"2026-01-{d:02d}", "10.00") for d in range(1, 32)] + [txn("2026-02-01", "4.00")]
    daily = an.daily_totals(an.transactions_frame(jan), D("2026-01-01"), D("2026-02-01"))
    last = an.month_pace(daily, 1000, None, D("2026-01-31"))
    assert (last.spent_cents, last.allowed_so_far_cents, last.projection_cents) == (31000, 31000, 31000)
    assert last.left_per_day_cents is None
    assert last.salary_share is None
    first = an.month_pace(daily, 1000, 0, D("2026-02-01"))  # a salary of 0 means none
    assert first.spent_cents == 400  # January is not this month
    assert (first.days_elapsed, first.days_in_month) == (1, 28)
    assert first.projection_cents == 400 * 28
    assert first.salary_share is None


def test_by_category_nets_refunds_and_sorts_biggest_first() -> None:
    df = an.transactions_frame(HISTORY_A)
    cats = an.by_category(df, D("2026-03-01"), TODAY_A)
    assert cats["category"].tolist() == ["Food", "Coffee", "Fun", "Shopping"]
    assert cats["amount_cents"].tolist() == [4700, 2000, 1600, 1500]  # Shopping: 20.00 - 5.00
    assert cats["share"].sum() == pytest.approx(1.0)
    only_two_days = an.by_category(df, D("2026-03-02"), D("2026-03-03"))
    assert only_two_days["category"].tolist() == ["Fun", "Coffee", "Food"]


def test_by_merchant_groups_descriptions_and_limits_rows() -> None:
    df = an.transactions_frame([*HISTORY_A, txn("2026-03-08", "1.00", description="")])
    top = an.by_merchant(df, D("2026-03-01"), TODAY_A, top=2)
    assert top["description"].tolist() == ["Deli", "Blue Bottle"]
    assert top["amount_cents"].tolist() == [3200, 2000]
    assert top["count"].tolist() == [3, 3]
    everything = an.by_merchant(df, D("2026-03-01"), TODAY_A, top=50)
    assert an.NO_DESCRIPTION in everything["description"].tolist()


def test_breakdowns_of_an_empty_window_are_empty_frames() -> None:
    df = an.transactions_frame(HISTORY_A)
    assert an.by_category(df, D("2025-01-01"), D("2025-01-31")).empty
    assert an.by_merchant(an.transactions_frame([]), D("2025-01-01"), D("2025-01-31")).empty


def test_compute_stats_known_answer_and_json_ready() -> None:
    profile = Profile("u1", "Ann", daily_budget=Decimal("15.00"), monthly_salary=Decimal("3000.00"))
    stats = an.compute_stats(HISTORY_A, profile, TODAY_A)
    json.dumps(stats)  # JSON-ready: no Decimal, date or numpy values
    assert stats["current_streak"] == 3
    assert stats["current_streak_start"] == "2026-03-07"
    assert stats["longest_streak"] == 3
    assert stats["daily_budget"] == "15.00"
    assert stats["today_spent"] == "7.00"
    assert stats["month_spent"] == "98.00"
    assert stats["month_allowed"] == "150.00"
    assert stats["month_projection"] == "303.80"
    assert stats["by_category"][0] == {"category": "Food", "amount": "47.00", "count": 4, "share": 0.4796}
    assert stats["salary_share"] == pytest.approx(0.0327, abs=1e-4)
    assert stats["period_days"] == 10
    assert stats["period_days_within_budget"] == 8


def test_compute_stats_range_limits_breakdowns_but_not_the_streak() -> None:
    profile = Profile("u1", "Ann", daily_budget=Decimal("15.00"))
    stats = an.compute_stats(an.transactions_frame(HISTORY_A), profile, TODAY_A, D("2026-03-03"), D("2026-03-03"))
    assert [c["category"] for c in stats["by_category"]] == ["Fun"]
    assert stats["period_spent"] == "16.00"
    assert stats["current_streak"] == 3


def test_compute_stats_ignores_future_rows_and_handles_no_data() -> None:
    profile = Profile("u1", "Ann", daily_budget=Decimal("15.00"))
    future = an.compute_stats([*HISTORY_A, txn("2026-03-20", "500.00")], profile, TODAY_A)
    assert future["month_spent"] == "98.00"
    empty = an.compute_stats([], profile, TODAY_A)
    assert (empty["current_streak"], empty["longest_streak"], empty["has_data"]) == (0, 0, False)
    assert empty["by_category"] == []


def test_streak_starts_when_tracking_starts() -> None:
    # Days before the first transaction are not "under budget": the user wasn't tracking yet.
    profile = Profile("u1", "Ann", daily_budget=Decimal("15.00"))
    stats = an.compute_stats([txn("2026-03-08", "1.00")], profile, TODAY_A)
    assert stats["current_streak"] == 2  # 03-08 and 03-09; today is still running


def _reference_streaks(values: list[int], start: dt.date, budget: int, today: dt.date) -> tuple[int, int]:
    """A plain loop over the days, written independently of the vectorised version."""
    current = longest = run = 0
    today_value = 0
    for i, value in enumerate(values):
        day = start + dt.timedelta(days=i)
        if day == today:
            today_value = value
        if day >= today:
            continue
        run = run + 1 if value <= budget else 0
        longest = max(longest, run)
    current = 0 if today_value > budget else run
    return current, longest


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.integers(min_value=-3000, max_value=5000), min_size=1, max_size=60),
    budget=st.integers(min_value=1, max_value=3000),
    today_offset=st.integers(min_value=0, max_value=70),
)
def test_streaks_match_a_day_by_day_loop(values: list[int], budget: int, today_offset: int) -> None:
    start = D("2027-12-20")
    index = pd.date_range(start, periods=len(values), freq="D", unit="s")
    daily = pd.Series(values, index=index, dtype="int64")
    today = start + dt.timedelta(days=today_offset)
    s = an.streaks(daily, budget, today)
    assert (s.current, s.longest) == _reference_streaks(values, start, budget, today)
    assert s.current <= s.longest
    assert int(s.history["length"].sum()) == sum(
        1 for i, v in enumerate(values) if start + dt.timedelta(days=i) < today and v <= budget
    )
