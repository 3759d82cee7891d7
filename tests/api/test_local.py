"""`python -m lib api`: real HTTP on 127.0.0.1 turned into Function URL events for the same handler."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from lib.api.local import to_event
from tests.api.conftest import EVENT, REPO_ROOT_PATH


def shape(value: Any) -> Any:
    """The keys of a JSON document, recursively (values left out)."""
    return {k: shape(v) for k, v in value.items()} if isinstance(value, dict) else None


def test_a_translated_request_has_the_documented_event_shape() -> None:
    event = to_event("POST", "/transactions?from=2026-12-01&from=2026-12-02", {
        "Host": "127.0.0.1:8787", "Authorization": "Bearer x", "Content-Type": "application/json",
        "Cookie": "a=1; b=2"}, b'{"amount": "1.00"}')
    expected = shape(EVENT)
    for flexible in ("headers", "queryStringParameters"):  # these hold the request's own names
        expected.pop(flexible)
        assert isinstance(event[flexible], dict)
    actual = shape(event)
    for flexible in ("headers", "queryStringParameters"):
        actual.pop(flexible)
    assert actual == expected
    assert event["requestContext"]["http"]["method"] == "POST"
    assert event["rawPath"] == "/transactions"
    assert event["queryStringParameters"] == {"from": "2026-12-01,2026-12-02"}  # joined, as Function URLs do
    assert event["headers"]["authorization"] == "Bearer x"
    assert event["cookies"] == ["a=1", "b=2"] and "cookie" not in event["headers"]
    assert json.loads(event["body"]) == {"amount": "1.00"} and event["isBase64Encoded"] is False


def _request(base: str, method: str, path: str, token: str | None, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if data:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def test_the_cli_serves_the_api_with_a_dev_token(tmp_path: Path) -> None:
    env = {**os.environ, "FINANCE_STORE": f"sqlite:///{tmp_path / 'local.db'}", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lib", "api", "--port", "0", "--dev-user", "dev-ada", "--dev-name", "Ada"],
        cwd=REPO_ROOT_PATH, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(3)]
        assert lines[0].startswith("API on http://127.0.0.1:"), lines
        base = lines[0].split()[2]
        token = lines[2].strip()

        assert _request(base, "GET", "/profile", None)[0] == 401
        status, body = _request(base, "GET", "/profile", token)
        assert (status, body["profile"]["display_name"]) == (200, "Ada")
        day = time.strftime("%Y-%m-%d")
        status, body = _request(base, "POST", "/transactions", token, {"date": day, "amount": 4.2,
                                                                        "category": "Coffee"})
        assert status == 201 and body["transaction"]["amount"] == "4.20"
        status, body = _request(base, "GET", "/transactions", token)
        assert [t["category"] for t in body["transactions"]] == ["Coffee"]
        status, body = _request(base, "GET", "/dashboard", token)
        assert status == 200 and body["day"]["spent"] == "4.20" and body["coach"]["text"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
