"""View models: what each page shows, decided here (pure), so page scripts only render."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lib.core import analytics, payday, period, standing
from lib.core.models import Profile, Transaction
from lib.core.money import BARE, MoneyFormat
from lib.core.plain import md_escape
from lib.core.types import Window

# Every amount a page shows goes through a MoneyFormat (lib.core.money): the profile's home currency in the
# reader's locale (lib.web.money.page_money), or BARE, today's figures ("1,234.50"), before one is picked.


def fmt(cents: int | None) -> str:
    """Cents as a bare display amount with thousands separators ("1,234.50"): a profile without a home currency."""
    return BARE.cents(cents)


DEFAULT_WINDOW_DAYS = 90


def default_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """The dashboard's and the coach's default window: the last 90 days, today included."""
    return today - dt.timedelta(days=DEFAULT_WINDOW_DAYS - 1), today


def coach_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """What the coach reads (sidebar and CLI alike): the default window stretched to the month start."""
    return load_range(*default_range(today), today)


def load_range(start: dt.date, end: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    """The store range a dashboard needs: the picked range, stretched back to the standing's window."""
    if end >= today:
        return min(start, standing.window_range(today)[0]), today
    return start, end


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    delta: str | None = None
    delta_color: str = "normal"  # streamlit: normal (green up), inverse, off
    help: str | None = None


@dataclass(frozen=True)
class DashboardView:
    profile: Profile
    standing: standing.Standing
    has_data: bool
    metrics: list[Metric]
    daily: pd.Series  # daily (everyday) spending in cents over the picked range
    day_states: pd.Series  # per day of the range: 0 nothing, 1 kept, 2 broke, NaN unknown
    month_daily: pd.Series  # cents per day (everything) from the budget period's start to today
    budget_cents: int
    by_category: pd.DataFrame
    recent: pd.DataFrame
    streak_rule: str
    unlogged_note: str | None  # "Nothing logged since ..." when days are unknown
    checkin_offer: bool  # offer the "nothing spent today" check-in
    paused_channels: tuple[str, ...] = ()  # nudge channels paused after 5 failures (issue 18)
    money: MoneyFormat = BARE  # how this reader sees amounts (issue 25)


def recent_table(txns: list[Transaction], limit: int = 15, money: MoneyFormat = BARE) -> pd.DataFrame:
    """The newest transactions as a display table, amounts with thousands separators (and the home currency)."""
    table = transactions_table(txns, limit, amount_format=",.2f", money=money)
    return table[["Date", "Amount", "Category", "Description"]]


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


ROLLING_RULE = (
    "Rolling budget: unspent budget carries forward within the month. A day keeps the streak if the "
    "month's daily spending up to it stays within the budget times the days so far."
)


def rolling_rule(s: standing.Standing) -> str:
    """The rolling rule in words: over the month, or from payday to payday."""
    cal = s.period_rule == period.CALENDAR
    return ROLLING_RULE if cal else ROLLING_RULE.replace("within the month", "from payday to payday").replace(
        "month's", "pay period's")
FIXED_RULE = " Fixed bills (rent, utilities, subscriptions, monthly payees) never break it."


def period_metric(s: standing.Standing, money: MoneyFormat = BARE) -> Metric:
    """The first card: what daily spending may still come to per day until payday (issue 26)."""
    fmt = money.cents
    calendar_month, days = s.period_rule == "calendar", _days(s.period_days_left)
    ends = "the month ends" if calendar_month else "payday"
    return Metric(
        "Left per day this month" if calendar_month else "Left per day until payday", fmt(s.left_per_day_cents),
        f"{days} until {ends}, today included" if s.period_days_left > 1 else "the last day before " + ends,
        "off",
        help=(f"The period {s.period_start:%d %b} – {s.period_end:%d %b}: its budget for daily spending "
              f"{fmt(s.period_budget_cents)} minus the {fmt(s.period_everyday_cents)} already spent, over the "
              f"{days} left (today included). Fixed bills are apart: {fmt(s.period_bills_due_cents)} still due "
              f"before {ends}. Projected period end "
              f"{fmt(s.period_end_p50_cents)} (likely {fmt(s.period_end_p10_cents)} – {fmt(s.period_end_p90_cents)}). "
              "Set your payday in Settings."),
    )


