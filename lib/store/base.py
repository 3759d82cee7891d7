"""The Store protocol every backend implements, and the request/capacity meter they share."""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from lib.core.models import Commentary, Profile, Transaction
from lib.core.types import CategoryRule, ImportBatch, SavedMapping, StreakState, Window
from lib.store.schema import Item

BATCH_SIZE = 25  # DynamoDB's BatchWriteItem limit; the SQLite backend keeps the same shape

# What every backend says when a write loses a race (pages show these next to the current values).
PROFILE_CONFLICT = (
    "Your settings were changed in another tab or session. "
    "The latest values are shown: review them and save again."
)
TRANSACTION_CHANGED = "This transaction was changed in another tab or session; nothing was saved."
TRANSACTION_GONE = "This transaction was deleted in another tab or session; nothing was saved."
TRANSACTION_EXISTS = "A different transaction is already stored under this key; nothing was saved."


def partial_message(action: str, written: int, total: int, unconfirmed: int, why: str) -> str:
    """The exact outcome of a many-item write that stopped midway, with the next step."""
    noun = "deleted" if action == "delete" else "written"
    text = f"{written} of {total} items were {noun} before the store stopped answering ({why})."
    if unconfirmed:
        text += f" {unconfirmed} more were sent but not confirmed (they may or may not be {noun})."
    return text + " Nothing is doubled or lost: do the same again to finish the job."


@dataclass
class Usage:
    """Counters for one user (or the whole store): requests and consumed capacity units."""

    requests: int = 0
    reads: int = 0
    writes: int = 0
    read_units: float = 0.0
    write_units: float = 0.0

    def add(self, other: Usage) -> None:
        self.requests += other.requests
        self.reads += other.reads
        self.writes += other.writes
        self.read_units += other.read_units
        self.write_units += other.write_units

    def minus(self, other: Usage) -> Usage:
        return Usage(
            self.requests - other.requests,
            self.reads - other.reads,
            self.writes - other.writes,
            self.read_units - other.read_units,
            self.write_units - other.write_units,
        )


@dataclass
class Meter:
    """Thread-safe per-user usage counters (Streamlit runs each session in its own thread)."""

    _by_user: dict[str, Usage] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, user_id: str, *, read: bool, read_units: float = 0.0, write_units: float = 0.0) -> None:
        """Count one request made on behalf of user_id."""
        with self._lock:
            u = self._by_user.setdefault(user_id, Usage())
            u.requests += 1
            if read:
                u.reads += 1
            else:
                u.writes += 1
            u.read_units += read_units
            u.write_units += write_units

    def for_user(self, user_id: str) -> Usage:
        """A snapshot of one user's counters."""
        with self._lock:
            u = self._by_user.get(user_id, Usage())
            return Usage(u.requests, u.reads, u.writes, u.read_units, u.write_units)

    def total(self) -> Usage:
        """A snapshot of all users' counters together."""
        with self._lock:
            t = Usage()
            for u in self._by_user.values():
                t.add(u)
            return t

    def reset(self) -> None:
        with self._lock:
            self._by_user.clear()


ProgressCallback = Callable[[int, int], None]


