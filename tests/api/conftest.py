"""API fixtures: an RSA key the tests generate, its JWKS served on 127.0.0.1, tokens, and the
handler called with documented Function URL events on SQLite and on dynalite.

Every response a test receives through `Api.call` is checked against lib/api/openapi.yaml.
"""
from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jwt
import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric import rsa
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from lib.api.auth import TokenVerifier
from lib.config import Settings

HERE = Path(__file__).resolve().parent
REPO_ROOT_PATH = HERE.parent.parent
SPEC_PATH = REPO_ROOT_PATH / "lib" / "api" / "openapi.yaml"
EVENT = json.loads((HERE / "function_url_event.json").read_text())
CLIENT_ID = "3n4pp0c1i3nt1d0000000000ab"
TODAY = dt.date(2026, 12, 10)
POOL = "/us-east-1_TeSt0P00l"


# -- keys and the JWKS server ---------------------------------------------------------------
@dataclass
class KeySet:
    """The pool's signing key and a JWKS server for it; counts the JWKS fetches."""

    private: Any
    kid: str
    issuer: str
    fetches: list[str] = field(default_factory=list)

    def token(self, sub: str = "user-a", *, use: str = "id", key: Any = None, kid: str | None = None,
              headers: dict[str, Any] | None = None, **claims: Any) -> str:
        """A token as the pool would sign it; any claim can be overridden (None removes it)."""
        now = int(time.time())
        body: dict[str, Any] = {"sub": sub, "iss": self.issuer, "token_use": use, "iat": now, "exp": now + 600,
                                "auth_time": now}
        if use == "id":
            body.update(aud=CLIENT_ID, email=f"{sub}@example.test")
        else:
            body.update(client_id=CLIENT_ID, scope="openid")
        body.update(claims)
        body = {k: v for k, v in body.items() if v is not None}
        return jwt.encode(body, key or self.private, algorithm="RS256",
                          headers={"kid": kid or self.kid, **(headers or {})})


