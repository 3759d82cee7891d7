"""The `store` fixture: every contract test runs once per backend (SQLite, moto, dynalite)."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

DYNAMO_BACKENDS = ["moto", pytest.param("dynalite", marks=pytest.mark.dynalite)]
ALL_BACKENDS = ["sqlite", *DYNAMO_BACKENDS]


def dynamodb_client(endpoint: str | None, **config: Any) -> Any:
    """A low-level client with the tests' fake credentials (moto intercepts it when endpoint is None)."""
    return boto3.client(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(**config) if config else None,
    )


def serialised(client: Any) -> Any:
    """moto's DynamoDB checks a condition and writes without a lock, so two threads can both pass
    one check; real DynamoDB (and dynalite) apply each request atomically. One request at a time
    gives moto that atomicity, so the concurrency tests test the store, not moto's races."""
    import threading

    lock = threading.Lock()
    make_call = client._make_api_call

    def one_at_a_time(operation: str, params: Any) -> Any:
        with lock:
            return make_call(operation, params)

    client._make_api_call = one_at_a_time
    return client


def guard_against_scan(client: Any) -> list[str]:
    """Make any Scan fail loudly; returns the list of attempts so teardown can check it too."""
    scans: list[str] = []

    def refuse(**kwargs: Any) -> None:
        scans.append(kwargs["model"].name)
        raise AssertionError("the store issued a DynamoDB Scan; it must only Query")

    client.meta.events.register("before-call.dynamodb.Scan", refuse)
    return scans


def _make_store(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    if kind == "sqlite":
        from lib.store.sqlite import SQLiteStore

        store: Any = SQLiteStore(tmp_path / "x.db")
        store.init()
        yield store
        return
    from lib.store.dynamodb import DynamoDBStore

    if kind == "moto":
        request.getfixturevalue("moto")
        client = serialised(dynamodb_client(None))
    else:
        client = dynamodb_client(request.getfixturevalue("dynalite_endpoint"))
    scans = guard_against_scan(client)
    store = DynamoDBStore(f"contract-{uuid.uuid4().hex[:12]}", client=client)
    store.init()
    yield store
    assert not scans, "the store issued a DynamoDB Scan"


@pytest.fixture(params=ALL_BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A fresh, initialised, empty store of each backend."""
    yield from _make_store(request.param, request, tmp_path)


@pytest.fixture(params=DYNAMO_BACKENDS)
def dynamo_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A fresh DynamoDBStore on moto and on dynalite, each on its own table."""
    yield from _make_store(request.param, request, tmp_path)

