"""Full-history streaks at the cost of the window: one small item summarises every day before it.

The item (`STREAK#<user>`, lib.store.types.StreakState) holds what the window cannot tell: the first
day, the last known day before `upto`, the run of kept days ending there and the longest run.
`upto` is the start of the budget period holding the 1st of this month (the 1st itself for the
calendar month; lib.core.period.upto_of), inside the standing's window, so a load joins the summary
to the window's days (lib.core.standing) and never reads further back. It is derived data:

- built on first need (a table of the original backend has none): one Query for the days
  before the window, then one PutItem;
- moved forward once a month (one PutItem on the first load of a month), from days in the window;
  a rolling budget's running sum restarts at each period start (the payday rule), never mid-period;
- dropped by any write dated before `upto` (the stores do it; this month's days never are), and
  ignored when the rule changed (budget, budget style, fixed categories, payday): rebuilt on the next load;
- rebuilt on demand with `python -m lib rebuild-streaks --user U`.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from lib.core import analytics as an
from lib.core import period
from lib.core.models import DEFAULT_BUDGET_STYLE, Profile
from lib.core.types import StreakState

HISTORY_START = dt.date(1900, 1, 1)


def signature(profile: Profile, default_fixed: tuple[str, ...]) -> str:
    """The rule a state was built under; a different budget, style, fixed set or payday makes it stale.

    The calendar month adds nothing, so states built before payday rules existed stay usable.
    """
    fixed = profile.fixed_categories if profile.fixed_categories is not None else default_fixed
    budget = an.decimal_to_cents(profile.daily_budget)
    sig = f"{budget}|{profile.budget_style or DEFAULT_BUDGET_STYLE}|{'|'.join(sorted(fixed))}"
    rule = rule_text(profile)
    return sig if rule == period.CALENDAR else f"{sig}|payday={rule}"


def rule_text(profile: Profile) -> str:
    """The profile's payday rule, canonical ("calendar" for none or one that no longer reads)."""
    try:
        return period.parse_rule(getattr(profile, "payday", period.CALENDAR)).text
    except period.PeriodRuleError:
        return period.CALENDAR


def usable(state: StreakState | None, sig: str, window_start: dt.date, today: dt.date) -> bool:
    """A state can be joined to this window: same rule, and its `upto` inside the window."""
    return state is not None and state.signature == sig and window_start <= state.upto <= today


def _days(start: dt.date, end: dt.date) -> pd.DatetimeIndex:
    return pd.date_range(start, end, freq="D", unit="s", name="date")


def excess_series(
    state: StreakState | None,
    everyday: pd.Series,
    budget_cents: int,
    style: str,
    tracking: dt.date | None,
    known_end: dt.date | None,
    rule: period.PeriodRule | str = period.CALENDAR,
) -> tuple[pd.Series, pd.Series]:
    """Daily (everyday) cents and cents over the allowance for every known day the streak looks at.

    Without a state: the days of `everyday` from `tracking` to `known_end`. With one: its tail of
    kept days, the days between its last known day and `upto` (known now, nothing spent, if
    `known_end` passed `upto`), then `everyday` from `upto` on. `everyday` must cover those days.
    """
    empty = pd.Series([], index=_days(dt.date(2000, 1, 2), dt.date(2000, 1, 1)), dtype="int64")
    if known_end is None or tracking is None:
        return empty, empty
    if state is None or state.last_day is None:
        start = max(tracking, state.upto) if state is not None and state.first_day is None else tracking
        part = everyday[(everyday.index >= pd.Timestamp(start)) & (everyday.index <= pd.Timestamp(known_end))]
        return part, pd.Series(an.day_excess(part, budget_cents, style, rule), index=part.index)
    pieces_cents: list[pd.Series] = []
    pieces_excess: list[pd.Series] = []
    if state.tail and state.tail_start:
        idx = _days(state.tail_start, state.last_day)
        pieces_cents.append(pd.Series(0, index=idx, dtype="int64"))
        pieces_excess.append(pd.Series(-1, index=idx, dtype="int64"))  # kept days, as summarised
    if known_end >= state.upto:
        gap = _days(state.last_day + dt.timedelta(days=1), state.upto - dt.timedelta(days=1))
        if len(gap):
            # Nothing was recorded on them, and a later known day makes them known: kept, unless the
            # rolling period was already so far over that a quiet day does not bring it back.
            edges = np.array([np.datetime64(d, "s") for d in
                              period.starts_between(state.last_day, gap[-1].date(), rule)])
            days = gap.to_numpy(dtype="datetime64[s]")
            starts = edges[np.searchsorted(edges, days, side="right") - 1]
            same = starts == edges[0]  # the last known day's period
            after = (gap - pd.Timestamp(state.last_day)).days.to_numpy()
            # A new period began inside the gap: every day of it so far was quiet.
            into = (days - starts) // np.timedelta64(1, "D") + 1
            rolling = np.where(same, state.last_excess - budget_cents * after, -budget_cents * into)
            excess = rolling if style == "rolling" else np.full(len(gap), -budget_cents)
            pieces_cents.append(pd.Series(0, index=gap, dtype="int64"))
            pieces_excess.append(pd.Series(np.asarray(excess, dtype=np.int64), index=gap))
        part = everyday[(everyday.index >= pd.Timestamp(state.upto)) & (everyday.index <= pd.Timestamp(known_end))]
        pieces_cents.append(part.astype("int64"))
        pieces_excess.append(pd.Series(an.day_excess(part, budget_cents, style, rule), index=part.index))
    if not pieces_cents:
        # The last known day broke the streak and nothing is known after it.
        idx = _days(state.last_day, state.last_day)
        return pd.Series(0, index=idx, dtype="int64"), pd.Series(max(state.last_excess, 1), index=idx, dtype="int64")
    return pd.concat(pieces_cents), pd.concat(pieces_excess)


def merge_longest(state: StreakState | None, st: an.StreakStats) -> tuple[int, dt.date | None, dt.date | None]:
    """The longest run: the summarised one if it is longer (or as long and earlier), else the joined one."""
    if state is not None and state.longest and (
        state.longest > st.longest
        or (state.longest == st.longest and state.longest_start and st.longest_start
            and state.longest_start < st.longest_start)
    ):
        return state.longest, state.longest_start, state.longest_end
    return st.longest, st.longest_start, st.longest_end


def summarise(
    cents: pd.Series, excess: pd.Series, upto: dt.date, sig: str, first_day: dt.date | None,
    previous: StreakState | None = None,
) -> StreakState:
    """The state for days before `upto`, from the known days' excess series (and an earlier summary)."""
    before = excess[excess.index < pd.Timestamp(upto)]
    built = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    if before.empty:
        return StreakState(upto=upto, signature=sig, first_day=first_day, built_at=built,
                           longest=previous.longest if previous else 0,
                           longest_start=previous.longest_start if previous else None,
                           longest_end=previous.longest_end if previous else None)
    day_after = pd.Timestamp(before.index[-1]) + pd.Timedelta(days=1)
    st = an.streaks(cents[cents.index < pd.Timestamp(upto)], 0, day_after.date(), excess=before.to_numpy())
    longest, l_start, l_end = merge_longest(previous, st)
    return StreakState(
        upto=upto, signature=sig, first_day=first_day, last_day=pd.Timestamp(before.index[-1]).date(),
        tail=st.current, tail_start=st.current_start, longest=longest, longest_start=l_start, longest_end=l_end,
        last_excess=int(before.iloc[-1]), built_at=built,
    )
