"""One tick as of one instant: find who is due (Queries of the schedule slots), then nudge them.

For each due user: their channels (one Query; none active, nothing more is read), the injectable
pre-morning step (the bank feed's sync plugs in there), the ONE standing (one Query of the window),
the texts, and delivery through lib.notify.delivery (claimed before sending, so a second tick at
the same instant, a concurrent worker or a retried Lambda sends nothing more). One user's failure
is logged and skipped; the tick goes on for everyone else.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lib.config import Settings
from lib.core.bank import nudge_alert
from lib.core.errors import FinanceError
from lib.core.standing import load_standing, standing_from_window
from lib.jobs import schedule
from lib.jobs.banksync import RegularSyncs, no_syncs
from lib.net.guard import Resolver, system_resolver
from lib.notify import messages
from lib.notify.channels import list_channels
from lib.notify.delivery import Outcome, deliver
from lib.store import schema, schema_nudges
from lib.store.sealed import Sealer
from lib.sync import service as sync_service

log = logging.getLogger(__name__)

BeforeMorning = Callable[[Any, str, dt.datetime], None]


def no_step(store: Any, user_id: str, now: dt.datetime) -> None:
    """The default pre-morning step: nothing (the bank-feed sync replaces it)."""


def bank_sync(settings: Settings) -> BeforeMorning:
    """The pre-morning step of a deployment: sync the user's bank first (lib.sync), so the morning
    message speaks of yesterday's real spending. A failing bank never stops the nudge."""
    def step(store: Any, user_id: str, now: dt.datetime) -> None:
        try:
            sync_service.before_morning(store, user_id, now, settings)
        except FinanceError as exc:
            log.warning("bank sync before the morning nudge failed", extra={"user_id": user_id,
                                                                          "error": type(exc).__name__})
    return step


@dataclass
class TickReport:
    at: str
    due: int = 0
    sent: list[dict[str, object]] = field(default_factory=list)
    skipped: list[dict[str, object]] = field(default_factory=list)
    synced: list[dict[str, object]] = field(default_factory=list)  # the slot's regular bank syncs (lib.jobs.banksync)

    def add(self, outcome: Outcome) -> None:
        (self.sent if outcome.sent else self.skipped).append(
            outcome.as_sent() if outcome.sent else outcome.as_skipped())

    def skip(self, user: str, kind: str, why: str) -> None:
        self.skipped.append({"user": user, "kind": kind, "why": why})

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"due": self.due, "sent": self.sent, "skipped": self.skipped}
        if self.synced:  # only a tick whose slot holds connected users says so
            out["synced"] = self.synced
        return out


def due_items(store: Any, at: dt.datetime) -> list[dict[str, Any]]:
    """The schedule items whose local time is now (one Query per slot that can hold them)."""
    found: list[dict[str, Any]] = []
    for slot in schedule.slots_at(at):
        items = store.query_records(schema_nudges.schedule_partition(slot), schema_nudges.SCHEDULE_ITEM_PREFIX)
        found.extend(i for i in items if schedule.is_due(i, at))
    return found


def tick(store: Any, sealer: Sealer, at: dt.datetime, *, allow_private: bool,
         before_morning: BeforeMorning = no_step, resolver: Resolver = system_resolver,
         syncs: RegularSyncs = no_syncs) -> TickReport:
    """Nudge everyone due at instant `at` (aware); returns what was sent and what was skipped, and why."""
    at = at.astimezone(dt.UTC)
    report = TickReport(at=at.isoformat())
    # The slot's regular bank syncs first: a morning nudge in the same slot then finds the bank fresh.
    report.synced = syncs(store, at)
    items = due_items(store, at)
    report.due = len({str(i["user"]) for i in items})
    for item in items:
        user, part = str(item["user"]), str(item["part"])
        try:
            _nudge_user(store, sealer, item, at, report, allow_private=allow_private,
                        before_morning=before_morning, resolver=resolver)
        except (FinanceError, OSError, ValueError) as exc:  # one user's trouble never stops the tick
            log.warning("nudge failed", extra={"user_id": user, "part": part, "error": type(exc).__name__})
            report.skip(user, part, f"error: {type(exc).__name__}")
    return report


def _nudge_user(store: Any, sealer: Sealer, item: dict[str, Any], at: dt.datetime, report: TickReport, *,
                allow_private: bool, before_morning: BeforeMorning, resolver: Resolver) -> None:
    user, part = str(item["user"]), str(item["part"])
    channels = list_channels(store, user)
    if not channels:  # removed since (or the user was deleted): drop the schedule items, read nothing more
        schedule.reschedule(store, store.get_profile(user), False)
        store.delete_record({schema.PK: item[schema.PK], schema.SK: item[schema.SK]})  # even without a pointer
        report.skip(user, part, "no channel")
        return
    day = schedule.local_day(at, str(item.get("zone") or ""))
    if part == "am":
        before_morning(store, user, at)
    standing, window = load_standing(store, user, day)
    profile, prefs = window.profile, window.profile.nudges
    bank = nudge_alert(window.bank, at)  # the feed's note rides in the window's Query: no read of its own
    if schedule.local_times(profile).get(part) != item.get("local") or \
            schedule.zone_of(profile.timezone) != item.get("zone"):
        # The profile changed without its schedule: put it right; the new time gets its own tick.
        schedule.reschedule(store, profile, True)
        report.skip(user, part, "schedule was out of date (moved)")
        return
    local_now = at.astimezone(schedule.ZoneInfo(schedule.zone_of(profile.timezone))).time()
    quiet = prefs.in_quiet_hours(local_now)
    hide = prefs.hide_amounts
    wanted: list[tuple[str, messages.Nudge | None, str]] = []
    if part == "am":
        if prefs.morning:  # yesterday's verdict from the same window (no second read)
            yesterday = standing_from_window(window, day - dt.timedelta(days=1))
            wanted.append(("morning", messages.morning(yesterday, standing, hide_amounts=hide, bank=bank), ""))
        if prefs.milestones:
            wanted.append(("milestone", messages.milestone(standing, hide_amounts=hide), "no milestone today"))
    else:
        if prefs.evening:
            wanted.append(("evening", messages.evening(standing, hide_amounts=hide, bank=bank),
                           "today is already logged"))
        if prefs.weekly and day.weekday() == 6:
            wanted.append(("weekly", messages.weekly(standing, window, hide_amounts=hide), ""))
    for kind, nudge, why_not in wanted:
        if nudge is None:
            if kind != "milestone":  # most mornings have no milestone: not worth a line
                report.skip(user, kind, why_not)
            continue
        if quiet:
            report.skip(user, kind, f"quiet hours ({prefs.quiet_text()})")
            continue
        report.add(deliver(store, sealer, user, day, nudge, channels, at=at, allow_private=allow_private,
                           resolver=resolver))


def parse_instant(text: str) -> dt.datetime:
    """An ISO 8601 instant with a zone ("2026-12-05T16:00:00Z"); ValueError otherwise."""
    value = dt.datetime.fromisoformat(text.strip()[:40].replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError("the instant needs a zone (Z or +HH:MM)")
    return value


__all__ = ["BeforeMorning", "TickReport", "no_step", "parse_instant", "tick"]
