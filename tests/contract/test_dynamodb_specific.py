"""What only the DynamoDB backend has: throttled batches, 1 MB pages, no Scan, translated errors, raw types."""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import boto3
import pytest

from lib.core import clock
from lib.core.errors import PartialWriteError, StoreUnavailableError
from lib.core.models import Profile, Transaction, validate_transaction
from lib.store.dynamodb import DynamoDBStore
from tests.contract.conftest import dynamodb_client, guard_against_scan


class ThrottlingClient:
    """The real client, except that BatchWriteItem leaves part of each batch unprocessed, as DynamoDB may."""

    def __init__(self, real: Any, throttled_calls: int, accept: int = 10, pass_first: int = 0):
        self._real = real
        self.pass_first = pass_first
        self.throttled_calls = throttled_calls
        self.accept = accept
        self.batch_calls = 0
        self.partial_responses = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def batch_write_item(self, **kwargs: Any) -> dict[str, Any]:
        self.batch_calls += 1
        if self.batch_calls <= self.pass_first or self.batch_calls > self.pass_first + self.throttled_calls:
            return dict(self._real.batch_write_item(**kwargs))
        ((table, requests),) = kwargs["RequestItems"].items()
        taken, left = requests[: self.accept], requests[self.accept :]
        response = dict(self._real.batch_write_item(**{**kwargs, "RequestItems": {table: taken}})) if taken else {}
        response["UnprocessedItems"] = {table: left} if left else {}
        self.partial_responses += bool(left)
        return response


def _txns(user: str, n: int, description: str = "") -> list[Transaction]:
    first = dt.date(2024, 1, 1)
    return [
        Transaction(user, first + dt.timedelta(days=i % 700), Decimal(f"{i}.{i % 100:02d}"), "Food", description)
        for i in range(1, n + 1)
    ]


def _all(store: Any, user: str) -> list[Transaction]:
    result: list[Transaction] = store.list_transactions(user, dt.date(2000, 1, 1), dt.date(2100, 1, 1))
    return result


def test_unprocessed_items_are_retried_until_every_item_is_written(dynamo_store: Any) -> None:
    sleeps: list[float] = []
    flaky = ThrottlingClient(dynamo_store.client, throttled_calls=4)
    store = DynamoDBStore(dynamo_store.table_name, client=flaky, sleep=sleeps.append)
    items = _txns("alice", 60)
    assert store.put_transactions(items) == 60
    assert sorted(t.sort_key for t in _all(store, "alice")) == sorted(t.sort_key for t in items)
    assert flaky.partial_responses >= 3  # the retries really happened
    assert len(sleeps) == flaky.partial_responses and all(0 <= s <= 2.0 for s in sleeps)


def test_delete_user_retries_unprocessed_deletes_too(dynamo_store: Any) -> None:
    dynamo_store.put_transactions(_txns("alice", 40))
    flaky = ThrottlingClient(dynamo_store.client, throttled_calls=3, accept=5)
    store = DynamoDBStore(dynamo_store.table_name, client=flaky, sleep=lambda _s: None)
    assert store.delete_user("alice") == 40
    assert store.export_items("alice") == []


def test_items_that_are_never_accepted_raise_with_the_exact_count_and_a_rerun_finishes(dynamo_store: Any) -> None:
    # The first batch goes through whole, every later one is never accepted.
    stuck = ThrottlingClient(dynamo_store.client, throttled_calls=10**6, accept=0, pass_first=1)
    store = DynamoDBStore(dynamo_store.table_name, client=stuck, sleep=lambda _s: None, max_batch_attempts=3)
    items = _txns("alice", 60)
    with pytest.raises(PartialWriteError, match=r"^25 of 60 items were written") as caught:
        store.put_transactions(items)
    assert (caught.value.written, caught.value.total, caught.value.unconfirmed) == (25, 60, 0)
    assert stuck.batch_calls == 1 + 3  # one good batch, then three tries of the second
    assert len(_all(dynamo_store, "alice")) == 25  # exactly what the error says
    assert dynamo_store.put_transactions(items) == 60  # the same import again finishes the job
    assert sorted(t.sort_key for t in _all(dynamo_store, "alice")) == sorted(t.sort_key for t in items)


def test_delete_user_stopped_midway_says_how_many_were_deleted(dynamo_store: Any) -> None:
    dynamo_store.put_transactions(_txns("alice", 60))
    stuck = ThrottlingClient(dynamo_store.client, throttled_calls=10**6, accept=0, pass_first=1)
    store = DynamoDBStore(dynamo_store.table_name, client=stuck, sleep=lambda _s: None, max_batch_attempts=2)
    with pytest.raises(PartialWriteError, match=r"^25 of 60 items were deleted") as caught:
        store.delete_user("alice")
    assert (caught.value.written, caught.value.total, caught.value.action) == (25, 60, "delete")
    assert len(dynamo_store.export_items("alice")) == 35
    assert dynamo_store.delete_user("alice") == 35 and dynamo_store.export_items("alice") == []


def test_queries_follow_pages_past_one_megabyte(dynamo_store: Any) -> None:
    items = _txns("alice", 3000, description="x" * 400)  # about 1.4 MB: two Query pages at least
    dynamo_store.put_transactions(items)
    before = dynamo_store.meter.for_user("alice")
    listed = _all(dynamo_store, "alice")
    assert dynamo_store.meter.for_user("alice").minus(before).requests > 1
    assert len(listed) == 3000 and sum(t.amount for t in listed) == sum(t.amount for t in items)
    window = dynamo_store.load_window("alice", dt.date(2024, 1, 1), clock.today())
    assert len(window.transactions) == 3000
    assert len(dynamo_store.export_items("alice")) == 3000
    assert dynamo_store.delete_user("alice") == 3000


