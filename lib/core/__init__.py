"""The pure domain: no streamlit, no SDK, nothing of lib outside lib.core."""
