"""Settings: the budget period (payday) section, its own form and save (issue 26).

The page calls `render_period_section(ctx, profile)` once. The rule is built from plain choices
(calendar month, monthly on a day, every two weeks from a date), checked by lib.core.period with a
reason shown next to the field, and saved with the profile's version check like the main form.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import streamlit as st

from lib.core import period, writes
from lib.core.errors import ConflictError, FinanceError, StoreUnavailableError
from lib.core.models import Profile
from lib.core.plain import md_escape
from lib.web import ui

KINDS = ("calendar", "monthly", "biweekly")
KIND_LABELS = {"calendar": "Calendar month", "monthly": "Monthly on a payday", "biweekly": "Every two weeks"}


def rule_from_choices(kind: str, day: int, friday: bool, anchor: dt.date | None) -> str:
    """The rule text the form's choices name (checked by lib.core.period before it is saved)."""
    if kind == "monthly":
        return f"monthly:{int(day)}" + (":friday" if friday else "")
    if kind == "biweekly":
        return f"biweekly:{anchor.isoformat()}" if anchor else "biweekly:"
    return period.CALENDAR


def describe(rule: str, today: dt.date) -> str:
    """The period holding today, in words: "25 Nov – 24 Dec 2026, 1 day left (today included)"."""
    start, end = period.period_of(today, rule)
    left = period.days_left(today, rule)
    return (f"{start:%d %b} – {end:%d %b %Y}, {left} day{'s' if left != 1 else ''} left (today included); "
            f"next payday {end + dt.timedelta(days=1):%a %d %b}")


def _defaults(profile: Profile, today: dt.date) -> dict[str, Any]:
    rule = period.parse_rule(profile.payday)
    return {"kind": rule.kind, "day": rule.day if rule.kind == "monthly" else 25, "friday": rule.friday,
            "anchor": rule.anchor or today}


def render_period_section(ctx: Any, profile: Profile) -> None:
    """The payday section: choose the budget period, see the period it makes today, save it."""
    st.subheader("Budget period")
    st.caption(f"Now: {KIND_LABELS[period.parse_rule(profile.payday).kind].lower()} "
               f"({md_escape(profile.payday)}): {describe(profile.payday, ctx.today)}.")
    for level, message in st.session_state.pop("period_flash", []):
        getattr(st, level)(md_escape(message))
    d = _defaults(profile, ctx.today)
    with st.form("period"):
        kind = st.radio("Budget period", KINDS, index=KINDS.index(d["kind"]), horizontal=True,
                        format_func=KIND_LABELS.__getitem__, key="period_kind",
                        help="'Left per day until payday', the rolling budget and the forecast run over this period.")
        day = st.number_input("Payday (day of the month)", min_value=1, max_value=31, value=int(d["day"]), step=1,
                              key="period_day", help="A shorter month pays on its last day (the 31st: 30 April).")
        friday = st.checkbox("When payday falls on a weekend, I'm paid the Friday before", value=bool(d["friday"]),
                             key="period_friday")
        anchor = st.date_input("One payday (every two weeks)", value=d["anchor"], key="period_anchor")
        err = st.empty()
        submitted = st.form_submit_button("Save budget period")
    if not submitted:
        return
    rule = rule_from_choices(str(kind), int(day or 1), bool(friday), anchor if isinstance(anchor, dt.date) else None)
    reason = period.rule_reason(rule)
    if reason:
        err.error(md_escape(reason), icon="✋")
        st.error("Nothing was saved: fix the field marked above.")
        return
    text = period.parse_rule(rule).text
    try:
        ctx.store.save_profile(replace(profile, payday=text))
    except ConflictError:
        ui.mark_changed(ctx.user_id)
        st.session_state["period_flash"] = [
            ("warning", "⚠️ Your settings changed elsewhere; the budget period was NOT saved. Choose it again.")]
        st.rerun()
    except StoreUnavailableError as exc:
        st.error(md_escape(writes.unconfirmed_text("save your budget period", exc, "Save again")), icon="🛑")
    except FinanceError as exc:
        ui.friendly_error(exc, "save your budget period")
    else:
        ui.mark_changed(ctx.user_id)
        st.session_state.pop("set_display_name", None)  # the main form reloads the saved profile
        st.session_state["period_flash"] = [("success", f"✅ Saved. This period: {describe(text, ctx.today)}.")]
        st.rerun()
