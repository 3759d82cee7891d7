"""Process-wide speed settings, applied once per server process by the page chrome (lib.web.ui)."""
from __future__ import annotations

import gc
import importlib
import logging
import threading
import time

log = logging.getLogger(__name__)

# What the pages use: imported before the freeze so their module objects are frozen with them.
HEAVY_MODULES = (
    "numpy", "pandas", "plotly.graph_objects", "boto3", "botocore.session", "streamlit_authenticator",
    "lib.core.analytics", "lib.web.charts", "lib.web.dashboard_charts", "lib.web.views", "lib.core.forecast",
    "lib.core.standing", "lib.coach", "lib.web.sidebar",
)
_lock = threading.Lock()
_frozen = False


def freeze_imports() -> bool:
    """Import the libraries every page uses, then take their objects out of the garbage collector's scans.

    Streamlit runs a full gc.collect() after every script run; with these libraries loaded the
    process tracks ~170k long-lived objects and that collection was most of a warm rerun (bench/RESULTS.md).
    Module-level objects live as long as the process, so scanning them finds nothing; gc.freeze() is
    Python's own way to leave them out. Objects made later (per-user caches, sessions) are still collected.
    Returns True on the call that froze.
    """
    global _frozen
    if _frozen:
        return False
    with _lock:
        if _frozen:
            return False
        t0 = time.perf_counter()
        for name in HEAVY_MODULES:
            try:
                importlib.import_module(name)
            except ImportError as exc:  # an optional part missing must not stop the app
                log.warning("could not preload a module", extra={"module": name, "error": str(exc)})
        gc.collect()  # what is garbage now is freed first, never frozen
        gc.freeze()
        _frozen = True
    log.info("froze imported objects out of the gc",
             extra={"frozen": gc.get_freeze_count(), "ms": round((time.perf_counter() - t0) * 1000)})
    return True
