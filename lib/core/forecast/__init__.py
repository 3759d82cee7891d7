"""Month-end, savings and streak projections with honest uncertainty, what-if scenarios and a backtest.

The model is a weekday-aware bootstrap of the user's own recent complete days (the last 12 weeks):
each future day is one of the recent days of the same weekday, and each simulated path carries its
own level (the mean of a resample of those days, relative to the observed mean, plus a little extra
spread the backtest asked for), because ~12 days per weekday pin the level down only so far.
When the recent days follow the day of the month rather than the weekday (a payday splurge), that
share of the days is drawn from recorded days near the same day of the month instead (habits.py).
Rare big purchases (a day over ten times the usual day of its weekday) are drawn at the rate of the last
year and with that year's sizes, not at the 84-day window's luck (rare.py).
Monthly bills found in the transactions (same payee about a month apart) are taken out of the
bootstrapped days and scheduled on their due day instead. Paths are kept as indices into the
history, so a what-if (another budget, a category cut) re-prices the same paths without
re-simulating.

Money is int64 cents here; callers convert to Decimal at the edges (see `forecast_report`).
"""
from __future__ import annotations

from lib.core.forecast.backtest import backtest, calibrated, calibrated_with, calibration_of, coverage, pinball, skill
from lib.core.forecast.bills import Bill
from lib.core.forecast.calibration import Calibration
from lib.core.forecast.model import (
    MIN_HISTORY,
    N_PATHS,
    QUANTILES,
    SAVINGS_HORIZONS,
    STREAK_DAYS,
    WINDOW_DAYS,
    MonthForecast,
    Outlook,
    SavingsForecast,
    Simulation,
    simulate,
)
from lib.core.forecast.report import backtest_rows, backtest_table, forecast_csv, forecast_report, money
from lib.core.forecast.scenario import forecast, period_band, period_outlook, what_if

__all__ = [
    "MIN_HISTORY",
    "N_PATHS",
    "QUANTILES",
    "SAVINGS_HORIZONS",
    "STREAK_DAYS",
    "WINDOW_DAYS",
    "Bill",
    "Calibration",
    "MonthForecast",
    "Outlook",
    "SavingsForecast",
    "Simulation",
    "backtest",
    "backtest_rows",
    "backtest_table",
    "calibrated",
    "calibrated_with",
    "calibration_of",
    "coverage",
    "forecast",
    "forecast_csv",
    "forecast_report",
    "money",
    "period_band",
    "period_outlook",
    "pinball",
    "simulate",
    "skill",
    "what_if",
]
