"""Settings, "Your day": the time zone whose date is the user's today (streaks, budgets, date pickers, the coach).

Its own small form beside the main one: a searchable list of the IANA zones, saved with the profile's
version check; a refused zone gets its reason next to the field and nothing is saved.
"""
from __future__ import annotations

import dataclasses

import streamlit as st

from lib.core import clock
from lib.core.errors import ConflictError, FinanceError, StoreUnavailableError, ValidationError
from lib.core.models import Profile, validate_profile
from lib.core.plain import md_escape
from lib.jobs import manage
from lib.web import state, userday

KEY = "set_timezone"


def _checked_zone(profile: Profile, zone: str | None) -> str:
    """The zone if the profile may hold it, else ValidationError({"timezone": reason})."""
    if not zone:
        raise ValidationError({"timezone": "Choose a time zone from the list (type a city to search)."})
    try:
        return validate_profile(profile.user_id, profile.display_name, profile.daily_budget, profile.monthly_salary,
                                profile.ai_tone, profile.version, budget_style=profile.budget_style,
                                timezone=zone).timezone
    except ValidationError as exc:
        if "timezone" in exc.errors:
            raise ValidationError({"timezone": exc.errors["timezone"]}) from None
        raise  # another stored field is refused: the main form above says which


def render(ctx: state.Context, profile: Profile) -> None:
    """The time-zone section: where "today" is for this user, and a list to change it."""
    st.subheader("🕰️ Your day")
    browser = userday.browser_zone()
    where = profile.timezone or "not set yet, so the server's zone"
    st.caption(f"Today is **{ctx.today:%A %d %B %Y}** for you (time zone: {where}). Your streak, your daily budget, "
               "the date pickers and the coach all count days in this zone.")
    if st.session_state.pop("timezone_reset", False) or KEY not in st.session_state:
        st.session_state[KEY] = profile.timezone or None
    with st.form("time_zone"):
        picked = st.selectbox(
            "Time zone", clock.zone_names(), key=KEY, placeholder="Type a city, e.g. Sydney",
            help="Your today starts at midnight here." + (f" Your browser says {browser}." if browser else ""),
        )
        err = st.empty()
        save = st.form_submit_button("Save time zone")
    for message in st.session_state.pop("timezone_flash", []):
        st.success(message)
    if not save:
        return
    try:
        zone = _checked_zone(profile, picked)
        # Through the jobs module: the nudges' schedule follows the new zone.
        saved = manage.save_profile(ctx.store, dataclasses.replace(profile, timezone=zone))
    except ValidationError as exc:
        for reason in exc.errors.values():
            err.error(md_escape(reason), icon="✋")
        st.error("Nothing was saved: fix the field marked above.")
    except ConflictError as exc:
        state.mark_changed(ctx.user_id)
        st.session_state["timezone_reset"] = True
        st.warning(md_escape(f"{exc} Your time zone was NOT saved; choose it again."), icon="⚠️")
    except StoreUnavailableError as exc:
        st.error(md_escape(f"Could not save your time zone: {exc} Nothing was lost: save again."), icon="🛑")
    except FinanceError as exc:
        st.error(md_escape(f"Could not save your time zone: {exc}"), icon="🛑")
    else:
        state.mark_changed(ctx.user_id)
        st.session_state["settings_reset"] = saved  # the main form edits this version from now on
        st.session_state["timezone_reset"] = True
        st.session_state["timezone_flash"] = [f"✅ Saved: your day now follows {zone}."]
        st.rerun()
