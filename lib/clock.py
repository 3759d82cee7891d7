"""The one clock: every "today" in lib/, the pages and the CLI comes from here.

A thin wrapper on `datetime.date.today()`, so tests move it with time-machine (and every
caller moves with it). `FINANCE_TODAY=YYYY-MM-DD` pins the day for a demo or a manual check
of a month's last day; it is ignored when FINANCE_ENV=hosted (users always get the real day).
"""
from __future__ import annotations

import datetime as dt
import logging
import os

log = logging.getLogger(__name__)

ENV_TODAY = "FINANCE_TODAY"


def pinned() -> dt.date | None:
    """The day FINANCE_TODAY pins, or None (an unreadable value is ignored, and logged)."""
    text = os.environ.get(ENV_TODAY, "").strip()
    if not text or os.environ.get("FINANCE_ENV", "").strip().lower() == "hosted":
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        log.warning("FINANCE_TODAY is not an ISO date; using the real date", extra={"value": text})
        return None


def today() -> dt.date:
    """Today's date (local time), or the day FINANCE_TODAY pins."""
    return pinned() or dt.date.today()
