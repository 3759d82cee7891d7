"""The simulation: a weekday-aware bootstrap of recent everyday days, bills scheduled ahead, what-if pricing."""
from __future__ import annotations

import datetime as dt
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from lib.core import period as periods
from lib.core.forecast import habits, rare
from lib.core.forecast.bills import Bill, _add_months, _Inputs, _month_end, _prepare, _rows
from lib.core.forecast.calibration import IDENTITY, Calibration

log = logging.getLogger(__name__)

N_PATHS = 2000
WINDOW_DAYS = 84  # recent level: the last 12 weeks of complete days
MIN_HISTORY = 28  # below this the weekday rhythm is unknowable: pooled days, wider band, rough=True
# Extra level spread on top of the bootstrap, tuned by the backtest (see the commit message):
# lognormal sigma = within-weekday CV x sqrt(LEVEL_SPREAD^2 + WINDOW_SPREAD^2 / days).
LEVEL_SPREAD = 0.05
WINDOW_SPREAD = 1.0
MAX_CV = 2.0
ROUGH_SPREAD = 1.0  # rough estimates: lognormal sigma = ROUGH_SPREAD / sqrt(days), whatever the days look like
NO_HISTORY_SPREAD = 0.5
QUANTILES = (10, 50, 90)
STREAK_DAYS = 7
SAVINGS_HORIZONS = (3, 6, 12)


@dataclass(frozen=True)
class Simulation:
    """Simulated future days (as indices into recent history), computed once per data load."""

    today: dt.date
    today_complete: bool
    month_start: dt.date
    month_end: dt.date
    month_dates: pd.DatetimeIndex  # every day of the current month
    month_actual: np.ndarray  # cents per day of this month up to today (today's partial value included)
    future_start: dt.date  # first simulated day (today when today is not complete, else tomorrow)
    n_future: int  # simulated days, future_start .. end of the last horizon month
    month_bounds: np.ndarray  # column offsets where each calendar month starts in `idx`
    horizon_months: list[str]  # "YYYY-MM" of the current and following simulated months
    paths: _Paths  # the simulated everyday spending, priced by `what_if`
    inputs: _Inputs  # the history window (bills taken out) and the bills ahead
    method: str = ""
    history_days: int = 0
    window_days: int = 0
    rough: bool = False
    note: str = ""
    seed: int = 0
    # The band's re-shaping learnt from the user's own backtest (lib.core.forecast.calibration);
    # the identity until `forecast.calibrated(sim, backtest)` sets it.
    calibration: Calibration = IDENTITY
    # What the rest of last month cost from the same day on, rescaled to this month's days left (NaN: not
    # tracked then): the calibration's blend moves the band toward it (a payday splurge, a fixed-day habit).
    hint_cents: float = float("nan")
    # The same for a budget period that is not the calendar month (issue 26): its own backtest's calibration
    # and what the rest of the period before cost; the identity / NaN until `forecast.calibrated` sets them.
    period_calibration: Calibration = IDENTITY
    period_hint_cents: float = float("nan")
    # The budget period itself when `simulate(period_rule=)` is not the calendar month: the Forecast page's fan,
    # what-if and savings run over it (`what_if(over_period=True)`). `period_actual`: cents per day from its
    # start to today; `period_bounds`: column offsets where each later period starts; `period_ends`: the last
    # day ("YYYY-MM-DD") of the current and each later complete simulated period.
    period_rule: str = periods.CALENDAR
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    period_actual: np.ndarray | None = None
    period_bounds: np.ndarray | None = None
    period_ends: list[str] = field(default_factory=list)
    # what_if's budget-independent pricing per (cut, fixed categories, today's floor): a budget slider's
    # step re-prices only the budget comparisons (lib/core/forecast/scenario.py). Lives with the simulation.
    priced: dict = field(default_factory=dict, compare=False, repr=False)  # type: ignore[type-arg]

    @property
    def n_paths(self) -> int:
        return int(self.paths.level.shape[0])

    @property
    def category_shares(self) -> dict[str, float]:
        """Each category's share of recent spending, largest first (what a cut can act on)."""
        return self.inputs.category_shares

    @property
    def bills(self) -> list[Bill]:
        """Monthly bills found in the history; they are scheduled ahead, not bootstrapped."""
        return self.inputs.bills

    def bills_ahead(self, end: dt.date | None = None) -> pd.DataFrame:
        """Bills expected after today to `end` (this month's end): date, description, category, amount_cents."""
        end = self.month_end if end is None else end
        rows = [
            (pd.Timestamp(due), b.description, b.category, b.amount_cents)
            for b in self.inputs.bills
            for due in b.due_dates(self.future_start, end)
        ]
        return pd.DataFrame(rows, columns=["date", "description", "category", "amount_cents"]).sort_values("date")


