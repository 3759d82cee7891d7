"""Issue 25: the jobs Lambda's tick stores the ECB days after the shipped history in the table, and another
process on the same table (the dashboard, the API) prices with them; a local server stands in for the ECB."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from lib.config import load_settings
from lib.rates import rates_from_settings, shared
from lib.store.sealed import new_key
from lib.store.sqlite import SQLiteStore
from tests.contract.test_fx_shared_rates import NEWER, _zip


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer) -> dict[str, str]:
    httpserver.expect_request("/eurofxref-hist.zip").respond_with_data(_zip(NEWER), content_type="application/zip")
    values = {"FINANCE_STORE": f"sqlite:///{tmp_path / 'jobs.db'}", "FINANCE_ENCRYPTION_KEY": new_key(),
              "FINANCE_ENV": "local", "FINANCE_FX_RATES_URL": httpserver.url_for("/eurofxref-hist.zip")}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    shared.forget_cache()
    return values


def test_the_tick_brings_new_ecb_days_to_every_process(env: dict[str, str], httpserver: HTTPServer) -> None:
    from lib.jobs import handler as jobs_handler

    other = SQLiteStore(env["FINANCE_STORE"].split("://", 1)[1])  # the dashboard's own store object
    other.init()
    day = dt.date(2026, 11, 4)
    assert rates_from_settings(load_settings(), other).rate("EUR", "USD", day).day == dt.date(2026, 10, 30)
    jobs_handler._CACHE.clear()
    try:
        jobs_handler.handler({"at": "2026-11-04T16:30:00Z"})
        jobs_handler.handler({"at": "2026-11-04T16:35:00Z"})  # the next tick: not due, nothing fetched
    finally:
        jobs_handler._CACHE.clear()
    assert len(httpserver.log) == 1
    shared.forget_cache()  # the dashboard's cache would see it within CACHE_SECONDS; here, at once
    seen: Any = rates_from_settings(load_settings(), other).rate("EUR", "USD", day)
    assert (seen.day, str(seen.value)) == (day, "1.1500")
