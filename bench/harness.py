"""Timing helpers shared by every benchmark: interleaved medians, a log-log fit, the machine."""
from __future__ import annotations

import importlib.metadata
import json
import math
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("streamlit", "pandas", "numpy", "plotly", "boto3", "botocore", "streamlit-authenticator")


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call of fn takes."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def interleaved(
    sides: dict[str, Callable[[], object]], reps: int, before: Callable[[], object] | None = None
) -> dict[str, list[float]]:
    """Time every side `reps` times, alternating which goes first, so drift hits all sides alike.

    `before` runs untimed ahead of every single timing (e.g. clearing caches for a cold load).
    """
    names = list(sides)
    times: dict[str, list[float]] = {n: [] for n in names}
    for rep in range(reps):
        order = names if rep % 2 == 0 else names[::-1]
        for name in order:
            if before is not None:
                before()
            times[name].append(timed(sides[name]))
    return times


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def loglog_slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log(y) against log(x): ~1 linear, ~0 constant, ~2 quadratic."""
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    num = sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True))
    den = sum((a - mx) ** 2 for a in lx)
    return num / den


def _node_package_version(name: str) -> str:
    try:
        return str(json.loads((ROOT / "node_modules" / name / "package.json").read_text())["version"])
    except (OSError, ValueError, KeyError):
        return "missing"


def _node_version() -> str:
    try:
        out = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=10, check=False)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "missing"


def machine_info() -> dict[str, object]:
    """Cores, CPU, Python and package versions, under flat `machine_*`, `python_*`, `pkg_*` keys."""
    info: dict[str, object] = {
        "machine_cores": os.cpu_count() or 0,
        "machine_cpu": _cpu_name(),
        "machine_platform": platform.platform(),
        "python_version": platform.python_version(),
        "node_version": _node_version(),
        "pkg_dynalite": _node_package_version("dynalite"),
        # Other work on the machine makes timings noisy; the load average says how busy it was.
        "machine_load_avg_1m_end": round(os.getloadavg()[0], 2),
    }
    for name in PACKAGES:
        try:
            info[f"pkg_{name.replace('-', '_')}"] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            info[f"pkg_{name.replace('-', '_')}"] = "missing"
    return info


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
