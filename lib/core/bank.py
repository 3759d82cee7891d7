"""Bank feeds, the pure part: connection and account states, date chunks, signs, and matching file rows.

No HTTP and no store here (lib.sync does those); what a sync decides about money is decided here.
"""
from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

# The few named states of a connection (and of each account: ok or needs_attention).
OK = "ok"
NEEDS_ATTENTION = "needs_attention"  # the bridge answered, with errors about some accounts
REVOKED = "revoked"  # 403: the user (or the bridge) revoked the access; never called again
LAPSED = "lapsed"  # 402: the bridge subscription is not paid
UNAVAILABLE = "unavailable"  # the bridge could not be reached or answered nonsense; try later
QUOTA = "quota"  # our own daily request limit is spent; the next day's syncs go on
STATES = (OK, NEEDS_ATTENTION, REVOKED, LAPSED, UNAVAILABLE, QUOTA)

MAX_CHUNK_DAYS = 60  # the bridge answers at most this many days per request
FIRST_SYNC_DAYS = 90  # how far back the first sync reads
OVERLAP_DAYS = 7  # later syncs read again this far back: pending rows settle, late rows arrive
REQUESTS_PER_DAY = 24  # the bridge's fair use (its developer guide): 24 requests a day or fewer
SYNCS_PER_DAY = 4  # regular syncs by the jobs tick, spread over the day (plus the one before the morning nudge)
SYNC_SLOT_MINUTES = 5  # the jobs tick's slot: one Query of the slot's index partition per tick
MATCH_DAYS = 3  # a bank row and a row imported from a file are the same purchase within these days
# Account names that count as spending by default (checking and credit cards); savings, loans,
# investments do not: money moved there is not spent.
_SPENDING_WORDS = re.compile(r"check|current|credit|card|visa|mastercard|amex|debit|spending|everyday", re.I)
_NOT_SPENDING = re.compile(r"saving|loan|mortgage|invest|brokerage|\bira\b|401k|retire|crypto|\bcd\b", re.I)


@dataclass(frozen=True)
class BankAccount:
    """One account the bridge reported, as we show and keep it."""

    account_id: str
    name: str
    institution: str
    currency: str
    balance: Decimal | None = None
    balance_date: dt.datetime | None = None


@dataclass(frozen=True)
class BankTransaction:
    """One row of the bridge, sign as the protocol says (negative = money out of the account)."""

    account_id: str
    txn_id: str
    day: dt.date  # when it happened (transacted), else when it posted, in the user's zone
    amount: Decimal
    description: str
    payee: str = ""
    pending: bool = False
    category: str = ""  # the bank's own category, when the bridge gives one (extra.category)


@dataclass(frozen=True)
class AccountError:
    """One error of the bridge's list; `account_id` when it names an account (else it is about all)."""

    message: str
    account_id: str | None = None


@dataclass(frozen=True)
class AccountState:
    """What we keep per account: its name, whether it counts as spending, its last state."""

    user_id: str
    account_id: str
    name: str
    institution: str
    currency: str
    spending: bool
    state: str = OK
    error: str = ""
    last_ok_at: str = ""  # ISO time of the last sync that read it without an error
    balance: Decimal | None = None
    version: int = 0


@dataclass(frozen=True)
class Connection:
    """The user's link to a bridge: the sealed access URL (never shown) and the last outcome."""

    user_id: str
    provider: str
    sealed_access: str
    state: str = OK
    message: str = ""  # the last outcome in the user's words (plain text)
    connected_at: str = ""
    last_sync_at: str = ""  # the last attempt
    last_ok_at: str = ""  # the last attempt the bridge answered
    synced_through: str = ""  # ISO day: rows up to it were read at least once
    sync_slots: tuple[str, ...] = ()  # the UTC slots ("HH:MM") whose index items list this user (jobs tick)
    version: int = 0

    def with_outcome(self, state: str, message: str, at: dt.datetime, *, answered: bool,
                     through: dt.date | None = None) -> Connection:
        """The connection after one sync attempt."""
        when = at.astimezone(dt.UTC).isoformat(timespec="seconds")
        return replace(self, state=state, message=message, last_sync_at=when,
                       last_ok_at=when if answered else self.last_ok_at,
                       synced_through=through.isoformat() if through else self.synced_through)


@dataclass(frozen=True)
class BankNote:
    """The feed's state as the dashboard and the nudge need it (a small item read with the window)."""

    state: str
    message: str = ""
    last_ok_at: str = ""
    connected_at: str = ""
    attention: tuple[str, ...] = ()  # spending accounts the bridge reported errors for

    @classmethod
    def of(cls, conn: Connection, accounts: list[AccountState]) -> BankNote:
        troubled = tuple(a.name for a in accounts if a.spending and a.state == NEEDS_ATTENTION)
        return cls(conn.state, conn.message, conn.last_ok_at, conn.connected_at, troubled[:10])


@dataclass
class SyncReport:
    """What one sync did (the CLI prints it as JSON; the Settings page says it in words)."""

    state: str = OK
    accounts: int = 0
    added: int = 0
    updated: int = 0
    pending: int = 0
    removed: int = 0
    matched_file_rows: int = 0
    requests: int = 0
    errors: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"state": self.state, "accounts": self.accounts, "added": self.added, "updated": self.updated,
                "pending": self.pending, "removed": self.removed, "matched_file_rows": self.matched_file_rows,
                "requests": self.requests, "errors": list(self.errors)}


