"""The refreshed ECB rates for every process, through the one table (issue 25), without a shared file or S3.

The jobs tick (the Lambda or `python -m lib worker`) fetches the ECB history at most once in 20 hours and
stores each business day after the history the app ships as one item (lib.store.schema_rates). Every process
(dashboard containers, the API, the CLI) reads the shipped history (or FINANCE_FX_RATES_FILE) plus those days
with ONE Query, cached per process for CACHE_SECONDS: a page rerun costs no store call.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from lib.config import Settings
from lib.core.errors import ConflictError, FinanceError
from lib.rates.ecb import EcbRates, RatesFileError, load
from lib.rates.refresh import ECB_URL, STALE_AFTER_SECONDS, RefreshError, download
from lib.store.base import Store
from lib.store.schema_rates import (
    fetch_state_to_item,
    item_to_fetch_state,
    item_to_rates_day,
    rates_day_key,
    rates_day_to_item,
    rates_days_query,
    rates_fetch_key,
)

log = logging.getLogger(__name__)

CACHE_SECONDS = 1800.0  # a new ECB day reaches every process within 30 minutes of the tick storing it
FAILED_READ_SECONDS = 60.0  # a store that did not answer is asked again after a minute, not on every rerun
RETRY_SECONDS = 3600  # a failed fetch is tried again after an hour, not on every 5-minute tick
SOURCE = "ECB"

_lock = threading.Lock()
_cache: dict[int, tuple[Store, EcbRates, float, EcbRates]] = {}  # id(store) -> (store, base, until, merged)


def stored_days(store: Store) -> dict[dt.date, dict[str, Decimal]]:
    """The days the tick stored: one Query of the rates partition."""
    days = (item_to_rates_day(item) for item in store.query_records(*rates_days_query()))
    return dict(d for d in days if d is not None)


def rates_with_stored(base: EcbRates, store: Store, clock: Callable[[], float] = time.monotonic) -> EcbRates:
    """`base` plus the stored later days, read once per CACHE_SECONDS per store (a failed read: `base`, logged)."""
    now = clock()
    with _lock:  # one Query per process and period, even with many sessions' threads
        hit = _cache.get(id(store))
        if hit is not None and hit[0] is store and hit[1] is base and now < hit[2]:
            return hit[3]
        try:
            merged, until = base.extended(stored_days(store), f"{base.origin} + stored ECB days"), now + CACHE_SECONDS
        except FinanceError as exc:
            log.warning("stored rates unreadable; the shipped history is used", extra={"error": str(exc)})
            merged, until = base, now + FAILED_READ_SECONDS
        _cache[id(store)] = (store, base, until, merged)
        return merged


def rates_from_settings(settings: Settings, store: Store | None = None) -> EcbRates:
    """The rate source of this deployment: FINANCE_FX_RATES_FILE (else the shipped history) plus, given the
    store, the days the jobs tick stored after it."""
    base = load(settings.fx_rates_file)
    return base if store is None else rates_with_stored(base, store)


def forget_cache() -> None:
    """Drop the per-process cache (tests, and a process that just stored days itself)."""
    with _lock:
        _cache.clear()


@dataclass(frozen=True)
class Published:
    stored: int  # days written now
    pruned: int  # stored days the shipped history now has (a newer package): deleted
    last_day: dt.date


def publish(store: Store, fresh: EcbRates, shipped: EcbRates) -> Published:
    """Store the days of `fresh` after the shipped history that are not stored yet; drop the ones it covers."""
    have = stored_days(store)
    wanted = fresh.days_after(shipped.last_day)
    written = 0
    for day in sorted(set(wanted) - set(have)):
        try:
            store.put_record(rates_day_to_item(day, wanted[day], SOURCE), if_absent=True)
            written += 1
        except ConflictError:
            pass  # another tick stored the same day meanwhile: the ECB's rates of a day do not change
    old = [day for day in have if day <= shipped.last_day]
    for day in old:
        store.delete_record(rates_day_key(day))
    return Published(written, len(old), max(wanted, default=shipped.last_day))


def refresh_shared(store: Store, now: float, url: str, *, allow_private: bool = False) -> Published | None:
    """The daily step of the jobs tick: one GetItem when nothing is due; at most one fetch in 20 hours.

    The fetch is claimed with a version-checked write, so two ticks at once fetch once. Never raises into
    the tick: a failed fetch is logged, the days already stored stay in use, and it is retried an hour later.
    Nothing happens without a url (a laptop: `FINANCE_FX_RATES_URL`; hosted: the ECB's address).
    """
    if not url:
        return None
    try:
        return _refresh_shared(store, now, url, allow_private)
    except FinanceError as exc:  # the table did not answer (StoreUnavailableError): the next tick tries again
        log.warning("shared rates refresh skipped", extra={"error": str(exc)})
        return None


def _refresh_shared(store: Store, now: float, url: str, allow_private: bool) -> Published | None:
    state = item_to_fetch_state(store.get_record(rates_fetch_key()))
    if now - state.fetched_at < STALE_AFTER_SECONDS or now - state.attempted_at < RETRY_SECONDS:
        return None
    claimed = replace(state, attempted_at=now, version=state.version + 1)
    try:
        store.put_record(fetch_state_to_item(claimed), expected_version=state.version)
    except ConflictError:
        return None  # another process is fetching
    try:
        fresh = EcbRates.from_zip(download(url, allow_private), origin=url)
        done = publish(store, fresh, load(""))
    except (RatesFileError, RefreshError, FinanceError, OSError) as exc:
        log.warning("shared rates refresh failed; the stored days stay in use", extra={"error": str(exc)})
        return None
    store.put_record(fetch_state_to_item(replace(claimed, fetched_at=now, last_day=done.last_day.isoformat(),
                                                 version=claimed.version + 1)), expected_version=claimed.version)
    log.info("shared rates refreshed", extra={"stored": done.stored, "pruned": done.pruned,
                                              "last_day": done.last_day.isoformat()})
    return done


def refresh_url(settings: Settings) -> str:
    """Where the tick fetches from: FINANCE_FX_RATES_URL ("off": nowhere), else the ECB when hosted."""
    if settings.fx_rates_url:
        return "" if settings.fx_rates_url.lower() == "off" else settings.fx_rates_url
    return ECB_URL if settings.is_hosted else ""


__all__ = ["Published", "forget_cache", "publish", "rates_from_settings", "rates_with_stored", "refresh_shared",
           "refresh_url"]
