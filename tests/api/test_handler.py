"""`lib.api:handler`, the Lambda entry point, configured only by the environment (as the template sets it)."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import lib.api
from lib.config import load_settings
from tests.api.conftest import CLIENT_ID, KeySet, function_url_event


@pytest.fixture
def fresh_handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The handler builds its app once per process: start each test without one."""
    monkeypatch.setattr(lib.api, "_app", None)
    yield
    lib.api._app = None


def test_the_handler_serves_a_function_url_event_from_environment_settings(
    fresh_handler: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, keyset: KeySet
) -> None:
    monkeypatch.setenv("FINANCE_STORE", f"sqlite:///{tmp_path / 'lambda.db'}")
    monkeypatch.setenv("FINANCE_JWT_ISSUER", keyset.issuer)
    monkeypatch.setenv("FINANCE_JWT_CLIENT_ID", CLIENT_ID)
    event = function_url_event("GET", "/profile", token=keyset.token("user-a", name="Ada"))
    reply = lib.api.handler(event, None)
    assert reply["statusCode"] == 200
    assert json.loads(reply["body"])["profile"]["display_name"] == "Ada"
    again = lib.api.handler(function_url_event("GET", "/profile"), None)
    assert again["statusCode"] == 401 and json.loads(again["body"])["message"]


def test_each_request_logs_one_json_line_without_the_token(
    fresh_handler: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, keyset: KeySet,
    capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    monkeypatch.setenv("FINANCE_STORE", f"sqlite:///{tmp_path / 'lambda.db'}")
    monkeypatch.setenv("FINANCE_JWT_ISSUER", keyset.issuer)
    monkeypatch.setenv("FINANCE_JWT_CLIENT_ID", CLIENT_ID)
    for handler in lib.api.logger.handlers:  # Powertools bound its stream at import: point it at capsys
        monkeypatch.setattr(handler, "stream", sys.stdout)
    token = keyset.token("user-a")
    lib.api.handler(function_url_event("GET", "/profile", token=token), None)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    request = [line for line in lines if line.get("message") == "api request"]
    assert len(request) == 1
    assert (request[0]["method"], request[0]["path"], request[0]["status"]) == ("GET", "/profile", 200)
    assert request[0]["correlation_id"]
    assert token not in json.dumps(lines)


def test_an_unconfigured_api_answers_503_in_json(fresh_handler: None, monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    monkeypatch.setenv("FINANCE_STORE", f"sqlite:///{tmp_path / 'lambda.db'}")
    for name in ("FINANCE_JWT_ISSUER", "FINANCE_JWT_CLIENT_ID", "FINANCE_JWKS_URL"):
        monkeypatch.delenv(name, raising=False)
    reply = lib.api.handler(function_url_event("GET", "/dashboard"), None)
    assert reply["statusCode"] == 503
    assert "FINANCE_JWT_ISSUER" in json.loads(reply["body"])["message"]


def test_an_event_that_is_not_a_function_url_event_is_a_json_500(
    fresh_handler: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, keyset: KeySet
) -> None:
    monkeypatch.setenv("FINANCE_STORE", f"sqlite:///{tmp_path / 'lambda.db'}")
    monkeypatch.setenv("FINANCE_JWT_ISSUER", keyset.issuer)
    monkeypatch.setenv("FINANCE_JWT_CLIENT_ID", CLIENT_ID)
    reply: dict[str, Any] = lib.api.handler({"Records": [{"eventSource": "aws:sqs"}]}, None)
    assert reply["statusCode"] == 500
    body = json.loads(reply["body"])
    assert body["message"] and "Traceback" not in reply["body"]


def test_jwt_settings_come_from_the_environment_or_secrets() -> None:
    secrets = {"FINANCE_JWT_ISSUER": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool",
               "FINANCE_JWT_CLIENT_ID": "from-secrets", "user_claim": "email"}
    s = load_settings(secrets, environ={})
    assert (s.jwt_issuer, s.jwt_client_id, s.user_claim) == (secrets["FINANCE_JWT_ISSUER"], "from-secrets", "email")
    assert s.jwks_url == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool/.well-known/jwks.json"
    env = load_settings(secrets, environ={"FINANCE_JWT_CLIENT_ID": "from-env", "FINANCE_JWKS_URL": "http://k/jwks"})
    assert (env.jwt_client_id, env.jwks_url) == ("from-env", "http://k/jwks")
    assert load_settings({}, environ={}).user_claim == "sub"
