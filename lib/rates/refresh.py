"""Fetch the ECB's newest reference-rate history (issue 25): the hosted deployment runs it daily.

`python -m lib fx refresh` downloads eurofxref-hist.zip (bounded size, https, public address), checks that
it parses and is not older than the file it replaces, and swaps it in atomically at FINANCE_FX_RATES_FILE.
A failed download leaves the previous file (or the bundled history) in use.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from lib.core.errors import FinanceError
from lib.net.guard import check_url
from lib.rates.ecb import MAX_ZIP_BYTES, EcbRates, RatesFileError, load

log = logging.getLogger(__name__)

ECB_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
TIMEOUT_SECONDS = 30.0


class RefreshError(FinanceError):
    """The history could not be fetched or was not the ECB's; the previous file stays in use."""


@dataclass(frozen=True)
class Refreshed:
    path: str
    last_day: dt.date
    currencies: int
    previous_last_day: dt.date | None


def download(url: str, allow_private: bool) -> bytes:
    """The ECB zip's bytes (https and a public address when hosted; bounded); RefreshError otherwise."""
    check_url(url, allow_private=allow_private)
    request = urllib.request.Request(url, headers={"User-Agent": "finance-coach rates refresh"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            data = response.read(MAX_ZIP_BYTES + 1)
    except OSError as exc:
        raise RefreshError(f"could not fetch the ECB rates: {exc}") from exc
    if len(data) > MAX_ZIP_BYTES:
        raise RefreshError(f"the ECB rates file is larger than {MAX_ZIP_BYTES} bytes: refused")
    return data


def refresh(path: str, url: str = ECB_URL, *, allow_private: bool = False) -> Refreshed:
    """Download, check and atomically replace the history at `path`; RefreshError and nothing replaced otherwise."""
    if not path:
        raise RefreshError("set FINANCE_FX_RATES_FILE to where the refreshed rates are kept")
    data = download(url, allow_private)
    try:
        fresh = EcbRates.from_zip(data, origin=url)
    except RatesFileError as exc:
        raise RefreshError(f"the downloaded file is not the ECB history ({exc}): kept the previous one") from exc
    previous = load(path) if os.path.exists(path) else load("")
    if fresh.last_day < previous.last_day:
        raise RefreshError(f"the downloaded history ends {fresh.last_day}, before the one in use "
                           f"({previous.last_day}): kept the previous one")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".rates-", suffix=".zip")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)  # readers see the old file or the new one, never half of one
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        raise
    log.info("rates refreshed", extra={"last_day": fresh.last_day.isoformat(), "path": path})
    return Refreshed(path, fresh.last_day, len(fresh.currencies), previous.last_day)


STALE_AFTER_SECONDS = 20 * 3600  # the ECB publishes once a business day, around 16:00 CET


def refresh_if_stale(path: str, now: float, url: str = ECB_URL, *, allow_private: bool = False) -> Refreshed | None:
    """The daily step (jobs tick, every 5 minutes): fetch only when the file is missing or older than 20 hours.

    Never raises into the tick: a failed fetch is logged and the previous history stays in use. Nothing is
    done when no FINANCE_FX_RATES_FILE is set (the bundled history is used).
    """
    if not path:
        return None
    try:
        if now - os.stat(path).st_mtime < STALE_AFTER_SECONDS:
            return None
    except FileNotFoundError:
        pass
    try:
        return refresh(path, url, allow_private=allow_private)
    except (FinanceError, OSError) as exc:
        log.warning("rates refresh failed; the previous history stays in use", extra={"error": str(exc)})
        return None
