"""Settings > Bank feed (paste a SimpleFIN setup token, see the accounts, pick the spending ones, Sync now),
and the dashboard's bank notices.

Rendering only: every decision is in lib.sync.service. The access URL never reaches this page;
bank texts (names, the bridge's errors) are shown as plain text.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from lib.core import clock
from lib.core.bank import notices
from lib.core.errors import FinanceError, ValidationError
from lib.core.plain import md_escape
from lib.store import Store
from lib.sync import service
from lib.web import views
from lib.web.state import Context, data_version, load_window, mark_changed

_STATE_WORDS = {"ok": "✅ syncing", "needs_attention": "⚠️ needs attention", "revoked": "🛑 revoked",
                "lapsed": "🛑 subscription lapsed", "unavailable": "⏳ bridge unreachable", "quota": "⏳ daily limit"}


def render_bank_settings(ctx: Context) -> None:
    """The whole Bank feed section of the Settings page."""
    st.subheader("🏦 Bank feed (SimpleFIN)")
    for level, message in st.session_state.pop("bank_flash", []):
        getattr(st, level)(md_escape(message))
    try:
        # The page's cached window carries the feed's note: a user who never connected costs no read here.
        if load_window(ctx, *views.coach_range(ctx.today)).bank is None:
            info: dict[str, Any] = {"connected": False, "accounts": [], "notices": []}
        else:
            info = _status(ctx.store, ctx.settings.store_url, ctx.user_id, data_version(ctx.user_id))
    except FinanceError as exc:
        st.error(md_escape(f"Could not read your bank connection: {exc}"), icon="🛑")
        return
    if not info["connected"] or info.get("state") == "revoked":
        _connect_form(ctx, info)
    if info["connected"]:
        _accounts(ctx, info)


@st.cache_data(ttl=60, show_spinner=False, max_entries=500)
def _status(_store: Store, store_url: str, user_id: str, version: int) -> dict[str, Any]:
    """The section's data (3 small reads), cached per user until they change something (or a minute passes)."""
    return service.status(_store, user_id, clock.now())


def _when(iso: str) -> str:
    """An ISO UTC time as '2026-12-04 16:28 UTC' ('never' when empty)."""
    return f"{iso[:16].replace('T', ' ')} UTC" if iso else "never"


def _connect_form(ctx: Context, info: dict[str, Any]) -> None:
    st.caption("Subscribe at the SimpleFIN Bridge, link your bank there, make a setup token and paste it here. "
               "It is claimed once; the access it gives is stored encrypted and never shown.")
    with st.form("bank_connect"):
        st.text_input("Setup token", key="bank_token", type="password")
        err = st.empty()
        go = st.form_submit_button("Connect bank", type="primary")
    if not go:
        return
    try:
        accounts = service.connect(ctx.store, ctx.settings, ctx.user_id, st.session_state.get("bank_token", ""),
                                   clock.now())
    except ValidationError as exc:
        err.error(md_escape(next(iter(exc.errors.values()))), icon="✋")
        return
    except FinanceError as exc:
        st.error(md_escape(f"Could not connect your bank: {exc}"), icon="🛑")
        return
    mark_changed(ctx.user_id)
    st.session_state["bank_flash"] = [("success", f"Connected: {len(accounts)} accounts found. Pick your spending "
                                                  "accounts, then Sync now.")]
    st.rerun()


def _accounts(ctx: Context, info: dict[str, Any]) -> None:
    st.write(md_escape(f"State: {_STATE_WORDS.get(info['state'], info['state'])} · last sync "
                       f"{_when(info['last_sync_at'])} · {info['requests_today']} of 24 requests used today"))
    if info.get("message"):
        st.caption(md_escape(info["message"]))
    if info.get("sync_slots"):
        st.caption(f"Synced by itself at {', '.join(info['sync_slots'])} UTC and before your morning nudge.")
    accounts = info["accounts"]
    if not accounts:
        st.info("No accounts yet: press Sync now.", icon="ℹ️")
    chosen: dict[int, bool] = {}
    with st.form("bank_accounts"):
        for i, a in enumerate(accounts):
            label = f"{a['name']} · {a['institution'] or 'bank'} · {a['currency']}"
            if a["state"] != "ok":
                label += f" · {_STATE_WORDS.get(a['state'], a['state'])}"
            chosen[i] = st.checkbox(md_escape(label), value=a["spending"], key=f"bank_acct_{i}")
        save = st.form_submit_button("Save spending accounts")
    left, right = st.columns(2)
    sync = left.button("Sync now", key="bank_sync", type="primary", disabled=info["state"] == "revoked")
    drop = right.button("Disconnect", key="bank_disconnect")
    if save:
        ids = service.account_ids(ctx.store, ctx.user_id)
        picked = {ids[i]: chosen[i] for i in range(min(len(ids), len(accounts)))}
        service.set_spending(ctx.store, ctx.user_id, picked)
        mark_changed(ctx.user_id)
        st.session_state["bank_flash"] = [("success", "Saved: only spending accounts count toward your budget.")]
        st.rerun()
    if sync:
        _sync_now(ctx)
    if drop:
        service.disconnect(ctx.store, ctx.user_id)
        mark_changed(ctx.user_id)
        st.session_state["bank_flash"] = [("success", "Disconnected. Rows already synced stay.")]
        st.rerun()


def _sync_now(ctx: Context) -> None:
    try:
        with st.spinner("Asking the bridge…"):
            report = service.sync_user(ctx.store, ctx.settings, ctx.user_id, clock.now())
    except FinanceError as exc:
        st.error(md_escape(f"Could not sync: {exc}"), icon="🛑")
        return
    mark_changed(ctx.user_id)
    words = (f"{report.added} new, {report.updated} updated, {report.pending} pending, "
             f"{report.matched_file_rows} already imported from a file")
    level = "success" if report.state == "ok" else "warning"
    flash = [(level, f"Sync: {_STATE_WORDS.get(report.state, report.state)}. {words}.")]
    flash += [("warning", f"Your bank says: {e}") for e in report.errors[:5]]
    st.session_state["bank_flash"] = flash
    st.rerun()


def render_bank_notices(ctx: Context, start: dt.date, end: dt.date) -> None:
    """The dashboard's bank notices (needs attention, stale since, revoked, lapsed) from the cached window:
    the feed's note is read with it, so they cost no store request; nothing when no bank is connected."""
    window = load_window(ctx, *views.load_range(start, end, ctx.today))
    for level, text in notices(window.bank, clock.now()):
        getattr(st, level)(md_escape(text), icon="🏦")
