"""What one dashboard load ("profile + last 90 days") costs on DynamoDB (a measurement, not a test).

Usage: .venv/bin/python bench/window_cost.py [--endpoint URL] [--days 1095] [--per-day 3]
Without --endpoint it starts dynalite from node_modules on a free port (run `npm ci` first).
Prints requests, consumed read units and bytes on the wire for load_window(today-89, today),
next to the two-request alternative (a BETWEEN query + GetItem) and a window in the past.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import random
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.core.models import (  # noqa: E402
    Commentary,
    Profile,
    Transaction,
)
from lib.store.dynamodb import DynamoDBStore  # noqa: E402

CATEGORIES = ["Groceries", "Dining", "Transport", "Coffee", "Shopping", "Bills", "Fun", "Health"]


@contextlib.contextmanager
def dynalite() -> Iterator[str]:
    """Start dynalite on a free port for the duration of the benchmark."""
    binary = ROOT / "node_modules" / ".bin" / "dynalite"
    if not binary.exists():
        sys.exit(f"dynalite is missing ({binary}): run `npm ci` first")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [str(binary), "--host", "127.0.0.1", "--port", str(port), "--createTableMs", "0"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        for _ in range(300):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def history(user: str, days: int, per_day: float, today: dt.date) -> list[Transaction]:
    """lib.core.demo's generator when it exists, else a seeded one with the same density."""
    try:
        from lib.core.demo import demo_transactions
    except ImportError:
        print("(lib.core.demo not found: using this script's own seeded generator)")
        rng = random.Random(42)
        txns = []
        for back in range(days):
            day = today - dt.timedelta(days=back)
            for _ in range(max(0, round(rng.gauss(per_day, 1.2)))):
                cents = rng.randint(150, 6000)
                txns.append(
                    Transaction(user, day, Decimal(cents) / 100, rng.choice(CATEGORIES), "Card payment", source="demo")
                )
        return txns
    return list(demo_transactions(user, days=days, today=today))


class Wire:
    """Counts the bytes of every DynamoDB HTTP response body."""

    def __init__(self, client: Any):
        self.bytes = 0
        client.meta.events.register("after-call.dynamodb.*", self._count)

    def _count(self, http_response: Any = None, **_: Any) -> None:
        if http_response is not None:
            self.bytes += len(http_response.content or b"")


def measure(store: DynamoDBStore, wire: Wire, user: str, label: str, fn: Any) -> None:
    store.meter.reset()
    wire.bytes = 0
    result = fn()
    u = store.meter.for_user(user)
    n = len(result.transactions) if hasattr(result, "transactions") else len(result[0])
    print(f"{label:<48} requests={u.requests}  read_units={u.read_units:g}  bytes={wire.bytes:,}  transactions={n}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", help="a running DynamoDB-compatible endpoint (default: start dynalite)")
    parser.add_argument("--days", type=int, default=3 * 365)
    parser.add_argument("--per-day", type=float, default=3)
    args = parser.parse_args(argv)

    with contextlib.ExitStack() as stack:
        endpoint = args.endpoint or stack.enter_context(dynalite())
        client = boto3.client(
            "dynamodb",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
        )
        store = DynamoDBStore(f"bench-{uuid.uuid4().hex[:8]}", client=client)
        store.init()
        user, today = "bench-user", dt.date.today()
        txns = history(user, args.days, args.per_day, today)
        store.save_profile(Profile(user, "Bench", Decimal("25.00"), Decimal("3200.00"), "brutal"))
        store.put_commentary(Commentary(user, today.isoformat(), "brutal", "h", "Put the card down. " * 20, "offline"))
        written = store.put_transactions(txns)
        w = store.meter.for_user(user)
        print(f"history: {written:,} transactions over {args.days} days; writing it took {w.requests} requests, "
              f"{w.write_units:g} write units")

        wire = Wire(client)
        start = today - dt.timedelta(days=89)
        label = "load_window(today-89, today)  [one Query]"
        measure(store, wire, user, label, lambda: store.load_window(user, start, today))
        measure(
            store,
            wire,
            user,
            "list_transactions + get_profile  [the naive way]",
            lambda: (store.list_transactions(user, start, today), store.get_profile(user)),
        )
        past_end = today - dt.timedelta(days=365)
        measure(
            store,
            wire,
            user,
            "load_window(a year ago, 90 days)  [past window]",
            lambda: store.load_window(user, past_end - dt.timedelta(days=89), past_end),
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
