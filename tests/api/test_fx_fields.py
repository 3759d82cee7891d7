"""Issue 25 through the API: "12.50 USD" is priced in home money, foreign rows carry their original and rate
(validated against openapi.yaml by Api.call), an edit keeps them, a code without a rate is a 422 with a reason."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from lib.core.models import Profile
from tests.api.conftest import Api, txn_path


def test_a_foreign_transaction_through_the_api(api: Api) -> None:
    api.store.save_profile(replace(Profile.default("user-a"), currency="EUR"))
    posted = api.call("POST", "/transactions", body={"date": "2026-10-30", "amount": "11.17 USD",
                                                     "description": "taxi"})
    assert posted.status == 201
    txn = posted.body["transaction"]
    assert (txn["amount"], txn["currency"]) == ("10.00", "EUR")  # 11.17 / 1.1172 (ECB, 2026-10-30), half-even
    assert (txn["original_amount"], txn["original_currency"], txn["fx_date"], txn["fx_source"]) == (
        "11.17", "USD", "2026-10-30", "ECB")
    assert Decimal(txn["fx_rate"]) > 0
    home = api.call("POST", "/transactions", body={"date": "2026-10-30", "amount": "3.00", "description": "bread"})
    assert "original_amount" not in home.body["transaction"]
    listed = api.call("GET", "/transactions", query={"from": "2026-10-01", "to": "2026-10-31"})
    assert {t["description"]: t.get("original_currency") for t in listed.body["transactions"]} == {
        "taxi": "USD", "bread": None}
    edit = api.call("PUT", txn_path(txn["id"]), body={"date": "2026-10-30", "amount": "10.00",
                                                      "category": "Travel", "version": txn["version"]})
    assert edit.status == 200 and edit.body["transaction"]["original_amount"] == "11.17"  # kept
    refused = api.call("POST", "/transactions", body={"date": "2026-10-30", "amount": "5.00 ARS"})
    assert refused.status in (400, 422) and "ARS" in str(refused.body)
    after = api.call("GET", "/transactions", query={"from": "2026-10-01", "to": "2026-10-31"})
    assert len(after.body["transactions"]) == 2  # the refused one wrote nothing
