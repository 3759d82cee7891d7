"""Bounded waits for the DynamoDB backend: the client's timeouts and retries, and outage memory.

An interactive page must answer within seconds, so the client gets short timeouts and a
small retry budget (`client_config`), and an outage seen once is remembered for a short
time (`OutageMemory`): page loads in that time get the notice at once instead of waiting
for the same timeout again, and the first request after it tries the service afresh.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from botocore.config import Config
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

from lib.core.errors import StoreUnavailableError

CONNECT_TIMEOUT = 1.0  # seconds to open a connection (same region: milliseconds when healthy)
READ_TIMEOUT = 3.0  # seconds to wait for each read of an answer
MAX_ATTEMPTS = 2  # the first try and one retry (botocore "standard" mode retries throttles and resets)
OUTAGE_MEMORY_SECONDS = 15.0  # how long an outage is answered from memory before trying again
# botocore's standard mode waits rand(0, 1) * min(scale * 2**i, 20) s before retry i (scale 1 s for
# throttling, less otherwise): the throttling scale is the worst case.
_THROTTLE_BACKOFF_SCALE = 1.0

BUSY_CODES = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}
_SERVER_CODES = {"InternalServerError", "ServiceUnavailable", "InternalFailure"}
AUTH_CODES = {
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "AccessDeniedException",
    "ExpiredTokenException",
    "MissingAuthenticationTokenException",
}


def client_config() -> Config:
    """The botocore Config of every DynamoDB client the app builds (see `wait_bound`)."""
    return Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
    )


def wait_bound(config: Config) -> float:
    """The longest one request can take before it fails, from the config alone (seconds).

    Every attempt may spend the connect and the read timeout; between attempts botocore
    sleeps at most the throttling backoff.
    """
    attempts = int((config.retries or {}).get("total_max_attempts") or 1)
    per_attempt = float(config.connect_timeout) + float(config.read_timeout)
    backoff = sum(min(_THROTTLE_BACKOFF_SCALE * 2**i, 20.0) for i in range(attempts - 1))
    return attempts * per_attempt + backoff


def code_of(exc: ClientError) -> str:
    """The error code of a ClientError ('' when there is none)."""
    return str(exc.response.get("Error", {}).get("Code", ""))


def is_outage(exc: Exception) -> bool:
    """True for failures that will likely repeat for a while: no connection, timeouts, throttling, 5xx."""
    if isinstance(exc, ClientError):
        code = code_of(exc)
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        return code in BUSY_CODES or code in _SERVER_CODES or status >= 500
    return isinstance(exc, BotoCoreError) and not isinstance(
        exc, (NoCredentialsError, PartialCredentialsError, NoRegionError)
    )


def friendly(exc: Exception, table_name: str) -> str:
    """A short message a page can show, with the next step when there is one."""
    if isinstance(exc, ClientError):
        code = code_of(exc)
        message = str(exc.response.get("Error", {}).get("Message", ""))
        if code == "ResourceNotFoundException":
            return f"The DynamoDB table '{table_name}' was not found: run `python -m lib init`."
        if code in BUSY_CODES:
            return "DynamoDB is busy (requests are being throttled): try again in a moment."
        if code in AUTH_CODES:
            return f"DynamoDB refused the AWS credentials ({code}): check AWS_PROFILE or the access keys."
        return f"DynamoDB refused the request ({code}: {message})."
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return "No AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY."
    if isinstance(exc, NoRegionError):
        return "No AWS region configured: set AWS_REGION (or AWS_DEFAULT_REGION)."
    if isinstance(exc, (BotoConnectionError, HTTPClientError)):
        return f"Cannot reach DynamoDB ({exc}): check the network or AWS_ENDPOINT_URL_DYNAMODB."
    return f"DynamoDB request failed ({type(exc).__name__}: {exc})."


@dataclass
class _Seen:
    until: float
    since: float
    message: str


class OutageMemory:
    """Remembers one store's last outage for `seconds`; thread-safe (one per store, so per process)."""

    def __init__(self, seconds: float = OUTAGE_MEMORY_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: _Seen | None = None

    def check(self) -> None:
        """Raise StoreUnavailableError at once while a recent outage is remembered."""
        with self._lock:
            seen = self._seen
            now = self._clock()
            if seen is None or now >= seen.until:
                return
        retry_in = max(1, round(seen.until - now))
        raise StoreUnavailableError(f"{seen.message} (The app tries again by itself in about {retry_in} s.)")

    def remember(self, message: str) -> None:
        """Note an outage now; the next `seconds` of requests fail at once with this message."""
        now = self._clock()
        with self._lock:
            self._seen = _Seen(now + self.seconds, now, message)

    def clear(self) -> None:
        """The service answered: forget the outage."""
        with self._lock:
            self._seen = None

    @property
    def active(self) -> bool:
        with self._lock:
            return self._seen is not None and self._clock() < self._seen.until


_SHARED: dict[str, OutageMemory] = {}
_SHARED_LOCK = threading.Lock()


def shared_memory(key: str) -> OutageMemory:
    """The process-wide outage memory of one store (table and endpoint).

    Shared, not per store object: a page load whose store could not even be opened builds a
    new store object on the next load, and that one must remember the outage too.
    """
    with _SHARED_LOCK:
        return _SHARED.setdefault(key, OutageMemory())
