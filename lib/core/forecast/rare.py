"""Rare big purchases: a laptop, a flight, a sofa, a few times a year, which an 84-day window sees by luck.

The weekday bootstrap draws the window's days, so a window that happens to hold none of a user's big
purchases forecasts none, and one that holds three forecasts one every four weeks. A day over
`BIG_TIMES` the user's median day with spending of the same weekday is a rare big purchase: the simulated days take one
at the rate of the last year (`YEAR_DAYS`), its size one of that year's, and the everyday days around
them are drawn from the window's other days (issue 26's closing note has the figures). The year is what
the caller passes: the backtest passes the whole history; the live forecast (lib.core.standing.month_simulation)
reads 95 days, and the year before them comes from the forecast memory (lib.core.forecast.memory) as a `Year`:
the typical day of each weekday and the big days, kept from the 400 days before the month began.

Pure numpy over cents; no I/O.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

BIG_TIMES = 10.0  # a day over this many times the median day with spending of its weekday is a rare big purchase
YEAR_DAYS = 365  # the rate and the sizes of big purchases come from this many days (the window included)
MIN_DAYS = 28  # fewer days with spending than this say too little about a typical day
MIN_WEEKDAY_DAYS = 4  # ... and fewer than this of a weekday about that weekday


def before_window(history: np.ndarray, n_window: int) -> np.ndarray:
    """The days of the year before the window: `history` ends with the window's `n_window` days."""
    return history[max(len(history) - YEAR_DAYS, 0) : len(history) - n_window]


@dataclass(frozen=True)
class Year:
    """A year of days the caller does not hold: each weekday's typical spent day and the big days among them."""

    first: dt.date  # the year's first day (or the first tracked one, when later)
    typical: np.ndarray  # (7,) the median spent day of each weekday, Monday first (inf: too few of them)
    big: tuple[tuple[dt.date, float, dict[str, float]], ...]  # (day, cents, cents per category), oldest first


def typical_days(days: np.ndarray, first_weekday: int) -> np.ndarray | None:
    """The median spent day of each weekday, Monday first (inf: fewer than MIN_WEEKDAY_DAYS); None: too few days."""
    weekday = (first_weekday + np.arange(len(days))) % 7
    spent = days > 0
    if spent.sum() < MIN_DAYS:
        return None
    typical = np.full(7, np.inf)
    for w in range(7):
        mine = days[spent & (weekday == w)]
        if len(mine) >= MIN_WEEKDAY_DAYS:
            typical[w] = float(np.median(mine))
    return typical


def big_days(days: np.ndarray, first_weekday: int, typical: np.ndarray | None = None) -> np.ndarray:
    """Which days (consecutive from a day of weekday `first_weekday`) were rare big purchases.

    Against the median of the same weekday (`typical`, Monday first: a `Year`'s; by default these days'), so a
    weekend habit is a habit, not a big purchase.
    """
    weekday = (first_weekday + np.arange(len(days))) % 7
    typical = typical_days(days, first_weekday) if typical is None else typical
    if typical is None:
        return np.zeros(len(days), dtype=bool)
    return days > BIG_TIMES * typical[weekday]


def pick(idx: np.ndarray, uniforms: np.ndarray, big: np.ndarray, rate: float) -> np.ndarray:
    """`idx` (paths, days) with a share `rate` of its days replaced by one of the `big` history days.

    `uniforms` (paths, days, 2): which days take a big purchase and which one each takes.
    """
    chosen = big[np.minimum((uniforms[..., 1] * len(big)).astype(np.int64), len(big) - 1)]
    return np.where(uniforms[..., 0] < rate, chosen, idx).astype(idx.dtype)
