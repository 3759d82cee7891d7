"""Pure spending analytics over pandas: daily totals, streaks, categories, month pace, stats.

Money inside frames is integer cents (int64): exact and vectorised. It becomes Decimal again
only at the edges (`cents_to_decimal`, `compute_stats`). No streamlit, no boto3 here.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from lib.core import period
from lib.core.models import Profile, Transaction

COLUMNS = ("date", "amount_cents", "category", "description")
DATE_DTYPE = "datetime64[s]"  # what pandas 3 itself gives a date range; values are always midnights
NO_DESCRIPTION = "(no description)"
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_HUNDRED = Decimal(100)
_ONE = Decimal(1)

# The rule for today, in one sentence the UI can show next to the streak.
TODAY_RULE = (
    "Today joins your streak at midnight if it ends at or under your daily budget; "
    "go over budget today and the streak is broken right away."
)


def cents_to_decimal(cents: int) -> Decimal:
    """Integer cents as an exact two-decimal Decimal (the only way money leaves a frame)."""
    return Decimal(int(cents)).scaleb(-2)


def decimal_to_cents(amount: Decimal) -> int:
    """A Decimal amount as integer cents, rounding a legacy third decimal half away from zero."""
    return int((amount * _HUNDRED).quantize(_ONE, rounding=ROUND_HALF_UP))


def money_str(cents: int) -> str:
    """Cents as the JSON money string used everywhere ("12.50")."""
    return str(cents_to_decimal(cents))


def _amounts_to_cents(amounts: Sequence[Decimal]) -> np.ndarray:
    # Fast path: 100*x then int() truncates toward zero, which is exact for two-decimal amounts.
    # Truncation only ever shrinks |x|, so equal sums of absolute values prove every row was exact.
    cents = np.fromiter(map(int, map(_HUNDRED.__mul__, amounts)), dtype=np.int64, count=len(amounts))
    if sum(map(abs, amounts), Decimal(0)) * _HUNDRED != int(np.abs(cents).sum()):
        cents = np.fromiter(map(decimal_to_cents, amounts), dtype=np.int64, count=len(amounts))
    return cents


def empty_frame() -> pd.DataFrame:
    """A transactions frame with no rows but the right columns and dtypes."""
    return pd.DataFrame(
        {
            "date": pd.Series([], dtype=DATE_DTYPE),
            "amount_cents": pd.Series([], dtype="int64"),
            "category": pd.Series([], dtype="str"),
            "description": pd.Series([], dtype="str"),
        }
    )


def transactions_frame(txns: Sequence[Transaction]) -> pd.DataFrame:
    """Transactions as a frame (date, amount_cents, category, description), built column-wise for speed."""
    if not txns:
        return empty_frame()
    ordinals = np.fromiter((t.date.toordinal() for t in txns), dtype=np.int64, count=len(txns))
    dates = (ordinals - _EPOCH_ORDINAL).astype("datetime64[D]").astype(DATE_DTYPE)
    return pd.DataFrame(
        {
            "date": dates,
            "amount_cents": _amounts_to_cents([t.amount for t in txns]),
            "category": pd.array([t.category for t in txns], dtype="str"),
            "description": pd.array([t.description for t in txns], dtype="str"),
        }
    )


def as_frame(txns_or_df: Sequence[Transaction] | pd.DataFrame) -> pd.DataFrame:
    """Accept either a transactions frame or a list of Transaction (callers have one or the other)."""
    if isinstance(txns_or_df, pd.DataFrame):
        return txns_or_df
    return transactions_frame(list(txns_or_df))


def _ts(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day)


def _between(df: pd.DataFrame, start: dt.date, end: dt.date, columns: list[str] | None = None) -> pd.DataFrame:
    """Rows dated start..end (only `columns`, so a breakdown does not copy columns it ignores)."""
    dates = df["date"]
    frame = df if columns is None else df[columns]
    return frame[(dates >= _ts(start)) & (dates <= _ts(end))]


def first_day(df: pd.DataFrame) -> dt.date | None:
    """The date of the earliest transaction (when tracking started), or None without data."""
    if df.empty:
        return None
    return pd.Timestamp(df["date"].min()).date()


def daily_totals(df: pd.DataFrame, start: dt.date, end: dt.date) -> pd.Series:
    """Net spending in cents for every day start..end; days without transactions are 0."""
    index = pd.date_range(start, end, freq="D", unit="s", name="date")
    if end < start:
        return pd.Series([], index=index, dtype="int64", name="amount_cents")
    window = _between(df, start, end, ["date", "amount_cents"])
    sums = window.groupby("date", sort=False)["amount_cents"].sum()
    sums.index = pd.DatetimeIndex(sums.index).as_unit("s")
    return sums.reindex(index, fill_value=0).astype("int64").rename("amount_cents")


@dataclass(frozen=True)
class StreakStats:
    """Streak numbers for one budget; see `streaks` for how today is treated (TODAY_RULE)."""

    current: int
    current_start: dt.date | None
    longest: int
    longest_start: dt.date | None
    longest_end: dt.date | None
    history: pd.DataFrame  # start, end, length, broken_on, broken_by_cents (0 while ongoing)
    today_status: str  # "under" (at or under budget), "over", "refund" (net refunds) or "no spending"
    today_spent_cents: int
    rule: str = TODAY_RULE


def _runs(ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) positions of each run of True."""
    padded = np.concatenate(([False], ok, [False])).astype(np.int8)
    edges = np.diff(padded)
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


