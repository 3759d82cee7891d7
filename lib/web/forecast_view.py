"""The Forecast page's what-if part: the fan, its metrics and the savings table for a budget and a category cut
(split from lib.web.views). For a payday user (issue 26) all of it runs over the pay period, to payday."""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import pandas as pd

from lib.core import analytics, period
from lib.core.money import BARE, MoneyFormat
from lib.web.views import Metric


@dataclass(frozen=True)
class ForecastView:
    outlook: Any
    metrics: list[Metric]
    savings_table: pd.DataFrame | None
    fan_caption: str  # the projection chart's key numbers in words (its text alternative)
    fan_title: str = "Month-end projection"
    csv_columns: str = "month"  # the CSV's projection columns: month_* or, to payday, period_* (issue 26)


def _band(p: tuple[int, int, int], money: MoneyFormat = BARE) -> str:
    return f"{money.cents(p[0])} – {money.cents(p[2])}"


def forecast_view(fc: Any, budget: float, cut_category: str | None, cut_pct: float,
                  money: MoneyFormat = BARE) -> ForecastView:
    """Re-price the cached simulation for a what-if budget and category cut (no store reads)."""
    from lib.core import forecast

    budget_cents = analytics.decimal_to_cents(Decimal(str(budget)))
    where = fc.standing
    if where.period_rule != period.CALENDAR and getattr(fc.sim, "period_start", None) is not None:
        return _period_view(fc, budget_cents, cut_category, cut_pct, money)
    fmt = money.cents
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
        _streak(out, budget_cents, money),
    ]
    savings_table = _savings(out, metrics, money, "This month", "months", "Saved this month")
    fan_caption = (f"Month-end projection: median {fmt(m.p50)}, likely {fmt(m.p10)} – {fmt(m.p90)} (8 in 10 simulated "
                   f"months end inside), against {budget_line}; {m.under_budget_probability:.0%} chance to end "
                   "within it.")
    return ForecastView(out, metrics, savings_table, fan_caption)


def _streak(out: Any, budget_cents: int, money: MoneyFormat) -> Metric:
    return Metric("Keep the streak 7 more days", f"{out.streak_keep_7d:.0%}", f"at {money.cents(budget_cents)} a day",
                  "off", help="Share of simulated weeks in which every day stays at or under the budget.")


def _savings(out: Any, metrics: list[Metric], money: MoneyFormat, this: str, unit: str,
             label: str) -> pd.DataFrame | None:
    """The savings metric (appended to `metrics`) and table: `this` ("This month") then 3/6/12 `unit` ahead."""
    fmt = money.cents
    if out.savings is None:
        metrics.append(Metric(label, "no salary set", None, "off"))
        return None
    s = out.savings
    metrics.append(Metric(f"{label} (median)", fmt(s.this_month[1]), f"likely {_band(s.this_month, money)}",
                          "off", help=f"Salary {fmt(s.salary_cents)} minus projected spending."))
    return pd.DataFrame(
        {
            "Horizon": [this] + [f"{h} {unit} (to {s.horizon_end[h]})" for h in sorted(s.horizons)],
            "Median savings": [fmt(s.this_month[1])] + [fmt(s.horizons[h][1]) for h in sorted(s.horizons)],
            "Likely range (p10 – p90)": [_band(s.this_month, money)]
            + [_band(s.horizons[h], money) for h in sorted(s.horizons)],
        }
    )


def _period_view(fc: Any, budget_cents: int, cut_category: str | None, cut_pct: float,
                 money: MoneyFormat) -> ForecastView:
    """A payday user's page: the fan, the totals and the budget run from payday to the day before the next;
    savings per pay period on a monthly payday (a monthly salary against a two-week period says nothing
    honest, so there they stay the calendar month's)."""
    from lib.core import forecast

    fmt = money.cents
    where = fc.standing
    fixed = where.period_fixed_expected_cents
    monthly = period.parse_rule(where.period_rule).kind == "monthly"
    scenario = {"daily_budget_cents": budget_cents, "cut_category": cut_category, "cut_pct": float(cut_pct),
                "fixed_categories": frozenset(where.fixed_categories),
                "today_everyday_cents": where.today_everyday_cents}
    out = forecast.what_if(fc.sim, monthly_salary_cents=fc.salary_cents if monthly else None,
                           fixed_allowance_cents=fixed, over_period=True, **scenario)
    m = out.month
    span = f"{m.month_start:%d %b} – {m.month_end:%d %b}"
    budget_line = f"budget {fmt(m.budget_total_cents - fixed)}" + (f" + fixed bills {fmt(fixed)}" if fixed else "")
    metrics = [
        Metric(f"By payday ({m.month_end:%d %b}, median)", fmt(m.p50), f"likely {_band((m.p10, m.p50, m.p90), money)}",
               "off", help=f"Everything spent {span}: in 8 of 10 simulated futures the period ends inside this "
                           "range. At your budget with no cut, the dashboard shows the same."),
        Metric("Chance to end the period within budget", f"{m.under_budget_probability:.0%}", budget_line, "off",
               help="Daily budget times the period's days, plus its fixed bills."),
        _streak(out, budget_cents, money),
    ]
    if monthly:
        savings_table = _savings(out, metrics, money, "This pay period", "pay periods", "Saved this pay period")
    else:
        month = forecast.what_if(fc.sim, monthly_salary_cents=fc.salary_cents,
                                 fixed_allowance_cents=where.month_fixed_expected_cents, **scenario)
        savings_table = _savings(month, metrics, money, "This month", "months", "Saved this month")
        out = replace(out, savings=month.savings)
    fan_caption = (f"Projection to payday ({span}): median {fmt(m.p50)}, likely {fmt(m.p10)} – {fmt(m.p90)} "
                   f"(8 in 10 simulated periods end inside), against {budget_line}; "
                   f"{m.under_budget_probability:.0%} chance to end within it.")
    return ForecastView(out, metrics, savings_table, fan_caption, f"Projection to payday ({m.month_end:%d %b})",
                        "period")
