"""Issue 25 on the command line: a trip imported before a home currency is picked, `profile --currency`
re-prices it (what changed is printed), a second run changes nothing, `fx rate` sets and refuses rates."""
from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_profile import run

TRIP = """Date,Description,Amount,Currency
2026-10-23,Airport taxi,-45.00,USD
2026-10-24,Diner,-23.50,USD
2026-10-27,Train to London,-120.00,GBP
2026-10-31,Fondue,-42.50,CHF
2026-10-22,Bakery at home,-3.20,EUR
"""


def test_a_trip_is_kept_then_repriced_when_a_home_currency_is_picked(tmp_path: Path) -> None:
    env = {"FINANCE_TODAY": "2026-11-02"}
    (tmp_path / "trip.csv").write_text(TRIP)
    run(tmp_path, "init")
    imported = run(tmp_path, "import", str(tmp_path / "trip.csv"), "--user", "tom", "--sign", "bank", **env)
    assert "kept as written, unconverted" in imported.stderr and "imported 5" in imported.stdout
    picked = run(tmp_path, "profile", "--user", "tom", "--currency", "EUR", **env)
    assert "Re-priced in EUR: 4 transaction(s) changed, 1 already right, 4 written." in picked.stdout
    assert "CHF 1, GBP 1, USD 2" in picked.stdout
    assert "0 transaction(s) changed" in run(tmp_path, "fx", "reprice", "--user", "tom", **env).stdout
    doc = json.loads(run(tmp_path, "export", "--user", "tom", "--format", "json").stdout)
    train = next(t for t in doc["transactions"] if t["description"] == "Train to London")
    assert (train["currency"], train["original_amount"], train["original_currency"], train["fx_source"]) == (
        "EUR", "120.00", "GBP", "ECB")
    assert train["fx_date"] == "2026-10-27"
    refused = run(tmp_path, "fx", "rate", "--user", "tom", "--id", train["transaction_date"], "--rate", "-1", code=2)
    assert "more than zero" in refused.stderr
    mine = run(tmp_path, "fx", "rate", "--user", "tom", "--id", train["transaction_date"], "--rate", "1.2")
    assert "120.00 GBP = 144.00 EUR at 1.2 (user" in mine.stdout
    assert "publishes no rate for ARS" in run(tmp_path, "fx", "show", "ARS", "EUR", code=2).stderr
