"""Issue 22, the API side: logout ends tokens, claims are proven, sign-ins age out, keys follow the
JWKS, each user has a rate limit, bodies are bounded before parsing, refused input is echoed short,
and DynamoDB's own refusals come back in our words."""
from __future__ import annotations

import datetime as dt
import json
import threading
import time
import types
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from lib.api import create_app
from lib.api.auth import TokenVerifier
from lib.core import clock
from lib.store.session_gen import end_all_sessions
from lib.store.throttle import API_BUCKET
from tests.api.conftest import CLIENT_ID, POOL, TODAY, Api, KeySet, _jwk, settings_for


def _app(store: Any, keyset: KeySet, spec: Any, **changes: Any) -> Api:
    settings = settings_for(keyset, **changes)
    return Api(create_app(settings, store, TokenVerifier.from_settings(settings), clock=lambda: TODAY),
               store, keyset, spec)


# -- finding 2: the API honours logout -----------------------------------------------------------
def test_a_token_issued_before_the_users_logout_is_refused(store: Any, keyset: KeySet, spec: Any) -> None:
    api = _app(store, keyset, spec)
    old = keyset.token("user-a", iat=int(time.time()) - 120, auth_time=int(time.time()) - 120)
    assert api.call("GET", "/profile", token=old).status == 200
    # A logout recorded by another server (a fresh app: its generation cache has not seen it).
    end_all_sessions(store, "user-a", dt.datetime.now(dt.UTC) - dt.timedelta(seconds=60))
    api = _app(store, keyset, spec)
    assert api.call("GET", "/profile", token=old).status == 401
    post = api.call("POST", "/transactions", token=old, body={"date": TODAY.isoformat(), "amount": "1"})
    assert post.status == 401 and "logged out" in post.body["message"]
    assert store.list_transactions("user-a", TODAY, TODAY) == []
    # Signing in again afterwards works; other users are untouched.
    assert api.call("GET", "/profile", token=keyset.token("user-a")).status == 200
    assert api.call("GET", "/profile", user="user-b").status == 200


# -- finding 3: an unverified email is not an identity --------------------------------------------
@pytest.mark.parametrize("verified", [False, "false", None])
def test_with_email_as_the_user_id_an_unverified_address_is_refused(
    store: Any, keyset: KeySet, spec: Any, verified: Any
) -> None:
    api = _app(store, keyset, spec, user_claim="email")
    victim = keyset.token("victim-sub", email="ada@example.test", email_verified=True)
    assert api.call("POST", "/transactions", token=victim,
                    body={"date": TODAY.isoformat(), "amount": "5", "description": "ADA-ONLY"}).status == 201
    forged = keyset.token("attacker-sub", email="ada@example.test", email_verified=verified)
    reply = api.call("GET", "/transactions", token=forged)
    assert reply.status == 401 and "ADA-ONLY" not in json.dumps(reply.body)
    overwrite = api.call("POST", "/profile", token=forged, body={"display_name": "Mallory", "daily_budget": "1",
                                                                 "ai_tone": "brutal", "version": 0})
    assert overwrite.status == 401
    assert store.get_profile("ada@example.test").display_name != "Mallory"


# -- finding 4: a sign-in ages out ------------------------------------------------------------------
def test_a_sign_in_older_than_the_max_session_age_is_refused(store: Any, keyset: KeySet, spec: Any) -> None:
    api = _app(store, keyset, spec)
    now = int(time.time())
    # A refreshed ID token (fresh iat and exp) of a sign-in 13 hours ago.
    stale = keyset.token("user-a", iat=now, exp=now + 600, auth_time=now - 13 * 3600)
    reply = api.call("GET", "/profile", token=stale)
    assert reply.status == 401 and "too old" in reply.body["message"]
    assert api.call("GET", "/profile", token=keyset.token("user-a", auth_time=now - 11 * 3600)).status == 200
    future = keyset.token("user-a", auth_time=now + 10**9)  # no clock drift explains a sign-in decades ahead
    assert api.call("GET", "/profile", token=future).status == 401
    assert _app(store, keyset, spec, max_session_hours=1.0).call(
        "GET", "/profile", token=keyset.token("user-a", auth_time=now - 2 * 3600)).status == 401


# -- finding 6: keys follow the JWKS ----------------------------------------------------------------
class _MutableJwks:
    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.fetches = 0


