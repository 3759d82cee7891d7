"""View models: what each page shows, decided here (pure), so page scripts only render."""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from lib.core import analytics, standing
from lib.core.models import Profile, Transaction
from lib.core.plain import md_escape
from lib.core.types import Window


def fmt(cents: int | None) -> str:
    """Cents as a display amount with thousands separators ("1,234.50")."""
    return "—" if cents is None else f"{analytics.cents_to_decimal(cents):,.2f}"


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
    month_daily: pd.Series  # cents per day (everything) from this month's start to today
    budget_cents: int
    by_category: pd.DataFrame
    recent: pd.DataFrame
    streak_rule: str
    unlogged_note: str | None  # "Nothing logged since ..." when days are unknown
    checkin_offer: bool  # offer the "nothing spent today" check-in
    paused_channels: tuple[str, ...] = ()  # nudge channels paused after 5 failures (issue 18)


def recent_table(txns: list[Transaction], limit: int = 15) -> pd.DataFrame:
    """The newest transactions as a display table, amounts with thousands separators."""
    table = transactions_table(txns, limit, amount_format=",.2f")
    return table[["Date", "Amount", "Category", "Description"]]


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


ROLLING_RULE = (
    "Rolling budget: unspent budget carries forward within the month. A day keeps the streak if the "
    "month's daily spending up to it stays within the budget times the days so far."
)
FIXED_RULE = " Fixed bills (rent, utilities, subscriptions, monthly payees) never break it."


def period_metric(s: standing.Standing) -> Metric:
    """The first card: what daily spending may still come to per day until payday (issue 26)."""
    calendar_month = s.period_rule == "calendar"
    days = _days(s.period_days_left)
    ends = "the month ends" if calendar_month else "payday"
    return Metric(
        "Left per day this month" if calendar_month else "Left per day until payday", fmt(s.left_per_day_cents),
        f"{days} to {ends}, today included" if s.period_days_left > 1 else "the last day before " + ends,
        "off",
        help=(f"The period {s.period_start:%d %b} – {s.period_end:%d %b}: its budget for daily spending "
              f"{fmt(s.period_budget_cents)} minus the {fmt(s.period_everyday_cents)} already spent, over the "
              f"{days} left (today included). Fixed bills are apart: {fmt(s.period_bills_due_cents)} still due "
              f"before {'the month ends' if calendar_month else 'payday'}. Projected period end "
              f"{fmt(s.period_end_p50_cents)} (likely {fmt(s.period_end_p10_cents)} – {fmt(s.period_end_p90_cents)}). "
              "Set your payday in Settings."),
    )


