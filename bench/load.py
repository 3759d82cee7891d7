"""Capacity of one dashboard server: signed-in sessions at Streamlit's WebSocket protocol, no browser each.

Each simulated session is what a browser tab is to the server: one WebSocket to `/_stcore/stream`
carrying the login cookie, a first script run, then reruns of the dashboard at a person's pace
(one every 3-6 s). The rerun time is from sending `rerun_script` to the server's `script_finished`.
Levels of 1, 10 and 50 sessions run one after another against the same server; p50/p95 are reported
as ratios to the single session of the same run, with the server's memory per session and its CPU
use (where the time goes). A second measurement, `replica_freshness_seconds`, writes from another
process (the CLI) and times until a session's next page load shows the row.

`python -m bench.load [--quick]` prints the figures; `make bench` puts them in bench/results.json.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.app_pages import USER, seed_sqlite
from bench.browser import Server, example_secrets, serve, server_env
from bench.harness import ROOT
from lib.web.auth import issue_token

PACE = (3.0, 6.0)  # seconds between a person's reruns


def _cookie(secrets: Path) -> str:
    conf = tomllib.loads(secrets.read_text())["passwords"]
    token = issue_token(USER, str(conf["cookie_key"]), float(conf["cookie_expiry_days"]),
                        dt.datetime.now(dt.UTC))
    return f"{conf['cookie_name']}={token}"


def _rerun_msg() -> bytes:
    msg = BackMsg()
    msg.rerun_script.CopyFrom(ClientState(query_string="", page_script_hash=""))
    return msg.SerializeToString()


async def _run_once(ws: Any, want: bytes | None = None) -> tuple[float, bool]:
    """One script run: seconds until script_finished, and whether `want` appeared in its messages."""
    t0 = time.perf_counter()
    await ws.send(_rerun_msg())
    found = False
    while True:
        raw = await asyncio.wait_for(ws.recv(), timeout=120)
        if want is not None and want in raw:
            found = True
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        if msg.WhichOneof("type") == "script_finished":
            return time.perf_counter() - t0, found


class Session:
    """One signed-in tab on the server."""

    def __init__(self, server: Server, cookie: str):
        self.url = server.url.replace("http://", "ws://") + "/_stcore/stream"
        self.cookie = cookie
        self.ws: Any = None

    async def open(self) -> float:
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"],  # type: ignore[list-item]
                                           additional_headers={"Cookie": self.cookie}, max_size=2**26)
        first, _ = await _run_once(self.ws)
        return first

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


async def _level(server: Server, cookie: str, n: int, reruns: int, rng: random.Random) -> dict[str, Any]:
    sessions = [Session(server, cookie) for _ in range(n)]
    firsts = []
    for s in sessions:  # people arrive over a few seconds, not in the same millisecond
        firsts.append(await s.open())
    rss_open = server.rss_mb()
    cpu0, wall0 = _cpu_seconds(server), time.perf_counter()
    times: list[float] = []

    async def person(s: Session) -> None:
        await asyncio.sleep(rng.uniform(0, PACE[1]))
        for _ in range(reruns):
            took, _ = await _run_once(s.ws)
            times.append(took)
            await asyncio.sleep(rng.uniform(*PACE))

    await asyncio.gather(*(person(s) for s in sessions))
    cpu = (_cpu_seconds(server) - cpu0) / (time.perf_counter() - wall0)
    for s in sessions:
        await s.close()
    times.sort()
    return {"sessions": n, "reruns": len(times), "p50_s": statistics.median(times),
            "p95_s": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
            "first_run_p50_s": statistics.median(firsts), "rss_mb": rss_open, "server_cpu_cores": cpu}


def _cpu_seconds(server: Server) -> float:
    fields = Path(f"/proc/{server.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _freshness(server: Server, cookie: str, db: Path, workdir: Path) -> dict[str, Any]:
    """Write from another process; poll a session's page loads until the row shows."""
    s = Session(server, cookie)
    await s.open()
    # Letters and digits only: the recent transactions are a markdown table (issue 21), where punctuation in a
    # description is escaped, so "FRESH-1" would arrive as "FRESH\-1" and never match.
    marker = f"FRESH{int(time.time())}"
    csv = workdir / "fresh.csv"
    csv.write_text(f"Date,Description,Amount\n{dt.date.today().isoformat()},{marker},-1.23\n")
    env = {**os.environ, "FINANCE_STORE": f"sqlite:///{db}"}
    subprocess.run([sys.executable, "-m", "lib", "import", str(csv), "--user", USER], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=120)
    written, loads = time.perf_counter(), 0
    while time.perf_counter() - written < 60:
        loads += 1
        _, found = await _run_once(s.ws, marker.encode())
        if found:
            await s.close()
            return {"replica_freshness_seconds": time.perf_counter() - written, "_freshness_page_loads": loads}
        await asyncio.sleep(0.25)
    await s.close()
    return {"replica_freshness_seconds": float("inf"), "_freshness_page_loads": loads}


def measure(quick: bool = False, workdir: Path | None = None) -> dict[str, Any]:
    """The load figures; keys with "_" are detail for RESULTS.md."""
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        work = workdir or Path(tmp)
        db = work / "load.db"
        seed_sqlite(db, 1, dt.date.today())
        secrets = example_secrets(ROOT, work / "secrets-load.toml")
        cookie = _cookie(secrets)
        rng = random.Random(7)
        reruns = 2 if quick else 5
        with serve("streamlit_app.py", ROOT, server_env(db), secrets, work) as server:
            rss_idle = server.rss_mb()
            levels = {}
            for n in (1, 10, 50):
                levels[n] = asyncio.run(_level(server, cookie, n, reruns, rng))
            fresh = asyncio.run(_freshness(server, cookie, db, work))
    one = levels[1]
    return {
        "load_p95_ratio_10": levels[10]["p95_s"] / one["p95_s"],
        "load_p95_ratio_50": levels[50]["p95_s"] / one["p95_s"],
        "memory_per_session_mb": max(0.0, (levels[50]["rss_mb"] - levels[1]["rss_mb"]) / 49),
        **fresh,
        "_load_levels": levels,
        "_load_rss_idle_mb": rss_idle,
        "_load_pace_s": PACE,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.quick), indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
