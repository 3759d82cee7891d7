"""Servers and a browser for the login tests: `streamlit run` with given secrets, and Debian's Chromium."""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
STREAMLIT = REPO / ".venv" / "bin" / "streamlit"
TIMEOUT = 30_000  # ms: Streamlit is slow on a 2-core box
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic",
                 # Several browser contexts at once: the ones in the background must keep rendering.
                 "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows",
                 "--disable-background-timer-throttling"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(db: Path, **extra: str) -> dict[str, str]:
    """A server's environment: our database, no Bedrock, no way to reach real AWS, no FINANCE_* of the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FINANCE_", "AWS_"))}
    env.update(
        FINANCE_STORE=f"sqlite:///{db}",
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true", PYTHONUNBUFFERED="1", **extra,
    )
    return env


def _wait_http(url: str, proc: subprocess.Popen, log: Path, what: str, *, insecure: bool = False) -> None:
    import ssl

    context = ssl._create_unverified_context() if insecure else None  # our own self-signed test certificate
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            pytest.fail(f"{what} exited with {proc.returncode}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1, context=context) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not answer {url} within 60 s:\n{log.read_text()[-2000:]}")
        time.sleep(0.25)


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextlib.contextmanager
def streamlit_server(tmp: Path, secrets: Path, env: dict[str, str], *, port: int | None = None,
                     ssl_files: tuple[Path, Path] | None = None) -> Iterator[str]:
    """`streamlit run streamlit_app.py` on 127.0.0.1 with the given secrets file; yields its URL."""
    port = port or free_port()
    args = [str(STREAMLIT), "run", "streamlit_app.py", "--server.address", "127.0.0.1", "--server.port", str(port),
            "--server.headless", "true", "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
            "--secrets.files", str(secrets)]
    scheme = "http"
    if ssl_files:
        args += ["--server.sslCertFile", str(ssl_files[0]), "--server.sslKeyFile", str(ssl_files[1])]
        scheme = "https"
    log_path = tmp / f"streamlit-{port}.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        url = f"{scheme}://127.0.0.1:{port}"
        try:
            _wait_http(f"{url}/_stcore/health", proc, log_path, "streamlit", insecure=bool(ssl_files))
            yield url
        finally:
            _stop(proc)


@contextlib.contextmanager
def node_server(script: Path, tmp: Path, env: dict[str, str], health_url: str) -> Iterator[None]:
    """A node script (a test server of ours) until the block ends."""
    log_path = tmp / f"{script.stem}.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(["node", str(script)], cwd=REPO, env={**os.environ, **env}, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_http(health_url, proc, log_path, script.name)
            yield
        finally:
            _stop(proc)


@contextlib.contextmanager
def app_server(tmp: Path, *commands: tuple[str, ...]) -> Iterator[tuple[str, Path]]:
    """The app on a fresh SQLite file with the example secrets (never the developer's own), after the given
    `python -m lib` commands; yields its URL and the database file."""
    db = tmp / "app.db"
    env = server_env(db)
    secrets = tmp / "secrets.toml"
    shutil.copy(REPO / ".streamlit" / "secrets.toml.example", secrets)
    for command in commands:
        run_cli(*command, env=env)
    with streamlit_server(tmp, secrets, env) as url:
        yield url, db


def sign_in(page: Any, user: str = "demo", password: str = "demo") -> None:
    """Fill the login form and press Login (the caller waits for what it expects next)."""
    page.get_by_role("textbox", name="Username").fill(user)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Login").click()


def run_cli(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, "-m", "lib", *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