def dashboard_metrics(s: standing.Standing, money: MoneyFormat = BARE) -> list[Metric]:
    """The dashboard's cards, every number from the one standing."""
    fmt = money.cents
    if s.budget_style == "rolling":
        first = Metric(
            "You can spend today", fmt(s.today_left_cents),
            f"{fmt(s.today_everyday_cents)} spent of {fmt(s.allowance_today_cents)}" if s.today_over_cents == 0
            else f"-{fmt(s.today_over_cents)} over the allowance",
            "normal" if s.today_over_cents == 0 else "inverse",
            help=f"Rolling budget: this {'month' if s.period_rule == period.CALENDAR else 'pay period'}'s "
                 "allowance so far minus what you already spent on daily things.",
        )
    else:
        left = s.allowance_today_cents - s.today_everyday_cents
        first = Metric(
            "Today", f"{fmt(s.today_everyday_cents)} / {fmt(s.daily_budget_cents)}",
            f"{fmt(left)} left" if left >= 0 else f"-{fmt(-left)} over budget",
            help="Daily spending today against your daily budget (fixed bills are not counted here).",
        )
    status = {"over": "today broke it", "under": "today still under", "no spending": "nothing spent today",
              "refund": "refund day"}[s.today_status]
    if s.streak_paused and s.tracked_through:
        status = f"paused: nothing logged since {s.tracked_through:%d %b}"
    longest_help = (f"{s.longest_streak_start:%d %b %Y} – {s.longest_streak_end:%d %b %Y}, over your whole history"
                    if s.longest_streak_start and s.longest_streak_end and s.longest_streak > 1
                    else "Over your whole history.")
    # The first two are a phone's first row: what is left per day (the allowance), then the streak.
    return [
        period_metric(s, money),
        Metric("Current streak", _days(s.current_streak), status, "inverse" if s.today_status == "over" else "normal",
               help=analytics.TODAY_RULE + (" " + rolling_rule(s) if s.budget_style == "rolling" else "") + FIXED_RULE),
        first,
        Metric("Longest streak", _days(s.longest_streak), None, help=longest_help),
        *(month_cards(s, money) if s.period_rule == period.CALENDAR else period_cards(s, money)),
        salary_card(s),
    ]


def salary_card(s: standing.Standing) -> Metric:
    """The share of the salary spent: this month's, or since payday with a monthly payday (issue 26)."""
    paid = payday.salary_since_payday(s)
    if paid is not None:
        return Metric("Salary spent since payday", f"{paid[0]}%", f"{paid[1]}% of the pay period gone", "off",
                      help="Share of your monthly salary spent since payday, fixed bills included.")
    return Metric("Salary spent", f"{s.salary_share_pct}%" if s.salary_share_pct is not None else "no salary set",
                  f"{s.month_elapsed_pct}% of the month gone" if s.salary_share_pct is not None else None, "off",
                  help="Share of your monthly salary spent this month (set the salary in Settings).")


def _pace_delta(over: int, money: MoneyFormat = BARE) -> tuple[str, str]:
    # Streamlit reads a delta's direction from a leading "-": under pace must point down (green).
    fmt = money.cents
    return (f"{fmt(over)} over pace" if over > 0 else f"-{fmt(-over)} under pace" if over < 0 else "on pace",
            "inverse" if over else "off")


def month_cards(s: standing.Standing, money: MoneyFormat = BARE) -> list[Metric]:
    """The calendar month's cards: spent, fixed bills, the projected month end, the chance within budget."""
    fmt = money.cents
    today = s.today
    over_pace = s.month_everyday_cents - s.month_allowed_cents
    band = f"likely {fmt(s.month_end_p10_cents)} – {fmt(s.month_end_p90_cents)}"
    return [
        Metric(
            f"{today:%B} spent", fmt(s.month_spent_cents), *_pace_delta(over_pace, money),
            help=(f"Everything this month, fixed bills included. Daily spending {fmt(s.month_everyday_cents)} "
                  f"against the {fmt(s.month_allowed_cents)} your budget allowed by today ({s.days_elapsed} days)."),
        ),
        Metric("Fixed bills", fmt(s.month_fixed_cents),
               f"{fmt(s.month_fixed_expected_cents - s.month_fixed_cents)} still due" if
               s.month_fixed_expected_cents > s.month_fixed_cents else "none due", "off",
               help="Rent, utilities, subscriptions and monthly payees: in the month total, not in the daily budget."
                    + (f" Fixed categories: {', '.join(s.fixed_categories)}." if s.fixed_categories else "")),
        Metric(
            "Month ends at" if s.month_ended else "Projected month end", fmt(s.month_end_p50_cents), band, "off",
            help=(f"The forecast's median (the Forecast page shows the same). The month's budget is "
                  f"{fmt(s.month_budget_cents)} plus {fmt(s.month_fixed_expected_cents)} of fixed bills. "
                  f"At a straight line from today's rate it would be {fmt(s.month_straight_line_cents)}."),
        ),
        Metric("Chance within budget", f"{s.month_within_budget_pct}%",
               f"budget {fmt(s.month_budget_cents)} + fixed {fmt(s.month_fixed_expected_cents)}", "off",
               help="Share of the forecast's simulated months that end within the daily budget times the month's "
                    "days plus the month's fixed bills (the Forecast page shows the same)."),
    ]


