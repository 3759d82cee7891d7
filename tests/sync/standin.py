"""A SimpleFIN Bridge stand-in written from the protocol document (simplefin.org/protocol.html), on 127.0.0.1.

POST /claim/<code> answers the access URL once (403 after); GET /simplefin/accounts needs the Basic
credentials of that URL and honours start-date (on or after), end-date (before, not on) and pending=1.
`status` forces an answer (402, 403), `redirect_to` answers 302 there, `errors`/`errlist` fill the lists.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


def epoch(day: dt.date, hour: int = 12) -> int:
    return int(dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC).timestamp())


@dataclass
class Bridge:
    user: str = "user123"
    password: str = "p@ss:456"
    codes: set[str] = field(default_factory=lambda: {"demo"})
    claimed: set[str] = field(default_factory=set)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    errlist: list[dict[str, Any]] = field(default_factory=list)
    status: int | None = None
    redirect_to: str | None = None
    requests: list[tuple[str, str, dict[str, list[str]], str | None]] = field(default_factory=list)
    port: int = 0

    def token(self, code: str = "demo") -> str:
        return base64.b64encode(f"http://127.0.0.1:{self.port}/simplefin/claim/{code}".encode()).decode()

    def gets(self) -> list[dict[str, list[str]]]:
        return [q for method, path, q, _ in self.requests if method == "GET"]


def account(acct_id: str, name: str, rows: list[dict[str, Any]], *, org: str = "Demo Bank",
            currency: str = "USD") -> dict[str, Any]:
    return {"org": {"name": org, "domain": "demo.example", "sfin-url": "https://sfin.demo.example"}, "id": acct_id,
            "name": name, "currency": currency, "balance": "100.23", "balance-date": 978366153, "transactions": rows}


def row(txn_id: str, day: dt.date, amount: str, description: str, *, pending: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"id": txn_id, "posted": 0 if pending else epoch(day), "amount": amount,
                           "description": description, "transacted_at": epoch(day)}
    if pending:
        out["pending"] = True
    return out


def _handler(bridge: Bridge) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            bridge.requests.append(("POST", parts.path, {}, self.headers.get("Authorization")))
            code = parts.path.rsplit("/", 1)[-1]
            if not parts.path.startswith("/simplefin/claim/") or code not in bridge.codes or code in bridge.claimed:
                return self._send(403, b"Forbidden")
            bridge.claimed.add(code)
            pw = bridge.password.replace("@", "%40").replace(":", "%3A")
            self._send(200, f"http://{bridge.user}:{pw}@127.0.0.1:{bridge.port}/simplefin".encode())

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            auth = self.headers.get("Authorization")
            bridge.requests.append(("GET", parts.path, query, auth))
            if bridge.redirect_to:
                return self._send(302, b"", {"Location": bridge.redirect_to})
            wanted = "Basic " + base64.b64encode(f"{bridge.user}:{bridge.password}".encode()).decode()
            if auth != wanted or bridge.status == 403:
                return self._send(403, b"Forbidden")
            if bridge.status:
                return self._send(bridge.status, b"Payment Required")
            if parts.path != "/simplefin/accounts":
                return self._send(404)
            start = int(query.get("start-date", ["0"])[0])
            end = int(query.get("end-date", [str(2**40)])[0])
            pending = query.get("pending") == ["1"]
            accounts = []
            for acct in bridge.accounts:
                rows = [r for r in acct["transactions"] if (pending or not r.get("pending"))
                        and start <= (r["posted"] or r["transacted_at"]) < end]
                accounts.append({**acct, "transactions": rows})
            body: dict[str, Any] = {"errors": bridge.errors, "accounts": accounts}
            if bridge.errlist:
                body["errlist"] = bridge.errlist
            self._send(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

    return Handler


class Running:
    """The stand-in served from a thread until close()."""

    def __init__(self, bridge: Bridge):
        self.bridge = bridge
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(bridge))
        bridge.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
