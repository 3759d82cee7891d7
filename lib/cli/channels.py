"""`python -m lib channels add|list|remove|test --user U [URL|N]`: where a user's nudges go."""
from __future__ import annotations

import argparse
import json

from lib.cli.nudges import settings_with_app_secrets
from lib.core import clock
from lib.jobs import manage
from lib.notify.channels import list_channels
from lib.store import Store
from lib.store.sealed import sealer_from_settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("channels", help="add, list, remove or test the places your nudges go (Apprise URLs)")
    actions = p.add_subparsers(dest="action", required=True)
    for name, what in (("add", "URL"), ("list", None), ("remove", "N"), ("test", "N")):
        a = actions.add_parser(name)
        if what:
            a.add_argument("target", metavar=what,
                           help="an Apprise URL (ntfy://topic, mailto://..., json://host/path)" if what == "URL"
                           else "the channel's number in `channels list`")
        a.add_argument("--user", required=True)
        a.add_argument("--json", action="store_true")
        a.set_defaults(handler=cmd_channels)


def cmd_channels(args: argparse.Namespace, store: Store) -> int:
    settings = settings_with_app_secrets()
    allow_private = not settings.is_hosted
    if args.action == "add":
        channel = manage.add_channel(store, sealer_from_settings(settings), args.user, args.target,
                                     allow_private=allow_private, at=clock.now())
        print(json.dumps({"added": channel.masked, "scheme": channel.scheme}) if args.json
              else f"added {channel.masked}")
        return 0
    if args.action == "remove":
        channel = manage.remove_channel(store, args.user, args.target)
        print(f"removed {channel.masked}")
        return 0
    if args.action == "test":
        result = manage.send_test(store, sealer_from_settings(settings), args.user, args.target,
                                  allow_private=allow_private, at=clock.now())
        print(json.dumps({"ok": result.ok, "error": result.error}) if args.json
              else ("sent" if result.ok else f"failed: {result.error}"))
        return 0 if result.ok else 1
    rows = [{"n": i, "url": c.masked, "scheme": c.scheme, "failures": c.failures, "paused": c.paused}
            for i, c in enumerate(list_channels(store, args.user), 1)]
    if args.json:
        print(json.dumps(rows))
    else:
        for r in rows:
            print(f"{r['n']}. {r['url']}" + ("  (paused after 5 failures: send a test)" if r["paused"] else ""))
        if not rows:
            print("no channels yet: python -m lib channels add --user U 'ntfy://your-topic'")
    return 0
