"""what_if over a payday user's period (issue 26): the fan and totals run from payday, the median at the budget
is the dashboard's band to payday, and a calendar simulation does not change."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from bench.spenders import SPENDERS
from lib.core import analytics, forecast, standing

RULE = "monthly:25"


def _sim(today: dt.date, payday: str):
    frame = SPENDERS["payday_splurger"](np.random.default_rng(21))
    frame = frame.assign(date=pd.to_datetime(frame["date"]).astype("datetime64[s]"))
    part = frame[frame["date"] <= pd.Timestamp(today)]
    tracking = analytics.first_day(part)
    return part, tracking, standing.month_simulation(part, today, tracking, horizon_months=12, payday=payday)


def _same(a, b) -> bool:
    keys = ("month_start", "month_end", "actual_to_date_cents", "p10", "p50", "p90", "budget_total_cents",
            "under_budget_probability")
    return all(getattr(a, k) == getattr(b, k) for k in keys) and a.fan.equals(b.fan)


def test_the_period_fan_runs_from_payday_and_ends_at_the_dashboards_band() -> None:
    today = dt.date(2025, 12, 5)  # day 11 of the period 25 Nov – 24 Dec
    part, tracking, sim = _sim(today, RULE)
    out = forecast.what_if(sim, daily_budget_cents=2000, monthly_salary_cents=300000, over_period=True)
    m = out.month
    assert (m.month_start, m.month_end) == (dt.date(2025, 11, 25), dt.date(2025, 12, 24))
    assert len(m.fan) == 30 and m.fan["date"].iloc[0] == pd.Timestamp("2025-11-25")
    daily = analytics.daily_totals(part, tracking, today)
    assert m.actual_to_date_cents == int(daily[pd.Timestamp("2025-11-25"):].sum())
    assert m.budget_total_cents == 2000 * 30
    # The page's median and band to payday are the dashboard's (one projection), at the budget and no cut.
    done = int(daily[pd.Timestamp("2025-11-25"):pd.Timestamp(today - dt.timedelta(days=1))].sum())
    band = forecast.period_band(sim, m.month_end, done, int(daily.iloc[-1]), 2000)
    assert (m.p10, m.p50, m.p90) == band
    # Savings over whole pay periods: this one, then 3, 6 and 12 periods (this one included).
    sv = out.savings
    assert sv is not None and sv.this_month[1] == 300000 - m.p50
    assert sv.horizon_end == {3: "2026-02-24", 6: "2026-05-24", 12: "2026-11-24"}
    # The month's outlook on the same simulation does not move.
    assert _same(forecast.what_if(sim, daily_budget_cents=2000).month,
                 forecast.what_if(_sim(today, "calendar")[2], daily_budget_cents=2000).month)
    # The CSV runs to payday.
    lines = forecast.forecast_csv(daily, out, "period").rstrip().splitlines()
    assert lines[-1].startswith("2025-12-24,")
    assert lines[0] == "date,spent,period_actual_cum,period_p10_cum,period_p50_cum,period_p90_cum"


def test_a_calendar_simulation_ignores_over_period() -> None:
    _, _, sim = _sim(dt.date(2025, 12, 5), "calendar")
    a = forecast.what_if(sim, daily_budget_cents=2000, monthly_salary_cents=300000)
    b = forecast.what_if(sim, daily_budget_cents=2000, monthly_salary_cents=300000, over_period=True)
    assert _same(a.month, b.month) and a.savings == b.savings
    assert a.month.month_end == dt.date(2025, 12, 31)


def test_calendar_savings_stop_at_the_last_month_even_when_periods_run_further() -> None:
    """Paid on the 25th, on 27 Dec twelve pay periods run to 24 Dec 2027, past the twelfth month: the monthly
    savings (the CLI's, and the page's every two weeks) still add up exactly twelve months."""
    today = dt.date(2026, 12, 27)
    days = pd.date_range(today - dt.timedelta(days=199), today, freq="D")
    frame = pd.DataFrame({"date": days.astype("datetime64[s]"), "amount_cents": 1000, "category": "Food",
                          "description": "lunch"})
    sim = standing.month_simulation(frame, today, days[0].date(), horizon_months=12, payday=RULE)
    assert sim.period_ends[-1] == "2027-12-24"
    sv = forecast.what_if(sim, daily_budget_cents=2000, monthly_salary_cents=300000).savings
    assert sv is not None and sv.horizon_end[12] == "2027-11"
    spent = (dt.date(2027, 11, 30) - dt.date(2026, 12, 1)).days + 1  # 365 days of 10.00, nothing more
    assert sv.horizons[12][1] == 12 * 300000 - spent * 1000
