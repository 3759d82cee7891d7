"""The one clock: every "today" in lib/, the pages and the CLI comes from here.

A thin wrapper on `datetime.datetime.now()`, so tests move it with time-machine (and every
caller moves with it). A user's "today" is the date in their own time zone (an IANA name on the
profile; empty: the server's zone). `FINANCE_TODAY=YYYY-MM-DD` pins the day for a demo or a manual check
of a month's last day; it is ignored when FINANCE_ENV=hosted (users always get the real day).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

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


def zone(name: str | None) -> ZoneInfo | None:
    """The IANA zone of that name, or None (empty, unknown or malformed: the server's zone)."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def is_zone(name: str) -> bool:
    """True when `name` is a zone of the IANA database (what a profile may hold)."""
    return bool(name) and name in zone_names()


_ZONES: list[str] = []


def zone_names() -> list[str]:
    """Every IANA zone name, sorted (for a searchable list), read once."""
    if not _ZONES:
        _ZONES.extend(sorted(available_timezones()))
    return _ZONES


def now() -> dt.datetime:
    """This instant, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def today(tz: str | None = None) -> dt.date:
    """Today's date in zone `tz` (an IANA name; None or empty: the server's zone), or the day FINANCE_TODAY pins."""
    pin = pinned()
    if pin:
        return pin
    where = zone(tz)
    return dt.datetime.now(where).date() if where else dt.date.today()


# The zones furthest behind (UTC-12) and ahead (UTC+14) of UTC: every user's today lies between their days.
_BEHIND, _AHEAD = "Etc/GMT+12", "Etc/GMT-14"


def earliest_today() -> dt.date:
    """The earliest "today" any user can have (UTC-12): a window ending on or after it may be someone's current one."""
    return today(_BEHIND)


def latest_today() -> dt.date:
    """The latest "today" any user can have (UTC+14): no user's today is after it."""
    return today(_AHEAD)


def clock_time(iso: str, tz: str | None = None) -> str | None:
    """"HH:MM" of an ISO timestamp on zone tz's clock (an aware one is converted; a naive one is shown as written)."""
    try:
        when = dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is not None:
        when = when.astimezone(zone(tz))  # None: the server's zone
    return when.strftime("%H:%M")
