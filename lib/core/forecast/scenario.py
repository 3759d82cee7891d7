"""Scenarios over a simulation: re-price the same paths for another budget, a category cut or a cap
(`what_if`), and the one-shot `forecast` (simulate + the baseline scenario)."""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.core.errors import ValidationError
from lib.core.forecast.calibration import Calibration
from lib.core.forecast.model import (
    N_PATHS,
    QUANTILES,
    SAVINGS_HORIZONS,
    STREAK_DAYS,
    MonthForecast,
    Outlook,
    SavingsForecast,
    Simulation,
    simulate,
)


def _quantiles(x: np.ndarray, axis: int = 0) -> np.ndarray:
    return np.rint(np.percentile(x, QUANTILES, axis=axis)).astype("int64")


@dataclass(frozen=True)
class _Priced:
    """A scenario's paths priced, everything that does not depend on the daily budget."""

    paths: np.ndarray  # every simulated day, bills included, today floored at what is already spent
    everyday: np.ndarray  # the next STREAK_DAYS days of everyday spending (fixed costs out)
    month_total: np.ndarray  # each path's month total
    p: tuple[int, int, int]  # its p10, p50, p90
    fan: pd.DataFrame
    actual_total: int
    n_month_future: int


MEMO_PER_SIMULATION = 16  # scenarios kept per simulation (a cut category and percent each)


@dataclass(frozen=True)
class _Window:
    """What the fan and the totals run over: the calendar month, or a payday user's budget period (issue 26)."""

    start: dt.date
    end: dt.date
    dates: pd.DatetimeIndex
    actual: np.ndarray  # cents per day from `start` to today
    calibration: Calibration
    hint_cents: float


def _window(sim: Simulation, over_period: bool) -> _Window:
    if not over_period or sim.period_start is None or sim.period_end is None or sim.period_actual is None:
        return _Window(sim.month_start, sim.month_end, sim.month_dates, sim.month_actual, sim.calibration,
                       sim.hint_cents)
    # The period's own calibration (its backtest over pay periods, blend included), else the month's: as the
    # dashboard's band to payday (`period_outlook`), so the page's period end is the dashboard's.
    own = not sim.period_calibration.identity
    return _Window(sim.period_start, sim.period_end, pd.date_range(sim.period_start, sim.period_end, freq="D"),
                   sim.period_actual, sim.period_calibration if own else sim.calibration,
                   sim.period_hint_cents if own else float("nan"))


def _price(sim: Simulation, day_values: np.ndarray, bills: np.ndarray, cap_cents: float | None,
           budget_cents: int, fixed_categories: frozenset[str], today_everyday_cents: int | None,
           win: _Window | None = None) -> _Priced:
    inp = sim.inputs
    win = _window(sim, False) if win is None else win
    if sim.paths.idx is None:
        paths = np.repeat(sim.paths.level * float(budget_cents), sim.n_future, axis=1)
    else:
        paths = sim.paths.price(day_values)
    if cap_cents is not None:  # only everyday spending can be held to the budget; bills still fall due
        paths = np.minimum(paths, cap_cents)
    everyday = paths[:, :STREAK_DAYS]
    if fixed_categories and sim.paths.idx is not None:
        # Only the next STREAK_DAYS columns of the fixed part are needed: price those, not the whole horizon.
        fixed_values = sum((inp.hist_by_category[c] for c in fixed_categories if c in inp.hist_by_category),
                           np.zeros_like(day_values))
        everyday = everyday - sim.paths.price(fixed_values)[:, :STREAK_DAYS]
    paths = paths + bills[None, :]

    actual = win.actual.astype("float64")
    if not sim.today_complete:
        # Today is still running: what is already spent is a floor on the day's total.
        paths[:, 0] = np.maximum(paths[:, 0], actual[-1])
        if everyday.shape[1]:
            floor = actual[-1] if today_everyday_cents is None else float(today_everyday_cents)
            everyday = everyday.copy()
            everyday[:, 0] = np.maximum(everyday[:, 0], floor)
        done = actual[:-1]
    else:
        done = actual
    done_total = float(done.sum())
    n_month_future = (win.end - sim.future_start).days + 1
    cum = np.cumsum(paths[:, :n_month_future], axis=1)
    if n_month_future and not win.calibration.identity:
        # Each day's cumulative future re-shaped onto the calibrated band: monotone, so paths keep their order.
        q10, q50, q90 = np.percentile(cum, QUANTILES, axis=0)
        # The blend toward last month's rest grows day by day to its full size at the month end.
        hint = q50 + (win.hint_cents - q50[-1]) * np.arange(1, n_month_future + 1) / n_month_future
        cum = win.calibration.apply(cum, q10[None, :], q50[None, :], q90[None, :], hint[None, :])
    cum = cum + done_total
    month_total = cum[:, -1] if n_month_future else np.full(sim.n_paths, done_total)
    p10, p50, p90 = (int(v) for v in _quantiles(month_total))

    n_done = len(done)
    fan = pd.DataFrame({"date": win.dates})
    actual_cum = np.full(len(win.dates), np.nan)
    actual_cum[: len(actual)] = np.cumsum(actual)
    fan["actual_cum"] = actual_cum
    bands = np.empty((3, len(win.dates)))
    bands[:, :n_done] = np.cumsum(done)[None, :]
    if n_month_future:
        bands[:, n_done:] = _quantiles(cum, axis=0)
    for row, q in enumerate(QUANTILES):
        fan[f"p{q}_cum"] = np.rint(bands[row]).astype("int64")
    return _Priced(paths, everyday, month_total, (p10, p50, p90), fan, int(actual.sum()), n_month_future)


