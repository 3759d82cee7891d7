"""Never twice: one delivery record per (user, local day, kind), claimed BEFORE anything is sent.

The claim is a conditional write (`put_record(if_absent=True)`): of two workers, or a Lambda and
its retry, exactly one gets it and sends; the other skips. The outcome is written after the send.
A crash between the two leaves "sending" behind and the nudge is not sent again that day: rather
miss one message than spam (the way we-promise/sure's notification deliveries work).
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from lib.core.errors import ConflictError
from lib.core.nudge_prefs import Channel
from lib.net.guard import Resolver, system_resolver
from lib.notify.channels import send_to
from lib.notify.messages import Nudge
from lib.store import nudge_items
from lib.store.sealed import Sealer

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What happened to one nudge: sent (with channel counts) or skipped (with why)."""

    user: str
    kind: str
    sent: bool
    channels_ok: int = 0
    channels_failed: int = 0
    why: str = ""
    errors: list[str] = field(default_factory=list)

    def as_sent(self) -> dict[str, object]:
        return {"user": self.user, "kind": self.kind, "channels_ok": self.channels_ok,
                "channels_failed": self.channels_failed}

    def as_skipped(self) -> dict[str, object]:
        return {"user": self.user, "kind": self.kind, "why": self.why}


def claim(store: object, user_id: str, day: dt.date, kind: str, at: dt.datetime) -> bool:
    """Write the "sending" record if none exists; False when this nudge was already claimed."""
    try:
        store.put_record(nudge_items.delivery_item(user_id, day, kind, "sending", at),  # type: ignore[attr-defined]
                         if_absent=True)
    except ConflictError:
        return False
    return True


def deliver(store: object, sealer: Sealer, user_id: str, day: dt.date, nudge: Nudge, channels: list[Channel], *,
            at: dt.datetime, allow_private: bool, resolver: Resolver = system_resolver) -> Outcome:
    """Claim, send once to every active channel, record the outcome; a down channel never stops the others.

    `channels` is updated in place with each channel's new state (a second nudge in the same tick
    writes over the right version).
    """
    active = [c for c in channels if not c.paused]
    if not active:
        return Outcome(user_id, nudge.kind, False, why="every channel is paused" if channels else "no channel")
    if not claim(store, user_id, day, nudge.kind, at):
        return Outcome(user_id, nudge.kind, False, why="already sent")
    ok, failed, errors = 0, 0, []
    for channel in active:
        result, channels[channels.index(channel)] = send_to(store, sealer, channel, nudge.title, nudge.body,
                                                            allow_private=allow_private, at=at, resolver=resolver)
        if result.ok:
            ok += 1
        else:
            failed += 1
            errors.append(f"{channel.masked}: {result.error}")
    status = "sent" if ok else "failed"
    store.put_record(nudge_items.delivery_item(user_id, day, nudge.kind, status, at,  # type: ignore[attr-defined]
                                          channels_ok=ok, channels_failed=failed, title=nudge.title))
    log.info("nudge delivered", extra={"user_id": user_id, "kind": nudge.kind, "ok": ok, "failed": failed})
    return Outcome(user_id, nudge.kind, True, ok, failed, errors=errors)