def period_cards(s: standing.Standing, money: MoneyFormat = BARE) -> list[Metric]:
    """The same cards over the pay period (a payday rule): spent since payday, bills due before payday,
    the projection to the period's end and its chance within the period's budget."""
    fmt = money.cents
    since, due = f"{s.period_start:%d %b}", s.period_fixed_expected_cents - s.period_fixed_cents
    limit = f"budget {fmt(s.period_budget_cents)} + fixed {fmt(s.period_fixed_expected_cents)}"
    return [
        Metric(f"Spent since payday ({since})", fmt(s.period_spent_cents),
               *_pace_delta(s.period_everyday_cents - s.period_allowed_cents, money),
               help=f"Everything since payday, fixed bills included. Daily spending {fmt(s.period_everyday_cents)} "
                    f"against the {fmt(s.period_allowed_cents)} your budget allowed by today."),
        Metric("Fixed bills", fmt(s.period_fixed_cents), f"{fmt(due)} due before payday" if due > 0 else "none due",
               "off", help="Rent, utilities, subscriptions and monthly payees since payday: in the period's total, "
                           f"not in the daily budget. Fixed categories: {', '.join(s.fixed_categories) or 'none'}."),
        Metric("Period ends at" if s.period_days_left == 1 else f"Projected by payday ({s.period_end:%d %b})",
               fmt(s.period_end_p50_cents), f"likely {fmt(s.period_end_p10_cents)} – {fmt(s.period_end_p90_cents)}",
               "off", help=f"The forecast's median for {since} – {s.period_end:%d %b}; the period's {limit}."),
        Metric("Chance within budget", f"{s.period_within_budget_pct}%", limit, "off",
               help="Share of the forecast's simulated pay periods that end within the daily budget times the "
                    "period's days plus its fixed bills."),
    ]


def dashboard(window: Window, start: dt.date, end: dt.date, today: dt.date,
              where: standing.Standing | None = None, money: MoneyFormat = BARE) -> DashboardView:
    """Metrics and chart series for the spending & streak page."""
    s = where or standing.standing_from_window(window, today)
    profile = window.profile
    df = analytics.transactions_frame(window.transactions)
    df = df[df["date"] <= pd.Timestamp(today)]
    everyday, _fixed = standing.split_fixed(df, s)
    calendar_from = period.period_of(start, s.period_rule)[0]  # a rolling period needs its first days
    everyday_daily = analytics.daily_totals(everyday, calendar_from, end)
    in_range = everyday_daily.index >= pd.Timestamp(start)
    month_daily = analytics.daily_totals(df, s.period_start, today)
    unlogged = None
    if s.has_data and s.tracked_through and s.tracked_through < today:
        unlogged = (f"Nothing logged since {s.tracked_through:%d %b %Y} ({_days(s.unlogged_days)}): those days are "
                    "unknown, so the streak waits for them. Add what you spent, or check in if you spent nothing.")
    return DashboardView(
        profile=profile,
        standing=s,
        has_data=s.has_data,
        metrics=dashboard_metrics(s, money),
        daily=everyday_daily[in_range],
        day_states=standing.day_states(everyday_daily, s)[in_range],
        month_daily=month_daily,
        budget_cents=s.daily_budget_cents,
        by_category=analytics.by_category(df, start, end),
        recent=recent_table([t for t in window.transactions if start <= t.date <= end], money=money),
        streak_rule=analytics.TODAY_RULE + (" " + rolling_rule(s) if s.budget_style == "rolling" else "") + FIXED_RULE,
        unlogged_note=unlogged,
        checkin_offer=s.tracked_through != today,
        paused_channels=window.paused_channels,
        money=money,
    )


def _day(ts: Any) -> str:
    return f"{pd.Timestamp(ts):%d %b}"