def what_if(
    sim: Simulation,
    *,
    daily_budget_cents: int,
    monthly_salary_cents: int | None = None,
    cut_category: str | None = None,
    cut_pct: float = 0.0,
    cap_at_budget: bool = False,
    fixed_categories: frozenset[str] = frozenset(),
    fixed_allowance_cents: int = 0,
    today_everyday_cents: int | None = None,
    over_period: bool = False,
) -> Outlook:
    """Price the simulated paths under a scenario: budget, category cut (percent), optional daily cap.

    Cheap (no re-simulation, no store reads), so a page can call it on every slider move; a new budget
    with the same cut reuses the scenario's priced paths (kept on the simulation) and only compares. Fixed
    costs (the bills found, and `fixed_categories`) count in the month total but not against the
    daily budget: the chance to end within budget compares the month with the daily budget times
    its days plus `fixed_allowance_cents` (the month's fixed costs), and the streak outlook looks at
    everyday spending only (`today_everyday_cents`: what of today's spending is not fixed).
    `over_period` (a simulation made with a payday rule, issue 26): the month is the budget period instead (its
    fan, totals and budget), `fixed_allowance_cents` the period's fixed costs, and the savings run over whole
    periods (`monthly_salary_cents` then what one period pays); without a period rule it changes nothing.
    """
    if not 0 <= cut_pct <= 100:
        raise ValidationError({"cut_pct": "The cut must be between 0 and 100 percent."})
    if daily_budget_cents < 0:
        raise ValidationError({"daily_budget": "The daily budget cannot be negative."})
    inp = sim.inputs
    cutting = bool(cut_category and cut_pct)
    # The paths depend on the budget only with a cap, or with no history to draw from (paths at the budget).
    by_budget = cap_at_budget or sim.paths.idx is None
    win = _window(sim, over_period)
    key = (cut_category if cutting else None, float(cut_pct) if cutting else 0.0, fixed_categories,
           today_everyday_cents, win.start)
    priced = None if by_budget else sim.priced.get(key)
    if priced is None:
        day_values, bills = inp.hist_total, inp.bills_total
        if cutting:
            cut = cut_pct / 100.0
            if cut_category in inp.hist_by_category:
                day_values = day_values - cut * inp.hist_by_category[cut_category]
            if cut_category in inp.bills_by_category:
                bills = bills - cut * inp.bills_by_category[cut_category]
        priced = _price(sim, day_values, bills, float(daily_budget_cents) if cap_at_budget else None,
                        daily_budget_cents, fixed_categories, today_everyday_cents, win)
        if not by_budget:
            if len(sim.priced) >= MEMO_PER_SIMULATION:
                sim.priced.clear()  # atomic, unlike evicting one while another session may be inserting
            sim.priced[key] = priced
    p10, p50, p90 = priced.p
    month_total = priced.month_total

    budget_total = daily_budget_cents * len(win.dates) + int(fixed_allowance_cents)
    month = MonthForecast(
        month_start=win.start,
        month_end=win.end,
        actual_to_date_cents=priced.actual_total,
        days_remaining=priced.n_month_future,
        p10=p10,
        p50=p50,
        p90=p90,
        fan=priced.fan,
        budget_total_cents=budget_total,
        under_budget_probability=float((month_total <= budget_total).mean()),
        method=sim.method,
        history_days=sim.history_days,
        rough=sim.rough,
        note=sim.note,
    )
    streak = float((priced.everyday <= daily_budget_cents).all(axis=1).mean())
    savings = None
    if monthly_salary_cents is not None:
        # Whole months (or periods): a payday user's simulation runs past the last month to a period's end.
        bounds, ends = sim.month_bounds, sim.horizon_months
        y, mo = (int(v) for v in sim.horizon_months[-1].split("-"))
        last = dt.date(y, mo, calendar.monthrange(y, mo)[1])
        if win.start != sim.month_start or win.end != sim.month_end:  # whole periods, the last one's end cut
            assert sim.period_bounds is not None
            last, bounds, ends = dt.date.fromisoformat(sim.period_ends[-1]), sim.period_bounds, sim.period_ends
        paths = priced.paths[:, : (last - sim.future_start).days + 1]
        later = np.add.reduceat(paths, bounds[1:], axis=1) if len(bounds) > 1 else None
        months = month_total[:, None] if later is None else np.column_stack([month_total, later])
        saved = monthly_salary_cents * np.arange(1, months.shape[1] + 1)[None, :] - np.cumsum(months, axis=1)
        this = tuple(int(v) for v in _quantiles(saved[:, 0]))
        horizons = {
            h: tuple(int(v) for v in _quantiles(saved[:, h - 1])) for h in SAVINGS_HORIZONS if h <= saved.shape[1]
        }
        savings = SavingsForecast(
            salary_cents=int(monthly_salary_cents),
            this_month=(this[0], this[1], this[2]),
            horizons={h: (v[0], v[1], v[2]) for h, v in horizons.items()},
            horizon_end={h: ends[h - 1] for h in horizons},
        )
    return Outlook(
        month=month,
        savings=savings,
        streak_keep_7d=streak,
        daily_budget_cents=int(daily_budget_cents),
        cut_category=cut_category if cut_pct else None,
        cut_pct=float(cut_pct),
        cap_at_budget=cap_at_budget,
    )


