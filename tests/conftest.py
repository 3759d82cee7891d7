"""Shared fixtures: fake AWS credentials for every test, a dynalite server, a moto mock."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests draw the same examples on every machine and every run (a seed derived from each
# test): a case they find is found here first, and a landing is never decided by a lucky draw.
# HYPOTHESIS_PROFILE=explore draws fresh examples each run, to hunt for new cases.
hypothesis_settings.register_profile("repeatable", derandomize=True)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

REPO_ROOT = Path(__file__).resolve().parent.parent
DYNALITE = REPO_ROOT / "node_modules" / ".bin" / "dynalite"


@pytest.fixture(autouse=True)
def fake_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test may reach real AWS: dummy keys, a fixed region, and no profile or config files of the machine."""
    empty = tmp_path_factory.getbasetemp() / "no-aws-config"
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(empty),
        "AWS_SHARED_CREDENTIALS_FILE": str(empty),
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(name, raising=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def dynalite_endpoint() -> Iterator[str]:
    """A dynalite server (an independent DynamoDB implementation) for the whole session; yields its URL."""
    if not DYNALITE.exists():
        pytest.fail(f"dynalite is not installed ({DYNALITE} is missing): run `npm ci` in {REPO_ROOT}.")
    if shutil.which("node") is None:
        pytest.fail("dynalite needs Node.js: install it (apt-get install nodejs npm), then run `npm ci`.")
    port = _free_port()
    proc = subprocess.Popen(
        [str(DYNALITE), "--host", "127.0.0.1", "--port", str(port), "--createTableMs", "0", "--deleteTableMs", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                pytest.fail(f"dynalite exited with code {proc.returncode}: {err.strip()[:500]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"dynalite did not listen on 127.0.0.1:{port} within 30 s")
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def moto() -> Iterator[None]:
    """moto's in-process AWS for the duration of one test (after the fake credentials are set)."""
    from moto import mock_aws

    with mock_aws():
        yield


# Date-sensitive tests run on each of these days (and the real one), in the same `make test`.
# The clock (lib.core.clock.today) wraps date.today, so time-machine moves every caller at once.
FIXED_DAYS = {
    "first-of-month": "2026-03-01 09:00",
    "last-of-month": "2026-04-30 21:00",
    "leap-day": "2028-02-29 12:00",
    "new-years-eve": "2026-12-31 23:30",
    "dst-change": "2026-03-29 12:00 Europe/London",  # clocks go forward at 01:00 that night
    "real-today": "",
}


def _travel_target(text: str) -> dt.datetime:
    from zoneinfo import ZoneInfo

    day, clock_time, *zone = text.split(" ")
    when = dt.datetime.fromisoformat(f"{day}T{clock_time}")
    return when.replace(tzinfo=ZoneInfo(zone[0])) if zone else when


@pytest.fixture(params=list(FIXED_DAYS), ids=list(FIXED_DAYS))
def clock_day(request: pytest.FixtureRequest) -> Iterator[dt.date]:
    """Run the test as if it were each fixed day (time keeps ticking); yields that day's date.

    Request it FIRST in a test's arguments, so fixtures that write a history see the moved clock.
    """
    from lib.core import clock

    text = FIXED_DAYS[request.param]
    if not text:
        yield clock.today()
        return
    import time_machine

    with time_machine.travel(_travel_target(text), tick=True):
        yield clock.today()
