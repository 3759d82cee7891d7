"""The backtest: what the model said on day 10 and day 20 of past months (or pay periods) against what happened."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd

from lib.core import period as periods
from lib.core.forecast import habits, rare
from lib.core.forecast.bills import DEFAULT_FIXED, _prepare, _rows
from lib.core.forecast.calibration import Calibration, fit, trusted
from lib.core.forecast.model import (
    MIN_HISTORY,
    N_PATHS,
    WINDOW_DAYS,
    Simulation,
    _clean_daily,
    _derive_seed,
    _draw,
    _history_start,
)
from lib.core.forecast.scenario import _quantiles

# --- backtest ---------------------------------------------------------------------------------


COLUMNS = [
    "month", "cutoff_day", "as_of", "history_days", "to_date_cents", "actual_cents", "p10_cents", "p50_cents",
    "p90_cents", "error_cents", "abs_pct_error", "inside", "straight_line_cents", "straight_line_error_cents",
    "raw_p10_cents", "raw_p50_cents", "raw_p90_cents", "last_pace_cents", "year_ago_cents",
    "pinball_cents", "raw_pinball_cents", "last_pace_pinball_cents", "year_ago_pinball_cents",
    "full_p10_cents", "full_p50_cents", "full_p90_cents",
]
PINBALL_LEVELS = np.array([0.1, 0.5, 0.9])


def pinball(actual: np.ndarray, p10: np.ndarray, p50: np.ndarray, p90: np.ndarray) -> np.ndarray:
    """Mean pinball (quantile) loss over the three levels, in cents; a point forecast scores half its error."""
    q = np.stack([np.asarray(v, dtype="float64") for v in (p10, p50, p90)], axis=-1)
    diff = np.asarray(actual, dtype="float64")[..., None] - q
    return np.mean(np.maximum(PINBALL_LEVELS * diff, (PINBALL_LEVELS - 1) * diff), axis=-1)


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
    calibrate: bool = True,
    fixed_categories: frozenset[str] | tuple[str, ...] = DEFAULT_FIXED,
    rule: periods.PeriodRule | str = periods.CALENDAR,
) -> pd.DataFrame:
    """For each past complete month: what the model said on day 10 and day 20 (data up to that day) vs the truth.

    Cutoffs with fewer than MIN_HISTORY days of history are skipped: they would test the rough fallback,
    not the model. `straight_line_cents` is the naive "at this rate" projection, for comparison;
    `last_pace_cents` (spent so far plus what the rest of last month cost) and
    `year_ago_cents` (spent so far plus what the same days cost a year before, when tracked) are the
    simple baselines the model must beat on pinball loss. With `calibrate`, each projection's band is
    re-shaped by the errors of the projections whose month had ended by then (lib.core.forecast.
    calibration): only what was known on that day. `raw_*` is the model's own band, `full_*` the fully
    re-shaped one; the band given (`p*`) uses the share of the re-shaping the earlier projections earned
    (calibration.trusted: their raw and full bands against what happened).
    With the transactions `frame`, monthly bills are found and scheduled as the live forecast does, and
    so are payments in `fixed_categories` (the defaults unless the user chose others).
    `rule`: the budget period (lib.core.period): a payday user's backtest runs over their pay periods, the
    cutoffs counted from payday, the baselines from the period before and the one a year before.
    """
    s = _clean_daily(daily)
    if s.empty:
        return _empty()
    today = s.index[-1].date() if today is None else today
    s = s[s.index <= pd.Timestamp(today)]
    start = _history_start(s, history_start)
    if start is None:
        return _empty()
    s = s[s.index >= start]
    values = s.to_numpy().astype("float64")
    cum = np.concatenate(([0.0], np.cumsum(values)))
    first = start.date()
    base_seed = _derive_seed(s.to_numpy(), today) if seed is None else int(seed)
    rows = _rows(frame)
    fixed = frozenset(fixed_categories)
    out = []
    past: list[tuple[float, ...]] = []  # raw future band, future actual, cutoff, future hint, full calibrated band
    rule = periods.parse_rule(rule) if isinstance(rule, str) else rule
    calendar = rule.is_calendar  # a month is labelled "2026-11", a pay period by its first day
    bounds = _periods(first, today, rule)
    for i, (month, end) in enumerate(bounds):
        m0, m1 = (month - first).days, (end - first).days
        actual = values[m0 : m1 + 1].sum()
        done = np.array(past, dtype="float64").reshape(-1, 9)  # every earlier month has ended by now
        for cut in cutoff_days:
            as_of = month + dt.timedelta(days=cut - 1)
            a = (as_of - first).days
            if as_of >= end or a + 1 < MIN_HISTORY:
                continue
            window = values[: a + 1][-window_days:]
            to_date = values[m0 : a + 1].sum()
            n_future = (end - as_of).days
            window_start = as_of - dt.timedelta(days=len(window) - 1)
            inputs = _prepare(window, window_start, rows, as_of, as_of + dt.timedelta(days=1), n_future, fixed,
                              rare.before_window(values[: a + 1], len(window)))
            rng = np.random.default_rng([base_seed, month.toordinal(), cut])
            paths = _draw(inputs.hist_total, as_of, n_future, n_paths, rng, **inputs.big)
            future = paths.price(inputs.hist_total).sum(axis=1) + inputs.bills_total.sum()
            raw = _quantiles(future).astype("float64")
            last_pace = _same_days(cum, _before(bounds, i, 1, rule), month, first, as_of, end, to_date)
            year_ago = _same_days(cum, _before(bounds, i, 12, rule), month, first, as_of, end, to_date)
            hint = habits.rest_before(cum, first, month, as_of + dt.timedelta(days=1), end, rule)  # the calibration's
            cal = _fit_for(done, cut) if calibrate else Calibration()
            full = cal.apply(raw, raw[0], raw[1], raw[2], hint)
            cal = trusted(cal, done[:, :3], done[:, 6:9], done[:, 3])
            band = cal.apply(raw, raw[0], raw[1], raw[2], hint)
            r10, r50, r90 = (int(np.rint(to_date + v)) for v in raw)
            p10, p50, p90 = (int(np.rint(to_date + v)) for v in band)
            past.append((raw[0], raw[1], raw[2], actual - to_date, cut, hint, *full))
            straight = round(to_date * (((end - month).days + 1) / cut))
            losses = pinball(np.array([actual] * 4), np.array([p10, r10, last_pace, year_ago]),
                             np.array([p50, r50, last_pace, year_ago]), np.array([p90, r90, last_pace, year_ago]))
            out.append(
                (month.strftime("%Y-%m") if calendar else month.isoformat(), cut, as_of, a + 1, int(to_date),
                 int(actual), p10, p50, p90,
                 p50 - int(actual), abs(p50 - actual) / actual if actual else np.nan, bool(p10 <= actual <= p90),
                 straight, straight - int(actual), r10, r50, r90, last_pace, year_ago, *losses,
                 *(float(to_date + v) for v in full))
            )
    table = pd.DataFrame(out, columns=COLUMNS)
    table.attrs["coverage"] = coverage(table)
    return table


def _fit_for(done: np.ndarray, cut: int) -> Calibration:
    """The calibration for a projection made on day `cut`: that cutoff's errors, shrunk toward all of them.

    The model's bias depends on how much of the month is left (a payday splurge is one day in three
    of a ten-day rest, one in seven of a twenty-day one), so each cutoff learns its own.
    """
    if not len(done):
        return Calibration()
    pooled = fit(done[:, 0], done[:, 1], done[:, 2], done[:, 3], hint=done[:, 5])
    same = done[done[:, 4] == cut]
    return fit(same[:, 0], same[:, 1], same[:, 2], same[:, 3], prior=pooled, hint=same[:, 5]) if len(same) else pooled


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=COLUMNS)


def _periods(first: dt.date, today: dt.date, rule: periods.PeriodRule | str) -> list[tuple[dt.date, dt.date]]:
    """Every complete period from the first one that starts on or after `first` to the last ending before today.

    The list also holds the periods a year back, so `_before` can find the baselines' periods in it.
    """
    starts = periods.starts_between(first, today, rule)
    out = [periods.period_of(d, rule) for d in starts]
    return [(a, b) for a, b in out if a >= first and b < today]


def _before(bounds: list[tuple[dt.date, dt.date]], i: int, months: int,
            rule: periods.PeriodRule | str) -> tuple[dt.date, dt.date] | None:
    """The period `months` months before period i (for two weeks: as many days back as that, rounded to periods)."""
    start = bounds[i][0]
    parsed = periods.parse_rule(rule) if isinstance(rule, str) else rule
    if months == 1:
        back = start - dt.timedelta(days=1)  # the period holding the day before this one began
    elif parsed.kind == "biweekly":
        back = start - dt.timedelta(days=periods.BIWEEKLY_DAYS * 26)
    else:
        back = start.replace(year=start.year - 1, day=min(start.day, 28))  # the period holding that day a year back
    return periods.period_of(back, parsed)


def _same_days(cum: np.ndarray, then: tuple[dt.date, dt.date] | None, month: dt.date, first: dt.date,
               as_of: dt.date, end: dt.date, to_date: float) -> float:
    """to_date plus the days of period `then` after the same day of it, rescaled to the days left (31 vs 30 days).

    NaN when that period was not tracked. The simple baselines: the period before (`last_pace`), a year before.
    """
    if then is None or then[0] < first:
        return float("nan")
    then_start, then_end = then
    lo = (min(then_start + dt.timedelta(days=(as_of - month).days + 1), then_end + dt.timedelta(days=1)) - first).days
    hi = (then_end - first).days + 1
    if hi <= lo:
        return float("nan")
    return float(np.rint(to_date + (cum[hi] - cum[lo]) * (end - as_of).days / (hi - lo)))


def coverage(bt: pd.DataFrame) -> float | None:
    """Share of backtested projections whose p10-p90 band held the true month total (None without any)."""
    return float(bt["inside"].mean()) if len(bt) else None


def skill(bt: pd.DataFrame) -> dict[str, float]:
    """Mean pinball loss (cents) of the model and of each baseline, each baseline against the model on its rows.

    Keys: `model` (all rows), `raw` (the uncalibrated band), and per baseline `last_pace` / `year_ago`
    with `model_vs_last_pace` / `model_vs_year_ago`: the model's loss on the rows that baseline could score.
    """
    out: dict[str, float] = {}
    if not len(bt):
        return out
    out["model"] = float(bt["pinball_cents"].mean())
    out["raw"] = float(bt["raw_pinball_cents"].mean())
    for name in ("last_pace", "year_ago"):
        scored = bt[f"{name}_pinball_cents"].notna()
        if scored.any():
            out[name] = float(bt.loc[scored, f"{name}_pinball_cents"].mean())
            out[f"model_vs_{name}"] = float(bt.loc[scored, "pinball_cents"].mean())
    return out


def calibrated(sim: Simulation, bt: pd.DataFrame, period_bt: pd.DataFrame | None = None,
               rule: periods.PeriodRule | str = periods.CALENDAR, daily: pd.Series | None = None) -> Simulation:
    """The simulation with its band calibrated on the backtest's past errors (the cutoff nearest today's day).

    With a payday rule's own backtest (`period_bt`, made with `rule`) the period's band gets its calibration
    too, blend included: `daily` (the days the backtest saw) gives what the rest of the period before cost.
    """
    start = periods.period_of(sim.today, rule)[0]
    return calibrated_with(sim, calibration_of(bt, sim.today.day), None if period_bt is None else
                           calibration_of(period_bt, (sim.today - start).days + 1), rule, daily)


def calibrated_with(sim: Simulation, month: Calibration, period: Calibration | None = None,
                    rule: periods.PeriodRule | str = periods.CALENDAR, daily: pd.Series | None = None) -> Simulation:
    """The simulation with the month's band re-shaped by `month` and a payday rule's period band by `period`
    (learnt elsewhere: `calibrated` above, or the streak state's memory, lib.core.forecast.memory)."""
    # A copy with its own priced scenarios: the uncalibrated simulation's would give the raw band.
    sim = replace(sim, calibration=month, priced={})
    if period is None or daily is None:
        return sim
    start, end = periods.period_of(sim.today, rule)
    return replace(sim, period_calibration=period, priced={},
                   period_hint_cents=_rest_of_last_period(daily, rule, start, sim.future_start, end))


def _rest_of_last_period(daily: pd.Series, rule: periods.PeriodRule | str, start: dt.date, future_start: dt.date,
                         end: dt.date) -> float:
    """What the period before cost from future_start's day of the period on, rescaled to the days left (NaN: not
    tracked then), as the backtest's hint is."""
    s = _clean_daily(daily)
    return float("nan") if s.empty else habits.rest_before_daily(s, s.index[0], start, future_start, end, rule)


def calibration_of(bt: pd.DataFrame, day_of_month: int) -> Calibration:
    """The calibration a live forecast made on `day_of_month` gets from a backtest: the nearest cutoff's errors,
    with the share of its re-shaping every ended projection earned (as the backtest's next projection would get)."""
    if not len(bt):
        return Calibration()
    to_date = bt["to_date_cents"].to_numpy(dtype="float64")
    raw = [bt[f"raw_p{q}_cents"].to_numpy(dtype="float64") - to_date for q in (10, 50, 90)]
    cuts = bt["cutoff_day"].to_numpy(dtype="float64")
    done = np.column_stack([*raw, bt["actual_cents"].to_numpy(dtype="float64") - to_date, cuts,
                            bt["last_pace_cents"].to_numpy(dtype="float64") - to_date])
    nearest = cuts[np.argmin(np.abs(cuts - day_of_month))]
    cal = _fit_for(done, int(nearest))
    # The share of the re-shaping the user's ended projections earned, as each backtest projection got it
    # (every row of a backtest is a period that has ended by today: nothing is looked ahead at).
    full = np.column_stack([bt[f"full_p{q}_cents"].to_numpy(dtype="float64") - to_date for q in (10, 50, 90)])
    return trusted(cal, np.column_stack(raw), full, done[:, 3])
