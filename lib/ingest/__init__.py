"""Import: format detection, one module per format (csv, ofx, qif, camt), column roles, amounts and
dates, the sign decision, batches (undo, re-map), remembered mappings and category rules."""
from __future__ import annotations

from lib.ingest.batches import fingerprint, import_rows, undo_import
from lib.ingest.categories import always_for_merchant, merchant_key
from lib.ingest.csvfile import parse_csv
from lib.ingest.detect import detect_format, import_csv, import_file, parse_file, prepare
from lib.ingest.text import parse_columns_flag
from lib.ingest.types import (
    DATE_ORDERS,
    FORMATS,
    ROLE_HELP,
    ROLES,
    SIGNS,
    DateQuestion,
    ImportOptions,
    ImportReport,
    ParsedRow,
    ParseResult,
    RowError,
    SignQuestion,
)

__all__ = [
    "DATE_ORDERS",
    "FORMATS",
    "ROLES",
    "ROLE_HELP",
    "SIGNS",
    "DateQuestion",
    "ImportOptions",
    "ImportReport",
    "ParseResult",
    "ParsedRow",
    "RowError",
    "SignQuestion",
    "always_for_merchant",
    "detect_format",
    "fingerprint",
    "import_csv",
    "import_file",
    "import_rows",
    "merchant_key",
    "parse_columns_flag",
    "parse_csv",
    "parse_file",
    "prepare",
    "undo_import",
]
