"""The CLI under a throttled store: delete-user says exactly how far it got, and running it again finishes."""
from __future__ import annotations

import datetime as dt
import uuid

import boto3
import pytest

from lib.cli import main
from lib.core.models import validate_transaction
from lib.store.dynamodb import DynamoDBStore
from lib.store.resilience import shared_memory
from tests.faults.proxy import FaultProxy

pytestmark = pytest.mark.dynalite


def test_delete_user_stopped_midway_says_how_many_and_again_finishes(
    dynalite_endpoint: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    table = f"cli-{uuid.uuid4().hex[:12]}"
    direct = DynamoDBStore(table, client=boto3.client("dynamodb", region_name="us-east-1",
                                                      endpoint_url=dynalite_endpoint))
    direct.init()
    day = dt.date(2026, 3, 2)
    direct.put_transactions(validate_transaction("ann", day - dt.timedelta(days=i), "1.00") for i in range(60))
    proxy = FaultProxy(dynalite_endpoint)
    monkeypatch.setenv("FINANCE_STORE", f"dynamodb://{table}")
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", proxy.url)
    try:
        proxy.inject("BatchWriteItem", "throttle", skip=1)
        assert main(["delete-user", "ann"]) == 1
        err = capsys.readouterr().err
        assert "25 of 60 items were deleted before the store stopped answering" in err
        assert "do the same again to finish the job" in err
        assert len(direct.export_items("ann")) == 35

        proxy.heal()
        shared_memory(f"{proxy.url}/{table}").clear()  # a later run: a new process remembers no outage
        assert main(["delete-user", "ann"]) == 0
        assert "deleted 35 items of user 'ann'" in capsys.readouterr().out
        assert direct.export_items("ann") == []
    finally:
        proxy.close()
