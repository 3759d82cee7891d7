"""Habits tied to the day of the month, which a weekday bootstrap cannot see, and what they suggest.

Two pieces, both learnt from the user's own days (issue 26, kept under a rule written before its run on
never-used spenders; the figures are in the issue's closing note):

- **Day-of-month draws.** A payday splurger spends on the 25th-27th whatever the weekday. When the
  recent days' ranks follow the day of the month (3-day bins) clearly better than the weekday, that
  share of the simulated days is drawn from recorded days within a day of the same day of the month
  instead of from the same weekday (`dom_share`, `dom_pick`); everyone else keeps the weekday draws.
  Ranks, so one big purchase is not taken for a habit.
- **The rest of the period before** (`rest_before`), the calibration's hint, one function for the backtest
  and the live forecast: what the period before cost from the same day of the period on, rescaled to the days
  left. (A median over the last 5 periods was tried: it ignored one-off purchases but lagged drifting spenders
  and lowered coverage, so it was not kept.)

Pure numpy over cents; no I/O.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from lib.core import period as periods

DOM_BIN_DAYS = 3  # days of the month per bin when asking whether spending follows the day of the month
DOM_REACH = 1  # a simulated day draws from recorded days within this many days of its day of the month
DOM_FROM = 0.15  # rank R^2 of the day-of-month bins over the weekday's needed before any day is drawn so
DOM_RAMP = 0.15  # ... and how much more makes every day drawn so


def day_of_month(first: dt.date, n: int) -> np.ndarray:
    """The day of the month (1-31) of `n` consecutive days from `first`."""
    days = np.datetime64(first, "D") + np.arange(n)
    return (days - days.astype("datetime64[M]")).astype(np.int64) + 1


def _r2(ranks: np.ndarray, groups: np.ndarray) -> float:
    total = float(((ranks - ranks.mean()) ** 2).sum())
    if total <= 0:
        return 0.0
    means = np.bincount(groups, weights=ranks) / np.maximum(np.bincount(groups), 1)
    return 1.0 - float(((ranks - means[groups]) ** 2).sum()) / total


def dom_share(hist: np.ndarray, weekday: np.ndarray, dom: np.ndarray) -> float:
    """How much of the spending follows the day of the month rather than the weekday: 0 (none) to 1."""
    ranks = pd.Series(hist).rank().to_numpy()  # ties (days of nothing) share their rank
    gain = _r2(ranks, (dom - 1) // DOM_BIN_DAYS) - _r2(ranks, weekday)
    return float(np.clip((gain - DOM_FROM) / DOM_RAMP, 0.0, 1.0))


def dom_pick(idx: np.ndarray, uniforms: np.ndarray, share: float, hist_dom: np.ndarray,
             future_dom: np.ndarray) -> np.ndarray:
    """`idx` (paths, days) with `share` of its days redrawn from history days near the same day of the month.

    `uniforms` (paths, days, 2): which days are redrawn and which near day each takes. A day of the month
    the history never saw nearby keeps its weekday draw.
    """
    order = np.argsort(hist_dom, kind="stable")
    sorted_dom = hist_dom[order]
    lo = np.searchsorted(sorted_dom, future_dom - DOM_REACH, side="left")
    count = np.searchsorted(sorted_dom, future_dom + DOM_REACH, side="right") - lo
    near = np.minimum((uniforms[..., 1] * count[None, :]).astype(np.int64), np.maximum(count - 1, 0)[None, :])
    at = lo[None, :] + near
    pick = order[np.minimum(at, len(order) - 1)]  # a day with no near day in the history keeps its draw (below)
    redraw = (uniforms[..., 0] < share) & (count > 0)[None, :]
    return np.where(redraw, pick, idx).astype(idx.dtype)


def rest_before(cum: np.ndarray, first: dt.date, start: dt.date, future_start: dt.date, end: dt.date,
                rule: periods.PeriodRule | str) -> float:
    """What the period before the one from `start` cost from future_start's day of the period on, rescaled to the
    days left (`future_start` to `end`); NaN when it was not tracked. `cum`: cumulative cents from `first`."""
    then_start, then_end = periods.period_of(start - dt.timedelta(days=1), rule)
    n_days = (end - future_start).days + 1
    lo = min(then_start + (future_start - start), then_end)
    a, b = (lo - first).days, (then_end - first).days + 1
    if then_start < first or n_days <= 0 or b > len(cum) - 1:
        return float("nan")
    return float((cum[b] - cum[a]) * n_days / (b - a))


def rest_before_daily(daily: pd.Series, first: pd.Timestamp, start: dt.date, future_start: dt.date, end: dt.date,
                      rule: periods.PeriodRule | str) -> float:
    """`rest_before` for a gap-free daily cents series tracked from `first` (the live forecast's)."""
    s = daily[daily.index >= first]
    if len(s):  # from `first` itself (a history start before the first recorded day) to the last day, gap-free
        s = s.reindex(pd.date_range(first, s.index[-1], freq="D"), fill_value=0)
    cum = np.concatenate(([0.0], np.cumsum(s.to_numpy(dtype="float64"))))
    return rest_before(cum, first.date(), start, future_start, end, rule)
