"""Who is due when: schedule items under one partition per UTC 5-minute slot, found by a Query, never a Scan.

A user with a channel and a nudge switched on has up to two items: "am" (morning and milestones)
and "pm" (evening and the Sunday round-up). Each holds the local time and the zone, and lives in the
slot its local time falls on in the zone's STANDARD time (UTC offset minus daylight saving). So
daylight-saving changes never move an item: a tick at instant T queries the slots T + d for every
daylight-saving offset d in use somewhere at T (0 and +60 minutes nearly always; -60 for Dublin's
winter, +30 for Lord Howe, +120 for Troll), then keeps only the items whose local time is now.
The pointer item `~SCHEDULE` under the user lists their places, so a profile change moves them.
"""
from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from zoneinfo import ZoneInfo

from lib.core import clock
from lib.core.models import Profile
from lib.core.nudge_prefs import DEFAULT_EVENING, DEFAULT_MORNING, parse_hhmm
from lib.store import nudge_items, schema_nudges

SLOT_MINUTES = 5
PARTS = ("am", "pm")


def server_zone() -> str:
    """The zone of a profile without one: TZ, else the machine's /etc/localtime, else UTC."""
    name = os.environ.get("TZ", "").lstrip(":")
    if clock.is_zone(name):
        return name
    target = os.path.realpath("/etc/localtime")
    if "zoneinfo/" in target and clock.is_zone(target.split("zoneinfo/", 1)[1]):
        return target.split("zoneinfo/", 1)[1]
    return "UTC"


def zone_of(profile_zone: str) -> str:
    return profile_zone if clock.is_zone(profile_zone) else server_zone()


def floor_slot(t: dt.time) -> str:
    """ "HH:MM" of the 5-minute slot a time falls in."""
    return f"{t.hour:02d}:{t.minute - t.minute % SLOT_MINUTES:02d}"


def local_times(profile: Profile) -> dict[str, str]:
    """The local "HH:MM" of each part this profile needs (a part with nothing switched on is left out)."""
    p = profile.nudges
    out = {}
    if p.morning or p.milestones:
        out["am"] = p.morning or DEFAULT_MORNING  # milestones alone still come in the morning
    if p.evening or p.weekly:
        out["pm"] = p.evening or DEFAULT_EVENING
    return out


def standard_slot(local: str, zone_name: str) -> str:
    """The UTC slot of a local time in the zone's standard time (never moved by daylight saving)."""
    zone = ZoneInfo(zone_name)
    jan, jul = (dt.datetime(2026, m, 15, 12, tzinfo=zone) for m in (1, 7))
    # Standard offset = UTC offset minus daylight saving, the same in January and July.
    std = (jan.utcoffset() or dt.timedelta()) - (jan.dst() or dt.timedelta())
    if std != (jul.utcoffset() or dt.timedelta()) - (jul.dst() or dt.timedelta()):
        std = min(std, (jul.utcoffset() or dt.timedelta()) - (jul.dst() or dt.timedelta()))
    t = parse_hhmm(local)
    base = dt.datetime(2000, 1, 3, t.hour, t.minute) - std
    return floor_slot(base.time())


def places(profile: Profile, has_channels: bool) -> dict[str, tuple[str, str, str]]:
    """"SLOT|part" -> (slot, part, local) of the items this profile should have (none without a channel)."""
    if not has_channels:
        return {}
    zone_name = zone_of(profile.timezone)
    out = {}
    for part, local in local_times(profile).items():
        slot = standard_slot(local, zone_name)
        out[f"{slot}|{part}"] = (slot, part, local)
    return out


def reschedule(store: object, profile: Profile, has_channels: bool) -> list[str]:
    """Make the user's schedule items match the profile (put the wanted ones, delete the others)."""
    wanted = places(profile, has_channels)
    zone_name = zone_of(profile.timezone)
    pointer = store.get_record(schema_nudges.schedule_pointer_key(profile.user_id))  # type: ignore[attr-defined]
    before = set(pointer.get("places", [])) if pointer else set()
    for place in before - set(wanted):
        slot, _, part = place.partition("|")
        store.delete_record(schema_nudges.schedule_item_key(slot, profile.user_id, part))  # type: ignore[attr-defined]
    for slot, part, local in wanted.values():
        store.put_record(nudge_items.schedule_item(slot, profile.user_id, part, local, zone_name))  # type: ignore[attr-defined]
    if before != set(wanted) or pointer is None:
        if wanted:
            store.put_record(nudge_items.schedule_pointer_item(profile.user_id, list(wanted)))  # type: ignore[attr-defined]
        elif pointer is not None:
            store.delete_record(schema_nudges.schedule_pointer_key(profile.user_id))  # type: ignore[attr-defined]
    return sorted(wanted)


@lru_cache(maxsize=64)
def _dst_offsets(hour_key: str) -> tuple[int, ...]:
    at = dt.datetime.fromisoformat(hour_key)
    found = set()
    for name in clock.zone_names():
        if "/" not in name and name != "UTC":
            continue
        delta = at.astimezone(ZoneInfo(name)).dst()
        found.add(int(delta.total_seconds() // 60) if delta else 0)
    return tuple(sorted(found))


def slots_at(at: dt.datetime) -> list[str]:
    """The UTC slots a tick at `at` reads: one per daylight-saving offset in use anywhere at that hour."""
    utc = at.astimezone(dt.UTC)
    offsets = _dst_offsets(utc.replace(minute=0, second=0, microsecond=0).isoformat())
    return sorted({floor_slot((utc + dt.timedelta(minutes=d)).time()) for d in offsets})


def is_due(item: dict[str, object], at: dt.datetime) -> bool:
    """True when the item's local time falls in the 5-minute slot `at` is in, in the item's zone."""
    zone_name = str(item.get("zone") or "UTC")
    local_now = at.astimezone(ZoneInfo(zone_of(zone_name)))
    return floor_slot(local_now.time()) == floor_slot(parse_hhmm(str(item.get("local") or "00:00")))


def local_day(at: dt.datetime, zone_name: str) -> dt.date:
    """The user's date at instant `at`."""
    return at.astimezone(ZoneInfo(zone_of(zone_name))).date()
