"""The dashboard's bank notices, one call line in streamlit_app.py (the Settings section is lib.web.settings_bank)."""
from __future__ import annotations

from lib.web.settings_bank import render_bank_notices

__all__ = ["render_bank_notices"]
