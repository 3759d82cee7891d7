"""`python -m lib jobs --once [--at INSTANT] [--json]` (one tick) and `python -m lib worker` (a tick a minute)."""
from __future__ import annotations

import argparse
import json
import signal
import threading

from lib.cli.nudges import settings_with_app_secrets
from lib.core import clock
from lib.core.errors import ValidationError
from lib.jobs import worker
from lib.jobs.banksync import regular_syncs
from lib.jobs.tick import bank_sync, parse_instant, tick
from lib.rates.refresh import refresh_if_stale
from lib.rates.shared import refresh_shared, refresh_url
from lib.store import Store
from lib.store.sealed import sealer_from_settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("jobs", help="run one tick of the jobs (nudges) as of now or --at an instant")
    p.add_argument("--once", action="store_true", help="one tick, then exit (the only mode; the worker loops)")
    p.add_argument("--at", metavar="INSTANT", help="ISO 8601 with a zone, e.g. 2026-12-05T16:00:00Z")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_jobs)
    w = sub.add_parser("worker", help="tick every minute until stopped (make run starts it beside the app)")
    w.set_defaults(handler=cmd_worker)


def cmd_jobs(args: argparse.Namespace, store: Store) -> int:
    settings = settings_with_app_secrets()
    try:
        at = parse_instant(args.at) if args.at else clock.now()
    except ValueError as exc:
        raise ValidationError({"at": f"'{str(args.at)[:40]}' is not an ISO 8601 instant with a zone ({exc})."}) from exc
    report = tick(store, sealer_from_settings(settings), at, allow_private=not settings.is_hosted,
                  before_morning=bank_sync(settings), syncs=regular_syncs(settings))
    data = report.to_dict()
    if args.json:
        print(json.dumps(data))
    else:
        print(f"{report.at}: {report.due} due, {len(report.sent)} sent, {len(report.skipped)} skipped")
        for s in report.sent:
            print(f"  sent {s['kind']} to {s['user']}: {s['channels_ok']} ok, {s['channels_failed']} failed")
        for s in report.skipped:
            print(f"  skipped {s['kind']} for {s['user']}: {s['why']}")
        for s in report.synced:
            gist = f" ({s['state']}, {s['added']} added, {s['requests']} requests)" if "state" in s else ""
            print(f"  bank sync for {s['user']}: {s['outcome']}{gist}")
    return 0


def cmd_worker(args: argparse.Namespace, store: Store) -> int:
    settings = settings_with_app_secrets()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print("worker: a tick every minute; Ctrl+C stops it", flush=True)
    def on_tick(summary: dict[str, object]) -> None:
        print(json.dumps(summary), flush=True)  # one JSON line per tick
        refresh_if_stale(settings.fx_rates_file, clock.now().timestamp())  # issue 25: the ECB history, daily
        refresh_shared(store, clock.now().timestamp(), refresh_url(settings), allow_private=not settings.is_hosted)

    worker.run(store, sealer_from_settings(settings), allow_private=not settings.is_hosted, stop=stop,
               before_morning=bank_sync(settings), syncs=regular_syncs(settings), on_tick=on_tick)
    return 0
