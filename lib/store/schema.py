"""The single-table layout: key builders and item <-> model mapping.

The only module that knows `PROFILE#`, `COMMENTARY#`, `SESSIONS#`, `~IMPORT#`, `~MAPPING#`, `~RULE#`
or how a sort key is built.
Items here are plain dicts of Python values (str, Decimal, int); each store backend
encodes them its own way (boto3's resource layer, or DynamoDB-JSON in SQLite).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
from decimal import Decimal
from typing import Any

from lib.core import period
from lib.core.models import (
    CENT,
    DEFAULT_BUDGET_STYLE,
    DEFAULT_DAILY_BUDGET,
    DEFAULT_TONE,
    SOURCES,
    Commentary,
    Profile,
    Transaction,
    clean_categories,
    clean_text,
    decimal_places,
    normalise_budget_style,
    normalise_tone,
    parse_money,
)
from lib.core.money import clean_locale, is_currency
from lib.core.nudge_prefs import prefs_from_stored
from lib.core.types import StreakState
from lib.store.schema_fx import fx_to_item, item_to_fx

log = logging.getLogger(__name__)

TABLE_NAME = "FinanceAgent-Transactions"
PK = "user_id"
SK = "transaction_date"
PROFILE_PREFIX = "PROFILE#"
COMMENTARY_PREFIX = "COMMENTARY#"
# Both sort after every date (digits), so the window query `sort key >= start` returns them.
CHECKIN_PREFIX = "CHECKIN#"  # the latest day the user said "nothing (more) spent": a known day
STREAK_PREFIX = "STREAK#"  # the streak summary of every day before the window (see lib.core.streaks)
SESSIONS_PREFIX = "SESSIONS#"
# A counter bumped by every write that changes what the pages show, so another process (a replica,
# the API, the jobs worker) sees that its cached reads are stale (lib.web.state). Sorts inside the
# window query's range, so a load reads it for free.
DATA_VERSION_PREFIX = "DATAVER#"
# Internal mark on a transaction being moved to a new date (its new key): see DynamoDBStore.update_transaction.
MOVED_TO = "moved_to"
# Attributes a retried write may find changed without the write being someone else's.
_VOLATILE = {MOVED_TO, "updated_at"}
# Collections that grow with use (a record per import, a mapping per bank, a rule per merchant)
# sort after WINDOW_END, above every date and every per-user item, so the dashboard's window
# query never reads them however many there are.
WINDOW_END = "~"
IMPORT_PREFIX = "~IMPORT#"
MAPPING_PREFIX = "~MAPPING#"
RULE_PREFIX = "~RULE#"
# Sorts after "#" and "T", so "DATE~" is above every key of that day (bare, DATE#id, DATE T time).
_DAY_END = "~"

Item = dict[str, Any]


def profile_key(user_id: str) -> dict[str, str]:
    """Primary key of a user's profile item."""
    return {PK: user_id, SK: f"{PROFILE_PREFIX}{user_id}"}


def commentary_key(user_id: str) -> dict[str, str]:
    """Primary key of the user's cached coach commentary (one item, overwritten daily)."""
    return {PK: user_id, SK: f"{COMMENTARY_PREFIX}{user_id}"}


def sessions_key(user_id: str) -> dict[str, str]:
    """Primary key of the item that says since when the user's logins are valid (their last logout)."""
    return {PK: user_id, SK: f"{SESSIONS_PREFIX}{user_id}"}


def sessions_to_item(user_id: str, valid_after: dt.datetime) -> Item:
    """Logins issued at or before `valid_after` (UTC, microseconds) are refused."""
    return {**sessions_key(user_id), "valid_after": valid_after.astimezone(dt.UTC).isoformat()}


def item_to_sessions_valid_after(item: Item | None) -> dt.datetime | None:
    """The time of the user's last logout, or None when they never logged out (or the item is unreadable)."""
    if not item or not item.get("valid_after"):
        return None
    try:
        when = dt.datetime.fromisoformat(str(item["valid_after"]))
    except ValueError:
        log.warning("unreadable sessions item", extra={"user_id": str(item.get(PK))})
        # Fail closed: an item we cannot read revokes everything issued until now.
        return dt.datetime.now(dt.UTC)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def data_version_key(user_id: str) -> dict[str, str]:
    """Primary key of the user's data-version counter."""
    return {PK: user_id, SK: f"{DATA_VERSION_PREFIX}{user_id}"}


