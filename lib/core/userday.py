"""The user's own day: their "today" comes from the zone on their profile, read with the data it dates.

A user's today depends on their profile, and their window depends on their today. Reading the profile
first would cost every load a second request, so the window is read once from the earliest day any
zone's window can start to the latest today anywhere (the profile comes with it), then cut to the
user's own days. `today` (a `--today`, a test's pin) skips the zone altogether.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from lib.core import clock
from lib.core.standing import WINDOW_DAYS, Standing, ensure_streak_state, standing_from_window
from lib.core.types import Window


def any_zone_range(days: int) -> tuple[dt.date, dt.date]:
    """A range holding the last `days` days of every zone's today (one or two days more than one zone needs)."""
    return clock.earliest_today() - dt.timedelta(days=days - 1), clock.latest_today()


def cut(window: Window, start: dt.date, end: dt.date) -> Window:
    """The window with only the transactions dated start..end."""
    return replace(window, transactions=[t for t in window.transactions if start <= t.date <= end])


def user_window(
    store: Any, user_id: str, days: int, default_name: str | None = None, today: dt.date | None = None
) -> tuple[Window, dt.date]:
    """The user's last `days` days up to their today (ONE Query), and that today."""
    if today is not None:
        return store.load_window(user_id, today - dt.timedelta(days=days - 1), today, default_name), today
    window = store.load_window(user_id, *any_zone_range(days), default_name)
    today = clock.today(window.profile.timezone)
    return cut(window, today - dt.timedelta(days=days - 1), today), today


def load_user_standing(
    store: Any, user_id: str, default_name: str | None = None, today: dt.date | None = None
) -> tuple[Standing, Window]:
    """lib.core.standing.load_standing on the user's own today (their profile's zone unless `today` pins it)."""
    window, today = user_window(store, user_id, WINDOW_DAYS, default_name, today)
    window, _ = ensure_streak_state(store, window, today)
    return standing_from_window(window, today), window
