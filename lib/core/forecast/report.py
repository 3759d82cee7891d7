"""The forecast as a JSON-ready report and a CSV of the daily series with this month's band."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import numpy as np
import pandas as pd

from lib.core.forecast.backtest import backtest, coverage, skill
from lib.core.forecast.bills import DEFAULT_FIXED
from lib.core.forecast.model import QUANTILES, SAVINGS_HORIZONS, Outlook, Simulation, _clean_daily, simulate
from lib.core.forecast.scenario import what_if

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
    sim: Simulation | None = None,
    fixed_categories: frozenset[str] = frozenset(),
    fixed_allowance_cents: int = 0,
    today_everyday_cents: int | None = None,
    rule: str = "calendar",
) -> dict[str, object]:
    """The forecast, savings, streak outlook and backtest as a JSON-ready dict (money as "0.00" strings).

    `sim`: the simulation to price (lib.core.standing.month_simulation, so the month end is everyone's);
    the backtest still runs over all of `daily`, over the budget periods of `rule` (lib.core.period; issue 26:
    a payday user's pay periods, each row's `period` its start date; `backtest_rule` says which).
    """
    if sim is None:
        sim = simulate(daily, today, frame=frame, today_complete=today_complete, seed=seed)
    out = what_if(sim, daily_budget_cents=daily_budget_cents, monthly_salary_cents=monthly_salary_cents,
                  fixed_categories=fixed_categories, fixed_allowance_cents=fixed_allowance_cents,
                  today_everyday_cents=today_everyday_cents)
    bt = backtest(daily, frame=frame, today=today, seed=seed, fixed_categories=fixed_categories or DEFAULT_FIXED,
                  rule=rule)
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
        "month_budget": money(m.budget_total_cents - fixed_allowance_cents),
        "month_fixed": money(fixed_allowance_cents),
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
        backtest_rule=str(rule),
        backtest_months=int(bt["month"].nunique()) if len(bt) else 0,  # periods, for a payday rule
        backtest_projections=len(bt),
        backtest_median_abs_pct_error=None if not len(bt) else round(float(bt["abs_pct_error"].median()), 3),
        backtest=backtest_rows(bt),
        backtest_skill={k: money(v) for k, v in skill(bt).items()},
        method=m.method,
        history_days=m.history_days,
        rough=m.rough,
        note=m.note,
    )
    return report


def _period(value: object) -> str:
    """A backtest row's period: "2026-11" for a calendar month, the start date "2026-11-25" of a pay period."""
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def backtest_rows(bt: pd.DataFrame) -> list[dict[str, object]]:
    """The backtest as JSON rows: {period, said_on_day, p10, p50, p90, actual} (money as "0.00" strings)."""
    return [
        {"period": _period(r.month), "said_on_day": r.as_of.isoformat(), "p10": money(r.p10_cents),
         "p50": money(r.p50_cents), "p90": money(r.p90_cents), "actual": money(r.actual_cents)}
        for r in bt.itertuples(index=False)
    ]


def backtest_table(bt: pd.DataFrame) -> pd.DataFrame:
    """The backtest for analysts (CSV, Parquet): one row per projection, money as Decimal with 2 places."""
    cols = ["p10_cents", "p50_cents", "p90_cents", "actual_cents", "raw_p10_cents", "raw_p50_cents", "raw_p90_cents",
            "last_pace_cents", "year_ago_cents", "pinball_cents", "last_pace_pinball_cents", "year_ago_pinball_cents"]
    out = pd.DataFrame({"period": bt["month"].astype(str), "said_on_day": pd.to_datetime(bt["as_of"]).dt.date,
                        "inside": bt["inside"].astype(bool)})
    for c in cols:
        out[c.removesuffix("_cents")] = [None if pd.isna(v) else Decimal(round(v)).scaleb(-2).quantize(Decimal("0.01"))
                                         for v in bt[c]]
    return out


def forecast_csv(daily: pd.Series, outlook: Outlook, columns: str = "month") -> str:
    """The daily series and this month's projected cumulative band as one CSV (money as decimal strings).

    `columns`: the projection columns' prefix, "month" or, for an outlook to payday, "period" (issue 26)."""
    s = _clean_daily(daily)
    m = outlook.month
    s = s[s.index <= pd.Timestamp(m.month_end)]
    dates = pd.date_range(s.index[0] if len(s) else m.month_start, m.month_end, freq="D")
    table = pd.DataFrame({"date": dates})
    spent = s.reindex(dates)
    table["spent"] = [money(v) if pd.notna(v) else "" for v in spent.to_numpy(dtype="float64")]
    fan = m.fan.set_index("date").reindex(dates)
    for col in ("actual_cum", "p10_cum", "p50_cum", "p90_cum"):
        table[f"{columns}_{col}"] = [money(v) if pd.notna(v) else "" for v in fan[col].to_numpy(dtype="float64")]
    table["date"] = table["date"].dt.strftime("%Y-%m-%d")
    buf = io.StringIO()
    table.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()
