"""`python -m lib forecast` on the demo user and on a brand-new user, through a real SQLite store."""
from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from lib.cli import main
from lib.core.models import Profile, Transaction

TODAY = dt.date(2026, 11, 25)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main(["forecast", *argv, "--today", TODAY.isoformat(), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_forecast_of_the_demo_user(cli_store: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--user", "demo", "--days", "400", "--today", TODAY.isoformat()]) == 0
    capsys.readouterr()
    report = run_json(capsys, "--user", "demo")
    low, mid, high = (Decimal(report[f"month_end_p{q}"]) for q in (10, 50, 90))
    assert low <= mid <= high
    assert Decimal(report["month_spent_to_date"]) <= low
    assert report["daily_budget"] == "25.00"  # the demo profile's
    assert Decimal(report["savings_p50"]) == Decimal("3200.00") - mid  # the demo salary
    assert report["savings_12m_through"] == "2027-10"
    assert 0.0 <= report["streak_keep_7d_probability"] <= 1.0
    assert report["backtest_months"] >= 11 and 0.5 <= report["backtest_coverage"] <= 1.0
    assert report["rough"] is False
    assert "monthly bills" in report["note"]
    # issue 26: the backtest itself, one row per projection, and the model's skill against the baselines
    rows = report["backtest"]
    assert len(rows) == report["backtest_projections"]
    assert set(rows[0]) == {"period", "said_on_day", "p10", "p50", "p90", "actual"}
    inside = sum(Decimal(r["p10"]) <= Decimal(r["actual"]) <= Decimal(r["p90"]) for r in rows)
    assert round(inside / len(rows), 3) == report["backtest_coverage"]
    assert {"model", "last_pace", "model_vs_last_pace"} <= set(report["backtest_skill"])

    generous = run_json(capsys, "--user", "demo", "--budget", "60")
    assert generous["daily_budget"] == "60.00"
    assert generous["streak_keep_7d_probability"] > report["streak_keep_7d_probability"]
    assert generous["month_end_p50"] == report["month_end_p50"]


def test_forecast_of_a_five_day_user_is_a_rough_estimate(cli_store: Any, capsys: pytest.CaptureFixture[str]) -> None:
    cli_store.save_profile(Profile("newbie", "Newbie", Decimal("20.00")))
    for k, amount in enumerate(["12.50", "30.00", "8.20", "15.00", "4.10"]):
        cli_store.add_transaction(Transaction("newbie", TODAY - dt.timedelta(days=4 - k), Decimal(amount), "Food"))
    report = run_json(capsys, "--user", "newbie")
    assert report["rough"] is True and "Rough estimate" in report["note"]
    assert report["history_days"] == 4
    assert report["month_spent_to_date"] == "69.80"
    assert report["savings_p50"] is None and report["backtest_coverage"] is None


def test_forecast_text_and_csv(cli_store: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["demo", "--user", "demo", "--days", "120", "--today", TODAY.isoformat()]) == 0
    capsys.readouterr()
    out_csv = tmp_path / "fc.csv"
    assert main(["forecast", "--user", "demo", "--today", TODAY.isoformat(), "--csv", str(out_csv)]) == 0
    text = capsys.readouterr().out
    assert "month end:" in text and "savings this month:" in text and "backtest:" in text
    assert "for the rest of last month (lower is better)" in text
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert rows[-1]["date"] == "2026-11-30" and rows[-1]["month_p50_cum"]


def test_forecast_of_nobody_still_answers(cli_store: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forecast", "--user", "ghost", "--today", TODAY.isoformat(), "--json"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["rough"] is True and report["history_days"] == 0
    assert "No complete day of spending history" in report["note"]
    assert "no transactions" in captured.err


@pytest.mark.parametrize("budget", ["-5", "abc", "1.234"])
def test_forecast_refuses_a_bad_budget(cli_store: Any, capsys: pytest.CaptureFixture[str], budget: str) -> None:
    assert main(["forecast", "--user", "demo", "--budget", budget, "--json"]) == 2
    assert "--budget" in capsys.readouterr().err