def chart_captions(view: DashboardView, today: dt.date) -> dict[str, str]:
    """Each dashboard chart's key numbers in words: its text alternative, shown under it."""
    from lib.web.dashboard_charts import clip_cap

    out: dict[str, str] = {}
    fmt = view.money.cents
    daily, budget = view.daily, view.budget_cents
    if daily.empty:
        out["daily"] = "Daily spending: no days in the range."
    else:
        cents = daily.to_numpy(dtype="int64")
        top = int(cents.argmax())
        over = int((cents > budget).sum())
        cap = clip_cap(cents, budget)
        out["daily"] = (f"Daily spending {_day(daily.index[0])} – {_day(daily.index[-1])}: on average "
                        f"{fmt(int(cents.mean()))} a day; the highest {fmt(int(cents[top]))} on "
                        f"{_day(daily.index[top])}" + (" (drawn clipped, its value written above it)" if cap else "")
                        + f"; {over} of {_days(len(cents))} over the {fmt(budget)} budget.")
    s = view.standing
    cal = s.period_rule == period.CALENDAR  # the chart runs over the pay period with a payday rule
    head, pace, total = (f"{today:%B}", budget * today.day, s.month_budget_cents) if cal else (
        f"Since payday ({s.period_start:%d %b})", s.period_allowed_cents, s.period_budget_cents)
    out["month"] = (f"{head} so far: {fmt(int(view.month_daily.sum()))} spent; the budget pace by today is "
                    f"{fmt(pace)} and {fmt(total)} at {'month end' if cal else 'payday'}.")
    states = view.day_states
    counts = {k: int((states == v).sum()) for k, v in (("kept", 1), ("broke", 2), ("nothing", 0))}
    out["calendar"] = (f"Streak calendar, {_days(len(states))}: {counts['kept']} kept the streak (✓), "
                       f"{counts['broke']} broke it (✗), {counts['nothing']} with nothing spent (·), "
                       f"{int(states.isna().sum())} not logged (blank).")
    cats = view.by_category[view.by_category["amount_cents"] > 0].head(5)
    out["categories"] = ("Where the money went: " + "; ".join(
        f"{c} {fmt(int(a))} ({sh:.0%})" for c, a, sh in zip(cats["category"], cats["amount_cents"], cats["share"],
                                                            strict=True)) + "."
                         if len(cats) else "Where the money went: nothing spent in the range.")
    return out


TONE_TASTES: dict[str, str] = {
    "brutal": "“You spent 41.20 on takeaway. Again. Stop.”",
    "sarcastic": "“Another 41.20 on takeaway? Bold strategy for someone with a budget.”",
    "polite": "“Of course, dear, 41.20 on takeaway is perfectly fine — for someone who can't handle a budget.”",
}


def settings_form_defaults(profile: Profile) -> dict[str, str]:
    """The settings form's initial text for each field (money as plain text, no separators)."""
    return {
        "display_name": profile.display_name,
        "daily_budget": f"{profile.daily_budget:.2f}",
        "monthly_salary": "" if profile.monthly_salary is None else f"{profile.monthly_salary:.2f}",
        "ai_tone": profile.ai_tone,
        "budget_style": profile.budget_style,
    }


BUDGET_STYLE_HELP = {
    "daily": "Each day on its own: a day at or under the budget keeps the streak.",
    "rolling": "Unspent budget carries forward within the month: “you can spend X today”.",
}


def fixed_options(txns: list[Transaction]) -> list[str]:
    """Categories the fixed-costs picker offers: the user's own, the defaults and the usual fixed ones."""
    options = category_options(txns)
    return options + [c for c in standing.DEFAULT_FIXED_CATEGORIES if c not in options]


def fixed_defaults(profile: Profile, txns: list[Transaction]) -> tuple[str, ...]:
    """What the picker starts with: the saved choice, else the default fixed categories the user has."""
    if profile.fixed_categories is not None:
        return profile.fixed_categories
    return standing.fixed_categories(profile, sorted({t.category for t in txns}))


DEFAULT_CATEGORIES = (
    "Groceries", "Coffee", "Eating out", "Transport", "Shopping", "Entertainment",
    "Subscriptions", "Health", "Bills", "Other",
)


def category_options(txns: list[Transaction]) -> list[str]:
    """Categories to offer: the user's own (most used first), then the defaults."""
    counts: dict[str, int] = {}
    for t in txns:
        counts[t.category] = counts.get(t.category, 0) + 1
    mine = sorted(counts, key=lambda c: (-counts[c], c))
    return mine + [c for c in DEFAULT_CATEGORIES if c not in counts]


def transactions_table(txns: list[Transaction], limit: int | None = None, amount_format: str = ".2f",
                       money: MoneyFormat = BARE) -> pd.DataFrame:
    """Transactions newest first (amounts exact, as text; in the home currency once one is picked), with the id
    for selecting one to edit."""
    newest = sorted(txns, key=lambda t: t.sort_key, reverse=True)[:limit]
    return pd.DataFrame(
        {
            "Date": [t.date.isoformat() for t in newest],
            "Amount": [money.amount(t.amount) if money.currency else format(t.amount, amount_format)
                       for t in newest],
            "Category": [t.category for t in newest],
            "Description": [("⏳ pending · " if t.pending else "") + t.description for t in newest],
            "Source": [t.source for t in newest],
            "id": [t.sort_key for t in newest],
        }
    )


# -- issue 21: the recent transactions as a light table ----------------------------------------------
def plain_cells(table: pd.DataFrame, columns: tuple[str, ...] = ("Category", "Description")) -> pd.DataFrame:
    """The table with the text we did not write escaped: st.table (no data grid to load, so the dashboard
    draws sooner) renders its cells as markdown, where a merchant's name must stay plain text."""
    out = table.copy()
    for column in columns:
        if column in out:
            out[column] = out[column].map(md_escape)
    return out
