"""The REST API as one Lambda Function URL (payload 2.0), routed by aws-lambda-powertools.

`create_app` wires the routes to a store, a token verifier, an optional Bedrock coach and a
clock, so tests and `python -m lib api` run exactly what Lambda runs. Every answer is JSON;
every error has a `message` (422 adds `errors` per field, 409 adds `current`); no traceback
ever leaves the handler.

On the open internet (issue 22): a token issued before the user's last logout is refused (the
session generation, read through a per-process cache); each user has a token bucket (429 with
Retry-After); a body over 64 KB is refused (413) before JSON parsing; refused field names are
echoed at most 40 characters.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from functools import partial
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import CORSConfig, LambdaFunctionUrlResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError

from lib.api import dashboard, fxrows
from lib.api.auth import AuthError, AuthUnavailableError, Caller, TokenVerifier
from lib.api.payloads import (
    changed_fields,
    date_range,
    profile_from_body,
    profile_json,
    reprice_json,
    transaction_from_body,
    transaction_json,
    version_param,
)
from lib.config import Settings
from lib.core import clock as zone_clock
from lib.core.clock import now as clock_now
from lib.core.errors import ConflictError, FinanceError, StoreUnavailableError, TooLargeError, ValidationError
from lib.core.identity import authenticated_at
from lib.core.models import Profile, Transaction, shown
from lib.jobs import manage
from lib.rates import rates_from_settings
from lib.rates.reprice import reprice_user
from lib.store import Store, schema
from lib.store.session_gen import GenerationCache, issued_before_logout
from lib.store.throttle import API_BUCKET, BucketMemo, RateLimitedError, take

log = logging.getLogger(__name__)

Clock = Callable[[], dt.date]
NOT_FOUND = "No such transaction (it may have been deleted): reload your transactions."
MAX_BODY_BYTES = 64 * 1024


class _BadRequest(FinanceError):
    """The request itself is malformed (not JSON): HTTP 400."""


class _Gone(FinanceError):
    """The addressed transaction does not exist for this user: HTTP 404."""


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


def _error(status: int, message: str, **extra: Any) -> Response:
    return _json(status, {"message": message, **extra})


def create_app(
    settings: Settings,
    store: Store,
    verifier: TokenVerifier,
    *,
    bedrock: Any = None,
    clock: Clock | None = None,
    generations: GenerationCache | None = None,
) -> LambdaFunctionUrlResolver:
    """The API's resolver bound to one store, verifier, coach and clock (built once per process).

    `clock` pins one day for every caller (tests); by default each caller's today is the date in the
    zone on their own profile.
    """
    sessions = generations or GenerationCache()
    buckets = BucketMemo()
    cors = CORSConfig(
        allow_origin=settings.api_cors_origins[0],
        extra_origins=list(settings.api_cors_origins[1:]) or None,
        allow_headers=["Authorization", "Content-Type"],
        max_age=600,
    )
    app = LambdaFunctionUrlResolver(
        cors=cors,
        # Numbers in bodies become Decimal, never float: money stays exact from the wire on.
        json_body_deserializer=partial(json.loads, parse_float=Decimal),
    )

    def caller() -> Caller:
        who = verifier.verify_header(app.current_event.headers.get("authorization"))
        # The dashboard's "log out" ends API tokens too: the same generation, cached for 30 s per process.
        if issued_before_logout(authenticated_at(who.claims), sessions.get(store, who.user_id)):
            log.info("token refused", extra={"reason": "issued before logout", "user_id": who.user_id})
            raise AuthError("This sign-in ended when you logged out: sign in again.")
        wait = take(store, who.user_id, API_BUCKET, clock_now().timestamp(), buckets)
        if wait:
            raise RateLimitedError(f"Too many requests: try again in {wait} s.", wait)
        return who

    def body() -> Any:
        raw = app.current_event.body
        if not raw:
            raise _BadRequest("Send a JSON body.")
        # Bounded before parsing: json.loads of a 6 MB body costs memory and time on every retry.
        if len(raw) > MAX_BODY_BYTES * (4 / 3 if app.current_event.is_base64_encoded else 1) + 4 or \
                len((app.current_event.decoded_body or "").encode("utf-8", "surrogatepass")) > MAX_BODY_BYTES:
            raise TooLargeError({"body": f"The body is over {MAX_BODY_BYTES // 1024} KB: send less at a time."})
        try:
            return app.current_event.json_body
        except (ValueError, UnicodeDecodeError) as exc:
            raise _BadRequest("The body is not valid JSON.") from exc
        except RecursionError as exc:  # [[[[... within 64 KB: the parser's own depth limit
            raise _BadRequest("The body is not valid JSON (nested too deeply).") from exc

    def query() -> dict[str, str]:
        return dict(app.current_event.query_string_parameters or {})

    def today_of(who: Caller) -> dt.date:
        """The caller's today: the pinned clock, else their profile's zone (one GetItem)."""
        return clock() if clock is not None else zone_clock.today(store.get_profile(who.user_id).timezone)

    def transaction_key(txn_id: str) -> str:
        """The table key a path names; only transaction keys (never the profile or other items)."""
        key = unquote(txn_id)
        if schema.date_of_key(key) is None:
            raise _Gone(NOT_FOUND)
        return key

    # -- routes ------------------------------------------------------------------------
    @app.get("/dashboard")
    def get_dashboard() -> dict[str, Any]:
        who = caller()
        today = clock() if clock is not None else None  # None: the caller's today, read with their window
        return dashboard.build(store, who.user_id, today, who.name, bedrock, settings.bedrock_refresh)

    @app.get("/profile")
    def get_profile() -> dict[str, Any]:
        who = caller()
        return {"profile": profile_json(store.get_profile(who.user_id, who.name))}

    @app.post("/profile")
    def post_profile() -> dict[str, Any]:
        who = caller()
        data = body()
        # What the body leaves out keeps its stored value (nudges, zone, payday, budget style, ...): never reset.
        stored = store.get_profile(who.user_id)
        wanted = profile_from_body(who.user_id, data, stored)
        saved = manage.save_profile(store, wanted)  # the nudges' schedule follows a new zone
        repriced = None
        if saved.currency and (saved.currency != stored.currency or "currency" in data):
            # Issue 25: naming a home currency re-prices every transaction in it, as `profile --currency` does (the
            # same reprice_user): versioned and idempotent, so naming the same code again finishes a run cut short.
            report = reprice_user(store, who.user_id, saved.currency, rates_from_settings(settings, store))
            repriced = reprice_json(report)
        return {"profile": profile_json(saved), "changed": changed_fields(stored, saved), "repriced": repriced}

    @app.get("/transactions")
    def get_transactions() -> dict[str, Any]:
        who = caller()
        asked = query()
        start, end = date_range(asked, dt.date.min if asked.get("to") else today_of(who))
        txns = store.list_transactions(who.user_id, start, end)
        return {"from": start.isoformat(), "to": end.isoformat(), "transactions": [transaction_json(t) for t in txns]}

    @app.post("/transactions")
    def post_transaction() -> Response:
        who = caller()
        # Idempotent: with a client id, a retry after a lost answer returns the stored transaction.
        txn = store.add_transaction(fxrows.priced(store, settings,  # issue 25: "12.50 USD" in home money
                                                  transaction_from_body(who.user_id, body(), today=today_of(who))))
        return _json(HTTPStatus.CREATED, {"transaction": transaction_json(txn)})

    @app.put("/transactions/<txn_id>")
    def put_transaction(txn_id: str) -> dict[str, Any]:
        who = caller()
        key = transaction_key(txn_id)
        data = body()
        changed = transaction_from_body(who.user_id, data, edit=True)
        current = store.get_transaction(who.user_id, key)
        if current is None:
            raise _Gone(NOT_FOUND)
        if changed.date != current.date:  # a new date may not be after the caller's today
            changed = transaction_from_body(who.user_id, data, edit=True, today=today_of(who))
        # Keep what the client cannot change (where it came from); the store checks the version.
        changed = replace(changed, source=current.source, fingerprint=current.fingerprint,
                          currency=changed.currency or current.currency, sort_key=key)
        changed = fxrows.priced(store, settings, changed, current)  # issue 25: the original stays
        return {"transaction": transaction_json(store.update_transaction(key, changed))}

    @app.delete("/transactions/<txn_id>")
    def delete_transaction(txn_id: str) -> Response:
        who = caller()
        key = transaction_key(txn_id)
        # Idempotent: deleting what is already gone is a success; a changed one is a 409.
        store.delete_transaction(who.user_id, key, version_param(query()))
        return Response(status_code=HTTPStatus.NO_CONTENT, content_type=None, body="")

    # -- errors: each a JSON body with a message --------------------------------------------
    @app.exception_handler(AuthError)
    def on_auth(exc: AuthError) -> Response:
        response = _error(HTTPStatus.UNAUTHORIZED, str(exc))
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response

    @app.exception_handler(AuthUnavailableError)
    def on_auth_unavailable(exc: AuthUnavailableError) -> Response:
        return _error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))

    @app.exception_handler(TooLargeError)
    def on_too_large(exc: TooLargeError) -> Response:
        return _error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, next(iter(exc.errors.values()), "Too large."),
                      errors={shown(k): v for k, v in exc.errors.items()})

    @app.exception_handler(ValidationError)
    def on_invalid(exc: ValidationError) -> Response:
        # Field names can be the caller's own text (unknown fields): never echoed longer than 40 characters.
        return _error(HTTPStatus.UNPROCESSABLE_ENTITY, "Some fields were refused: see errors.",
                      errors={shown(k): v for k, v in exc.errors.items()})

    @app.exception_handler(RateLimitedError)
    def on_rate_limited(exc: RateLimitedError) -> Response:
        response = _error(HTTPStatus.TOO_MANY_REQUESTS, str(exc))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(ConflictError)
    def on_conflict(exc: ConflictError) -> Response:
        current = exc.current
        if isinstance(current, Profile):
            return _error(HTTPStatus.CONFLICT, str(exc), current=profile_json(current))
        if isinstance(current, Transaction):
            return _error(HTTPStatus.CONFLICT, str(exc), current=transaction_json(current))
        return _error(HTTPStatus.NOT_FOUND, str(exc))  # deleted elsewhere: nothing to show

    @app.exception_handler(_Gone)
    def on_gone(exc: _Gone) -> Response:
        return _error(HTTPStatus.NOT_FOUND, str(exc))

    @app.exception_handler(_BadRequest)
    def on_bad_request(exc: _BadRequest) -> Response:
        return _error(HTTPStatus.BAD_REQUEST, str(exc))

    @app.exception_handler(StoreUnavailableError)
    def on_store_down(exc: StoreUnavailableError) -> Response:
        return _error(HTTPStatus.SERVICE_UNAVAILABLE, f"Your data cannot be reached right now: {exc}")

    @app.exception_handler(FinanceError)
    def on_refused(exc: FinanceError) -> Response:
        return _error(HTTPStatus.BAD_REQUEST, str(exc))

    @app.not_found
    def on_not_found(exc: NotFoundError) -> Response:
        return _error(HTTPStatus.NOT_FOUND, "No such route: see the API's openapi.yaml.")

    @app.exception_handler(Exception)
    def on_crash(exc: Exception) -> Response:
        # The detail stays in the log; the caller gets a message and no traceback.
        log.exception("api request failed", extra={"path": app.current_event.path, "error": type(exc).__name__})
        return _error(HTTPStatus.INTERNAL_SERVER_ERROR, "Something went wrong on our side: try again later.")

    return app
