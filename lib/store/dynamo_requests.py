"""The DynamoDB backend's plumbing: one low-level client, every request metered and translated.

`DynamoRequests` is the only place a request is made (get, put, delete, a claim for a move,
paginated queries, batches of 25 with exact partial counts); `DynamoDBStore` builds the Store
protocol on it. Keys and item shapes come from lib/store/schema.py.
"""
from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError

from lib.core.errors import PartialWriteError, StoreUnavailableError, TooLargeError, ValidationError
from lib.store import schema
from lib.store.base import Meter, ProgressCallback, chunks, partial_message
from lib.store.resilience import OutageMemory, client_config, code_of, friendly, is_outage, shared_memory
from lib.store.schema import Item

log = logging.getLogger("lib.store.dynamodb")

_NAMES = {"#pk": schema.PK, "#sk": schema.SK, "#v": "version", "#m": schema.MOVED_TO, "#upto": "upto", "#day": "day",
          "#ft": "forecast_through"}
_CONDITION_FAILED = "ConditionalCheckFailedException"


class ConditionFailed(Exception):
    """A conditional write was refused; callers turn it into the right ConflictError (or a success)."""


class _BatchStopped(Exception):
    """A batch stopped midway: `written` of its items are confirmed, `unconfirmed` got no answer."""

    def __init__(self, written: int, unconfirmed: int, cause: StoreUnavailableError):
        super().__init__(str(cause))
        self.written, self.unconfirmed, self.cause = written, unconfirmed, cause


def default_client(session: Any = None) -> Any:
    """A DynamoDB client from boto3's standard chain, with the app's bounded timeouts and retries."""
    import boto3

    return (session or boto3.session.Session()).client("dynamodb", config=client_config())


