"""Day-of-month habits in the forecast (issue 26): a payday splurge is expected on its days, not smeared over the
month, and weekday habits keep their weekday draws; the hint is the same live and in the backtest."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from lib.core import forecast as fc
from lib.core import period as periods
from lib.core.forecast import habits
from lib.core.forecast.backtest import _rest_of_last_period
from lib.core.forecast.model import _rest_of_last_month

SPLURGE, THIN = 30_000, 1_000  # cents: the three days from the 25th, and every other day


def splurger(end: dt.date, days: int = 150, seed: int = 3) -> pd.Series:
    """Paid on the 25th: three big days, then thin ones (a little noise, so days are not all alike)."""
    index = pd.date_range(end - dt.timedelta(days=days - 1), end, freq="D")
    rng = np.random.default_rng(seed)
    values = np.where((index.day >= 25) & (index.day <= 27), SPLURGE, THIN) + rng.integers(-50, 50, days)
    return pd.Series(values.astype("int64"), index=index)


def weekend_heavy(end: dt.date, days: int = 150, seed: int = 4) -> pd.Series:
    index = pd.date_range(end - dt.timedelta(days=days - 1), end, freq="D")
    rng = np.random.default_rng(seed)
    values = np.where(index.day_of_week >= 4, 12_000, 800) + rng.integers(-50, 50, days)
    return pd.Series(values.astype("int64"), index=index)


def test_after_the_splurge_the_month_end_expects_no_other() -> None:
    """On the 28th the splurge is spent: the rest of the month is thin days only, not 3/31 of a splurge each."""
    today = dt.date(2026, 10, 28)
    out = fc.forecast(splurger(today), today, 2000, today_complete=True)
    spent = int(splurger(today)[pd.Timestamp(today.replace(day=1)):].sum())
    rest = [p - spent for p in (out.month.p10, out.month.p50, out.month.p90)]
    assert "day-of-month" in out.month.method
    assert rest[2] < 3 * 2 * THIN  # three thin days ahead; weekday draws alone gave a p90 of ~37,000 here
    assert rest[1] == pytest.approx(3 * THIN, rel=0.25)


def test_before_the_splurge_the_band_holds_it_on_its_days() -> None:
    """On the 20th the band holds the coming splurge (weekday draws alone gave 8,500-82,000 for the 98,000 to come),
    and its p10 counts at least one splurge day."""
    today = dt.date(2026, 10, 20)
    daily = splurger(today)
    out = fc.forecast(daily, today, 2000, today_complete=True)
    spent = int(daily[pd.Timestamp(today.replace(day=1)):].sum())
    truth_rest = 3 * SPLURGE + 8 * THIN  # the 25th-27th and eight thin days (21st-31st)
    assert out.month.p10 - spent > SPLURGE
    assert out.month.p10 - spent <= truth_rest <= out.month.p90 - spent
    # The month's numbers do not depend on how far the simulation runs (dashboard: one month, Forecast: twelve).
    one = fc.forecast(daily, today, 2000, today_complete=True, horizon_months=1)
    assert (one.month.p10, one.month.p50, one.month.p90) == (out.month.p10, out.month.p50, out.month.p90)


def test_weekday_habits_keep_their_weekday_draws() -> None:
    today = dt.date(2026, 10, 20)
    assert habits.dom_share(*_ranks_input(weekend_heavy(today))) == 0.0
    assert habits.dom_share(*_ranks_input(splurger(today))) > 0.5
    out = fc.forecast(weekend_heavy(today), today, 2000, today_complete=True)
    assert "day-of-month" not in out.month.method


def _ranks_input(daily: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    window = daily.iloc[-fc.WINDOW_DAYS:]
    return (window.to_numpy(dtype="float64"), window.index.day_of_week.to_numpy(),
            habits.day_of_month(window.index[0].date(), len(window)))


def test_one_big_purchase_is_not_taken_for_a_day_of_month_habit() -> None:
    rng = np.random.default_rng(7)
    index = pd.date_range("2026-07-01", periods=fc.WINDOW_DAYS, freq="D")
    values = rng.gamma(4.0, 500.0, len(index))
    values[40] = 150_000  # a laptop, once
    assert habits.dom_share(values, index.day_of_week.to_numpy(), habits.day_of_month(index[0].date(), len(index))) == 0


@pytest.mark.parametrize("rule", ["calendar", "monthly:25"])
def test_the_live_hint_is_the_backtests(rule: str) -> None:
    """What the rest of the period before cost, as the calibration's hint: the same figure live and in the backtest
    (whose `last_pace` baseline is spent so far plus exactly that)."""
    daily = splurger(dt.date(2026, 11, 30), days=300)
    bt = fc.backtest(daily, rule=rule, calibrate=False)
    row = bt.iloc[-1]
    as_of = row["as_of"]
    start, end = periods.period_of(as_of, rule)
    future_start = as_of + dt.timedelta(days=1)
    if rule == "calendar":
        live = _rest_of_last_month(daily[daily.index <= pd.Timestamp(as_of)], daily.index[0], future_start,
                                   (end - as_of).days)
    else:
        live = _rest_of_last_period(daily[daily.index <= pd.Timestamp(as_of)], rule, start, future_start, end)
    assert live == pytest.approx(row["last_pace_cents"] - row["to_date_cents"], abs=1)


def test_a_short_history_without_the_months_last_days_keeps_their_weekday_draws() -> None:
    """Forty days from 9 February: nothing recorded near the 30th or 31st, so those days of March are weekday draws."""
    today = dt.date(2026, 3, 20)
    daily = splurger(today, days=40)
    out = fc.forecast(daily, today, 2000, today_complete=True)
    assert "day-of-month" in out.month.method
    assert out.month.p10 <= out.month.p50 <= out.month.p90
