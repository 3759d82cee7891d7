"""JSON shapes of the API (see openapi.yaml): models in, plain dicts out, money as "12.50" strings.

Money never passes through a float: request bodies are parsed with Decimal for numbers, and
responses carry amounts as strings with two decimals.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal
from typing import Any

from lib.core.errors import ValidationError
from lib.core.fx import RepriceReport
from lib.core.models import Profile, Transaction, shown, validate_profile, validate_transaction
from lib.core.money import clean_locale

PROFILE_FIELDS = frozenset({"display_name", "daily_budget", "monthly_salary", "ai_tone", "version", "timezone",
                            "payday", "currency", "locale"})
# Left out of a POST /profile body, these keep their stored value (a partial update resets nothing it does not name).
PROFILE_KEPT_WHEN_ABSENT = ("monthly_salary", "timezone", "payday")
TRANSACTION_FIELDS = frozenset({"date", "amount", "category", "description", "currency"})
# A client-chosen id makes a retried add safe: the same id and content again is the same transaction.
CLIENT_ID_RE = re.compile(r"[A-Za-z0-9_-]{8,64}")
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
        "timezone": profile.timezone or None,  # None: not set, the server's zone
        "payday": profile.payday,  # the budget period's rule (lib.core.period): "calendar" unless set
        "currency": profile.currency or None,  # issue 25: the home currency of every amount; None: none picked
        "locale": profile.locale or None,  # how amounts are written for this user (Babel's de_DE); None: en_US
    }


# What a POST /profile reports as changed (issue 25): the fields a user can see, by name.
SHOWN_FIELDS = ("display_name", "daily_budget", "monthly_salary", "ai_tone", "timezone", "payday", "currency",
                "locale")


def changed_fields(before: Profile, after: Profile) -> list[str]:
    """The names of the shown fields whose value differs between two profiles."""
    return [name for name in SHOWN_FIELDS if getattr(before, name) != getattr(after, name)]


def reprice_json(report: RepriceReport) -> dict[str, Any]:
    """What re-pricing in a new home currency did (the CLI prints the same report as `lines`)."""
    return {
        "currency": report.home, "changed": report.changed, "unchanged": report.unchanged,
        "written": report.written, "by_currency": dict(sorted(report.by_currency.items())),
        "earlier_rates": report.earlier_rates, "stamped": report.stamped,
        "overrides_dropped": report.overrides_dropped,
        "refused": [{"id": key, "reason": reason} for key, reason in report.refused],
        "lines": report.lines(),
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
    if txn.original_currency is not None and txn.original_amount is not None:  # issue 25: a foreign row
        out.update(original_amount=f"{txn.original_amount}", original_currency=txn.original_currency,
                   fx_rate=None if txn.fx_rate is None else str(txn.fx_rate),
                   fx_date=None if txn.fx_date is None else txn.fx_date.isoformat(), fx_source=txn.fx_source)
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


def profile_from_body(user_id: str, body: Any, stored: Profile | None = None) -> Profile:
    """The profile a POST /profile body describes, validated like the Settings page (ValidationError).

    What the body does not name stays as `stored` has it: the salary, zone and payday when left out, and
    always the fields the API does not take (fixed categories, budget style, nudges). A home currency can be
    changed (the caller re-prices) but not removed once picked: the stored amounts are in it.
    """
    data = _body(body)
    base = stored or Profile.default(user_id)
    data_or_kept = {**{k: getattr(base, k) for k in PROFILE_KEPT_WHEN_ABSENT}, **data}
    # A user_id (or anything else) in the body is refused: who the profile belongs to comes from the token.
    errors = {shown(k): "Unknown field." for k in sorted(set(data) - PROFILE_FIELDS)}
    try:
        version = _version(data, required=True)
    except ValidationError as exc:
        errors.update(exc.errors)
        version = 0
    currency = data.get("currency", base.currency)
    if not isinstance(currency, str | None):
        errors["currency"] = "Send an ISO 4217 code as text (for example EUR)."
        currency = base.currency
    elif not currency and base.currency:
        errors["currency"] = (f"Your amounts are kept in {base.currency}: a home currency can be changed to another "
                              "code, not removed.")
    locale = _locale(data.get("locale", base.locale), errors)
    try:
        profile = validate_profile(
            user_id, data.get("display_name"), data.get("daily_budget"), data_or_kept.get("monthly_salary"),
            data.get("ai_tone"), version, timezone=data_or_kept.get("timezone") or "",
            payday=data_or_kept.get("payday") or "calendar", fixed_categories=base.fixed_categories,
            budget_style=base.budget_style, nudges=base.nudges, currency=currency,
        )
    except ValidationError as exc:
        errors = {**exc.errors, **errors}
    if errors:
        raise ValidationError(errors)
    return replace(profile, locale=locale)


def _locale(value: Any, errors: dict[str, str]) -> str:
    """A locale tag ("de-DE", "de_DE") as Babel's "de_DE"; None or "" is none (en_US); a reason otherwise."""
    if value in (None, ""):
        return ""
    cleaned = clean_locale(value) if isinstance(value, str) else ""
    if not cleaned:
        errors["locale"] = f"'{str(value)[:40]}' is not a locale (for example de_DE, en_GB, fr_CH)."
    return cleaned


def transaction_from_body(user_id: str, body: Any, *, edit: bool = False, today: dt.date | None = None) -> Transaction:
    """The transaction a POST (optional client `id`) or PUT (`version` required) body describes.

    Validated like the Add form; ValidationError with a reason per field. A PUT's key comes
    from the path, so its body names no id; a POST's `id` is the part after `DATE#`. A date after
    `today` (the caller's, in their zone) is refused.
    """
    data = _body(body)
    allowed = TRANSACTION_FIELDS | ({"version"} if edit else {"id"})
    errors: dict[str, str] = {shown(k): "Unknown field." for k in sorted(set(data) - allowed)}
    errors.update({k: "Required." for k in ("date", "amount") if data.get(k) in (None, "")})
    version = 0
    if edit:
        try:
            version = _version(data, required=True)
        except ValidationError as exc:
            errors.update(exc.errors)
    client_id = data.get("id")
    if client_id is not None and not (isinstance(client_id, str) and CLIENT_ID_RE.fullmatch(client_id)):
        errors["id"] = "An id is 8 to 64 letters, digits, '-' or '_' (leave it out to get one)."
    try:
        txn = validate_transaction(
            user_id, data.get("date"), data.get("amount"), data.get("category") or "Other",
            data.get("description") or "", data.get("currency"), today=today,
        )
    except ValidationError as exc:
        errors = {**exc.errors, **errors}
    if errors:
        raise ValidationError(errors)
    if client_id is not None:
        txn = replace(txn, sort_key=f"{txn.date.isoformat()}#{client_id}")
    return replace(txn, version=version)


def version_param(query: dict[str, str]) -> int:
    """The ?version= of a DELETE: the version the client last read."""
    text = (query.get("version") or "").strip()
    if not text.isdigit() or len(text) > 12:
        raise ValidationError({"version": "Send ?version= with the version you last read (a whole number)."})
    return int(text)


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
