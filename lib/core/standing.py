"""Where a user stands today: the ONE set of facts the dashboard, the coach, the CLI and the API use.

One function (`standing_from_window`) over one loaded window (`load_standing`: one Query) decides
every number: today against the budget (daily or rolling), known versus unlogged days, fixed bills
kept apart from daily spending, the streaks, and the month end, which is the forecast model's
median with its p10-p90 band (the straight line is only a labelled comparison). Pure: no
streamlit, no boto3; money is integer cents inside, Decimal strings in `to_dict()` (the record:
lib.core.standing_record). The month's band is calibrated as the streak state's forecast memory says
(lib.core.forecast.memory), so a 95-day load gets the calibration of a year's backtest.
"""
from __future__ import annotations

import calendar
import datetime as dt
import logging
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from lib.core import analytics as an
from lib.core import payday, period, streaks
from lib.core.models import DEFAULT_BUDGET_STYLE, NAME_MAX, Profile, clean_text, clip_words, normalise_tone
from lib.core.money import currency_symbol, home_symbol
from lib.core.standing_record import Standing
from lib.core.types import StreakState, Window

log = logging.getLogger(__name__)
# One dashboard load reads this many days: the forecast's 84 complete days and the 95 days its
# monthly-bill detection looks at (lib.core.forecast.bills), so every page and command projects from
# the same data. 100 days would cost 4.5 read units on the 3-year demo; 95 stay at 4.0.
WINDOW_DAYS = 95
DEFAULT_FIXED_CATEGORIES = ("Bills", "Rent", "Utilities", "Insurance", "Subscriptions")
TOP_WINDOW_DAYS = 30
SPLURGE_WINDOW_DAYS = 7
TEXT_LIMIT = 40


def month_before(today: dt.date) -> dt.date:
    """The last day before today's month: the forecast's memory reads up to it (lib.core.forecast.memory)."""
    return today.replace(day=1) - dt.timedelta(days=1)


def window_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """The days one standing is computed from (profile and the partition's later items come with them)."""
    return today - dt.timedelta(days=WINDOW_DAYS - 1), today


def fixed_categories(profile: Profile, known: list[str] | None = None) -> tuple[str, ...]:
    """The categories that are fixed costs: the profile's choice, else the defaults the user has."""
    if profile.fixed_categories is not None:
        return profile.fixed_categories
    if known is None:
        return DEFAULT_FIXED_CATEGORIES
    lowered = {c.lower(): c for c in known}
    return tuple(lowered[c.lower()] for c in DEFAULT_FIXED_CATEGORIES if c.lower() in lowered)


def fixed_rule(profile: Profile) -> tuple[str, ...]:
    """The fixed categories as a rule (the profile's, else all defaults; absent ones match nothing)."""
    return profile.fixed_categories if profile.fixed_categories is not None else DEFAULT_FIXED_CATEGORIES


def _pct(ratio: float) -> int:
    return int(np.floor(ratio * 100 + 0.5))


def month_simulation(
    frame: pd.DataFrame, today: dt.date, tracking_since: dt.date | None, horizon_months: int = 1,
    fixed: tuple[str, ...] = DEFAULT_FIXED_CATEGORIES, payday: str = period.CALENDAR, memory: str = "",
) -> Any:
    """The forecast simulation every page and command uses: the same days in, the same month end out.

    Only the standing window's days go in (more history would change the seed and the bills found),
    so the Forecast page, `forecast --json`, `stats --json` and the dashboard agree to the cent.
    It runs at least to the end of the budget period of the `payday` rule. Its band (and a payday rule's
    period band) is calibrated as the streak state's `memory` says: learnt from the backtest of up to 400
    days before the month began (lib.core.forecast.memory); without one, from the backtest of the window's days.
    """
    from lib.core import forecast

    start = window_range(today)[0]
    part = frame[(frame["date"] >= pd.Timestamp(start)) & (frame["date"] <= pd.Timestamp(today))]
    history_start = max(tracking_since, start) if tracking_since else None
    daily = an.daily_totals(part, history_start or today, today)
    from lib.core.forecast import memory as remembered

    kept = remembered.read(memory)
    sim = forecast.simulate(daily, today, frame=part, horizon_months=horizon_months, history_start=history_start,
                            fixed_categories=frozenset(fixed), period_end=period.period_of(today, payday)[1],
                            period_rule=payday, year=None if kept is None else kept.year)
    cals = None if kept is None else kept.cal
    if cals is not None and period.CALENDAR in cals and payday in cals:
        own_cal = None if payday == period.CALENDAR else remembered.nearest(
            cals[payday], (today - period.period_of(today, payday)[0]).days + 1)
        return forecast.calibrated_with(sim, remembered.nearest(cals[period.CALENDAR], today.day), own_cal,
                                        payday, daily)
    bt, *own = [forecast.backtest(daily, frame=part, today=today, history_start=history_start, rule=r,
                                   fixed_categories=frozenset(fixed)) for r in dict.fromkeys((period.CALENDAR, payday))]
    return forecast.calibrated(sim, bt, own[0] if own else None, payday, daily)  # a payday rule: its own too