class DynamoRequests:
    """Requests to one table through one client: metered, bounded, and translated into our errors."""

    def __init__(
        self,
        table_name: str = schema.TABLE_NAME,
        *,
        client: Any = None,
        session: Any = None,
        consistent_reads: bool = False,
        max_batch_attempts: int = 5,
        sleep: Callable[[float], None] = time.sleep,
        outages: OutageMemory | None = None,
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
                raise StoreUnavailableError(friendly(exc, table_name)) from exc
        self.client = client
        endpoint = str(getattr(getattr(client, "meta", None), "endpoint_url", ""))
        self.outages = outages or shared_memory(f"{endpoint}/{table_name}")

    # -- encoding -----------------------------------------------------------------

    def _encode(self, item: Item) -> dict[str, Any]:
        return {k: self._ser.serialize(v) for k, v in item.items()}

    def _decode(self, raw: dict[str, Any]) -> Item:
        return {k: self._de.deserialize(v) for k, v in raw.items()}

    # -- the one place a request is made ----------------------------------------------

    def _call(self, operation: str, user_id: str, *, read: bool, **kwargs: Any) -> dict[str, Any]:
        """Make one request, meter it, and translate every botocore error into ours.

        While an outage is remembered the request is not made at all: the page gets the
        notice at once instead of waiting out the same timeouts again.
        """
        self.outages.check()
        try:
            response: dict[str, Any] = getattr(self.client, operation)(**kwargs)
        except ClientError as exc:
            self.meter.record(user_id, read=read)
            code = code_of(exc)
            if code == _CONDITION_FAILED:
                raise ConditionFailed(code) from exc
            if code == "ValidationException":  # issue 22: the data, not the store, is at fault
                raise _refused_data(exc) from exc
            log.info("dynamodb request refused", extra={"operation": operation, "code": code})
            self._fail(exc)
        except BotoCoreError as exc:
            log.info("dynamodb unreachable", extra={"operation": operation, "error": type(exc).__name__})
            self._fail(exc)
        self.outages.clear()
        units = _capacity_units(response.get("ConsumedCapacity"))
        self.meter.record(user_id, read=read, read_units=units if read else 0.0, write_units=0.0 if read else units)
        return response

    def _fail(self, exc: Exception) -> NoReturn:
        message = friendly(exc, self.table_name)
        if is_outage(exc):
            self.outages.remember(message)
        raise StoreUnavailableError(message) from exc

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
        kwargs = self._conditioned(condition, values, Item=self._encode(item))
        self._call("put_item", str(item[schema.PK]), read=False, **kwargs)

    def _delete(
        self, key: dict[str, str], condition: str | None = None, values: dict[str, Any] | None = None
    ) -> None:
        kwargs = self._conditioned(condition, values, Key=self._encode(key))
        self._call("delete_item", key[schema.PK], read=False, **kwargs)

    def _conditioned(self, condition: str | None, values: dict[str, Any] | None, **request: Any) -> dict[str, Any]:
        """A single-item write request on this table, with its condition and values when given."""
        kwargs: dict[str, Any] = {"TableName": self.table_name, "ReturnConsumedCapacity": "TOTAL", **request}
        if condition:
            kwargs["ConditionExpression"] = condition
            kwargs["ExpressionAttributeNames"] = _names(condition)
        if values:
            kwargs["ExpressionAttributeValues"] = {k: self._ser.serialize(v) for k, v in values.items()}
        return kwargs

    def _mark_moving(self, key: dict[str, str], expected: int, new_key: str) -> None:
        """Claim the item for a move: version + 1 and the new key, only if the version is still `expected`."""
        condition, values = version_is(expected)
        update = "SET #v = :next, #m = :to"
        self._call(
            "update_item",
            key[schema.PK],
            read=False,
            TableName=self.table_name,
            Key=self._encode(key),
            UpdateExpression=update,
            ConditionExpression=f"attribute_exists(#sk) AND ({condition})",
            ExpressionAttributeNames=_names(update, condition, "#sk"),
            ExpressionAttributeValues={
                k: self._ser.serialize(v) for k, v in {**values, ":next": expected + 1, ":to": new_key}.items()
            },
            ReturnConsumedCapacity="TOTAL",
        )

    def _batch_write(self, user_id: str, requests: list[dict[str, Any]]) -> None:
        """One BatchWriteItem of <= 25 requests, resubmitting UnprocessedItems with backoff until none are left.

        Raises _BatchStopped with the exact split of this batch when it cannot finish.
        """
        pending = requests
        for attempt in range(self.max_batch_attempts):
            try:
                response = self._call(
                    "batch_write_item",
                    user_id,
                    read=False,
                    RequestItems={self.table_name: pending},
                    ReturnConsumedCapacity="TOTAL",
                )
            except StoreUnavailableError as exc:
                # A refusal (throttled, 4xx) wrote nothing of this request; no answer at all may
                # have written any of it.
                refused = isinstance(exc.__cause__, ClientError)
                written = len(requests) - len(pending)
                raise _BatchStopped(written, 0 if refused else len(pending), exc) from exc
            pending = (response.get("UnprocessedItems") or {}).get(self.table_name) or []
            if not pending:
                return
            if attempt + 1 < self.max_batch_attempts:
                # Full jitter, capped low: throttled writers retrying in lockstep would just collide
                # again, and the whole call must stay within a page's patience.
                self._sleep(random.uniform(0, min(0.5, 0.05 * 2**attempt)))
        log.info("batch write gave up", extra={"user_id": user_id, "unwritten": len(pending)})
        why = f"DynamoDB left {len(pending)} items unprocessed {self.max_batch_attempts} times: throttled"
        raise _BatchStopped(len(requests) - len(pending), 0, StoreUnavailableError(why))

    def _write_all(
        self, user_id: str, action: str, requests: list[dict[str, Any]], progress: ProgressCallback | None
    ) -> int:
        """Send requests in batches of 25; a stop midway is a PartialWriteError with the exact counts."""
        total, done = len(requests), 0
        for batch in chunks(requests):
            try:
                self._batch_write(user_id, batch)
            except _BatchStopped as stop:
                written = done + stop.written
                log.info(
                    "batch write stopped",
                    extra={"user_id": user_id, "action": action, "written": written, "total": total},
                )
                message = partial_message(action, written, total, stop.unconfirmed, str(stop.cause))
                raise PartialWriteError(
                    message, written=written, total=total, unconfirmed=stop.unconfirmed, action=action
                ) from stop.cause
            done += len(batch)
            if progress:
                progress(done, total)
        return done

def _names(*expressions: str) -> dict[str, str]:
    """The ExpressionAttributeNames the expressions use (DynamoDB refuses unused ones)."""
    text = " ".join(expressions)
    return {k: v for k, v in _NAMES.items() if re.search(re.escape(k) + r"\b", text)}


def _refused_data(exc: ClientError) -> ValidationError:
    """DynamoDB's ValidationException in our words (its own message names attributes and internals)."""
    message = str(exc.response.get("Error", {}).get("Message", ""))
    log.info("dynamodb refused the data", extra={"error": message[:200]})
    if "size" in message.lower():
        return TooLargeError({"item": "This is too large to store (at most 400 KB per record): shorten the text."})
    return ValidationError({"item": "The store refused this data as invalid: check the fields and try again."})


def version_is(expected: int) -> tuple[str, dict[str, Any]]:
    """A condition that the stored version is `expected` (0: an item without a version attribute)."""
    if expected == 0:
        return "attribute_not_exists(#v) OR #v = :expected", {":expected": 0}
    return "#v = :expected", {":expected": expected}


def _capacity_units(consumed: Any) -> float:
    """Total capacity units of a response (a dict for single calls, a list for batch calls)."""
    if not consumed:
        return 0.0
    entries = consumed if isinstance(consumed, list) else [consumed]
    return float(sum(float(e.get("CapacityUnits") or 0) for e in entries))

