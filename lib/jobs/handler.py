"""The jobs Lambda: EventBridge Scheduler invokes it every 5 minutes with the scheduled time.

The instant comes from the event (`{"at": "<aws.scheduler.scheduled-time>"}`), so a retried
invocation ticks the same instant and its delivery records make it send nothing twice.
"""
from __future__ import annotations

import logging
from typing import Any

from lib.config import load_settings
from lib.core import clock
from lib.jobs.banksync import regular_syncs
from lib.jobs.tick import bank_sync, parse_instant, tick
from lib.rates.refresh import refresh_if_stale
from lib.rates.shared import refresh_shared, refresh_url
from lib.store import open_store
from lib.store.sealed import sealer_from_settings

log = logging.getLogger(__name__)
_CACHE: dict[str, Any] = {}


def handler(event: dict[str, Any] | None, context: Any = None) -> dict[str, object]:
    """Run one tick; returns the report ({"due", "sent", "skipped"})."""
    if "store" not in _CACHE:  # built once per container, reused by warm invocations
        settings = load_settings()
        _CACHE.update(settings=settings, store=open_store(settings), sealer=sealer_from_settings(settings))
    text = str((event or {}).get("at") or "")
    at = parse_instant(text) if text else clock.now()
    report = tick(_CACHE["store"], _CACHE["sealer"], at, allow_private=not _CACHE["settings"].is_hosted,
                  before_morning=bank_sync(_CACHE["settings"]), syncs=regular_syncs(_CACHE["settings"]))
    log.info("jobs tick", extra={"due": report.due, "sent": len(report.sent), "skipped": len(report.skipped)})
    # Issue 25: the ECB history, fetched at most once a day (a no-op without FINANCE_FX_RATES_FILE).
    refresh_if_stale(_CACHE["settings"].fx_rates_file, at.timestamp())
    # ...and the days after the shipped history into the table, which every process reads (one GetItem when not due).
    refresh_shared(_CACHE["store"], at.timestamp(), refresh_url(_CACHE["settings"]),
                   allow_private=not _CACHE["settings"].is_hosted)
    return report.to_dict()