def fixed_mask(frame: pd.DataFrame, categories: tuple[str, ...], payees: list[tuple[str, str]]) -> np.ndarray:
    """Which rows are fixed costs: a fixed category (any letter case), or a monthly bill's payee."""
    mask = frame["category"].astype(str).str.lower().isin([c.lower() for c in categories]).to_numpy()
    if payees and len(frame):
        index = pd.MultiIndex.from_tuples(payees)
        rows = pd.MultiIndex.from_arrays([frame["description"].astype(str), frame["category"].astype(str)])
        mask = mask | rows.isin(index)
    return np.asarray(mask, dtype=bool)


def _splurge(df: pd.DataFrame, today: dt.date) -> tuple[int, str, dt.date] | None:
    since = pd.Timestamp(today - dt.timedelta(days=SPLURGE_WINDOW_DAYS - 1))
    recent = df[(df["date"] >= since) & (df["date"] <= pd.Timestamp(today)) & (df["amount_cents"] > 0)]
    if recent.empty:
        return None
    row = recent.loc[recent["amount_cents"].idxmax()]
    return int(row["amount_cents"]), str(row["description"]), pd.Timestamp(row["date"]).date()


def standing_from_window(
    window: Window,
    today: dt.date,
    *,
    sim: Any = None,
    checkin: dt.date | None = None,
    frame: pd.DataFrame | None = None,
) -> Standing:
    """Every fact about where the user stands, from one loaded window (and the month's simulation)."""
    df = an.transactions_frame(window.transactions) if frame is None else frame
    sig = streaks.signature(window.profile, DEFAULT_FIXED_CATEGORIES)
    state = window.streak_state if streaks.usable(window.streak_state, sig, window_range(today)[0], today) else None
    return standing_from_frame(window.profile, df, today, currency_symbol(window.transactions), sim=sim,
                               checkin=window.checkin if checkin is None else checkin, state=state)


