"""One jobs tick with 10,000 users on dynalite: requests, read units, write units, seconds (a measurement, not a test).

Usage: .venv/bin/python bench/nudge_tick.py [--users 10000] [--zones 24] [--days 14] [--endpoint URL]
Without --endpoint it starts dynalite from node_modules (run `npm ci` first).

Every user has the default nudges (08:00 and 20:30 in their zone) and so two schedule items; the
users are spread evenly over `--zones` zones one hour apart. The tick at 07:00Z (a December
morning) finds the users of the zones where it is 08:00. Those users have everything a tick reads
(profile, `--days` days of purchases, a channel: a JSON webhook on a local HTTP server); the others
have only their schedule items, which is all of theirs a tick can read. Printed: the tick's
requests and capacity, split into "who is due" (the slot Queries) and the nudges themselves; a
second tick at the same instant (all "already sent"); and the slot Query alone with every user in
one slot (the worst case of the "who is due" part).
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.server
import sys
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
from boto3.dynamodb.types import TypeSerializer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.window_cost import dynalite  # noqa: E402
from lib.core.models import Profile, Transaction  # noqa: E402
from lib.core.nudge_prefs import Channel, NudgePrefs  # noqa: E402
from lib.jobs import schedule  # noqa: E402
from lib.jobs.tick import due_items, tick  # noqa: E402
from lib.store import nudge_items, schema  # noqa: E402
from lib.store.dynamodb import DynamoDBStore  # noqa: E402
from lib.store.sealed import Sealer, new_key  # noqa: E402

AT = dt.datetime(2026, 12, 7, 7, 0, tzinfo=dt.UTC)  # a Monday morning
# One zone per UTC offset -11..+12 without daylight saving in December, so 07:00Z is 08:00 in exactly one
# (the +01:00 one) and the others are due at other hours.
ZONES = ["Pacific/Pago_Pago", "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Phoenix",
         "America/Chicago", "America/New_York", "America/Halifax", "America/Sao_Paulo", "Atlantic/South_Georgia",
         "Atlantic/Azores", "UTC", "Europe/Paris", "Europe/Athens", "Europe/Moscow", "Asia/Dubai", "Asia/Karachi",
         "Asia/Dhaka", "Asia/Bangkok", "Asia/Shanghai", "Asia/Tokyo", "Australia/Brisbane", "Pacific/Noumea",
         "Pacific/Auckland"]


class Hook(http.server.BaseHTTPRequestHandler):
    received = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Hook.received += 1
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def batch_put(client: Any, table: str, items: list[dict[str, Any]]) -> None:
    """Seed items 25 at a time (set-up only; not part of what is measured)."""
    ser = TypeSerializer()
    for i in range(0, len(items), 25):
        requests = [{"PutRequest": {"Item": {k: ser.serialize(v) for k, v in item.items()}}}
                    for item in items[i:i + 25]]
        pending = {table: requests}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def seed(store: DynamoDBStore, client: Any, sealer: Sealer, users: int, zones: list[str], days: int,
         hook_url: str) -> list[str]:
    """Every user's schedule items; full data only for the users due at AT. Returns the due users."""
    due_zone = {z for z in zones if AT.astimezone(schedule.ZoneInfo(z)).strftime("%H:%M") == "08:00"}
    items: list[dict[str, Any]] = []
    due_users: list[str] = []
    sealed = sealer.seal(hook_url)
    for n in range(users):
        zone = zones[n % len(zones)]
        user = f"user-{n:05d}"
        profile = Profile(user_id=user, display_name=f"User {n}", timezone=zone, nudges=NudgePrefs(),
                          ai_tone=("brutal", "sarcastic", "polite")[n % 3], version=1)
        wanted = schedule.places(profile, True)
        items += [nudge_items.schedule_item(slot, user, part, local, zone) for slot, part, local in wanted.values()]
        items.append(nudge_items.schedule_pointer_item(user, list(wanted)))
        if zone in due_zone:
            due_users.append(user)
            items.append(schema.profile_to_item(profile))
            items.append(nudge_items.channel_to_item(Channel(user, "c1", sealed, "json://127.0.0.1/hook", "json",
                                                             created_at="2026-12-01T00:00:00+00:00",
                                                             last_ok_at="2026-12-01T00:00:00+00:00", version=1)))
            day0 = AT.date()
            items += [schema.transaction_to_item(Transaction(user, day0 - dt.timedelta(days=d),
                                                             Decimal(f"{8 + (n + d) % 9}.50"), "Food", "Lunch"))
                      for d in range(1, days + 1)]
    batch_put(client, store.table_name, items)
    return due_users