BUDGET_STYLES = ("daily", "rolling")


def period_keys(index: pd.DatetimeIndex, rule: Any = None) -> np.ndarray:
    """For each day of `index`, a number naming its budget period (the calendar month without a rule)."""
    parsed = period.parse_rule(rule) if isinstance(rule, str) or rule is None else rule
    if parsed.is_calendar or not len(index):
        return np.asarray(index.year.to_numpy() * 12 + index.month.to_numpy(), dtype=np.int64)
    starts = period.starts_between(index[0].date(), index[-1].date(), parsed)
    edges = np.array([np.datetime64(d, "s") for d in starts])
    return np.asarray(np.searchsorted(edges, index.to_numpy(dtype="datetime64[s]"), side="right") - 1, dtype=np.int64)


def day_excess(daily: pd.Series, budget_cents: int, style: str = "daily", rule: Any = None) -> np.ndarray:
    """Cents over the budget for each day of `daily` (<= 0: the day kept the budget).

    `daily`: each day on its own against the budget. `rolling`: unspent budget carries forward
    within the budget period (`rule`, lib.core.period; the calendar month without one), so a day is
    over when the period's spending to that day (from the period's first day in the series) is over
    the budget times the days so far.
    """
    values = daily.to_numpy(dtype=np.int64)
    if style != "rolling" or not len(values):
        return values - budget_cents
    frame = pd.DataFrame({"m": period_keys(pd.DatetimeIndex(daily.index), rule), "v": values})
    cum = frame.groupby("m")["v"].cumsum().to_numpy(dtype=np.int64)
    days = frame.groupby("m").cumcount().to_numpy(dtype=np.int64) + 1
    return cum - budget_cents * days


def streaks(
    daily: pd.Series, budget_cents: int, today: dt.date, style: str = "daily", excess: np.ndarray | None = None
) -> StreakStats:
    """Streaks of days whose net spending is at or under the budget (exactly on budget counts).

    Today's rule: days before today are finished and counted; today is still in progress, so it
    is not counted yet (it joins the streak once it is over). If today is ALREADY over budget the
    current streak is 0 at once, since a later purchase cannot undo that (a refund can, and the
    next computation will show it). Days after today are ignored. `daily` must cover consecutive
    days (as `daily_totals` returns); changing the budget changes every streak the next time.
    """
    today_ts = _ts(today)
    index = pd.DatetimeIndex(daily.index)
    values = daily.to_numpy(dtype=np.int64)
    done_mask = index < today_ts
    done_idx = index[done_mask]
    done = values[done_mask]
    today_pos = np.flatnonzero(index == today_ts)
    today_cents = int(values[today_pos[0]]) if today_pos.size else 0
    # `excess` (aligned with daily) lets a caller join days it summarised elsewhere (lib.core.standing).
    excess_all = day_excess(daily, budget_cents, style) if excess is None else np.asarray(excess, dtype=np.int64)
    excess = excess_all[done_mask]
    today_excess = int(excess_all[today_pos[0]]) if today_pos.size else -budget_cents

    ok = excess <= 0
    starts, ends = _runs(ok)
    lengths = ends - starts
    # A run ends because the following day went over budget (or it is still running).
    broken_pos = np.minimum(ends, len(done) - 1) if len(done) else ends
    still_running = ends == len(done)
    broken_by = np.where(still_running, 0, excess[broken_pos]) if len(done) else np.array([], np.int64)
    history = pd.DataFrame(
        {
            "start": [d.date() for d in done_idx[starts]],
            "end": [d.date() for d in done_idx[ends - 1]],
            "length": lengths.astype(np.int64),
            "broken_on": [
                None if running else done_idx[p].date() for p, running in zip(broken_pos, still_running, strict=True)
            ],
            "broken_by_cents": np.asarray(broken_by, dtype=np.int64),
        }
    )
    if today_pos.size and today_excess > 0:
        status = "over"
    elif today_cents < 0:
        status = "refund"  # refunds beat purchases today: not "nothing spent"
    elif today_cents == 0:
        status = "no spending"
    else:
        status = "under"

    current, current_start = 0, None
    if status != "over" and len(done) and ok[-1]:
        current = int(lengths[-1])
        current_start = done_idx[starts[-1]].date()
    if status == "over" and len(history) and history["broken_on"].iloc[-1] is None:
        # The running streak is broken by today; history shows that as it will look at midnight.
        history.loc[history.index[-1], ["broken_on", "broken_by_cents"]] = [today, today_excess]

    longest, longest_start, longest_end = 0, None, None
    if lengths.size:
        best = int(np.argmax(lengths))  # first of equally long runs: the record was set then
        longest = int(lengths[best])
        longest_start = done_idx[starts[best]].date()
        longest_end = done_idx[ends[best] - 1].date()
    return StreakStats(
        current=current,
        current_start=current_start,
        longest=longest,
        longest_start=longest_start,
        longest_end=longest_end,
        history=history,
        today_status=status,
        today_spent_cents=today_cents,
    )