@dataclass(frozen=True)
class MonthForecast:
    """This month's projected total (p10/p50/p90 cents) and the per-day fan for a chart."""

    month_start: dt.date
    month_end: dt.date
    actual_to_date_cents: int
    days_remaining: int  # days not yet complete, today included when it is still running
    p10: int
    p50: int
    p90: int
    fan: pd.DataFrame  # date, actual_cum, p10_cum, p50_cum, p90_cum (cents; actual_cum NaN in the future)
    budget_total_cents: int  # daily budget x days in the month
    under_budget_probability: float  # share of paths whose month total stays within budget_total_cents
    method: str
    history_days: int
    rough: bool
    note: str


@dataclass(frozen=True)
class SavingsForecast:
    """Salary minus spending: this month and the next 3/6/12 months (current month included)."""

    salary_cents: int
    this_month: tuple[int, int, int]  # p10, p50, p90
    horizons: dict[int, tuple[int, int, int]]  # months -> p10, p50, p90 (only horizons that were simulated)
    horizon_end: dict[int, str]  # months -> last month covered, "YYYY-MM"


@dataclass(frozen=True)
class Outlook:
    """Everything the Forecast page shows for one scenario."""

    month: MonthForecast
    savings: SavingsForecast | None
    streak_keep_7d: float  # share of paths where each of the next 7 days stays within the budget
    daily_budget_cents: int
    cut_category: str | None
    cut_pct: float
    cap_at_budget: bool


# --- input clean-up ---------------------------------------------------------------------------


def _clean_daily(daily: pd.Series | None) -> pd.Series:
    """A gap-free int64 cents series on a daily DatetimeIndex (tolerates gaps, NaN and duplicates)."""
    if daily is None or len(daily) == 0:
        return pd.Series([], index=pd.DatetimeIndex([]), dtype="int64")
    idx = pd.DatetimeIndex(pd.to_datetime(daily.index)).normalize()
    s = pd.Series(np.asarray(daily.fillna(0).to_numpy(), dtype="int64"), index=idx)
    if not s.index.is_unique:
        s = s.groupby(level=0).sum()
    s = s.sort_index()
    full = pd.date_range(s.index[0], s.index[-1], freq="D")
    return s.reindex(full, fill_value=0).astype("int64")


def _history_start(s: pd.Series, history_start: dt.date | None) -> pd.Timestamp | None:
    """Days before the first recorded spending were not tracked yet, so they are not history."""
    if history_start is not None:
        return pd.Timestamp(history_start)
    nonzero = s.index[s.to_numpy() != 0]
    return nonzero[0] if len(nonzero) else None


def _derive_seed(values: np.ndarray, today: dt.date) -> int:
    """The same data and day give the same answer; different data gets different draws."""
    return zlib.crc32(np.ascontiguousarray(values, dtype="int64").tobytes(), today.toordinal()) & 0x7FFFFFFF



# --- the engine -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Paths:
    """Simulated days as history indices, and each path's level multiplier per day group."""

    idx: np.ndarray | None  # (paths, days) indices into the window; None without history
    level: np.ndarray  # (paths, groups): resampled group mean / group mean, times any extra spread
    groups: np.ndarray  # (days,) the group (weekday, or 0 when pooled) of each simulated day
    method: str
    rough: bool
    big: bool = False  # rare big purchases drawn at the year's rate

    def price(self, day_values: np.ndarray) -> np.ndarray:
        """Cents per path and simulated day for the given per-history-day values."""
        assert self.idx is not None
        return day_values[self.idx] * self.level[:, self.groups]


