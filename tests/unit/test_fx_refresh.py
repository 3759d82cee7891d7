"""Issue 25: the daily refresh of the ECB history, against a local server (pytest-httpserver) standing in for
the ECB: fetched, checked, swapped in atomically; a bad file or an older one keeps what is in use. The real
ECB address is not called by any test."""
from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from lib.rates.ecb import load
from lib.rates.refresh import RefreshError, refresh, refresh_if_stale


def _zip(csv_text: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("eurofxref-hist.csv", csv_text)
    return out.getvalue()


NEWER = "Date,USD,GBP,\n2026-12-03,1.1500,0.8700,\n2026-12-02,1.1400,0.8600,\n"


def test_refresh_fetches_checks_and_swaps_the_history_in(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/hist.zip").respond_with_data(_zip(NEWER), content_type="application/zip")
    path = str(tmp_path / "rates" / "eurofxref-hist.zip")
    done = refresh(path, httpserver.url_for("/hist.zip"), allow_private=True)
    assert done.last_day == dt.date(2026, 12, 3) and done.previous_last_day == dt.date(2026, 10, 30)
    used = load(path)
    assert used.rate("EUR", "USD", dt.date(2026, 12, 4)).value.to_eng_string() == "1.1500"
    # Fresh: the daily step does not fetch again; stale (20 h later): it does.
    now = os.stat(path).st_mtime
    assert refresh_if_stale(path, now + 60, httpserver.url_for("/hist.zip"), allow_private=True) is None
    assert refresh_if_stale(path, now + 21 * 3600, httpserver.url_for("/hist.zip"), allow_private=True) is not None
    assert len(httpserver.log) == 2


def test_a_bad_or_older_file_keeps_the_one_in_use(httpserver: HTTPServer, tmp_path: Path) -> None:
    path = str(tmp_path / "hist.zip")
    httpserver.expect_request("/bad").respond_with_data(b"<html>maintenance</html>")
    with pytest.raises(RefreshError, match="not the ECB history"):
        refresh(path, httpserver.url_for("/bad"), allow_private=True)
    assert not os.path.exists(path)
    httpserver.expect_request("/old").respond_with_data(_zip("Date,USD,\n2020-01-02,1.1200,\n"))
    with pytest.raises(RefreshError, match="before the one in use"):
        refresh(path, httpserver.url_for("/old"), allow_private=True)
    assert refresh_if_stale(path, 0.0, httpserver.url_for("/bad"), allow_private=True) is None  # logged, no raise
    with pytest.raises(Exception, match="Only https"):
        refresh(path, httpserver.url_for("/bad"), allow_private=False)  # hosted: https and public only
