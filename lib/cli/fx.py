"""`python -m lib fx refresh|reprice|rate|show`: exchange rates and re-pricing (issue 25)."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from lib.cli.common import iso_date as _date
from lib.config import load_settings
from lib.core import clock
from lib.core.fx import check_code
from lib.rates import rates_from_settings
from lib.rates.refresh import ECB_URL, refresh
from lib.rates.reprice import reprice_user, set_rate
from lib.store import Store


def cmd_refresh(args: argparse.Namespace, store: Store) -> int:
    settings = load_settings()
    done = refresh(args.to or settings.fx_rates_file, args.url,
                   allow_private=settings.env == "local" and args.url != ECB_URL)
    print(f"rates refreshed: {done.path}, {done.currencies} currencies, last day {done.last_day} "
          f"(was {done.previous_last_day})")
    return 0


def reprice_and_report(store: Store, user_id: str, home: str) -> int:
    """Re-price a user's rows in `home`, printing what changed; 1 when some rows were left as they were."""
    report = reprice_user(store, user_id, home, rates_from_settings(load_settings(), store))
    for line in report.lines():
        print(line)
    return 1 if report.refused else 0


def cmd_reprice(args: argparse.Namespace, store: Store) -> int:
    home = store.get_profile(args.user).currency
    if not home:
        print(f"user '{args.user}' has no home currency: set one with profile --currency CODE", file=sys.stderr)
        return 2
    return reprice_and_report(store, args.user, home)


def cmd_rate(args: argparse.Namespace, store: Store) -> int:
    profile = store.get_profile(args.user)
    txn = set_rate(store, args.user, args.id, args.rate, profile.currency,
                   rates_from_settings(load_settings(), store))
    print(f"{txn.sort_key}: {txn.original_amount} {txn.original_currency} = {txn.amount} {txn.currency} "
          f"at {txn.fx_rate} ({txn.fx_source}, {txn.fx_date})")
    return 0


def cmd_show(args: argparse.Namespace, store: Store) -> int:
    rates = rates_from_settings(load_settings(), store)
    rate = rates.rate(check_code(args.base), check_code(args.quote), args.date or clock.today())
    print(rate.note())
    return 0


def register(sub: Any) -> None:
    """Add the fx subcommands to the CLI's subparsers."""
    p = sub.add_parser("fx", help="exchange rates: refresh the ECB history, re-price, set a transaction's rate")
    fx_sub = p.add_subparsers(dest="fx_command", required=True)
    r = fx_sub.add_parser("refresh", help="download the ECB's newest history to FINANCE_FX_RATES_FILE (daily)")
    r.add_argument("--to", default="", help="where to keep it (default: FINANCE_FX_RATES_FILE)")
    r.add_argument("--url", default=ECB_URL, help=argparse.SUPPRESS)  # tests: a local server
    r.set_defaults(handler=cmd_refresh)
    rp = fx_sub.add_parser("reprice", help="re-price every transaction in the user's home currency (resumable)")
    rp.add_argument("--user", required=True)
    rp.set_defaults(handler=cmd_reprice)
    rt = fx_sub.add_parser("rate", help="use your own rate for one foreign transaction ('ecb': back to the ECB's)")
    rt.add_argument("--user", required=True)
    rt.add_argument("--id", required=True, help="the transaction's id (its key, as export prints it)")
    rt.add_argument("--rate", required=True, help="1 unit of its currency in home money, e.g. 0.9134, or ecb")
    rt.set_defaults(handler=cmd_rate)
    sh = fx_sub.add_parser("show", help="the rate used for a pair on a day")
    sh.add_argument("base")
    sh.add_argument("quote")
    sh.add_argument("--date", type=_date, default=None)
    sh.set_defaults(handler=cmd_show)
