"""Store backends behind one protocol, chosen by a URL: sqlite:///abs/path.db or dynamodb://Table."""
from __future__ import annotations

from typing import Any

from lib.config import Settings
from lib.core.errors import ValidationError
from lib.store.base import Meter, Store, Usage

__all__ = ["Meter", "Store", "Usage", "open_store"]


def open_store(target: Settings | str, **kwargs: Any) -> Store:
    """Open the backend a settings object or store URL names (the boto3 client may be injected)."""
    url = target.store_url if isinstance(target, Settings) else target
    scheme, _, rest = url.partition("://")
    if scheme == "sqlite" and rest:
        from lib.store.sqlite import SQLiteStore

        # sqlite:///abs/path -> rest is "/abs/path"; sqlite://relative -> relative to the cwd
        return SQLiteStore(rest)
    if scheme == "dynamodb" and rest:
        from lib.store.dynamodb import DynamoDBStore

        return DynamoDBStore(rest, **kwargs)
    raise ValidationError(
        {"FINANCE_STORE": f"'{url}' is not a store URL: use sqlite:///absolute/path.db or dynamodb://TableName"}
    )
