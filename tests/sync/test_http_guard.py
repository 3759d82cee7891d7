"""lib.sync.http: bounded answers, read and total timeouts, no redirects, loopback only with the flag."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from lib.core.bank import UNAVAILABLE
from lib.net.guard import UnsafeURLError
from lib.sync.base import SyncError
from lib.sync.http import Policy, request


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/big":
            body = b"x" * 5000
        elif self.path == "/stall":
            time.sleep(1.5)
            body = b"late"
        elif self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.05)
            return
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "http://127.0.0.1:1/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        else:
            body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


POLICY = Policy(allow_loopback=True, read_timeout=0.5, total_timeout=1.0, max_bytes=1000)


def test_a_plain_answer_is_read(base: str) -> None:
    assert request("GET", f"{base}/", POLICY).body == b"ok"


@pytest.mark.parametrize("path,why", [("/big", "too large"), ("/stall", "in time"), ("/drip", "in time"),
                                      ("/moved", "redirect")])
def test_oversized_slow_and_redirecting_answers_are_refused(base: str, path: str, why: str) -> None:
    with pytest.raises(SyncError) as refused:
        request("GET", f"{base}{path}", POLICY)
    assert refused.value.state == UNAVAILABLE and why in str(refused.value)


def test_without_the_flag_loopback_and_http_are_refused(base: str) -> None:
    with pytest.raises(UnsafeURLError):
        request("GET", f"{base}/", Policy())
    with pytest.raises(UnsafeURLError):
        request("GET", "https://127.0.0.1/", Policy())
