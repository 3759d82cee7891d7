"""Rare big purchases in the forecast (issue 26): the year says how often they come, not the 84-day window's luck,
and a weekend habit is a habit, not a big purchase."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from lib.core import forecast as fc
from lib.core.forecast import rare

SMALL, BIG = 2_500, 100_000  # cents: an everyday day, and a laptop


def spender(end: dt.date, big_days_ago: tuple[int, ...], days: int = 365, seed: int = 5) -> pd.Series:
    """Everyday days of about 25.00, and a big purchase on each of the given days before `end`."""
    index = pd.date_range(end - dt.timedelta(days=days - 1), end, freq="D")
    rng = np.random.default_rng(seed)
    values = SMALL + rng.integers(-500, 500, days)
    for ago in big_days_ago:
        values[days - 1 - ago] = BIG
    return pd.Series(values.astype("int64"), index=index)


def rest_of_month(daily: pd.Series, today: dt.date, **kwargs: object) -> tuple[int, int, int]:
    out = fc.forecast(daily, today, 3000, today_complete=True, **kwargs)  # type: ignore[arg-type]
    spent = int(daily[pd.Timestamp(today.replace(day=1)):].sum())
    return out.month.p10 - spent, out.month.p50 - spent, out.month.p90 - spent


def test_a_window_without_a_big_purchase_still_expects_the_years_rate() -> None:
    """Four laptops in the year, none in the last 84 days: twenty days left carry a one-in-five chance of one, so the
    p90 of the rest holds one and the p50 does not (the window alone said: never again)."""
    today = dt.date(2026, 10, 11)
    daily = spender(today, (100, 160, 220, 300))
    _, p50, p90 = rest_of_month(daily, today)
    assert p50 < 20 * SMALL * 1.3
    assert p90 > BIG
    assert "rare big purchases" in fc.forecast(daily, today, 3000, today_complete=True).month.method


def test_three_big_purchases_in_the_window_are_not_taken_for_the_usual_pace() -> None:
    """Three laptops in the last 84 days and none before in the year: the rate is three a year, not one a month,
    so the likely rest of the month is everyday days (the window alone put a laptop in the p50 path's month)."""
    today = dt.date(2026, 10, 11)
    daily = spender(today, (10, 40, 70))
    p10, p50, p90 = rest_of_month(daily, today)
    assert p50 < 20 * SMALL * 1.3
    assert p10 > 20 * SMALL * 0.7
    assert p90 > BIG  # but one may well come


def test_the_months_numbers_do_not_depend_on_the_horizon() -> None:
    today = dt.date(2026, 10, 11)
    daily = spender(today, (100, 160, 220, 300))
    assert rest_of_month(daily, today, horizon_months=1) == rest_of_month(daily, today)


def test_a_weekend_habit_is_not_a_big_purchase() -> None:
    """Fridays and Saturdays of 150.00 against weekdays of 12.00: twelve times the weekday, but the usual Saturday."""
    index = pd.date_range("2025-10-01", periods=365, freq="D")
    values = np.where(index.day_of_week.isin([4, 5]), 15_000, 1_200)
    assert not rare.big_days(values.astype("float64"), index[0].weekday()).any()
    values[200] = 200_000  # a sofa on a Tuesday or any day: that one is
    found = rare.big_days(values.astype("float64"), index[0].weekday())
    assert list(np.flatnonzero(found)) == [200]
    daily = pd.Series(values.astype("int64"), index=index)
    assert "rare big purchases" in fc.forecast(daily, index[-1].date(), 3000, today_complete=True).month.method
