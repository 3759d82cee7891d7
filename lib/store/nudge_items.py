"""Nudge items (issue 18) <-> domain types: channels, delivery records, schedule slots, the paused notice.

The keys and prefixes are lib.store.schema's (the only module that builds a key); this module maps
the items' other attributes, beside schema.py so that one stays readable.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from lib.core.models import clean_text
from lib.core.nudge_prefs import Channel
from lib.store.schema import PK, SK, Item, version_of
from lib.store.schema_nudges import (
    CHANNEL_PREFIX,
    DELIVERY_KEEP_DAYS,
    channel_key,
    delivery_key,
    nudge_notice_key,
    schedule_item_key,
    schedule_pointer_key,
)


def channel_to_item(c: Channel) -> Item:
    return {**channel_key(c.user_id, c.channel_id), "sealed_url": c.sealed_url, "masked": c.masked,
            "scheme": c.scheme, "created_at": c.created_at, "failures": c.failures, "paused": c.paused,
            "last_error": c.last_error, "last_ok_at": c.last_ok_at, "version": c.version}


def item_to_channel(item: Item | None) -> Channel | None:
    if not item or not str(item.get(SK, "")).startswith(CHANNEL_PREFIX):
        return None
    return Channel(user_id=str(item[PK]), channel_id=str(item[SK])[len(CHANNEL_PREFIX):],
                   sealed_url=str(item.get("sealed_url", "")), masked=clean_text(item.get("masked"), 120),
                   scheme=str(item.get("scheme", ""))[:20], created_at=str(item.get("created_at", "")),
                   failures=int(item.get("failures") or 0), paused=bool(item.get("paused")),
                   last_error=clean_text(item.get("last_error"), 200), last_ok_at=str(item.get("last_ok_at", "")),
                   version=version_of(item))


def delivery_item(user_id: str, day: dt.date, kind: str, status: str, at: dt.datetime, **extra: Any) -> Item:
    """A delivery record ("sending" before the send, then its outcome), expiring after DELIVERY_KEEP_DAYS."""
    expires = at + dt.timedelta(days=DELIVERY_KEEP_DAYS)
    return {**delivery_key(user_id, day, kind), "status": status, "at": at.isoformat(timespec="seconds"),
            "expires_at": int(expires.timestamp()), **extra}


def schedule_item(slot: str, user_id: str, part: str, local: str, zone_name: str) -> Item:
    """A user's place in a slot, with the local time and zone the tick checks against the instant."""
    return {**schedule_item_key(slot, user_id, part), "user": user_id, "part": part, "local": local,
            "zone": zone_name}


def schedule_pointer_item(user_id: str, places: list[str]) -> Item:
    return {**schedule_pointer_key(user_id), "places": sorted(places)}




def nudge_notice_item(user_id: str, paused: list[str]) -> Item:
    return {**nudge_notice_key(user_id), "paused": list(paused)}
