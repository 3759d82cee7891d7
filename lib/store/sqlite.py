"""The embedded backend: a real SQLite file holding the same items as the DynamoDB table.

Each item is stored as DynamoDB-JSON (boto3's TypeSerializer) under the same
(user_id, transaction_date) key, so Decimal stays exact, attribute names are the table's,
and an export from here imports into DynamoDB unchanged. SQLite's default BINARY collation
compares UTF-8 bytes, the same order DynamoDB uses for string sort keys.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from lib.core import clock, types
from lib.core.errors import ConflictError, PartialWriteError, StoreUnavailableError
from lib.core.models import Commentary, Profile, Transaction
from lib.core.types import CategoryRule, ImportBatch, SavedMapping, Window
from lib.store import schema, side_items, window
from lib.store.base import (
    BATCH_SIZE,
    PROFILE_CONFLICT,
    TRANSACTION_CHANGED,
    TRANSACTION_EXISTS,
    TRANSACTION_GONE,
    ChangeCounter,
    Meter,
    ProgressCallback,
    chunks,
    partial_message,
)
from lib.store.files import private_companions, private_database
from lib.store.schema import Item

_SER = TypeSerializer()
_DESER = TypeDeserializer()

_DDL = """
CREATE TABLE IF NOT EXISTS items (
    user_id TEXT NOT NULL,
    transaction_date TEXT NOT NULL,
    item TEXT NOT NULL,
    PRIMARY KEY (user_id, transaction_date)
) WITHOUT ROWID
"""


def encode_item(item: Item) -> str:
    """A plain item as DynamoDB-JSON text (numbers as exact strings)."""
    return json.dumps({k: _SER.serialize(v) for k, v in item.items()}, separators=(",", ":"))


def decode_item(text: str) -> Item:
    """DynamoDB-JSON text back to a plain item (numbers as Decimal)."""
    return {k: _DESER.deserialize(v) for k, v in json.loads(text).items()}


class SQLiteStore(ChangeCounter):
    """Store backend on one SQLite file; safe for the threads of several Streamlit sessions."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.meter = Meter()
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None

    # -- plumbing -------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            try:
                private_database(self.path)
                # One connection shared under a lock: Streamlit starts a new thread per rerun,
                # so per-thread connections would pile up.
                conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA busy_timeout=10000")
                conn.execute(_DDL)
                private_companions(self.path)
            except (sqlite3.Error, OSError) as exc:
                raise StoreUnavailableError(f"Cannot open the local database {self.path}: {exc}") from exc
            self._conn = conn
        return self._conn

    @contextmanager
    def _tx(self, user_id: str, *, read: bool) -> Iterator[sqlite3.Connection]:
        """One counted request; writes run in an IMMEDIATE transaction so checks and writes are atomic."""
        with self._lock:
            conn = self._connect()
            self.meter.record(user_id, read=read)
            try:
                if read:
                    yield conn
                    return
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StoreUnavailableError(f"The local database failed: {exc}") from exc

    @staticmethod
    def _get(conn: sqlite3.Connection, key: dict[str, str]) -> Item | None:
        row = conn.execute(
            "SELECT item FROM items WHERE user_id=? AND transaction_date=?", (key[schema.PK], key[schema.SK])
        ).fetchone()
        return decode_item(row[0]) if row else None

    @staticmethod
    def _put(conn: sqlite3.Connection, item: Item) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO items (user_id, transaction_date, item) VALUES (?, ?, ?)",
            (item[schema.PK], item[schema.SK], encode_item(item)),
        )

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- Store protocol -------------------------------------------------------------------
    def init(self) -> None:
        with self._lock:
            self._connect()

    def put_raw_item(self, item: Item) -> None:
        """Write an item exactly as given (migrations and tests of the original backend's items)."""
        with self._tx(str(item[schema.PK]), read=False) as conn:
            self._put(conn, item)

    def get_profile(self, user_id: str, default_name: str | None = None) -> Profile:
        with self._tx(user_id, read=True) as conn:
            item = self._get(conn, schema.profile_key(user_id))
        return schema.item_to_profile(item, user_id, default_name)

    def save_profile(self, profile: Profile) -> Profile:
        saved = replace(
            profile,
            version=profile.version + 1,
            updated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        item = schema.profile_to_item(saved)
        with self._tx(profile.user_id, read=False) as conn:
            current = self._get(conn, schema.profile_key(profile.user_id))
            if schema.version_of(current) != profile.version:
                if schema.same_write(current, item):  # a retry of a save that was stored
                    return schema.item_to_profile(current, profile.user_id, profile.display_name)
                raise ConflictError(
                    PROFILE_CONFLICT, current=schema.item_to_profile(current, profile.user_id, profile.display_name)
                )
            self._put(conn, item)
        self.mark_changed(profile.user_id)
        return saved

    def add_transaction(self, txn: Transaction) -> Transaction:
        added = replace(txn, version=1)
        item = schema.transaction_to_item(added)
        with self._tx(txn.user_id, read=False) as conn:
            stored = self._get(conn, {schema.PK: txn.user_id, schema.SK: txn.sort_key})
            if stored is not None:
                if schema.same_write(stored, item):
                    return added
                raise ConflictError(TRANSACTION_EXISTS, current=schema.item_to_transaction(stored))
            self._put(conn, item)
        self._streaks_touched(txn.user_id, txn.date)
        self.mark_changed(txn.user_id)
        return added

    def get_transaction(self, user_id: str, sort_key: str) -> Transaction | None:
        with self._tx(user_id, read=True) as conn:
            stored = self._get(conn, {schema.PK: user_id, schema.SK: sort_key})
        return schema.item_to_transaction(stored) if stored else None

    def update_transaction(self, old_sort_key: str, txn: Transaction) -> Transaction:
        key = schema.key_for_date(old_sort_key, txn.date)
        stored_txn = replace(txn, sort_key=key, version=txn.version + 1)
        item = schema.transaction_to_item(stored_txn)
        with self._tx(txn.user_id, read=False) as conn:
            old = self._get(conn, {schema.PK: txn.user_id, schema.SK: old_sort_key})
            if old is None or schema.version_of(old) != txn.version:
                if schema.same_write(self._get(conn, {schema.PK: txn.user_id, schema.SK: key}), item):
                    return stored_txn  # a retry of an edit that was stored
                raise _stale(old)
            if key != old_sort_key:
                taken = self._get(conn, {schema.PK: txn.user_id, schema.SK: key})
                if taken is not None:
                    raise ConflictError(TRANSACTION_EXISTS, current=schema.item_to_transaction(taken))
                self._delete(conn, txn.user_id, old_sort_key)
            self._put(conn, item)
        old_day = schema.date_of_key(old_sort_key)
        self._streaks_touched(txn.user_id, min(txn.date, old_day) if old_day else txn.date)
        self.mark_changed(txn.user_id)
        return stored_txn

    def delete_transaction(self, user_id: str, sort_key: str, version: int | None = None) -> None:
        with self._tx(user_id, read=False) as conn:
            if version is not None:
                stored = self._get(conn, {schema.PK: user_id, schema.SK: sort_key})
                if stored is not None and schema.version_of(stored) != version:
                    raise _stale(stored)
            self._delete(conn, user_id, sort_key)
        day = schema.date_of_key(sort_key)
        if day:
            self._streaks_touched(user_id, day)
        self.mark_changed(user_id)

    @staticmethod
    def _delete(conn: sqlite3.Connection, user_id: str, sort_key: str) -> None:
        conn.execute("DELETE FROM items WHERE user_id=? AND transaction_date=?", (user_id, sort_key))

    def _query(self, user_id: str, low: str, high: str | None) -> list[Item]:
        sql = "SELECT item FROM items WHERE user_id=? AND transaction_date>=?"
        args: list[Any] = [user_id, low]
        if high is not None:
            sql += " AND transaction_date<=?"
            args.append(high)
        with self._tx(user_id, read=True) as conn:
            rows = conn.execute(sql + " ORDER BY transaction_date", args).fetchall()
        return [decode_item(r[0]) for r in rows]

    def list_transactions(self, user_id: str, start: dt.date, end: dt.date) -> list[Transaction]:
        low, high = schema.day_range(start, end)
        txns = (schema.item_to_transaction(i) for i in self._query(user_id, low, high))
        return [t for t in txns if t is not None]

    def load_window(self, user_id: str, start: dt.date, end: dt.date, default_name: str | None = None) -> Window:
        current = window.is_current(end)
        if current:  # someone's current window: one query (with the session generation)
            items = self._query(user_id, *schema.window_bounds(start))
        else:
            low, high = schema.day_range(start, end)
            items = self._query(user_id, low, high)
            with self._tx(user_id, read=True) as conn:
                for key in (schema.profile_key(user_id), schema.commentary_key(user_id),
                            schema.data_version_key(user_id)):
                    extra = self._get(conn, key)
                    if extra:
                        items.append(extra)
        return window.split_window(items, user_id, start, end, default_name, with_generation=current)

    def put_transactions(self, txns: Iterable[Transaction], progress: ProgressCallback | None = None) -> int:
        # Same as DynamoDB: one write per key, the last copy wins; each batch is one transaction.
        items = list(
            {t.sort_key: schema.transaction_to_item(replace(t, version=t.version or 1)) for t in txns}.values()
        )
        done = 0
        month_start = clock.latest_today().replace(day=1).isoformat()
        first_day: dict[str, str] = {}
        for i in items:
            user, day = str(i[schema.PK]), str(i[schema.SK])[:10]
            first_day[user] = min(first_day.get(user, day), day)
        for n, batch in enumerate(chunks(items)):
            try:
                with self._tx(str(batch[0][schema.PK]), read=False) as conn:
                    for item in batch:
                        self._put(conn, item)
                    if (n + 1) * BATCH_SIZE >= len(items):  # with the last batch, as DynamoDB does
                        for user, first in first_day.items():
                            if first < month_start:
                                self._drop_streaks(conn, user, first)
            except StoreUnavailableError as exc:
                message = partial_message("write", done, len(items), 0, str(exc))
                if done:
                    with contextlib.suppress(StoreUnavailableError):
                        self.mark_changed(str(items[0][schema.PK]))  # some rows are in: other processes must see them
                raise PartialWriteError(message, written=done, total=len(items)) from exc
            done += len(batch)
            if progress:
                progress(done, len(items))
        if items:
            self.mark_changed(str(items[0][schema.PK]))
        return done

    # -- streak state and check-ins (lib.core.streaks) -----------------------------------

    def _drop_streaks(self, conn: sqlite3.Connection, user_id: str, day_iso: str) -> None:
        state = schema.item_to_streak_state(self._get(conn, schema.streak_key(user_id)))
        through = state.forecast_through if state is not None else None  # what its forecast memory read
        if state is not None and (state.upto.isoformat() > day_iso or (through and through.isoformat() >= day_iso)):
            key = schema.streak_key(user_id)
            conn.execute("DELETE FROM items WHERE user_id=? AND transaction_date=?", (key[schema.PK], key[schema.SK]))

    def _streaks_touched(self, user_id: str, day: dt.date) -> None:
        """A write on `day`: drop the streak state if it summarises that day (this month's days never are)."""
        if day >= clock.latest_today().replace(day=1):  # no user's month has begun later than that
            return
        with self._tx(user_id, read=False) as conn:
            self._drop_streaks(conn, user_id, day.isoformat())

    def put_streak_state(self, user_id: str, state: types.StreakState) -> None:
        with self._tx(user_id, read=False) as conn:
            self._put(conn, schema.streak_state_to_item(user_id, state))

    def mark_known(self, user_id: str, day: dt.date) -> None:
        with self._tx(user_id, read=False) as conn:
            current = schema.item_to_checkin(self._get(conn, schema.checkin_key(user_id)))
            if current is not None and current >= day:
                return
            self._put(conn, schema.checkin_to_item(user_id, day))
            if day < clock.latest_today().replace(day=1):
                self._drop_streaks(conn, user_id, day.isoformat())
        self.mark_changed(user_id)

    def export_items(self, user_id: str) -> list[Item]:
        return [i for i in self._query(user_id, "", None) if not schema.is_data_version(i)]

    def delete_user(self, user_id: str) -> int:
        with self._tx(user_id, read=False) as conn:
            # Derived data (streak state, data version) is not counted as "your items".
            for derived in (schema.streak_key(user_id), schema.data_version_key(user_id)):
                conn.execute("DELETE FROM items WHERE user_id=? AND transaction_date=?", (user_id, derived[schema.SK]))
            cur = conn.execute("DELETE FROM items WHERE user_id=?", (user_id,))
            return int(cur.rowcount)

    def get_commentary(self, user_id: str) -> Commentary | None:
        with self._tx(user_id, read=True) as conn:
            return schema.item_to_commentary(self._get(conn, schema.commentary_key(user_id)))

    def put_commentary(self, commentary: Commentary) -> None:
        with self._tx(commentary.user_id, read=False) as conn:
            self._put(conn, schema.commentary_to_item(commentary))

    def sessions_valid_after(self, user_id: str) -> dt.datetime | None:
        with self._tx(user_id, read=True) as conn:
            return schema.item_to_sessions_valid_after(self._get(conn, schema.sessions_key(user_id)))

    def end_sessions(self, user_id: str, at: dt.datetime) -> None:
        with self._tx(user_id, read=False) as conn:
            self._put(conn, schema.sessions_to_item(user_id, at))

    # -- imports: batches, remembered mappings, category rules ---------------------------------
    def delete_transactions(self, user_id: str, sort_keys: Iterable[str]) -> int:
        keys = [k for k in dict.fromkeys(sort_keys) if schema.date_of_key(k) is not None]
        done = 0
        for batch in chunks({schema.PK: user_id, schema.SK: k} for k in keys):
            with self._tx(user_id, read=False) as conn:
                conn.executemany(
                    "DELETE FROM items WHERE user_id=? AND transaction_date=?",
                    [(user_id, k[schema.SK]) for k in batch],
                )
            done += len(batch)
        if done:
            self.mark_changed(user_id)
        return done

    def _prefixed(self, user_id: str, prefix: str) -> list[Item]:
        return self._query(user_id, *schema.prefix_range(prefix))

    def _put_item(self, item: Item) -> None:
        with self._tx(str(item[schema.PK]), read=False) as conn:
            self._put(conn, item)

    def _get_item(self, key: dict[str, str]) -> Item | None:
        with self._tx(key[schema.PK], read=True) as conn:
            return self._get(conn, key)

    def _delete_item(self, key: dict[str, str]) -> None:
        with self._tx(key[schema.PK], read=False) as conn:
            conn.execute("DELETE FROM items WHERE user_id=? AND transaction_date=?", (key[schema.PK], key[schema.SK]))

    # -- the data version: other processes' caches learn of a write ---------------------------
    def data_version(self, user_id: str) -> int:
        """The user's write counter (one small read)."""
        with self._tx(user_id, read=True) as conn:
            return schema.item_to_data_version(self._get(conn, schema.data_version_key(user_id)))

    def _bump_version(self, user_id: str) -> None:
        """A write changed what the pages show: bump the counter (one write, as on DynamoDB)."""
        with self._tx(user_id, read=False) as conn:
            n = schema.item_to_data_version(self._get(conn, schema.data_version_key(user_id)))
            self._put(conn, schema.data_version_to_item(user_id, n + 1))

    # -- records: small items the other packages own -------------------------------------------
    def get_record(self, key: dict[str, str], *, consistent: bool = True) -> Item | None:
        """One item by its key, or None (SQLite is always consistent)."""
        return self._get_item(key)

    def put_record(self, item: Item, *, if_absent: bool = False, expected_version: int | None = None) -> None:
        """Write one item; `if_absent` or `expected_version` make it conditional (refused: ConflictError)."""
        with self._tx(str(item[schema.PK]), read=False) as conn:
            stored = self._get(conn, {schema.PK: str(item[schema.PK]), schema.SK: str(item[schema.SK])})
            if (if_absent and stored is not None) or (
                    expected_version is not None and schema.version_of(stored) != expected_version):
                raise ConflictError("Someone else wrote this first.", stored)
            self._put(conn, item)

    def delete_record(self, key: dict[str, str]) -> None:
        """Delete one item by its key (nothing happens when it is not there)."""
        self._delete_item(key)

    def query_records(self, partition: str, prefix: str, limit: int | None = None) -> list[Item]:
        """The items of one partition whose sort key starts with `prefix`, in key order (one Query, never a Scan)."""
        items = self._query(partition, *schema.prefix_range(prefix))
        return items[:limit] if limit is not None else items

    def put_import_batch(self, batch: ImportBatch) -> None:
        self._put_item(side_items.import_batch_to_item(batch))

    def get_import_batch(self, user_id: str, batch_id: str) -> ImportBatch | None:
        return side_items.item_to_import_batch(self._get_item(side_items.import_batch_key(user_id, batch_id)))

    def list_import_batches(self, user_id: str) -> list[ImportBatch]:
        batches = [side_items.item_to_import_batch(i) for i in self._prefixed(user_id, schema.IMPORT_PREFIX)]
        return sorted((b for b in batches if b), key=lambda b: b.imported_at, reverse=True)

    def delete_import_batch(self, user_id: str, batch_id: str) -> None:
        self._delete_item(side_items.import_batch_key(user_id, batch_id))

    def put_mapping(self, mapping: SavedMapping) -> None:
        self._put_item(side_items.mapping_to_item(mapping))

    def get_mapping(self, user_id: str, signature: str) -> SavedMapping | None:
        return side_items.item_to_mapping(self._get_item(side_items.mapping_key(user_id, signature)))

    def put_category_rule(self, rule: CategoryRule) -> None:
        self._put_item(side_items.category_rule_to_item(rule))

    def list_category_rules(self, user_id: str) -> list[CategoryRule]:
        rules = [side_items.item_to_category_rule(i) for i in self._prefixed(user_id, schema.RULE_PREFIX)]
        return [r for r in rules if r]

    def delete_category_rule(self, user_id: str, merchant: str) -> None:
        self._delete_item(side_items.category_rule_key(user_id, merchant))

def _stale(stored: Item | None) -> ConflictError:
    """The conflict of an edit or delete based on an old version: the current value rides along."""
    current = schema.item_to_transaction(stored) if stored else None
    return ConflictError(TRANSACTION_GONE if current is None else TRANSACTION_CHANGED, current=current)
