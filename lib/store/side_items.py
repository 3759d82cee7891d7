"""Items beside the transactions that grow with use: import records, remembered mappings and
category rules, mapped to and from their domain types (keys come from lib.store.schema)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from lib.core.models import clean_text
from lib.core.types import CategoryRule, ImportBatch, SavedMapping
from lib.store.schema import (
    IMPORT_PREFIX,
    MAPPING_PREFIX,
    PK,
    RULE_PREFIX,
    SK,
    Item,
)


def import_batch_key(user_id: str, batch_id: str) -> dict[str, str]:
    """Primary key of the record of one import (batch_id: a digest of the file)."""
    return {PK: user_id, SK: f"{IMPORT_PREFIX}{batch_id}"}


def mapping_key(user_id: str, signature: str) -> dict[str, str]:
    """Primary key of the mapping a user confirmed for files of one shape (signature: a digest)."""
    return {PK: user_id, SK: f"{MAPPING_PREFIX}{signature}"}


def category_rule_key(user_id: str, merchant: str) -> dict[str, str]:
    """Primary key of the user's "always this category" rule for one merchant (a normalised name)."""
    return {PK: user_id, SK: f"{RULE_PREFIX}{merchant}"}


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _day(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _strings(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in (value or {}).items()}


def _no_empty(item: Item) -> Item:
    """Empty strings are left out: not every DynamoDB implementation accepts them."""
    return {k: v for k, v in item.items() if v != ""}


def import_batch_to_item(b: ImportBatch) -> Item:
    return _no_empty({
        **import_batch_key(b.user_id, b.batch_id),
        "file_name": b.file_name,
        "imported_at": b.imported_at,
        "file_format": b.file_format,
        "settings": {k: v for k, v in b.settings.items() if v},
        "mapping_hash": b.mapping_hash,
        "rows_in_file": b.rows_in_file,
        "rows_added": b.rows_added,
        "duplicates": b.duplicates,
        "rejected": b.rejected,
        "covered_from": _iso(b.covered_from),
        "covered_through": _iso(b.covered_through),
        "status": b.status,
    })


def item_to_import_batch(item: Item | None) -> ImportBatch | None:
    if not item or not str(item.get(SK, "")).startswith(IMPORT_PREFIX):
        return None
    return ImportBatch(
        user_id=str(item[PK]),
        batch_id=str(item[SK])[len(IMPORT_PREFIX):],
        file_name=clean_text(item.get("file_name"), 120),
        imported_at=str(item.get("imported_at", "")),
        file_format=str(item.get("file_format", "")),
        settings=_strings(item.get("settings")),
        mapping_hash=str(item.get("mapping_hash", "")),
        rows_in_file=int(item.get("rows_in_file") or 0),
        rows_added=int(item.get("rows_added") or 0),
        duplicates=int(item.get("duplicates") or 0),
        rejected=int(item.get("rejected") or 0),
        covered_from=_day(item.get("covered_from")),
        covered_through=_day(item.get("covered_through")),
        status=str(item.get("status") or "complete"),
    )


def mapping_to_item(m: SavedMapping) -> Item:
    return _no_empty({**mapping_key(m.user_id, m.signature), "columns": {k: v for k, v in m.columns.items() if v},
                      "settings": {k: v for k, v in m.settings.items() if v}, "saved_at": m.saved_at})


def item_to_mapping(item: Item | None) -> SavedMapping | None:
    if not item or not str(item.get(SK, "")).startswith(MAPPING_PREFIX):
        return None
    return SavedMapping(str(item[PK]), str(item[SK])[len(MAPPING_PREFIX):], _strings(item.get("columns")),
                        _strings(item.get("settings")), str(item.get("saved_at", "")))


def category_rule_to_item(r: CategoryRule) -> Item:
    return _no_empty({**category_rule_key(r.user_id, r.merchant), "category": r.category, "example": r.example,
                      "created_at": r.created_at})


def item_to_category_rule(item: Item | None) -> CategoryRule | None:
    if not item or not str(item.get(SK, "")).startswith(RULE_PREFIX):
        return None
    return CategoryRule(str(item[PK]), str(item[SK])[len(RULE_PREFIX):],
                        clean_text(item.get("category"), 40) or "Other", clean_text(item.get("example")),
                        str(item.get("created_at", "")))
