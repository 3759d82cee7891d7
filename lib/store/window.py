"""One window query's items sorted into the domain's Window (profile, days, the per-user items read with it)."""
from __future__ import annotations

import datetime as dt

from lib.core import clock
from lib.core.types import Window
from lib.store.schema import (
    SESSION_GEN_SK,
    SK,
    Item,
    is_checkin,
    is_commentary,
    is_data_version,
    is_profile,
    is_streak_state,
    item_to_checkin,
    item_to_commentary,
    item_to_data_version,
    item_to_profile,
    item_to_streak_state,
    item_to_transaction,
)
from lib.store.schema_bank import BANK_NOTE_PREFIX, item_to_bank_note
from lib.store.schema_nudges import paused_from_items
from lib.store.session_gen import generation_from_item


def split_window(items: list[Item], user_id: str, start: dt.date, end: dt.date, default_name: str | None,
                 *, with_generation: bool = False) -> Window:
    """Sort the items of one window query into profile, transactions (start..end) and the partition's own items.

    `with_generation`: the query's range reached the session generation's key (schema.window_bounds), so
    its absence means generation 0; otherwise the window carries none."""
    profile_item = next((i for i in items if is_profile(i)), None)
    commentary_item = next((i for i in items if is_commentary(i)), None)
    checkin_item = next((i for i in items if is_checkin(i)), None)
    state_item = next((i for i in items if is_streak_state(i)), None)
    version_item = next((i for i in items if is_data_version(i)), None)
    note_item = next((i for i in items if str(i.get(SK, "")).startswith(BANK_NOTE_PREFIX)), None)
    txns = [t for t in map(item_to_transaction, items) if t is not None and start <= t.date <= end]
    return Window(item_to_profile(profile_item, user_id, default_name), txns, item_to_commentary(commentary_item),
                  item_to_checkin(checkin_item), item_to_streak_state(state_item), item_to_data_version(version_item),
                  item_to_bank_note(note_item), paused_channels=paused_from_items(items),
                  generation=generation_from_item(next((i for i in items if i.get(SK) == SESSION_GEN_SK), None))
                  if with_generation else None)


def is_current(end: dt.date) -> bool:
    """True when a window ending on `end` is someone's current one (a user's today is in their zone, with a
    day of margin for a western user's today passed as the server's yesterday): one query to the window's end."""
    return end >= clock.earliest_today() - dt.timedelta(days=1)
