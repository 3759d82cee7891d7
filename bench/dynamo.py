"""DynamoDB on dynalite: requests and read units of one dashboard load (through the real app),
its floor, a Scan-and-filter implementation of the same load, and CSV import against put_item.

The table holds 100 users: the demo user with a 3-year history (the one the dashboard shows)
and 99 others with one year each, written in BatchWriteItem calls.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import streamlit as st
from boto3.dynamodb.types import TypeSerializer

from bench.app_pages import DASHBOARD, USER, AppHarness, Stopwatches, app_store, clear_caches, run
from bench.harness import interleaved, median
from lib.core.demo import demo_profile, demo_transactions
from lib.core.models import Commentary, validate_transaction
from lib.ingest import detect as ingest_detect
from lib.ingest import import_csv
from lib.store import schema
from lib.store.dynamodb import DynamoDBStore, default_client

OTHER_USERS = 99
COMMENTARY_TEXT = (
    "Demo, you spent 31.40 today against a 25.00 budget, so the streak is gone. "
    "This month you are at 612.80 and heading for 1,020.15. Put the card away."
)
_EVENTUAL = 0.5  # eventually consistent reads cost half a unit per 4 KB


@contextmanager
def dynamodb_env(endpoint: str) -> Iterator[None]:
    """Point boto3's default chain (and so the app's own client) at dynalite with dummy keys."""
    values = {
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
    }
    saved = {k: os.environ.get(k) for k in (*values, "AWS_PROFILE", "AWS_SESSION_TOKEN")}
    os.environ.update(values)
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_SESSION_TOKEN", None)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


# -- DynamoDB's item size rule (what capacity is charged on) ---------------------------------
def _value_size(value: dict[str, Any]) -> int:
    (kind, v), = value.items()
    if kind == "S":
        return len(v.encode("utf-8"))
    if kind == "N":
        digits = Decimal(v).normalize().as_tuple().digits
        return 1 if digits == (0,) else 1 + math.ceil(len(digits) / 2) + (1 if v.startswith("-") else 0)
    if kind == "B":
        return len(v)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(_value_size({kind[0]: x}) for x in v)
    if kind == "L":
        return 3 + sum(1 + _value_size(x) for x in v)
    if kind == "M":
        return 3 + len(v) + item_size(v)
    raise ValueError(f"unknown DynamoDB type {kind}")


def item_size(item: dict[str, Any]) -> int:
    """Bytes of a DynamoDB-JSON item as DynamoDB sizes it: attribute names plus values."""
    return sum(len(name.encode("utf-8")) + _value_size(value) for name, value in item.items())


def read_floor(items: list[dict[str, Any]]) -> float:
    """The fewest read units that can return these items: their bytes rounded up to 4 KB, halved."""
    return max(1, math.ceil(sum(map(item_size, items)) / 4096)) * _EVENTUAL


# -- seeding ------------------------------------------------------------------------------------
def seed(store: DynamoDBStore, today: dt.date, main_years: int = 3, other_years: int = 1,
         others: int = OTHER_USERS) -> dict[str, int]:
    """The demo user (profile, history, today's cached commentary) and `others` one-year users, batch-written."""
    store.save_profile(demo_profile(USER, "Demo"))
    main = store.put_transactions(demo_transactions(USER, days=main_years * 365, today=today))
    store.put_commentary(Commentary(USER, today.isoformat(), "brutal", "seeded", COMMENTARY_TEXT, "offline"))
    other_items = 0
    for n in range(others):
        user = f"user-{n:03d}"
        store.save_profile(demo_profile(user, f"User {n}"))
        other_items += store.put_transactions(demo_transactions(user, days=other_years * 365, today=today,
                                                                seed=100 + n))
    if others and not other_items:
        raise RuntimeError(f"seeded {others} other users but no items for them")
    return {"main_items": main, "other_items": other_items, "users": others + 1}


# -- one dashboard load through the app -------------------------------------------------------
class QueryCapture:
    """Keeps the raw items of every Query/Scan response a client receives, and the body bytes."""

    def __init__(self, client: Any):
        self.items: list[dict[str, Any]] = []
        self.bytes = 0
        client.meta.events.register("after-call.dynamodb.*", self._seen)

    def reset(self) -> None:
        self.items, self.bytes = [], 0

    def _seen(self, http_response: Any = None, parsed: Any = None, **_: Any) -> None:
        if http_response is not None:
            self.bytes += len(http_response.content or b"")
        if isinstance(parsed, dict) and "Items" in parsed:
            self.items.extend(parsed["Items"])


def dashboard_load(h: AppHarness, table: str, reps: int) -> dict[str, Any]:
    """Cold dashboard loads of the real app on dynalite: requests, read units, floor, returned keys."""
    url = f"dynamodb://{table}"
    h.use_store(url)
    clear_caches()
    store = app_store(url)  # built here so the capture sees the app's first request
    capture = QueryCapture(store.client)
    loads = []
    for _ in range(reps):
        st.cache_data.clear()  # the per-user window cache; the store itself stays (a running server)
        capture.reset()
        before = store.meter.for_user(USER)
        run(h.app(DASHBOARD))
        used = store.meter.for_user(USER).minus(before)
        loads.append((used, list(capture.items), capture.bytes))
    used, items, wire = loads[-1]
    floor = read_floor(items)
    return {
        "requests_per_dashboard_load": median([float(u.requests) for u, _, _ in loads]),
        "read_units_per_load": median([u.read_units for u, _, _ in loads]),
        "writes_per_load": median([float(u.writes) for u, _, _ in loads]),
        "floor_units": floor,
        "items": items,
        "item_bytes": sum(map(item_size, items)),
        "wire_bytes": wire,
    }


def naive_scan(client: Any, table: str, user: str, start: dt.date) -> dict[str, Any]:
    """The pattern of many public apps: Scan the table, filter by user and date, follow pages."""
    kwargs: dict[str, Any] = {
        "TableName": table,
        "FilterExpression": "#u = :u AND #d >= :start",
        "ExpressionAttributeNames": {"#u": schema.PK, "#d": schema.SK},
        "ExpressionAttributeValues": {":u": {"S": user}, ":start": {"S": start.isoformat()}},
        "ReturnConsumedCapacity": "TOTAL",
    }
    units, requests, items = 0.0, 0, []
    while True:
        page = client.scan(**kwargs)
        requests += 1
        units += float(page.get("ConsumedCapacity", {}).get("CapacityUnits", 0))
        items.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {"units": units, "requests": requests, "items": items}


def keys_of(items: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(i[schema.PK]["S"], i[schema.SK]["S"]) for i in items}


# -- writes: one added transaction, the saved commentary --------------------------------------
def write_units(store: DynamoDBStore, today: dt.date) -> dict[str, float]:
    """Write units of one manual add (as the Transactions page does it) and of one saved coach answer."""
    user = "bench-writer"
    before = store.meter.for_user(user)
    store.add_transaction(validate_transaction(user, today, "12.50", "Eating out", "Burger Joint"))
    add = store.meter.for_user(user).minus(before)
    before = store.meter.for_user(user)
    store.put_commentary(Commentary(user, today.isoformat(), "brutal", "0" * 20, COMMENTARY_TEXT * 2, "nova",
                                    700, 200))
    saved = store.meter.for_user(user).minus(before)
    return {"add_write_units": add.write_units, "commentary_write_units": saved.write_units}


# -- CSV import against one put_item per row ---------------------------------------------------
def bank_csv(rows: int, today: dt.date) -> bytes:
    """A bank export of `rows` card payments (spending negative, as banks write it)."""
    txns = demo_transactions("csv-source", days=4000, today=today, seed=3)[-rows:]
    if len(txns) < rows:
        raise RuntimeError(f"the generator gave {len(txns)} rows, {rows} needed")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Date", "Description", "Category", "Amount"])
    for t in txns:
        writer.writerow([t.date.isoformat(), t.description, t.category, f"{-t.amount:.2f}"])
    return out.getvalue().encode("utf-8")


def put_item_per_row(client: Any, table: str, user: str, data: bytes) -> int:
    """The baseline: read the CSV row by row and write each row with its own PutItem."""
    ser = TypeSerializer()
    count = 0
    for row in csv.DictReader(io.StringIO(data.decode("utf-8"))):
        item = {
            schema.PK: user,
            schema.SK: f"{row['Date']}#{uuid.uuid4().hex[:20]}",
            "amount": -Decimal(row["Amount"]),
            "category": row["Category"],
            "description": row["Description"],
            "source": "import",
        }
        client.put_item(TableName=table, Item={k: ser.serialize(v) for k, v in item.items()})
        count += 1
    return count


def count_items(client: Any, table: str, user: str) -> int:
    kwargs: dict[str, Any] = {
        "TableName": table, "KeyConditionExpression": "#u = :u", "Select": "COUNT",
        "ExpressionAttributeNames": {"#u": schema.PK}, "ExpressionAttributeValues": {":u": {"S": user}},
    }
    total = 0
    while True:
        page = client.query(**kwargs)
        total += int(page["Count"])
        if "LastEvaluatedKey" not in page:
            return total
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def import_comparison(store: DynamoDBStore, table: str, rows: int, reps: int, today: dt.date) -> dict[str, Any]:
    """import_csv through the store against put_item per row, same CSV, fresh user per run, interleaved."""
    data = bank_csv(rows, today)
    written: dict[str, list[tuple[str, int]]] = {"store": [], "put_item": []}

    def ours() -> None:
        user = f"import-store-{uuid.uuid4().hex[:8]}"
        report = import_csv(store, user, data)
        written["store"].append((user, report.imported))

    def baseline() -> None:
        user = f"import-naive-{uuid.uuid4().hex[:8]}"
        written["put_item"].append((user, put_item_per_row(store.client, table, user, data)))

    times = interleaved({"store": ours, "put_item": baseline}, reps)
    for side, runs in written.items():
        for user, n in runs:
            stored = count_items(store.client, table, user)
            if n != rows or stored != rows:
                raise RuntimeError(f"{side} import wrote {n} rows ({stored} stored), expected {rows}")
    ours_s, naive_s = median(times["store"]), median(times["put_item"])
    # One more, untimed import: where its time goes and how many requests it makes.
    user = f"import-anatomy-{uuid.uuid4().hex[:8]}"
    with Stopwatches({"parse": (ingest_detect, "parse_csv"), "write": (store, "put_transactions")}) as watches:
        import_csv(store, user, data)
    requests = store.meter.for_user(user).requests
    projected = {
        f"{rtt_ms} ms": (naive_s + rows * rtt_ms / 1000) / (ours_s + requests * rtt_ms / 1000) for rtt_ms in (2, 20)
    }
    return {
        "import_speedup_vs_put_item": naive_s / ours_s,
        "_import_store_s": ours_s,
        "_import_put_item_s": naive_s,
        "_import_parse_s": watches.seconds["parse"],
        "_import_write_s": watches.seconds["write"],
        "_import_store_requests": requests,
        "_import_projected_speedup": projected,
    }


def open_bench_store(table: str) -> DynamoDBStore:
    """A store on the product's own default client (retries, timeouts), pointed at dynalite by env."""
    store = DynamoDBStore(table, client=default_client())
    store.init()
    return store
