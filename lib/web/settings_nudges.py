"""Settings > Nudges: times and switches, and the channels (added, removed, tested, shown masked).

Rendered by one call in pages/3_Settings.py; every decision is in lib (nudge_prefs validates,
lib.jobs.manage saves and keeps the schedule current, lib.notify.channels checks and seals URLs).
"""
from __future__ import annotations

import dataclasses
from typing import Any

import streamlit as st

from lib.core import clock
from lib.core.errors import ConflictError, FinanceError, ValidationError
from lib.core.models import Profile
from lib.core.nudge_prefs import quiet_warnings, validate_nudge_prefs
from lib.core.plain import md_escape
from lib.jobs import manage
from lib.notify.channels import list_channels
from lib.store.sealed import Sealer, sealer_from_settings
from lib.web import state

TIME_HELP = "HH:MM in your own time zone, or off."


@st.cache_resource(show_spinner=False)
def _sealer(cfg: Any) -> Sealer:
    return sealer_from_settings(cfg)


@st.cache_data(ttl=300, show_spinner=False, max_entries=2000)
def _list(_store: Any, store_url: str, user_id: str, version: int) -> list[Any]:
    """The user's channels (one Query), cached per user until their next write (a rerun reads nothing)."""
    return list_channels(_store, user_id)


def paused_notice(paused: tuple[str, ...]) -> None:
    """On the dashboard: which channels are paused after failing 5 times in a row (read with the window)."""
    for masked in paused:
        st.warning(md_escape(f"Nudges to {masked} are paused: it failed 5 times in a row. "
                             "Open Settings > Nudges and send a test once it is fixed."), icon="🔕")


def _flash() -> None:
    for level, message in st.session_state.pop("nudge_flash", []):
        getattr(st, level)(md_escape(message))


def _done(ctx: Any, level: str, message: str) -> None:
    state.mark_changed(ctx.user_id)
    st.session_state["nudge_url_n"] = st.session_state.get("nudge_url_n", 0) + 1  # a fresh, empty URL box
    st.session_state["nudge_flash"] = [(level, message)]
    st.rerun()


def render_nudges(ctx: Any, profile: Profile) -> None:
    """The Nudges section: a form for the times and switches, then the channels."""
    st.header("🔔 Nudges")
    st.caption(f"Times are in your zone ({profile.timezone or 'the server zone'}). The coach speaks in your tone.")
    _flash()
    prefs = profile.nudges.to_dict()
    with st.form("nudges"):
        left, right = st.columns(2)
        left.text_input("Morning nudge", value=prefs["morning"], key="nudge_morning", help=TIME_HELP)
        err_morning = left.empty()
        right.text_input("Evening reminder", value=prefs["evening"], key="nudge_evening", help=TIME_HELP)
        err_evening = right.empty()
        st.text_input("Quiet hours", value=prefs["quiet"], key="nudge_quiet",
                      help="HH:MM-HH:MM (like 22:00-07:00), or off. Nothing is sent inside them.")
        err_quiet = st.empty()
        a, b, c = st.columns(3)
        a.toggle("Sunday round-up", value=prefs["weekly"] == "on", key="nudge_weekly")
        b.toggle("Streak milestones", value=prefs["milestones"] == "on", key="nudge_milestones")
        c.toggle("Hide amounts", value=prefs["hide_amounts"] == "on", key="nudge_hide",
                 help="Leave amounts out (lock screens).")
        saved = st.form_submit_button("Save nudges")
    if saved:
        where = {"morning": err_morning, "evening": err_evening, "quiet": err_quiet}
        try:
            wanted = validate_nudge_prefs(
                morning=st.session_state["nudge_morning"], evening=st.session_state["nudge_evening"],
                quiet=st.session_state["nudge_quiet"], weekly=st.session_state["nudge_weekly"],
                milestones=st.session_state["nudge_milestones"], hide_amounts=st.session_state["nudge_hide"])
            manage.save_profile(ctx.store, dataclasses.replace(profile, nudges=wanted))
        except ValidationError as exc:
            for field, reason in exc.errors.items():
                where.get(field, st).error(md_escape(reason), icon="✋")
            st.error("Nothing was saved: fix the fields marked above.")
        except ConflictError:
            _done(ctx, "warning", "Your settings changed elsewhere; nothing was saved. Review them and save again.")
        except FinanceError as exc:
            st.error(md_escape(f"Could not save your nudges: {exc}"), icon="🛑")
        else:
            warnings = quiet_warnings(wanted)
            _done(ctx, "warning" if warnings else "success", " ".join(warnings) or "✅ Nudges saved.")
    for warning in quiet_warnings(profile.nudges):
        st.caption(f"⚠️ {warning}")
    _channels(ctx)


def _channels(ctx: Any) -> None:
    st.subheader("Where nudges go")
    allow_private = not ctx.settings.is_hosted
    try:
        channels = _list(ctx.store, ctx.settings.store_url, ctx.user_id, state.data_version(ctx.user_id))
    except FinanceError as exc:
        st.error(md_escape(f"Could not load your channels: {exc}"), icon="🛑")
        return
    if not channels:
        st.info("No channel yet: add one below (for example ntfy://your-private-topic for the ntfy app).", icon="📭")
    for n, channel in enumerate(channels, 1):
        row = st.columns([5, 2, 1])
        status = " · ⏸️ paused after 5 failures" if channel.paused else (
            f" · {channel.failures} failed in a row" if channel.failures else "")
        row[0].text(f"{n}. {channel.masked}{status}")
        if row[1].button("Send a test", key=f"nudge_test_{channel.channel_id}"):
            try:
                result = manage.send_test(ctx.store, _sealer(ctx.settings), ctx.user_id, channel.channel_id,
                                          allow_private=allow_private, at=clock.now())
            except FinanceError as exc:
                _done(ctx, "error", f"The test could not be sent: {exc}")
            else:
                _done(ctx, "success" if result.ok else "error",
                      f"✅ Test sent to {channel.masked}." if result.ok
                      else f"The test to {channel.masked} failed: {result.error}")
        if row[2].button("Remove", key=f"nudge_rm_{channel.channel_id}"):
            manage.remove_channel(ctx.store, ctx.user_id, channel.channel_id)
            _done(ctx, "success", f"Removed {channel.masked}.")
    # A URL holds secrets: after an add the box is a new, empty one; a refused URL stays to be fixed.
    url_key = f"nudge_url_{st.session_state.get('nudge_url_n', 0)}"
    with st.form("nudge_add", clear_on_submit=False):
        st.text_input("Add a channel (an Apprise URL)", key=url_key, type="password",
                      help="ntfy://topic, ntfys://host/topic, mailtos://user:pass@host?to=..., tgram://token/chat, "
                           "discord://..., slack://..., pover://user@token, gotify://host/token, json://host/path")
        err_url = st.empty()
        add = st.form_submit_button("Add channel")
    if add:
        try:
            channel = manage.add_channel(ctx.store, _sealer(ctx.settings), ctx.user_id, st.session_state[url_key],
                                         allow_private=allow_private, at=clock.now())
        except ValidationError as exc:
            err_url.error(md_escape("; ".join(exc.errors.values())), icon="✋")
        except FinanceError as exc:
            err_url.error(md_escape(f"Could not add the channel: {exc}"), icon="🛑")
        else:
            _done(ctx, "success", f"✅ Added {channel.masked}. Send a test to check it.")
