"""Tokens: only a valid token of the configured pool and app client gets in, and only to its own data."""
from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from lib.api import create_app
from lib.api.auth import TokenVerifier
from tests.api.conftest import TODAY, Api, KeySet, settings_for, txn_path


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def refused_tokens(keys: KeySet) -> dict[str, str]:
    now = int(time.time())
    good = keys.token("user-a")
    header, _, signature = good.split(".")
    claims = jwt.decode(good, options={"verify_signature": False})
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cases = {
        "expired": keys.token("user-a", exp=now - 60, iat=now - 3660),
        "wrong issuer": keys.token("user-a", iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"),
        "wrong audience": keys.token("user-a", aud="some-other-client"),
        "access token of another client": keys.token("user-a", use="access", client_id="some-other-client"),
        "no token_use": keys.token("user-a", token_use=None),
        "refresh-like token_use": keys.token("user-a", use="refresh"),
        "no expiry": keys.token("user-a", exp=None),
        "no sub": keys.token(sub=None),
        "alg none": _b64({"alg": "none", "typ": "JWT", "kid": keys.kid}) + "." + _b64(claims) + ".",
        "HS256 with a shared secret": jwt.encode(claims, "x" * 64, algorithm="HS256", headers={"kid": keys.kid}),
        "tampered payload": header + "." + _b64({**claims, "sub": "user-b"}) + "." + signature,
        "signed by another key": keys.token("user-a", key=other_key),
        "unknown kid": keys.token("user-a", kid="not-in-the-jwks"),
        "garbage": "not.a.jwt",
    }
    assert list(cases) == REFUSED
    return cases


REFUSED = ["expired", "wrong issuer", "wrong audience", "access token of another client", "no token_use",
           "refresh-like token_use", "no expiry", "no sub", "alg none", "HS256 with a shared secret",
           "tampered payload", "signed by another key", "unknown kid", "garbage"]


@pytest.mark.parametrize("case", REFUSED)
def test_a_bad_token_is_refused_with_401_on_every_route(api: Api, case: str) -> None:
    token = refused_tokens(api.keyset)[case]
    for method, path in (("GET", "/dashboard"), ("GET", "/profile"), ("GET", "/transactions")):
        reply = api.call(method, path, token=token)
        assert reply.status == 401, (case, path, reply.body)
        assert reply.body["message"]
    post = api.call("POST", "/transactions", token=token, body={"date": TODAY.isoformat(), "amount": "1"})
    assert post.status == 401
    assert api.store.list_transactions("user-a", TODAY, TODAY) == []


def test_no_header_or_another_scheme_is_401(api: Api) -> None:
    assert api.call("GET", "/profile", user=None).status == 401
    basic = api.call("GET", "/profile", user=None, headers={"authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status == 401 and "Bearer" in basic.body["message"]
    assert basic.headers["WWW-Authenticate"].startswith("Bearer")


def test_id_and_access_tokens_of_the_app_client_both_work(api: Api) -> None:
    assert api.call("GET", "/profile", token=api.keyset.token("user-a", use="id")).status == 200
    assert api.call("GET", "/profile", token=api.keyset.token("user-a", use="access")).status == 200


def test_the_signing_keys_are_fetched_once_not_per_request(api: Api) -> None:
    before = len(api.keyset.fetches)
    for _ in range(5):
        assert api.call("GET", "/profile").status == 200
    # A fresh verifier fetches at most once, an already warm one not at all.
    assert len(api.keyset.fetches) - before <= 1


def test_user_a_never_reads_or_changes_user_b(api: Api) -> None:
    b_txn = api.call("POST", "/transactions", user="user-b", body={"date": TODAY.isoformat(), "amount": "99.00",
                                                                    "description": "B's secret"}).body["transaction"]
    api.call("POST", "/profile", user="user-b", body={"display_name": "Bea", "daily_budget": "50", "ai_tone": "polite",
                                                       "version": 0})

    # The user comes from the token only: a user id in the query, path or body changes nothing.
    listed = api.call("GET", "/transactions", user="user-a", query={"user_id": "user-b", "from": "2026-12-01"})
    assert listed.body["transactions"] == []
    assert api.call("GET", "/profile", user="user-a", query={"user_id": "user-b"}).body["profile"]["version"] == 0
    dash = api.call("GET", "/dashboard", user="user-a", query={"user_id": "user-b"}).body
    assert dash["day"]["spent"] == "0.00" and "Bea" not in json.dumps(dash)
    # A's delete of B's id acts on A's own partition only: nothing of B's is touched.
    assert api.call("DELETE", txn_path(b_txn["id"]), user="user-a", query={"version": "1"}).status == 204
    assert api.call("PUT", txn_path(b_txn["id"]), user="user-a", body={"date": TODAY.isoformat(),
                                                                      "amount": "1", "version": 1}).status == 404
    smuggled = api.call("POST", "/profile", user="user-a", body={"user_id": "user-b", "display_name": "Mallory",
                                                                 "daily_budget": "1", "ai_tone": "brutal",
                                                                 "version": 1})
    assert smuggled.status == 422 and "user_id" in smuggled.body["errors"]

    b_view = api.call("GET", "/transactions", user="user-b").body["transactions"]
    assert [(t["id"], t["amount"]) for t in b_view] == [(b_txn["id"], "99.00")]
    assert api.call("GET", "/profile", user="user-b").body["profile"]["display_name"] == "Bea"


def test_the_user_id_claim_is_configurable(store: Any, keyset: KeySet, spec: Any) -> None:
    settings = settings_for(keyset, user_claim="email")
    api = Api(create_app(settings, store, TokenVerifier.from_settings(settings), clock=lambda: TODAY), store, keyset,
              spec)
    # (email_verified: with email as the user id, an unproven address is refused: tests/api/test_open_internet.py)
    api.call("POST", "/transactions", token=keyset.token("sub-1", email="ada@example.test", email_verified=True),
             body={"date": TODAY.isoformat(), "amount": "3"})
    assert len(store.list_transactions("ada@example.test", TODAY, TODAY)) == 1
    assert store.list_transactions("sub-1", TODAY, TODAY) == []
    # An access token has no email claim: with user_claim=email it names nobody, so it is refused.
    assert api.call("GET", "/profile", token=keyset.token("sub-1", use="access")).status == 401


def test_an_unreachable_key_set_is_503_not_a_crash(store: Any, keyset: KeySet, spec: Any) -> None:
    settings = settings_for(keyset, jwks_url_setting="http://127.0.0.1:9/jwks.json")
    api = Api(create_app(settings, store, TokenVerifier.from_settings(settings), clock=lambda: TODAY), store, keyset,
              spec)
    reply = api.call("GET", "/profile")
    assert reply.status == 503 and "try again" in reply.body["message"]


def test_the_jwks_url_defaults_to_cognitos_place_under_the_issuer(keyset: KeySet) -> None:
    settings = settings_for(keyset)
    assert settings.jwks_url == keyset.issuer + "/.well-known/jwks.json"
    assert TokenVerifier.from_settings(settings).verify(keyset.token("user-a")).user_id == "user-a"


def test_with_a_plain_openid_provider_an_id_token_without_token_use_is_checked_by_its_audience(
    store: Any, keyset: KeySet, spec: Any
) -> None:
    settings = settings_for(keyset, jwt_provider="oidc")
    api = Api(create_app(settings, store, TokenVerifier.from_settings(settings), clock=lambda: TODAY), store, keyset,
              spec)
    assert api.call("GET", "/profile", token=keyset.token("user-a", token_use=None)).status == 200
    assert api.call("GET", "/profile", token=keyset.token("user-a", token_use=None, aud="other")).status == 401
    expired = keyset.token("user-a", token_use=None, exp=int(time.time()) - 60)
    assert api.call("GET", "/profile", token=expired).status == 401
    # Cognito's tokens keep their rules there too.
    assert api.call("GET", "/profile", token=keyset.token("user-a", use="access", client_id="other")).status == 401
