"""Spending & streak: the first page. Every page starts with lib.web.ui.page (gate + sidebar)."""
from __future__ import annotations

import streamlit as st

from lib.core.errors import FinanceError
from lib.web import fx_view, settings_bank, ui, views
from lib.web.settings_nudges import paused_notice
from lib.web.sidebar import coach_on_page

ctx = ui.page("Spending & streak", "🔥")

# The first screen of a phone: the title, today's allowance and the streak, the coach's words. They are
# filled once the profile is loaded but drawn above the range picker, which only steers the charts.
first_screen = st.container()
start_default, end_default = views.default_range(ctx.today)
picked = st.date_input(
    "Range", value=(start_default, end_default), max_value=ctx.today, key="dash_range", format="YYYY-MM-DD"
)
start, end = (picked if isinstance(picked, tuple) and len(picked) == 2 else (start_default, end_default))

try:
    dashboard = ui.load_dashboard(ctx, start, end)
except FinanceError as exc:
    with first_screen:
        ui.friendly_error(exc, "load your spending")
    st.stop()

view = dashboard.view
with first_screen:
    st.title(f"🔥 {view.profile.display_name}, here is the damage")
    if not view.has_data:
        st.info("No transactions yet. Add some or import your bank's CSV on the **Transactions** page.", icon="🧾")
        st.page_link("pages/1_Transactions.py", label="Go to Transactions", icon="🧾")
    settings_bank.render_bank_notices(ctx, start, end)  # issue 20: your bank needs attention / stale / revoked
    ui.metrics(view.metrics[:4], per_row=4, key="cards")
    coach_on_page(ctx)
    ui.metrics(view.metrics[4:], per_row=4, key="cards_more")
    paused_notice(view.paused_channels)  # issue 18: a nudge channel paused after 5 failures
    if view.unlogged_note:
        st.warning(view.unlogged_note, icon="🕳️")
    checkin = view.checkin_offer and st.button(
        "Nothing spent today", key="checkin", icon="✅",
        help="Check in: today is a known day with nothing spent, so it can keep your streak.")
    if checkin:
        try:
            ctx.store.mark_known(ctx.user_id, ctx.today)
        except FinanceError as exc:
            ui.friendly_error(exc, "save your check-in")
        else:
            ui.mark_changed(ctx.user_id)
            st.rerun()


# Below the first screen (issue 21): the figures are built only now, after the cards and the coach's words
# have been sent, so a load that must build them shows the first screen first.
figures = ui.load_figures(ctx, start, end)


def chart(name: str) -> None:
    """A chart drawn on the server (an SVG picture, issue 21); its key numbers in words under it."""
    st.image(figures[name].svg, alt=f"Chart: {figures[name].title}. Its key numbers are written below it.",
             width="content")
    st.caption(figures[name].caption)


left, right = st.columns([3, 2])
with left:
    chart("daily")
with right:
    chart("month")
chart("calendar")

left, right = st.columns([2, 3])
with left:
    chart("categories")
with right:
    st.subheader("Recent transactions")
    # A plain table, not the data grid: no grid to load and draw on every visit (issue 21).
    st.table(views.plain_cells(view.recent), hide_index=True, border="horizontal")
fx_view.render_foreign_spending(ctx, start, end)  # issue 25: spending in other currencies, when there is some

ui.finish(ctx)