def test_the_scan_guard_fails_loudly(moto: None) -> None:
    client = dynamodb_client(None)
    DynamoDBStore("guarded", client=client).init()
    attempts = guard_against_scan(client)
    with pytest.raises(AssertionError, match="Scan"):
        client.scan(TableName="guarded")
    assert attempts == ["Scan"]


def test_a_past_window_costs_two_queries(dynamo_store: Any) -> None:
    dynamo_store.save_profile(Profile.default("alice", "Alice"))
    dynamo_store.put_transactions(_txns("alice", 50))
    before = dynamo_store.meter.for_user("alice")
    window = dynamo_store.load_window("alice", dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    assert dynamo_store.meter.for_user("alice").minus(before).requests == 2
    assert window.profile.version == 1 and {t.date.month for t in window.transactions} == {1}


def test_consumed_capacity_is_recorded(dynamo_store: Any) -> None:
    dynamo_store.put_transactions(_txns("alice", 30))
    dynamo_store.load_window("alice", dt.date(2024, 1, 1), clock.today())
    usage = dynamo_store.meter.for_user("alice")
    # Two batches, one conditional delete of the streak state (the days are before this month), and
    # one bump of the data version (other processes see the import).
    assert usage.writes == 4 and usage.reads == 1
    assert usage.write_units > 0 and usage.read_units > 0


def test_a_raw_item_has_exactly_the_table_attributes_and_dynamodb_types(dynamo_store: Any) -> None:
    dynamo_store.save_profile(Profile("alice", "Alice", Decimal("15.00"), Decimal("2500.00"), "sarcastic"))
    txn = validate_transaction("alice", "2026-01-02", "-12.34", "Refund", "shoes", "usd", "import", "fp-9")
    dynamo_store.add_transaction(txn)

    def raw(sort_key: str) -> dict[str, str]:
        item = dynamo_store.client.get_item(
            TableName=dynamo_store.table_name, Key={"user_id": {"S": "alice"}, "transaction_date": {"S": sort_key}}
        )["Item"]
        return {name: next(iter(value)) for name, value in item.items()}

    assert raw(txn.sort_key) == {
        "user_id": "S",
        "transaction_date": "S",
        "amount": "N",
        "category": "S",
        "description": "S",
        "source": "S",
        "currency": "S",
        "import_fingerprint": "S",
        "version": "N",
    }
    assert raw("PROFILE#alice") == {
        "user_id": "S",
        "transaction_date": "S",
        "display_name": "S",
        "daily_budget": "N",
        "monthly_salary": "N",
        "ai_tone": "S",
        "version": "N",
        "updated_at": "S",
    }


def test_init_creates_an_on_demand_table_keyed_like_the_original_and_is_idempotent(dynamo_store: Any) -> None:
    dynamo_store.init()  # the fixture already ran it once: a second run is harmless
    table = dynamo_store.client.describe_table(TableName=dynamo_store.table_name)["Table"]
    assert {k["AttributeName"]: k["KeyType"] for k in table["KeySchema"]} == {
        "user_id": "HASH",
        "transaction_date": "RANGE",
    }
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_a_missing_table_is_a_friendly_unavailable_error(dynamo_store: Any) -> None:
    store = DynamoDBStore("no-such-table", client=dynamo_store.client)
    with pytest.raises(StoreUnavailableError, match=r"'no-such-table' was not found: run `python -m lib init`"):
        store.get_profile("alice")
    with pytest.raises(StoreUnavailableError, match="not found"):
        store.put_transactions(_txns("alice", 3))
    with pytest.raises(StoreUnavailableError, match="not found"):
        store.list_transactions("alice", dt.date(2024, 1, 1), dt.date(2024, 2, 1))


def test_an_unreachable_endpoint_is_a_friendly_unavailable_error() -> None:
    client = dynamodb_client(
        "http://127.0.0.1:1", retries={"mode": "standard", "max_attempts": 1}, connect_timeout=1, read_timeout=1
    )
    store = DynamoDBStore("anything", client=client)
    with pytest.raises(StoreUnavailableError, match="Cannot reach DynamoDB"):
        store.get_profile("alice")
    with pytest.raises(StoreUnavailableError, match="Cannot reach DynamoDB"):
        store.init()


@pytest.mark.dynalite
def test_missing_credentials_are_a_friendly_unavailable_error(
    dynalite_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", dynalite_endpoint)
    with pytest.raises(StoreUnavailableError, match="No AWS credentials"):
        DynamoDBStore("anything").get_profile("alice")


@pytest.mark.dynalite
def test_the_default_client_honours_aws_endpoint_url_dynamodb(
    dynalite_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", dynalite_endpoint)
    name = f"env-{uuid.uuid4().hex[:12]}"
    store = DynamoDBStore(name)  # no client, no session: boto3's standard chain
    store.init()
    store.save_profile(Profile.default("alice", "Alice"))
    assert name in dynamodb_client(dynalite_endpoint).list_tables()["TableNames"]
    session_store = DynamoDBStore(name, session=boto3.session.Session())
    assert session_store.get_profile("alice").version == 1
