"""The per-user session generation: "log out everywhere" bumps it, and a login lives only while the
generation it started under is still the current one.

Revocation by generation, not by clocks: a login cookie carries the number it was issued under, and
an open session remembers its own; both are compared for equality with the stored number, so two
servers whose clocks disagree cannot keep a revoked login alive. Tokens from an identity provider
(OIDC, the API's Cognito tokens) carry no number of ours: for them `ended_at` is when the last
logout was recorded, compared with when the provider authenticated the user.

Reads go through a per-process cache (GenerationCache) that asks the store at most once every
30 s per user, so a logout reaches every open session of every server within 30 s.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from lib.core.errors import ConflictError, StoreUnavailableError
from lib.core.types import Generation
from lib.store import schema
from lib.store.base import Store

log = logging.getLogger(__name__)

CACHE_SECONDS = 30.0
CACHE_ENTRIES = 10_000  # bounded: a process serving many users forgets the least recently read
_ATTEMPTS = 5


def generation_from_item(item: schema.Item | None) -> Generation:
    """The stored item as a Generation (none: 0, a user who never logged out)."""
    if not item:
        return Generation()
    ended: dt.datetime | None = None
    try:
        ended = dt.datetime.fromisoformat(str(item.get("ended_at"))) if item.get("ended_at") else None
    except ValueError:
        log.warning("unreadable session generation", extra={"user_id": str(item.get(schema.PK))})
    return Generation(int(item.get("gen") or 0), ended, schema.version_of(item))


def read_generation(store: Store, user_id: str) -> Generation:
    """The stored generation (a strongly consistent read; 0 for a user who never logged out)."""
    return generation_from_item(store.get_record(schema.session_gen_key(user_id), consistent=True))


def end_all_sessions(store: Store, user_id: str, at: dt.datetime) -> Generation:
    """Bump the generation: every login issued under an older one is refused from now on, on every server."""
    for _ in range(_ATTEMPTS):
        current = read_generation(store, user_id)
        new = Generation(current.number + 1, at.astimezone(dt.UTC), current.version + 1)
        item = {**schema.session_gen_key(user_id), "gen": new.number, "ended_at": at.astimezone(dt.UTC).isoformat(),
                "version": new.version}
        try:
            store.put_record(item, expected_version=current.version)
        except ConflictError:
            continue  # another device logged out at the same moment: bump on top of theirs
        return new
    raise StoreUnavailableError("The logout could not be recorded (too many at once): try again.")


class GenerationCache:
    """Per-process cache of generations: the store is asked at most once per `seconds` per user."""

    def __init__(self, seconds: float = CACHE_SECONDS, entries: int = CACHE_ENTRIES,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.entries = entries
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, tuple[float, Generation]] = OrderedDict()
        self.reads = 0  # store reads made, for tests and the usage panel

    def get(self, store: Store, user_id: str) -> Generation:
        """The user's generation, read from the store when the cached one is older than `seconds`."""
        now = self._monotonic()
        with self._lock:
            hit = self._cache.get(user_id)
            if hit is not None and now - hit[0] < self.seconds:
                self._cache.move_to_end(user_id)
                return hit[1]
        generation = read_generation(store, user_id)  # outside the lock: a slow read blocks no one else
        with self._lock:
            self.reads += 1
            self._cache[user_id] = (now, generation)
            self._cache.move_to_end(user_id)
            while len(self._cache) > self.entries:
                self._cache.popitem(last=False)
        return generation

    def peek(self, user_id: str) -> Generation | None:
        """The cached generation while it is fresh, else None (no store read)."""
        with self._lock:
            hit = self._cache.get(user_id)
            if hit is None or self._monotonic() - hit[0] >= self.seconds:
                return None
            return hit[1]

    def learn(self, user_id: str, generation: Generation) -> None:
        """A generation read by another request just now (the dashboard's window Query): cached as fresh,
        unless this process already knows a higher one (a read that started before a logout here)."""
        with self._lock:
            hit = self._cache.get(user_id)
            if hit is not None and hit[1].number > generation.number:
                return
            self._cache[user_id] = (self._monotonic(), generation)
            self._cache.move_to_end(user_id)
            while len(self._cache) > self.entries:
                self._cache.popitem(last=False)

    def remember(self, user_id: str, generation: Generation) -> None:
        """What this process just wrote (a logout) is seen at once by its own sessions."""
        with self._lock:
            self._cache[user_id] = (self._monotonic(), generation)
            self._cache.move_to_end(user_id)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


def issued_before_logout(authenticated_at: float | None, generation: Generation) -> bool:
    """True when a provider's identity (its auth_time or iat, epoch seconds) predates the last logout."""
    if generation.ended_at is None:
        return False
    return authenticated_at is None or authenticated_at <= generation.ended_at.timestamp()
