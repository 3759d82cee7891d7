"""The API on 127.0.0.1 for a front end's development loop: HTTP in, Function URL events (2.0) out.

The resolver is the one Lambda runs; this module only translates requests and responses.
`DevKeys` is an optional throwaway signing key (never stored) whose JWKS this server serves
itself, so a developer can mint a token for a local user without any identity provider.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt

log = logging.getLogger(__name__)

HOST = "127.0.0.1"  # loopback only: this is a development server, never a deployment
DEV_TOKEN_HOURS = 12
MAX_BODY_BYTES = 1_000_000
JWKS_PATH = "/.well-known/jwks.json"


def to_event(method: str, target: str, headers: dict[str, str], body: bytes, source_ip: str = HOST) -> dict[str, Any]:
    """A Lambda Function URL event (payload format 2.0) for one HTTP request."""
    parts = urlsplit(target)
    lowered: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers.items():
        key = name.lower()
        if key == "cookie":
            cookies.extend(c.strip() for c in value.split(";") if c.strip())
            continue
        # Function URLs join repeated headers with commas.
        lowered[key] = f"{lowered[key]},{value}" if key in lowered else value
    query: dict[str, str] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    text_body: str | None = None
    is_b64 = False
    if body:
        try:
            text_body = body.decode("utf-8")
        except UnicodeDecodeError:
            text_body, is_b64 = base64.b64encode(body).decode("ascii"), True
    now = dt.datetime.now(dt.UTC)
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": parts.path or "/",
        "rawQueryString": parts.query,
        "cookies": cookies,
        "headers": lowered,
        "queryStringParameters": query or None,
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "local",
            "domainName": lowered.get("host", HOST),
            "domainPrefix": "local",
            "http": {
                "method": method.upper(),
                "path": parts.path or "/",
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "body": text_body,
        "pathParameters": None,
        "isBase64Encoded": is_b64,
        "stageVariables": None,
    }


@dataclass
class DevKeys:
    """A throwaway RSA key (in memory only) and the tokens it signs, for local development."""

    private: Any
    kid: str
    issuer: str
    client_id: str

    @classmethod
    def generate(cls, issuer: str, client_id: str) -> DevKeys:
        from cryptography.hazmat.primitives.asymmetric import rsa

        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048), uuid.uuid4().hex[:16], issuer,
                   client_id)

    def jwks(self) -> dict[str, Any]:
        """The public half, as a JWKS document."""
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def token(self, user_id: str, name: str | None = None, hours: int = DEV_TOKEN_HOURS) -> str:
        """An ID token shaped like Cognito's for user_id."""
        now = int(time.time())
        claims: dict[str, Any] = {"sub": user_id, "iss": self.issuer, "aud": self.client_id, "token_use": "id",
                                  "iat": now, "auth_time": now, "exp": now + hours * 3600}
        if name:
            claims["name"] = name
        return jwt.encode(claims, self.private, algorithm="RS256", headers={"kid": self.kid})


class LocalServer(ThreadingHTTPServer):
    """127.0.0.1:port handing every request to `app` (a resolver) as a Function URL event."""

    daemon_threads = True

    def __init__(self, port: int) -> None:
        # Threads, so the token check can fetch this same server's JWKS while a request waits for it.
        super().__init__((HOST, port), _Handler)
        self.app: Any = None
        self.dev_keys: DevKeys | None = None
        # The resolver keeps the current event on itself: one request at a time, as in one Lambda container.
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_port}"


class _Handler(BaseHTTPRequestHandler):
    server_version = "lib-api-local"
    server: LocalServer

    def _reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self) -> None:
        keys = self.server.dev_keys
        if keys is not None and self.command == "GET" and urlsplit(self.path).path == JWKS_PATH:
            self._reply(200, {"Content-Type": "application/json"}, json.dumps(keys.jwks()).encode())
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._reply(413, {"Content-Type": "application/json"}, b'{"message": "The body is too large."}')
            return
        body = self.rfile.read(length) if length else b""
        event = to_event(self.command, self.path, dict(self.headers.items()), body, self.client_address[0])
        with self.server.lock:
            result = self.server.app.resolve(event, None)
        raw = result.get("body") or ""
        data = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode("utf-8")
        headers = {str(k): str(v) for k, v in (result.get("headers") or {}).items()}
        self._reply(int(result.get("statusCode", 500)), headers, data)
        log.info("api request", extra={"method": self.command, "path": urlsplit(self.path).path,
                                       "status": result.get("statusCode")})

    do_GET = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = do_HEAD = _handle

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one structured line per request is logged in _handle instead
