"""The DynamoDB backend: one table, the low-level boto3 client, every request metered.

Keys and item shapes come from lib/schema.py; this module only speaks the DynamoDB API.
Reads are eventually consistent (half the read units) unless `consistent_reads=True`;
the re-read that fills a ConflictError is always strongly consistent, since it must show
what actually won the race.
"""
from __future__ import annotations

import datetime as dt
import logging
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)

from lib import clock, schema
from lib.errors import ConflictError, StoreUnavailableError
from lib.models import Profile, Transaction
from lib.schema import Commentary, Item, Window
from lib.store.base import Meter, ProgressCallback, chunks

log = logging.getLogger(__name__)

PROFILE_CONFLICT = (
    "Your settings were changed in another tab or session. "
    "The latest values are shown: review them and save again."
)
TRANSACTION_GONE = "This transaction was changed or deleted in another tab or session: reload and try again."
TRANSACTION_EXISTS = "A transaction with this key already exists: reload and try again."

_NAMES = {"#pk": schema.PK, "#sk": schema.SK, "#v": "version"}
_CONDITION_FAILED = "ConditionalCheckFailedException"
_BUSY_CODES = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}
_AUTH_CODES = {
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "AccessDeniedException",
    "ExpiredTokenException",
    "MissingAuthenticationTokenException",
}


class _ConditionFailed(Exception):
    """A conditional write was refused; callers turn it into the right ConflictError."""


