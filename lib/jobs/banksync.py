"""A tick's regular bank syncs: the users whose UTC slot it is (one Query of the slot's index), synced when due.

Each connected user sits in about 4 slots a day, spread by a hash of their id (lib.core.bank.sync_slots);
lib.sync.service.regular_sync claims each sync with a versioned write, so a second tick at the same
instant, a concurrent worker or a retried Lambda syncs nobody twice, and the bridge's daily request
cap is counted before each request. One user's trouble is logged and never stops the tick.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from lib.config import Settings
from lib.core.errors import FinanceError
from lib.jobs import schedule
from lib.sync import index
from lib.sync import service as sync_service

log = logging.getLogger(__name__)

RegularSyncs = Callable[[Any, dt.datetime], list[dict[str, object]]]


def no_syncs(store: Any, at: dt.datetime) -> list[dict[str, object]]:
    """The default: no bank syncs (a tick in the tests of nudges alone)."""
    return []


def slot_of(at: dt.datetime) -> str:
    """The UTC slot ("HH:MM") an instant falls in: the same 5-minute slots as the nudge schedule."""
    return schedule.floor_slot(at.astimezone(dt.UTC).time())


def regular_syncs(settings: Settings) -> RegularSyncs:
    """The step of a deployment: sync the slot's connected users (each: what happened, and the report's gist)."""
    def step(store: Any, at: dt.datetime) -> list[dict[str, object]]:
        slot = slot_of(at)
        done: list[dict[str, object]] = []
        try:
            users = index.users_in_slot(store, slot)
        except FinanceError as exc:  # the store is down: the nudges still get their try
            log.warning("regular bank syncs skipped", extra={"slot": slot, "error": type(exc).__name__})
            return [{"user": "", "outcome": f"error: {type(exc).__name__}"}]
        for user in users:
            try:
                outcome, report = sync_service.regular_sync(store, settings, user, slot, at)
            except (FinanceError, OSError, ValueError) as exc:
                log.warning("regular bank sync failed", extra={"user_id": user, "error": type(exc).__name__})
                done.append({"user": user, "outcome": f"error: {type(exc).__name__}"})
                continue
            entry: dict[str, object] = {"user": user, "outcome": outcome}
            if report is not None:
                entry.update(state=report.state, added=report.added, requests=report.requests)
            done.append(entry)
        return done
    return step
