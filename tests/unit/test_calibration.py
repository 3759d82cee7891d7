"""The calibrated band (lib/core/forecast/calibration.py) on synthetic spenders it was not tuned on.

bench/spenders.py seeds 1-6 tuned the constants; seeds 21 and 22 here were not used for tuning (the
bounds are the issue's goal: pooled 0.72-0.88, every spender 0.60-0.95, and the model's pinball loss
no worse than the best simple baseline).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench.spenders import SPENDERS, backtest_of, daily_of
from lib.core import forecast
from lib.core.forecast.calibration import Calibration, fit

HELD_OUT = (21, 22)


@pytest.fixture(scope="module")
def backtests() -> dict[str, pd.DataFrame]:
    return {name: pd.concat([backtest_of(make(np.random.default_rng(seed))) for seed in HELD_OUT],
                            ignore_index=True) for name, make in SPENDERS.items()}


def test_pooled_coverage_is_near_80_percent(backtests: dict[str, pd.DataFrame]) -> None:
    pooled = pd.concat(backtests.values())
    assert len(pooled) == 6 * 2 * 44
    assert 0.72 <= pooled["inside"].mean() <= 0.88


@pytest.mark.parametrize("name", list(SPENDERS))
def test_every_spender_is_covered_and_the_model_beats_the_baselines(backtests: dict[str, pd.DataFrame],
                                                                    name: str) -> None:
    bt = backtests[name]
    assert 0.60 <= bt["inside"].mean() <= 0.95, name
    sk = forecast.skill(bt)
    assert sk["model_vs_last_pace"] <= sk["last_pace"], sk
    assert sk["model_vs_year_ago"] <= sk["year_ago"], sk


def test_the_backtest_only_learns_from_months_that_had_ended() -> None:
    """A projection's band must not know its own month: changing the last month moves no earlier row."""
    frame = SPENDERS["drifting"](np.random.default_rng(5))
    before = forecast.backtest(daily_of(frame), frame=frame, seed=7)
    last = before["month"].iloc[-1]
    changed = frame.copy()
    late_in_last = (changed["date"].dt.strftime("%Y-%m") == last) & (changed["date"].dt.day > 25)
    changed.loc[late_in_last, "amount_cents"] *= 5
    after = forecast.backtest(daily_of(changed), frame=changed, seed=7)
    earlier = before["month"] < last
    cols = ["p10_cents", "p50_cents", "p90_cents"]
    pd.testing.assert_frame_equal(before.loc[earlier, cols], after.loc[earlier, cols])
    assert (after.loc[~earlier, "actual_cents"] > before.loc[~earlier, "actual_cents"]).all()


def test_the_old_model_missed_the_goal_on_the_same_spenders() -> None:
    """The comparison the closing note reports: without calibration an irregular spender is under-covered."""
    frames = [SPENDERS["irregular_months"](np.random.default_rng(s)) for s in HELD_OUT]
    before = pd.concat([backtest_of(f, before=True) for f in frames])
    after = pd.concat([backtest_of(f) for f in frames])
    assert abs(after["inside"].mean() - 0.8) < abs(before["inside"].mean() - 0.8)


def test_no_history_of_errors_is_the_model_itself() -> None:
    cal = fit(np.array([]), np.array([]), np.array([]), np.array([]))
    assert cal.identity
    x = np.array([1.0, 5.0, 9.0])
    assert (cal.apply(x, 2.0, 5.0, 8.0) == x).all()


def test_a_band_too_wide_narrows_and_one_too_narrow_widens() -> None:
    rng = np.random.default_rng(0)
    n = 60
    q50 = np.full(n, 10000.0)
    truth = q50 + rng.normal(0, 1000, n)
    wide = fit(q50 - 5000, q50, q50 + 5000, truth)  # truth sd 1000: a +-5000 band always holds it
    narrow = fit(q50 - 200, q50, q50 + 200, truth)
    assert wide.lo < 0.6 and wide.hi < 0.6
    assert narrow.lo > 2.5 and narrow.hi > 2.5
    # A biased model: the truth is always higher; the middle moves up.
    biased = fit(q50 - 1000, q50, q50 + 1000, truth + 1500)
    assert biased.shift > 0.3


def test_the_map_is_monotone_and_keeps_refunds_honest() -> None:
    cal = Calibration(shift=0.2, lo=0.5, hi=2.0, n=10)
    x = np.linspace(-500, 20000, 200)
    y = cal.apply(x, 4000.0, 6000.0, 9000.0)
    assert (np.diff(y) >= 0).all()
    assert y.min() >= x.min()
    assert cal.apply(np.array([9000.0]), 4000.0, 6000.0, 9000.0)[0] == pytest.approx(6000 + 0.2 * 5000 + 2.0 * 3000)


def test_the_backtest_exports_as_csv_and_parquet_with_exact_money() -> None:
    import io
    from decimal import Decimal

    from lib.web.backtest_view import parquet_bytes

    frame = SPENDERS["steady"](np.random.default_rng(3))
    bt = forecast.backtest(daily_of(frame), frame=frame)
    table = forecast.backtest_table(bt)
    back = pd.read_parquet(io.BytesIO(parquet_bytes(table)))
    assert len(back) == len(bt) and list(back.columns) == list(table.columns)
    assert back["actual"].iloc[-1] == Decimal(int(bt["actual_cents"].iloc[-1])).scaleb(-2)
    assert back["inside"].sum() == bt["inside"].sum()
    rows = forecast.backtest_rows(bt)
    assert rows[-1]["actual"] == f"{back['actual'].iloc[-1]:.2f}"
    assert table.to_csv(index=False).splitlines()[0].startswith("period,said_on_day,inside,p10,p50,p90,actual")
