"""`python -m lib forecast --json` for a payday user (issue 26): the backtest runs over the pay periods, each
row's `period` the period's start date, and `backtest_rule` says which rule it followed; the calendar month's
report is unchanged."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from lib.cli import main
from lib.core import period

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def store(cli_store: Any) -> Any:
    """The demo user's 400 days up to TODAY."""
    assert main(["demo", "--user", "demo", "--days", "400", "--today", TODAY.isoformat()]) == 0
    return cli_store


def report(capsys: pytest.CaptureFixture[str], payday: str | None) -> dict[str, Any]:
    if payday is not None:
        assert main(["profile", "--user", "demo", "--payday", payday]) == 0
    capsys.readouterr()
    assert main(["forecast", "--user", "demo", "--today", TODAY.isoformat(), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _coverage(rows: list[dict[str, str]]) -> float:
    inside = sum(Decimal(r["p10"]) <= Decimal(r["actual"]) <= Decimal(r["p90"]) for r in rows)
    return round(inside / len(rows), 3)


def test_a_calendar_user_backtests_calendar_months(store: Any, capsys: pytest.CaptureFixture[str]) -> None:
    r = report(capsys, None)
    assert r["backtest_rule"] == "calendar"
    assert all(len(row["period"]) == 7 for row in r["backtest"])  # "2026-10": a month, as before
    assert {dt.date.fromisoformat(row["said_on_day"]).day for row in r["backtest"]} == {10, 20}
    assert r["backtest_coverage"] == _coverage(r["backtest"])


@pytest.mark.parametrize(("rule", "offsets"), [("monthly:25", {9, 19}), ("biweekly:2026-11-13", {9})])
def test_a_payday_user_backtests_their_pay_periods(store: Any, capsys: pytest.CaptureFixture[str], rule: str,
                                                   offsets: set[int]) -> None:
    calendar = report(capsys, None)
    r = report(capsys, rule)
    assert r["backtest_rule"] == rule
    rows = r["backtest"]
    assert len(rows) == r["backtest_projections"] > 0
    starts = {dt.date.fromisoformat(row["period"]) for row in rows}  # each period's start date
    assert all(period.period_of(s, rule)[0] == s for s in starts)
    assert r["backtest_months"] == len(starts)
    # Said on day 10 (and 20) counted from payday, inside the period, and the period had ended by today.
    said = {(dt.date.fromisoformat(row["said_on_day"]) - dt.date.fromisoformat(row["period"])).days for row in rows}
    assert said == offsets
    assert all(period.period_of(s, rule)[1] < TODAY for s in starts)
    assert r["backtest_coverage"] == _coverage(rows)
    assert rows != calendar["backtest"]
    # The month's own figures do not move with the rule.
    assert {k: r[k] for k in ("month_end_p10", "month_end_p50", "month_end_p90")} == {
        k: calendar[k] for k in ("month_end_p10", "month_end_p50", "month_end_p90")}


@pytest.mark.parametrize("rule", [None, "monthly:25"])
def test_forecast_json_carries_the_period_as_stats_does(store: Any, capsys: pytest.CaptureFixture[str],
                                                        rule: str | None) -> None:
    r = report(capsys, rule)
    capsys.readouterr()
    assert main(["stats", "--user", "demo", "--today", TODAY.isoformat(), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    keys = ("period_rule", "period_start", "period_end", "period_spent", "left_per_day", "period_end_p10",
            "period_end_p50", "period_end_p90")
    assert {k: r[k] for k in keys} == {k: stats[k] for k in keys}
    if rule is None:  # a calendar period is the month
        assert (r["period_start"], r["period_end"]) == ("2026-11-01", "2026-11-30")
        assert r["period_end_p50"] == r["month_end_p50"]
    else:  # payday on the 25th, and today is the 25th: the period starts today
        assert (r["period_start"], r["period_end"]) == ("2026-11-25", "2026-12-24")


def test_the_summary_says_pay_periods(store: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "--user", "demo", "--payday", "monthly:25"]) == 0
    capsys.readouterr()
    assert main(["forecast", "--user", "demo", "--today", TODAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "pay periods (monthly:25)" in out
    assert "pay period 2026-11-25 to 2026-12-24: " in out and "a day left until payday" in out
