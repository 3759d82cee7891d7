"""Parsing in a worker process with CPU-time, memory and wall-clock limits, so no file stalls the server.

A bank file is untrusted input. Even with every scan linear, a parser library we did not write may
meet a file its authors never imagined; in the Streamlit process that would freeze every user's
session. So each file is read in a child process (forked from a small fork server that has the
parsers loaded, so a read costs milliseconds, not an interpreter start) that sets its own limits
with resource.setrlimit before it looks at a byte: CPU seconds, address space, and the parent
kills it when the wall clock runs out. A file that hits a limit is refused with that reason.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from lib.core.errors import FinanceError, ValidationError

log = logging.getLogger(__name__)

CPU_SECONDS = 5
WALL_SECONDS = 15.0  # the CPU limit is the real one; this catches a child that sleeps or is starved
MEMORY_MB = 400  # above what the child starts with
PEAK_FILE_ENV = "FINANCE_INGEST_PEAK"  # bench/ingest_crafted.py reads the worker's peak memory from here

_lock = threading.Lock()
_context: Any = None


@dataclass(frozen=True)
class Limits:
    """How much one parse may use."""

    cpu_seconds: int = CPU_SECONDS
    wall_seconds: float = WALL_SECONDS
    memory_mb: int = MEMORY_MB


def _mp() -> Any:
    """The fork-server context (created once): children fork from a clean process, not from Streamlit's threads."""
    global _context
    with _lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["lib.ingest.detect"])
            _context = ctx
        return _context


def _address_space() -> int:
    """This process's current virtual size in bytes (the memory limit is set above it)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[0]) * resource.getpagesize()
    except OSError:
        return 512 * 2**20


def _child(conn: Connection, limits: Limits, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
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
        outcome = ("failed", f"{type(exc).__name__}: {str(exc)[:200]}")
    if peak_file := os.environ.get(PEAK_FILE_ENV):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        try:
            old = int(open(peak_file, encoding="ascii").read() or 0)  # noqa: SIM115 - a tiny file, read once
        except (OSError, ValueError):
            old = 0
        with open(peak_file, "w", encoding="ascii") as f:
            f.write(str(max(old, peak)))
    conn.send(outcome)
    conn.close()


def run_limited(fn: Callable[..., Any], *args: Any, limits: Limits | None = None) -> Any:
    """fn(*args) in a child process under the limits; a ValidationError naming the limit when it is hit."""
    limits = limits or Limits()
    ctx = _mp()
    ours, theirs = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(theirs, limits, fn, args), daemon=True)
    proc.start()
    theirs.close()
    try:
        if not ours.poll(limits.wall_seconds):
            raise ValidationError({"file": f"Reading this file took longer than {limits.wall_seconds:.0f} s, so it "
                                           "was stopped. Is it a bank export? Split it or export a shorter period."})
        kind, value = ours.recv()
    except EOFError:
        proc.join(1)
        code = proc.exitcode
        log.warning("import worker died", extra={"exitcode": code})
        why = (f"needed more than {limits.cpu_seconds} s of computing" if code in (-24, -9)
               else f"needed more than {limits.memory_mb} MB of memory")
        raise ValidationError({"file": f"Reading this file {why}, so it was stopped. Is it a bank export?"}) from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(1)
        ours.close()
    if kind == "ok":
        return value
    if kind == "invalid":
        raise ValidationError(value)
    if kind == "limit":
        raise ValidationError({"file": f"This file {value}, so it was refused. Is it a bank export?"})
    log.error("import worker failed", extra={"error": value})
    raise FinanceError(f"Reading the file failed unexpectedly ({value}).")