def is_spending_by_default(name: str) -> bool:
    """Checking and credit-card accounts count as spending unless the user says otherwise."""
    return bool(_SPENDING_WORDS.search(name)) and not _NOT_SPENDING.search(name)


def chunks(start: dt.date, end: dt.date, days: int = MAX_CHUNK_DAYS) -> list[tuple[dt.date, dt.date]]:
    """start..end (inclusive) cut into pieces of at most `days` days, oldest first."""
    out: list[tuple[dt.date, dt.date]] = []
    cursor = start
    while cursor <= end:
        last = min(end, cursor + dt.timedelta(days=days - 1))
        out.append((cursor, last))
        cursor = last + dt.timedelta(days=1)
    return out


def sync_range(conn: Connection, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days the next sync reads: 90 days the first time, else from a week before the last read."""
    through = dt.date.fromisoformat(conn.synced_through) if conn.synced_through else None
    if through is None:
        return today - dt.timedelta(days=FIRST_SYNC_DAYS - 1), today
    return min(through, today) - dt.timedelta(days=OVERLAP_DAYS), today


def spent(txn: BankTransaction) -> Decimal:
    """The app's amount: purchases positive. The protocol's negative (money out) becomes positive."""
    return -txn.amount


_WORDS = re.compile(r"[a-z]+")
_NOISE = {"pos", "purchase", "debit", "card", "ach", "payment", "the", "inc", "llc", "ltd", "co", "www", "com"}


def payee_words(text: str) -> str:
    """A payee without the noise banks add (card numbers, dates, 'POS PURCHASE')."""
    return " ".join(w for w in _WORDS.findall(text.lower()) if w not in _NOISE and len(w) > 1)


def similar_payee(a: str, b: str) -> bool:
    """Two descriptions name the same payee: one contains the other, or they read 60% alike."""
    x, y = payee_words(a), payee_words(b)
    if not x or not y:
        return not x and not y
    if x in y or y in x:
        return True
    return difflib.SequenceMatcher(None, x, y).ratio() >= 0.6


def matches_file_row(bank_day: dt.date, bank_amount: Decimal, bank_text: str,
                     file_day: dt.date, file_amount: Decimal, file_text: str) -> bool:
    """A bank row and a row imported from a file are one purchase: 3 days apart at most, same amount, like payee."""
    return (abs((bank_day - file_day).days) <= MATCH_DAYS and bank_amount == file_amount
            and similar_payee(bank_text, file_text))


def notices(note: BankNote | None, now: dt.datetime) -> list[tuple[str, str]]:
    """What the dashboard and the nudge say about the bank feed: (level, plain text), worst first."""
    if note is None:
        return []
    if note.state == REVOKED:
        return [("error", "Your bank connection was revoked at the bridge, so syncing stopped. "
                          "Connect again with a new setup token in Settings.")]
    if note.state == LAPSED:
        return [("error", "Your SimpleFIN Bridge subscription has lapsed, so your bank is not syncing. "
                          "Renew it at the bridge; syncing resumes by itself.")]
    out: list[tuple[str, str]] = []
    if note.attention or note.state == NEEDS_ATTENTION:
        names = ", ".join(note.attention[:3]) or "one of your accounts"
        out.append(("warning", f"Your bank needs attention ({names}): sign in at the bridge to fix the link. "
                               "Spending from it may be missing."))
    stale = _stale_since(note, now)
    if stale:
        out.append(("warning", f"Bank data is stale since {stale}: the last syncs did not reach the bridge."))
    return out


def _stale_since(note: BankNote, now: dt.datetime) -> str:
    """The day of the last good sync (or of connecting) when that is more than 36 hours ago."""
    base = note.last_ok_at or note.connected_at
    if not base:
        return ""
    try:
        ok = dt.datetime.fromisoformat(base)
    except ValueError:
        return ""
    return ok.date().isoformat() if now - ok > dt.timedelta(hours=36) else ""


# ---------------------------------------------------------------------------------------------
# Regular syncs (the jobs tick): which UTC slots a user's syncs fall in, and what the nudge says
# ---------------------------------------------------------------------------------------------
def sync_slots(user_id: str, per_day: int = SYNCS_PER_DAY) -> tuple[str, ...]:
    """The UTC "HH:MM" slots of a user's regular syncs: `per_day` evenly apart, offset by a hash of the id,
    so users spread over the whole gap (72 five-minute slots for 4 a day) rather than all syncing at once."""
    gap = 24 * 60 // per_day
    offset = int(hashlib.sha256(user_id.encode("utf-8")).hexdigest()[:8], 16) % (gap // SYNC_SLOT_MINUTES)
    first = offset * SYNC_SLOT_MINUTES
    return tuple(f"{m // 60:02d}:{m % 60:02d}" for m in sorted((first + k * gap) % (24 * 60) for k in range(per_day)))


def nudge_alert(note: BankNote | None, now: dt.datetime) -> tuple[str, str] | None:
    """What a nudge says about the bank, worst first: ("revoked"|"lapsed"|"attention"|"stale", since-day);
    None when the feed is fine or not connected. The same facts as `notices`, shorter for a phone."""
    if note is None:
        return None
    if note.state in (REVOKED, LAPSED):
        return note.state, ""
    if note.attention or note.state == NEEDS_ATTENTION:
        return "attention", ""
    stale = _stale_since(note, now)
    return ("stale", stale) if stale else None