@pytest.fixture
def jwks() -> Iterator[tuple[_MutableJwks, str]]:
    state = _MutableJwks()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.fetches += 1
            body = json.dumps({"keys": state.keys}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield state, f"http://127.0.0.1:{server.server_port}{POOL}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def monotonic(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """PyJWT's cache clocks, moved by the test (only PyJWT's modules see the fake)."""
    offset = [0.0]
    fake = types.SimpleNamespace(monotonic=lambda: time.monotonic() + offset[0], time=time.time)
    for module in (jwt.jwk_set_cache, jwt.jwks_client, jwt.api_jwk):
        monkeypatch.setattr(module, "time", fake)
    return offset


def test_a_key_withdrawn_from_the_jwks_stops_being_trusted(jwks: Any, monotonic: list[float]) -> None:
    state, issuer = jwks
    old_key, new_key = (rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2))
    state.keys = [_jwk(old_key, "old"), _jwk(new_key, "new")]
    keys = KeySet(old_key, "old", issuer)
    verifier = TokenVerifier(issuer, CLIENT_ID, issuer + "/.well-known/jwks.json")
    assert verifier.verify(keys.token("user-a")).user_id == "user-a"

    state.keys = [_jwk(new_key, "new")]  # the pool withdraws the old key (it leaked)
    monotonic[0] += 301  # a warm Lambda, five minutes later
    with pytest.raises(Exception, match="refused"):
        verifier.verify(keys.token("user-a"))
    assert verifier.verify(KeySet(new_key, "new", issuer).token("user-a")).user_id == "user-a"


def test_unknown_kids_refetch_the_set_at_most_once_a_minute(jwks: Any, monotonic: list[float]) -> None:
    state, issuer = jwks
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    state.keys = [_jwk(key, "k1")]
    verifier = TokenVerifier(issuer, CLIENT_ID, issuer + "/.well-known/jwks.json")
    keys = KeySet(key, "k1", issuer)
    verifier.verify(keys.token("user-a"))
    assert state.fetches == 1
    for step in range(20):  # a forger cycling kids: one request every 3 s for a minute
        monotonic[0] += 3
        with pytest.raises(Exception, match="refused"):
            verifier.verify(keys.token("user-a", kid=f"forged-{step}"))
    assert state.fetches <= 2, state.fetches  # at most one refetch in that minute


# -- finding 5 (in the app): a per-user rate limit ----------------------------------------------
def test_each_user_has_a_token_bucket_and_is_told_when_to_come_back(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    # The bucket refills with time: the clock stands still here, so a slow machine cannot refill it mid-test.
    frozen = clock.now()
    monkeypatch.setattr("lib.api.app.clock_now", lambda: frozen)
    token = api.keyset.token("user-a")
    statuses = [api.call("GET", "/profile", token=token).status for _ in range(API_BUCKET.capacity + 5)]
    assert statuses[: API_BUCKET.capacity] == [200] * API_BUCKET.capacity
    assert statuses[API_BUCKET.capacity:] == [429] * 5
    refused = api.call("GET", "/profile", token=token)
    assert refused.status == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "try again" in refused.body["message"]
    assert api.call("GET", "/profile", user="user-b").status == 200  # per user


# -- finding 8: sizes in code points and bytes; bounded bodies; short echoes ----------------------
def test_a_display_name_of_a_million_code_points_is_refused_not_stored(api: Api) -> None:
    from lib.core.errors import ValidationError
    from lib.core.models import validate_profile

    # 50 "characters" (graphemes) of 20,001 code points each: e + 20,000 combining marks (finding 8's name).
    name = ("e" + "\u0301" * 20_000) * 50
    assert len(name) > 1_000_000
    with pytest.raises(ValidationError) as refused:
        validate_profile("user-a", name, "10", None, "polite", 0)
    assert "display_name" in refused.value.errors and len(str(refused.value)) < 200
    # Through the API (within the 64 KB body cap): 50 graphemes of 400 code points each.
    small = ("e" + "\u0301" * 399) * 50
    reply = api.call("POST", "/profile", raw_body=json.dumps({"display_name": small, "daily_budget": "10",
                                                               "ai_tone": "polite", "version": 0},
                                                              ensure_ascii=False))
    assert reply.status == 422 and "display_name" in reply.body["errors"]
    assert len(json.dumps(reply.body)) < 1000
    assert api.store.get_profile("user-a").version == 0
    # A real 50-character name of emoji families (5 code points each) is still fine.
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467" * 50
    assert validate_profile("user-a", family, "10", None, "polite", 0).display_name == family


def test_a_body_over_64_kb_is_refused_before_it_is_parsed(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[int] = []
    real_loads = json.loads

    def counting_loads(text: Any, *args: Any, **kwargs: Any) -> Any:
        parsed.append(len(text))
        return real_loads(text, *args, **kwargs)

    monkeypatch.setattr("lib.api.app.json.loads", counting_loads)
    huge = json.dumps({"date": TODAY.isoformat(), "amount": "1", "description": "x" * (5 * 1024 * 1024)})
    reply = api.call("POST", "/transactions", raw_body=huge)
    assert reply.status == 413 and "64 KB" in reply.body["message"]
    assert not [n for n in parsed if n > 64 * 1024]  # never handed to the JSON parser
    assert len(json.dumps(reply.body)) < 1000


def test_deeply_nested_json_is_a_400_not_a_crash(api: Api) -> None:
    reply = api.call("POST", "/transactions", raw_body="[" * 60_000)
    assert reply.status == 400 and "nested too deeply" in reply.body["message"]


def test_refused_input_is_echoed_at_most_40_characters(api: Api) -> None:
    long_key = "k" * 30_000
    reply = api.call("POST", "/transactions", raw_body=json.dumps({"date": "x" * 30_000, "amount": "1",
                                                                    long_key: 1}))
    assert reply.status == 422
    text = json.dumps(reply.body)
    assert "k" * 41 not in text and "x" * 41 not in text
    assert len(text) < 1000


def test_dynamodbs_own_validation_refusal_is_a_413_in_our_words(store: Any, keyset: KeySet, spec: Any) -> None:
    from botocore.exceptions import ClientError

    from lib.core.errors import TooLargeError
    from lib.store.dynamo_requests import _refused_data

    exc = ClientError({"Error": {"Code": "ValidationException",
                                 "Message": "Item size has exceeded the maximum allowed size"}}, "PutItem")
    refused = _refused_data(exc)
    assert isinstance(refused, TooLargeError) and "maximum allowed size" not in str(refused)

    class Refusing:
        def __getattr__(self, name: str) -> Any:
            return getattr(store, name)

        def save_profile(self, profile: Any) -> Any:
            raise refused

    api = _app(Refusing(), keyset, spec)
    reply = api.call("POST", "/profile", body={"display_name": "Ada", "daily_budget": "10", "ai_tone": "polite",
                                               "version": 0})
    assert reply.status == 413 and "too large to store" in reply.body["message"]
    assert "DynamoDB" not in reply.body["message"] and "maximum allowed size" not in json.dumps(reply.body)

