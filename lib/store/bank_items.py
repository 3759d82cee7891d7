"""Bank feed items (lib.sync) mapped to and from their domain types; keys come from lib.store.schema."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lib.core.bank import OK, AccountState, Connection
from lib.core.bank import STATES as BANK_STATES
from lib.core.models import clean_text, parse_money
from lib.store.schema import PK, Item, version_of
from lib.store.schema_bank import bank_account_key, bank_connection_key, bank_quota_key


def _iso_or_none(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _money_or_none(value: object) -> Decimal | None:
    try:
        return parse_money(value) if value not in (None, "") else None
    except Exception:  # noqa: BLE001 - a corrupt balance is only not shown
        return None


def bank_connection_to_item(conn: Connection) -> Item:
    item: Item = {**bank_connection_key(conn.user_id), "provider": conn.provider, "access": conn.sealed_access,
                  "state": conn.state, "message": conn.message, "version": conn.version}
    for name in ("connected_at", "last_sync_at", "last_ok_at", "synced_through"):
        if getattr(conn, name):
            item[name] = getattr(conn, name)
    if conn.sync_slots:
        item["sync_slots"] = list(conn.sync_slots)
    return item


def item_to_bank_connection(item: Item | None) -> Connection | None:
    if not item or not item.get("access"):
        return None
    state = str(item.get("state") or OK)
    return Connection(user_id=str(item[PK]), provider=str(item.get("provider") or "simplefin"),
                      sealed_access=str(item["access"]), state=state if state in BANK_STATES else OK,
                      message=clean_text(item.get("message"), 300), connected_at=str(item.get("connected_at") or ""),
                      last_sync_at=str(item.get("last_sync_at") or ""), last_ok_at=str(item.get("last_ok_at") or ""),
                      synced_through=str(item.get("synced_through") or ""),
                      sync_slots=tuple(str(s)[:5] for s in (item.get("sync_slots") or [])[:24]),
                      version=version_of(item))


def bank_account_to_item(acct: AccountState) -> Item:
    item: Item = {**bank_account_key(acct.user_id, acct.account_id), "account_id": acct.account_id,
                  "name": acct.name, "institution": acct.institution, "currency": acct.currency,
                  "spending": acct.spending, "state": acct.state, "error": acct.error, "version": acct.version}
    if acct.last_ok_at:
        item["last_ok_at"] = acct.last_ok_at
    if acct.balance is not None:
        item["balance"] = acct.balance
    return item


def item_to_bank_account(item: Item) -> AccountState | None:
    if not item.get("account_id"):
        return None
    return AccountState(user_id=str(item[PK]), account_id=str(item["account_id"]),
                        name=clean_text(item.get("name"), 80) or "Account",
                        institution=clean_text(item.get("institution"), 80),
                        currency=clean_text(item.get("currency"), 12),
                        spending=bool(item.get("spending")), state=str(item.get("state") or OK),
                        error=clean_text(item.get("error"), 300), last_ok_at=str(item.get("last_ok_at") or ""),
                        balance=_money_or_none(item.get("balance")), version=version_of(item))


def bank_quota_to_item(user_id: str, day: dt.date, count: int, version: int) -> Item:
    return {**bank_quota_key(user_id), "day": day.isoformat(), "count": count, "version": version}


def item_to_bank_quota(item: Item | None) -> tuple[dt.date | None, int, int]:
    """(day, requests made that day, version) of the counter; (None, 0, 0) when there is none."""
    if not item:
        return None, 0, 0
    return _iso_or_none(item.get("day")), int(item.get("count") or 0), version_of(item)
