"""A small HTTP-aware TCP proxy in front of dynalite that injects faults per DynamoDB operation.

Faults, as a real network or DynamoDB produces them:
- hang: the request is read and never answered (the client's read timeout must end it)
- reset: the connection is reset as soon as the request arrives (nothing reaches the table)
- throttle: DynamoDB's 400 ThrottlingException (nothing reaches the table)
- lose: the request is forwarded and committed, then the connection is reset before the answer
"""
from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlparse

FAULTS = ("hang", "reset", "throttle", "lose")
_THROTTLE_BODY = b'{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate exceeded"}'


@dataclass
class _Rule:
    fault: str
    times: int | None  # None: every request from now on
    skip: int = 0  # let this many matching requests through first


@dataclass
class FaultProxy:
    """Listen on 127.0.0.1:<port>; forward to `upstream`; `inject()` faults; count requests per operation."""

    upstream: str
    attempts: Counter[str] = field(default_factory=Counter)
    faults_hit: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        target = urlparse(self.upstream)
        self._target = (target.hostname or "127.0.0.1", int(target.port or 80))
        self._rules: dict[str, _Rule] = {}
        self._lock = threading.Lock()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self._stop = threading.Event()
        self._open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.getsockname()[1]}"

    # -- the test's controls -------------------------------------------------------------
    def inject(self, operation: str, fault: str, times: int | None = None, skip: int = 0) -> None:
        """Apply `fault` to the next `times` requests of `operation` ("*" for all; None: until healed)."""
        assert fault in FAULTS, fault
        with self._lock:
            self._rules[operation] = _Rule(fault, times, skip)

    def heal(self) -> None:
        """No more faults: every request goes through."""
        with self._lock:
            self._rules.clear()

    def reset_counts(self) -> None:
        with self._lock:
            self.attempts.clear()
            self.faults_hit.clear()

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._server.close()
        for conn in list(self._open):
            with contextlib.suppress(OSError):
                conn.close()

    # -- plumbing ----------------------------------------------------------------------
    def _fault_for(self, operation: str) -> str | None:
        with self._lock:
            self.attempts[operation] += 1
            rule = self._rules.get(operation) or self._rules.get("*")
            if rule is None:
                return None
            if rule.skip:
                rule.skip -= 1
                return None
            if rule.times is not None:
                if rule.times <= 0:
                    return None
                rule.times -= 1
            self.faults_hit[f"{operation}:{rule.fault}"] += 1
            return rule.fault

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self._open.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        try:
            while not self._stop.is_set():
                request = _read_message(reader)
                if request is None:
                    return
                head, _ = request
                operation = _operation(head)
                fault = self._fault_for(operation)
                if fault == "hang":
                    self._stop.wait()  # never answer; the client gives up and closes
                    return
                if fault == "reset":
                    _reset(conn)
                    return
                if fault == "throttle":
                    conn.sendall(
                        b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.0\r\n"
                        b"Content-Length: " + str(len(_THROTTLE_BODY)).encode() + b"\r\n\r\n" + _THROTTLE_BODY
                    )
                    continue
                response = self._forward(b"".join(request))
                if fault == "lose":
                    _reset(conn)  # committed upstream; the answer never arrives
                    return
                conn.sendall(response)
        except OSError:
            return
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def _forward(self, raw: bytes) -> bytes:
        with socket.create_connection(self._target, timeout=30) as up:
            up.sendall(raw)
            message = _read_message(up.makefile("rb"))
        assert message is not None, "dynalite closed the connection without an answer"
        return b"".join(message)


def _read_message(reader: object) -> tuple[bytes, bytes] | None:
    """One HTTP/1.1 message (head, body) with a Content-Length body; None at end of stream."""
    lines = []
    while True:
        line = reader.readline()  # type: ignore[attr-defined]
        if not line:
            return None
        lines.append(line)
        if line in (b"\r\n", b"\n"):
            break
    head = b"".join(lines)
    length = 0
    for line in lines[1:]:
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    body = reader.read(length) if length else b""  # type: ignore[attr-defined]
    return head, body


def _operation(head: bytes) -> str:
    for line in head.decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() == "x-amz-target":
            return value.strip().rpartition(".")[2]
    return "?"


def _reset(conn: socket.socket) -> None:
    """Close with a TCP reset (SO_LINGER 0), as a dropped connection looks to the client."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()
