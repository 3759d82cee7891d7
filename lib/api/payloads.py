"""JSON shapes of the API (see openapi.yaml): models in, plain dicts out, money as "12.50" strings.

Money never passes through a float: request bodies are parsed with Decimal for numbers, and
responses carry amounts as strings with two decimals.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from lib.errors import ValidationError
from lib.models import Profile, Transaction, validate_profile, validate_transaction

PROFILE_FIELDS = frozenset({"display_name", "daily_budget", "monthly_salary", "ai_tone", "version"})
TRANSACTION_FIELDS = frozenset({"date", "amount", "category", "description", "currency", "version"})
MAX_RANGE_DAYS = 3660  # ten years: one request must stay one bounded Query


def money(value: Decimal | None) -> str | None:
    """A Decimal amount as the API spells it ("12.50"), or None."""
    return None if value is None else f"{value:.2f}"


def profile_json(profile: Profile) -> dict[str, Any]:
    """A profile as the API returns it (no user id: the caller knows who they are)."""
    return {
        "display_name": profile.display_name,
        "daily_budget": money(profile.daily_budget),
        "monthly_salary": money(profile.monthly_salary),
        "ai_tone": profile.ai_tone,
        "version": profile.version,
        "updated_at": profile.updated_at,
    }


def transaction_json(txn: Transaction) -> dict[str, Any]:
    """A transaction as the API returns it; `id` is its key in the table (URL-encode it in paths)."""
    out: dict[str, Any] = {
        "id": txn.sort_key,
        "date": txn.date.isoformat(),
        "amount": money(txn.amount),
        "category": txn.category,
        "description": txn.description,
        "currency": txn.currency,
        "source": txn.source,
    }
    version = getattr(txn, "version", None)
    if version is not None:
        out["version"] = int(version)
    return out


def _body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ValidationError({"body": "Send a JSON object."})
    return body


def _version(body: dict[str, Any], required: bool) -> int:
    value = body.get("version")
    if value is None and not required:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError({"version": "Send the version you last read (a whole number, 0 for a new profile)."})
    return value


def profile_from_body(user_id: str, body: Any) -> Profile:
    """The profile a POST /profile body describes, validated like the Settings page (ValidationError)."""
    data = _body(body)
    # A user_id (or anything else) in the body is refused: who the profile belongs to comes from the token.
    errors = {k: "Unknown field." for k in sorted(set(data) - PROFILE_FIELDS)}
    try:
        version = _version(data, required=True)
    except ValidationError as exc:
        errors.update(exc.errors)
        version = 0
    try:
        profile = validate_profile(
            user_id, data.get("display_name"), data.get("daily_budget"), data.get("monthly_salary"),
            data.get("ai_tone"), version,
        )
    except ValidationError as exc:
        errors = {**exc.errors, **errors}
    if errors:
        raise ValidationError(errors)
    return profile


def transaction_from_body(user_id: str, body: Any, sort_key: str = "") -> Transaction:
    """The transaction a POST or PUT body describes, validated like the Add form (ValidationError)."""
    data = _body(body)
    unknown = sorted(set(data) - TRANSACTION_FIELDS)
    if unknown:
        raise ValidationError({k: "Unknown field." for k in unknown})
    missing = {k: "Required." for k in ("date", "amount") if data.get(k) in (None, "")}
    if missing:
        raise ValidationError(missing)
    return validate_transaction(
        user_id, data["date"], data["amount"], data.get("category") or "Other", data.get("description") or "",
        data.get("currency"), sort_key=sort_key,
    )


def date_range(query: dict[str, str], today: dt.date, default_days: int = 90) -> tuple[dt.date, dt.date]:
    """The ?from=&to= range (ISO dates, inclusive); the last 90 days by default; at most ten years."""
    errors: dict[str, str] = {}
    days: dict[str, dt.date] = {}
    for name in ("from", "to"):
        text = (query.get(name) or "").strip()
        if not text:
            continue
        try:
            days[name] = dt.date.fromisoformat(text)
        except ValueError:
            errors[name] = f"'{text[:40]}' is not a date (use YYYY-MM-DD)."
    if errors:
        raise ValidationError(errors)
    end = days.get("to", today)
    start = days.get("from", end - dt.timedelta(days=default_days - 1))
    if start > end:
        raise ValidationError({"from": "'from' must not be after 'to'."})
    if (end - start).days >= MAX_RANGE_DAYS:
        raise ValidationError({"from": f"Ask for at most {MAX_RANGE_DAYS} days at a time."})
    return start, end
