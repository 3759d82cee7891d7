"""Import speed (issue 10): a 10,000-row CSV into DynamoDB against put_item one by one, and SQLite linearity.

Both DynamoDB sides run against dynalite through one boto3 client whose every request first
sleeps 2 ms (a botocore `before-send` hook), the round trip a client in the same region sees.
The product's path is `lib.ingest.import_csv` (parse, de-duplicate, BatchWriteItem of 25); the
baseline reads the CSV with csv.DictReader and writes each row with its own PutItem.
SQLite: the same import of 10,000 and 100,000 rows; linearity is the per-row time ratio (1.0 = linear).

Run alone: `python -m bench.import_speed [--quick]`.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from boto3.dynamodb.types import TypeSerializer

ROUND_TRIP_S = 0.002
_MERCHANTS = ["REWE", "Bakery", "Corner Cafe", "Fuel Station", "Pharmacy", "Bookshop", "Cinema", "Kiosk"]


def bank_csv(rows: int, today: dt.date, seed: int = 7) -> bytes:
    """A bank export of `rows` card payments over the last three years (spending negative, as banks write it)."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Date", "Description", "Category", "Amount"])
    for i in range(rows):
        day = today - dt.timedelta(days=rng.randrange(1, 1095))
        writer.writerow([day.isoformat(), f"{rng.choice(_MERCHANTS)} {i % 97}", "Other",
                         f"-{rng.randrange(100, 9000) / 100:.2f}"])
    return out.getvalue().encode()


def _put_item_per_row(client: Any, table: str, user: str, data: bytes) -> int:
    ser = TypeSerializer()
    count = 0
    for row in csv.DictReader(io.StringIO(data.decode("utf-8"))):
        item = {"user_id": user, "transaction_date": f"{row['Date']}#{uuid.uuid4().hex[:20]}",
                "amount": -Decimal(row["Amount"]), "category": row["Category"],
                "description": row["Description"], "source": "import"}
        client.put_item(TableName=table, Item={k: ser.serialize(v) for k, v in item.items()})
        count += 1
    return count


def _dynamo(rows: int, today: dt.date) -> dict[str, float]:
    import boto3

    from bench.window_cost import dynalite
    from lib.ingest import import_csv
    from lib.store.dynamodb import DynamoDBStore

    data = bank_csv(rows, today)
    with dynalite() as endpoint:
        client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                              aws_access_key_id="bench", aws_secret_access_key="bench")
        requests = {"n": 0}

        def network(**_: Any) -> None:
            requests["n"] += 1
            time.sleep(ROUND_TRIP_S)  # returning None lets botocore send the request as usual

        table = f"import-speed-{uuid.uuid4().hex[:8]}"
        store = DynamoDBStore(table, client=client)
        store.init()
        client.meta.events.register("before-send.dynamodb", network)
        user = "import-store"
        t0 = time.perf_counter()
        report = import_csv(store, user, data)
        ours = time.perf_counter() - t0
        ours_requests = requests["n"]
        requests["n"] = 0
        t0 = time.perf_counter()
        naive_rows = _put_item_per_row(client, table, "import-put-item", data)
        naive = time.perf_counter() - t0
        if report.imported != rows or naive_rows != rows:
            raise RuntimeError(f"imported {report.imported} and {naive_rows} rows, expected {rows}")
        return {
            "import_dynamo_speedup_vs_put_item_2ms": naive / ours,
            "_import_dynamo_rows": float(rows),
            "_import_dynamo_store_s": ours,
            "_import_dynamo_put_item_s": naive,
            "_import_dynamo_store_requests": float(ours_requests),
            "_import_dynamo_put_item_requests": float(requests["n"]),
        }


def _sqlite(sizes: tuple[int, int], today: dt.date) -> dict[str, float]:
    from lib.ingest import import_csv
    from lib.store.sqlite import SQLiteStore

    seconds: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="import-speed-") as tmp:
        for rows in sizes:
            data = bank_csv(rows, today, seed=rows)
            store = SQLiteStore(Path(tmp) / f"{rows}.db")
            store.init()
            t0 = time.perf_counter()
            report = import_csv(store, "u", data)
            seconds[rows] = time.perf_counter() - t0
            store.close()
            if report.imported != rows:
                raise RuntimeError(f"SQLite imported {report.imported} of {rows} rows")
    small, large = sizes
    return {
        # per-row time at the large size over per-row time at the small size: 1.0 is linear
        "import_sqlite_linearity": (seconds[large] / large) / (seconds[small] / small),
        f"_import_sqlite_{small}_s": seconds[small],
        f"_import_sqlite_{large}_s": seconds[large],
    }


def measure(quick: bool) -> dict[str, float]:
    """The import metrics: DynamoDB batch path vs put_item at 2 ms per request; SQLite 10k vs 100k rows."""
    today = dt.date.today()
    rows = 500 if quick else 10_000
    return {**_dynamo(rows, today), **_sqlite((rows, rows * 10), today)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    print(json.dumps(measure(parser.parse_args().quick), indent=2))
