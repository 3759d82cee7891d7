"""Forecasts on synthetic histories whose right answer is known independently of the model."""
from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json

import numpy as np
import pandas as pd
import pytest

from lib.core import forecast as fc
from lib.core.errors import ValidationError

TODAY = dt.date(2025, 3, 12)  # a Wednesday
WEEKDAY_MEANS = np.array([1200, 1100, 1300, 1400, 2500, 3500, 3000])  # cents, Monday first


def series(values: np.ndarray | list[int], end: dt.date = TODAY) -> pd.Series:
    """A daily cents series ending on `end`, like lib.core.analytics.daily_totals gives."""
    values = np.asarray(values, dtype="int64")
    index = pd.date_range(end - dt.timedelta(days=len(values) - 1), end, freq="D")
    return pd.Series(values, index=index)


def noisy_history(seed: int, days: int = 240, end: dt.date = TODAY) -> pd.Series:
    """Stationary, weekday-shaped, skewed spending: zero days, everyday noise and rare splurges."""
    rng = np.random.default_rng(seed)
    index = pd.date_range(end - dt.timedelta(days=days - 1), end, freq="D")
    values = rng.gamma(2.0, WEEKDAY_MEANS[index.day_of_week] / 2.0)
    values[rng.random(days) < 0.15] = 0
    splurge = rng.random(days) < 0.03
    values[splurge] += rng.gamma(2.0, 6000, splurge.sum())
    values[0] += 1  # tracking starts on day one
    return pd.Series(np.rint(values).astype("int64"), index=index)


