"""Which format a file is, told by its content (never by its name), and one entry point for all of them."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from lib.core import clock
from lib.core.errors import ValidationError
from lib.core.fx import RateSource
from lib.ingest.batches import digest, file_id, import_rows, remembered_options
from lib.ingest.camt import looks_like_camt, parse_camt
from lib.ingest.csvfile import parse_csv
from lib.ingest.ofx import looks_like_ofx, parse_ofx
from lib.ingest.qif import looks_like_qif, parse_qif
from lib.ingest.types import ImportOptions, ImportReport, ParseResult
from lib.ingest.worker import run_limited
from lib.store.base import Store

# Ten years of a busy account is a few MB; .streamlit/config.toml's server.maxUploadSize is the same.
MAX_FILE_MB = 5
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024


def detect_format(data: bytes) -> str:
    """'ofx' (also QFX), 'qif', 'camt' or 'csv', from the first bytes of the file."""
    head = data[:4096].decode("latin-1").lstrip("\ufeff\xef\xbb\xbf \t\r\n")
    if looks_like_ofx(head):
        return "ofx"
    if looks_like_qif(head):
        return "qif"
    if head.startswith("<") and looks_like_camt(head):
        return "camt"
    if head.startswith("<?xml") or head.startswith("<"):
        raise ValidationError({"file": "This XML file is neither an OFX nor a CAMT.053 bank statement."})
    return "csv"


def _overridden(options: ImportOptions) -> bool:
    return any(v is not None for v in vars(options).values())


def parse_file(
    data: bytes, file_name: str = "", options: ImportOptions | None = None, today: dt.date | None = None
) -> ParseResult:
    """Read any supported export (CSV, OFX/QFX, QIF, CAMT.053) in a worker process under CPU, memory and time limits."""
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError({"file": f"The file is {len(data) / 2**20:.1f} MB; imports take up to {MAX_FILE_MB} MB "
                                       "(export a shorter period)."})
    if not data.strip():
        raise ValidationError({"file": "The file is empty."})
    return run_limited("lib.ingest.detect:parse_here", data, file_name, options, today or clock.today())


def parse_here(
    data: bytes, file_name: str = "", options: ImportOptions | None = None, today: dt.date | None = None
) -> ParseResult:
    """parse_file in this process, without the worker's limits (for the worker itself and for tests)."""
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError({"file": f"The file is {len(data) / 2**20:.1f} MB; imports take up to {MAX_FILE_MB} MB."})
    options = options or ImportOptions()
    kind = detect_format(data)
    if kind == "ofx":
        result = parse_ofx(data, today)
    elif kind == "qif":
        result = parse_qif(data, today, options.dates)
    elif kind == "camt":
        result = parse_camt(data, today)
    else:
        result = parse_csv(data, options, today)
    if kind in ("ofx", "camt") and options.dates is not None:
        result.detected.setdefault("notes", []).append("--dates applies to CSV and QIF files; this format's dates "
                                                       "are unambiguous")
    result.detected["file_id"] = file_id(data)
    result.detected["file_name"] = file_name
    return result


def prepare(
    store: Store,
    user_id: str,
    data: bytes,
    file_name: str = "",
    options: ImportOptions | None = None,
    today: dt.date | None = None,
) -> tuple[ParseResult, ImportOptions]:
    """Parse a file with the mapping the user confirmed for its layout, when there is one and no override.

    Returns the result and the options it was read with (to be passed on to import_rows).
    """
    options = options or ImportOptions()
    result = parse_file(data, file_name, options, today)
    signature = result.detected.get("signature")
    if signature and not _overridden(options):
        mapping = store.get_mapping(user_id, digest(signature))
        if mapping is not None:
            remembered = remembered_options(mapping)
            try:
                again = parse_file(data, file_name, remembered, today)
            except ValidationError:
                again = None  # the layout changed under the same header: read it fresh
            if again is not None:
                again.detected["remembered"] = True
                return again, remembered
    return result, options


def import_file(
    store: Store,
    user_id: str,
    data: bytes,
    file_name: str = "",
    options: ImportOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
    rates: RateSource | None = None,
) -> ImportReport:
    """Parse (with the remembered mapping) and import a file in one call (rates: issue 25's conversion)."""
    result, used = prepare(store, user_id, data, file_name, options, today)
    return import_rows(store, user_id, result, progress, file_name=file_name, options=used, rates=rates)


def import_csv(
    store: Store,
    user_id: str,
    data: bytes,
    options: ImportOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Parse a bank CSV export and import it (kept for callers of the CSV-only interface)."""
    return import_rows(store, user_id, parse_csv(data, options), progress, options=options)