def dashboard_metrics(s: standing.Standing) -> list[Metric]:
    """The dashboard's cards, every number from the one standing."""
    today = s.today
    if s.budget_style == "rolling":
        first = Metric(
            "You can spend today", fmt(s.today_left_cents),
            f"{fmt(s.today_everyday_cents)} spent of {fmt(s.allowance_today_cents)}" if s.today_over_cents == 0
            else f"-{fmt(s.today_over_cents)} over the allowance",
            "normal" if s.today_over_cents == 0 else "inverse",
            help="Rolling budget: this month's allowance so far minus what you already spent on daily things.",
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
    over_pace = s.month_everyday_cents - s.month_allowed_cents
    band = f"likely {fmt(s.month_end_p10_cents)} – {fmt(s.month_end_p90_cents)}"
    # The first two are a phone's first row: what is left per day (the allowance), then the streak.
    return [
        period_metric(s),
        Metric("Current streak", _days(s.current_streak), status, "inverse" if s.today_status == "over" else "normal",
               help=analytics.TODAY_RULE + (" " + ROLLING_RULE if s.budget_style == "rolling" else "") + FIXED_RULE),
        first,
        Metric("Longest streak", _days(s.longest_streak), None, help=longest_help),
        Metric(
            f"{today:%B} spent", fmt(s.month_spent_cents),
            # Streamlit reads a delta's direction from a leading "-": under pace must point down (green).
            (f"{fmt(over_pace)} over pace" if over_pace > 0
             else f"-{fmt(-over_pace)} under pace" if over_pace < 0 else "on pace"),
            "inverse" if over_pace else "off",
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
        Metric(
            "Salary spent",
            f"{s.salary_share_pct}%" if s.salary_share_pct is not None else "no salary set",
            f"{s.month_elapsed_pct}% of the month gone" if s.salary_share_pct is not None else None,
            "off",
            help="Share of your monthly salary spent this month (set the salary in Settings).",
        ),
    ]


def dashboard(window: Window, start: dt.date, end: dt.date, today: dt.date,
              where: standing.Standing | None = None) -> DashboardView:
    """Metrics and chart series for the spending & streak page."""
    s = where or standing.standing_from_window(window, today)
    profile = window.profile
    df = analytics.transactions_frame(window.transactions)
    df = df[df["date"] <= pd.Timestamp(today)]
    everyday, _fixed = standing.split_fixed(df, s)
    calendar_from = min(start.replace(day=1), start)  # a rolling month needs its first days
    everyday_daily = analytics.daily_totals(everyday, calendar_from, end)
    in_range = everyday_daily.index >= pd.Timestamp(start)
    month_daily = analytics.daily_totals(df, today.replace(day=1), today)
    unlogged = None
    if s.has_data and s.tracked_through and s.tracked_through < today:
        unlogged = (f"Nothing logged since {s.tracked_through:%d %b %Y} ({_days(s.unlogged_days)}): those days are "
                    "unknown, so the streak waits for them. Add what you spent, or check in if you spent nothing.")
    return DashboardView(
        profile=profile,
        standing=s,
        has_data=s.has_data,
        metrics=dashboard_metrics(s),
        daily=everyday_daily[in_range],
        day_states=standing.day_states(everyday_daily, s)[in_range],
        month_daily=month_daily,
        budget_cents=s.daily_budget_cents,
        by_category=analytics.by_category(df, start, end),
        recent=recent_table([t for t in window.transactions if start <= t.date <= end]),
        streak_rule=analytics.TODAY_RULE + (" " + ROLLING_RULE if s.budget_style == "rolling" else "") + FIXED_RULE,
        unlogged_note=unlogged,
        checkin_offer=s.tracked_through != today,
        paused_channels=window.paused_channels,
    )


def _day(ts: Any) -> str:
    return f"{pd.Timestamp(ts):%d %b}"


def chart_captions(view: DashboardView, today: dt.date) -> dict[str, str]:
    """Each dashboard chart's key numbers in words: its text alternative, shown under it."""
    from lib.web.charts import clip_cap

    out: dict[str, str] = {}
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
    out["month"] = (f"{today:%B} so far: {fmt(int(view.month_daily.sum()))} spent; the budget pace by today is "
                    f"{fmt(budget * today.day)} and {fmt(s.month_budget_cents)} at month end.")
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


def transactions_table(txns: list[Transaction], limit: int | None = None, amount_format: str = ".2f") -> pd.DataFrame:
    """Transactions newest first (amounts exact, as text), with the id for selecting one to edit."""
    newest = sorted(txns, key=lambda t: t.sort_key, reverse=True)[:limit]
    return pd.DataFrame(
        {
            "Date": [t.date.isoformat() for t in newest],
            "Amount": [format(t.amount, amount_format) for t in newest],
            "Category": [t.category for t in newest],
            "Description": [("⏳ pending · " if t.pending else "") + t.description for t in newest],
            "Source": [t.source for t in newest],
            "id": [t.sort_key for t in newest],
        }
    )


@dataclass(frozen=True)
class ForecastView:
    outlook: Any
    metrics: list[Metric]
    savings_table: pd.DataFrame | None
    fan_caption: str  # the projection chart's key numbers in words (its text alternative)


SKILL_NAMES = {"last_pace": "Rest of last month", "year_ago": "Same days a year ago"}


def _band(p: tuple[int, int, int]) -> str:
    return f"{fmt(p[0])} – {fmt(p[2])}"


def forecast_view(fc: Any, budget: float, cut_category: str | None, cut_pct: float) -> ForecastView:
    """Re-price the cached simulation for a what-if budget and category cut (no store reads)."""
    from lib.core import forecast

    budget_cents = analytics.decimal_to_cents(Decimal(str(budget)))
    where = fc.standing
    fixed = where.month_fixed_expected_cents
    out = forecast.what_if(
        fc.sim, daily_budget_cents=budget_cents, monthly_salary_cents=fc.salary_cents,
        cut_category=cut_category, cut_pct=float(cut_pct), fixed_categories=frozenset(where.fixed_categories),
        fixed_allowance_cents=fixed, today_everyday_cents=where.today_everyday_cents,
    )
    m = out.month
    budget_line = f"budget {fmt(m.budget_total_cents - fixed)}" + (f" + fixed bills {fmt(fixed)}" if fixed else "")
    metrics = [
        Metric("Month ends at" if where.month_ended else "Month end (median)", fmt(m.p50),
               f"likely {fmt(m.p10)} – {fmt(m.p90)}", "off",
               help="p10–p90: in 8 of 10 simulated futures the month ends inside this range. "
                    "The dashboard, the coach and `python -m lib stats` report this same median."),
        Metric("Chance to end within budget", f"{m.under_budget_probability:.0%}", budget_line, "off",
               help="Daily budget times the month's days, plus the month's fixed bills."),
        Metric("Keep the streak 7 more days", f"{out.streak_keep_7d:.0%}",
               f"at {fmt(budget_cents)} a day", "off",
               help="Share of simulated weeks in which every day stays at or under the budget."),
    ]
    savings_table = None
    if out.savings is not None:
        s = out.savings
        metrics.append(Metric("Saved this month (median)", fmt(s.this_month[1]), f"likely {_band(s.this_month)}",
                              "off", help=f"Salary {fmt(s.salary_cents)} minus projected spending."))
        savings_table = pd.DataFrame(
            {
                "Horizon": ["This month"] + [f"{h} months (to {s.horizon_end[h]})" for h in sorted(s.horizons)],
                "Median savings": [fmt(s.this_month[1])] + [fmt(s.horizons[h][1]) for h in sorted(s.horizons)],
                "Likely range (p10 – p90)": [_band(s.this_month)] + [_band(s.horizons[h]) for h in sorted(s.horizons)],
            }
        )
    else:
        metrics.append(Metric("Saved this month", "no salary set", None, "off"))
    fan_caption = (f"Month-end projection: median {fmt(m.p50)}, likely {fmt(m.p10)} – {fmt(m.p90)} (8 in 10 simulated "
                   f"months end inside), against {budget_line}; {m.under_budget_probability:.0%} chance to end "
                   "within it.")
    return ForecastView(out, metrics, savings_table, fan_caption)


def backtest_view(bt: pd.DataFrame) -> tuple[pd.DataFrame, str, pd.DataFrame | None]:
    """The backtest as a display table, its band coverage ("8 of 10 (80%)") and the model's skill against
    simple baselines: the what-if sliders do not change it, so the page draws it outside their fragment."""
    from lib.core import forecast

    table = pd.DataFrame()
    coverage_text = "—"
    if len(bt):
        table = pd.DataFrame(
            {
                "Month": bt["month"],
                "Said on day": bt["cutoff_day"],
                "Projection (p50)": [fmt(int(v)) for v in bt["p50_cents"]],
                "Band": [_band((int(a), 0, int(b))) for a, b in zip(bt["p10_cents"], bt["p90_cents"], strict=True)],
                "Actual": [fmt(int(v)) for v in bt["actual_cents"]],
                "Error": [fmt(int(v)) for v in bt["error_cents"]],
                "Inside band": ["yes" if v else "no" for v in bt["inside"]],
            }
        )
        cov = forecast.coverage(bt)
        coverage_text = f"{int(bt['inside'].sum())} of {len(bt)} ({cov:.0%})" if cov is not None else "—"
    return table, coverage_text, skill_table(bt) if len(bt) else None


def skill_table(bt: pd.DataFrame) -> pd.DataFrame | None:
    """The model's pinball loss against each simple baseline on the projections both could make (lower wins)."""
    from lib.core import forecast

    sk = forecast.skill(bt)
    rows = []
    for key, name in SKILL_NAMES.items():
        if key in sk:
            model, base = sk[f"model_vs_{key}"], sk[key]
            rows.append({"Baseline": name, "Projections": int(bt[f"{key}_pinball_cents"].notna().sum()),
                         "Model's loss": fmt(round(model)), "Baseline's loss": fmt(round(base)),
                         "Skill": f"{1 - model / base:+.0%}" if base else "—"})
    return pd.DataFrame(rows) if rows else None


def parquet_bytes(table: pd.DataFrame) -> bytes:
    """A table as Parquet (pyarrow): Decimal money stays decimal128, dates stay dates."""
    buf = io.BytesIO()
    table.to_parquet(buf, index=False, engine="pyarrow")
    return buf.getvalue()


# -- issue 21: the recent transactions as a light table ----------------------------------------------
def plain_cells(table: pd.DataFrame, columns: tuple[str, ...] = ("Category", "Description")) -> pd.DataFrame:
    """The table with the text we did not write escaped: st.table (no data grid to load, so the dashboard
    draws sooner) renders its cells as markdown, where a merchant's name must stay plain text."""
    out = table.copy()
    for column in columns:
        if column in out:
            out[column] = out[column].map(md_escape)
    return out