def is_data_version(item: Item) -> bool:
    return str(item.get(SK, "")).startswith(DATA_VERSION_PREFIX)


def item_to_data_version(item: Item | None) -> int:
    """The counter's value (0: no write since this product started counting)."""
    try:
        return int((item or {}).get("n") or 0)
    except (TypeError, ValueError):
        return 0


def data_version_to_item(user_id: str, n: int) -> Item:
    return {**data_version_key(user_id), "n": n}


def checkin_key(user_id: str) -> dict[str, str]:
    """Primary key of the user's check-in item (the latest known day without a transaction)."""
    return {PK: user_id, SK: f"{CHECKIN_PREFIX}{user_id}"}


def streak_key(user_id: str) -> dict[str, str]:
    """Primary key of the user's streak-state item (one small item, rebuilt from history when stale)."""
    return {PK: user_id, SK: f"{STREAK_PREFIX}{user_id}"}


def is_checkin(item: Item) -> bool:
    return str(item.get(SK, "")).startswith(CHECKIN_PREFIX)


def is_streak_state(item: Item) -> bool:
    return str(item.get(SK, "")).startswith(STREAK_PREFIX)


def day_range(start: dt.date, end: dt.date) -> tuple[str, str]:
    """Inclusive sort-key bounds for transactions dated start..end (for BETWEEN)."""
    return start.isoformat(), end.isoformat() + _DAY_END


def window_bounds(start: dt.date) -> tuple[str, str]:
    """Inclusive sort-key bounds of a window from start: its dates and the per-user items, no side collections.

    The upper bound is the session generation's key (issue 21): the same Query brings it, so a session's
    first load is one request. Between "~" and it sort only a few fixed small items ("~AUTH#LOGINFAIL",
    "~AUTH#RATE#<bucket>"), never a growing collection ("~BANK#", "~CHANNEL#", "~IMPORT#"... sort above).
    """
    return start.isoformat(), SESSION_GEN_SK


def is_profile(item: Item) -> bool:
    return str(item.get(SK, "")).startswith(PROFILE_PREFIX)


def is_commentary(item: Item) -> bool:
    return str(item.get(SK, "")).startswith(COMMENTARY_PREFIX)


def date_of_key(sort_key: str) -> dt.date | None:
    """The date a transaction sort key starts with (DATE#id, bare DATE, or ISO timestamp)."""
    try:
        return dt.date.fromisoformat(sort_key[:10])
    except ValueError:
        return None


def key_for_date(sort_key: str, day: dt.date) -> str:
    """A transaction's key once its date is `day`: the same key, or the same id under the new date.

    Keeping the id makes a move repeatable: a retried edit lands on the same key, so it can
    recognise its own earlier write instead of adding a second copy. Keys of the original
    backend (a bare date or timestamp) get an id derived from the old key, for the same reason.
    """
    if date_of_key(sort_key) == day:
        return sort_key
    _, sep, ident = sort_key.partition("#")
    if not sep or not ident:
        ident = hashlib.sha256(sort_key.encode("utf-8")).hexdigest()[:20]
    return f"{day.isoformat()}#{ident}"


def same_write(stored: Item | None, wanted: Item) -> bool:
    """True when the stored item is exactly what `wanted` writes (ignoring the move mark and the save time)."""
    if stored is None:
        return False
    keys = (set(stored) | set(wanted)) - _VOLATILE
    return all(stored.get(k) == wanted.get(k) for k in keys)


def version_of(item: Item | None) -> int:
    """The stored version of an item (0 for none, or for items of the original backend)."""
    return int(item.get("version") or 0) if item else 0


def _money(value: Any, default: Decimal | None) -> Decimal | None:
    if value is None or value == "":
        return default
    try:
        amount = parse_money(value)
    except Exception:  # noqa: BLE001 - a corrupt legacy value falls back, and is logged
        log.warning("unreadable money value in item", extra={"value": str(value)})
        return default
    # DynamoDB drops trailing zeros (12.30 is stored as 12.3): show money with cents again.
    return amount.quantize(CENT) if decimal_places(amount) <= 2 else amount