class Store(Protocol):
    """Every operation the product needs; each backend behaves the same (see tests/contract)."""

    meter: Meter

    def init(self) -> None:
        """Create the table / database file if missing."""

    def get_profile(self, user_id: str, default_name: str | None = None) -> Profile:
        """The user's profile, or the default one when none is saved."""

    def save_profile(self, profile: Profile) -> Profile:
        """Save if the stored version still equals profile.version; returns it with version+1.

        Raises ConflictError (with the current profile in `.current`) when it does not.
        """

    def add_transaction(self, txn: Transaction) -> Transaction:
        """Insert one transaction under its (client-generated) sort key; returns it with version 1.

        Idempotent: adding the same transaction again (a retry after a lost answer) is a
        success, not a second copy. A different transaction under that key is a ConflictError.
        """

    def get_transaction(self, user_id: str, sort_key: str) -> Transaction | None:
        """One transaction by its sort key (strongly consistent), or None."""

    def update_transaction(self, old_sort_key: str, txn: Transaction) -> Transaction:
        """Replace the transaction under old_sort_key if its stored version is still txn.version.

        Returns what was stored: version + 1, and the key `schema.key_for_date(old_sort_key,
        txn.date)` (txn.sort_key is ignored). A stale version is a ConflictError whose
        `.current` is the stored transaction (None: deleted elsewhere). A retry of an edit
        that was already stored is a success.
        """

    def delete_transaction(self, user_id: str, sort_key: str, version: int | None = None) -> None:
        """Delete one transaction; a missing one is not an error (a retried delete succeeds).

        With `version`, a transaction changed since (another version) is not deleted: a
        ConflictError with the stored transaction in `.current`.
        """

    def list_transactions(self, user_id: str, start: dt.date, end: dt.date) -> list[Transaction]:
        """The user's transactions dated start..end inclusive, in sort-key order."""

    def load_window(self, user_id: str, start: dt.date, end: dt.date, default_name: str | None = None) -> Window:
        """Profile + transactions start..end + cached commentary; ONE query when end is today or later."""

    def put_transactions(self, txns: Iterable[Transaction], progress: ProgressCallback | None = None) -> int:
        """Write many transactions in batches of 25 (overwriting equal keys); returns the count.

        A failure midway is a PartialWriteError with exactly how many were written; the
        same call again finishes the job.
        """

    def export_items(self, user_id: str) -> list[Item]:
        """Every item of the user's partition (profile, transactions, commentary), as stored."""

    def delete_user(self, user_id: str) -> int:
        """Delete every item of the user's partition; returns how many.

        A failure midway is a PartialWriteError with exactly how many were deleted.
        """

    def put_streak_state(self, user_id: str, state: StreakState) -> None:
        """Save the streak summary of the days before the window (derived data; see lib.core.streaks)."""

    def mark_known(self, user_id: str, day: dt.date) -> None:
        """Spending up to `day` is complete: a "nothing spent" check-in or an import's last day (never moves back)."""

    def get_commentary(self, user_id: str) -> Commentary | None:
        """The cached coach commentary, if any."""

    def put_commentary(self, commentary: Commentary) -> None:
        """Store the day's coach commentary (overwrites the previous one)."""

    def sessions_valid_after(self, user_id: str) -> dt.datetime | None:
        """When the user last logged out (logins issued before are refused); None if never. Strongly consistent."""

    def end_sessions(self, user_id: str, at: dt.datetime) -> None:
        """Revoke every login of the user issued up to `at` (their logout), on every server."""

    def data_version(self, user_id: str) -> int:
        """The user's write counter (one small read): it changes whenever what the pages show changes."""

    def mark_changed(self, user_id: str) -> None:
        """Bump the user's data version (every write method does; call it after a record a page reads)."""

    def batched_changes(self, user_id: str) -> AbstractContextManager[None]:
        """Writes inside bump the data version once, when the block ends."""

    # -- records: small items the other packages own (keys and items built in lib.store.schema) --------
    def get_record(self, key: dict[str, str], *, consistent: bool = True) -> Item | None:
        """One item by its key (strongly consistent unless asked otherwise), or None."""

    def put_record(self, item: Item, *, if_absent: bool = False, expected_version: int | None = None) -> None:
        """Write one item; `if_absent` or `expected_version` make it conditional (refused: ConflictError)."""

    def delete_record(self, key: dict[str, str]) -> None:
        """Delete one item by its key (nothing happens when it is not there)."""

    def query_records(self, partition: str, prefix: str, limit: int | None = None) -> list[Item]:
        """The items of one partition whose sort key starts with `prefix`, in key order (one Query, never a Scan)."""

    # -- imports: batches, remembered mappings, category rules (lib/ingest) -------------------
    def delete_transactions(self, user_id: str, sort_keys: Iterable[str]) -> int:
        """Delete many of the user's transactions in batches of 25; returns how many keys were deleted."""

    def put_import_batch(self, batch: ImportBatch) -> None:
        """Record (or overwrite) one import's batch record."""

    def get_import_batch(self, user_id: str, batch_id: str) -> ImportBatch | None:
        """One import's record, if the user has it."""

    def list_import_batches(self, user_id: str) -> list[ImportBatch]:
        """Every import of the user, newest first."""

    def delete_import_batch(self, user_id: str, batch_id: str) -> None:
        """Forget an import's record (its rows are deleted separately)."""

    def put_mapping(self, mapping: SavedMapping) -> None:
        """Remember the mapping the user confirmed for one export layout."""

    def get_mapping(self, user_id: str, signature: str) -> SavedMapping | None:
        """The remembered mapping for one export layout, if any."""

    def put_category_rule(self, rule: CategoryRule) -> None:
        """Save (or replace) the user's rule for one merchant."""

    def list_category_rules(self, user_id: str) -> list[CategoryRule]:
        """Every category rule of the user."""

    def delete_category_rule(self, user_id: str, merchant: str) -> None:
        """Drop the user's rule for one merchant."""


class ChangeCounter:
    """The per-user data version's bumps (lib.web.state), one per write action, or one per batch.

    `batched_changes(user)` holds the bumps of the writes inside it and makes one at the end (a bank
    sync of 270 rows bumps once, not 270 times); per thread, so two sessions never share a batch.
    """

    _held = threading.local()

    def _bump_version(self, user_id: str) -> None:
        raise NotImplementedError

    def mark_changed(self, user_id: str) -> None:
        """What the pages show changed (a write, or a record a page reads): other processes must look again."""
        held: dict[str, bool] | None = getattr(self._held, "users", None)
        if held is not None and user_id in held:
            held[user_id] = True
            return
        self._bump_version(user_id)

    @contextmanager
    def batched_changes(self, user_id: str) -> Iterator[None]:
        """Writes inside bump the user's data version once, when the block ends (even by an error)."""
        held: dict[str, bool] = getattr(self._held, "users", None) or {}
        self._held.users = held
        if user_id in held:  # already batching: the outer block bumps
            yield
            return
        held[user_id] = False
        try:
            yield
        finally:
            if held.pop(user_id):
                self._bump_version(user_id)


def chunks(items: Iterable[Item], size: int = BATCH_SIZE) -> Iterator[list[Item]]:
    """Split items into lists of at most `size`."""
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
