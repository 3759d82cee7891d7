"""The REST API (Lambda Function URL, payload 2.0): `lib.api:handler` is the Lambda entry point.

Everything is built once per Lambda container from the environment (lib.config): the store,
the token verifier with its JWKS cache, and the Bedrock coach when enabled.
"""
from __future__ import annotations

import json
import logging
import os
import threading
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import LambdaFunctionUrlResolver
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

from lib.api.app import create_app
from lib.api.auth import TokenVerifier
from lib.config import Settings, load_settings
from lib.core.errors import FinanceError
from lib.store import Store

__all__ = ["build_default_app", "create_app", "default_app", "handler"]

SERVICE = "tough-love-api"
# Powertools' Logger writes one JSON object per line (CloudWatch Logs Insights can query the
# `extra` fields); lib's own loggers are given the same format on the first request.
logger = Logger(service=SERVICE)
log = logging.getLogger(__name__)

_lock = threading.Lock()
_app: LambdaFunctionUrlResolver | None = None


def build_default_app(settings: Settings, store: Store | None = None) -> LambdaFunctionUrlResolver:
    """The API as configured by the environment (what Lambda and `python -m lib api` run)."""
    from lib.store import open_store

    store = store or open_store(settings)
    if settings.store_kind == "sqlite":
        store.init()  # a local file; a DynamoDB table is the template's job, not a request's
    bedrock = None
    if settings.bedrock_enabled:
        from lib.coach.bedrock import coach_from_settings

        # Hosted on Bedrock without a guardrail, this raises UnguardedError: the handler answers 503 with why.
        bedrock = coach_from_settings(settings)  # the sidebar's own builder: same timeouts and guardrail
    return create_app(settings, store, TokenVerifier.from_settings(settings), bedrock=bedrock)


def default_app() -> LambdaFunctionUrlResolver:
    """The process-wide API, built on first use (a warm Lambda reuses its clients and key cache)."""
    global _app
    with _lock:
        if _app is None:
            if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
                # In Lambda only: it takes lib's loggers off the root logger (the CLI and tests keep theirs).
                copy_config_to_registered_loggers(source_logger=logger, include={"lib"})
            _app = build_default_app(load_settings())
        return _app


def _plain_error(status: int, message: str) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"message": message}), "isBase64Encoded": False}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point for Function URL events (payload format 2.0)."""
    request_id = ((event or {}).get("requestContext") or {}).get("requestId")
    logger.set_correlation_id(request_id)
    try:
        app = default_app()
    except FinanceError as exc:
        log.error("api not configured", extra={"error": str(exc)})
        return _plain_error(503, str(exc))
    except Exception as exc:
        log.exception("api could not start", extra={"error": type(exc).__name__})
        return _plain_error(500, "The API could not start: see its logs.")
    try:
        response = app.resolve(event, context)
        http = ((event.get("requestContext") or {}).get("http") or {})
        # One structured line per request (no token, no body): what CloudWatch queries are written against.
        logger.info("api request", extra={"method": http.get("method"), "path": event.get("rawPath"),
                                          "status": response.get("statusCode")})
        return response
    except Exception as exc:
        log.exception("api could not read the event", extra={"error": type(exc).__name__})
        return _plain_error(500, "Something went wrong on our side: try again later.")
