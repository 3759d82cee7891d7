"""`python -m lib forecast`: month-end, savings and streak projections with a backtest, from the command line.

Registered by lib/cli/__init__.py (`register(sub)`), like the stats and coach commands.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from typing import Any

from lib.cli.common import iso_date as _date
from lib.core import clock
from lib.core.errors import ValidationError
from lib.core.models import decimal_places, parse_money
from lib.core.money import money_format
from lib.store import Store
from lib.store.files import write_private

PERIOD_KEYS = ("period_rule", "period_start", "period_end", "period_days_left", "period_spent", "period_budget",
               "left_per_day", "period_end_p10", "period_end_p50", "period_end_p90")
HISTORY_DAYS = 1095  # three years: enough complete months for the backtest to mean something



def _budget_cents(text: str) -> int:
    amount = parse_money(text, "--budget")
    if amount <= 0 or decimal_places(amount) > 2:
        raise ValidationError({"--budget": "must be more than zero, with at most 2 decimals"})
    return int(amount * 100)


def cmd_forecast(args: argparse.Namespace, store: Store) -> int:
    from lib.core import analytics, forecast, standing

    if args.history_days < 1:
        raise ValidationError({"--history-days": "must be at least 1"})
    profile = store.get_profile(args.user)
    today = args.today or clock.today(profile.timezone)  # the user's today, in their zone
    txns = store.list_transactions(args.user, today - dt.timedelta(days=args.history_days - 1), today)
    if not txns:
        print(f"note: user '{args.user}' has no transactions up to {today.isoformat()}", file=sys.stderr)
    frame = analytics.transactions_frame(txns)
    daily = analytics.daily_totals(frame, analytics.first_day(frame) or today, today)
    budget = _budget_cents(args.budget) if args.budget else analytics.decimal_to_cents(profile.daily_budget)
    salary = analytics.decimal_to_cents(profile.monthly_salary) if profile.monthly_salary else None
    # The month end comes from the standing's simulation, so `stats`, the dashboard and this agree.
    where, _ = standing.load_standing(store, args.user, today)  # the dashboard's facts: streaks, fixed bills
    sim = standing.month_simulation(frame, today, where.tracking_since, horizon_months=12,
                                    fixed=standing.fixed_rule(profile), payday=where.period_rule,
                                    memory=where.forecast_memory)
    extra: dict[str, Any] = {"fixed_categories": frozenset(where.fixed_categories),
                             "fixed_allowance_cents": where.month_fixed_expected_cents,
                             "today_everyday_cents": where.today_everyday_cents}
    report = forecast.forecast_report(daily, today, budget, salary, frame, current_streak=where.current_streak,
                                      sim=sim, rule=where.period_rule, **extra)
    report["tracked_through"] = where.tracked_through.isoformat() if where.tracked_through else None
    # Issue 26: the budget period's figures, the same keys and values as `stats --json` (for a calendar
    # period they are the month's); the month_* keys above stay the calendar month's.
    report.update({k: v for k, v in where.to_dict().items() if k in PERIOD_KEYS})
    if profile.currency:  # issue 25: which money the figures are (they stay plain decimal strings)
        report["currency"] = profile.currency
    if args.csv:
        outlook = forecast.what_if(sim, daily_budget_cents=budget, monthly_salary_cents=salary, **extra)
        write_private(args.csv, forecast.forecast_csv(daily, outlook))  # daily spending: owner-only
        print(f"wrote {args.csv}", file=sys.stderr)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    _print_summary(args.user, report, money_format(profile.currency, profile.locale).text)
    return 0


def _print_summary(user: str, r: dict[str, Any], t: Callable[[object], str] = str) -> None:
    print(f"{user}, {r['month']} as of {r['today']}: spent {t(r['month_spent_to_date'])}, "
          f"{r['days_remaining']} days to go")
    print(f"month end: {t(r['month_end_p50'])} (likely {t(r['month_end_p10'])} - {t(r['month_end_p90'])}); "
          f"budget {t(r['month_budget'])}, chance to stay within it {r['month_under_budget_probability']:.0%}")
    if r.get("period_rule", "calendar") != "calendar":
        print(f"pay period {r['period_start']} to {r['period_end']}: {t(r['left_per_day'])} a day left until payday, "
              f"ends at {t(r['period_end_p50'])} (likely {t(r['period_end_p10'])} - {t(r['period_end_p90'])}) "
              f"of {t(r['period_budget'])}")
    print(f"streak: {r['current_streak']} days; chance to keep it 7 more days at {t(r['daily_budget'])} a day: "
          f"{r['streak_keep_7d_probability']:.0%}")
    if r["savings_p50"] is not None:
        print(f"savings this month: {t(r['savings_p50'])} (likely {t(r['savings_p10'])} - {t(r['savings_p90'])})")
        for h in (3, 6, 12):
            print(f"  {h:>2} months to {r[f'savings_{h}m_through']}: {t(r[f'savings_{h}m_p50'])} "
                  f"(likely {t(r[f'savings_{h}m_p10'])} - {t(r[f'savings_{h}m_p90'])})")
    else:
        print("savings: no monthly salary in the profile")
    if r["backtest_coverage"] is None:
        print("backtest: not enough complete months of history yet")
    else:
        rule = r.get("backtest_rule", "calendar")
        print(f"backtest: truth inside the p10-p90 band in {r['backtest_coverage']:.0%} of "
              f"{r['backtest_projections']} projections over {r['backtest_months']} "
              + ("months" if rule == "calendar" else f"pay periods ({rule})"))
        sk = r.get("backtest_skill") or {}
        for key, name in (("last_pace", "the rest of last month"), ("year_ago", "the same days a year ago")):
            if key in sk:
                print(f"  pinball loss {t(sk[f'model_vs_{key}'])} against {t(sk[key])} for {name} (lower is better)")
    print(("ROUGH: " if r["rough"] else "") + str(r["note"]))


def register(sub: Any) -> None:
    """Add the forecast subcommand to the CLI's subparsers."""
    p = sub.add_parser("forecast", help="month-end, savings and streak projections with a backtest")
    p.add_argument("--user", required=True)
    p.add_argument("--budget", default=None, help="what-if daily budget (default: the profile's)")
    p.add_argument("--today", type=_date, default=None, help="the day to forecast from (default: the user's today)")
    p.add_argument("--history-days", type=int, default=HISTORY_DAYS, help="days of history to read (default 1095)")
    p.add_argument("--csv", default=None, help="also write the daily series and projections to this CSV file")
    p.add_argument("--json", action="store_true", help="print the forecast as JSON")
    p.set_defaults(handler=cmd_forecast)
