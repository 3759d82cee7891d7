"""Settings: display name, daily budget, monthly salary, coach tone (saved with a version check)."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from lib.core import writes
from lib.core.errors import ConflictError, FinanceError, StoreUnavailableError, ValidationError
from lib.core.models import BUDGET_STYLES, TONES, validate_profile
from lib.core.plain import md_escape
from lib.web import settings_bank, settings_currency, settings_day, ui, views
from lib.web.settings_nudges import render_nudges
from lib.web.settings_period import render_period_section

ctx = ui.page("Settings", "⚙️")
st.title("⚙️ Settings")

try:
    window = ui.load_window(ctx, *views.coach_range(ctx.today))
    profile = window.profile
except FinanceError as exc:
    ui.friendly_error(exc, "load your settings")
    st.stop()

FIELDS = ("display_name", "daily_budget", "monthly_salary", "ai_tone")
# The form edits the profile version the user saw; a save from a stale version is a conflict.
pending = st.session_state.pop("settings_reset", None)
if pending is not None or "set_display_name" not in st.session_state:
    for name, value in views.settings_form_defaults(pending or profile).items():
        st.session_state[f"set_{name}"] = value
    st.session_state["set_fixed_categories"] = list(views.fixed_defaults(pending or profile, window.transactions))
    st.session_state["settings_base"] = pending or profile
base = st.session_state.get("settings_base", profile)

for level, message in st.session_state.pop("settings_flash", []):
    getattr(st, level)(md_escape(message))
if profile.version == 0:
    st.info("You have not saved settings yet: these are the defaults.", icon="ℹ️")

with st.form("settings"):
    # No max_chars: the browser would cut a pasted name silently; the check below says the limit.
    st.text_input("Display name", key="set_display_name", help="How the coach addresses you.")
    err_name = st.empty()
    st.text_input("Daily budget", key="set_daily_budget", help="A day at or under this keeps your streak alive.")
    err_budget = st.empty()
    st.text_input("Monthly salary (optional)", key="set_monthly_salary", help="Used for the share of salary spent.")
    err_salary = st.empty()
    st.radio(
        "Coach tone", TONES, key="set_ai_tone", horizontal=True,
        format_func=str.capitalize, captions=[views.TONE_TASTES[t] for t in TONES],
    )
    err_tone = st.empty()
    st.radio("Budget style", BUDGET_STYLES, key="set_budget_style", horizontal=True, format_func=str.capitalize,
             captions=[views.BUDGET_STYLE_HELP[s] for s in BUDGET_STYLES])
    err_style = st.empty()
    st.multiselect("Fixed costs", views.fixed_options(window.transactions), key="set_fixed_categories",
                   help="Bills in these categories count in the month, never against the daily budget or the streak. "
                        "Monthly payees the forecast finds are fixed too.")
    submitted = st.form_submit_button("Save settings", type="primary")

if submitted:
    errors_at = {"display_name": err_name, "daily_budget": err_budget, "monthly_salary": err_salary,
                 "ai_tone": err_tone, "budget_style": err_style}
    try:
        wanted = validate_profile(ctx.user_id, *(st.session_state[f"set_{f}"] for f in FIELDS), version=base.version,
                                  fixed_categories=st.session_state["set_fixed_categories"],
                                  budget_style=st.session_state["set_budget_style"], payday=base.payday,
                                  nudges=base.nudges, timezone=base.timezone,
                                  currency=base.currency)  # set in their sections below
        # Issue 25: the home currency is set in its own section (kept above) and the locale comes from the
        # browser, which validate_profile does not take: keep it.
        wanted = replace(wanted, locale=base.locale)
        saved = ctx.store.save_profile(wanted)
    except ValidationError as exc:
        for field, reason in exc.errors.items():
            errors_at[field].error(md_escape(reason), icon="✋")
        st.error("Nothing was saved: fix the fields marked above.")
    except ConflictError as exc:
        ui.mark_changed(ctx.user_id)
        st.session_state["settings_reset"] = exc.current
        st.session_state["settings_flash"] = [
            ("warning", f"⚠️ {exc} Your changes were NOT saved; review the current values and save again.")
        ]
        st.rerun()
    except StoreUnavailableError as exc:
        # The form keeps the user's values and its base version: saving again is recognised as
        # the same save if the first one was stored after all.
        st.error(md_escape(writes.unconfirmed_text("save your settings", exc, "Save again")), icon="🛑")
    except FinanceError as exc:
        ui.friendly_error(exc, "save your settings")
    else:
        ui.mark_changed(ctx.user_id)
        st.session_state["settings_reset"] = saved
        st.session_state["settings_flash"] = [("success", "✅ Saved. The coach and your streak use them now.")]
        st.rerun()

render_period_section(ctx, profile)
settings_day.render(ctx, profile)
settings_currency.render(ctx, profile, window.transactions)  # issue 25: the home currency, re-pricing
settings_bank.render_bank_settings(ctx)  # issue 20: the bank feed section
render_nudges(ctx, profile)  # issue 18: Settings > Nudges
ui.finish(ctx)
