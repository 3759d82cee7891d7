"""Monthly bills found in the history (same payee about a month apart), and the split of recent days
into bills (scheduled on their due day) and everyday spending (bootstrapped)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from lib.core.forecast import rare

# A monthly bill: 3+ payments to one payee in the last 95 days, 25-35 days apart, within 25% of their median.
BILL_LOOKBACK_DAYS = 94  # with today: the standing's 95-day window (any 93 days hold 3 monthly payments)
BILL_MIN_PAYMENTS = 3
BILL_GAP_DAYS = (25, 35)
BILL_AMOUNT_SPREAD = 0.25
BILL_LATE_DAYS = 5  # a bill this many days overdue is still expected (at the first open day)
# The fixed-cost categories a user has by default (lib.core.standing.DEFAULT_FIXED_CATEGORIES says the same;
# the standing imports forecast, not the other way round): the backtest schedules them as the live forecast does.
DEFAULT_FIXED = frozenset({"Bills", "Rent", "Utilities", "Insurance", "Subscriptions"})


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)


def _month_end(day: dt.date) -> dt.date:
    return _add_months(day, 1) - dt.timedelta(days=1)



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
    # Rare big purchases (lib.core.forecast.rare): the window's days come first in `hist_total` and
    # `hist_by_category`; the big days of the year before the window follow them (`n_window` on).
    n_window: int | None = None  # None: all of `hist_total` is the window
    big_days: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # indices into hist_total
    big_rate: float = 0.0  # big days per day over the year, the window included

    @property
    def big(self) -> dict[str, Any]:
        """The model's keyword arguments for rare big purchases (`_draw`)."""
        return {"n_window": self.n_window, "big_days": self.big_days, "big_rate": self.big_rate}


def _fixed_bills(rows: _Rows, part: slice, fixed: frozenset[str], known: list[Bill]) -> list[Bill]:
    """Payments in the user's fixed categories, each payee's latest one, as monthly bills (unless found already)."""
    wanted = {c.lower() for c in fixed}
    codes = [i for i, c in enumerate(rows.categories) if c.lower() in wanted]
    if not codes:
        return []
    idx = np.flatnonzero(np.isin(rows.category[part], codes) & (rows.cents[part] > 0)) + part.start
    seen = {(b.description, b.category) for b in known}
    latest: dict[int, int] = {}
    for i in idx:  # day order: the last one per payee wins
        latest[int(rows.payee[i])] = int(i)
    out = []
    for code, i in latest.items():
        description, category = rows.payees[code]
        if (description, category) not in seen:
            out.append(Bill(description, category, int(rows.cents[i]), dt.date.fromordinal(int(rows.day[i]) + _EPOCH)))
    return out