def _draw(
    hist: np.ndarray, hist_last: dt.date, n_future: int, n_paths: int, rng: np.random.Generator,
    n_first: int | None = None,
    n_second: int = 0,
    n_window: int | None = None,
    big_days: np.ndarray | None = None,
    big_rate: float = 0.0,
) -> _Paths:
    """Simulate n_future days after hist_last from the history window `hist` (cents per complete day).

    The first `n_first` days (the rest of this month) are drawn before anything later, so this
    month's numbers are the same whatever the horizon: the dashboard simulates one month, the
    Forecast page twelve, and both report the same month end. `hist` may hold more than the window's
    `n_window` days: the year's earlier rare big purchases (lib.core.forecast.rare); those and the window's
    (`big_days`, indices into `hist`) are drawn at `big_rate` a day in place of everyday days.
    """
    n = len(hist) if n_window is None else n_window
    n_first = n_future if n_first is None else min(n_first, n_future)
    n_second = min(max(n_second, n_first), n_future)  # then the rest of a pay period running past the month
    if n == 0:
        level = np.exp(rng.normal(0.0, NO_HISTORY_SPREAD, (n_paths, 1)))
        return _Paths(None, level, np.zeros(n_future, dtype=np.int64), "daily budget assumption (no history)", True)
    rough = n < MIN_HISTORY
    n_groups = 1 if rough else 7
    window = hist[:n]
    first_weekday = (hist_last - dt.timedelta(days=n - 1)).weekday()
    hist_groups = (first_weekday + np.arange(n)) % n_groups
    future_groups = (hist_last.weekday() + 1 + np.arange(n_future)) % n_groups
    habit = None if rough else _dom(window, hist_groups, hist_last, n, n_future)
    big = None  # rare big purchases: the history's big days, drawn at the year's rate (not with a day-of-month habit)
    keep = np.ones(n, dtype=bool)  # the everyday days
    if not rough and habit is None and big_rate > 0 and big_days is not None and len(big_days):
        big, keep = big_days, ~np.isin(np.arange(n), big_days)
        if np.bincount(hist_groups[keep], minlength=n_groups).min() == 0:
            big, keep = None, np.ones(n, dtype=bool)
    kept = np.flatnonzero(keep)
    order = kept[np.argsort(hist_groups[kept], kind="stable")]
    counts = np.bincount(hist_groups[kept], minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    sums = np.bincount(hist_groups[kept], weights=window[kept], minlength=n_groups)
    # Level: each path resamples every group's days; the ratio of that resample's mean to the
    # observed mean says how wrong the observed level may be with only ~12 days per weekday.
    width = int(counts.max())
    pick1 = (rng.random((n_paths, n_groups, width)) * counts[None, :, None]).astype(np.int64)
    used = np.arange(width)[None, None, :] < counts[None, :, None]
    resampled = np.where(used, hist[order[starts[None, :, None] + pick1]], 0.0).sum(axis=2)
    level = np.where(sums > 0, resampled / np.where(sums > 0, sums, 1.0), 1.0)
    # Days: drawn from the observed days of their group, so the day-to-day spread is not shrunk.
    first = rng.random((n_paths, n_first))
    redraw = None  # a day-of-month habit or rare big purchases, with the month's uniforms first (see _indices)
    if habit is not None:
        share, hist_dom, future_dom = habit
        redraw = (lambda i, u: habits.dom_pick(i, u, share, hist_dom, future_dom), rng.random((n_paths, n_first, 2)))
    elif big is not None:
        redraw = (lambda i, u: rare.pick(i, u, big, big_rate), rng.random((n_paths, n_first, 2)))
    if rough:
        # A few days say little about the level, however alike they look.
        level = level * np.exp(rng.normal(0.0, ROUGH_SPREAD / np.sqrt(n), (n_paths, 1)))
        idx = _indices(first, rng, n_future, order, starts, counts, future_groups, n, n_second)
        return _Paths(idx, level, future_groups, f"pooled bootstrap of {n} days (rough)", True)
    # Drift the window never showed: extra level spread in proportion to how much everyday days of the same
    # weekday differ (none for a perfectly regular history), wider for short windows. Big purchases are drawn
    # on their own (above), so they no longer widen every path's level.
    mean = window[kept].mean()
    dev = window[kept] - (sums / counts)[hist_groups[kept]]
    within = np.sqrt((dev**2).mean()) / mean if mean > 0 else 0.0
    spread = min(within, MAX_CV) * np.sqrt(LEVEL_SPREAD**2 + WINDOW_SPREAD**2 / n)
    if spread > 0:
        level = level * np.exp(rng.normal(0.0, spread, (n_paths, 1)))
    idx = _indices(first, rng, n_future, order, starts, counts, future_groups, len(hist), n_second, redraw)
    method = f"weekday bootstrap of the last {n} days" + (", day-of-month habits" if habit is not None else "")
    method += ", rare big purchases at the year's rate" if big is not None else ""
    return _Paths(idx, level, future_groups, method, False, big is not None)


def _dom(hist: np.ndarray, hist_groups: np.ndarray, hist_last: dt.date, n: int,
         n_future: int) -> tuple[float, np.ndarray, np.ndarray] | None:
    """(share, history's and future's days of the month) when spending follows the day of the month, else None."""
    hist_dom = habits.day_of_month(hist_last - dt.timedelta(days=n - 1), n)
    share = habits.dom_share(hist, hist_groups, hist_dom)
    return (share, hist_dom, habits.day_of_month(hist_last + dt.timedelta(days=1), n_future)) if share > 0 else None


def _indices(
    first: np.ndarray, rng: np.random.Generator, n_future: int, order: np.ndarray, starts: np.ndarray,
    counts: np.ndarray, future_groups: np.ndarray, n: int, n_second: int = 0,
    redraw: tuple[Callable[[np.ndarray, np.ndarray], np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """History indices per path and day: the month's uniforms first, later months' drawn last.

    `redraw`: a day-of-month habit or rare big purchases (how it redraws some days, the month's uniforms for it).
    """
    n_paths, n_first = first.shape
    # The rest of a pay period that runs past the month (to `n_second`) next, so the period's days are the same
    # whatever the horizon (the dashboard's band to payday and the Forecast page's); later days last.
    blocks, extra = [first], [] if redraw is None else [redraw[1]]
    for a, b in ((n_first, n_second), (max(n_first, n_second), n_future)):
        if b > a:
            blocks.append(rng.random((n_paths, b - a)))
            if redraw is not None:
                extra.append(rng.random((n_paths, b - a, 2)))
    u = blocks[0] if len(blocks) == 1 else np.hstack(blocks)
    pick2 = (u * counts[future_groups][None, :]).astype(np.int64)
    idx = order[starts[future_groups][None, :] + pick2].astype(np.int16 if n < 2**15 else np.int32)  # ~1.6 MB
    if redraw is None:
        return idx
    return redraw[0](idx, np.concatenate(extra, axis=1))


def _rest_of_last_month(recorded: pd.Series, start: pd.Timestamp | None, future_start: dt.date, n_days: int) -> float:
    """Last month's spending from future_start's day of month to its end, rescaled to `n_days` (NaN: untracked)."""
    if start is None or n_days <= 0:
        return float("nan")
    return habits.rest_before_daily(recorded, start, future_start.replace(day=1), future_start,
                                    future_start + dt.timedelta(days=n_days - 1), periods.CALENDAR)


def _note(history_days: int, window: int, n_paths: int, n_bills: int = 0, n_big: int = 0) -> str:
    if history_days == 0:
        return (
            "No complete day of spending history yet (today is still running): this assumes you spend your "
            "daily budget every day. Record a few days for a forecast built from your own habits."
        )
    if history_days < MIN_HISTORY:
        return (
            f"Rough estimate: only {history_days} complete day{'s' if history_days != 1 else ''} of history "
            f"(a forecast from your weekday rhythm needs {MIN_HISTORY}). The band is deliberately wide."
        )
    note = f"From your last {window} days: weekday rhythm and recent level, {n_paths} simulated paths."
    if n_bills:
        plural = n_bills != 1
        note += f" {n_bills} monthly bill{'s' if plural else ''} scheduled on {'their' if plural else 'its'} usual day."
    if n_big:
        note += (f" Big one-off days (over ten times your usual day): {n_big} in your last year, so they come at that "
                 f"rate, not at the last {window} days' luck.")
    return note



def simulate(
    daily: pd.Series,
    today: dt.date,
    *,
    frame: pd.DataFrame | None = None,
    today_complete: bool = False,
    n_paths: int = N_PATHS,
    horizon_months: int = 12,
    window_days: int = WINDOW_DAYS,
    seed: int | None = None,
    history_start: dt.date | None = None,
    fixed_categories: frozenset[str] | tuple[str, ...] = frozenset(),
    period_end: dt.date | None = None,
    period_rule: str = periods.CALENDAR,
    year: rare.Year | None = None,
) -> Simulation:
    """Simulate the rest of this month and `horizon_months - 1` more months from the user's own recent days.

    `daily` is int64 cents per consecutive day; days after `today` are ignored. Today is treated as
    still running unless `today_complete`: its recorded spending is a floor, not the day's total.
    `period_end`: simulate at least to that day (a budget period ending after this month). `period_rule` (not the
    calendar month): also keep the period's days so far and `horizon_months` whole periods ahead for the page.
    `year`: the year before `daily`'s days as the forecast memory kept it, for the rate of rare big purchases.
    """
    recorded = _clean_daily(daily)
    recorded = recorded[recorded.index <= pd.Timestamp(today)]
    start = _history_start(recorded, history_start)
    s = recorded
    if start is not None and start <= pd.Timestamp(today):
        s = s.reindex(pd.date_range(start, pd.Timestamp(today), freq="D"), fill_value=0).astype("int64")
    else:
        s = pd.Series([], index=pd.DatetimeIndex([]), dtype="int64")
    values = s.to_numpy()
    complete = values if today_complete or not len(values) else values[:-1]
    history_days = len(complete)
    window = complete[-window_days:] if history_days else complete
    window_dates = s.index[: len(complete)][-len(window):] if len(window) else pd.DatetimeIndex([])

    month_start = today.replace(day=1)
    month_end = _month_end(today)
    future_start = today if not today_complete else today + dt.timedelta(days=1)
    horizon_end = _month_end(_add_months(month_start, max(horizon_months, 1) - 1))
    own = periods.parse_rule(period_rule).kind != periods.CALENDAR
    p_start, p_end = periods.period_of(today, period_rule)
    if own:  # whole pay periods ahead, as many as the months (12 periods from the 25th run past 12 months)
        last = p_end
        for _ in range(max(horizon_months, 1) - 1):
            last = periods.period_of(last + dt.timedelta(days=1), period_rule)[1]
        period_end = max(period_end or last, last)
    if period_end is not None and period_end > horizon_end:
        horizon_end = period_end  # drawn after this month's days: the month's numbers do not move
    n_future = (horizon_end - future_start).days + 1
    month_firsts = [_add_months(month_start, k) for k in range(max(horizon_months, 1))]
    month_bounds = np.array([max((d - future_start).days, 0) for d in month_firsts], dtype=np.int64)

    window_start = window_dates[0].date() if len(window_dates) else None
    inputs = _prepare(window, window_start, _rows(frame), today, future_start, n_future, frozenset(fixed_categories),
                      rare.before_window(complete, len(window)), year)
    base_seed = _derive_seed(values, today) if seed is None else int(seed)
    rng = np.random.default_rng(base_seed)
    n_month = (month_end - future_start).days + 1
    paths = _draw(inputs.hist_total, future_start - dt.timedelta(days=1), n_future, n_paths, rng, n_first=n_month,
                  n_second=(p_end - future_start).days + 1 if own else 0, **inputs.big)

    hint = _rest_of_last_month(recorded, start, future_start, n_month)
    month_dates = pd.date_range(month_start, month_end, freq="D")
    month_actual = recorded.reindex(pd.date_range(month_start, today, freq="D"), fill_value=0).to_numpy()
    sim = Simulation(
        today=today,
        today_complete=today_complete,
        month_start=month_start,
        month_end=month_end,
        month_dates=month_dates,
        month_actual=month_actual,
        future_start=future_start,
        n_future=n_future,
        month_bounds=month_bounds,
        horizon_months=[d.strftime("%Y-%m") for d in month_firsts],
        paths=paths,
        inputs=inputs,
        method=paths.method,
        history_days=history_days,
        window_days=len(window),
        rough=paths.rough,
        note=_note(history_days, len(window), n_paths, len(inputs.bills),
                   len(inputs.big_days) if paths.big else 0),
        seed=base_seed,
        hint_cents=hint,
    )
    if own:
        starts = periods.starts_between(p_end + dt.timedelta(days=1), horizon_end, period_rule)
        ends = [p_end] + [periods.period_of(d, period_rule)[1] for d in starts]
        whole = [e for e in ends if e <= horizon_end]
        sim = replace(
            sim, period_rule=periods.parse_rule(period_rule).text, period_start=p_start, period_end=p_end,
            period_actual=recorded.reindex(pd.date_range(p_start, today, freq="D"), fill_value=0).to_numpy(),
            period_bounds=np.array([0] + [(d - future_start).days for d in starts[: len(whole) - 1]], dtype=np.int64),
            period_ends=[e.isoformat() for e in whole],
        )
    log.debug("forecast simulated", extra={"history_days": history_days, "paths": n_paths, "method": paths.method})
    return sim