def days_in(day: dt.date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


# --- known answers -----------------------------------------------------------------------------


@pytest.mark.parametrize("today_complete", [True, False])
def test_constant_daily_spend_projects_exactly(today_complete: bool) -> None:
    daily = series([1234] * 120)
    out = fc.forecast(daily, TODAY, 2000, 300_000, today_complete=today_complete)
    month_total = 1234 * days_in(TODAY)
    assert out.month.p10 == out.month.p50 == out.month.p90 == month_total
    assert out.month.actual_to_date_cents == 1234 * TODAY.day
    assert out.month.fan["p50_cum"].iloc[-1] == month_total
    assert out.savings is not None
    assert out.savings.this_month == (300_000 - month_total,) * 3
    three_months = 1234 * (31 + 30 + 31)  # March, April, May 2025
    assert out.savings.horizons[3] == (3 * 300_000 - three_months,) * 3
    assert out.savings.horizon_end[3] == "2025-05"
    assert out.streak_keep_7d == 1.0  # 12.34 a day never breaks a 20.00 budget
    assert not out.month.rough


def test_weekday_pattern_is_recovered() -> None:
    days = 16 * 7
    index = pd.date_range(TODAY - dt.timedelta(days=days - 1), TODAY, freq="D")
    daily = pd.Series(np.where(index.day_of_week >= 4, 10_000, 0).astype("int64"), index=index)
    out = fc.forecast(daily, TODAY, 5000, today_complete=True)

    month_end = dt.date(2025, 3, 31)
    rest = [TODAY + dt.timedelta(days=k) for k in range(1, (month_end - TODAY).days + 1)]
    weekend_days_left = sum(1 for d in rest if d.weekday() >= 4)
    spent = int(daily[daily.index.month == 3].sum())
    assert weekend_days_left == 9  # 14-16, 21-23, 28-30 March 2025
    assert out.month.p10 == out.month.p50 == out.month.p90 == spent + 10_000 * weekend_days_left
    # The fan steps up on Fridays to Sundays only.
    steps = out.month.fan.set_index("date")["p50_cum"].diff()
    assert steps[pd.Timestamp("2025-03-13")] == 0
    assert steps[pd.Timestamp("2025-03-14")] == 10_000
    # Every Friday-Sunday is over a 50.00 budget: keeping the streak for a week is impossible.
    assert out.streak_keep_7d == 0.0


def test_band_covers_the_truth_about_80_percent_on_noisy_stationary_histories() -> None:
    runs = [fc.backtest(noisy_history(seed), seed=seed) for seed in range(50)]
    bt = pd.concat(runs, ignore_index=True)
    assert len(bt) >= 500  # 50 histories x ~6 months x day 10 and day 20
    coverage = fc.coverage(bt)
    assert coverage is not None and 0.65 <= coverage <= 0.93
    # Not by being uselessly wide: the band is narrower than the month total by a good margin...
    width = ((bt["p90_cents"] - bt["p10_cents"]) / bt["actual_cents"]).median()
    assert width < 0.6
    # ...and the median projection beats the straight line "at this rate" projection.
    assert bt["error_cents"].abs().mean() < bt["straight_line_error_cents"].abs().mean()
    # Later projections know more: day 20 errs less than day 10.
    by_cut = bt.assign(abs_err=bt["error_cents"].abs()).groupby("cutoff_day")["abs_err"].mean()
    assert by_cut[20] < by_cut[10]


def test_backtest_covers_complete_months_with_enough_history_only() -> None:
    daily = series([700] * 166, end=dt.date(2025, 6, 15))  # 1 January .. 15 June 2025
    bt = fc.backtest(daily)
    # January has under 28 days of history on day 10 and day 20; June is not over yet.
    assert list(bt["month"].unique()) == ["2025-02", "2025-03", "2025-04", "2025-05"]
    assert sorted(bt["cutoff_day"].unique()) == [10, 20]
    assert (bt["error_cents"] == 0).all()
    assert fc.coverage(bt) == 1.0
    march = bt[(bt["month"] == "2025-03") & (bt["cutoff_day"] == 10)].iloc[0]
    assert march["actual_cents"] == 700 * 31
    assert march["to_date_cents"] == 700 * 10
    assert march["as_of"] == dt.date(2025, 3, 10)


def test_backtest_of_nothing_is_empty() -> None:
    assert fc.backtest(pd.Series([], dtype="int64")).empty
    assert fc.coverage(fc.backtest(series([0] * 90))) is None


# --- short histories -----------------------------------------------------------------------------


def test_five_days_give_a_rough_wide_estimate() -> None:
    five = noisy_history(3, days=5)
    short = fc.forecast(five, TODAY, 2500, 300_000)
    assert short.month.rough
    assert short.month.history_days == 4  # today is still running
    assert "Rough" in short.month.note
    assert short.month.p10 < short.month.p50 < short.month.p90
    long = fc.forecast(noisy_history(3, days=200), TODAY, 2500, 300_000)
    assert not long.month.rough
    remaining = {name: o.month.p50 - o.month.actual_to_date_cents for name, o in (("short", short), ("long", long))}
    width = {name: o.month.p90 - o.month.p10 for name, o in (("short", short), ("long", long))}
    assert width["short"] / remaining["short"] > width["long"] / remaining["long"]


def test_five_identical_days_still_do_not_claim_precision() -> None:
    out = fc.forecast(series([1500] * 5), TODAY, 2500)
    assert out.month.rough
    assert out.month.p90 > out.month.p10


@pytest.mark.parametrize(
    "daily",
    [pd.Series([], dtype="int64"), series([0] * 60)],
    ids=["empty series", "only zero days"],
)
def test_no_history_assumes_the_budget_and_says_so(daily: pd.Series) -> None:
    out = fc.forecast(daily, TODAY, 2500, 300_000)
    assert out.month.rough
    assert out.month.history_days == 0
    assert "No complete day of spending history" in out.month.note
    assert out.month.p10 < out.month.p50 < out.month.p90
    remaining_days = days_in(TODAY) - TODAY.day + 1
    assert out.month.p50 == pytest.approx(2500 * remaining_days, rel=0.05)
    assert len(out.month.fan) == days_in(TODAY)
    assert out.savings is not None and out.savings.this_month[1] > 0


def test_history_starts_at_the_first_recorded_spending() -> None:
    # 80 days of zeros before a 10-day-old user's first purchase are not 80 days of history.
    daily = series([0] * 80 + [2000] * 10)
    out = fc.forecast(daily, TODAY, 2500)
    assert out.month.rough
    assert out.month.history_days == 9


# --- today, streaks and what-if -------------------------------------------------------------------


def test_today_already_over_budget_means_the_streak_will_not_survive() -> None:
    values = noisy_history(5, days=120).to_numpy().copy()
    values[-1] = 9000  # today, still running, already over a 40.00 budget
    out = fc.forecast(series(values), TODAY, 4000)
    assert out.streak_keep_7d == 0.0
    done = fc.forecast(series(values), TODAY, 4000, today_complete=True)
    assert done.streak_keep_7d > 0.0  # judged from tomorrow on


def test_partial_today_is_a_floor_not_the_whole_day() -> None:
    values = np.full(120, 3000)
    values[-1] = 100  # only a coffee so far today
    running = fc.forecast(series(values), TODAY, 5000)
    assert running.month.actual_to_date_cents == 3000 * (TODAY.day - 1) + 100
    # Every past day was 30.00, so today will be too: the 1.00 so far does not lower the month.
    assert running.month.p10 == running.month.p50 == running.month.p90 == 3000 * 31
    finished = fc.forecast(series(values), TODAY, 5000, today_complete=True)
    assert finished.month.p50 < running.month.p50  # told the day is over, it believes the 1.00


def frame_for(coffee: np.ndarray, dining: np.ndarray, end: dt.date = TODAY) -> tuple[pd.Series, pd.DataFrame]:
    """A transactions frame (as lib.core.analytics.transactions_frame) and its daily series."""
    days = len(coffee)
    dates = pd.date_range(end - dt.timedelta(days=days - 1), end, freq="D")
    rows = pd.DataFrame(
        {
            "date": np.concatenate([dates, dates]),
            "amount_cents": np.concatenate([coffee, dining]).astype("int64"),
            "category": ["Coffee"] * days + ["Eating out"] * days,
            "description": ["Bean There"] * days + ["Noodle Bar"] * days,
        }
    )
    rows = rows[rows["amount_cents"] != 0].reset_index(drop=True)
    daily = rows.groupby("date")["amount_cents"].sum().reindex(dates, fill_value=0).astype("int64")
    return daily, rows


def test_lower_budget_lowers_the_chance_of_keeping_the_streak() -> None:
    sim = fc.simulate(noisy_history(11, days=150), TODAY)
    generous = fc.what_if(sim, daily_budget_cents=6000)
    tight = fc.what_if(sim, daily_budget_cents=3000)
    assert 0.0 < tight.streak_keep_7d < generous.streak_keep_7d
    # The budget changes the streak outlook, not what the user is projected to spend.
    assert tight.month.p50 == generous.month.p50
    assert tight.month.under_budget_probability < generous.month.under_budget_probability


def test_cutting_a_category_by_half_lowers_the_projection_by_half_its_share() -> None:
    rng = np.random.default_rng(4)
    coffee = rng.integers(300, 700, 150)
    dining = np.where(rng.random(150) < 0.4, rng.integers(1500, 6000, 150), 0)
    daily, frame = frame_for(coffee, dining)
    sim = fc.simulate(daily, TODAY, frame=frame, today_complete=True)
    share = dining[-84:].sum() / (coffee[-84:].sum() + dining[-84:].sum())
    assert sim.category_shares["Eating out"] == pytest.approx(share)

    base = fc.what_if(sim, daily_budget_cents=2500, monthly_salary_cents=250_000)
    cut = fc.what_if(sim, daily_budget_cents=2500, monthly_salary_cents=250_000, cut_category="Eating out", cut_pct=50)
    projected_rest = base.month.p50 - base.month.actual_to_date_cents
    drop = base.month.p50 - cut.month.p50
    assert drop == pytest.approx(0.5 * share * projected_rest, rel=0.1)
    assert cut.month.actual_to_date_cents == base.month.actual_to_date_cents  # the past is spent
    assert cut.savings is not None and base.savings is not None
    assert cut.savings.horizons[12][1] > base.savings.horizons[12][1]
    assert cut.streak_keep_7d > base.streak_keep_7d
    # An unknown category or a 0% cut changes nothing.
    same = fc.what_if(sim, daily_budget_cents=2500, monthly_salary_cents=250_000, cut_category="Yachts", cut_pct=50)
    assert (same.month.p10, same.month.p50, same.month.p90) == (base.month.p10, base.month.p50, base.month.p90)


def test_capping_days_at_the_budget_lowers_the_upper_band() -> None:
    sim = fc.simulate(noisy_history(2, days=150), TODAY)
    free = fc.what_if(sim, daily_budget_cents=2500)
    capped = fc.what_if(sim, daily_budget_cents=2500, cap_at_budget=True)
    assert capped.month.p90 < free.month.p90
    assert capped.streak_keep_7d >= free.streak_keep_7d


@pytest.mark.parametrize("pct", [-5, 120])
def test_cut_outside_0_to_100_percent_is_refused(pct: float) -> None:
    sim = fc.simulate(series([1000] * 60), TODAY)
    with pytest.raises(ValidationError) as err:
        fc.what_if(sim, daily_budget_cents=2000, cut_category="Coffee", cut_pct=pct)
    assert "cut_pct" in err.value.errors


def test_same_inputs_same_forecast() -> None:
    daily = noisy_history(9)
    a = fc.forecast(daily, TODAY, 2500, 300_000)
    b = fc.forecast(daily, TODAY, 2500, 300_000)
    assert (a.month.p10, a.month.p50, a.month.p90) == (b.month.p10, b.month.p50, b.month.p90)
    assert a.streak_keep_7d == b.streak_keep_7d
    pd.testing.assert_frame_equal(a.month.fan, b.month.fan)


def test_fan_is_actuals_then_a_widening_band() -> None:
    out = fc.forecast(noisy_history(8), TODAY, 2500)
    fan = out.month.fan
    assert list(fan.columns) == ["date", "actual_cum", "p10_cum", "p50_cum", "p90_cum"]
    assert fan["date"].iloc[0] == pd.Timestamp("2025-03-01") and len(fan) == 31
    past = fan[fan["date"] < pd.Timestamp(TODAY)]
    assert (past["p10_cum"] == past["actual_cum"]).all() and (past["p90_cum"] == past["actual_cum"]).all()
    assert fan.loc[fan["date"] > pd.Timestamp(TODAY), "actual_cum"].isna().all()
    assert (fan["p10_cum"] <= fan["p50_cum"]).all() and (fan["p50_cum"] <= fan["p90_cum"]).all()
    spread = (fan["p90_cum"] - fan["p10_cum"]).to_numpy()
    # Widening, up to percentile noise of 2,000 paths (a few cents on a band of 100s).
    assert (np.diff(spread[TODAY.day :]) >= -0.01 * spread[-1]).all()
    assert spread[-1] > 2 * spread[TODAY.day]
    assert fan["p50_cum"].iloc[-1] == out.month.p50


def test_savings_are_salary_minus_spending() -> None:
    out = fc.forecast(noisy_history(6), TODAY, 2500, 320_000)
    assert out.savings is not None
    low, mid, high = out.savings.this_month
    assert mid == 320_000 - out.month.p50
    assert low == 320_000 - out.month.p90 and high == 320_000 - out.month.p10
    assert set(out.savings.horizons) == {3, 6, 12}
    twelve = out.savings.horizons[12]
    assert twelve[0] < twelve[1] < twelve[2]
    assert out.savings.horizon_end[12] == "2026-02"
    assert fc.forecast(noisy_history(6), TODAY, 2500).savings is None


# --- report and export --------------------------------------------------------------------------------


def test_report_is_json_ready_with_money_as_two_decimal_strings() -> None:
    report = fc.forecast_report(noisy_history(1, days=300), TODAY, 2500, 320_000, current_streak=4)
    json.dumps(report)
    for key in ("month_end_p10", "month_end_p50", "month_end_p90", "savings_p50", "savings_12m_p50"):
        value = report[key]
        assert isinstance(value, str) and len(value.split(".")[1]) == 2, key
    assert float(report["month_end_p10"]) <= float(report["month_end_p50"]) <= float(report["month_end_p90"])
    assert 0.0 <= float(report["streak_keep_7d_probability"]) <= 1.0
    assert report["backtest_months"] >= 8 and 0.0 <= float(report["backtest_coverage"]) <= 1.0
    assert report["rough"] is False and report["current_streak"] == 4


def test_report_for_a_new_user_is_rough_without_backtest_or_savings() -> None:
    report = fc.forecast_report(series([900] * 5), TODAY, 2500, None)
    json.dumps(report)
    assert report["rough"] is True and report["note"]
    assert report["savings_p50"] is None and report["savings_12m_p50"] is None
    assert report["backtest_coverage"] is None and report["backtest_months"] == 0


def test_csv_has_the_daily_series_and_the_projection() -> None:
    daily = noisy_history(4, days=100)
    out = fc.forecast(daily, TODAY, 2500)
    rows = list(csv.DictReader(io.StringIO(fc.forecast_csv(daily, out))))
    assert rows[0]["date"] == daily.index[0].strftime("%Y-%m-%d")
    assert rows[-1]["date"] == "2025-03-31"
    assert len(rows) == 100 + (31 - TODAY.day)
    first = rows[0]
    assert first["spent"] == f"{daily.iloc[0] / 100:.2f}" and first["month_p50_cum"] == ""
    assert rows[-1]["spent"] == "" and rows[-1]["month_p50_cum"] == fc.money(out.month.p50)


# --- monthly bills ---------------------------------------------------------------------------------


def with_bills(days: int = 150, end: dt.date = TODAY, everyday: int = 1000) -> tuple[pd.Series, pd.DataFrame]:
    """Everyday coffee, rent on the 1st and internet on the 22nd: a history with known bills."""
    dates = pd.date_range(end - dt.timedelta(days=days - 1), end, freq="D")
    rows = [(d, everyday, "Coffee", "Bean There") for d in dates]
    rows += [(d, 120_000, "Housing", "Landlord") for d in dates if d.day == 1]
    rows += [(d, 3500, "Bills", "Internet - Hyperoptic") for d in dates if d.day == 22]
    frame = pd.DataFrame(rows, columns=["date", "amount_cents", "category", "description"])
    daily = frame.groupby("date")["amount_cents"].sum().reindex(dates, fill_value=0).astype("int64")
    return daily, frame


def test_monthly_bills_are_scheduled_not_smeared_over_every_day() -> None:
    daily, frame = with_bills()
    out = fc.forecast(daily, TODAY, 5000, frame=frame, today_complete=True)
    # Rent was paid on 1 March; only the internet is still due, once, on the 22nd.
    assert out.month.p10 == out.month.p50 == out.month.p90 == 1000 * 31 + 120_000 + 3500
    fan = out.month.fan.set_index("date")["p50_cum"].diff()
    assert fan[pd.Timestamp("2025-03-22")] == 1000 + 3500
    sim = fc.simulate(daily, TODAY, frame=frame, today_complete=True)
    found = {(b.description, b.amount_cents) for b in sim.bills}
    assert found == {("Landlord", 120_000), ("Internet - Hyperoptic", 3500)}
    ahead = sim.bills_ahead()
    assert list(ahead["description"]) == ["Internet - Hyperoptic"]
    assert ahead["date"].iloc[0] == pd.Timestamp("2025-03-22")
    # Without the transactions the same history can only smear rent over the days left.
    blind = fc.forecast(daily, TODAY, 5000, today_complete=True)
    assert blind.month.p90 > out.month.p90


def test_a_bill_due_this_week_counts_in_the_month_but_not_against_the_streak() -> None:
    daily, frame = with_bills(end=dt.date(2025, 3, 18))
    sim = fc.simulate(daily, dt.date(2025, 3, 18), frame=frame, today_complete=True)
    # Coffee (10.00 a day) never breaks a 40.00 budget; the 35.00 internet bill on the 22nd is a fixed
    # cost, so it does not break the streak either, but it is in the month's total.
    out = fc.what_if(sim, daily_budget_cents=4000)
    assert out.streak_keep_7d == 1.0
    assert fc.what_if(sim, daily_budget_cents=900).streak_keep_7d == 0.0  # the coffee itself does
    coffee_only = out.month.actual_to_date_cents + 1000 * out.month.days_remaining
    assert out.month.p50 >= coffee_only + 3500


def test_a_slightly_late_bill_is_still_expected() -> None:
    daily, frame = with_bills(end=dt.date(2025, 3, 24))
    late = frame[~((frame["description"] == "Internet - Hyperoptic") & (frame["date"] == pd.Timestamp("2025-03-22")))]
    daily_late = late.groupby("date")["amount_cents"].sum().reindex(daily.index, fill_value=0).astype("int64")
    out = fc.forecast(daily_late, dt.date(2025, 3, 24), 5000, frame=late, today_complete=True)
    assert out.month.p50 == 1000 * 31 + 120_000 + 3500  # due tomorrow instead of never


def test_cutting_a_bill_category_cuts_the_bills_ahead() -> None:
    daily, frame = with_bills()
    sim = fc.simulate(daily, TODAY, frame=frame, today_complete=True)
    base = fc.what_if(sim, daily_budget_cents=5000)
    cut = fc.what_if(sim, daily_budget_cents=5000, cut_category="Bills", cut_pct=100)
    assert base.month.p50 - cut.month.p50 == 3500


def test_backtest_with_transactions_knows_the_bills() -> None:
    daily, frame = with_bills(days=200)
    bt = fc.backtest(daily, frame=frame)
    # Three payments of each bill are seen by the end of November; from then on every projection is exact.
    seen = bt[bt["month"] >= "2024-12"]
    assert len(seen) == 6
    assert (seen["raw_p50_cents"] == seen["actual_cents"]).all()  # the model's own median, before calibration
    # The calibration learns from the months before the bills were known, then lets go as exact months pile up.
    assert (seen["inside"]).all()
    assert abs(seen["error_cents"].iloc[-1]) <= abs(seen["error_cents"].iloc[0])
    blind = fc.backtest(daily)
    assert (blind.loc[blind["month"] >= "2024-12", "error_cents"] != 0).all()
