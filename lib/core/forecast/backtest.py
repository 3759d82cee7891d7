"""The backtest: what the model said on day 10 and day 20 of past months against what happened."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from lib.core.forecast.bills import _add_months, _month_end, _prepare, _rows
from lib.core.forecast.model import (
    MIN_HISTORY,
    N_PATHS,
    WINDOW_DAYS,
    _clean_daily,
    _derive_seed,
    _draw,
    _history_start,
)
from lib.core.forecast.scenario import _quantiles

# --- backtest ---------------------------------------------------------------------------------


def backtest(
    daily: pd.Series,
    *,
    frame: pd.DataFrame | None = None,
    today: dt.date | None = None,
    cutoff_days: tuple[int, ...] = (10, 20),
    n_paths: int = N_PATHS,
    window_days: int = WINDOW_DAYS,
    seed: int | None = None,
    history_start: dt.date | None = None,
) -> pd.DataFrame:
    """For each past complete month: what the model said on day 10 and day 20 (data up to that day) vs the truth.

    Cutoffs with fewer than MIN_HISTORY days of history are skipped: they would test the rough fallback,
    not the model. `straight_line_cents` is the naive "at this rate" projection, for comparison.
    With the transactions `frame`, monthly bills are found and scheduled as the live forecast does.
    """
    s = _clean_daily(daily)
    columns = [
        "month", "cutoff_day", "as_of", "history_days", "to_date_cents", "actual_cents", "p10_cents", "p50_cents",
        "p90_cents", "error_cents", "abs_pct_error", "inside", "straight_line_cents", "straight_line_error_cents",
    ]
    if s.empty:
        return pd.DataFrame(columns=columns)
    today = s.index[-1].date() if today is None else today
    s = s[s.index <= pd.Timestamp(today)]
    start = _history_start(s, history_start)
    if start is None:
        return pd.DataFrame(columns=columns)
    s = s[s.index >= start]
    values = s.to_numpy().astype("float64")
    first = start.date()
    base_seed = _derive_seed(s.to_numpy(), today) if seed is None else int(seed)
    rows = _rows(frame)
    out = []
    month = first if first.day == 1 else _add_months(first, 1)
    while _month_end(month) < today:
        end = _month_end(month)
        m0, m1 = (month - first).days, (end - first).days
        actual = values[m0 : m1 + 1].sum()
        for cut in cutoff_days:
            as_of = month + dt.timedelta(days=cut - 1)
            a = (as_of - first).days
            if as_of >= end or a + 1 < MIN_HISTORY:
                continue
            window = values[: a + 1][-window_days:]
            to_date = values[m0 : a + 1].sum()
            n_future = (end - as_of).days
            window_start = as_of - dt.timedelta(days=len(window) - 1)
            inputs = _prepare(window, window_start, rows, as_of, as_of + dt.timedelta(days=1), n_future)
            rng = np.random.default_rng([base_seed, month.toordinal(), cut])
            paths = _draw(inputs.hist_total, as_of, n_future, n_paths, rng)
            totals = to_date + paths.price(inputs.hist_total).sum(axis=1) + inputs.bills_total.sum()
            p10, p50, p90 = (int(v) for v in _quantiles(totals))
            straight = round(to_date * (end.day / cut))
            out.append(
                (month.strftime("%Y-%m"), cut, as_of, a + 1, int(to_date), int(actual), p10, p50, p90,
                 p50 - int(actual), abs(p50 - actual) / actual if actual else np.nan, bool(p10 <= actual <= p90),
                 straight, straight - int(actual))
            )
        month = _add_months(month, 1)
    table = pd.DataFrame(out, columns=columns)
    table.attrs["coverage"] = coverage(table)
    return table


def coverage(bt: pd.DataFrame) -> float | None:
    """Share of backtested projections whose p10-p90 band held the true month total (None without any)."""
    return float(bt["inside"].mean()) if len(bt) else None


