"""The DynamoDB backend: one table, the low-level boto3 client, every request metered.

Keys and item shapes come from lib/store/schema.py; this module only speaks the DynamoDB API.
Reads are eventually consistent (half the read units) unless `consistent_reads=True`;
the re-read that fills a ConflictError is always strongly consistent, since it must show
what actually won the race.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import replace

from botocore.exceptions import BotoCoreError, ClientError

from lib.core import clock, types
from lib.core.errors import ConflictError, PartialWriteError, StoreUnavailableError
from lib.core.models import Commentary, Profile, Transaction
from lib.core.types import CategoryRule, ImportBatch, SavedMapping, Window
from lib.store import schema, side_items, window
from lib.store.base import (
    PROFILE_CONFLICT,
    TRANSACTION_CHANGED,
    TRANSACTION_EXISTS,
    TRANSACTION_GONE,
    ChangeCounter,
    ProgressCallback,
)
from lib.store.dynamo_requests import ConditionFailed, DynamoRequests, default_client, log, version_is
from lib.store.resilience import code_of
from lib.store.schema import Item

__all__ = ["DynamoDBStore", "default_client"]


class DynamoDBStore(DynamoRequests, ChangeCounter):
    """The Store protocol on one DynamoDB table (partition user_id, sort key transaction_date)."""

    # -- the Store protocol -----------------------------------------------------------

    def init(self) -> None:
        """Create the table (on-demand billing) if it is missing, and wait until it is active.

        Table management calls are not metered: the meter counts data requests. An outage
        here is remembered like any other, so page loads meanwhile do not wait again.
        """
        self.outages.check()
        try:
            try:
                self.client.describe_table(TableName=self.table_name)
            except ClientError as exc:
                if code_of(exc) != "ResourceNotFoundException":
                    raise
                try:
                    self.client.create_table(
                        TableName=self.table_name,
                        AttributeDefinitions=[
                            {"AttributeName": schema.PK, "AttributeType": "S"},
                            {"AttributeName": schema.SK, "AttributeType": "S"},
                        ],
                        KeySchema=[
                            {"AttributeName": schema.PK, "KeyType": "HASH"},
                            {"AttributeName": schema.SK, "KeyType": "RANGE"},
                        ],
                        BillingMode="PAY_PER_REQUEST",
                    )
                    log.info("created dynamodb table", extra={"table": self.table_name})
                except ClientError as create_exc:
                    # Another process created it between our describe and create: that is fine.
                    if code_of(create_exc) != "ResourceInUseException":
                        raise
            self.client.get_waiter("table_exists").wait(
                TableName=self.table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 120}
            )
        except (ClientError, BotoCoreError) as exc:
            log.info("dynamodb init failed", extra={"table": self.table_name, "error": type(exc).__name__})
            self._fail(exc)

    def get_profile(self, user_id: str, default_name: str | None = None) -> Profile:
        """The user's profile, or the default one when none is saved."""
        return schema.item_to_profile(self._get(schema.profile_key(user_id)), user_id, default_name)

    def save_profile(self, profile: Profile) -> Profile:
        """Save if the stored version still equals profile.version (optimistic lock); returns version+1.

        A retry that finds its own earlier save stored (the answer was lost) is a success.
        """
        expected = profile.version
        saved = replace(
            profile,
            version=expected + 1,
            updated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        item = schema.profile_to_item(saved)
        # version 0: never saved by us, so either no item or the original backend's item without a version.
        condition, values = version_is(expected)
        try:
            self._put(item, condition, values)
        except ConditionFailed as exc:
            stored = self._get(schema.profile_key(profile.user_id), consistent=True)
            if schema.same_write(stored, item):
                log.info("profile save was already stored", extra={"user_id": profile.user_id})
                return schema.item_to_profile(stored, profile.user_id, profile.display_name)
            current = schema.item_to_profile(stored, profile.user_id, profile.display_name)
            raise ConflictError(PROFILE_CONFLICT, current=current) from exc
        self.mark_changed(profile.user_id)
        return saved

    def add_transaction(self, txn: Transaction) -> Transaction:
        """Insert one transaction; never overwrites, and a retry of the same add is a success."""
        added = replace(txn, version=1)
        item = schema.transaction_to_item(added)
        try:
            self._put(item, "attribute_not_exists(#sk)")
        except ConditionFailed as exc:
            stored = self._get({schema.PK: txn.user_id, schema.SK: txn.sort_key}, consistent=True)
            if schema.same_write(stored, item):
                return added  # our own earlier attempt: stored once, reported as saved
            raise ConflictError(TRANSACTION_EXISTS, current=_txn(stored)) from exc
        self._streaks_touched(txn.user_id, txn.date)
        self.mark_changed(txn.user_id)
        return added

    def get_transaction(self, user_id: str, sort_key: str) -> Transaction | None:
        """One transaction by its sort key (strongly consistent), or None."""
        return _txn(self._get({schema.PK: user_id, schema.SK: sort_key}, consistent=True))

    def update_transaction(self, old_sort_key: str, txn: Transaction) -> Transaction:
        """Replace the transaction under old_sort_key if its version is still txn.version (see Store).

        A new date means a new key, and DynamoDB has no cross-item atomicity we may rely on
        (dynalite has no transactions), so a move is three conditional steps, each safe to
        repeat: (1) claim the old item (version check; version + 1 and a mark naming the new
        key), (2) put the new item if its key is free, (3) delete the old item only if it still
        carries our mark. A crash after (1) leaves the old item, unchanged but for its version;
        after (2) a visible duplicate the user can delete; never a lost or hidden item. Running
        the same edit again completes it.
        """
        old_day = schema.date_of_key(old_sort_key)
        self._streaks_touched(txn.user_id, min(txn.date, old_day) if old_day else txn.date)
        key = schema.key_for_date(old_sort_key, txn.date)
        stored_txn = replace(txn, sort_key=key, version=txn.version + 1)
        item = schema.transaction_to_item(stored_txn)
        old = {schema.PK: txn.user_id, schema.SK: old_sort_key}
        if key == old_sort_key:
            condition, values = version_is(txn.version)
            try:
                self._put(item, f"attribute_exists(#sk) AND ({condition})", values)
            except ConditionFailed as exc:
                stored = self._get(old, consistent=True)
                if schema.same_write(stored, item):
                    return stored_txn
                raise _stale(stored) from exc
            self.mark_changed(txn.user_id)
            return stored_txn
        new = {schema.PK: txn.user_id, schema.SK: key}
        try:
            self._mark_moving(old, txn.version, key)
        except ConditionFailed as exc:
            stored = self._get(old, consistent=True)
            ours = (
                stored is not None
                and stored.get(schema.MOVED_TO) == key
                and schema.version_of(stored) == txn.version + 1
            )
            if not ours:
                if stored is None and schema.same_write(self._get(new, consistent=True), item):
                    return stored_txn  # the whole move was done by an earlier attempt
                raise _stale(stored) from exc
        try:
            self._put(item, "attribute_not_exists(#sk)")
        except ConditionFailed as exc:
            if not schema.same_write(self._get(new, consistent=True), item):
                raise ConflictError(TRANSACTION_EXISTS, current=self.get_transaction(txn.user_id, key)) from exc
        # Already gone means our own earlier delete: only the holder of the mark deletes it this way.
        with contextlib.suppress(ConditionFailed):
            self._delete(old, "#m = :to", {":to": key})
        self.mark_changed(txn.user_id)
        return stored_txn

    def delete_transaction(self, user_id: str, sort_key: str, version: int | None = None) -> None:
        """Delete one transaction (only at `version` when given); deleting a missing one is not an error."""
        key = {schema.PK: user_id, schema.SK: sort_key}
        day = schema.date_of_key(sort_key)
        if day:
            self._streaks_touched(user_id, day)
        if version is None:
            self._delete(key)
        else:
            condition, values = version_is(version)
            try:
                self._delete(key, f"attribute_not_exists(#sk) OR ({condition})", values)
            except ConditionFailed as exc:
                raise _stale(self._get(key, consistent=True)) from exc
        self.mark_changed(user_id)

    def list_transactions(self, user_id: str, start: dt.date, end: dt.date) -> list[Transaction]:
        """The user's transactions dated start..end inclusive, in sort-key order (paginated Query)."""
        if start > end:
            return []  # DynamoDB rejects a BETWEEN whose bounds are reversed
        items = self._between(user_id, *schema.day_range(start, end))
        return [t for t in map(schema.item_to_transaction, items) if t is not None]

    def load_window(self, user_id: str, start: dt.date, end: dt.date, default_name: str | None = None) -> Window:
        """Profile + transactions start..end + commentary; ONE query when end is today or later.

        The per-user items (profile, commentary, check-in, streak state) sort after every date and
        below the growing side collections, so `sort key BETWEEN schema.window_bounds(start)` returns them
        with the window (and the session generation) and never an import record or a rule. For a window
        in the past that would read the whole later history, so a BETWEEN query is paired with a second
        query for just those two items.
        """
        current = window.is_current(end)
        if current:  # someone's current window: one query (with the session generation)
            items = list(self._between(user_id, *schema.window_bounds(start)))
        else:
            items = list(self._between(user_id, *schema.day_range(start, end))) if start <= end else []
            first, last = sorted((schema.commentary_key(user_id)[schema.SK], schema.profile_key(user_id)[schema.SK]))
            # Only the profile, commentary and data-version keys sort in first..last; the filter keeps it so.
            extra = self._between(user_id, first, last)
            items.extend(i for i in extra if schema.is_profile(i) or schema.is_commentary(i)
                         or schema.is_data_version(i))
        return window.split_window(items, user_id, start, end, default_name, with_generation=current)

    def put_transactions(self, txns: Iterable[Transaction], progress: ProgressCallback | None = None) -> int:
        """Write many transactions in BatchWriteItem calls of 25, none dropped; returns how many were written.

        Puts overwrite an item with the same key, so running the same import again after a
        PartialWriteError finishes it without doubling anything. A key repeated in the input
        is written once (the last copy), because DynamoDB refuses duplicate keys inside one batch.
        """
        by_key: dict[tuple[str, str], Item] = {}
        for txn in txns:
            by_key[(txn.user_id, txn.sort_key)] = schema.transaction_to_item(replace(txn, version=txn.version or 1))
        if not by_key:
            return 0
        user_id = next(iter(by_key))[0]
        requests = [{"PutRequest": {"Item": self._encode(i)}} for i in by_key.values()]
        try:
            written = self._write_all(user_id, "write", requests, progress)
        except PartialWriteError:
            with contextlib.suppress(StoreUnavailableError):
                self.mark_changed(user_id)  # some rows are in: other processes must see them too
            raise
        # Days before this month may change the user's streak state (one conditional delete).
        self._streaks_touched(user_id, min(dt.date.fromisoformat(str(sk)[:10]) for _, sk in by_key))
        self.mark_changed(user_id)
        return written

    def export_items(self, user_id: str) -> list[Item]:
        """Every item of the user's partition as plain dicts (numbers as Decimal)."""
        return [i for i in self._query(user_id, "#pk = :u", {":u": user_id}) if not schema.is_data_version(i)]

    def delete_user(self, user_id: str) -> int:
        """Delete every item of the user's partition (keys-only query, then batched deletes); returns how
        many of the user's own items went (derived items, the streak state and data version, go last)."""
        keys = list(self._query(user_id, "#pk = :u", {":u": user_id}, ProjectionExpression="#pk, #sk"))
        derived = [k for k in keys if schema.is_streak_state(k) or schema.is_data_version(k)]
        own = [k for k in keys if k not in derived]
        done = self._write_all(user_id, "delete", [{"DeleteRequest": {"Key": self._encode(k)}} for k in own], None)
        if derived:
            self._write_all(user_id, "delete", [{"DeleteRequest": {"Key": self._encode(k)}} for k in derived], None)
        return done

    def get_commentary(self, user_id: str) -> Commentary | None:
        """The cached coach commentary, if any."""
        return schema.item_to_commentary(self._get(schema.commentary_key(user_id)))

    def put_commentary(self, commentary: Commentary) -> None:
        """Store the day's coach commentary (overwrites the previous one)."""
        self._put(schema.commentary_to_item(commentary))

    def sessions_valid_after(self, user_id: str) -> dt.datetime | None:
        """The user's last logout; a consistent read, so a logout on another server counts at once."""
        return schema.item_to_sessions_valid_after(self._get(schema.sessions_key(user_id), consistent=True))

    def end_sessions(self, user_id: str, at: dt.datetime) -> None:
        """Revoke the user's logins issued up to `at` (one PutItem; a later logout overwrites it)."""
        self._put(schema.sessions_to_item(user_id, at))

    # -- streak state and check-ins (lib.core.streaks) -----------------------------------

    def _streaks_touched(self, user_id: str, day: dt.date) -> None:
        """A write on `day`: drop the streak state if it summarises that day, or its forecast memory read it (this
        month's days never are)."""
        if day >= clock.latest_today().replace(day=1):  # no user's month has begun later than that
            return
        # A failed condition means no state, or one that ends before that day: nothing it says changed.
        with contextlib.suppress(ConditionFailed):
            self._delete(schema.streak_key(user_id), "#upto > :day OR #ft >= :day", {":day": day.isoformat()})

    def put_streak_state(self, user_id: str, state: types.StreakState) -> None:
        """Save the user's streak state (one PutItem; it is derived data, so the last writer wins)."""
        self._put(schema.streak_state_to_item(user_id, state))

    def mark_known(self, user_id: str, day: dt.date) -> None:
        """Record that the user's spending up to `day` is complete ("nothing spent" check-in, import coverage)."""
        item = schema.checkin_to_item(user_id, day)
        try:
            self._put(item, "attribute_not_exists(#day) OR #day < :day", {":day": day.isoformat()})
        except ConditionFailed:
            return  # a later day is already known
        self._streaks_touched(user_id, day)
        self.mark_changed(user_id)

    def put_raw_item(self, item: Item) -> None:
        """Write an item exactly as given, unconditionally: for tests and migrations (e.g. legacy items)."""
        self._put(item)

    # -- the data version: other processes' caches learn of a write ---------------------------
    def data_version(self, user_id: str) -> int:
        """The user's write counter (one GetItem of a tiny item, 0.5 read units eventually consistent)."""
        return schema.item_to_data_version(self._get(schema.data_version_key(user_id)))

    def _bump_version(self, user_id: str) -> None:
        """A write changed what the pages show: bump the counter (one UpdateItem, ADD is atomic)."""
        update = "ADD #n :one"
        self._call(
            "update_item", user_id, read=False, TableName=self.table_name,
            Key=self._encode(schema.data_version_key(user_id)), UpdateExpression=update,
            ExpressionAttributeNames={"#n": "n"}, ExpressionAttributeValues={":one": self._ser.serialize(1)},
            ReturnConsumedCapacity="TOTAL",
        )

    # -- records: small items the other packages own -------------------------------------------
    def get_record(self, key: dict[str, str], *, consistent: bool = True) -> Item | None:
        """One item by its key (strongly consistent unless asked otherwise), or None."""
        return self._get(key, consistent=consistent)

    def put_record(self, item: Item, *, if_absent: bool = False, expected_version: int | None = None) -> None:
        """Write one item; `if_absent` or `expected_version` make it conditional (refused: ConflictError)."""
        condition, values = (("attribute_not_exists(#pk)", None) if if_absent
                             else version_is(expected_version) if expected_version is not None else (None, None))
        try:
            self._put(item, condition, values)
        except ConditionFailed as exc:
            raise ConflictError("Someone else wrote this first.", self._get(
                {schema.PK: str(item[schema.PK]), schema.SK: str(item[schema.SK])}, consistent=True)) from exc

    def delete_record(self, key: dict[str, str]) -> None:
        """Delete one item by its key (nothing happens when it is not there)."""
        self._delete(key)

    def query_records(self, partition: str, prefix: str, limit: int | None = None) -> list[Item]:
        """The items of one partition whose sort key starts with `prefix`, in key order (one Query, never a Scan)."""
        items = self._between(partition, *schema.prefix_range(prefix))
        return list(itertools.islice(items, limit)) if limit is not None else list(items)

    # -- imports: batches, remembered mappings, category rules ---------------------------------

    def delete_transactions(self, user_id: str, sort_keys: Iterable[str]) -> int:
        """Delete many transactions with BatchWriteItem (25 per request); returns how many keys."""
        keys = [k for k in dict.fromkeys(sort_keys) if schema.date_of_key(k) is not None]
        requests = [{"DeleteRequest": {"Key": self._encode({schema.PK: user_id, schema.SK: k})}} for k in keys]
        done = self._write_all(user_id, "delete", requests, None)
        if done:
            self.mark_changed(user_id)
        return done

    def _prefixed(self, user_id: str, prefix: str) -> list[Item]:
        return list(self._between(user_id, *schema.prefix_range(prefix)))

    def put_import_batch(self, batch: ImportBatch) -> None:
        """Record (or overwrite) one import's batch record."""
        self._put(side_items.import_batch_to_item(batch))

    def get_import_batch(self, user_id: str, batch_id: str) -> ImportBatch | None:
        """One import's record, strongly consistent (a re-import right after must see it)."""
        key = side_items.import_batch_key(user_id, batch_id)
        return side_items.item_to_import_batch(self._get(key, consistent=True))

    def list_import_batches(self, user_id: str) -> list[ImportBatch]:
        """Every import of the user, newest first (one Query on the import keys)."""
        batches = [side_items.item_to_import_batch(i) for i in self._prefixed(user_id, schema.IMPORT_PREFIX)]
        return sorted((b for b in batches if b), key=lambda b: b.imported_at, reverse=True)

    def delete_import_batch(self, user_id: str, batch_id: str) -> None:
        """Forget an import's record."""
        self._delete(side_items.import_batch_key(user_id, batch_id))

    def put_mapping(self, mapping: SavedMapping) -> None:
        """Remember the mapping the user confirmed for one export layout."""
        self._put(side_items.mapping_to_item(mapping))

    def get_mapping(self, user_id: str, signature: str) -> SavedMapping | None:
        """The remembered mapping for one export layout, if any."""
        return side_items.item_to_mapping(self._get(side_items.mapping_key(user_id, signature)))

    def put_category_rule(self, rule: CategoryRule) -> None:
        """Save (or replace) the user's rule for one merchant."""
        self._put(side_items.category_rule_to_item(rule))

    def list_category_rules(self, user_id: str) -> list[CategoryRule]:
        """Every category rule of the user (one Query on the rule keys)."""
        rules = [side_items.item_to_category_rule(i) for i in self._prefixed(user_id, schema.RULE_PREFIX)]
        return [r for r in rules if r]

    def delete_category_rule(self, user_id: str, merchant: str) -> None:
        """Drop the user's rule for one merchant."""
        self._delete(side_items.category_rule_key(user_id, merchant))


def _txn(item: Item | None) -> Transaction | None:
    return schema.item_to_transaction(item) if item else None


def _stale(stored: Item | None) -> ConflictError:
    """The conflict of an edit or delete based on an old version: the current value rides along."""
    current = _txn(stored)
    return ConflictError(TRANSACTION_GONE if current is None else TRANSACTION_CHANGED, current=current)
