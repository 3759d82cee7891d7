"""Fault fixtures: dynalite behind a fault-injecting proxy, the product's client config, a fake clock."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config

from lib.store.dynamodb import DynamoDBStore
from lib.store.resilience import OutageMemory, client_config
from tests.faults.proxy import FaultProxy

# The product's retry budget, with timeouts short enough for a test run: the bound a user meets
# is computed from the product's own timeouts (resilience.wait_bound), never from a stopwatch.
TEST_TIMEOUTS = Config(connect_timeout=0.5, read_timeout=0.5)

pytestmark = pytest.mark.dynalite


class FakeClock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Rig:
    """A store whose requests go through the proxy, and a direct one to look at what is stored."""

    store: DynamoDBStore
    direct: DynamoDBStore
    proxy: FaultProxy
    clock: FakeClock


def _client(endpoint: str, config: Config) -> Any:
    return boto3.client(
        "dynamodb", region_name="us-east-1", endpoint_url=endpoint,
        aws_access_key_id="testing", aws_secret_access_key="testing", config=config,
    )


@pytest.fixture
def rig(dynalite_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Rig]:
    # The tests' days (March 2026) are this month: a write to an earlier month also drops the streak
    # state first (one more DeleteItem), which would take the fault meant for the step under test.
    monkeypatch.setenv("FINANCE_TODAY", "2026-03-20")
    proxy = FaultProxy(dynalite_endpoint)
    table = f"faults-{uuid.uuid4().hex[:12]}"
    direct = DynamoDBStore(table, client=_client(dynalite_endpoint, Config(retries={"total_max_attempts": 1})))
    direct.init()
    clock = FakeClock()
    store = DynamoDBStore(
        table,
        client=_client(proxy.url, client_config().merge(TEST_TIMEOUTS)),
        outages=OutageMemory(clock=clock),
        sleep=lambda _s: None,
    )
    try:
        yield Rig(store, direct, proxy, clock)
    finally:
        proxy.close()
