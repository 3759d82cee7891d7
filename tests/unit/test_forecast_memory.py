"""The live band remembers its calibration from the year before the month (lib.core.forecast.memory, issue 26).

The dashboard reads 95 days; before the memory its band was calibrated on the backtest of those days (two or
three ended months), so the band the user saw held the truth far less often than the backtest on the Forecast
page said. These tests live through a year of a synthetic spender as the dashboard would, on days 10 and 20.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from bench import spenders
from lib.core import forecast, standing
from lib.core.forecast import memory

FIXED = standing.DEFAULT_FIXED_CATEGORIES


def _live_year(frame: pd.DataFrame, rule: str, remember: bool) -> list[bool]:
    """Whether each live month-end band of 2025 (said on days 10 and 20) held the month's true total."""
    first = frame["date"].min().date()
    totals = frame.groupby(frame["date"].dt.to_period("M"))["amount_cents"].sum()
    held = []
    for month in range(1, 13):
        last = standing.month_before(dt.date(2025, month, 1))
        mem = standing.forecast_memory(frame, last, FIXED, rule) if remember else ""
        for day in (10, 20):
            today = dt.date(2025, month, day)
            part = frame[frame["date"] <= pd.Timestamp(today)]
            sim = standing.month_simulation(part, today, first, fixed=FIXED, payday=rule, memory=mem)
            band = forecast.what_if(sim, daily_budget_cents=0).month
            held.append(band.p10 <= int(totals[pd.Period(today, "M")]) <= band.p90)
    return held


@pytest.mark.parametrize("kind", ["weekend_heavy", "payday_splurger"])
def test_the_live_band_holds_the_truth_about_as_often_as_the_backtest_says(kind: str) -> None:
    frame = spenders.SPENDERS[kind](np.random.default_rng(1))
    live = _live_year(frame, "calendar", remember=True)
    assert len(live) == 24
    # Meant to hold the truth 80% of the time; with the window's backtest alone it held it 11 and 12 times of 24.
    assert 0.7 <= float(np.mean(live)) <= 0.95


def test_a_payday_does_not_move_the_months_band() -> None:
    frame = spenders.payday_splurger(np.random.default_rng(2))
    today, first = dt.date(2025, 6, 27), frame["date"].min().date()
    last = standing.month_before(today)
    part = frame[frame["date"] <= pd.Timestamp(today)]
    bands = []
    for rule in ("calendar", "monthly:25"):
        mem = standing.forecast_memory(part, last, FIXED, rule)
        assert set(memory.decode(mem) or {}) == {"calendar", rule}
        m = forecast.what_if(standing.month_simulation(part, today, first, fixed=FIXED, payday=rule, memory=mem),
                             daily_budget_cents=0).month
        bands.append((m.p10, m.p50, m.p90))
    assert bands[0] == bands[1]


@pytest.mark.parametrize("text", ["", "{", "[]", '{"v": 0, "cal": {}}', '{"v": 1}', '{"v": 2}',
                                  '{"v": 2, "cal": {"calendar": 3}}'])
def test_an_unreadable_memory_falls_back_to_the_windows_backtest(text: str) -> None:
    frame = spenders.steady(np.random.default_rng(3))
    today, first = dt.date(2025, 3, 12), frame["date"].min().date()
    part = frame[frame["date"] <= pd.Timestamp(today)]
    assert memory.decode(text) is None
    plain = standing.month_simulation(part, today, first, fixed=FIXED)
    odd = standing.month_simulation(part, today, first, fixed=FIXED, memory=text)
    a, b = (forecast.what_if(sim, daily_budget_cents=0).month for sim in (odd, plain))
    assert (a.p10, a.p50, a.p90) == (b.p10, b.p50, b.p90)


def test_the_memory_is_a_few_numbers_per_cutoff() -> None:
    frame = spenders.rare_big(np.random.default_rng(4))
    text = standing.forecast_memory(frame, dt.date(2025, 8, 31), FIXED, "biweekly:2025-01-03")
    cals = memory.decode(text)
    assert cals is not None and set(cals) == {"calendar", "biweekly:2025-01-03"}
    assert set(cals["calendar"]) == {10, 20} and set(cals["biweekly:2025-01-03"]) == {10}
    assert len(text.encode()) < 1500  # read with every dashboard load
    # The nearest cutoff, as calibration_of picks it (a tie goes to the earlier one).
    assert memory.nearest(cals["calendar"], 15) == cals["calendar"][10]
    assert memory.nearest(cals["calendar"], 16) == cals["calendar"][20]
    assert memory.nearest({}, 5) == forecast.Calibration()


def _laptops(today: dt.date, days_ago: tuple[int, ...]) -> pd.DataFrame:
    """A year and a half of about 25.00 a day at the shop, a laptop on each of the given days before today."""
    days = pd.date_range(today - dt.timedelta(days=549), today, freq="D")
    rng = np.random.default_rng(8)
    cents = 2_500 + rng.integers(-500, 500, len(days))
    shop = pd.DataFrame({"date": days, "amount_cents": cents, "category": "Groceries", "description": "Shop"})
    big = pd.DataFrame({"date": [pd.Timestamp(today - dt.timedelta(days=d)) for d in days_ago],
                        "amount_cents": 100_000, "category": "Electronics", "description": "Laptop shop"})
    return pd.concat([shop, big]).sort_values("date", kind="stable").reset_index(drop=True)


def test_the_live_month_end_expects_the_years_big_purchases() -> None:
    """Four laptops in the year and none in the dashboard's 95 days: the live month end, which reads those 95 days,
    holds one in its p90 from the memory's year (without it: never again); a what-if cut of Electronics prices it."""
    today = dt.date(2026, 10, 11)
    frame = _laptops(today, (120, 180, 240, 300))
    first, last = frame["date"].min().date(), standing.month_before(today)
    part = frame[frame["date"] >= pd.Timestamp(standing.window_range(today)[0])]  # what the dashboard reads
    mem = standing.forecast_memory(frame, last, FIXED, "calendar")
    kept = memory.read(mem)
    assert kept is not None and kept.year is not None
    year = kept.year
    assert [d for d, _, _ in year.big] == [today - dt.timedelta(days=d) for d in (300, 240, 180, 120)]
    assert all(cats["Electronics"] == 100_000.0 and set(cats) == {"Electronics", "Groceries"} for *_, cats in year.big)
    spent = int(part.loc[part["date"] >= pd.Timestamp(today.replace(day=1)), "amount_cents"].sum())

    def rest(mem_text: str, **cut: object) -> tuple[int, int]:
        sim = standing.month_simulation(part, today, first, fixed=FIXED, memory=mem_text)
        m = forecast.what_if(sim, daily_budget_cents=3000, **cut).month  # type: ignore[arg-type]
        return m.p50 - spent, m.p90 - spent

    assert rest("")[1] < 100_000  # the 95 days alone: no laptop could come
    p50, p90 = rest(mem)
    assert p50 < 21 * 2_500 * 1.3 and p90 > 100_000
    assert rest(mem, cut_category="Electronics", cut_pct=100.0)[1] < 100_000
