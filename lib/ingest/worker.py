"""Parsing in a worker process with CPU-time, memory and wall-clock limits, so no file stalls the server.

A bank file is untrusted input. Even with every scan linear, a parser library we did not write may
meet a file its authors never imagined; in the Streamlit process that would freeze every user's
session. So each file is read in a child process (`python -m lib.ingest.worker`) that sets its own
limits with resource.setrlimit before it reads a byte: CPU seconds and address space; the parent
stops it when the wall clock runs out. A file that hits a limit is refused with that reason.
A fresh interpreter, not multiprocessing: Streamlit runs each page as `__main__`, and a forked or
fork-server child would run the page script again while preparing itself.
"""
from __future__ import annotations

import importlib
import logging
import os
import pickle
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lib.core.errors import FinanceError, ValidationError

log = logging.getLogger(__name__)

CPU_SECONDS = 5
WALL_SECONDS = 20.0  # the CPU limit is the real one; this catches a child that is starved or stuck
MEMORY_MB = 400  # above what the child uses once its parsers are loaded
PEAK_FILE_ENV = "FINANCE_INGEST_PEAK"  # bench/ingest_crafted.py reads the worker's peak memory from here
_ROOT = str(Path(__file__).resolve().parents[2])


@dataclass(frozen=True)
class Limits:
    """How much one parse may use."""

    cpu_seconds: int = CPU_SECONDS
    wall_seconds: float = WALL_SECONDS
    memory_mb: int = MEMORY_MB


def _address_space() -> int:
    """This process's current virtual size in bytes (the memory limit is set above it)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[0]) * resource.getpagesize()
    except OSError:
        return 512 * 2**20


def run_limited(target: str, *args: Any, limits: Limits | None = None) -> Any:
    """`module:function`(*args) in a child process under the limits; a ValidationError naming a limit hit."""
    limits = limits or Limits()
    payload = pickle.dumps((target, args, limits))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (_ROOT, os.environ.get("PYTHONPATH"))))}
    try:
        done = subprocess.run([sys.executable, "-m", "lib.ingest.worker"], input=payload, capture_output=True,
                              timeout=limits.wall_seconds, env=env, cwd=_ROOT, check=False)
    except subprocess.TimeoutExpired:
        raise ValidationError({"file": f"Reading this file took longer than {limits.wall_seconds:.0f} s, so it was "
                                       "stopped. Is it a bank export? Export a shorter period."}) from None
    if done.returncode != 0 or not done.stdout:
        log.warning("import worker died (exit code %s)", done.returncode,
                    extra={"exitcode": done.returncode, "stderr": done.stderr[-300:].decode(errors="replace")})
        why = (f"needed more than {limits.cpu_seconds} s of computing" if done.returncode in (-24, -9, 152)
               else f"needed more than {limits.memory_mb} MB of memory" if b"MemoryError" in done.stderr
               else "stopped the reader")
        raise ValidationError({"file": f"Reading this file {why}, so it was stopped. Is it a bank export?"})
    kind, value = pickle.loads(done.stdout)  # written by our own child process, not by the file
    if kind == "ok":
        return value
    if kind == "invalid":
        raise ValidationError(value)
    if kind == "limit":
        raise ValidationError({"file": f"This file {value}, so it was refused. Is it a bank export?"})
    log.error("import worker failed", extra={"error": value})
    raise FinanceError(f"Reading the file failed unexpectedly ({value}).")


def _serve() -> None:
    """The child: limits first, then the parsers, then one file from stdin; the outcome pickled to stdout."""
    target, args, limits = pickle.loads(sys.stdin.buffer.read())  # from our parent
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    module, _, name = target.partition(":")
    fn = getattr(importlib.import_module(module), name)  # loaded before the memory cap, set above what loading took

    cap = _address_space() + limits.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        outcome: tuple[str, Any] = ("ok", fn(*args))
    except ValidationError as exc:
        outcome = ("invalid", exc.errors)
    except MemoryError:
        outcome = ("limit", f"needed more than {limits.memory_mb} MB of memory to read")
    except RecursionError:
        outcome = ("limit", "is nested too deeply to read")
    except Exception as exc:  # noqa: BLE001 - the parent turns any failure into a refusal with a reason
        outcome = ("failed", f"{type(exc).__name__}: {str(exc)[:200] or 'no detail'}")
    if peak_file := os.environ.get(PEAK_FILE_ENV):
        Path(peak_file).write_text(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))
    sys.stdout.buffer.write(pickle.dumps(outcome))


if __name__ == "__main__":
    _serve()