def profile_to_item(profile: Profile) -> Item:
    """The profile as a table item (attribute names of the original backend, plus version)."""
    item: Item = {
        **profile_key(profile.user_id),
        "display_name": profile.display_name,
        "daily_budget": profile.daily_budget,
        "ai_tone": profile.ai_tone,
        "version": profile.version,
        "updated_at": profile.updated_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    if profile.monthly_salary is not None:
        item["monthly_salary"] = profile.monthly_salary
    # Optional attributes: a profile without them reads with the defaults (original backend's items too).
    if profile.fixed_categories is not None:
        item["fixed_categories"] = list(profile.fixed_categories)
    if profile.budget_style != DEFAULT_BUDGET_STYLE:
        item["budget_style"] = profile.budget_style
    if profile.timezone:
        item["timezone"] = profile.timezone
    if profile.payday != period.CALENDAR:  # issue 26: the budget period's rule
        item["payday"] = profile.payday
    if not profile.nudges.is_default():
        item["nudges"] = profile.nudges.to_dict()
    if profile.currency:  # issue 25: the home currency, once picked
        item["currency"] = profile.currency
    if profile.locale:  # issue 25: the reader's locale (nudges, CLI), saved from the browser
        item["locale"] = profile.locale
    return item


def item_to_profile(item: Item | None, user_id: str, default_name: str | None = None) -> Profile:
    """Read a profile item (ours or the original backend's); the default when there is none."""
    default = Profile.default(user_id, default_name)
    if not item:
        return default
    budget = _money(item.get("daily_budget"), DEFAULT_DAILY_BUDGET)
    if budget is None or budget <= 0:
        budget = DEFAULT_DAILY_BUDGET
    salary = _money(item.get("monthly_salary"), None)
    return Profile(
        user_id=user_id,
        display_name=clean_text(item.get("display_name"), 50) or default.display_name,
        daily_budget=budget,
        monthly_salary=salary,
        ai_tone=normalise_tone(item.get("ai_tone")) or DEFAULT_TONE,
        version=int(item.get("version") or 0),
        updated_at=item.get("updated_at"),
        fixed_categories=None if item.get("fixed_categories") is None else clean_categories(item["fixed_categories"]),
        budget_style=normalise_budget_style(item.get("budget_style")) or DEFAULT_BUDGET_STYLE,
        timezone=str(item.get("timezone") or "")[:64],
        payday=_payday(item.get("payday")),
        nudges=prefs_from_stored(item.get("nudges")),
        currency=_home_currency(item.get("currency")),
        locale=clean_locale(item.get("locale")),
    )


def _home_currency(value: object) -> str:
    """A stored home currency; a code no longer known reads as none picked (bare figures), not a crash."""
    code = str(value or "").strip().upper()[:3]
    return code if is_currency(code) else ""


def _payday(value: object) -> str:
    """A stored payday rule, canonical; one that no longer reads falls back to the calendar month."""
    try:
        return period.parse_rule(value).text
    except period.PeriodRuleError:
        return period.CALENDAR


def transaction_to_item(txn: Transaction) -> Item:
    """A transaction as a table item."""
    item: Item = {
        PK: txn.user_id,
        SK: txn.sort_key,
        "amount": txn.amount,
        "category": txn.category,
        "description": txn.description,
        "source": txn.source,
        "version": txn.version,
    }
    if txn.currency:
        item["currency"] = txn.currency
    if txn.fingerprint:
        item["import_fingerprint"] = txn.fingerprint
    if txn.import_batch:
        item["import_batch"] = txn.import_batch
    if txn.pending:
        item["pending"] = True
    item.update(fx_to_item(txn))  # issue 25: a foreign row's original money and rate (schema_fx)
    return item


def item_to_transaction(item: Item) -> Transaction | None:
    """Read a transaction item (any key shape the original backend wrote); None if it is not one."""
    sort_key = str(item.get(SK, ""))
    day = date_of_key(sort_key)
    amount = _money(item.get("amount"), None)
    if day is None or amount is None:
        return None
    source = str(item.get("source") or "manual")
    return Transaction(
        user_id=str(item[PK]),
        date=day,
        amount=amount,
        category=clean_text(item.get("category"), 40) or "Other",
        description=clean_text(item.get("description")),
        currency=item.get("currency") or None,
        source=source if source in SOURCES else "manual",
        fingerprint=item.get("import_fingerprint") or None,
        sort_key=sort_key,
        version=version_of(item),
        import_batch=item.get("import_batch") or None,
        pending=bool(item.get("pending")),
        **item_to_fx(item),  # issue 25
    )


def commentary_to_item(c: Commentary) -> Item:
    return {
        **commentary_key(c.user_id),
        "day": c.day,
        "tone": c.tone,
        "facts_hash": c.facts_hash,
        "text": c.text,
        "model": c.model,
        "input_tokens": c.input_tokens,
        "output_tokens": c.output_tokens,
        "headline": c.headline,
        "created_at": c.created_at,
    }


def item_to_commentary(item: Item | None) -> Commentary | None:
    if not item:
        return None
    return Commentary(
        user_id=str(item[PK]),
        day=str(item.get("day", "")),
        tone=str(item.get("tone", "")),
        facts_hash=str(item.get("facts_hash", "")),
        text=str(item.get("text", "")),
        model=str(item.get("model", "")),
        input_tokens=int(item.get("input_tokens") or 0),
        output_tokens=int(item.get("output_tokens") or 0),
        headline=str(item.get("headline", "")),
        created_at=str(item.get("created_at", "")),
    )


def _iso_or_none(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def streak_state_to_item(user_id: str, state: StreakState) -> Item:
    item: Item = {**streak_key(user_id), "upto": state.upto.isoformat(), "signature": state.signature,
                  "tail": state.tail, "longest": state.longest, "last_excess": state.last_excess,
                  "built_at": state.built_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    for name in ("first_day", "last_day", "tail_start", "longest_start", "longest_end", "forecast_through"):
        value = getattr(state, name)
        if value is not None:
            item[name] = value.isoformat()
    if state.forecast:
        item["forecast"] = state.forecast
    return item


def item_to_streak_state(item: Item | None) -> StreakState | None:
    """The streak state, or None when absent or unreadable (it is rebuilt from the history then)."""
    upto = _iso_or_none(item.get("upto")) if item else None
    if not item or upto is None:
        return None
    try:
        return StreakState(
            upto=upto, signature=str(item.get("signature", "")), first_day=_iso_or_none(item.get("first_day")),
            last_day=_iso_or_none(item.get("last_day")), tail=int(item.get("tail") or 0),
            tail_start=_iso_or_none(item.get("tail_start")), longest=int(item.get("longest") or 0),
            longest_start=_iso_or_none(item.get("longest_start")), longest_end=_iso_or_none(item.get("longest_end")),
            last_excess=int(item.get("last_excess") or 0), built_at=str(item.get("built_at", "")),
            forecast=str(item.get("forecast") or ""), forecast_through=_iso_or_none(item.get("forecast_through")),
        )
    except (TypeError, ValueError):
        log.warning("unreadable streak state; it will be rebuilt", extra={"user_id": str(item.get(PK))})
        return None


def checkin_to_item(user_id: str, day: dt.date) -> Item:
    return {**checkin_key(user_id), "day": day.isoformat(),
            "updated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}


def item_to_checkin(item: Item | None) -> dt.date | None:
    return _iso_or_none(item.get("day")) if item else None


# ---------------------------------------------------------------------------------------------
# Items beside the transactions (their keys: lib.store.side_items) and the range of one prefix
# ---------------------------------------------------------------------------------------------
def prefix_range(prefix: str) -> tuple[str, str]:
    """Inclusive sort-key bounds of every item whose key starts with prefix (ids are printable ASCII)."""
    return prefix, prefix + _DAY_END


# ---------------------------------------------------------------------------------------------
# Issue 22 (safe on the open internet): the session generation, rate buckets, login failures.
# Per-user side items sorting after "~", so the dashboard's window Query never reads them.
# ---------------------------------------------------------------------------------------------
AUTH_PREFIX = "~AUTH#"
SESSION_GEN_SK = f"{AUTH_PREFIX}SESSIONS"
RATE_PREFIX = f"{AUTH_PREFIX}RATE#"
LOGIN_FAILURES_SK = f"{AUTH_PREFIX}LOGINFAIL"
EXPIRES_AT = "expires_at"  # epoch seconds: DynamoDB's TTL attribute (deploy/template.yaml) drops the item


def session_gen_key(user_id: str) -> dict[str, str]:
    """Primary key of the user's session generation (bumped by every "log out everywhere")."""
    return {PK: user_id, SK: SESSION_GEN_SK}


def rate_bucket_key(user_id: str, bucket: str) -> dict[str, str]:
    """Primary key of one of the user's token buckets ("api", "imports")."""
    return {PK: user_id, SK: f"{RATE_PREFIX}{bucket}"}


def login_failures_key(username: str) -> dict[str, str]:
    """Primary key of the failed-login count of a typed username (known or not: same item, same answer)."""
    return {PK: username, SK: LOGIN_FAILURES_SK}
