"""The regular bank syncs' index behaves the same on SQLite, moto and dynalite (issue 20).

Users are found by one Query of their slot's partition (the store fixture fails any Scan); the index
follows the connection: put for a live one, dropped for a revoked one and on disconnect.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from lib.core.bank import OK, REVOKED, Connection, sync_slots
from lib.store.bank_items import bank_connection_to_item, item_to_bank_connection
from lib.store.schema_bank import bank_connection_key
from lib.sync import index, service

NOW = dt.datetime(2026, 12, 4, 7, tzinfo=dt.UTC)


def _listed(store: Any, user: str) -> list[str]:
    """The slots (of all 288) whose index lists the user; the test reads them all, the tick reads one."""
    return [f"{m // 60:02d}:{m % 60:02d}" for m in range(0, 24 * 60, 5)
            if user in index.users_in_slot(store, f"{m // 60:02d}:{m % 60:02d}")]


def test_users_are_found_by_one_query_of_their_slot_and_dropped_alone(store: Any) -> None:
    for user in ("ann", "bob"):
        assert index.move(store, user, (), sync_slots(user)) == 4
    assert _listed(store, "ann") == list(sync_slots("ann"))
    assert _listed(store, "bob") == list(sync_slots("bob"))
    index.move(store, "ann", sync_slots("ann"), sync_slots("ann"))  # nothing changes: no write
    index.drop(store, "ann")
    assert _listed(store, "ann") == [] and _listed(store, "bob") == list(sync_slots("bob"))
    # The index lives outside the users' partitions: a user's window never reads it.
    assert store.load_window("bob", NOW.date() - dt.timedelta(days=30), NOW.date()).transactions == []


def test_an_older_connection_is_indexed_once_and_a_revoked_one_leaves_the_index(store: Any) -> None:
    # A connection saved before the index existed: no slots listed, no index items.
    store.put_record(bank_connection_to_item(Connection("ann", "simplefin", "fernet:abc", state=OK, version=1)))
    assert _listed(store, "ann") == []
    service.status(store, "ann", NOW)  # the Settings page or `bank status`: indexes it
    conn = item_to_bank_connection(store.get_record(bank_connection_key("ann")))
    assert conn is not None and conn.sync_slots == sync_slots("ann") and conn.version == 2
    assert _listed(store, "ann") == list(sync_slots("ann"))
    service.status(store, "ann", NOW)  # indexed already: no write
    assert item_to_bank_connection(store.get_record(bank_connection_key("ann"))).version == 2  # type: ignore[union-attr]

    index.drop_one(store, sync_slots("ann")[0], "ann")  # an item lost: `bank reindex` puts every one again
    assert service.reindex(store, "ann") == sync_slots("ann")
    assert _listed(store, "ann") == list(sync_slots("ann"))

    revoked = dataclasses.replace(item_to_bank_connection(store.get_record(bank_connection_key("ann"))),  # type: ignore[type-var]
                                  state=REVOKED)
    store.put_record(bank_connection_to_item(revoked))
    assert service.reindex(store, "ann") == ()
    assert _listed(store, "ann") == []


def test_disconnect_drops_the_index(store: Any) -> None:
    store.put_record(bank_connection_to_item(Connection("cy", "simplefin", "fernet:abc", state=OK, version=1)))
    assert service.reindex(store, "cy") == sync_slots("cy")
    service.disconnect(store, "cy")
    assert _listed(store, "cy") == [] and store.get_record(bank_connection_key("cy")) is None