def default_client(session: Any = None) -> Any:
    """A DynamoDB client from boto3's standard chain (credentials, region, AWS_ENDPOINT_URL_DYNAMODB)."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=10)
    return (session or boto3.session.Session()).client("dynamodb", config=config)


class DynamoDBStore:
    """The Store protocol on one DynamoDB table (partition user_id, sort key transaction_date)."""

    def __init__(
        self,
        table_name: str = schema.TABLE_NAME,
        *,
        client: Any = None,
        session: Any = None,
        consistent_reads: bool = False,
        max_batch_attempts: int = 10,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.table_name = table_name
        self.meter = Meter()
        self.consistent_reads = consistent_reads
        self.max_batch_attempts = max_batch_attempts
        self._sleep = sleep
        self._ser = TypeSerializer()
        self._de = TypeDeserializer()
        if client is None:
            try:
                client = default_client(session)
            except BotoCoreError as exc:  # e.g. NoRegionError
                raise StoreUnavailableError(_friendly(exc, table_name)) from exc
        self.client = client

    # -- encoding -----------------------------------------------------------------

    def _encode(self, item: Item) -> dict[str, Any]:
        return {k: self._ser.serialize(v) for k, v in item.items()}

    def _decode(self, raw: dict[str, Any]) -> Item:
        return {k: self._de.deserialize(v) for k, v in raw.items()}

    # -- the one place a request is made ----------------------------------------------

    def _call(self, operation: str, user_id: str, *, read: bool, **kwargs: Any) -> dict[str, Any]:
        """Make one request, meter it, and translate every botocore error into ours."""
        try:
            response: dict[str, Any] = getattr(self.client, operation)(**kwargs)
        except ClientError as exc:
            self.meter.record(user_id, read=read)
            code = exc.response.get("Error", {}).get("Code", "")
            if code == _CONDITION_FAILED:
                raise _ConditionFailed(code) from exc
            log.info("dynamodb request refused", extra={"operation": operation, "code": code})
            raise StoreUnavailableError(_friendly(exc, self.table_name)) from exc
        except BotoCoreError as exc:
            log.info("dynamodb unreachable", extra={"operation": operation, "error": type(exc).__name__})
            raise StoreUnavailableError(_friendly(exc, self.table_name)) from exc
        units = _capacity_units(response.get("ConsumedCapacity"))
        self.meter.record(user_id, read=read, read_units=units if read else 0.0, write_units=0.0 if read else units)
        return response

    def _query(self, user_id: str, condition: str, values: dict[str, Any], **extra: Any) -> Iterator[Item]:
        """Every item of a Query, following LastEvaluatedKey page by page (never a Scan)."""
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": _names(condition, extra.get("ProjectionExpression", "")),
            "ExpressionAttributeValues": {k: self._ser.serialize(v) for k, v in values.items()},
            "ConsistentRead": self.consistent_reads,
            "ReturnConsumedCapacity": "TOTAL",
            **extra,
        }
        while True:
            page = self._call("query", user_id, read=True, **kwargs)
            for raw in page.get("Items", []):
                yield self._decode(raw)
            last = page.get("LastEvaluatedKey")
            if not last:
                return
            kwargs["ExclusiveStartKey"] = last

    def _between(self, user_id: str, low: str, high: str) -> Iterator[Item]:
        """The partition's items whose sort key is in low..high inclusive."""
        values = {":u": user_id, ":low": low, ":high": high}
        return self._query(user_id, "#pk = :u AND #sk BETWEEN :low AND :high", values)

    def _get(self, key: dict[str, str], *, consistent: bool | None = None) -> Item | None:
        response = self._call(
            "get_item",
            key[schema.PK],
            read=True,
            TableName=self.table_name,
            Key=self._encode(key),
            ConsistentRead=self.consistent_reads if consistent is None else consistent,
            ReturnConsumedCapacity="TOTAL",
        )
        raw = response.get("Item")
        return self._decode(raw) if raw else None

    def _put(self, item: Item, condition: str | None = None, values: dict[str, Any] | None = None) -> None:
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "Item": self._encode(item),
            "ReturnConsumedCapacity": "TOTAL",
        }
        if condition:
            kwargs["ConditionExpression"] = condition
            kwargs["ExpressionAttributeNames"] = _names(condition)
        if values:
            kwargs["ExpressionAttributeValues"] = {k: self._ser.serialize(v) for k, v in values.items()}
        self._call("put_item", str(item[schema.PK]), read=False, **kwargs)

    def _delete(self, key: dict[str, str], condition: str | None = None) -> None:
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "Key": self._encode(key),
            "ReturnConsumedCapacity": "TOTAL",
        }
        if condition:
            kwargs["ConditionExpression"] = condition
            kwargs["ExpressionAttributeNames"] = _names(condition)
        self._call("delete_item", key[schema.PK], read=False, **kwargs)

    def _batch_write(self, user_id: str, requests: list[dict[str, Any]]) -> None:
        """One BatchWriteItem of <= 25 requests, resubmitting UnprocessedItems with backoff until none are left."""
        pending = requests
        for attempt in range(self.max_batch_attempts):
            response = self._call(
                "batch_write_item",
                user_id,
                read=False,
                RequestItems={self.table_name: pending},
                ReturnConsumedCapacity="TOTAL",
            )
            pending = (response.get("UnprocessedItems") or {}).get(self.table_name) or []
            if not pending:
                return
            if attempt + 1 < self.max_batch_attempts:
                # Full jitter: throttled writers retrying in lockstep would just collide again.
                self._sleep(random.uniform(0, min(2.0, 0.05 * 2**attempt)))
        log.info("batch write gave up", extra={"user_id": user_id, "unwritten": len(pending)})
        raise StoreUnavailableError(
            f"DynamoDB did not accept {len(pending)} of {len(requests)} items after "
            f"{self.max_batch_attempts} attempts (throttled); nothing else was lost, try again in a moment."
        )

    # -- the Store protocol -----------------------------------------------------------

    def init(self) -> None:
        """Create the table (on-demand billing) if it is missing, and wait until it is active.

        Table management calls are not metered: the meter counts data requests.
        """
        try:
            try:
                self.client.describe_table(TableName=self.table_name)
            except ClientError as exc:
                if _code(exc) != "ResourceNotFoundException":
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
                    if _code(create_exc) != "ResourceInUseException":
                        raise
            self.client.get_waiter("table_exists").wait(
                TableName=self.table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 120}
            )
        except (ClientError, BotoCoreError) as exc:
            log.info("dynamodb init failed", extra={"table": self.table_name, "error": type(exc).__name__})
            raise StoreUnavailableError(_friendly(exc, self.table_name)) from exc

    def get_profile(self, user_id: str, default_name: str | None = None) -> Profile:
        """The user's profile, or the default one when none is saved."""
        return schema.item_to_profile(self._get(schema.profile_key(user_id)), user_id, default_name)

    def save_profile(self, profile: Profile) -> Profile:
        """Save if the stored version still equals profile.version (optimistic lock); returns version+1."""
        expected = profile.version
        saved = replace(
            profile,
            version=expected + 1,
            updated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        # version 0: never saved by us, so either no item or the original backend's item without a version.
        if expected == 0:
            condition, values = "attribute_not_exists(#v)", None
        else:
            condition, values = "#v = :expected", {":expected": expected}
        try:
            self._put(schema.profile_to_item(saved), condition, values)
        except _ConditionFailed as exc:
            current = schema.item_to_profile(
                self._get(schema.profile_key(profile.user_id), consistent=True), profile.user_id, profile.display_name
            )
            raise ConflictError(PROFILE_CONFLICT, current=current) from exc
        return saved

    def add_transaction(self, txn: Transaction) -> Transaction:
        """Insert one transaction; never overwrites (a key collision is a ConflictError)."""
        try:
            self._put(schema.transaction_to_item(txn), "attribute_not_exists(#sk)")
        except _ConditionFailed as exc:
            raise ConflictError(TRANSACTION_EXISTS) from exc
        return txn

    def update_transaction(self, old_sort_key: str, txn: Transaction) -> Transaction:
        """Replace the transaction stored under old_sort_key; a missing one is a ConflictError.

        A new date means a new key: the new item is written first and the old one deleted
        after, so a crash in between leaves a visible duplicate, never a lost transaction.
        If the old item turns out to be gone, the new one is removed again.
        """
        item = schema.transaction_to_item(txn)
        if txn.sort_key == old_sort_key:
            try:
                self._put(item, "attribute_exists(#sk)")
            except _ConditionFailed as exc:
                raise ConflictError(TRANSACTION_GONE) from exc
            return txn
        try:
            self._put(item, "attribute_not_exists(#sk)")
        except _ConditionFailed as exc:
            raise ConflictError(TRANSACTION_EXISTS) from exc
        try:
            self._delete({schema.PK: txn.user_id, schema.SK: old_sort_key}, "attribute_exists(#sk)")
        except _ConditionFailed as exc:
            self._delete({schema.PK: txn.user_id, schema.SK: txn.sort_key})
            raise ConflictError(TRANSACTION_GONE) from exc
        return txn

    def delete_transaction(self, user_id: str, sort_key: str) -> None:
        """Delete one transaction; deleting a missing one is not an error."""
        self._delete({schema.PK: user_id, schema.SK: sort_key})

    def list_transactions(self, user_id: str, start: dt.date, end: dt.date) -> list[Transaction]:
        """The user's transactions dated start..end inclusive, in sort-key order (paginated Query)."""
        if start > end:
            return []  # DynamoDB rejects a BETWEEN whose bounds are reversed
        items = self._between(user_id, *schema.day_range(start, end))
        return [t for t in map(schema.item_to_transaction, items) if t is not None]

    def load_window(self, user_id: str, start: dt.date, end: dt.date, default_name: str | None = None) -> Window:
        """Profile + transactions start..end + commentary; ONE query when end is today or later.

        The profile and commentary keys sort after every date, so `sort key >= start` returns
        them with the window. For a window in the past that would read the whole later
        history, so a BETWEEN query is paired with a second query for just those two items.
        """
        if end >= clock.today():
            low = schema.window_start(start)
            items = list(self._query(user_id, "#pk = :u AND #sk >= :low", {":u": user_id, ":low": low}))
        else:
            items = list(self._between(user_id, *schema.day_range(start, end))) if start <= end else []
            first, last = sorted((schema.commentary_key(user_id)[schema.SK], schema.profile_key(user_id)[schema.SK]))
            # Only the profile and commentary keys sort in first..last; the filter keeps it that way.
            extra = self._between(user_id, first, last)
            items.extend(i for i in extra if schema.is_profile(i) or schema.is_commentary(i))
        return schema.split_window(items, user_id, start, end, default_name)

    def put_transactions(self, txns: Iterable[Transaction], progress: ProgressCallback | None = None) -> int:
        """Write many transactions in BatchWriteItem calls of 25, none dropped; returns how many were written.

        Puts overwrite an item with the same key. A key repeated in the input is written once
        (the last copy), because DynamoDB refuses duplicate keys inside one batch.
        """
        by_key: dict[tuple[str, str], Item] = {}
        for txn in txns:
            by_key[(txn.user_id, txn.sort_key)] = schema.transaction_to_item(txn)
        total, done = len(by_key), 0
        for batch in chunks(by_key.values()):
            self._batch_write(str(batch[0][schema.PK]), [{"PutRequest": {"Item": self._encode(i)}} for i in batch])
            done += len(batch)
            if progress:
                progress(done, total)
        return done

    def export_items(self, user_id: str) -> list[Item]:
        """Every item of the user's partition as plain dicts (numbers as Decimal)."""
        return list(self._query(user_id, "#pk = :u", {":u": user_id}))

    def delete_user(self, user_id: str) -> int:
        """Delete every item of the user's partition (keys-only query, then batched deletes)."""
        keys = list(self._query(user_id, "#pk = :u", {":u": user_id}, ProjectionExpression="#pk, #sk"))
        for batch in chunks(keys):
            self._batch_write(user_id, [{"DeleteRequest": {"Key": self._encode(k)}} for k in batch])
        return len(keys)

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

    def put_raw_item(self, item: Item) -> None:
        """Write an item exactly as given, unconditionally: for tests and migrations (e.g. legacy items)."""
        self._put(item)


def _names(*expressions: str) -> dict[str, str]:
    """The ExpressionAttributeNames the expressions use (DynamoDB refuses unused ones)."""
    text = " ".join(expressions)
    return {k: v for k, v in _NAMES.items() if re.search(re.escape(k) + r"\b", text)}


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _capacity_units(consumed: Any) -> float:
    """Total capacity units of a response (a dict for single calls, a list for batch calls)."""
    if not consumed:
        return 0.0
    entries = consumed if isinstance(consumed, list) else [consumed]
    return float(sum(float(e.get("CapacityUnits") or 0) for e in entries))


def _friendly(exc: Exception, table_name: str) -> str:
    """A short message a page can show, with the next step when there is one."""
    if isinstance(exc, ClientError):
        code = _code(exc)
        message = str(exc.response.get("Error", {}).get("Message", ""))
        if code == "ResourceNotFoundException":
            return f"The DynamoDB table '{table_name}' was not found: run `python -m lib init`."
        if code in _BUSY_CODES:
            return "DynamoDB is busy (requests are being throttled): try again in a moment."
        if code in _AUTH_CODES:
            return f"DynamoDB refused the AWS credentials ({code}): check AWS_PROFILE or the access keys."
        return f"DynamoDB refused the request ({code}: {message})."
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return "No AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY."
    if isinstance(exc, NoRegionError):
        return "No AWS region configured: set AWS_REGION (or AWS_DEFAULT_REGION)."
    if isinstance(exc, (BotoConnectionError, HTTPClientError)):
        return f"Cannot reach DynamoDB ({exc}): check the network or AWS_ENDPOINT_URL_DYNAMODB."
    return f"DynamoDB request failed ({type(exc).__name__}: {exc})."
