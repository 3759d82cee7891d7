"""Month-end, savings and streak projections with honest uncertainty, what-if scenarios and a backtest.

The model is a weekday-aware bootstrap of the user's own recent complete days (the last 12 weeks):
each future day is one of the recent days of the same weekday, and each simulated path carries its
own level (the mean of a resample of those days, relative to the observed mean, plus a little extra
spread the backtest asked for), because ~12 days per weekday pin the level down only so far.
Monthly bills found in the transactions (same payee about a month apart) are taken out of the
bootstrapped days and scheduled on their due day instead. Paths are kept as indices into the
history, so a what-if (another budget, a category cut) re-prices the same paths without
re-simulating.

Money is int64 cents here; callers convert to Decimal at the edges (see `forecast_report`).
"""
from __future__ import annotations

import datetime as dt
import io
import logging
import zlib
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from lib.errors import ValidationError

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
# A monthly bill: 3+ payments to one payee in the last 100 days, 25-35 days apart, within 25% of their median.
BILL_LOOKBACK_DAYS = 100
BILL_MIN_PAYMENTS = 3
BILL_GAP_DAYS = (25, 35)
BILL_AMOUNT_SPREAD = 0.25
BILL_LATE_DAYS = 5  # a bill this many days overdue is still expected (at the first open day)


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

    def bills_ahead(self) -> pd.DataFrame:
        """Bills expected this month after today: date, description, category, amount_cents."""
        end = self.month_end
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


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)


def _month_end(day: dt.date) -> dt.date:
    return _add_months(day, 1) - dt.timedelta(days=1)


# --- the engine -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Paths:
    """Simulated days as history indices, and each path's level multiplier per day group."""

    idx: np.ndarray | None  # (paths, days) indices into the window; None without history
    level: np.ndarray  # (paths, groups): resampled group mean / group mean, times any extra spread
    groups: np.ndarray  # (days,) the group (weekday, or 0 when pooled) of each simulated day
    method: str
    rough: bool

    def price(self, day_values: np.ndarray) -> np.ndarray:
        """Cents per path and simulated day for the given per-history-day values."""
        assert self.idx is not None
        return day_values[self.idx] * self.level[:, self.groups]


