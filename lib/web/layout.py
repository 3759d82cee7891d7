"""The phone layout: a few CSS rules on Streamlit's own markup, injected once per page run.

Streamlit stacks every column under 640 px and keeps a tall top padding; on a 390 px phone that put one
metric card per screen and pushed the coach out of sight. Targeted by stable hooks only: data-testid
attributes and the `st-key-<key>` classes of keyed containers, never the generated emotion classes.
"""
from __future__ import annotations

import streamlit as st

PHONE_MAX_PX = 640  # Streamlit's own breakpoint for stacking columns
SIDEBAR_COLLAPSES_PX = 768  # below this Streamlit starts with the sidebar collapsed (initial state "auto")

CSS = f"""
<style>
/* A slider's value is written in the primary colour, which is dark enough for white button text and so
   too dark as text on the background (3.95:1, axe color-contrast): written in the text colour instead. */
[data-testid="stSliderThumbValue"], [data-testid="stSliderThumbValue"] p {{ color: #F3F4F6; }}
/* The coach's words on the page: only where the sidebar starts collapsed (phones, small tablets). */
@media (min-width: {SIDEBAR_COLLAPSES_PX + 1}px) {{ .st-key-coach_main {{ display: none; }} }}
@media (max-width: {PHONE_MAX_PX}px) {{
  [data-testid="stMainBlockContainer"] {{ padding-top: 3.25rem; }}
  [data-testid="stMainBlockContainer"] h1 {{ font-size: 1.65rem; padding-top: 0.25rem; }}
  /* Metric cards two to a row instead of one. */
  [class*="st-key-cards"] [data-testid="stHorizontalBlock"] {{ flex-wrap: wrap; gap: 0.5rem; }}
  [class*="st-key-cards"] [data-testid="stColumn"] {{ flex: 1 1 calc(50% - 0.25rem) !important;
      min-width: calc(50% - 0.25rem) !important; width: calc(50% - 0.25rem) !important; }}
  [class*="st-key-cards"] [data-testid="stMetric"] {{ padding: 0.5rem 0.6rem; }}
  [class*="st-key-cards"] [data-testid="stMetricValue"] {{ font-size: 1.3rem; }}
  [class*="st-key-cards"] [data-testid="stMetricDelta"] {{ font-size: 0.75rem; }}
  /* Half a phone is narrow: labels and deltas wrap instead of ending in "…". */
  [class*="st-key-cards"] [data-testid="stMetricLabel"] p,
  [class*="st-key-cards"] [data-testid="stMetricDelta"], [class*="st-key-cards"] [data-testid="stMetricDelta"] * {{
      white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
      height: auto !important; }}
}}
</style>
"""


def phone_css() -> None:
    """The rules above, in an element that takes no space. Called after the login gate (lib/web/ui.page):
    placed ahead of the gate it made a returning visit's browser ask for a second script run seconds
    after the first (seen in bench/browser.py's run log: 2 of 3 visits, none once moved)."""
    st.markdown(CSS, unsafe_allow_html=True)
