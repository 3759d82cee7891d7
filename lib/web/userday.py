"""The signed-in user's today: the date in their profile's zone, learned from the read the page makes anyway.

The zone sits on the profile, and the profile comes with the user's window. The gate reads that window for
the day the zone it expects gives (the one this session saw last, else the browser's), which is the
page's own first read; only when the profile's zone turns out to give another day is the window read
again. On the first sign-in of a profile without a zone the browser's zone is saved to it (one versioned
write, once; a zone the user chose is never overwritten). The browser's locale rides on the same write (issue 25:
nudges and the CLI write money the reader's way); a profile with a zone but no locale gets it in one write too.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable

import streamlit as st

from lib.core import clock, standing
from lib.core.errors import ConflictError, FinanceError
from lib.core.models import Profile
from lib.web import state
from lib.web.money import browser_locale

log = logging.getLogger(__name__)

MEMO_SECONDS = 300  # like the window cache: a zone changed in another process is seen within this


def browser_zone() -> str:
    """The browser's IANA zone (st.context.timezone), or "" when it sent none or one we do not know."""
    name = str(st.context.timezone or "")[:64]
    return name if clock.is_zone(name) else ""


def _save_browser_zone(ctx: state.Context, profile: Profile) -> str:
    """First sign-in of a profile without a zone (or locale): save the browser's (once per session, never over
    a chosen one). Returns the zone saved, "" when none was."""
    flag = "_zone_offered"
    if st.session_state.get(flag) == ctx.user_id:
        return ""
    st.session_state[flag] = ctx.user_id
    zone = "" if profile.timezone else browser_zone()
    locale = "" if profile.locale else browser_locale()
    if not zone and not locale:
        return ""
    try:
        ctx.store.save_profile(dataclasses.replace(profile, timezone=profile.timezone or zone,
                                                   locale=profile.locale or locale))
    except ConflictError:
        log.info("browser zone not saved: the profile changed meanwhile", extra={"user_id": ctx.user_id})
        return ""
    except FinanceError as exc:
        log.warning("browser zone not saved", extra={"user_id": ctx.user_id, "error": str(exc)})
        return ""
    state.mark_changed(ctx.user_id)
    log.info("time zone / locale saved from the browser", extra={"user_id": ctx.user_id, "zone": zone,
                                                                   "locale": locale})
    return zone


def user_context(ctx: state.Context, history_days: int | None,
                 settle: Callable[[state.Context], None] | None = None) -> state.Context:
    """`ctx` (whose today is the server's) with the user's own today and the page's history start from it.

    `settle`: called right after the first read, before the zone is saved (the session's deferred check)."""
    memo = st.session_state.get("_user_zone")
    version = state.data_version(ctx.user_id)
    mine = memo if memo is not None and memo[0] == ctx.user_id else None
    if mine is not None and mine[1] == version and time.monotonic() - mine[3] < MEMO_SECONDS:
        return _at(ctx, clock.today(mine[2]), history_days)
    guess = mine[2] if mine is not None else browser_zone()
    guessed = _at(ctx, clock.today(guess), history_days)
    try:
        # The standing's window: the page's own first read (the dashboard, the coach and the forms read it).
        profile = state.load_window(guessed, *standing.window_range(guessed.today)).profile
    except FinanceError as exc:
        log.warning("could not read the profile's zone", extra={"user_id": ctx.user_id, "error": str(exc)})
        return guessed  # the page's own read meets the same failure and says so
    needs_save = not (profile.timezone and profile.locale)
    if settle is not None and needs_save:
        settle(ctx)  # a session that has ended writes nothing
    saved = _save_browser_zone(ctx, profile) if needs_save else ""
    zone = profile.timezone or saved
    st.session_state["_user_zone"] = (ctx.user_id, state.data_version(ctx.user_id), zone, time.monotonic())
    today = clock.today(zone)
    return guessed if today == guessed.today else _at(ctx, today, history_days)


def _at(ctx: state.Context, today: dt.date, history_days: int | None) -> state.Context:
    start = today - dt.timedelta(days=history_days - 1) if history_days else None
    return dataclasses.replace(ctx, today=today, history_start=start)
