"""`python -m lib bank connect|sync|status|disconnect`: a user's bank feed (SimpleFIN) from the command line."""
from __future__ import annotations

import argparse
import json

from lib.config import load_settings
from lib.core import clock
from lib.store import Store
from lib.sync import service


def register(sub: argparse._SubParsersAction) -> None:
    bank = sub.add_parser("bank", help="a bank feed (SimpleFIN Bridge): connect, sync, status, disconnect")
    cmds = bank.add_subparsers(dest="bank_command", required=True)
    p = cmds.add_parser("connect", help="claim a SimpleFIN setup token (once) and print the accounts found")
    p.add_argument("--user", required=True)
    p.add_argument("token", help="the setup token from the bridge (base64)")
    p.set_defaults(handler=cmd_connect)
    p = cmds.add_parser("sync", help="read new rows from the bridge now")
    p.add_argument("--user", required=True)
    p.add_argument("--json", action="store_true", help='print {"accounts","added","updated","pending","errors"}')
    p.set_defaults(handler=cmd_sync)
    p = cmds.add_parser("status", help="the last sync and each account's state")
    p.add_argument("--user", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_status)
    p = cmds.add_parser("disconnect", help="forget the connection (rows already synced stay)")
    p.add_argument("--user", required=True)
    p.set_defaults(handler=cmd_disconnect)
    p = cmds.add_parser("reindex", help="put a user's connection in the jobs tick's regular syncs again "
                                        "(a connection made before they existed gets there on its next sync)")
    p.add_argument("--user", required=True)
    p.set_defaults(handler=cmd_reindex)


def cmd_connect(args: argparse.Namespace, store: Store) -> int:
    accounts = service.connect(store, load_settings(), args.user, args.token, clock.now())
    print(f"connected: {len(accounts)} accounts")
    for a in accounts:
        mark = "spending" if a.spending else "not spending"
        print(f"  {a.name} ({a.institution or 'bank'}, {a.currency}): {mark}")
    return 0


def cmd_sync(args: argparse.Namespace, store: Store) -> int:
    report = service.sync_user(store, load_settings(), args.user, clock.now())
    if args.json:
        print(json.dumps(report.as_json()))
    else:
        print(f"{report.state}: {report.accounts} accounts, {report.added} added, {report.updated} updated, "
              f"{report.pending} pending, {report.removed} pending rows settled, {report.requests} requests")
        for error in report.errors:
            print(f"  bank says: {error}")
    return 0 if report.state in ("ok", "needs_attention") else 1


def cmd_status(args: argparse.Namespace, store: Store) -> int:
    info = service.status(store, args.user, clock.now())
    if args.json:
        print(json.dumps(info))
        return 0
    if not info["connected"]:
        print("no bank connected")
        return 0
    print(f"{info['state']}: last sync {info['last_sync_at'] or 'never'}, last answer {info['last_ok_at'] or 'never'}, "
          f"{info['requests_today']} requests today")
    if info.get("sync_slots"):
        print(f"  synced by itself at {', '.join(info['sync_slots'])} UTC and before the morning nudge")  # type: ignore[arg-type]
    for a in info["accounts"]:  # type: ignore[attr-defined]
        print(f"  {a['name']} ({a['institution']}, {a['currency']}): {a['state']}"
              f"{', spending' if a['spending'] else ''}{' - ' + a['error'] if a['error'] else ''}")
    for text in info["notices"]:  # type: ignore[attr-defined]
        print(f"  ! {text}")
    return 0


def cmd_disconnect(args: argparse.Namespace, store: Store) -> int:
    service.disconnect(store, args.user)
    print("disconnected (rows already synced stay)")
    return 0


def cmd_reindex(args: argparse.Namespace, store: Store) -> int:
    slots = service.reindex(store, args.user)
    print(f"regular syncs at {', '.join(slots)} UTC" if slots else "no live bank connection: not in the regular syncs")
    return 0
