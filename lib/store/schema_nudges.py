"""The nudges' items (issue 18, lib.notify and lib.jobs): the table layout's keys for them.

Part of the table's schema (lib.store.schema holds the rest): only these modules know a prefix.
"""
from __future__ import annotations

import datetime as dt

from lib.core.models import clean_text
from lib.store.schema import PK, SK, Item

# ---------------------------------------------------------------------------------------------
# Nudges (issue 18): channels, delivery records, the schedule of who is due when
# ---------------------------------------------------------------------------------------------
# Per-user side items sort after "~", so the dashboard's window Query never reads them.
CHANNEL_PREFIX = "~CHANNEL#"
# ...except this one, which exists only while a channel is paused: the dashboard's Query brings it for free.
NOTICE_PREFIX = "NOTICE#"
DELIVERY_PREFIX = "~NUDGE#"
SCHEDULE_POINTER = "~SCHEDULE"
# Schedule partitions: one per UTC time slot ("SCHEDULE#07:05"); a tick reads a few with Queries.
SCHEDULE_PARTITION = "SCHEDULE#"
SCHEDULE_ITEM_PREFIX = "U#"  # a Query needs a non-empty key condition: every item of a slot starts so
DELIVERY_KEEP_DAYS = 14  # delivery records expire (DynamoDB TTL attribute `expires_at`)


def channel_key(user_id: str, channel_id: str) -> dict[str, str]:
    """Primary key of one notification channel of a user."""
    return {PK: user_id, SK: f"{CHANNEL_PREFIX}{channel_id}"}


def delivery_key(user_id: str, day: dt.date, kind: str) -> dict[str, str]:
    """Primary key of the delivery record of one nudge: one per (user, local day, kind), never two."""
    return {PK: user_id, SK: f"{DELIVERY_PREFIX}{day.isoformat()}#{kind}"}


def schedule_partition(slot: str) -> str:
    """The partition of one UTC time slot ("07:05")."""
    return f"{SCHEDULE_PARTITION}{slot}"


def schedule_item_key(slot: str, user_id: str, part: str) -> dict[str, str]:
    """Primary key of a user's place in a slot: `part` is "am" (morning, milestones) or "pm" (evening, weekly)."""
    return {PK: schedule_partition(slot), SK: f"{SCHEDULE_ITEM_PREFIX}{user_id}#{part}"}


def schedule_pointer_key(user_id: str) -> dict[str, str]:
    """Primary key of the item listing the slots a user's schedule items are in (to move them)."""
    return {PK: user_id, SK: SCHEDULE_POINTER}


def nudge_notice_key(user_id: str) -> dict[str, str]:
    """Primary key of the item listing the user's paused channels (inside the window's key range)."""
    return {PK: user_id, SK: f"{NOTICE_PREFIX}nudges"}


def paused_from_items(items: list[Item]) -> tuple[str, ...]:
    """The masked URLs of paused channels, from the notice item among a window's items (none: empty)."""
    notice = next((i for i in items if str(i.get(SK, "")) == f"{NOTICE_PREFIX}nudges"), None)
    return tuple(clean_text(v, 120) for v in (notice or {}).get("paused", []))[:10]
