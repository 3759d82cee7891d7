"""Connect, sync, status and disconnect of a user's bank feed: the part every provider shares.

A sync records its outcome on the connection item (versioned), counts each request before
sending it (lib.sync.quota), and writes rows through lib.sync.rows, so a retry or two syncs at
once change nothing twice. The jobs tick calls `regular_sync` for the users its slot's index lists
(lib.sync.index: about 4 a day each) and `before_morning` before a user's morning nudge; both claim
the sync with a versioned write first, so two ticks at once make one sync, never two.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import replace

from lib.config import Settings, load_settings
from lib.core import clock
from lib.core.bank import (
    LAPSED,
    NEEDS_ATTENTION,
    OK,
    QUOTA,
    REVOKED,
    AccountState,
    BankNote,
    Connection,
    SyncReport,
    is_spending_by_default,
    notices,
    sync_range,
)
from lib.core.errors import ConflictError, FinanceError, StoreUnavailableError
from lib.rates import rates_from_settings
from lib.store import Store
from lib.store.bank_items import (
    bank_account_to_item,
    bank_connection_to_item,
    item_to_bank_account,
    item_to_bank_connection,
)
from lib.store.schema import version_of
from lib.store.schema_bank import (
    bank_account_key,
    bank_account_prefix,
    bank_connection_key,
    bank_note_key,
    bank_note_to_item,
    bank_quota_key,
    item_to_bank_note,
)
from lib.store.sealed import sealer_from_settings
from lib.sync import index
from lib.sync.base import Fetched, Provider, SyncError
from lib.sync.http import Policy
from lib.sync.quota import DailyQuota
from lib.sync.rows import apply_rows
from lib.sync.simplefin import SimpleFIN

log = logging.getLogger(__name__)

SYNC_EVERY = dt.timedelta(hours=6)  # a few times a day: 4 regular syncs
REGULAR_SKIP = dt.timedelta(hours=3)  # a regular slot skips a user synced within 3 h (the morning one, Sync now)
BEFORE_MORNING = dt.timedelta(hours=1)  # the morning sync is skipped when one ran within the hour
LAPSED_EVERY = dt.timedelta(hours=24)  # a lapsed subscription is tried again once a day


LOST_CLAIM = ("The bridge accepted the token, but saving the connection failed, so the token is used up: "
              "make a new setup token at the bridge and connect again.")


class NotConnectedError(FinanceError):
    """The user has no bank connection."""


def provider_for(settings: Settings) -> Provider:
    """The provider of this deployment (SimpleFIN), with the SSRF policy the settings allow."""
    return SimpleFIN(Policy(allow_loopback=settings.bank_loopback_allowed))


def _iso(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).isoformat(timespec="seconds")


def load(store: Store, user_id: str) -> tuple[Connection | None, list[AccountState]]:
    """The connection and the account states (one Query for the accounts, one read for the connection)."""
    return item_to_bank_connection(store.get_record(bank_connection_key(user_id))), _accounts(store, user_id)


def _accounts(store: Store, user_id: str) -> list[AccountState]:
    accounts = [a for a in map(item_to_bank_account, store.query_records(user_id, bank_account_prefix()))
                if a is not None]
    return sorted(accounts, key=lambda a: (a.institution, a.name))


def _save_conn(store: Store, conn: Connection) -> Connection:
    """Versioned write of the connection; a lost race re-reads and keeps the newer outcome's fields.

    The regular syncs' index follows the saved connection (written after it: a tick never finds an
    index item without its connection), so a 403 drops it and an older connection gets it."""
    stored, conn = conn.sync_slots, index.with_slots(conn)
    for _ in range(3):
        try:
            store.put_record(bank_connection_to_item(_bump(conn)), expected_version=conn.version)
        except ConflictError as exc:
            current = item_to_bank_connection(exc.current if isinstance(exc.current, dict) else None)
            if current is None or current.sealed_access != conn.sealed_access:
                raise  # disconnected or connected anew meanwhile: this outcome is about an old link
            stored, conn = current.sync_slots, _merge(current, conn)
            continue
        index.move(store, conn.user_id, stored, conn.sync_slots)
        return _bump(conn)
    raise ConflictError("The bank connection is being changed elsewhere; try again.")


def _bump(conn: Connection) -> Connection:
    return replace(conn, version=conn.version + 1)


def _merge(current: Connection, mine: Connection) -> Connection:
    return replace(mine, version=current.version,
                   synced_through=max(current.synced_through, mine.synced_through),
                   last_ok_at=max(current.last_ok_at, mine.last_ok_at))


def _note(store: Store, conn: Connection, accounts: list[AccountState]) -> None:
    """The dashboard's copy of the feed's state (one small item in the window's range; last write wins)."""
    store.put_record(bank_note_to_item(conn.user_id, BankNote.of(conn, accounts)))
    store.mark_changed(conn.user_id)  # the dashboard shows the note: other processes must look again


def _save_account(store: Store, acct: AccountState) -> None:
    try:
        store.put_record(bank_account_to_item(replace(acct, version=acct.version + 1)), expected_version=acct.version)
    except ConflictError:
        log.info("an account state changed meanwhile; the newer one stays")


def connect(store: Store, settings: Settings, user_id: str, token: str, now: dt.datetime,
            provider: Provider | None = None) -> list[AccountState]:
    """Claim the setup token once, keep the access URL sealed, and list the accounts (spending ones preset)."""
    provider = provider or provider_for(settings)
    sealer = sealer_from_settings(settings)
    quota = DailyQuota(store, user_id, now)
    access = provider.claim(token, quota.take)
    # A new token replaces an earlier connection (revoked or not): its version is the base of the write.
    try:
        version = version_of(store.get_record(bank_connection_key(user_id)))
        conn = _save_conn(store, Connection(user_id=user_id, provider=provider.name,
                                            sealed_access=sealer.seal(access), state=OK, message="Connected.",
                                            connected_at=_iso(now), version=version))
    except StoreUnavailableError as exc:
        # The token is spent and its access was not kept: say so plainly, with the way out.
        raise StoreUnavailableError(LOST_CLAIM) from exc
    zone = _zone(store, user_id)
    today = now.astimezone(zone).date()
    try:
        fetched = provider.fetch(access, today, today, zone, quota.take)
    except SyncError as exc:
        conn = _save_conn(store, conn.with_outcome(exc.state, str(exc), now, answered=False))
        accounts = load(store, user_id)[1]
    else:
        _save_accounts(store, user_id, fetched, now)
        accounts = load(store, user_id)[1]
    _note(store, conn, accounts)
    return accounts


def _zone(store: Store, user_id: str) -> dt.tzinfo:
    """The user's zone (their days), else the server's."""
    return clock.zone(store.get_profile(user_id).timezone or None) or clock.now().astimezone().tzinfo or dt.UTC


def _save_accounts(store: Store, user_id: str, fetched: Fetched, now: dt.datetime) -> list[AccountState]:
    """Upsert one state per reported account; an account named in the error list needs attention."""
    known = _accounts(store, user_id)
    by_id = {a.account_id: a for a in known}
    failing = {e.account_id: e.message for e in fetched.errors if e.account_id}
    out = []
    for acct in fetched.accounts:
        old = by_id.get(acct.account_id)
        error = failing.get(acct.account_id, "")
        state = AccountState(
            user_id=user_id, account_id=acct.account_id, name=acct.name, institution=acct.institution,
            currency=acct.currency, spending=old.spending if old else is_spending_by_default(acct.name),
            state=NEEDS_ATTENTION if error else OK, error=error,
            last_ok_at=(old.last_ok_at if old else "") if error else _iso(now), balance=acct.balance,
            version=old.version if old else 0)
        if old is None or _changed(old, state):
            _save_account(store, state)
        out.append(state)
    return out


def _changed(old: AccountState, new: AccountState) -> bool:
    keys = ("name", "institution", "currency", "state", "error", "balance")
    # last_ok_at moves on every sync; its day is enough, so a quiet sync later that day writes no state.
    return any(getattr(old, k) != getattr(new, k) for k in keys) or old.last_ok_at[:10] != new.last_ok_at[:10]


def set_spending(store: Store, user_id: str, chosen: Mapping[str, bool]) -> int:
    """Mark which accounts count as spending (account id -> yes/no); returns how many changed."""
    changed = 0
    for acct in load(store, user_id)[1]:
        if acct.account_id in chosen and chosen[acct.account_id] != acct.spending:
            _save_account(store, replace(acct, spending=bool(chosen[acct.account_id])))
            changed += 1
    conn, accounts = load(store, user_id)
    if changed and conn is not None:
        _note(store, conn, accounts)  # "needs attention" names spending accounts only
    return changed


def account_ids(store: Store, user_id: str) -> list[str]:
    """The bridge's account ids in the order `status` lists the accounts (for the Settings form)."""
    return [a.account_id for a in load(store, user_id)[1]]


def disconnect(store: Store, user_id: str) -> int:
    """Forget the connection and the account states (rows already synced stay); returns items deleted."""
    conn, accounts = load(store, user_id)
    index.drop(store, user_id, conn.sync_slots if conn else ())
    for acct in accounts:
        store.delete_record(bank_account_key(user_id, acct.account_id))
    store.delete_record(bank_connection_key(user_id))
    store.delete_record(bank_quota_key(user_id))
    store.delete_record(bank_note_key(user_id))
    return len(accounts) + 1


def sync_user(store: Store, settings: Settings, user_id: str, now: dt.datetime,
              provider: Provider | None = None) -> SyncReport:
    """One sync: read the bridge from the last synced day (90 days the first time), write the spending rows.

    Its writes bump the user's data version once, at the end (lib.store.base.ChangeCounter)."""
    with store.batched_changes(user_id):
        return _sync_user(store, settings, user_id, now, provider)


def _sync_user(store: Store, settings: Settings, user_id: str, now: dt.datetime,
               provider: Provider | None, conn: Connection | None = None) -> SyncReport:
    conn = conn or item_to_bank_connection(store.get_record(bank_connection_key(user_id)))
    if conn is None:
        raise NotConnectedError("No bank is connected: paste a SimpleFIN setup token in Settings first.")
    report = SyncReport()
    if conn.state == REVOKED:
        report.state, report.errors = REVOKED, [conn.message or "The bank connection was revoked."]
        return report
    provider = provider or provider_for(settings)
    access = sealer_from_settings(settings).open(conn.sealed_access)
    profile = store.get_profile(user_id)  # the user's days (zone) and home currency (issue 25)
    zone = clock.zone(profile.timezone or None) or clock.now().astimezone().tzinfo or dt.UTC
    today = now.astimezone(zone).date()
    start, end = sync_range(conn, today)
    quota = DailyQuota(store, user_id, now)
    try:
        fetched = provider.fetch(access, start, end, zone, quota.take)
    except SyncError as exc:
        report.state, report.errors, report.requests = exc.state, [str(exc)], quota.taken
        keep = conn.state if exc.state == QUOTA else exc.state  # our own limit says nothing about the bank
        conn = _save_conn(store, conn.with_outcome(keep, str(exc), now, answered=False))
        _note(store, conn, load(store, user_id)[1])
        return report
    report.requests = fetched.requests
    accounts = _save_accounts(store, user_id, fetched, now)
    spending = {a.account_id for a in accounts if a.spending}
    report.accounts = len(accounts)
    failing = {e.account_id for e in fetched.errors if e.account_id}
    general = [e.message for e in fetched.errors if not e.account_id]
    report.errors = [e.message for e in fetched.errors]
    rows = [r for r in fetched.transactions if r.account_id in spending]
    currencies = {a.account_id: a.currency for a in accounts}
    complete = spending - failing if not general else set()
    apply_rows(store, user_id, rows, currencies, complete, start, end, report, profile.currency,
               lambda: rates_from_settings(settings, store))
    report.state = NEEDS_ATTENTION if report.errors else OK
    message = "; ".join(report.errors[:3]) if report.errors else f"Synced {report.accounts} accounts."
    conn = _save_conn(store, conn.with_outcome(report.state, message, now, answered=True, through=end))
    _note(store, conn, accounts)
    if report.state == OK and spending:
        # The bank has every row up to yesterday: those days are known (the streak and the nudge count them).
        store.mark_known(user_id, today - dt.timedelta(days=1))
    log.info("bank sync", extra={"user_id": user_id, "state": report.state, "added": report.added,
                                 "updated": report.updated, "requests": report.requests})
    return report


def due_for_sync(store: Store, user_id: str, now: dt.datetime, every: dt.timedelta = SYNC_EVERY) -> bool:
    """The user has a live connection whose last sync attempt is at least `every` ago (a lapsed one: a day)."""
    return _due(item_to_bank_connection(store.get_record(bank_connection_key(user_id))), now, every)


def _due(conn: Connection | None, now: dt.datetime, every: dt.timedelta) -> bool:
    if conn is None or conn.state == REVOKED:
        return False
    if not conn.last_sync_at:
        return True
    try:
        last = dt.datetime.fromisoformat(conn.last_sync_at)
    except ValueError:
        return True
    return now - last >= (LAPSED_EVERY if conn.state == LAPSED else every)


def before_morning(store: Store, user_id: str, now: dt.datetime,
                   settings: Settings | None = None) -> SyncReport | None:
    """The jobs hook before a morning nudge: sync unless one ran within the hour (None: nothing to do)."""
    return _claimed_sync(store, settings or load_settings(), user_id, now, BEFORE_MORNING)[1]


NOT_CONNECTED, NOT_DUE, TAKEN, SYNCED = "not connected", "not due", "taken by another tick", "synced"


def regular_sync(store: Store, settings: Settings, user_id: str, slot: str, now: dt.datetime,
                 provider: Provider | None = None) -> tuple[str, SyncReport | None]:
    """One of the day's regular syncs (the tick found the user in `slot`'s index): (what happened, the report).

    An index item with no live connection behind it (deleted user, revoked) is dropped here."""
    outcome, report = _claimed_sync(store, settings, user_id, now, REGULAR_SKIP, provider)
    if outcome == NOT_CONNECTED:
        index.drop_one(store, slot, user_id)
    return outcome, report


def _claimed_sync(store: Store, settings: Settings, user_id: str, now: dt.datetime, every: dt.timedelta,
                  provider: Provider | None = None) -> tuple[str, SyncReport | None]:
    """Sync when due, after claiming it: a versioned write of the attempt's time, so of two ticks at the
    same moment one syncs and the other sees the claim (or loses the write) and does nothing."""
    conn = item_to_bank_connection(store.get_record(bank_connection_key(user_id)))
    if conn is None or conn.state == REVOKED:
        return NOT_CONNECTED, None
    if not _due(conn, now, every):
        return NOT_DUE, None
    claimed = replace(conn, last_sync_at=_iso(now), version=conn.version + 1)
    try:
        store.put_record(bank_connection_to_item(claimed), expected_version=conn.version)
    except ConflictError:
        return TAKEN, None
    with store.batched_changes(user_id):
        return SYNCED, _sync_user(store, settings, user_id, now, provider, claimed)


def reindex(store: Store, user_id: str) -> tuple[str, ...]:
    """Put the user's regular-sync index items again (all of them, whatever the connection lists): the
    slots now listed. A connection made before the index existed also gets them on its next sync."""
    conn = item_to_bank_connection(store.get_record(bank_connection_key(user_id)))
    if conn is None:
        index.drop(store, user_id)
        return ()
    index.move(store, user_id, tuple(set(conn.sync_slots) - set(index.wanted(conn))), ())
    saved = _save_conn(store, replace(conn, sync_slots=()))  # nothing listed: every wanted item is put
    return saved.sync_slots


def status(store: Store, user_id: str, now: dt.datetime) -> dict[str, object]:
    """Last sync and each account's state, for `bank status` and the Settings page (never the access URL)."""
    conn, accounts = load(store, user_id)
    if conn is None:
        return {"connected": False, "accounts": [], "notices": []}
    if conn.sync_slots != index.wanted(conn):
        conn = _save_conn(store, conn)  # a connection made before the regular syncs' index: index it now
    used = DailyQuota(store, user_id, now).used()
    return {
        "connected": True, "provider": conn.provider, "state": conn.state, "message": conn.message,
        "connected_at": conn.connected_at, "last_sync_at": conn.last_sync_at, "last_ok_at": conn.last_ok_at,
        "synced_through": conn.synced_through, "requests_today": used, "sync_slots": list(conn.sync_slots),
        "accounts": [{"name": a.name, "institution": a.institution, "currency": a.currency, "spending": a.spending,
                      "state": a.state, "error": a.error, "last_ok_at": a.last_ok_at} for a in accounts],
        "notices": [text for _, text in notices(BankNote.of(conn, accounts), now)],
    }


def bank_notices(store: Store, user_id: str, now: dt.datetime) -> list[tuple[str, str]]:
    """What the nudge says about the bank: (level, plain text); nothing when not connected (one small read)."""
    return notices(item_to_bank_note(store.get_record(bank_note_key(user_id), consistent=False)), now)