def _prepare(
    window: np.ndarray, window_start: dt.date | None, rows: _Rows | None, as_of: dt.date,
    future_start: dt.date, n_future: int, fixed_categories: frozenset[str] = frozenset(),
    earlier: np.ndarray | None = None, year: rare.Year | None = None,
) -> _Inputs:
    """Split recent spending into bills (scheduled ahead) and everyday days (bootstrapped), per category.

    Payments in `fixed_categories` are bills too (monthly, on the day of the last one): rent drawn
    at random into everyday days would make every simulated day a rent day. `earlier`: the days
    before the window (up to a year with it), where the rare big purchases' rate and sizes come from; `year`:
    the year before those days as the forecast memory kept it (its typical days and big days; see rare.Year).
    """
    hist = window.astype("float64")
    if window_start is None or not len(window):
        return _Inputs(hist, {}, {}, [], np.zeros(n_future), {}, n_window=len(window))
    n_early = 0 if earlier is None else len(earlier)
    first = window_start - dt.timedelta(days=n_early)
    if rows is None:  # the daily totals alone: nothing is known to be a bill
        early = np.zeros(0) if earlier is None else earlier.astype("float64")
        return _with_big(_Inputs(hist, {}, {}, [], np.zeros(n_future), {}), early, {}, first, year)
    lookback = rows.between(min(window_start, as_of - dt.timedelta(days=BILL_LOOKBACK_DAYS)), as_of)
    bills = _find_bills(rows, lookback, as_of)
    bills = bills + _fixed_bills(rows, lookback, fixed_categories, bills)
    bill_payees = np.isin(np.arange(len(rows.payees)), [rows.payees.index((b.description, b.category)) for b in bills])

    part = rows.between(first, window_start + dt.timedelta(days=len(window) - 1))
    day_idx = rows.day[part] - _day_number(first)
    is_bill = bill_payees[rows.payee[part]]
    n_cats = len(rows.categories)
    flat = day_idx * n_cats + rows.category[part]
    size = (n_early + len(window)) * n_cats
    cents = rows.cents[part].astype("float64")
    both = np.bincount(flat[~is_bill], weights=cents[~is_bill], minlength=size).reshape(-1, n_cats)
    billed = np.bincount(flat[is_bill], weights=cents[is_bill], minlength=size).reshape(-1, n_cats)[n_early:]
    everyday, before = both[n_early:], both[:n_early]
    positive = np.clip(everyday + billed, 0, None).sum(axis=0)
    total = float(positive.sum())
    shares = {rows.categories[c]: float(positive[c]) / total for c in np.argsort(-positive, kind="stable")
              if positive[c] > 0}
    hist = hist - billed.sum(axis=1)
    # Before the window, a payment in a fixed category is a bill whether or not it is still paid (an old rent).
    wanted = {c.lower() for c in fixed_categories}
    before = before * np.array([c.lower() not in wanted for c in rows.categories], dtype="float64")[None, :]
    used = np.flatnonzero(np.abs(everyday).sum(axis=0) + np.abs(before).sum(axis=0) > 0)
    horizon_end = future_start + dt.timedelta(days=n_future - 1)
    bills_total = np.zeros(n_future)
    bills_by_cat: dict[str, np.ndarray] = {}
    for bill in bills:
        for due in bill.due_dates(future_start, horizon_end):
            k = (due - future_start).days
            bills_total[k] += bill.amount_cents
            bills_by_cat.setdefault(bill.category, np.zeros(n_future))[k] += bill.amount_cents
    inputs = _Inputs(hist, {rows.categories[c]: everyday[:, c] for c in used}, shares, bills, bills_total, bills_by_cat)
    return _with_big(inputs, before.sum(axis=1), {rows.categories[c]: before[:, c] for c in used}, first, year)


def _with_big(inputs: _Inputs, early: np.ndarray, early_by_cat: dict[str, np.ndarray], first: dt.date,
              year: rare.Year | None = None) -> _Inputs:
    """The inputs with the year's rare big purchases: which days they were and their rate, the earlier ones appended.

    `early` holds the days from `first` up to the window; with a `year` (the forecast memory's) the days of the year
    before `first` count too, and every day is big against that year's typical day of its weekday.
    """
    n, k = len(inputs.hist_total), len(early)
    big = rare.big_days(np.concatenate((early, inputs.hist_total)), first.weekday(), None if year is None
                        else year.typical)
    older: tuple[tuple[dt.date, float, dict[str, float]], ...] = ()
    span = k + n
    if year is not None:  # the year the window's 365 days reach back to, as far as the memory tracked it
        start = max(year.first, first + dt.timedelta(days=k + n - rare.YEAR_DAYS))
        older = tuple(b for b in year.big if start <= b[0] < first)
        span += max((first - start).days, 0)
    if not n or not (big.any() or older):
        return replace(inputs, n_window=n)
    before = big[:k]
    m = int(before.sum()) + len(older)  # the earlier big days, appended after the window's days
    by_cat = dict(inputs.hist_by_category)
    if by_cat:  # a category only the memory's big days had gets a column of its own
        by_cat.update({c: np.zeros(n) for b in older for c in b[2] if c not in by_cat})
    return replace(
        inputs, n_window=n, big_rate=float((big.sum() + len(older)) / span),
        big_days=np.concatenate((np.flatnonzero(big[k:]), n + np.arange(m))),
        hist_total=np.concatenate((inputs.hist_total, early[before], [b[1] for b in older])),
        hist_by_category={c: np.concatenate((v, early_by_cat[c][before] if c in early_by_cat else np.zeros(
            int(before.sum())), [b[2].get(c, 0.0) for b in older])) for c, v in by_cat.items()},
    )
