"""The ECB rates every process reads (issue 25): the table layout's keys and items for them.

Part of the table's schema (lib.store.schema holds the rest): only this module knows the partition. The jobs
tick stores each ECB business day after the history the app ships (one item a day, ~40 rates as exact
strings) in a partition of its own, so the dashboard containers and the API read the refreshed rates with
one Query, without a shared file or S3. Beside the days, one `~FETCH` item says when the tick last fetched.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from lib.core.money import is_currency
from lib.store.schema import PK, SK, Item

log = logging.getLogger(__name__)

# Not a user id: user ids come from a verified login and never carry '#'.
RATES_PARTITION = "FXRATES#ECB"
RATES_DAY_PREFIX = "DAY#"
RATES_FETCH_SK = "~FETCH"  # sorts after every DAY#, so the days' Query never reads it
MAX_CODES = 80  # the ECB quotes ~30 currencies (41 over its history): an item with more was not written by us


def rates_day_key(day: dt.date) -> dict[str, str]:
    return {PK: RATES_PARTITION, SK: f"{RATES_DAY_PREFIX}{day.isoformat()}"}


def rates_days_query() -> tuple[str, str]:
    """(partition, prefix) of every stored day: Store.query_records, one Query."""
    return RATES_PARTITION, RATES_DAY_PREFIX


def rates_day_to_item(day: dt.date, rates: dict[str, Decimal], source: str) -> Item:
    """One day's fixings (1 EUR = x of each code), kept as the exact text the ECB published."""
    return {**rates_day_key(day), "rates": {code: format(value, "f") for code, value in sorted(rates.items())},
            "source": source}


def item_to_rates_day(item: Item) -> tuple[dt.date, dict[str, Decimal]] | None:
    """(day, rates) of a stored day; None for an item that does not read (logged, skipped); bad cells dropped."""
    try:
        day = dt.date.fromisoformat(str(item.get(SK, ""))[len(RATES_DAY_PREFIX):])
    except ValueError:
        log.warning("unreadable rates item skipped", extra={"sort_key": str(item.get(SK))[:40]})
        return None
    raw = item.get("rates")
    if not isinstance(raw, dict) or len(raw) > MAX_CODES:
        return None
    rates: dict[str, Decimal] = {}
    for code, text in raw.items():
        try:
            value = Decimal(str(text))
        except (InvalidOperation, ValueError):
            continue
        if isinstance(code, str) and is_currency(code) and value.is_finite() and value > 0:
            rates[code] = value
    return (day, rates) if rates else None


@dataclass(frozen=True)
class FetchState:
    """When the tick last tried to fetch, when it last succeeded, and the last day stored (version-checked)."""

    attempted_at: float = 0.0
    fetched_at: float = 0.0
    last_day: str = ""
    version: int = 0


def rates_fetch_key() -> dict[str, str]:
    return {PK: RATES_PARTITION, SK: RATES_FETCH_SK}


def fetch_state_to_item(state: FetchState) -> Item:
    return {**rates_fetch_key(), "attempted_at": Decimal(int(state.attempted_at)),
            "fetched_at": Decimal(int(state.fetched_at)), "last_day": state.last_day, "version": state.version}


def item_to_fetch_state(item: Item | None) -> FetchState:
    if not item:
        return FetchState()

    def number(name: str) -> float:
        try:
            return float(Decimal(str(item.get(name) or 0)))
        except (InvalidOperation, ValueError):
            return 0.0

    return FetchState(number("attempted_at"), number("fetched_at"), str(item.get("last_day") or "")[:10],
                      int(number("version")))


def is_rates_item(item: dict[str, Any]) -> bool:
    return item.get(PK) == RATES_PARTITION
