"""Issue 25: the CLI's text writes the home currency in the profile's saved locale; --json keeps plain numbers."""
from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from lib.cli import main
from tests.unit.test_cli_coach import USER, store  # noqa: F401 - the crafted history fixture

NBSP = "\xa0"


def _home(store: Any, currency: str, locale: str) -> None:  # noqa: F811
    current = store.get_profile(USER)
    store.save_profile(dataclasses.replace(current, currency=currency, locale=locale))


def test_stats_text_in_euros_the_german_way(store: Any, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    _home(store, "EUR", "de_DE")
    assert main(["stats", "--user", USER, "--today", "2026-11-25"]) == 0
    out = capsys.readouterr().out
    assert f"spent 8,00{NBSP}€ of 20,00{NBSP}€ today" in out
    assert main(["stats", "--user", USER, "--today", "2026-11-25", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["today_spent"], stats["daily_budget"], stats["currency"], stats["locale"]) == (
        "8.00", "20.00", "EUR", "de_DE")


def test_stats_text_without_a_currency_is_as_before(store: Any, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    assert main(["stats", "--user", USER, "--today", "2026-11-25"]) == 0
    assert "spent 8.00 of 20.00 today" in capsys.readouterr().out


def test_forecast_text_in_yen_has_no_decimals(store: Any, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    _home(store, "JPY", "ja_JP")
    assert main(["forecast", "--user", USER, "--today", "2026-11-25", "--history-days", "30"]) == 0
    out = capsys.readouterr().out
    assert "at ￥20 a day" in out
    assert main(["forecast", "--user", USER, "--today", "2026-11-25", "--history-days", "30", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["daily_budget"], report["currency"]) == ("20.00", "JPY")
