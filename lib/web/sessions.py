"""An open session's life (issue 22): it ends at its expiry, when the user logs out anywhere (the
session generation, read through a per-process cache at most every 30 s), and password guesses are
slowed then locked per username in the table.

The gate (lib.web.ui) calls these; the items and their rules live in lib.store.session_gen and
lib.store.throttle, which the API shares.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import streamlit as st

from lib.config import Settings
from lib.core import clock
from lib.store import Store
from lib.store.session_gen import Generation, GenerationCache, end_all_sessions, read_generation
from lib.store.throttle import MAX_FAILURES, clear_failures, login_wait, record_failure

log = logging.getLogger(__name__)

SESSION_KEY = "_session"
WAIT_KEY = "_login_wait"
EXPIRED = "Your session has expired. Sign in again."
ENDED = "You logged out (on this or another device), so this session has ended. Sign in again."
# A bcrypt hash of a random password: an unknown username costs the same check as a known one.
_DUMMY_HASH = "$2b$12$RzMRJDcAqtqxJp20VWfEferGB./fCPKi9ArHbFyL8T1hlod3ycwdi"


@st.cache_resource(show_spinner=False)
def generation_cache(store_url: str) -> GenerationCache:
    """One cache per process and store: every session of this server shares its reads."""
    return GenerationCache()


def current_generation(cfg: Settings, store: Store, user_id: str, *, fresh: bool = False) -> Generation:
    """The user's session generation, at most 30 s old; `fresh` reads it now (a new login must start
    under the real current number, or a cache a few seconds stale would end it 30 s later)."""
    cache = generation_cache(cfg.store_url)
    if not fresh:
        return cache.get(store, user_id)
    generation = read_generation(store, user_id)
    cache.remember(user_id, generation)
    return generation


def cached_generation(cfg: Settings, user_id: str) -> Generation | None:
    """The user's generation when this process read it within 30 s, else None: no store read (issue 21:
    the gate then leaves the check to `end_reason` after the page's window Query, which brings it)."""
    return generation_cache(cfg.store_url).peek(user_id)


def learn_generation(store_url: str, user_id: str, generation: Generation) -> None:
    """A generation the window Query just read (lib.web.state): the gate's check needs no read of its own."""
    generation_cache(store_url).learn(user_id, generation)


def max_age(cfg: Settings) -> float:
    return cfg.max_session_hours * 3600


def start(user_id: str, gen: int | None, ends_at: float) -> None:
    """Remember what this session's login was issued under, and when it must end (gen None: the current
    one, learned by the page's first read; see end_reason)."""
    st.session_state[SESSION_KEY] = {"user": user_id, "gen": gen, "ends": ends_at}


def end_reason(cfg: Settings, store: Store, user_id: str, *, defer: bool = False) -> str | None:
    """Why this open session must end now (None: it goes on). Cheap: one cache look-up per rerun.

    `defer` (the gate, before the page's first read): when the cached generation is older than 30 s, no
    read here; the page calls this again right after its window Query, which brought the generation
    (issue 21: a session's first load is one request), before it shows or writes anything.
    """
    now = clock.now().timestamp()
    session = st.session_state.get(SESSION_KEY)

    def known() -> Generation | None:
        return cached_generation(cfg, user_id) if defer else current_generation(cfg, store, user_id)

    if not session or session.get("user") != user_id:
        # A session signed in without passing the gate's start() (none in the app): it starts now.
        first = known()
        start(user_id, first.number if first else None, now + max_age(cfg))
        return None
    if now >= float(session["ends"]):
        log.info("session ended", extra={"reason": "expired", "user_id": user_id})
        return EXPIRED
    generation = known()
    if generation is None:
        return None  # checked after the page's first read
    if session["gen"] is None:
        start(user_id, generation.number, float(session["ends"]))
        return None
    if generation.number != session["gen"]:
        log.info("session ended", extra={"reason": "logged out elsewhere", "user_id": user_id})
        return ENDED
    return None


def end_everywhere(cfg: Settings, store: Store, user_id: str, at: dt.datetime) -> None:
    """Log out everywhere: bump the generation; this process's sessions see it at once, others within 30 s."""
    generation_cache(cfg.store_url).remember(user_id, end_all_sessions(store, user_id, at))
    st.session_state.pop(SESSION_KEY, None)


# -- password guesses -------------------------------------------------------------------------------
def wait_message(seconds: int) -> str:
    """The same words for every username, known or not."""
    if seconds >= 120:
        return f"Too many failed sign-ins for this username: it is locked for {-(-seconds // 60)} minutes."
    return f"Too many failed sign-ins for this username: wait {seconds} s before trying again."


def guard_logins(authenticator: Any, store: Store) -> None:
    """Wrap the authenticator's password check: refused while the username must wait, counted when wrong."""
    import streamlit_authenticator as stauth

    model = authenticator.authentication_controller.authentication_model
    check = model.check_credentials
    known = model.credentials.get("usernames", {})

    def guarded(username: str, password: str) -> bool:
        now = clock.now().timestamp()
        st.session_state.pop(WAIT_KEY, None)
        wait = login_wait(store, username, now)
        if wait:
            st.session_state[WAIT_KEY] = wait
            return False
        if username in known:
            ok = bool(check(username, password))
        else:
            stauth.Hasher.check_pw(password, _DUMMY_HASH)  # the same cost: no timing tells who exists
            ok = False
        if ok:
            clear_failures(store, username)
            return True
        failures = record_failure(store, username, now)
        if failures >= MAX_FAILURES:
            st.session_state[WAIT_KEY] = login_wait(store, username, now)
        return False

    model.check_credentials = guarded
