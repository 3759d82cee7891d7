"""What Settings and the CLI do about nudges: save the prefs, add/remove/test channels, keeping the schedule current.

Every change that can move a user's place in the schedule (their times, their zone, having a
channel at all) ends with `schedule.reschedule`, so the tick's Query finds them at the right slot.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from lib.core.models import Profile
from lib.core.nudge_prefs import Channel
from lib.jobs import schedule
from lib.net.guard import Resolver, system_resolver
from lib.notify import channels as ch
from lib.notify.messages import Nudge
from lib.store.sealed import Sealer

TEST_NUDGE = Nudge("test", "Test from your money coach", "If you can read this, your nudges will arrive here.")


def save_profile(store: Any, profile: Profile) -> Profile:
    """Save the profile (version-checked as always), then move its schedule items to match."""
    saved: Profile = store.save_profile(profile)
    resync(store, saved)
    return saved


def resync(store: Any, profile: Profile) -> list[str]:
    """Put the user's schedule items where the profile and their channels say."""
    return schedule.reschedule(store, profile, bool(ch.list_channels(store, profile.user_id)))


def add_channel(store: Any, sealer: Sealer, user_id: str, url: str, *, allow_private: bool, at: dt.datetime,
                resolver: Resolver = system_resolver) -> Channel:
    channel = ch.add_channel(store, sealer, user_id, url, allow_private=allow_private, at=at, resolver=resolver)
    resync(store, store.get_profile(user_id))
    return channel


def remove_channel(store: Any, user_id: str, which: str) -> Channel:
    channel = ch.remove_channel(store, user_id, which)
    resync(store, store.get_profile(user_id))
    return channel


def send_test(store: Any, sealer: Sealer, user_id: str, which: str, *, allow_private: bool, at: dt.datetime,
              resolver: Resolver = system_resolver) -> ch.SendResult:
    """Send the test message to one channel now (a working test unpauses a paused channel)."""
    channel = ch.find_channel(store, user_id, which)
    result, _ = ch.send_to(store, sealer, channel, TEST_NUDGE.title, TEST_NUDGE.body, allow_private=allow_private,
                           at=at, resolver=resolver)
    return result


def paused_channels(store: Any, user_id: str) -> list[Channel]:
    """The user's channels paused after failing 5 times in a row (the dashboard says so)."""
    return [c for c in ch.list_channels(store, user_id) if c.paused]
