"""`python -m lib stats` and `python -m lib coach`: the analytics and the coach from the command line.

Registered by lib/cli/__init__.py (`register(sub)`); kept apart so the CLI file stays a short list of commands.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from typing import Any

from lib.cli.common import iso_date as _date
from lib.cli.common import user_today
from lib.config import load_settings
from lib.core.errors import ValidationError
from lib.core.models import TONES
from lib.core.money import money_format
from lib.store import Store


def cmd_stats(args: argparse.Namespace, store: Store) -> int:
    from lib.core.analytics import compute_stats, transactions_frame
    from lib.core.standing import window_range
    from lib.core.userday import load_user_standing

    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise ValidationError({"--from": "must not be after --to"})
    before = store.meter.for_user(args.user)
    # The dashboard's own read, on the user's today (their zone) unless --today pins one.
    where, window = load_user_standing(store, args.user, None, args.today)
    today = where.today
    used = store.meter.for_user(args.user).minus(before)
    txns = window.transactions
    window_start = window_range(today)[0]
    if args.date_from and args.date_from < window_start:
        # A breakdown reaching back before the standing's window reads those days too (not counted above).
        txns = store.list_transactions(args.user, args.date_from, window_start - dt.timedelta(days=1)) + txns
    if not txns:
        print(f"note: user '{args.user}' has no transactions up to {today.isoformat()}", file=sys.stderr)
    stats = compute_stats(transactions_frame(txns), window.profile, today, args.date_from, args.date_to)
    stats.update({k: v for k, v in where.to_dict().items() if k not in ("user_id", "display_name", "tone")})
    stats["month_projection"] = stats["month_end_p50"]  # the one projection; the straight line is labelled
    stats["store_requests"] = used.requests
    stats["store_read_units"] = round(used.read_units, 2)
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    t = money_format(where.currency, where.locale).text  # issue 25: the home currency, the saved locale's way
    print(f"{args.user} on {stats['today']}: spent {t(stats['today_spent'])} of {t(stats['daily_budget'])} today "
          f"({stats['today_status']})")
    print(f"streak: {stats['current_streak']} days (longest {stats['longest_streak']}: "
          f"{stats['longest_streak_start']} to {stats['longest_streak_end']}); tracked through "
          f"{stats['tracked_through']}")
    print(f"this month: spent {t(stats['month_spent'])} (fixed bills {t(stats['month_fixed'])}), allowed so far "
          f"{t(stats['month_allowed'])}, month end {t(stats['month_end_p50'])} (likely {t(stats['month_end_p10'])}"
          f" - {t(stats['month_end_p90'])}) of {t(stats['month_budget'])} + fixed "
          f"{t(stats['month_fixed_expected'])}")
    print(f"{stats['period_start']} to {stats['period_end']}: spent {t(stats['period_spent'])}")
    for row in stats["by_category"]:
        print(f"  {row['category']:<24} {t(row['amount']):>12}  {row['share'] * 100:5.1f}%")
    print(f"read: {used.requests} store request(s), {used.read_units:.1f} read units", file=sys.stderr)
    return 0


def cmd_coach(args: argparse.Namespace, store: Store) -> int:
    from lib.coach import get_commentary
    from lib.coach.bedrock import coach_from_settings
    from lib.coach.facts import facts_from_standing
    from lib.core.userday import load_user_standing

    settings = load_settings()
    # The same window the sidebar reads, in one query: profile, transactions, cached commentary (the user's today).
    where, window = load_user_standing(store, args.user, None, args.today)
    today = where.today
    facts = facts_from_standing(where)
    if args.tone:
        facts = dataclasses.replace(facts, tone=args.tone)
    bedrock = None
    why = "--offline given" if args.offline else "Bedrock is not enabled; set FINANCE_BEDROCK=1 to use it"
    if settings.bedrock_enabled and not args.offline:
        bedrock = coach_from_settings(settings)
    result = get_commentary(
        facts,
        day=today,
        bedrock=bedrock,
        cached=None if args.offline else window.commentary,
        save=store.put_commentary,
        user_id=args.user,
        zone=window.profile.timezone,
    )
    print(result.text)
    if result.source == "bedrock":
        detail = f"bedrock, {result.model}: {result.input_tokens} input / {result.output_tokens} output tokens"
    elif result.source == "cache":
        detail = f"cache, today's saved commentary from {result.model}: no Bedrock call"
    else:
        detail = f"offline: {result.notice or why}"
        if result.input_tokens or result.output_tokens:
            detail += f" (the rejected call used {result.input_tokens} input / {result.output_tokens} output tokens)"
    print(f"coach: {detail} [tone {facts.tone}]", file=sys.stderr)
    return 0


def cmd_checkin(args: argparse.Namespace, store: Store) -> int:
    day = user_today(store, args.user, args.day)
    store.mark_known(args.user, day)
    print(f"{args.user}: spending through {day.isoformat()} is known (nothing more spent)")
    return 0


def cmd_rebuild_streaks(args: argparse.Namespace, store: Store) -> int:
    from dataclasses import replace

    from lib.core.standing import ensure_streak_state, window_range

    today = user_today(store, args.user, args.today)
    window = store.load_window(args.user, *window_range(today))
    window, _ = ensure_streak_state(store, replace(window, streak_state=None), today)  # from the whole history
    state = window.streak_state
    assert state is not None
    print(f"{args.user}: streak state rebuilt through {state.upto.isoformat()} (longest {state.longest}, "
          f"run at the end {state.tail})")
    return 0


def register(sub: Any) -> None:
    """Add the stats and coach subcommands to the CLI's subparsers."""
    p = sub.add_parser("stats", help="streaks, month pace and spending breakdowns for a user")
    p.add_argument("--user", required=True)
    p.add_argument("--from", dest="date_from", type=_date, default=None, help="first day of the breakdowns")
    p.add_argument("--to", dest="date_to", type=_date, default=None, help="last day of the breakdowns")
    p.add_argument("--today", type=_date, default=None,
                   help="the day to compute streaks for (default: the user's today)")
    p.add_argument("--json", action="store_true", help="print the stats as JSON")
    p.set_defaults(handler=cmd_stats)

    p = sub.add_parser("coach", help="print the commentary the sidebar would show (stderr: which coach and why)")
    p.add_argument("--user", required=True)
    p.add_argument("--tone", type=str.lower, choices=TONES, default=None, help="default: the profile's tone")
    p.add_argument("--offline", action="store_true", help="use the offline coach even when Bedrock is enabled")
    p.add_argument("--today", type=_date, default=None, help="the day to comment on (default: the user's today)")
    p.set_defaults(handler=cmd_coach)

    p = sub.add_parser("checkin", help='"nothing spent today": make a day without transactions a known day')
    p.add_argument("--user", required=True)
    p.add_argument("--day", type=_date, default=None, help="the day checked in (default: the user's today)")
    p.set_defaults(handler=cmd_checkin)

    p = sub.add_parser("rebuild-streaks", help="rebuild a user's streak state from the whole history")
    p.add_argument("--user", required=True)
    p.add_argument("--today", type=_date, default=None)
    p.set_defaults(handler=cmd_rebuild_streaks)