def period_band(
    sim: Simulation, end: dt.date, done_cents: int, today_cents: int, daily_budget_cents: int,
) -> tuple[int, int, int]:
    """The budget period's total (p10, p50, p90 cents) at `end`: `done_cents` before the simulated days plus
    the same paths the month uses, calibrated alike (`today_cents`: today's spending so far, a floor)."""
    p10, p50, p90, _ = period_outlook(sim, end, done_cents, today_cents, daily_budget_cents, None)
    return p10, p50, p90


def period_outlook(
    sim: Simulation, end: dt.date, done_cents: int, today_cents: int, daily_budget_cents: int,
    limit_cents: int | None,
) -> tuple[int, int, int, float | None]:
    """`period_band` and the share of the same paths whose period total stays within `limit_cents`
    (the period's budget plus its fixed bills; None: not asked)."""
    n = max(min((end - sim.future_start).days + 1, sim.n_future), 0)
    if sim.paths.idx is None:
        paths = np.repeat(sim.paths.level * float(daily_budget_cents), sim.n_future, axis=1)[:, :n]
    else:
        paths = sim.paths.price(sim.inputs.hist_total)[:, :n]
    paths = paths + sim.inputs.bills_total[None, :n]
    if n and not sim.today_complete:
        paths[:, 0] = np.maximum(paths[:, 0], float(today_cents))
    future = paths.sum(axis=1)
    # A payday rule's own calibration (its backtest over pay periods, blend included), else the month's.
    own = not sim.period_calibration.identity
    cal = sim.period_calibration if own else sim.calibration
    if n and not cal.identity:
        q10, q50, q90 = np.percentile(future, QUANTILES)
        future = cal.apply(future, q10, q50, q90, sim.period_hint_cents if own else None)
    totals = float(done_cents) + future
    p10, p50, p90 = (int(v) for v in _quantiles(totals))
    within = None if limit_cents is None else float((totals <= limit_cents).mean())
    return p10, p50, p90, within


def forecast(
    daily: pd.Series,
    today: dt.date,
    daily_budget_cents: int,
    monthly_salary_cents: int | None = None,
    frame: pd.DataFrame | None = None,
    *,
    today_complete: bool = False,
    n_paths: int = N_PATHS,
    horizon_months: int = 12,
    seed: int | None = None,
) -> Outlook:
    """One-shot projection (simulate + the baseline scenario); use simulate + what_if to explore cheaply."""
    sim = simulate(
        daily, today, frame=frame, today_complete=today_complete, n_paths=n_paths, horizon_months=horizon_months,
        seed=seed,
    )
    return what_if(sim, daily_budget_cents=daily_budget_cents, monthly_salary_cents=monthly_salary_cents)