def standing_from_frame(
    profile: Profile,
    df: pd.DataFrame,
    today: dt.date,
    symbol: str = "",
    *,
    sim: Any = None,
    checkin: dt.date | None = None,
    state: StreakState | None = None,
) -> Standing:
    """The standing from a transactions frame (what `standing_from_window` does once it has the frame).

    With a usable streak `state` (lib.core.streaks) the streaks join its summary of the days before
    `state.upto` to the frame's days from then on; without one they run over the whole frame.
    """
    from lib.core import forecast

    df = df[df["date"] <= pd.Timestamp(today)]
    budget = an.decimal_to_cents(profile.daily_budget)
    salary = an.decimal_to_cents(profile.monthly_salary) if profile.monthly_salary else None
    style = profile.budget_style or DEFAULT_BUDGET_STYLE
    tracking = an.first_day(df)
    last_txn = pd.Timestamp(df["date"].max()).date() if not df.empty else None
    checkin = checkin if checkin is not None and checkin <= today else None
    known = [d for d in (last_txn, checkin, state.last_day if state else None) if d is not None]
    tracked_through = max(known) if known else None
    if state is not None and state.first_day is not None:
        tracking = state.first_day
    if tracking is None and checkin is not None:
        tracking = checkin
    # The forecast's memory of this month (lib.core.forecast.memory; another month's would look ahead or lag).
    memory = state.forecast if state is not None and state.forecast_through == month_before(today) else ""
    if sim is None:
        sim = month_simulation(df, today, tracking, fixed=fixed_rule(profile), payday=payday.rule_of(profile).text,
                               memory=memory)

    cats = fixed_categories(profile, sorted(set(df["category"].astype(str))))
    payees = sorted({(b.description, b.category) for b in sim.bills})
    fixed = fixed_mask(df, cats, payees)
    everyday_df = df[~fixed]
    fixed_df = df[fixed]

    month_start = today.replace(day=1)
    days_in_month = calendar.monthrange(today.year, today.month)[1]
    rule = payday.rule_of(profile)
    p_start = period.period_of(today, rule)[0]
    # The series also covers the streak state's `upto` (a period start that can precede both).
    first = min(tracking or today, month_start, p_start, state.upto if state is not None else today)
    daily_all = an.daily_totals(df, first, today)
    daily_fixed = an.daily_totals(fixed_df, first, today)
    daily_everyday = an.daily_totals(everyday_df, first, today)

    # Streaks run over known days only: from the first transaction to tracked_through (and today).
    known_end = min(tracked_through, today) if tracked_through else None
    cents, excess = streaks.excess_series(state, daily_everyday, budget, style, tracking, known_end, rule)
    streak = an.streaks(cents, budget, today, style, excess=excess.to_numpy())
    longest, longest_start, longest_end = streaks.merge_longest(state, streak)
    today_all = int(daily_all.iloc[-1])
    today_fixed = int(daily_fixed.iloc[-1])
    today_everyday = int(daily_everyday.iloc[-1])

    in_month = daily_everyday.index >= pd.Timestamp(month_start)
    month_everyday = int(daily_everyday[in_month].sum())
    month_fixed = int(daily_fixed[in_month].sum())
    month_spent = month_everyday + month_fixed
    period_everyday = int(daily_everyday[daily_everyday.index >= pd.Timestamp(p_start)].sum())
    if style == "rolling":
        # The period's allowance to today (from tracking's start when it began this period) less what went before.
        counted_from = max(p_start, tracking or p_start)
        allowance = budget * ((today - counted_from).days + 1) - (period_everyday - today_everyday)
    else:
        allowance = budget
    status = streak.today_status
    if style == "rolling" and status != "refund":
        status = "over" if today_everyday > allowance else ("no spending" if today_everyday == 0 else "under")

    bills_ahead = sim.bills_ahead()
    bills_due = int(bills_ahead["amount_cents"].sum()) if len(bills_ahead) else 0
    fixed_expected = month_fixed + bills_due
    outlook = forecast.what_if(
        sim, daily_budget_cents=budget, monthly_salary_cents=salary,
        fixed_categories=frozenset(cats), fixed_allowance_cents=fixed_expected,
        today_everyday_cents=today_everyday,
    )
    m = outlook.month
    within_pct = int(f"{m.under_budget_probability:.0%}".rstrip("%"))  # as the Forecast page rounds it
    same = {"period_allowed_cents": budget * today.day, "period_fixed_expected_cents": fixed_expected,
            "period_within_budget_pct": within_pct}
    in_period = payday.period_facts(rule, today, budget, daily_everyday, daily_fixed, sim, (m.p10, m.p50, m.p90),
                                    bills_due, tracking, same)
    days_left = days_in_month - today.day
    top = an.by_category(everyday_df, today - dt.timedelta(days=TOP_WINDOW_DAYS - 1), today).query("amount_cents > 0")
    splurge = _splurge(everyday_df, today)
    month_budget = budget * days_in_month
    return Standing(
        user_id=profile.user_id,
        display_name=clip_words(profile.display_name, NAME_MAX) or profile.user_id[:NAME_MAX],
        tone=normalise_tone(profile.ai_tone) or "brutal",
        today=today,
        currency_symbol=clean_text(home_symbol(profile.currency, profile.locale) or symbol, 3),
        currency=profile.currency, locale=profile.locale, forecast_memory=memory,
        budget_style=style,
        daily_budget_cents=budget,
        monthly_salary_cents=salary,
        has_data=tracking is not None,
        tracking_since=tracking,
        tracked_through=tracked_through,
        unlogged_days=(today - tracked_through).days if tracked_through else 0,
        days_tracked=(today - tracking).days + 1 if tracking else 0,
        today_spent_cents=today_all,
        today_fixed_cents=today_fixed,
        today_everyday_cents=today_everyday,
        today_status=status,
        allowance_today_cents=allowance,
        today_left_cents=max(0, allowance - today_everyday),
        today_over_cents=max(0, today_everyday - allowance),
        current_streak=streak.current,
        current_streak_start=streak.current_start,
        longest_streak=longest,
        longest_streak_start=longest_start,
        longest_streak_end=longest_end,
        streak_paused=bool(tracked_through and tracked_through < today - dt.timedelta(days=1)),
        month=today.strftime("%Y-%m"),
        days_in_month=days_in_month,
        days_elapsed=today.day,
        days_left=days_left,
        month_ended=days_left == 0,
        month_spent_cents=month_spent,
        month_fixed_cents=month_fixed,
        month_everyday_cents=month_everyday,
        month_allowed_cents=budget * today.day,
        month_budget_cents=month_budget,
        month_fixed_expected_cents=fixed_expected,
        month_left_per_day_cents=max(0, (month_budget - month_everyday) // days_left) if days_left else None,
        month_end_p10_cents=m.p10,
        month_end_p50_cents=m.p50,
        month_end_p90_cents=m.p90,
        month_within_budget_pct=within_pct,
        month_straight_line_cents=an.month_pace(daily_all, budget, salary, today).projection_cents,
        **in_period,
        forecast_rough=m.rough,
        forecast_note=m.note,
        salary_share_pct=_pct(month_spent / salary) if salary else None,
        month_elapsed_pct=_pct(today.day / days_in_month),
        fixed_categories=cats,
        bills=tuple(sorted({b.description or b.category for b in sim.bills})),
        bill_payees=tuple(payees),
        top_category=clip_words(top["category"].iloc[0], TEXT_LIMIT) if len(top) else None,
        top_category_spent_cents=int(top["amount_cents"].iloc[0]) if len(top) else None,
        top_category_share_pct=_pct(float(top["share"].iloc[0])) if len(top) else None,
        splurge_cents=splurge[0] if splurge else None,
        splurge_description=(clip_words(splurge[1], TEXT_LIMIT) or "something unlabelled") if splurge else None,
        splurge_date=splurge[2] if splurge else None,
    )


def split_fixed(frame: pd.DataFrame, standing: Standing) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The frame's everyday rows and its fixed-cost rows, as the standing tells them apart."""
    mask = fixed_mask(frame, standing.fixed_categories, list(standing.bill_payees))
    return frame[~mask], frame[mask]


def day_states(daily_everyday: pd.Series, standing: Standing) -> pd.Series:
    """Each day of a range as the streak saw it: 0 nothing spent, 1 kept, 2 broke, NaN unknown (not logged)."""
    excess = an.day_excess(daily_everyday, standing.daily_budget_cents, standing.budget_style, standing.period_rule)
    cents = daily_everyday.to_numpy(dtype=np.int64)
    state = np.where(excess > 0, 2.0, np.where(cents != 0, 1.0, 0.0))
    index = pd.DatetimeIndex(daily_everyday.index)
    through = standing.tracked_through
    unknown = index > pd.Timestamp(through) if through else np.ones(len(index), dtype=bool)
    if standing.tracking_since:
        unknown = unknown | (index < pd.Timestamp(standing.tracking_since))
    state = np.where(unknown & (index != pd.Timestamp(standing.today)), np.nan, state)
    return pd.Series(state, index=daily_everyday.index, name="state")


def load_standing(
    store: Any, user_id: str, today: dt.date, default_name: str | None = None
) -> tuple[Standing, Window]:
    """Load the standing window (ONE Query: profile, days, check-in, streak state) and decide the standing.

    The streak state is built on first need (one more Query of the older days, one write) and moved
    forward once a month (one more Query of the 400 days before it, for the forecast's memory; one write);
    see lib.core.streaks and lib.core.forecast.memory.
    """
    window = store.load_window(user_id, *window_range(today), default_name)
    window, _ = ensure_streak_state(store, window, today)
    return standing_from_window(window, today), window


def forecast_memory(frame: pd.DataFrame, last: dt.date, fixed: tuple[str, ...], rule: str) -> str:
    """The live band's memory (lib.core.forecast.memory) from the frame's 400 days up to `last`."""
    from lib.core.forecast import memory as remembered

    frame = frame[(frame["date"] > pd.Timestamp(last - dt.timedelta(days=remembered.HISTORY_DAYS)))
                  & (frame["date"] <= pd.Timestamp(last))]
    first = min(an.first_day(frame) or last, last)
    return remembered.build(an.daily_totals(frame, first, last), frame, last, first, fixed, rule)


def ensure_streak_state(store: Any, window: Window, today: dt.date) -> tuple[Window, bool]:
    """The window with a usable streak state, building or moving it forward when needed (True: written).

    Reads the days before the window when the state is missing or stale (first need: all of them) and when it
    moves forward or lacks the forecast's memory (the 400 days before the month: lib.core.forecast.memory).
    """
    from lib.core.forecast import memory as remembered

    start, _ = window_range(today)
    profile = window.profile
    rule = payday.rule_of(profile)
    upto = period.upto_of(today, rule)
    sig = streaks.signature(profile, DEFAULT_FIXED_CATEGORIES)
    state = window.streak_state
    before = start - dt.timedelta(days=1)
    last = month_before(today)  # the forecast's memory reads up to the month's start

    def remember(state: StreakState, older: list[Any]) -> StreakState:
        """`state` with the forecast's memory of the older days read and the window's (lib.core.forecast.memory)."""
        return replace(state, forecast_through=last, forecast=forecast_memory(
            an.transactions_frame(older + list(window.transactions)), last, fixed_rule(profile), rule.text))
    if streaks.usable(state, sig, start, today):
        assert state is not None
        remembers = state.forecast_through == last and remembered.decode(state.forecast) is not None
        if state.upto == upto and remembers:
            return window, False
        # The live band's calibration is learnt from the 400 days before the month: one Query of those days.
        older = store.list_transactions(profile.user_id, last - dt.timedelta(days=remembered.HISTORY_DAYS - 1), before)
        if state.upto == upto:  # a state kept before it remembered the calibration: add it (one write)
            new = remember(state, older)
            store.put_streak_state(profile.user_id, new)
            return replace(window, streak_state=new), True
        base_txns, previous = window.transactions, state
    else:
        older = store.list_transactions(profile.user_id, streaks.HISTORY_START, before)
        base_txns, previous = older + list(window.transactions), None
        log.info("streak state built from history", extra={"user_id": profile.user_id, "days_before": len(older)})
    frame = an.transactions_frame(base_txns)
    frame = frame[frame["date"] <= pd.Timestamp(today)]
    first = previous.first_day if previous is not None and previous.first_day else an.first_day(frame)
    probe = replace(window, transactions=base_txns, streak_state=previous)
    where = standing_from_window(probe, today)  # classifies fixed rows as the standing does
    everyday_frame, _ = split_fixed(frame, where)
    tracked = where.tracked_through
    cents, excess = streaks.excess_series(previous, an.daily_totals(everyday_frame, min(first or today, upto), today),
                                  where.daily_budget_cents, where.budget_style, first,
                                  min(tracked, upto - dt.timedelta(days=1)) if tracked else None, rule)
    new = streaks.summarise(cents, excess, upto, sig, first, previous)
    if new.first_day is None:
        # Nothing to summarise (a new user, or one who just deleted everything): write no item.
        return replace(window, streak_state=new), False
    new = remember(new, older)
    store.put_streak_state(profile.user_id, new)
    return replace(window, streak_state=new), True
