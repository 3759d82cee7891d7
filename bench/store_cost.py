"""What a page load costs on dynalite: requests, read units and item bytes read, against the bytes the
page needs (the items it shows or uses), for the dashboard and the Forecast page.

The needed bytes come from the table itself, independently of the app: one Query of the user's whole
partition, kept to the items in the ranges the page uses (its charts' window and the sidebar coach's
window, the profile and the saved commentary). Over-read = item bytes returned / item bytes needed;
DynamoDB bills read units on the returned bytes, so 1.0 means not a byte more than the page uses.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from bench.app_pages import DASHBOARD, USER, AppHarness, app_store, clear_caches, run
from bench.dynamo import QueryCapture, item_size, read_floor
from lib.store import schema
from lib.web import views

FORECAST = "pages/2_Forecast.py"


def _forecast_days() -> int:
    from lib.web import state

    return int(getattr(state, "FORECAST_HISTORY_DAYS", 400))


def needed_ranges(page: str, today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The date ranges a page shows or uses: its own, the sidebar coach's (every page has the sidebar),
    and the standing's (the month's projection, shown on the dashboard and told by the coach)."""
    shared = [views.coach_range(today)]
    try:  # where the user stands (the month's projection), when the app computes it from its own window
        from lib.core import standing

        shared.append(standing.window_range(today))
    except (ImportError, AttributeError):
        pass
    if page == "dashboard":
        return [views.load_range(*views.default_range(today), today), *shared]
    return [(today - dt.timedelta(days=_forecast_days() - 1), today), *shared]


def _all_items(client: Any, table: str, user: str) -> list[dict[str, Any]]:
    kwargs: dict[str, Any] = {"TableName": table, "KeyConditionExpression": "#u = :u",
                              "ExpressionAttributeNames": {"#u": schema.PK},
                              "ExpressionAttributeValues": {":u": {"S": user}}}
    items: list[dict[str, Any]] = []
    while True:
        page = client.query(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def needed_items(client: Any, table: str, user: str, ranges: list[tuple[dt.date, dt.date]]) -> list[dict[str, Any]]:
    """The user's items a page needs: transactions dated in any of the ranges, the profile, the commentary."""
    out = []
    for raw in _all_items(client, table, user):
        day = schema.date_of_key(raw[schema.SK]["S"])
        if day is None or any(lo <= day <= hi for lo, hi in ranges):  # None: the profile, the commentary
            out.append(raw)
    return out


def _load(h: AppHarness, url: str, page: str) -> tuple[Any, list[dict[str, Any]]]:
    """One cold load of a page (fresh session, empty caches): the meter's difference and the items read."""
    clear_caches()
    store = app_store(url)
    capture = QueryCapture(store.client)
    st.cache_data.clear()
    capture.reset()
    before = store.meter.for_user(USER)
    at = h.app(DASHBOARD)  # the real entry point, then the page (pages link relative to it)
    if page != "dashboard":
        at.switch_page(FORECAST)
    run(at)
    used = store.meter.for_user(USER).minus(before)
    return used, list(capture.items)


def page_cost(h: AppHarness, table: str, page: str, today: dt.date) -> dict[str, Any]:
    """The steady cold load of a page through the real app on dynalite, and the one-time rebuild apart.

    The first load after the data changed outside the app (here: the seeding) rebuilds the streak
    summary from the whole history and saves it; every later cold load reads the saved summary.
    Both are measured; the steady load is the one a user pays day after day.
    """
    url = f"dynamodb://{table}"
    h.use_store(url)
    first, first_items = _load(h, url, page)
    used, read = _load(h, url, page)
    needed = needed_items(app_store(url).client, table, USER, needed_ranges(page, today))
    read_bytes, needed_bytes = sum(map(item_size, read)), sum(map(item_size, needed))
    return {
        "requests": used.requests,
        "read_units": used.read_units,
        "items_read": len(read),
        "bytes_read": read_bytes,
        "items_needed": len(needed),
        "bytes_needed": needed_bytes,
        "floor_units": read_floor(needed),
        "overread_ratio": read_bytes / needed_bytes,
        "first_requests": first.requests,
        "first_read_units": first.read_units,
        "first_write_units": first.write_units,
        "first_items_read": len(first_items),
    }


def store_costs(h: AppHarness, table: str, today: dt.date) -> dict[str, Any]:
    dash = page_cost(h, table, "dashboard", today)
    fc = page_cost(h, table, "forecast", today)
    return {
        "requests_per_dashboard_load": float(dash["requests"]),
        "dashboard_overread_ratio": dash["overread_ratio"],
        "forecast_read_units": fc["read_units"],
        "_forecast_overread_ratio": fc["overread_ratio"],
        "_store_dashboard": dash,
        "_store_forecast": fc,
    }