def by_category(df: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Net spending per category start..end (refunds net into their category), biggest first."""
    return _grouped(_between(df, start, end, ["category", "amount_cents"]), "category")


def by_merchant(df: pd.DataFrame, start: dt.date, end: dt.date, top: int = 10) -> pd.DataFrame:
    """Net spending per description (the merchant), biggest first, at most `top` rows."""
    grouped = _grouped(_between(df, start, end, ["description", "amount_cents"]), "description")
    # Label the blank description after grouping: a few rows, not a million strings.
    grouped["description"] = grouped["description"].where(grouped["description"] != "", NO_DESCRIPTION)
    return grouped.head(top).reset_index(drop=True)


def _grouped(window: pd.DataFrame, key: str) -> pd.DataFrame:
    if window.empty:
        return pd.DataFrame(
            {
                key: pd.Series([], dtype="str"),
                "amount_cents": pd.Series([], dtype="int64"),
                "count": pd.Series([], dtype="int64"),
                "share": pd.Series([], dtype="float64"),
            }
        )
    grouped = window.groupby(key, sort=False)["amount_cents"].agg(["sum", "size"])
    out = pd.DataFrame(
        {
            key: grouped.index.astype("str"),
            "amount_cents": grouped["sum"].to_numpy(dtype=np.int64),
            "count": grouped["size"].to_numpy(dtype=np.int64),
        }
    )
    # Share of the period's spending; categories that are net refunds get a negative share.
    spent = int(out["amount_cents"].clip(lower=0).sum())
    out["share"] = out["amount_cents"] / spent if spent > 0 else 0.0
    return out.sort_values(["amount_cents", key], ascending=[False, True], kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class MonthPace:
    """This month's spending against the pace the daily budget (and the salary) allow."""

    month_start: dt.date
    spent_cents: int
    allowed_so_far_cents: int  # budget x days elapsed, today included
    month_budget_cents: int  # budget x days in the month
    projection_cents: int  # spent so far / days elapsed x days in month
    days_elapsed: int
    days_in_month: int
    days_left: int  # after today
    left_per_day_cents: int | None  # per remaining day to end on budget (0: already gone); None on the last day
    salary_cents: int | None
    salary_share: float | None  # spent / salary
    salary_projection_share: float | None  # projection / salary
    salary_pace_share: float | None  # the share of the month already gone (elapsed / days in month)

    @property
    def over_pace_cents(self) -> int:
        """How far spending is ahead of the allowed pace (negative when behind it)."""
        return self.spent_cents - self.allowed_so_far_cents

    @property
    def projected_over_cents(self) -> int:
        """How far the projected month end is over the month's budget (negative when under)."""
        return self.projection_cents - self.month_budget_cents


def _div_round(numerator: int, denominator: int) -> int:
    """Integer division rounding half away from zero (exact for cents, no floats)."""
    q = (Decimal(numerator) / Decimal(denominator)).quantize(_ONE, rounding=ROUND_HALF_UP)
    return int(q)


def month_pace(daily: pd.Series, budget_cents: int, salary_cents: int | None, today: dt.date) -> MonthPace:
    """Month-to-date spending, what the budget allowed so far, and the month end at the current rate.

    The rate includes today (spent so far / days elapsed, today counted as elapsed), so early in
    the day the projection leans low; payday and the salary share assume one salary a month.
    """
    month_start = today.replace(day=1)
    days_in_month = calendar.monthrange(today.year, today.month)[1]
    days_elapsed = today.day
    index = pd.DatetimeIndex(daily.index)
    in_month = (index >= _ts(month_start)) & (index <= _ts(today))
    spent = int(daily.to_numpy(dtype=np.int64)[in_month].sum())
    month_budget = budget_cents * days_in_month
    days_left = days_in_month - days_elapsed
    salary = salary_cents if salary_cents and salary_cents > 0 else None
    projection = _div_round(spent * days_in_month, days_elapsed)
    return MonthPace(
        month_start=month_start,
        spent_cents=spent,
        allowed_so_far_cents=budget_cents * days_elapsed,
        month_budget_cents=month_budget,
        projection_cents=projection,
        days_elapsed=days_elapsed,
        days_in_month=days_in_month,
        days_left=days_left,
        left_per_day_cents=max(0, (month_budget - spent) // days_left) if days_left else None,
        salary_cents=salary,
        salary_share=spent / salary if salary else None,
        salary_projection_share=projection / salary if salary else None,
        salary_pace_share=days_elapsed / days_in_month if salary else None,
    )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _rows(frame: pd.DataFrame, key: str) -> list[dict[str, Any]]:
    return [
        {key: name, "amount": money_str(cents), "count": int(count), "share": round(float(share), 4)}
        for name, cents, count, share in zip(
            frame[key], frame["amount_cents"], frame["count"], frame["share"], strict=True
        )
    ]


def compute_stats(
    txns_or_df: Sequence[Transaction] | pd.DataFrame,
    profile: Profile,
    today: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, Any]:
    """Everything the stats page and `python -m lib stats` show, JSON-ready (money as "12.50").

    Streak, today and month figures are always as of `today` over all the data given (tracking
    starts at the first transaction); start..end (default: first transaction..today) only limits
    the period totals and the category and merchant breakdowns.
    """
    df = as_frame(txns_or_df)
    df = df[df["date"] <= _ts(today)] if not df.empty else df  # future-dated rows are not spending yet
    budget = decimal_to_cents(profile.daily_budget)
    salary = decimal_to_cents(profile.monthly_salary) if profile.monthly_salary is not None else None
    tracking = first_day(df) or today
    daily = daily_totals(df, min(tracking, today.replace(day=1)), today)
    streak_daily = daily[daily.index >= _ts(tracking)]
    st = streaks(streak_daily, budget, today)
    pace = month_pace(daily, budget, salary, today)

    period_start = start or tracking
    period_end = end or today
    period_daily = daily_totals(df, period_start, period_end) if period_start <= period_end else daily.iloc[:0]
    period_days = len(period_daily)
    period_spent = int(period_daily.sum())
    cats = by_category(df, period_start, period_end)
    merchants = by_merchant(df, period_start, period_end, top=10)
    history = st.history.tail(10)
    return {
        "user_id": profile.user_id,
        "today": today.isoformat(),
        "daily_budget": money_str(budget),
        "monthly_salary": money_str(salary) if salary is not None else None,
        "has_data": not df.empty,
        "tracking_since": _iso(first_day(df)),
        "today_spent": money_str(st.today_spent_cents),
        "today_status": st.today_status,
        "today_rule": st.rule,
        "current_streak": st.current,
        "current_streak_start": _iso(st.current_start),
        "longest_streak": st.longest,
        "longest_streak_start": _iso(st.longest_start),
        "longest_streak_end": _iso(st.longest_end),
        "streak_history": [
            {
                "start": _iso(r.start),
                "end": _iso(r.end),
                "length": int(r.length),
                "broken_on": _iso(r.broken_on),
                "broken_by": None if r.broken_on is None else money_str(int(r.broken_by_cents)),
            }
            for r in history.itertuples(index=False)
        ],
        "month_spent": money_str(pace.spent_cents),
        "month_allowed": money_str(pace.allowed_so_far_cents),
        "month_budget": money_str(pace.month_budget_cents),
        "month_projection": money_str(pace.projection_cents),
        "month_days_elapsed": pace.days_elapsed,
        "month_days_in_month": pace.days_in_month,
        "month_left_per_day": money_str(pace.left_per_day_cents) if pace.left_per_day_cents is not None else None,
        "salary_share": round(pace.salary_share, 4) if pace.salary_share is not None else None,
        "salary_projection_share": (
            round(pace.salary_projection_share, 4) if pace.salary_projection_share is not None else None
        ),
        "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(),
        "period_spent": money_str(period_spent),
        "period_days": period_days,
        "period_daily_average": money_str(_div_round(period_spent, period_days)) if period_days else "0.00",
        "period_days_within_budget": int((period_daily <= budget).sum()),
        "by_category": _rows(cats, "category"),
        "by_merchant": _rows(merchants, "description"),
    }