def _jwk(private: Any, kid: str) -> dict[str, Any]:
    numbers = private.public_key().public_numbers()

    def b64(n: int) -> str:
        return base64.urlsafe_b64encode(n.to_bytes((n.bit_length() + 7) // 8, "big")).rstrip(b"=").decode()

    return {"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": b64(numbers.n), "e": b64(numbers.e)}


@pytest.fixture(scope="session")
def keyset() -> Iterator[KeySet]:
    """A generated RSA key whose JWKS is served where Cognito serves it: {issuer}/.well-known/jwks.json."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = uuid.uuid4().hex[:16]
    body = json.dumps({"keys": [_jwk(private, kid)]}).encode()
    fetches: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fetches.append(self.path)
            if self.path != f"{POOL}/.well-known/jwks.json":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield KeySet(private, kid, f"http://127.0.0.1:{server.server_port}{POOL}", fetches)
    finally:
        server.shutdown()
        server.server_close()


# -- the OpenAPI check ----------------------------------------------------------------------
class Spec:
    """lib/api/openapi.yaml: the response schema of (method, path template, status)."""

    def __init__(self) -> None:
        self.doc = yaml.safe_load(SPEC_PATH.read_text())
        self.registry: Registry = Registry().with_resource("urn:api", DRAFT202012.create_resource(self.doc))

    def _deref(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = self.doc
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def check(self, method: str, template: str, status: int, headers: dict[str, str], body: Any) -> None:
        """Fail unless the status is documented for the operation and the body matches its schema."""
        operation = self.doc["paths"][template][method.lower()]
        responses = operation["responses"]
        assert str(status) in responses, f"{method} {template} answered {status}, not documented: {body}"
        response = self._deref(responses[str(status)])
        content = response.get("content")
        if not content:
            assert body in (None, ""), f"{status} documents no body, got {body!r}"
            return
        assert headers.get("Content-Type", "").startswith("application/json"), headers
        schema = content["application/json"]["schema"]
        validator = Draft202012Validator({"$ref": "urn:api#/" + _pointer_to(self.doc, schema)},
                                         registry=self.registry, format_checker=FormatChecker())
        errors = sorted(validator.iter_errors(body), key=str)
        assert not errors, f"{method} {template} {status} does not match openapi.yaml: {errors[0].message}: {body}"


def _pointer_to(doc: Any, target: Any, path: str = "") -> str:
    """The JSON pointer of `target` (by identity) inside doc."""
    if doc is target:
        return path.lstrip("/")
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else []
    for k, v in items:
        found = _pointer_to(v, target, f"{path}/{str(k).replace('~', '~0').replace('/', '~1')}")
        if found is not None:
            return found
    return None  # type: ignore[return-value]


@pytest.fixture(scope="session")
def spec() -> Spec:
    return Spec()


# -- stores -----------------------------------------------------------------------------------
@pytest.fixture(params=["sqlite", pytest.param("dynalite", marks=pytest.mark.dynalite)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """A fresh store: a real SQLite file, or a table on dynalite."""
    if request.param == "sqlite":
        from lib.store.sqlite import SQLiteStore

        s: Any = SQLiteStore(tmp_path / "api.db")
    else:
        from lib.store.dynamodb import DynamoDBStore
        from tests.contract.conftest import dynamodb_client, guard_against_scan

        client = dynamodb_client(request.getfixturevalue("dynalite_endpoint"))
        guard_against_scan(client)
        s = DynamoDBStore(f"api-{uuid.uuid4().hex[:12]}", client=client)
    s.init()
    return s


# -- calling the handler ------------------------------------------------------------------------
@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any


ROUTES = ("/dashboard", "/profile", "/transactions")


def template_of(path: str) -> str:
    return path if path in ROUTES else "/transactions/{id}" if path.startswith("/transactions/") else path


def function_url_event(method: str, path: str, *, token: str | None = None, body: Any = None,
                       query: dict[str, str] | None = None, headers: dict[str, str] | None = None,
                       raw_body: str | None = None) -> dict[str, Any]:
    """The documented payload 2.0 event (tests/api/function_url_event.json) for one request."""
    event = copy.deepcopy(EVENT)
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["method"] = method
    event["requestContext"]["requestId"] = str(uuid.uuid4())
    if query:
        event["rawQueryString"] = urlencode(query)
        event["queryStringParameters"] = dict(query)
    if token is not None:
        event["headers"]["authorization"] = f"Bearer {token}"
    event["headers"].update({k.lower(): v for k, v in (headers or {}).items()})
    if raw_body is not None or body is not None:
        event["body"] = raw_body if raw_body is not None else json.dumps(body)
        event["headers"]["content-type"] = "application/json"
    return event


class Api:
    """The app under test and a way to call it like a Function URL would."""

    def __init__(self, app: Any, store: Any, keyset: KeySet, spec: Spec) -> None:
        self.app, self.store, self.keyset, self.spec = app, store, keyset, spec

    def call(self, method: str, path: str, *, user: str | None = "user-a", token: str | None = None,
             check: bool = True, **kwargs: Any) -> Reply:
        if token is None and user is not None:
            token = self.keyset.token(user)
        event = function_url_event(method, path, token=token, **kwargs)
        raw = self.app.resolve(event, None)
        json.dumps(raw)  # what Lambda returns must be JSON-serialisable
        headers = {k: str(v) for k, v in (raw.get("headers") or {}).items()}
        text = raw.get("body") or ""
        body = json.loads(text) if text and headers.get("Content-Type", "").startswith("application/json") else text
        assert "Traceback" not in text
        if check:
            self.spec.check(method, template_of(path), raw["statusCode"], headers, body)
        return Reply(raw["statusCode"], headers, body)


def txn_path(txn_id: str) -> str:
    return "/transactions/" + quote(txn_id, safe="")


def settings_for(keyset: KeySet, **changes: Any) -> Settings:
    return Settings(store_url="sqlite:///unused", jwt_issuer=keyset.issuer, jwt_client_id=CLIENT_ID, **changes)


@pytest.fixture
def api(store: Any, keyset: KeySet, spec: Spec) -> Api:
    """The API on the store, with the offline coach and a fixed today."""
    from lib.api import create_app

    settings = settings_for(keyset)
    app = create_app(settings, store, TokenVerifier.from_settings(settings), clock=lambda: TODAY)
    return Api(app, store, keyset, spec)
