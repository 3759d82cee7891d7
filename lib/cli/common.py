"""Helpers every CLI command module shares: the store from settings, ISO dates, progress."""
from __future__ import annotations

import argparse
import datetime as dt
import sys

from lib.config import load_settings
from lib.core import clock
from lib.store import Store, open_store


def open_configured_store() -> Store:
    """The store the settings name (FINANCE_STORE or secrets.toml)."""
    return open_store(load_settings())


def iso_date(text: str) -> dt.date:
    """argparse type: an ISO date, or a one-line reason."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an ISO date (YYYY-MM-DD)") from None


def progress(done: int, total: int) -> None:
    """Large writes show progress on a terminal (a log file gets only the summary line)."""
    if total >= 500 and sys.stderr.isatty():
        print(f"\r  {done}/{total} written", end="" if done < total else "\n", file=sys.stderr, flush=True)


def user_today(store: Store, user_id: str, pinned: dt.date | None = None) -> dt.date:
    """`--today` when given, else the user's today in the zone on their profile (one GetItem)."""
    return pinned or clock.today(store.get_profile(user_id).timezone)