def _draw(hist: np.ndarray, hist_last: dt.date, n_future: int, n_paths: int, rng: np.random.Generator) -> _Paths:
    """Simulate n_future days after hist_last from the history window `hist` (cents per complete day)."""
    n = len(hist)
    if n == 0:
        level = np.exp(rng.normal(0.0, NO_HISTORY_SPREAD, (n_paths, 1)))
        return _Paths(None, level, np.zeros(n_future, dtype=np.int64), "daily budget assumption (no history)", True)
    rough = n < MIN_HISTORY
    n_groups = 1 if rough else 7
    first_weekday = (hist_last - dt.timedelta(days=n - 1)).weekday()
    hist_groups = (first_weekday + np.arange(n)) % n_groups
    future_groups = (hist_last.weekday() + 1 + np.arange(n_future)) % n_groups
    order = np.argsort(hist_groups, kind="stable")
    counts = np.bincount(hist_groups, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    sums = np.bincount(hist_groups, weights=hist, minlength=n_groups)
    # Level: each path resamples every group's days; the ratio of that resample's mean to the
    # observed mean says how wrong the observed level may be with only ~12 days per weekday.
    width = int(counts.max())
    pick1 = (rng.random((n_paths, n_groups, width)) * counts[None, :, None]).astype(np.int64)
    used = np.arange(width)[None, None, :] < counts[None, :, None]
    resampled = np.where(used, hist[order[starts[None, :, None] + pick1]], 0.0).sum(axis=2)
    level = np.where(sums > 0, resampled / np.where(sums > 0, sums, 1.0), 1.0)
    # Days: drawn from the observed days of their group, so the day-to-day spread is not shrunk.
    pick2 = (rng.random((n_paths, n_future)) * counts[future_groups][None, :]).astype(np.int64)
    idx = order[starts[future_groups][None, :] + pick2].astype(np.int16 if n < 2**15 else np.int32)  # ~1.6 MB
    if rough:
        # A few days say little about the level, however alike they look.
        level = level * np.exp(rng.normal(0.0, ROUGH_SPREAD / np.sqrt(n), (n_paths, 1)))
        return _Paths(idx, level, future_groups, f"pooled bootstrap of {n} days (rough)", True)
    # Drift and rare big purchases the window never showed: extra level spread in proportion to how
    # much days of the same weekday differ (none for a perfectly regular history), wider for short windows.
    mean = hist.mean()
    within = np.sqrt(((hist - (sums / counts)[hist_groups]) ** 2).mean()) / mean if mean > 0 else 0.0
    spread = min(within, MAX_CV) * np.sqrt(LEVEL_SPREAD**2 + WINDOW_SPREAD**2 / n)
    if spread > 0:
        level = level * np.exp(rng.normal(0.0, spread, (n_paths, 1)))
    return _Paths(idx, level, future_groups, f"weekday bootstrap of the last {n} days", False)


def _note(history_days: int, window: int, n_paths: int, n_bills: int = 0) -> str:
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
    return note


# --- monthly bills ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bill:
    """A monthly payment found in the history: same payee and category, about a month apart, similar amounts."""

    description: str
    category: str
    amount_cents: int  # the last amount paid
    last_paid: dt.date

    def due_dates(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """When it is expected start..end: monthly on the day of the last payment; a little late is due at start."""
        dates: list[dt.date] = []
        k = 1
        while True:
            first = _add_months(self.last_paid.replace(day=1), k)
            due = first.replace(day=min(self.last_paid.day, _month_end(first).day))
            if due > end:
                return dates
            if due >= start:
                dates.append(due)
            elif (start - due).days <= BILL_LATE_DAYS:
                dates.append(start)
            k += 1


@dataclass(frozen=True)
class _Rows:
    """The transactions frame as sorted numpy columns: cheap to slice by day many times (the backtest does)."""

    day: np.ndarray  # day numbers (days since 1970-01-01), ascending
    cents: np.ndarray
    category: np.ndarray  # codes into `categories`
    payee: np.ndarray  # codes into `payees` (description and category)
    categories: list[str]
    payees: list[tuple[str, str]]

    def between(self, start: dt.date, end: dt.date) -> slice:
        lo = np.searchsorted(self.day, _day_number(start))
        return slice(int(lo), int(np.searchsorted(self.day, _day_number(end), "right")))


def _day_number(day: dt.date) -> int:
    return day.toordinal() - _EPOCH


_EPOCH = dt.date(1970, 1, 1).toordinal()


def _rows(frame: pd.DataFrame | None) -> _Rows | None:
    """The transactions frame reduced to what the forecast needs."""
    if frame is None or frame.empty:
        return None
    day = pd.to_datetime(frame["date"]).to_numpy().astype("datetime64[D]").astype("int64")
    order = np.argsort(day, kind="stable")
    category = frame["category"].astype(str).to_numpy()[order]
    description = (frame["description"].astype(str).to_numpy() if "description" in frame else np.full(len(day), ""))
    payee_keys = pd.MultiIndex.from_arrays([description[order], category])
    payee_codes, payees = pd.factorize(payee_keys)
    cat_codes, cats = pd.factorize(category)
    return _Rows(
        day=day[order],
        cents=frame["amount_cents"].to_numpy(dtype="int64")[order],
        category=cat_codes,
        payee=payee_codes,
        categories=[str(c) for c in cats],
        payees=[(str(d), str(c)) for d, c in payees],
    )


def _find_bills(rows: _Rows, part: slice, as_of: dt.date) -> list[Bill]:
    """Payees paid 3+ times in `part`, 25-35 days apart, within 25% of their usual amount, and lately."""
    paid = np.flatnonzero(rows.cents[part] > 0) + part.start
    if not len(paid):
        return []
    paid = paid[np.lexsort((rows.day[paid], rows.payee[paid]))]
    payee, day = rows.payee[paid], rows.day[paid]
    first = np.r_[True, payee[1:] != payee[:-1]]
    starts = np.flatnonzero(first)
    counts = np.diff(np.r_[starts, len(paid)])
    gap = np.r_[0, np.diff(day)].astype("float64")
    gap_min = np.minimum.reduceat(np.where(first, np.inf, gap), starts)
    gap_max = np.maximum.reduceat(np.where(first, -np.inf, gap), starts)
    last = starts + counts - 1
    recent_enough = day[last] >= _day_number(as_of) - BILL_GAP_DAYS[1] - BILL_LATE_DAYS
    candidates = (counts >= BILL_MIN_PAYMENTS) & (gap_min >= BILL_GAP_DAYS[0]) & (gap_max <= BILL_GAP_DAYS[1])
    bills = []
    for g in np.flatnonzero(candidates & recent_enough):  # a handful of payees at most
        amounts = rows.cents[paid[starts[g] : last[g] + 1]]
        usual = float(np.median(amounts))
        if amounts.min() >= usual * (1 - BILL_AMOUNT_SPREAD) and amounts.max() <= usual * (1 + BILL_AMOUNT_SPREAD):
            description, category = rows.payees[int(payee[starts[g]])]
            paid_on = dt.date.fromordinal(int(day[last[g]]) + _EPOCH)
            bills.append(Bill(description, category, int(amounts[-1]), paid_on))
    return bills


@dataclass(frozen=True)
class _Inputs:
    """The history window with known bills taken out (they are not random), and the bills ahead."""

    hist_total: np.ndarray  # (window days,) cents without bills
    hist_by_category: dict[str, np.ndarray]  # (window days,) cents per category, without bills
    category_shares: dict[str, float]  # share of the window's spending, bills included
    bills: list[Bill]
    bills_total: np.ndarray  # (future days,) cents of bills due each simulated day
    bills_by_category: dict[str, np.ndarray]


def _prepare(
    window: np.ndarray, window_start: dt.date | None, rows: _Rows | None, as_of: dt.date,
    future_start: dt.date, n_future: int,
) -> _Inputs:
    """Split recent spending into bills (scheduled ahead) and everyday days (bootstrapped), per category."""
    hist = window.astype("float64")
    if rows is None or window_start is None or not len(window):
        return _Inputs(hist, {}, {}, [], np.zeros(n_future), {})
    lookback = rows.between(min(window_start, as_of - dt.timedelta(days=BILL_LOOKBACK_DAYS)), as_of)
    bills = _find_bills(rows, lookback, as_of)
    bill_payees = np.isin(np.arange(len(rows.payees)), [rows.payees.index((b.description, b.category)) for b in bills])

    part = rows.between(window_start, window_start + dt.timedelta(days=len(window) - 1))
    day_idx = rows.day[part] - _day_number(window_start)
    is_bill = bill_payees[rows.payee[part]]
    n_cats = len(rows.categories)
    flat = day_idx * n_cats + rows.category[part]
    size = len(window) * n_cats
    cents = rows.cents[part].astype("float64")
    everyday = np.bincount(flat[~is_bill], weights=cents[~is_bill], minlength=size).reshape(len(window), n_cats)
    billed = np.bincount(flat[is_bill], weights=cents[is_bill], minlength=size).reshape(len(window), n_cats)
    positive = np.clip(everyday + billed, 0, None).sum(axis=0)
    total = float(positive.sum())
    shares = {rows.categories[c]: float(positive[c]) / total for c in np.argsort(-positive, kind="stable")
              if positive[c] > 0}
    used = np.flatnonzero(np.abs(everyday).sum(axis=0) > 0)
    by_cat = {rows.categories[c]: everyday[:, c] for c in used}
    hist = hist - billed.sum(axis=1)

    horizon_end = future_start + dt.timedelta(days=n_future - 1)
    bills_total = np.zeros(n_future)
    bills_by_cat: dict[str, np.ndarray] = {}
    for bill in bills:
        for due in bill.due_dates(future_start, horizon_end):
            k = (due - future_start).days
            bills_total[k] += bill.amount_cents
            bills_by_cat.setdefault(bill.category, np.zeros(n_future))[k] += bill.amount_cents
    return _Inputs(hist, by_cat, shares, bills, bills_total, bills_by_cat)


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
) -> Simulation:
    """Simulate the rest of this month and `horizon_months - 1` more months from the user's own recent days.

    `daily` is int64 cents per consecutive day; days after `today` are ignored. Today is treated as
    still running unless `today_complete`: its recorded spending is a floor, not the day's total.
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
    n_future = (horizon_end - future_start).days + 1
    month_firsts = [_add_months(month_start, k) for k in range(max(horizon_months, 1))]
    month_bounds = np.array([max((d - future_start).days, 0) for d in month_firsts], dtype=np.int64)

    window_start = window_dates[0].date() if len(window_dates) else None
    inputs = _prepare(window, window_start, _rows(frame), today, future_start, n_future)
    base_seed = _derive_seed(values, today) if seed is None else int(seed)
    rng = np.random.default_rng(base_seed)
    paths = _draw(inputs.hist_total, future_start - dt.timedelta(days=1), n_future, n_paths, rng)

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
        note=_note(history_days, len(window), n_paths, len(inputs.bills)),
        seed=base_seed,
    )
    log.debug("forecast simulated", extra={"history_days": history_days, "paths": n_paths, "method": paths.method})
    return sim


def _quantiles(x: np.ndarray, axis: int = 0) -> np.ndarray:
    return np.rint(np.percentile(x, QUANTILES, axis=axis)).astype("int64")


def what_if(
    sim: Simulation,
    *,
    daily_budget_cents: int,
    monthly_salary_cents: int | None = None,
    cut_category: str | None = None,
    cut_pct: float = 0.0,
    cap_at_budget: bool = False,
) -> Outlook:
    """Price the simulated paths under a scenario: budget, category cut (percent), optional daily cap.

    Cheap (no re-simulation, no store reads), so a page can call it on every slider move.
    """
    if not 0 <= cut_pct <= 100:
        raise ValidationError({"cut_pct": "The cut must be between 0 and 100 percent."})
    if daily_budget_cents < 0:
        raise ValidationError({"daily_budget": "The daily budget cannot be negative."})
    inp = sim.inputs
    day_values, bills = inp.hist_total, inp.bills_total
    if cut_category and cut_pct:
        cut = cut_pct / 100.0
        if cut_category in inp.hist_by_category:
            day_values = day_values - cut * inp.hist_by_category[cut_category]
        if cut_category in inp.bills_by_category:
            bills = bills - cut * inp.bills_by_category[cut_category]
    if sim.paths.idx is None:
        paths = np.repeat(sim.paths.level * float(daily_budget_cents), sim.n_future, axis=1)
    else:
        paths = sim.paths.price(day_values)
    if cap_at_budget:  # only everyday spending can be held to the budget; bills still fall due
        paths = np.minimum(paths, float(daily_budget_cents))
    paths = paths + bills[None, :]

    actual = sim.month_actual.astype("float64")
    if not sim.today_complete:
        # Today is still running: what is already spent is a floor on the day's total.
        paths[:, 0] = np.maximum(paths[:, 0], actual[-1])
        done = actual[:-1]
    else:
        done = actual
    done_total = float(done.sum())
    n_month_future = (sim.month_end - sim.future_start).days + 1
    cum = np.cumsum(paths[:, :n_month_future], axis=1) + done_total
    month_total = cum[:, -1] if n_month_future else np.full(sim.n_paths, done_total)
    p10, p50, p90 = (int(v) for v in _quantiles(month_total))

    n_done = len(done)
    fan = pd.DataFrame({"date": sim.month_dates})
    actual_cum = np.full(len(sim.month_dates), np.nan)
    actual_cum[: len(actual)] = np.cumsum(actual)
    fan["actual_cum"] = actual_cum
    bands = np.empty((3, len(sim.month_dates)))
    bands[:, :n_done] = np.cumsum(done)[None, :]
    if n_month_future:
        bands[:, n_done:] = _quantiles(cum, axis=0)
    for row, q in enumerate(QUANTILES):
        fan[f"p{q}_cum"] = np.rint(bands[row]).astype("int64")

    budget_total = daily_budget_cents * len(sim.month_dates)
    month = MonthForecast(
        month_start=sim.month_start,
        month_end=sim.month_end,
        actual_to_date_cents=int(actual.sum()),
        days_remaining=n_month_future,
        p10=p10,
        p50=p50,
        p90=p90,
        fan=fan,
        budget_total_cents=budget_total,
        under_budget_probability=float((month_total <= budget_total).mean()),
        method=sim.method,
        history_days=sim.history_days,
        rough=sim.rough,
        note=sim.note,
    )
    streak = float((paths[:, :STREAK_DAYS] <= daily_budget_cents).all(axis=1).mean())
    savings = None
    if monthly_salary_cents is not None:
        later = np.add.reduceat(paths, sim.month_bounds[1:], axis=1) if len(sim.month_bounds) > 1 else None
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
            horizon_end={h: sim.horizon_months[h - 1] for h in horizons},
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


# --- report and export ------------------------------------------------------------------------


def money(cents: float | int | None) -> str | None:
    """Cents as an exact decimal string with 2 places ("1234.50"); None stays None."""
    if cents is None or (isinstance(cents, float) and np.isnan(cents)):
        return None
    return f"{Decimal(round(cents)).scaleb(-2):.2f}"


def forecast_report(
    daily: pd.Series,
    today: dt.date,
    daily_budget_cents: int,
    monthly_salary_cents: int | None,
    frame: pd.DataFrame | None = None,
    current_streak: int = 0,
    *,
    today_complete: bool = False,
    seed: int | None = None,
) -> dict[str, object]:
    """The forecast, savings, streak outlook and backtest as a JSON-ready dict (money as "0.00" strings)."""
    sim = simulate(daily, today, frame=frame, today_complete=today_complete, seed=seed)
    out = what_if(sim, daily_budget_cents=daily_budget_cents, monthly_salary_cents=monthly_salary_cents)
    bt = backtest(daily, frame=frame, today=today, seed=seed)
    m = out.month
    report: dict[str, object] = {
        "today": today.isoformat(),
        "month": m.month_start.strftime("%Y-%m"),
        "month_spent_to_date": money(m.actual_to_date_cents),
        "days_remaining": m.days_remaining,
        "month_end_p10": money(m.p10),
        "month_end_p50": money(m.p50),
        "month_end_p90": money(m.p90),
        "daily_budget": money(daily_budget_cents),
        "month_budget": money(m.budget_total_cents),
        "month_under_budget_probability": round(m.under_budget_probability, 3),
        "current_streak": int(current_streak),
        "streak_keep_7d_probability": round(out.streak_keep_7d, 3),
        "monthly_salary": money(monthly_salary_cents),
        "savings_p10": None,
        "savings_p50": None,
        "savings_p90": None,
    }
    sv = out.savings
    if sv is not None:
        report.update(savings_p10=money(sv.this_month[0]), savings_p50=money(sv.this_month[1]),
                      savings_p90=money(sv.this_month[2]))
    for h in SAVINGS_HORIZONS:
        band = sv.horizons.get(h) if sv is not None else None
        for q, v in zip(QUANTILES, band or (None, None, None), strict=True):
            report[f"savings_{h}m_p{q}"] = money(v)
        report[f"savings_{h}m_through"] = sv.horizon_end.get(h) if sv is not None else None
    report.update(
        backtest_coverage=None if coverage(bt) is None else round(float(coverage(bt) or 0.0), 3),
        backtest_months=int(bt["month"].nunique()) if len(bt) else 0,
        backtest_projections=len(bt),
        backtest_median_abs_pct_error=None if not len(bt) else round(float(bt["abs_pct_error"].median()), 3),
        method=m.method,
        history_days=m.history_days,
        rough=m.rough,
        note=m.note,
    )
    return report


def forecast_csv(daily: pd.Series, outlook: Outlook) -> str:
    """The daily series and this month's projected cumulative band as one CSV (money as decimal strings)."""
    s = _clean_daily(daily)
    m = outlook.month
    s = s[s.index <= pd.Timestamp(m.month_end)]
    dates = pd.date_range(s.index[0] if len(s) else m.month_start, m.month_end, freq="D")
    table = pd.DataFrame({"date": dates})
    spent = s.reindex(dates)
    table["spent"] = [money(v) if pd.notna(v) else "" for v in spent.to_numpy(dtype="float64")]
    fan = m.fan.set_index("date").reindex(dates)
    for col in ("actual_cum", "p10_cum", "p50_cum", "p90_cum"):
        table[f"month_{col}"] = [money(v) if pd.notna(v) else "" for v in fan[col].to_numpy(dtype="float64")]
    table["date"] = table["date"].dt.strftime("%Y-%m-%d")
    buf = io.StringIO()
    table.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()
