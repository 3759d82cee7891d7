"""Variant T of issue 26: how much of its re-shaping a band keeps (`calibration.trusted`), in the backtest and live.

Each past projection keeps the model's own band and its fully calibrated one (each built only from what was
known on its day); a new projection's band is (1 - w) * raw + w * calibrated, with w learnt from ended
projections only. Spenders and seeds here are the tuning ones (bench/spenders.py seeds 1-6), not held out.
"""
from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from bench.spenders import SPENDERS, backtest_of, daily_of
from lib.core import forecast
from lib.core.forecast import calibration
from lib.core.forecast.calibration import TRUST_PRIOR, Calibration, trusted

bt_module = importlib.import_module("lib.core.forecast.backtest")  # the module (the package exports the function)
CAL = Calibration(shift=0.5, lo=2.0, hi=2.0, n=40)


def _history(n: int = 40, sd: float = 1000.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Bands of +-1.28 sd around 10,000 (an honest 80% band) and the truths drawn from that distribution."""
    rng = np.random.default_rng(seed)
    q50 = np.full(n, 10000.0)
    raw = np.column_stack([q50 - 1.2816 * sd, q50, q50 + 1.2816 * sd])
    return raw, q50 + rng.normal(0, sd, n)


def test_a_calibration_that_hurt_on_ended_projections_keeps_little_of_its_reshaping() -> None:
    raw, actual = _history()
    assert ((raw[:, 0] <= actual) & (actual <= raw[:, 2])).mean() >= 0.8
    full = raw + 2500.0  # the re-shaping pushed every band off the truth: more loss, less coverage
    cal = trusted(CAL, raw, full, actual)
    total = float((0.5 ** ((len(actual) - 1 - np.arange(len(actual))) / calibration.HALF_LIFE)).sum())
    assert cal.weight == pytest.approx(TRUST_PRIOR / (total + TRUST_PRIOR))  # w = 0 on the grid, shrunk toward 1
    assert cal.weight < 1.0 and (cal.shift, cal.lo, cal.hi, cal.n) == (CAL.shift, CAL.lo, CAL.hi, CAL.n)
    # The band it gives lies between the model's own and the fully re-shaped one, and stays monotone.
    x = np.linspace(5000, 15000, 101)
    mixed, whole = cal.apply(x, raw[0, 0], raw[0, 1], raw[0, 2]), CAL.apply(x, raw[0, 0], raw[0, 1], raw[0, 2])
    assert (np.diff(mixed) >= 0).all()
    assert np.allclose(mixed, cal.weight * whole + (1 - cal.weight) * x)


def test_a_calibration_that_helped_is_kept_whole() -> None:
    raw, actual = _history()
    full = raw + (actual - raw[:, 1])[:, None] * 0.9  # the re-shaping nearly found each truth
    assert trusted(CAL, raw, full, actual).weight == pytest.approx(1.0)


def test_a_drifting_history_keeps_all_of_its_reshaping() -> None:
    """The model's own band held the truth under 80% of the time (a drifting spender): w stays 1, even where a
    mix would have had less pinball loss, because the mix would narrow a band that already misses."""
    raw, actual = _history()
    actual = actual + np.linspace(0, 6000, len(actual))  # the level wanders up: the raw band falls behind
    assert ((raw[:, 0] <= actual) & (actual <= raw[:, 2])).mean() < 0.8
    full = raw + 6000.0  # the re-shaping overshoots early and loses on pinball, but covers
    assert trusted(CAL, raw, full, actual) is CAL


def test_a_mix_that_would_hold_the_truth_less_often_is_not_chosen() -> None:
    """A too-wide full band has more pinball loss than the raw one, but only it held one far truth: every narrower
    mix holds the truth less often than the full re-shaping, so w = 1 (without the guard: w near 0)."""
    raw, actual = _history(sd=1000.0)
    actual[-20] = 17900.0  # one big purchase, inside only the full band
    full = np.column_stack([raw[:, 1] - 8000, raw[:, 1], raw[:, 1] + 8000])
    assert ((full[:, 0] <= actual) & (actual <= full[:, 2])).all()
    assert 0.8 <= ((raw[:, 0] <= actual) & (actual <= raw[:, 2])).mean() < 1.0
    assert trusted(CAL, raw, full, actual).weight == pytest.approx(1.0)


def test_no_history_or_the_switch_off_is_the_calibration_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    raw, actual = _history()
    assert trusted(CAL, raw[:0], raw[:0], actual[:0]) is CAL
    monkeypatch.setattr(calibration, "TRUST_STEPS", 0)
    assert trusted(CAL, raw, raw + 2500.0, actual) is CAL


def test_each_projection_learns_its_weight_only_from_projections_that_had_ended(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The backtest asks `trusted` with exactly the rows of earlier periods, never a row of the period itself."""
    seen: list[int] = []

    def spy(cal: Calibration, raw: np.ndarray, full: np.ndarray, actual: np.ndarray) -> Calibration:
        seen.append(len(actual))
        return trusted(cal, raw, full, actual)

    monkeypatch.setattr(bt_module, "trusted", spy)
    bt = backtest_of(SPENDERS["rare_big"](np.random.default_rng(1)))
    months = bt["month"].to_numpy()
    before = [int((months[: i] != months[i]).sum()) for i in range(len(bt))]
    assert seen == before and max(seen) > 0


@pytest.mark.parametrize("name,seed", [("rare_big", 1), ("drifting", 1)])
def test_the_live_forecast_gets_the_weight_the_backtest_would_give_its_next_projection(name: str, seed: int) -> None:
    """calibration_of on the months ended before a backtest month gives that month's band (no look-ahead): the live
    fan and the backtest use one rule. A rare-big spender's calibration chased its big purchases (w < 1); a
    drifting one's keeps all of it."""
    bt = backtest_of(SPENDERS[name](np.random.default_rng(seed)))
    months = bt["month"].to_numpy()
    weights = []
    for i in np.flatnonzero(np.r_[False, months[1:] != months[:-1]])[-6:]:
        row = bt.iloc[i]
        cal = forecast.calibration_of(bt.iloc[:i], int(row["cutoff_day"]))
        weights.append(cal.weight)
        to_date = float(row["to_date_cents"])
        raw = np.array([row[f"raw_p{q}_cents"] for q in (10, 50, 90)], dtype="float64") - to_date
        band = cal.apply(raw, raw[0], raw[1], raw[2], float(row["last_pace_cents"]) - to_date) + to_date
        assert band == pytest.approx(np.array([row[f"p{q}_cents"] for q in (10, 50, 90)], dtype="float64"),
                                     abs=max(50.0, 0.002 * to_date))
    if name == "rare_big":
        assert min(weights) < 1.0 and forecast.calibration_of(bt, 10).weight < 1.0
    else:
        assert weights == [1.0] * len(weights) and forecast.calibration_of(bt, 10).weight == 1.0


def test_the_live_fan_uses_the_trust_weight() -> None:
    """A forecast calibrated on its backtest (`forecast.calibrated`, as standing.month_simulation does for every
    page, over the standing's window; a 400-day one here) carries the weight, and its month-end band lies between
    the model's own and the fully re-shaped one."""
    frame = SPENDERS["rare_big"](np.random.default_rng(1))
    daily = daily_of(frame)
    today = daily.index[-1].date() - dt.timedelta(days=20)  # day 10 of a month: 21 days still to come
    daily = daily[(daily.index <= pd.Timestamp(today)) & (daily.index > pd.Timestamp(today - dt.timedelta(400)))]
    frame = frame[frame["date"] <= pd.Timestamp(today)]
    bt = forecast.backtest(daily, frame=frame, today=today)
    sim = forecast.simulate(daily, today, frame=frame)
    live = forecast.calibrated(sim, bt)
    assert 0.0 < live.calibration.weight < 1.0
    whole = replace(live, calibration=replace(live.calibration, weight=1.0))
    # Each its own memo of priced scenarios (`replace` would share the one dict, and with it the first one's band).
    own = [forecast.what_if(replace(s, priced={}), daily_budget_cents=5000).month for s in (sim, live, whole)]
    assert own[1].fan["p90_cum"].iloc[-1] != own[2].fan["p90_cum"].iloc[-1]
    for q in ("p10", "p90"):
        mixed = getattr(own[1], q)
        lo, hi = sorted((getattr(own[0], q), getattr(own[2], q)))
        assert lo - 2 <= mixed <= hi + 2, (q, mixed, lo, hi)
