"""The regular syncs' index: which connected users the jobs tick syncs in which UTC slot.

A connection lists its slots (`Connection.sync_slots`); every write of a connection (lib.sync.service)
puts the index items it now needs and drops the others AFTER the connection is saved, so connecting,
a 403, and the first sync of a connection made before the index existed all leave the index right,
and a tick never sees an index item before its connection. Disconnecting drops them.
"""
from __future__ import annotations

from dataclasses import replace

from lib.core.bank import REVOKED, Connection, sync_slots
from lib.store import Store
from lib.store.schema_bank import BANK_SYNC_ITEM_PREFIX, bank_sync_item, bank_sync_item_key, bank_sync_partition


def wanted(conn: Connection) -> tuple[str, ...]:
    """The slots a connection should be indexed in: none once revoked (a 403 ends the syncing)."""
    return () if conn.state == REVOKED else sync_slots(conn.user_id)


def with_slots(conn: Connection) -> Connection:
    """The connection as it is saved: listing the slots it is (about to be) indexed in."""
    return replace(conn, sync_slots=wanted(conn))


def move(store: Store, user_id: str, before: tuple[str, ...], after: tuple[str, ...]) -> int:
    """Drop the index items of `before` not in `after`, put the new ones; returns the writes made."""
    writes = 0
    for slot in sorted(set(before) - set(after)):
        store.delete_record(bank_sync_item_key(slot, user_id))
        writes += 1
    for slot in sorted(set(after) - set(before)):
        store.put_record(bank_sync_item(slot, user_id))
        writes += 1
    return writes


def drop(store: Store, user_id: str, listed: tuple[str, ...] = ()) -> None:
    """Remove every index item of a user: the ones the connection listed and the ones its id gives."""
    move(store, user_id, tuple(set(listed) | set(sync_slots(user_id))), ())


def drop_one(store: Store, slot: str, user_id: str) -> None:
    """Remove one index item (the tick found no live connection behind it)."""
    store.delete_record(bank_sync_item_key(slot, user_id))


def users_in_slot(store: Store, slot: str) -> list[str]:
    """The users whose regular sync falls in this UTC slot: one Query of the slot's partition."""
    items = store.query_records(bank_sync_partition(slot), BANK_SYNC_ITEM_PREFIX)
    return [str(i["user"]) for i in items if i.get("user")]