def usage(store: DynamoDBStore) -> tuple[int, float, float]:
    u = store.meter.total()
    return u.requests, u.read_units, u.write_units


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--zones", type=int, default=len(ZONES))
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--endpoint")
    args = parser.parse_args(argv)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook = f"json://127.0.0.1:{server.server_address[1]}/hook"
    with contextlib.ExitStack() as stack:
        endpoint = args.endpoint or stack.enter_context(dynalite())
        client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                              aws_access_key_id="bench", aws_secret_access_key="bench")
        store = DynamoDBStore(f"bench-{uuid.uuid4().hex[:8]}", client=client)
        store.init()
        sealer = Sealer([new_key()])
        started = time.perf_counter()
        due_users = seed(store, client, sealer, args.users, ZONES[:args.zones], args.days, hook)
        print(f"seeded {args.users:,} users ({len(due_users):,} due at {AT:%Y-%m-%d %H:%MZ}) "
              f"in {time.perf_counter() - started:.0f} s")

        store.meter.reset()
        t0 = time.perf_counter()
        found = due_items(store, AT)
        t_due = time.perf_counter() - t0
        r_due = usage(store)
        print(f"who is due: {len(schedule.slots_at(AT))} slot Queries -> {len(found):,} items; "
              f"{r_due[0]} requests, {r_due[1]:g} read units, {t_due:.2f} s")

        store.meter.reset()
        t0 = time.perf_counter()
        report = tick(store, sealer, AT, allow_private=True)
        seconds = time.perf_counter() - t0
        req, ru, wu = usage(store)
        print(f"tick: due {report.due:,}, sent {len(report.sent):,}, skipped {len(report.skipped):,}, "
              f"webhook received {Hook.received:,}")
        print(f"tick: {req:,} requests, {ru:,.1f} read units, {wu:,.1f} write units, {seconds:.1f} s "
              f"({seconds / max(1, report.due) * 1000:.0f} ms per due user)")
        if report.due:
            print(f"per due user: {(req - r_due[0]) / report.due:.2f} requests, "
                  f"{(ru - r_due[1]) / report.due:.2f} read units, {wu / report.due:.2f} write units")

        store.meter.reset()
        t0 = time.perf_counter()
        again = tick(store, sealer, AT, allow_private=True)
        req2, ru2, wu2 = usage(store)
        print(f"the same instant again: sent {len(again.sent)}, skipped {len(again.skipped):,}; "
              f"{req2:,} requests, {ru2:,.1f} read units, {wu2:,.1f} write units, {time.perf_counter() - t0:.1f} s")

        # Worst case of "who is due": every user in one slot.
        worst = DynamoDBStore(f"bench-{uuid.uuid4().hex[:8]}", client=client)
        worst.init()
        batch_put(client, worst.table_name, [nudge_items.schedule_item("07:00", f"user-{n:05d}", "am", "08:00",
                                                                       "Europe/Paris") for n in range(args.users)])
        worst.meter.reset()
        t0 = time.perf_counter()
        everyone = due_items(worst, AT)
        r_w = usage(worst)
        print(f"worst case, all {args.users:,} in one slot: {len(everyone):,} due; {r_w[0]} requests, "
              f"{r_w[1]:g} read units, {time.perf_counter() - t0:.2f} s")
    server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
