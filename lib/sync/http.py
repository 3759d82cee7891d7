"""One guarded HTTP request for bank feeds: SSRF-checked, pinned to the checked address, no redirects.

http.client (the standard library) is used directly rather than urllib or requests: it never
follows a redirect by itself, and a connection subclass can connect to the very address
lib.net.guard approved (closing the gap where DNS answers differently a moment later) while TLS
still verifies the certificate for the host name. The connect timeout and the read timeout are
separate; an answer larger than `max_bytes` is refused before it is parsed.
"""
from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from lib.core.bank import UNAVAILABLE
from lib.net.guard import Resolver, UnsafeURLError, check_url, system_resolver
from lib.sync.base import SyncError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    """What a request may do; `allow_loopback` (http, 127.0.0.1) only locally with FINANCE_BANK_ALLOW_LOOPBACK=1."""

    allow_loopback: bool = False
    connect_timeout: float = 5.0
    read_timeout: float = 20.0  # per read; the whole answer must also arrive within total_timeout
    total_timeout: float = 60.0
    max_bytes: int = 8_000_000
    resolver: Resolver = system_resolver


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, policy: Policy):
        super().__init__(host, port, timeout=policy.connect_timeout, context=ssl.create_default_context())
        self._address, self._read_timeout = address, policy.read_timeout

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port or 443), self.timeout)
        raw.settimeout(self._read_timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, policy: Policy):
        super().__init__(host, port, timeout=policy.connect_timeout)
        self._address, self._read_timeout = address, policy.read_timeout

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port or 80), self.timeout)
        self.sock.settimeout(self._read_timeout)


def _read_bounded(response: http.client.HTTPResponse, policy: Policy) -> bytes:
    """At most max_bytes + 1 bytes, within total_timeout: a bridge dripping a byte a second is cut off."""
    deadline = time.monotonic() + policy.total_timeout
    parts: list[bytes] = []
    size = 0
    while size <= policy.max_bytes:
        if time.monotonic() > deadline:
            raise TimeoutError("the answer took too long")
        piece = response.read1(65536)
        if not piece:
            break
        parts.append(piece)
        size += len(piece)
    return b"".join(parts)


def check(url: str, policy: Policy, field: str = "url") -> list[str]:
    """The addresses `url` may reach: public https; with allow_loopback also http and loopback, never other
    private or link-local addresses (the metadata service stays out even in tests)."""
    try:
        addresses = check_url(url, allow_private=policy.allow_loopback, resolver=policy.resolver)
        if policy.allow_loopback:
            inner = [a for a in addresses if not ipaddress.ip_address(a.split("%", 1)[0]).is_loopback
                     and not ipaddress.ip_address(a.split("%", 1)[0]).is_global]
            if inner:
                raise UnsafeURLError(f"That address points to a private or internal address ({inner[0]}), "
                                     "which this server never calls.")
    except UnsafeURLError as exc:
        raise UnsafeURLError(exc.reason, field) from exc
    return addresses


def request(method: str, url: str, policy: Policy, headers: dict[str, str] | None = None,
            *, field: str = "url") -> Answer:
    """Send one request to `url` (credentials in it are never sent or logged); the status and a bounded body.

    Refused addresses raise UnsafeURLError (a ValidationError for `field`); a redirect, a timeout or
    a connection failure raise SyncError(unavailable). Redirects are never followed.
    """
    addresses = check(url, policy, field)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    port = parts.port or (443 if scheme == "https" else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    conn = kind(host, port, addresses[0], policy)
    try:
        conn.request(method, target, headers={"Accept": "application/json", "User-Agent": "money-coach",
                                              **(headers or {})})
        response = conn.getresponse()
        body = _read_bounded(response, policy)
    except (OSError, http.client.HTTPException) as exc:
        log.info("bank request failed", extra={"host": host[:60], "error": type(exc).__name__})
        why = "it did not answer in time" if isinstance(exc, TimeoutError) else type(exc).__name__
        raise SyncError(UNAVAILABLE, f"The bridge at {host[:60]} could not be reached ({why}).") from exc
    finally:
        conn.close()
    if 300 <= response.status < 400:
        raise SyncError(UNAVAILABLE, f"The bridge at {host[:60]} answered with a redirect, which is never followed.")
    if len(body) > policy.max_bytes:
        raise SyncError(UNAVAILABLE, "The bridge's answer was too large to read.")
    return Answer(response.status, body)
