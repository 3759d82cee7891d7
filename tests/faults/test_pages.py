"""A whole page on a hung DynamoDB, with the product's own client config: one bounded wait, then at once."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from streamlit.testing.v1 import AppTest

from lib.store.dynamodb import DynamoDBStore
from lib.store.resilience import MAX_ATTEMPTS, client_config, wait_bound
from tests.app.conftest import PAGES, REPO, app_secrets, shown
from tests.faults.proxy import FaultProxy

pytestmark = pytest.mark.dynalite


@pytest.fixture
def hung_app(dynalite_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultProxy]:
    table = f"pages-{uuid.uuid4().hex[:12]}"
    direct = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=dynalite_endpoint)
    DynamoDBStore(table, client=direct).init()
    proxy = FaultProxy(dynalite_endpoint)
    monkeypatch.setenv("FINANCE_STORE", f"dynamodb://{table}")
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", proxy.url)
    monkeypatch.setenv("FINANCE_LOGIN_SLEEP", "0")
    monkeypatch.delenv("FINANCE_BEDROCK", raising=False)
    monkeypatch.delenv("FINANCE_ENV", raising=False)
    proxy.inject("*", "hang")
    try:
        yield proxy
    finally:
        proxy.close()


def _page(page: str) -> Any:
    at = AppTest.from_file(str(REPO / PAGES["dashboard"]), default_timeout=60)
    if page != "dashboard":
        at.switch_page(PAGES[page])
    for key, value in app_secrets().items():
        at.secrets[key] = value
    at.session_state["authentication_status"] = True
    at.session_state["username"] = at.session_state["name"] = "demo"
    at.session_state["logout"] = False
    return at.run()


@pytest.mark.parametrize("page", ["settings"])
def test_a_hung_store_costs_one_bounded_wait_then_every_page_answers_at_once(hung_app: FaultProxy, page: str) -> None:
    assert wait_bound(client_config()) <= 10
    first = _page(page)
    assert not first.exception
    assert any("Cannot reach DynamoDB (Read timeout" in shown(e.value) for e in first.error), first.error
    assert sum(hung_app.attempts.values()) == MAX_ATTEMPTS  # one request's budget: at most 9 s

    hung_app.reset_counts()
    for other in ("dashboard", "transactions", "settings"):  # new sessions, other pages
        again = _page(other)
        assert not again.exception
        assert any("tries again by itself" in shown(e.value) for e in again.error), again.error
    assert sum(hung_app.attempts.values()) == 0  # answered at once, from the remembered outage
