"""`python -m lib worker`: a tick every minute on a laptop or a small server (hosted: the Lambda handler).

Each 5-minute slot is ticked once by this worker (a tick reads the slot's schedule partitions);
the delivery records make a second worker, or a restart inside a slot, send nothing twice.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from lib.core import clock
from lib.jobs import schedule
from lib.jobs.banksync import RegularSyncs, no_syncs
from lib.jobs.tick import BeforeMorning, no_step, tick
from lib.store.sealed import Sealer

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 60.0


def run(store: Any, sealer: Sealer, *, allow_private: bool, stop: threading.Event,
        before_morning: BeforeMorning = no_step, syncs: RegularSyncs = no_syncs,
        interval: float = INTERVAL_SECONDS, on_tick: Callable[[dict[str, object]], None] | None = None) -> int:
    """Tick until `stop` is set; returns the number of ticks run. A failed tick is logged, the loop goes on."""
    done_slot = ""
    ticks = 0
    while not stop.is_set():
        at = clock.now()
        slot = f"{at:%Y-%m-%d}T{schedule.floor_slot(at.time())}"
        if slot != done_slot:
            try:
                report = tick(store, sealer, at, allow_private=allow_private, before_morning=before_morning,
                              syncs=syncs)
            except Exception:
                log.exception("tick failed")
            else:
                done_slot = slot
                ticks += 1
                summary = report.to_dict()
                log.info("tick", extra={"at": report.at, "due": report.due, "sent": len(report.sent)})
                if on_tick:
                    on_tick(summary)
        # Wake at the next minute boundary (or when stopped).
        wait = interval - (clock.now().timestamp() % interval) if interval >= 1 else interval
        stop.wait(max(0.05, wait))
    return ticks

