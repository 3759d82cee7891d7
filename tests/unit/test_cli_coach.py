"""`python -m lib stats` and `python -m lib coach` on a crafted history with a known answer."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from lib.cli import main
from lib.core.models import Profile, Transaction
from lib.store import open_store

USER = "cli-ann"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("FINANCE_STORE", url)
    monkeypatch.delenv("FINANCE_BEDROCK", raising=False)
    s = open_store(url)
    s.init()
    s.save_profile(Profile(USER, "Ann", Decimal("20.00"), Decimal("2000.00"), "sarcastic"))
    # Budget 20.00; 11-20 over by 5.00; 11-21..11-24 within (11-23 exactly 20.00 after a refund); today 11-25 8.00.
    for day, amount, category, shop in [
        ("2026-11-20", "25.00", "Dining", "Sushi Bar"),
        ("2026-11-21", "12.00", "Groceries", "Market"),
        ("2026-11-22", "3.50", "Coffee", "Blue Bottle"),
        ("2026-11-23", "26.00", "Dining", "Sushi Bar"),
        ("2026-11-23", "-6.00", "Dining", "Sushi Bar"),
        ("2026-11-25", "8.00", "Coffee", "Blue Bottle"),
    ]:
        s.add_transaction(Transaction(USER, dt.date.fromisoformat(day), Decimal(amount), category, shop))
    return s


def test_stats_json_has_the_known_answer(store: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--user", USER, "--today", "2026-11-25", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["current_streak"] == 4  # 11-21 .. 11-24; today not counted until it ends
    assert stats["current_streak_start"] == "2026-11-21"
    assert stats["longest_streak"] == 4
    assert stats["daily_budget"] == "20.00"
    assert stats["month_spent"] == "68.50"
    assert stats["month_straight_line"] == "82.20"  # 68.50 / 25 days * 30, a labelled comparison only
    assert stats["month_projection"] == stats["month_end_p50"]  # the one projection: the forecast's median
    assert Decimal(stats["month_end_p10"]) <= Decimal(stats["month_end_p50"]) <= Decimal(stats["month_end_p90"])
    assert Decimal(stats["month_end_p50"]) >= Decimal("68.50")  # never below what is already spent
    assert stats["tracked_through"] == "2026-11-25"
    assert stats["store_requests"] >= 1 and stats["store_read_units"] >= 0
    assert [(c["category"], c["amount"]) for c in stats["by_category"]] == [
        ("Dining", "45.00"), ("Groceries", "12.00"), ("Coffee", "11.50")
    ]
    # issue 26: the budget period, the calendar month by default, equal to the month's keys
    assert (stats["period_start"], stats["period_end"], stats["period_spent"]) == ("2026-11-01", "2026-11-30", "68.50")
    # Tracking began on the 20th: 11 days of 20.00 from then to the 30th, less 68.50, over 6 days (today included).
    assert stats["left_per_day"] == "25.25"
    assert [stats[f"period_end_p{q}"] for q in (10, 50, 90)] == [stats[f"month_end_p{q}"] for q in (10, 50, 90)]


def test_stats_range_limits_the_breakdown(store: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--user", USER, "--today", "2026-11-25", "--from", "2026-11-22", "--to", "2026-11-22",
                 "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["by_category"] == [{"category": "Coffee", "amount": "3.50", "count": 1, "share": 1.0}]


def test_coach_prints_the_offline_text_and_says_why_on_stderr(store: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coach", "--user", USER, "--today", "2026-11-25"]) == 0
    out = capsys.readouterr()
    assert "8.00" in out.out and "$" not in out.out and "Ann" in out.out  # no currency recorded: no symbol
    assert "offline" in out.err and "FINANCE_BEDROCK" in out.err and "sarcastic" in out.err
    assert main(["coach", "--user", USER, "--today", "2026-11-25", "--tone", "polite"]) == 0
    polite = capsys.readouterr()
    assert polite.out != out.out and "polite" in polite.err


def test_coach_uses_bedrock_once_then_the_saved_commentary(
    store: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from lib.coach import bedrock

    client = bedrock.make_bedrock_client("us-east-1")
    stub = Stubber(client)
    stub.add_response("converse", {
        "output": {"message": {"role": "assistant", "content": [{"text": "Ann, $8.00 today. Four days, keep going."}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 401, "outputTokens": 19, "totalTokens": 420},
        "metrics": {"latencyMs": 200},
    })
    stub.activate()
    monkeypatch.setattr(bedrock, "make_bedrock_client", lambda region=None, **_: client)
    monkeypatch.setenv("FINANCE_BEDROCK", "1")
    assert main(["coach", "--user", USER, "--today", "2026-11-25"]) == 0
    first = capsys.readouterr()
    assert first.out.strip() == "Ann, $8.00 today. Four days, keep going."
    assert "bedrock" in first.err and "401 input / 19 output" in first.err
    assert main(["coach", "--user", USER, "--today", "2026-11-25"]) == 0  # the stub has no second answer
    second = capsys.readouterr()
    assert second.out == first.out
    assert "cache" in second.err
    stub.assert_no_pending_responses()


def test_stats_and_forecast_report_the_same_month_end(store: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--user", USER, "--today", "2026-11-25", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert main(["forecast", "--user", USER, "--today", "2026-11-25", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [stats[k] for k in ("month_end_p10", "month_end_p50", "month_end_p90")] == [
        report[k] for k in ("month_end_p10", "month_end_p50", "month_end_p90")]
    assert stats["current_streak"] == report["current_streak"]


def test_a_199_day_streak_is_199_in_stats_and_in_the_offline_coach(clock_day: dt.date, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'long.db'}"
    monkeypatch.setenv("FINANCE_STORE", url)
    monkeypatch.delenv("FINANCE_BEDROCK", raising=False)
    s = open_store(url)
    s.init()
    s.save_profile(Profile("long", "Lee", Decimal("10.00")))
    today = clock_day
    s.put_transactions([Transaction("long", today - dt.timedelta(days=k), Decimal("5.00"), "Food")
                        for k in range(1, 200)]
                       + [Transaction("long", today - dt.timedelta(days=200), Decimal("50.00"), "Food")])

    assert main(["stats", "--user", "long", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["current_streak"], stats["longest_streak"]) == (199, 199)
    assert stats["tracked_through"] == (today - dt.timedelta(days=1)).isoformat()
    assert main(["stats", "--user", "long", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["store_requests"] == 1, "the dashboard's one query, once the streak state exists"
    assert main(["coach", "--user", "long", "--offline"]) == 0
    assert "199 days" in capsys.readouterr().out
