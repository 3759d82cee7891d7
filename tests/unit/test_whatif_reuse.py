"""The what-if slider's step re-prices only what the budget changes: a scenario's paths are priced once per
simulation and cut, and every budget afterwards gives exactly what a fresh pricing gives."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from lib.core import forecast as fc
from tests.unit.test_forecast import TODAY, noisy_history


def _frame(daily: pd.Series) -> pd.DataFrame:
    cats = ["Coffee" if i % 3 else "Groceries" for i in range(len(daily))]
    return pd.DataFrame({"date": daily.index, "amount_cents": daily.to_numpy(), "category": cats,
                         "description": ["x"] * len(daily)})


def _fields(o: fc.Outlook) -> tuple:
    m = o.month
    return (m.p10, m.p50, m.p90, m.under_budget_probability, m.budget_total_cents, o.streak_keep_7d,
            o.savings.this_month if o.savings else None, m.fan.fillna(-1).to_numpy().tolist())  # NaN: future days


def test_a_budget_step_reuses_the_priced_paths_and_matches_a_fresh_pricing() -> None:
    daily = noisy_history(3)
    kwargs = {"today": TODAY, "frame": _frame(daily), "seed": 7}
    reused = fc.simulate(daily, **kwargs)
    for budget in (1_500, 2_000, 2_500, 3_000):
        for cut in ((None, 0), ("Coffee", 30)):
            fresh = fc.simulate(daily, **kwargs)
            args = {"daily_budget_cents": budget, "monthly_salary_cents": 250_000, "cut_category": cut[0],
                    "cut_pct": cut[1], "fixed_categories": frozenset({"Groceries"}), "today_everyday_cents": 700}
            assert _fields(fc.what_if(reused, **args)) == _fields(fc.what_if(fresh, **args))
    assert len(reused.priced) == 2  # one priced scenario per cut, whatever the budgets


def test_a_cap_at_the_budget_is_never_reused_across_budgets() -> None:
    daily = noisy_history(4)
    sim = fc.simulate(daily, TODAY, seed=1)
    low = fc.what_if(sim, daily_budget_cents=1_000, cap_at_budget=True)
    high = fc.what_if(sim, daily_budget_cents=5_000, cap_at_budget=True)
    assert low.month.p50 < high.month.p50
    assert sim.priced == {}


def test_no_history_prices_at_each_budget() -> None:
    empty = pd.Series([], dtype="int64", index=pd.DatetimeIndex([]))
    sim = fc.simulate(empty, TODAY + dt.timedelta(days=0), seed=1)
    a = fc.what_if(sim, daily_budget_cents=1_000)
    b = fc.what_if(sim, daily_budget_cents=2_000)
    assert a.month.p50 < b.month.p50


def test_a_calibrated_simulation_never_reuses_the_uncalibrated_pricing() -> None:
    """Pricing the simulation before calibrating it must not hand the calibrated copy the raw band."""
    import numpy as np

    from bench.spenders import SPENDERS, daily_of

    frame = SPENDERS["rare_big"](np.random.default_rng(11))
    daily = daily_of(frame)
    today = daily.index[-1].date()
    bt = fc.backtest(daily, frame=frame, today=today)
    args = {"daily_budget_cents": 2_500}
    priced_first = fc.simulate(daily, today, frame=frame, seed=3)
    fc.what_if(priced_first, **args)  # the raw band, kept on the simulation
    late = fc.calibrated(priced_first, bt)
    fresh = fc.calibrated(fc.simulate(daily, today, frame=frame, seed=3), bt)
    assert not fresh.calibration.identity  # the case under test: a calibration that moves the band
    assert _fields(fc.what_if(late, **args)) == _fields(fc.what_if(fresh, **args))
    assert _fields(fc.what_if(priced_first, **args)) != _fields(fc.what_if(fresh, **args))
